//! The recording pipeline every entry command ends in: the incident's lock, the model's
//! rules, the save, and the receipt through the `Ui`. The incident is chosen by the
//! command before it reads any text or runs anything, so a `use` or `open` in another
//! terminal meanwhile cannot send the entry elsewhere.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::render::receipt;
use crate::ui::{Mode, Ui};
use incident_core::model::{Body, Directory, Incident, Label, NewEntry, Stamp};

/// An entry to record: what it is, what it says, and when it happened.
pub struct Draft {
    pub body: Body,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// Records one entry with the command's stamp into incident `id`.
pub fn record_one(
    context: &Context,
    ui: &mut Ui,
    id: &str,
    stamp: Stamp,
    body: Body,
    text: String,
) -> Result<()> {
    let at = stamp.at;
    record(context, ui, id, stamp, |_| {
        Ok(vec![Draft { body, text, at }])
    })
}

/// Records entries into incident `id` under its lock. `drafts` builds them from the
/// incident as it stands inside the lock; the first is the entry the command is about,
/// the rest follow from it (a result's `--symptom`, the result of `test --run`).
pub fn record(
    context: &Context,
    ui: &mut Ui,
    id: &str,
    stamp: Stamp,
    drafts: impl FnOnce(&Incident) -> Result<Vec<Draft>>,
) -> Result<()> {
    let saved = context.store.update(id, |incident| {
        let mut labels = Vec::new();
        for (position, draft) in drafts(incident)?.into_iter().enumerate() {
            let uuid = if position == 0 {
                stamp.uuid
            } else {
                Uuid::now_v7()
            };
            let entry = incident.record(NewEntry {
                body: draft.body,
                at: draft.at,
                by: stamp.by.clone(),
                text: draft.text,
                uuid,
                recorded_at: stamp.recorded_at,
                key: position == 0 && stamp.key,
            })?;
            labels.push(entry.id);
        }
        Ok::<_, Error>(labels)
    })?;
    let labels: Vec<Label> = saved.value;
    let incident = &saved.incident;
    for warning in context.store.take_warnings() {
        ui.warn(&warning);
    }
    let printed = match ui.mode() {
        Mode::Json => ui.print(&receipt::entries_json(incident, &labels)),
        Mode::Quiet => ui.print(&receipt::entries_quiet(incident, &labels)),
        Mode::Human => {
            let place = if context.names_incident() || another_is_open(context, &incident.id) {
                format!(" in {}", incident.id)
            } else {
                String::new()
            };
            // Whom an escalation called in is looked up in the directory, read only then;
            // a directory that cannot be read leaves that line out: the entry is recorded
            // already, and `contacts` says what is wrong with it.
            let called_in = labels.iter().any(|label| {
                incident
                    .entry(*label)
                    .is_some_and(|entry| matches!(entry.body, Body::Escalation { .. }))
            });
            let directory = if called_in {
                context.store.directory().unwrap_or_default()
            } else {
                Directory::default()
            };
            ui.print(&receipt::entries_human(
                incident,
                &labels,
                &place,
                &chrono::Local,
                context.now,
                &directory,
            ))
        }
    };
    let printed = printed.and_then(|()| ui.flush());
    // After the receipt, and with the lock long released: a slow hook delays only the
    // end of the command, and its failure changes nothing recorded.
    run_hook(context, ui, &incident.id, "entry", || {
        receipt::entries_json(incident, &labels)
    });
    printed.inspect_err(|error| {
        if error.is_broken_pipe() {
            return;
        }
        // The entry is saved: a script that retries on this error would record it twice.
        let labels: Vec<String> = labels.iter().map(Label::to_string).collect();
        ui.note(&format!(
            "note: {} recorded in {}, but its receipt could not be printed",
            labels.join(" "),
            incident.id
        ));
    })
}

/// Runs `hooks/on-record`, if there is one, with what `json` makes (what the command's
/// `--json` prints; not made when there is no hook) on its standard input; shows what it
/// printed and any failure on stderr. A command that a hook runs runs no hook itself, so
/// a hook that records cannot loop.
pub fn run_hook(
    context: &Context,
    ui: &mut Ui,
    id: &str,
    event: &str,
    json: impl FnOnce() -> String,
) {
    if std::env::var_os(incident_core::store::IN_HOOK).is_some() {
        return;
    }
    let Some(run) = context.store.run_on_record(id, event, json) else {
        return;
    };
    for line in run.output.lines() {
        ui.note(&format!("hook: {line}"));
    }
    if let Some(problem) = run.problem {
        ui.warn(&format!("{problem}; what was recorded stays recorded"));
    }
}

/// `run_hook` after `open`, `close` or `reopen`, with what their `--json` prints.
pub fn run_incident_hook(context: &Context, ui: &mut Ui, incident: &Incident, event: &str) {
    run_hook(context, ui, &incident.id, event, || {
        receipt::incident_json(incident)
    });
}

/// Whether an incident other than `id` is open, so a receipt must say where it went.
fn another_is_open(context: &Context, id: &str) -> bool {
    // One folder listing in the common case of a single incident.
    match context.store.ids() {
        Ok(ids) if ids.iter().all(|other| other == id) => return false,
        Err(_) => return false,
        Ok(_) => {}
    }
    context.store.summaries().is_ok_and(|(summaries, _)| {
        summaries
            .iter()
            .any(|summary| summary.id != id && summary.is_listed())
    })
}
