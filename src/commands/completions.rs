//! `incident completions SHELL` prints a completion script; in bash it also completes
//! incident ids and entry labels, by asking the hidden `incident complete WHAT`.
//! `incident man` prints the man page.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Context, emit};
use crate::cli::{Cli, CompleteArgs, CompletionsArgs, ManArgs};
use crate::error::{Error, Result};
use crate::model::Kind;

/// Completes ids after `-i`/`--incident`/`use`, and labels of the right kind after the
/// options and commands that take them; everything else is clap's.
const BASH_LABELS: &str = r#"
_incident_with_labels() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" what="" word
    local -a scope=()
    local i
    # Labels come from the incident the command line names, as the command would.
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in
            -i|--incident|--dir) scope+=("${COMP_WORDS[i]}" "${COMP_WORDS[i+1]}") ;;
            -i=*|--incident=*|--dir=*) scope+=("${COMP_WORDS[i]}") ;;
        esac
    done
    case "$prev" in
        -i|--incident|u|us|use) what=ids ;;
        --for|--rules-out|--confirms|--root-cause) what=hypotheses ;;
        --explains) what=symptoms ;;
        r|re|res|resu|resul|result) what=tests ;;
        de|dec|deci|decid|decide) what=options ;;
        am|ame|amen|amend|ret|retr|retra|retrac|retract) what=labels ;;
    esac
    if [[ -n "$what" && "$cur" != -* ]]; then
        local IFS=$'\n'
        COMPREPLY=($(compgen -W "$(incident "${scope[@]}" __complete "$what" 2>/dev/null)" -- "$cur"))
        return 0
    fi
    _incident "$@"
}
complete -F _incident_with_labels -o bashdefault -o default incident
"#;

pub fn completions(args: CompletionsArgs, out: &mut dyn Write) -> Result<()> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "incident", &mut script);
    let mut script = String::from_utf8(script).expect("clap writes UTF-8 scripts");
    if args.shell == Shell::Bash {
        script.push_str(BASH_LABELS);
    }
    emit(out, &script)
}

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

pub fn man(args: ManArgs, out: &mut dyn Write) -> Result<()> {
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
    emit(out, &page)
}

/// One candidate per line. Quiet on any error: a completion must never print one.
pub fn complete(context: &Context, args: CompleteArgs, out: &mut dyn Write) -> Result<()> {
    let candidates: Vec<String> = match args.what.as_str() {
        "ids" => context.store.ids().unwrap_or_default(),
        what => {
            let kind = match what {
                "symptoms" => Some(Kind::Symptom),
                "hypotheses" => Some(Kind::Hypothesis),
                "tests" => Some(Kind::Test),
                "options" => Some(Kind::Option),
                _ => None,
            };
            context
                .target()
                .and_then(|id| context.store.load(&id))
                .map(|incident| {
                    let state = incident.state();
                    incident
                        .entries
                        .iter()
                        .filter(|entry| kind.is_none_or(|kind| entry.kind() == kind))
                        .filter(|entry| !entry.kind().is_change() && !state.is_retracted(entry.id))
                        .map(|entry| entry.id.to_string())
                        .collect()
                })
                .unwrap_or_default()
        }
    };
    let text: String = candidates.iter().map(|line| format!("{line}\n")).collect();
    emit(out, &text)
}
