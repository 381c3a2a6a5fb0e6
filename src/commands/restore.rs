//! `incident restore`: a discarded incident comes back as it was, open or closed.

use super::print_incident;
use crate::cli::RestoreArgs;
use crate::context::Context;
use crate::error::Result;
use crate::model::Status;
use crate::ui::Ui;

pub fn run(context: &Context, ui: &mut Ui, args: RestoreArgs) -> Result<()> {
    let id = context.target()?;
    let stamp = context.stamp(&args.stamp)?;
    let saved = context
        .store
        .update(&id, |incident| Ok(incident.restore(stamp)?))?;
    let message = match saved.incident.status() {
        Status::Open => "restored, open as it was",
        Status::Closed => "restored, closed as it was",
    };
    print_incident(ui, &saved.incident, message)
}
