//! `incident stage STAGE [TEXT…]`: where the response stands from now on, an `E` entry.

use crate::cli::StageArgs;
use crate::context::Context;
use crate::error::Result;
use crate::input::optional_text;
use crate::record;
use crate::ui::Ui;
use incident_core::model::Body;

pub fn run(context: &Context, ui: &mut Ui, args: StageArgs) -> Result<()> {
    let id = context.target()?;
    let stage = args.stage.parse()?;
    let text = optional_text(&args.text)?;
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(context, ui, &id, stamp, Body::Stage { stage }, text)
}
