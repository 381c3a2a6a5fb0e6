//! `incident reopen`: the fix did not hold, or the incident was closed too soon.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::ui::Ui;

pub fn run(context: &Context, ui: &mut Ui) -> Result<()> {
    let id = context.target()?;
    let stamp = context.stamp(&Default::default())?;
    let saved = context
        .store
        .update(&id, |incident| Ok::<_, Error>(incident.reopen(stamp)?))?;
    let printed = ui.print_incident(&saved.incident, "reopened");
    crate::record::run_incident_hook(context, ui, &saved.incident, "reopen");
    printed
}
