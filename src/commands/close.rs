//! `incident close [TEXT…] [--root-cause H] [--at TIME]`: the incident is over.

use uuid::Uuid;

use super::print_incident;
use crate::cli::CloseArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::input::read_text;
use crate::ui::Ui;
use incident_core::model::{Body, CauseKind, Kind, Label, NewEntry};

pub fn run(context: &Context, ui: &mut Ui, args: CloseArgs) -> Result<()> {
    let id = context.target()?;
    let resolution = if args.text.is_empty() {
        None
    } else {
        Some(read_text(&args.text)?)
    };
    let root_cause: Option<Label> = args.root_cause.as_deref().map(str::parse).transpose()?;
    let stamp = context.stamp(&args.stamp)?;
    let saved = context.store.update(&id, |incident| {
        // `--root-cause H` is a root cause like any `incident cause --root --hypothesis H`,
        // recorded as the incident closes, in its words, unless one already is.
        let recorded_already = |incident: &incident_core::model::Incident, hypothesis: Label| {
            let state = incident.state();
            incident.entries.iter().any(|entry| {
                entry.body
                    == Body::Cause {
                        cause: CauseKind::Root,
                        hypothesis: Some(hypothesis),
                    }
                    && !state.is_retracted(entry.id)
            })
        };
        if let Some(hypothesis) = root_cause.filter(|h| !recorded_already(incident, *h)) {
            let state = incident.state();
            let text = incident
                .expect_entry(hypothesis, Some(Kind::Hypothesis))
                .map(|entry| state.text(entry).to_string())?;
            incident.record(NewEntry {
                body: Body::Cause {
                    cause: CauseKind::Root,
                    hypothesis: Some(hypothesis),
                },
                at: stamp.at,
                by: stamp.by.clone(),
                text,
                uuid: Uuid::now_v7(),
                recorded_at: stamp.recorded_at,
            })?;
        }
        Ok::<_, Error>(incident.close(stamp, resolution, root_cause)?)
    })?;
    let message = match saved.incident.state().root_cause() {
        Some(cause) => format!("closed; root cause {cause}"),
        None => "closed".to_string(),
    };
    let printed = print_incident(ui, &saved.incident, &message);
    crate::record::run_incident_hook(context, ui, &saved.incident, "close");
    printed
}
