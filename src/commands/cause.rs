//! `incident cause TEXT… [--trigger | --root | --contributing] [--hypothesis H]`: why
//! the incident happened, as a postmortem separates it.

use crate::cli::CauseArgs;
use crate::context::Context;
use crate::error::Result;
use crate::input::read_text;
use crate::record;
use crate::ui::Ui;
use incident_core::model::{Body, Label};

pub fn run(context: &Context, ui: &mut Ui, args: CauseArgs) -> Result<()> {
    let id = context.target()?;
    let cause = args.kind.kind();
    let hypothesis: Option<Label> = args.hypothesis.as_deref().map(str::parse).transpose()?;
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    let body = Body::Cause { cause, hypothesis };
    record::record_one(context, ui, &id, stamp, body, text)
}
