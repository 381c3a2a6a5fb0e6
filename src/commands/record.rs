//! Recording entries: `symptom` and `note` directly, and the shared path every other
//! entry command takes once it has built its entry's links.

use std::io::Write;

use chrono::{DateTime, Local, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::{Context, emit, read_text};
use crate::cli::TextArgs;
use crate::error::Result;
use crate::model::{Body, Entry, Incident, Label, NewEntry, Stamp, join_labels};
use crate::report::json::{EntryView, entry_view, to_json};
use crate::sanitize::one_line;

pub fn run(context: &Context, args: TextArgs, body: Body, out: &mut dyn Write) -> Result<()> {
    let text = read_text(&args.text)?;
    let stamp = context.stamp(&args.stamp)?;
    record_one(context, stamp, body, text, out)
}

/// An entry to record: what it is, what it says, and when it happened.
pub struct Draft {
    pub body: Body,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// Records one entry with the command's stamp.
pub fn record_one(
    context: &Context,
    stamp: Stamp,
    body: Body,
    text: String,
    out: &mut dyn Write,
) -> Result<()> {
    let at = stamp.at;
    record(context, stamp, |_| Ok(vec![Draft { body, text, at }]), out)
}

/// Records entries under the incident's lock. `drafts` builds them from the incident as
/// it stands inside the lock; the first is the entry the command is about, the rest
/// follow from it (a result's `--symptom`, the result of `test --run`).
pub fn record(
    context: &Context,
    stamp: Stamp,
    drafts: impl FnOnce(&Incident) -> Result<Vec<Draft>>,
    out: &mut dyn Write,
) -> Result<()> {
    let id = context.target()?;
    let recorded = context.store.update(&id, |incident| {
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
            })?;
            labels.push(entry.id);
        }
        Ok(Recorded::of(incident, &labels, context.names_incident()))
    })?;
    recorded.print(context, out)
}

/// `what: note`, or just `what` when the entry has no text.
fn with_note(what: String, entry: &Entry) -> String {
    if entry.text.trim().is_empty() {
        what
    } else {
        format!("{what}: {}", one_line(&entry.text))
    }
}

/// What to tell the user about new entries, taken from the incident while it is at hand.
struct Recorded {
    labels: Vec<Label>,
    json: String,
    human: String,
}

#[derive(Serialize)]
struct Output<'a> {
    incident: &'a str,
    #[serde(flatten)]
    entry: EntryView<'a>,
    /// Entries recorded with it, such as the symptom of `result --symptom`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    also: Vec<EntryView<'a>>,
}

impl Recorded {
    /// `in_incident`: say which incident they went to, when the user did not mean the
    /// current one.
    fn of(incident: &Incident, labels: &[Label], in_incident: bool) -> Recorded {
        let state = incident.state();
        let entries: Vec<_> = labels
            .iter()
            .map(|label| state.entry(*label).expect("the entry was just recorded"))
            .collect();
        let json = to_json(&Output {
            incident: &incident.id,
            entry: entry_view(entries[0], &state),
            also: entries[1..]
                .iter()
                .map(|entry| entry_view(entry, &state))
                .collect(),
        });
        let place = if in_incident {
            format!(" in {}", incident.id)
        } else {
            String::new()
        };
        let mut human = String::new();
        for entry in &entries {
            let said = match &entry.body {
                Body::Retract { target } if entry.text.is_empty() => format!("{target} retracted"),
                Body::Retract { target } => {
                    format!("{target} retracted: {}", one_line(&entry.text))
                }
                Body::Amend { target } => format!("{target} now reads: {}", one_line(&entry.text)),
                Body::Severity { severity } => {
                    with_note(format!("severity is now {severity}"), entry)
                }
                Body::Stage { stage } => with_note(format!("stage is now {}", stage.name()), entry),
                Body::Role { role, holder } => {
                    format!("{} is now {}", one_line(role), one_line(holder))
                }
                Body::Decision { option } => with_note(format!("chose {option}"), entry),
                _ => one_line(&entry.text),
            };
            human.push_str(&format!("{} recorded{place}: {said}", entry.id));
            if entry.at != entry.recorded_at {
                human.push_str(&format!(
                    " (at {})",
                    entry.at.with_timezone(&Local).format("%Y-%m-%d %H:%M %:z")
                ));
            }
            human.push('\n');
            match &entry.body {
                Body::Test { targets } if !targets.is_empty() => {
                    human.push_str(&format!(
                        "  designed to rule out {}\n",
                        join_labels(targets)
                    ));
                }
                Body::Hypothesis { explains } if !explains.is_empty() => {
                    human.push_str(&format!("  would explain {}\n", join_labels(explains)));
                }
                Body::Result {
                    rules_out,
                    confirms,
                    ..
                } => {
                    for hypothesis in rules_out.iter().chain(confirms) {
                        let verb = if confirms.contains(hypothesis) {
                            "confirmed"
                        } else {
                            "ruled out"
                        };
                        let statement = state
                            .entry(*hypothesis)
                            .map_or(String::new(), |entry| one_line(state.text(entry)));
                        human.push_str(&format!("  {hypothesis} {verb}: {statement}\n"));
                    }
                }
                Body::Action { owner: Some(owner) } => {
                    human.push_str(&format!("  owner: {}\n", one_line(owner)));
                }
                Body::Option {
                    consequence: Some(consequence),
                } => {
                    human.push_str(&format!("  consequence: {}\n", one_line(consequence)));
                }
                _ => {}
            }
        }
        Recorded {
            labels: labels.to_vec(),
            json,
            human,
        }
    }

    fn print(&self, context: &Context, out: &mut dyn Write) -> Result<()> {
        if context.json {
            emit(out, &self.json)
        } else if context.quiet {
            let labels: Vec<String> = self.labels.iter().map(Label::to_string).collect();
            emit(out, &format!("{}\n", labels.join(" ")))
        } else {
            emit(out, &self.human)
        }
    }
}
