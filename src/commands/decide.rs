//! `incident decide OPTION [TEXT…]`: the Solution chosen, with its rationale. It decides
//! the situation the option belongs to, replacing any earlier decision of it.

use crate::cli::DecideArgs;
use crate::context::Context;
use crate::error::Result;
use crate::input::optional_text;
use crate::record;
use crate::ui::Ui;
use incident_core::model::{Body, Label};

pub fn run(context: &Context, ui: &mut Ui, args: DecideArgs) -> Result<()> {
    let id = context.target()?;
    let option: Label = args.option.parse()?;
    let rationale = optional_text(&args.text)?;
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(
        context,
        ui,
        &id,
        stamp,
        Body::Decision { option },
        rationale,
    )
}
