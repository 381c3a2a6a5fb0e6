//! `incident list [--all]`: open incidents (all with `--all`), newest first.

use crate::cli::ListArgs;
use crate::context::Context;
use crate::error::Result;
use crate::render::list::{self, Row};
use crate::ui::{Mode, Ui};
use incident_core::summary::Summary;

pub fn run(context: &Context, ui: &mut Ui, args: ListArgs) -> Result<()> {
    let (summaries, damaged) = context.store.summaries()?;
    for error in &damaged {
        ui.warn(&error.to_string());
    }
    let mut incidents: Vec<&Summary> = summaries
        .iter()
        .filter(|incident| args.all || incident.is_listed())
        .collect();
    // Newest first; incidents opened in the same second in the order they were opened.
    incidents.sort_by_key(|incident| std::cmp::Reverse((incident.opened_at, incident.uuid)));
    // A damaged pointer should not stop the listing; it is reported by commands that use it.
    let current = context.store.current().ok().flatten();
    let rows: Vec<Row> = incidents
        .iter()
        .map(|&incident| Row::of(incident, current.as_deref()))
        .collect();
    match ui.mode() {
        Mode::Json => ui.print_json(&rows),
        Mode::Quiet => {
            let ids: String = rows
                .iter()
                .map(|row| format!("{}\n", row.incident))
                .collect();
            ui.print(&ids)
        }
        Mode::Human if rows.is_empty() && damaged.is_empty() => {
            ui.note(if args.all {
                "no incidents yet; start one with `incident open TITLE`"
            } else {
                "no open incidents; `incident list --all` shows closed, merged and discarded ones too"
            });
            Ok(())
        }
        Mode::Human => {
            let paint = ui.paint();
            ui.print(&list::human(&rows, &paint))
        }
    }
}
