//! `incident remote [URL | --remove]`: where incidents are shared, set, shown or unset.

use crate::cli::RemoteArgs;
use crate::context::Context;
use crate::error::{CoreError, Result};
use crate::ui::Ui;

pub fn run(context: &Context, ui: &mut Ui, args: RemoteArgs) -> Result<()> {
    if args.remove {
        if !context.store.remove_remote()? {
            ui.note("no remote was set");
        }
        return Ok(());
    }
    let url = match args.url {
        Some(url) => context.store.set_remote(&url)?,
        None => context.store.remote()?.ok_or(CoreError::NoRemote)?,
    };
    ui.print_by_mode(
        || crate::render::json::to_json(&serde_json::json!({ "remote": url })),
        || format!("{url}\n"),
        || format!("{url}\n"),
    )
}
