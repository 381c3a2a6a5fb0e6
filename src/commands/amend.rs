//! `incident amend LABEL [TEXT…] [--time TIME] [--owner NAME] [--consequence TEXT]`:
//! correct an entry. The original stays in the history; the correction is an entry of
//! its own (`E…`), and every view shows the current values, marked amended.

use chrono::Local;

use crate::cli::AmendArgs;
use crate::context::{Context, check_name};
use crate::error::{Error, Result};
use crate::input::{optional_text, read_text};
use crate::record;
use crate::time;
use crate::ui::Ui;
use incident_core::model::{Body, Label};

pub fn run(context: &Context, ui: &mut Ui, args: AmendArgs) -> Result<()> {
    let id = context.target()?;
    let target: Label = args.label.parse()?;
    let time = args
        .time
        .as_deref()
        .map(|at| time::parse_at(at, context.now, &Local))
        .transpose()?;
    let owner = args
        .owner
        .as_deref()
        .map(|owner| check_name(owner, "--owner"))
        .transpose()?;
    let corrects_a_field = time.is_some() || owner.is_some() || args.consequence.is_some();
    if !corrects_a_field && args.entry.text.is_empty() && args.entry.stamp.at.is_some() {
        // `--at` says when the correction was made; the entry's own time is `--time`.
        return Err(Error::Usage(format!(
            "`--at` is when this correction is made; to correct when {target} happened, use \
             `--time`"
        )));
    }
    // With a field to correct, the text may be left as it is.
    let text = if corrects_a_field {
        optional_text(&args.entry.text)?
    } else {
        read_text(&args.entry.text)?
    };
    let stamp = context.stamp(&args.entry.stamp)?;
    let body = Body::Amend {
        target,
        time,
        owner,
        consequence: args.consequence,
    };
    record::record_one(context, ui, &id, stamp, body, text)
}
