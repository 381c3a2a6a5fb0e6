//! `incident discard [--why TEXT…]`: the incident was opened by mistake. It leaves `list`
//! and takes no more entries; nothing is deleted, and `restore` brings it back.

use crate::cli::DiscardArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::input::reason;
use crate::ui::Ui;

pub fn run(context: &Context, ui: &mut Ui, args: DiscardArgs) -> Result<()> {
    let id = context.target()?;
    let why = reason(args.why)?;
    let stamp = context.stamp(&args.stamp)?;
    let saved = context.store.update(&id, |incident| {
        Ok::<_, Error>(incident.discard(stamp, why)?)
    })?;
    ui.print_incident(
        &saved.incident,
        "discarded: `incident list` no longer shows it, nothing was deleted, \
         and `incident restore` brings it back; `incident use REF` picks the one to go on with",
    )
}
