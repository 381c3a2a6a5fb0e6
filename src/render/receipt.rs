//! What a command says it did: the receipt of recorded entries, and the one-line summary
//! of `open`, `close`, `reopen` and `use`, for people and for scripts.

use std::fmt::Display;

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

use super::json::{EntryView, entry_view, to_json};
use incident_core::model::{
    Body, Directory, Entry, Incident, Label, Mark, Merge, MergeOutcome, Status, join_labels,
};
use incident_core::sanitize::one_line;

/// `what: note`, or just `what` when the entry has no text.
fn with_note(what: String, entry: &Entry) -> String {
    if entry.text.trim().is_empty() {
        what
    } else {
        format!("{what}: {}", one_line(&entry.text))
    }
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

/// The JSON receipt of entries just recorded: the first, and the rest under `also`.
pub fn entries_json(incident: &Incident, labels: &[Label]) -> String {
    let state = incident.state();
    let entries: Vec<&Entry> = labels
        .iter()
        .filter_map(|label| state.entry(*label))
        .collect();
    let Some((first, rest)) = entries.split_first() else {
        return to_json(&serde_json::json!({ "incident": incident.id }));
    };
    to_json(&Output {
        incident: &incident.id,
        entry: entry_view(first, &state),
        also: rest.iter().map(|entry| entry_view(entry, &state)).collect(),
    })
}

/// What `-q` prints of entries just recorded: their labels, but for a cadence the
/// cadence itself (`30m`, `off`), which is what a script setting it wants back.
pub fn entries_quiet(incident: &Incident, labels: &[Label]) -> String {
    let said: Vec<String> = labels
        .iter()
        .map(
            |label| match incident.entry(*label).map(|entry| &entry.body) {
                Some(Body::Cadence { every }) => super::update::every(Some(*every)),
                _ => label.to_string(),
            },
        )
        .collect();
    format!("{}\n", said.join(" "))
}

/// The human receipt: `S1 recorded: …`, with what follows from the entry. `place` names
/// the incident (` in 2026-…`) when the user may not know which one it went to. Times the
/// user gave (`--at`, an impact's window) are echoed in `zone`, the zone they were typed
/// in, with its offset, so the user sees how a typed time was read. The next update's
/// time says how it stands at `now` when it is not ahead (`overdue by 5m`); someone called
/// in who is in `directory` comes with how to reach them, which is what the caller needs
/// next.
pub fn entries_human<Tz: TimeZone>(
    incident: &Incident,
    labels: &[Label],
    place: &str,
    zone: &Tz,
    now: DateTime<Utc>,
    directory: &Directory,
) -> String
where
    Tz::Offset: Display,
{
    let typed = |at: &DateTime<Utc>| {
        at.with_timezone(zone)
            .format("%Y-%m-%d %H:%M %:z")
            .to_string()
    };
    let state = incident.state();
    let mut human = String::new();
    for entry in labels.iter().filter_map(|label| state.entry(*label)) {
        let said = match &entry.body {
            Body::Retract { target, .. } if entry.text.is_empty() => format!("{target} retracted"),
            Body::Retract { target, .. } => {
                format!("{target} retracted: {}", one_line(&entry.text))
            }
            Body::Amend { target, .. } => format!("{target} {}", super::amendment(entry)),
            Body::Retitle => format!("the title is now {}", one_line(&entry.text)),
            Body::Severity { severity } => with_note(format!("severity is now {severity}"), entry),
            Body::Stage { stage } => with_note(format!("stage is now {}", stage.name()), entry),
            Body::Role { role, holder } => {
                format!("{} is now {}", one_line(role), one_line(holder))
            }
            Body::Decision { option } => with_note(format!("chose {option}"), entry),
            Body::Done { actions } => with_note(format!("{} done", join_labels(actions)), entry),
            Body::Update { to } => format!("to {}: {}", one_line(to), one_line(&entry.text)),
            Body::Escalation { name } => with_note(format!("called in {}", one_line(name)), entry),
            Body::Cadence { every: 0 } => "updates no longer fall due (cadence off)".to_string(),
            Body::Cadence { every } => {
                format!("updates due every {}", super::update::every(Some(*every)))
            }
            _ => one_line(&entry.text),
        };
        human.push_str(&format!("{} recorded{place}: {said}", entry.id));
        if entry.at != entry.recorded_at {
            human.push_str(&format!(" (at {})", typed(&entry.at)));
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
            Body::Action { owner, due, link } => {
                if let Some(owner) = owner {
                    human.push_str(&format!("  owner: {}\n", one_line(owner)));
                }
                if let Some(due) = due {
                    human.push_str(&format!("  due: {due}\n"));
                }
                if let Some(link) = link {
                    human.push_str(&format!("  link: {}\n", one_line(link)));
                }
            }
            Body::Impact { from, to } if from.is_some() || to.is_some() => {
                let window = match (from, to) {
                    (Some(from), Some(to)) => format!("from {} to {}", typed(from), typed(to)),
                    (Some(from), None) => format!("from {}, not over yet", typed(from)),
                    (None, Some(to)) => format!("until {}", typed(to)),
                    (None, None) => String::new(),
                };
                human.push_str(&format!("  {window}\n"));
            }
            Body::Cause { cause, hypothesis } => {
                let established = hypothesis
                    .map(|label| format!(", established by {label}"))
                    .unwrap_or_default();
                human.push_str(&format!("  {}{established}\n", cause.name()));
            }
            Body::Lesson { went } => {
                human.push_str(&format!("  went {}\n", went.name()));
            }
            Body::Option {
                consequence,
                situation,
            } => {
                if let Some(consequence) = consequence {
                    human.push_str(&format!("  consequence: {}\n", one_line(consequence)));
                }
                if let Some(situation) = situation {
                    let decided = state
                        .choice_of(*situation)
                        .and_then(|choice| choice.in_force());
                    human.push_str(&match decided {
                        Some(decision) => format!(
                            "  for {situation}, decided by {}: deciding again replaces it\n",
                            decision.id
                        ),
                        None => format!("  for {situation}\n"),
                    });
                }
            }
            Body::Decision { .. } => {
                if let Some(choice) = state
                    .situation_decided(entry)
                    .and_then(|situation| state.choice_of(situation))
                    && let Some(situation) = choice.situation
                {
                    human.push_str(&format!(
                        "  decides {}: {}\n",
                        situation.id,
                        one_line(state.text(situation))
                    ));
                    match choice.in_force() {
                        Some(in_force) if in_force.id != entry.id => {
                            human.push_str(&format!("  {}, later, stays in force\n", in_force.id))
                        }
                        _ => {
                            if let Some(replaced) = choice.decisions.iter().rev().nth(1) {
                                human.push_str(&format!("  replaces {}\n", replaced.id));
                            }
                        }
                    }
                }
            }
            Body::Update { .. } | Body::Cadence { .. } => {
                if let Some((due, when)) = super::update::next_due(&state, now) {
                    human.push_str(&format!("  next update due {} UTC", super::utc_time(due)));
                    if !matches!(when, super::update::Due::In(_)) {
                        human.push_str(&format!(" ({when})"));
                    }
                    human.push('\n');
                }
            }
            Body::Escalation { name } => {
                if let Some(contact) = directory.get(name) {
                    human.push_str(&format!(
                        "  how to reach {}: {}\n",
                        one_line(contact.name),
                        one_line(contact.reach)
                    ));
                }
            }
            _ => {}
        }
    }
    human
}

#[derive(Serialize)]
struct Summary<'a> {
    incident: &'a str,
    title: &'a str,
    status: Status,
    opened_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    resolution: Option<&'a str>,
    root_cause: Option<Label>,
    /// The incident this one was merged into.
    merged_into: Option<&'a str>,
    /// Opened by mistake.
    discarded: bool,
}

/// What `open`, `close`, `reopen`, `use`, `discard` and `restore` print for scripts.
pub fn incident_json(incident: &Incident) -> String {
    to_json(&Summary {
        incident: &incident.id,
        title: incident.state().title(),
        status: incident.status(),
        opened_at: incident.opened_at,
        closed_at: incident.closed_at(),
        resolution: incident.resolution(),
        root_cause: incident.state().root_cause(),
        merged_into: incident.merged_into().map(Mark::other),
        discarded: incident.discarded().is_some(),
    })
}

/// What `merge` says: the survivor, what came in, and each label that moved.
pub fn merge_human(survivor: &Incident, other: &Incident, merge: &Merge) -> String {
    let entries = |count: usize| match count {
        1 => "1 entry".to_string(),
        count => format!("{count} entries"),
    };
    let (s, o) = (&survivor.id, &other.id);
    let mut text = match (merge.outcome, merge.added) {
        (MergeOutcome::Merged, added) => format!(
            "{o} merged into {s}: {} copied; {s} goes on, {o} is kept read-only\n",
            entries(added)
        ),
        (MergeOutcome::Completed, 0) => {
            format!("{o} merged into {s}: finished the merge that was cut short\n")
        }
        (MergeOutcome::Completed, added) => format!(
            "{o} merged into {s}: finished the merge that was cut short, with {} more\n",
            entries(added)
        ),
        (MergeOutcome::Again, 0) => {
            format!("{o} is already merged into {s}; nothing changed\n")
        }
        (MergeOutcome::Again, added) => format!(
            "{o} was already merged into {s}; {} {o} received since came in too\n",
            entries(added)
        ),
    };
    for moved in &merge.relabeled {
        text.push_str(&format!(
            "  {} is now {}: {} recorded {} here first\n",
            moved.from,
            moved.to,
            one_line(&moved.by),
            moved.from
        ));
    }
    text
}

#[derive(Serialize)]
struct Merged<'a> {
    incident: &'a str,
    merged: &'a str,
    /// `merged`, `completed` (a merge cut short, finished) or `again` (merged before).
    outcome: &'static str,
    added: usize,
    relabeled: Vec<Moved<'a>>,
}

#[derive(Serialize)]
struct Moved<'a> {
    from: Label,
    to: Label,
    by: &'a str,
}

pub fn merge_json(survivor: &Incident, other: &Incident, merge: &Merge) -> String {
    to_json(&Merged {
        incident: &survivor.id,
        merged: &other.id,
        outcome: match merge.outcome {
            MergeOutcome::Merged => "merged",
            MergeOutcome::Completed => "completed",
            MergeOutcome::Again => "again",
        },
        added: merge.added,
        relabeled: merge
            .relabeled
            .iter()
            .map(|moved| Moved {
                from: moved.from,
                to: moved.to,
                by: &moved.by,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, FixedOffset, Utc};
    use uuid::Uuid;

    use super::entries_human;
    use incident_core::model::{Body, Directory, Incident, NewEntry, Stamp};

    /// Typed as `--at 08:30` in Kolkata, recorded at 03:30 UTC: the receipt echoes the
    /// time in the zone it was typed in, whatever zone the machine running the tests has.
    #[test]
    fn typed_times_are_echoed_in_the_zone_given() {
        let opened: DateTime<Utc> = "2026-11-21T02:00:00Z".parse().expect("a time");
        let mut incident = Incident::new(
            "2026-11-21-x".into(),
            "Checkout down".into(),
            Stamp {
                uuid: Uuid::nil(),
                at: opened,
                recorded_at: opened,
                by: "ana".into(),
                key: false,
            },
        );
        let at: DateTime<Utc> = "2026-11-21T03:00:00Z".parse().expect("a time");
        let label = incident
            .record(NewEntry {
                body: Body::Impact {
                    from: Some(at),
                    to: None,
                },
                at,
                by: "ana".into(),
                text: "checkouts failed".into(),
                uuid: Uuid::nil(),
                recorded_at: "2026-11-21T03:30:00Z".parse().expect("a time"),
                key: false,
            })
            .expect("a valid entry")
            .id;
        let kolkata = FixedOffset::east_opt(5 * 3600 + 1800).expect("an offset");
        assert_eq!(
            entries_human(&incident, &[label], "", &kolkata, at, &Directory::default()),
            "I1 recorded: checkouts failed (at 2026-11-21 08:30 +05:30)\n  \
             from 2026-11-21 08:30 +05:30, not over yet\n"
        );
        assert_eq!(
            entries_human(&incident, &[label], "", &Utc, at, &Directory::default()),
            "I1 recorded: checkouts failed (at 2026-11-21 03:00 +00:00)\n  \
             from 2026-11-21 03:00 +00:00, not over yet\n"
        );
    }
}
