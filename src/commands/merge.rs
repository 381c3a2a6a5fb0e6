//! `incident merge REF [--why TEXT…]`: one outage opened as two incidents. Every entry of
//! REF comes into this one; REF stays, read-only, marked merged into this one.
//!
//! Both documents change under both locks (`Store::update_both`), this one saved first:
//! its entries and its record of the merge, then REF's mark. A kill between the two saves
//! leaves REF's entries here once and REF unmarked; merging again finds them here (the
//! join is by UUID) and the merge recorded, and only marks REF.

use uuid::Uuid;

use crate::cli::MergeArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::input::reason;
use crate::render::receipt;
use crate::ui::{Mode, Ui};

pub fn run(context: &Context, ui: &mut Ui, args: MergeArgs) -> Result<()> {
    let survivor = context.target()?;
    let other = context.resolve(&args.reference)?;
    let why = reason(args.why)?;
    let stamp = context.stamp(&args.stamp)?;
    let (survivor, other, merge) =
        context
            .store
            .update_both(&survivor, &other, |survivor, other| {
                Ok::<_, Error>(survivor.merge(other, stamp, Uuid::now_v7(), why)?)
            })?;
    // Whoever was working in the incident merged away goes on in the survivor.
    if context.store.current().ok().flatten().as_deref() == Some(other.id.as_str()) {
        context.store.set_current(&survivor.id)?;
        if ui.mode() == Mode::Human {
            ui.note(&format!(
                "{} is now the current incident, in place of {}",
                survivor.id, other.id
            ));
        }
    }
    for warning in context.store.take_warnings() {
        ui.warn(&warning);
    }
    ui.print_by_mode(
        || receipt::merge_json(&survivor, &other, &merge),
        || format!("{}\n", survivor.id),
        || receipt::merge_human(&survivor, &other, &merge),
    )
    .and_then(|()| ui.flush())
    .inspect_err(|error| {
        // The merge is saved: a script that retries on this error is told it was done.
        if !error.is_broken_pipe() {
            ui.note(&format!(
                "note: {} was merged into {}, but this could not be printed",
                other.id, survivor.id
            ));
        }
    })
}
