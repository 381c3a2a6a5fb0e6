//! `incident sync`: send what was recorded here, receive what others recorded.

use crate::cli::SyncArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::render;
use crate::ui::Ui;

pub fn run(context: &Context, ui: &mut Ui, args: SyncArgs) -> Result<()> {
    let author = context.author(&Default::default())?;
    if args.background {
        // Said to the log first, so that an error printed after it reads as its own.
        ui.print(&format!("{} sync\n", render::utc_time(context.now)))?;
        ui.flush()?;
    }
    let Some(synced) = context.store.sync(&author, context.now, args.background)? else {
        // In the background, with another sync queued: that one sends this one's entries.
        return Ok(());
    };
    if args.background {
        ui.print(&render::sync::lines(&synced))?;
    } else {
        ui.print_by_mode(
            || render::sync::json(&synced),
            || render::sync::ids(&synced),
            || render::sync::lines(&synced),
        )?;
    }
    if !synced.problems.is_empty() {
        return Err(Error::NotShared {
            problems: synced.problems,
        });
    }
    Ok(())
}
