//! `incident restore`: a discarded incident comes back as it was, open or closed.

use crate::cli::RestoreArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::ui::Ui;
use incident_core::model::Status;

pub fn run(context: &Context, ui: &mut Ui, args: RestoreArgs) -> Result<()> {
    let id = context.target()?;
    let stamp = context.stamp(&args.stamp)?;
    let saved = context
        .store
        .update(&id, |incident| Ok::<_, Error>(incident.restore(stamp)?))?;
    let message = match saved.incident.status() {
        Status::Open => "restored, open as it was",
        Status::Closed => "restored, closed as it was",
    };
    ui.print_incident(&saved.incident, message)
}
