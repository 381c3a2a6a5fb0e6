//! `incident undo`: take back the latest entry the same author recorded that still
//! counts. It is a retraction like `retract`'s, through the same pipeline and rules; the
//! entry is chosen inside the incident's lock, so two terminals undoing at once each take
//! back a different entry, never the same one twice.

use crate::cli::UndoArgs;
use crate::context::Context;
use crate::error::Result;
use crate::record::{self, Draft};
use crate::render::log;
use crate::ui::{Mode, Ui};
use incident_core::model::{Body, Error};

pub fn run(context: &Context, ui: &mut Ui, args: UndoArgs) -> Result<()> {
    let id = context.target()?;
    let stamp = context.stamp(&args.stamp)?;
    let (by, at) = (stamp.by.clone(), stamp.at);
    // What was taken back, described as the incident stood before: the receipt's second line.
    let mut undone = String::new();
    record::record(context, ui, &id, stamp, |incident| {
        let entry = incident
            .latest_undoable(&by)
            .ok_or_else(|| Error::NothingToUndo { by: by.clone() })?;
        let state = incident.state();
        undone = format!("  took back {}\n", log::headline(entry, &state));
        Ok(vec![Draft {
            body: Body::Retract {
                target: entry.id,
                undo: true,
            },
            text: String::new(),
            at,
        }])
    })?;
    if ui.mode() == Mode::Human {
        ui.print(&undone)?;
    }
    Ok(())
}
