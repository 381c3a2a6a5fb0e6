//! `incident open TITLE… [--id ID] [--at TIME]`: a new incident, which becomes current.

use chrono::Local;
use uuid::Uuid;

use crate::cli::OpenArgs;
use crate::context::Context;
use crate::error::{CoreError, Result};
use crate::input::read_text;
use crate::ui::Ui;
use incident_core::id;
use incident_core::model::{Body, Incident, NewEntry, Severity};

/// How many `-2`, `-3`, … suffixes to try before giving up on a title.
const MAX_CLASHES: u32 = 1000;

pub fn run(context: &Context, ui: &mut Ui, args: OpenArgs) -> Result<()> {
    let title = read_text(&args.title)?;
    if let Some(chosen) = &args.id {
        id::validate(chosen)?;
    }
    let severity = args
        .severity
        .as_deref()
        .map(str::parse::<Severity>)
        .transpose()?;
    let stamp = context.stamp(&args.stamp)?;
    let opened_at = stamp.at;
    let (by, recorded_at) = (stamp.by.clone(), stamp.recorded_at);
    let mut incident = Incident::new(String::new(), title, stamp);
    if let Some(severity) = severity {
        // The severity at the opening is the first change of state, like any later one.
        incident.record(NewEntry {
            body: Body::Severity { severity },
            at: opened_at,
            by,
            text: String::new(),
            uuid: Uuid::now_v7(),
            recorded_at,
            key: false,
        })?;
    }
    if let Some(chosen) = args.id {
        incident.id = chosen;
        context.store.create(&incident)?;
    } else {
        let date = opened_at.with_timezone(&Local).date_naive();
        let mut attempt = 1;
        loop {
            incident.id = id::candidate(date, &incident.title, attempt);
            id::validate(&incident.id)?;
            match context.store.create(&incident) {
                Err(CoreError::IncidentExists { .. }) if attempt < MAX_CLASHES => attempt += 1,
                created => break created?,
            }
        }
    }
    context.store.set_current(&incident.id)?;
    for warning in context.store.take_warnings() {
        ui.warn(&warning);
    }
    if let Some(hint) = context.environment_override_hint() {
        ui.hint(&hint);
    }
    let printed = ui.print_incident(&incident, "opened; it is now the current incident");
    crate::record::run_incident_hook(context, ui, &incident, "open");
    printed
}
