//! `incident action TEXT… [--owner NAME]`: a follow-up for after the incident.

use crate::cli::ActionArgs;
use crate::context::{Context, check_name};
use crate::error::Result;
use crate::input::read_text;
use crate::model::Body;
use crate::record;
use crate::ui::Ui;

pub fn run(context: &Context, ui: &mut Ui, args: ActionArgs) -> Result<()> {
    let id = context.target()?;
    let owner = args
        .owner
        .as_deref()
        .map(|owner| check_name(owner, "--owner"))
        .transpose()?;
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    record::record_one(context, ui, &id, stamp, Body::Action { owner }, text)
}
