//! `incident amend LABEL [TEXT…] [--time TIME] [OPTION…]`: correct an entry, its time or
//! any option it was recorded with. The original stays in the history; the correction is an entry of
//! its own (`E…`), and every view shows the current values, marked amended.

use chrono::Local;

use crate::cli::AmendArgs;
use crate::context::{Context, check_name};
use crate::error::{Error, Result};
use crate::input::{optional_text, read_text};
use crate::record;
use crate::time;
use crate::ui::Ui;
use incident_core::model::{Amendment, Body, Label, check_link, parse_labels};

pub fn run(context: &Context, ui: &mut Ui, args: AmendArgs) -> Result<()> {
    let id = context.target()?;
    let target: Label = args.label.parse()?;
    let when = |at: &Option<String>| {
        at.as_deref()
            .map(|at| time::parse_at(at, context.now, &Local))
            .transpose()
    };
    let change = Amendment {
        time: when(&args.time)?,
        owner: args
            .owner
            .as_deref()
            .map(|owner| check_name(owner, "--owner"))
            .transpose()?,
        due: args.due.as_deref().map(time::parse_date).transpose()?,
        link: args.link.as_deref().map(check_link).transpose()?,
        consequence: args.consequence,
        situation: args.situation.as_deref().map(str::parse).transpose()?,
        from: when(&args.from)?,
        to: when(&args.to)?,
        cause: args.cause.given(),
        went: args.went.as_deref().map(str::parse).transpose()?,
        explains: if args.explains.is_empty() {
            None
        } else {
            Some(parse_labels(&args.explains)?)
        },
        // On `amend`, `--key` marks the target, not the correction.
        key: match (args.entry.stamp.key, args.no_key) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
    };
    if change.is_empty() && args.entry.text.is_empty() && args.entry.stamp.at.is_some() {
        // `--at` says when the correction was made; the entry's own time is `--time`.
        return Err(Error::Usage(format!(
            "`--at` is when this correction is made; to correct when {target} happened, use \
             `--time`"
        )));
    }
    // With a field to correct, the text may be left as it is.
    let text = if change.is_empty() {
        read_text(&args.entry.text)?
    } else {
        optional_text(&args.entry.text)?
    };
    let mut stamp = context.stamp(&args.entry.stamp)?;
    stamp.key = false;
    let body = Body::Amend { target, change };
    record::record_one(context, ui, &id, stamp, body, text)
}
