//! `incident summary TEXT…`: the summary a person writes for the report, two or three
//! sentences; the latest one counts. Like every postmortem fact, it may come after the
//! close.

use crate::cli::TextArgs;
use crate::context::Context;
use crate::error::Result;
use crate::input::read_text;
use crate::record;
use crate::ui::Ui;
use incident_core::model::Body;

pub fn run(context: &Context, ui: &mut Ui, args: TextArgs) -> Result<()> {
    let id = context.target()?;
    let text = read_text(&args.text)?;
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(context, ui, &id, stamp, Body::Summary, text)
}
