//! `incident log [-n N] [--all]`: the latest entries in order of time, corrections
//! included, each on one line: what was recorded, when, and by whom.

use crate::cli::LogArgs;
use crate::context::Context;
use crate::error::Result;
use crate::render::log;
use crate::ui::{Mode, Ui};

pub fn run(context: &Context, ui: &mut Ui, args: LogArgs) -> Result<()> {
    let id = context.target()?;
    let incident = context.store.load(&id)?;
    let state = incident.state();
    let entries = incident.in_time_order(&state);
    let keep = if args.all { entries.len() } else { args.count };
    let earlier = entries.len().saturating_sub(keep);
    let shown = &entries[earlier..];
    match ui.mode() {
        Mode::Json => ui.print_json(&log::views(shown, &state)),
        Mode::Quiet => ui.print(&log::labels(shown)),
        Mode::Human if shown.is_empty() => {
            ui.note("no entries yet; `incident symptom TEXT` records the first");
            Ok(())
        }
        Mode::Human => {
            // Said, not printed: stdout holds the entries alone, for `| grep` and `| wc -l`.
            if earlier > 0 {
                let entries = if earlier == 1 { "entry" } else { "entries" };
                ui.hint(&format!(
                    "{earlier} earlier {entries} not shown: `incident log --all` shows every one"
                ));
            }
            let paint = ui.paint();
            ui.print(&log::human(shown, &state, earlier, &paint))
        }
    }
}
