//! `incident man [SUBCOMMAND]`: the manual page, or a subcommand's.

use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::error::{Error, Result};
use crate::ui::Ui;

/// What the generated page cannot know: times, the environment, files, exit codes, and
/// a session to copy from.
const MAN_SECTIONS: &str = r#".SH TIME
\fB\-\-at\fR takes RFC 3339 (2026\-11\-21T02:47:00Z), YYYY\-MM\-DD HH:MM[:SS] in local time,
HH:MM[:SS] (the latest such local moment not in the future), or a duration ago
(15m ago, \-15m, 1h30m ago; units s, m, h, d). A time in the future is refused.
.SH ENVIRONMENT
.TP
\fBINCIDENT_DIR\fR
The data directory, unless \fB\-\-dir\fR is given. Default: $XDG_DATA_HOME/incident, else
~/.local/share/incident.
.TP
\fBINCIDENT\fR
The incident to act on, unless \fB\-i\fR is given. Default: the current incident.
.TP
\fBINCIDENT_USER\fR, \fBUSER\fR
Who records entries, unless \fB\-\-by\fR is given.
.TP
\fBVISUAL\fR, \fBEDITOR\fR
The editor opened for text when none is typed at a terminal.
.TP
\fBNO_COLOR\fR
No colour, even at a terminal.
.SH FILES
.TP
\fI<data dir>/incidents/<id>.json\fR
One document per incident, mode 0600.
.TP
\fI<data dir>/current\fR
The current incident's id.
.SH EXIT STATUS
0 on success; 2 when the command was typed wrong (unknown option, empty text, malformed
label, id or time); 1 for anything else (no such incident or entry, a closed incident, a
damaged file, an I/O error).
.SH EXAMPLES
.nf
incident open Checkout returns 502s \-\-at 02:47
incident symptom 5% of POST /checkout return 502 \-\-at 02:41
incident hypothesis DB connection pool exhausted
incident test read pool gauges on db\-1 \-\-for H1
incident result T1 pool at 100/100 \-\-confirms H1
incident close raised the pool size to 200 \-\-root\-cause H1
incident report \-o checkout\-502s.md
.fi
"#;

pub fn run(ui: &mut Ui, args: ManArgs) -> Result<()> {
    let mut root = Cli::command();
    // Built, so each subcommand's page lists the global options too.
    root.build();
    let page_of = match &args.subcommand {
        None => root.clone(),
        Some(name) => {
            let sub = crate::argv::find_subcommand(&root, name)
                .filter(|sub| !sub.is_hide_set())
                .ok_or_else(|| Error::Usage(format!("{name:?} is not a subcommand")))?;
            // clap takes static names; this runs once, so leaking them is free.
            let name = sub.get_name();
            let page: &'static str = Box::leak(format!("incident-{name}").into_boxed_str());
            sub.clone().name(page).bin_name(format!("incident {name}"))
        }
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(page_of)
        .render(&mut page)
        .map_err(|source| Error::io("the man page", source))?;
    let mut page = String::from_utf8_lossy(&page).into_owned();
    if args.subcommand.is_none() {
        page.push_str(MAN_SECTIONS);
    }
    ui.print(&page)
}
