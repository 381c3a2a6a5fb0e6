//! `incident retract LABEL [--why TEXT]`: take an entry back. It stays in the history,
//! marked retracted; a retracted hypothesis no longer stands, a retracted result no
//! longer rules anything out or confirms it.

use crate::cli::RetractArgs;
use crate::context::Context;
use crate::error::Result;
use crate::record;
use crate::ui::Ui;
use incident_core::model::{Body, Label};

pub fn run(context: &Context, ui: &mut Ui, args: RetractArgs) -> Result<()> {
    let id = context.target()?;
    let target: Label = args.label.parse()?;
    let why = crate::input::reason(args.why)?.unwrap_or_default();
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(
        context,
        ui,
        &id,
        stamp,
        Body::Retract {
            target,
            undo: false,
        },
        why,
    )
}
