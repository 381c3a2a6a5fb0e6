//! Recording an entry: `symptom`, `hypothesis` and `note` directly, and the shared path
//! that `test`, `result` and `action` take once they have built their entry's links.

use std::io::Write;

use chrono::Local;
use serde::Serialize;

use super::{Context, emit, read_text};
use crate::cli::TextArgs;
use crate::error::Result;
use crate::model::{Body, Incident, Label, NewEntry, join_labels};
use crate::report::json::{EntryView, entry_view, to_json};
use crate::sanitize::one_line;

pub fn run(context: &Context, args: TextArgs, body: Body, out: &mut dyn Write) -> Result<()> {
    record(context, &args, |_| Ok(body), out)
}

/// Checks what was typed, then records the entry under the incident's lock. `body` builds
/// the entry's links from the incident as it stands inside the lock.
pub fn record(
    context: &Context,
    args: &TextArgs,
    body: impl FnOnce(&Incident) -> Result<Body>,
    out: &mut dyn Write,
) -> Result<()> {
    let text = read_text(&args.text)?;
    let stamp = context.stamp(&args.stamp)?;
    let id = context.target()?;
    let recorded = context.store.update(&id, |incident| {
        let body = body(incident)?;
        let label = incident
            .record(NewEntry {
                body,
                at: stamp.at,
                by: stamp.by,
                text,
                uuid: stamp.uuid,
                recorded_at: stamp.recorded_at,
            })?
            .id;
        Ok(Recorded::of(incident, label, context.names_incident()))
    })?;
    recorded.print(context, out)
}

/// What to tell the user about a new entry, taken from the incident while it is at hand.
struct Recorded {
    label: Label,
    json: String,
    human: String,
}

#[derive(Serialize)]
struct Output<'a> {
    incident: &'a str,
    #[serde(flatten)]
    entry: EntryView<'a>,
}

impl Recorded {
    /// `in_incident`: say which incident it went to, when the user did not mean the
    /// current one.
    fn of(incident: &Incident, label: Label, in_incident: bool) -> Recorded {
        let entry = incident.entry(label).expect("the entry was just recorded");
        let diagnosis = incident.diagnosis();
        let json = to_json(&Output {
            incident: &incident.id,
            entry: entry_view(entry, &diagnosis),
        });
        let place = if in_incident {
            format!(" in {}", incident.id)
        } else {
            String::new()
        };
        let mut human = format!("{label} recorded{place}: {}", one_line(&entry.text));
        if entry.at != entry.recorded_at {
            human.push_str(&format!(
                " (at {})",
                entry.at.with_timezone(&Local).format("%Y-%m-%d %H:%M %:z")
            ));
        }
        match &entry.body {
            Body::Test { targets } if !targets.is_empty() => {
                human.push_str(&format!(
                    "\n  designed to rule out {}",
                    join_labels(targets)
                ));
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
                    let statement = incident
                        .entry(*hypothesis)
                        .map_or(String::new(), |entry| one_line(&entry.text));
                    human.push_str(&format!("\n  {hypothesis} {verb}: {statement}"));
                }
            }
            Body::Action { owner: Some(owner) } => {
                human.push_str(&format!("\n  owner: {}", one_line(owner)));
            }
            _ => {}
        }
        Recorded { label, json, human }
    }

    fn print(&self, context: &Context, out: &mut dyn Write) -> Result<()> {
        if context.json {
            emit(out, &self.json)
        } else if context.quiet {
            emit(out, &format!("{}\n", self.label))
        } else {
            emit(out, &format!("{}\n", self.human))
        }
    }
}
