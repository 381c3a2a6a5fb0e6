//! `incident use REF`: switch the current incident.

use crate::cli::UseArgs;
use crate::context::Context;
use crate::error::Result;
use crate::ui::Ui;

pub fn run(context: &Context, ui: &mut Ui, args: UseArgs) -> Result<()> {
    let chosen = context.resolve(&args.reference)?;
    let incident = context.store.load(&chosen)?;
    context.store.set_current(&chosen)?;
    if let Some(hint) = context.environment_override_hint() {
        ui.hint(&hint);
    }
    ui.print_incident(&incident, "is now the current incident")
}
