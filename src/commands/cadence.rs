//! `incident cadence DURATION|off`: how often stakeholder updates are due from now on, an
//! `E` entry; alone, the cadence in force.

use serde::Serialize;

use crate::cli::CadenceArgs;
use crate::context::Context;
use crate::error::Result;
use crate::record;
use crate::render::update;
use crate::time;
use crate::ui::{Mode, Ui};
use incident_core::model::{Body, CadenceSource, Label};

/// What turns the updates' cadence off.
const OFF: &str = "off";

pub fn run(context: &Context, ui: &mut Ui, args: CadenceArgs) -> Result<()> {
    let id = context.target()?;
    if args.every.is_empty() {
        return show(context, ui, &id);
    }
    let typed = args.every.join(" ");
    let every = if typed.trim().eq_ignore_ascii_case(OFF) {
        0
    } else {
        time::parse_every(&typed)?
    };
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(
        context,
        ui,
        &id,
        stamp,
        Body::Cadence { every },
        String::new(),
    )
}

#[derive(Serialize)]
struct Shown<'a> {
    incident: &'a str,
    /// Seconds between updates; null: none due.
    every: Option<u64>,
    /// The entry that set it; null: the severity's default.
    set_by: Option<Label>,
    next_update_due: Option<chrono::DateTime<chrono::Utc>>,
}

/// The cadence in force and what set it, recording nothing.
fn show(context: &Context, ui: &mut Ui, id: &str) -> Result<()> {
    let incident = context.store.load(id)?;
    let state = incident.state();
    let cadence = state.cadence();
    match ui.mode() {
        Mode::Json => ui.print_json(&Shown {
            incident: &incident.id,
            every: cadence.every,
            set_by: match cadence.source {
                CadenceSource::Set(label) => Some(label),
                CadenceSource::Severity(_) => None,
            },
            next_update_due: state.next_update_due(),
        }),
        Mode::Quiet => ui.print(&format!("{}\n", update::every(cadence.every))),
        Mode::Human => ui.print(&format!("{}\n", update::cadence(&cadence))),
    }
}
