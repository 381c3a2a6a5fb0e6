//! The incident and its log: pure data and the rules of the method. Nothing here touches
//! the disk or the terminal.
//!
//! Entries are immutable once recorded; corrections are entries of their own. Everything
//! that changes as the investigation goes on (a hypothesis's status, whether a test awaits
//! a result, the current text of a corrected entry, the root cause, whether the incident is
//! open) is derived by `State`, never stored twice.

mod entry;
mod error;
pub mod history;
mod join;
mod label;
mod mark;
mod postmortem;
mod state;
pub mod utc;

pub use entry::{Body, CauseKind, Entry, NewEntry, Run, Stage, Went};
pub use join::{Joined, Relabel};
pub use label::{Kind, Label, LabelMap, MalformedLabel, join_labels, parse_labels};
pub use mark::{Mark, MarkKind, Merge, MergeOutcome, merged_into_among};
pub use state::{HypothesisStatus, Metrics, Situation, Span, State, Warning};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use error::{Error, Result};

/// The document format version this build writes; it reads every version up to it.
/// 2 added corrections of time, owner and consequence, and `retitle`: a build that knows
/// only 1 refuses such a document as newer instead of calling it damaged. 3 added `marks`
/// (merges, discards and restores).
pub const SCHEMA: u32 = 3;

/// The largest entry text accepted, in bytes. Big enough for a pasted stack trace or log
/// excerpt, small enough that one entry cannot make the document unwieldy.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The longest name accepted for who recorded an entry, an owner or a role holder.
pub const MAX_NAME_BYTES: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Closed,
    Reopened,
}

/// A close or a reopen. The incident's status, close time, resolution and root cause
/// follow from the last one.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    pub change: Change,
    pub uuid: Uuid,
    #[serde(
        serialize_with = "utc::serialize",
        deserialize_with = "utc::deserialize"
    )]
    pub at: DateTime<Utc>,
    #[serde(
        serialize_with = "utc::serialize",
        deserialize_with = "utc::deserialize"
    )]
    pub recorded_at: DateTime<Utc>,
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<Label>,
}

/// Who, when and the id of a change about to be made.
pub struct Stamp {
    pub uuid: Uuid,
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub by: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    pub schema: u32,
    pub id: String,
    /// Orders incidents opened in the same second.
    pub uuid: Uuid,
    pub title: String,
    #[serde(
        serialize_with = "utc::serialize",
        deserialize_with = "utc::deserialize"
    )]
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    #[serde(default)]
    pub lifecycle: Vec<Transition>,
    /// Merges, discards and restores (`mark.rs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<Mark>,
    pub entries: Vec<Entry>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Closed,
}

impl Incident {
    pub fn new(id: String, title: String, opened: Stamp) -> Self {
        Incident {
            schema: SCHEMA,
            id,
            uuid: opened.uuid,
            title,
            opened_at: opened.at,
            opened_by: opened.by,
            lifecycle: Vec::new(),
            marks: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// Checks what serde cannot: labels match their kinds and are unique, and links point
    /// at entries of the right kind. A document that fails this was not written by us.
    pub fn validate(&self) -> std::result::Result<(), String> {
        let mut seen = LabelMap::with_capacity_and_hasher(self.entries.len(), Default::default());
        for entry in &self.entries {
            if entry.id.series != entry.kind().series() {
                return Err(format!(
                    "entry {} has kind {}, which does not match its label",
                    entry.id,
                    entry.kind().name()
                ));
            }
            if seen.insert(entry.id, entry.kind()).is_some() {
                return Err(format!("label {} is used twice", entry.id));
            }
        }
        for entry in &self.entries {
            for (label, wanted) in entry.body.links() {
                let fits = match (seen.get(&label), wanted, &entry.body) {
                    (Some(found), Some(wanted), _) => *found == wanted,
                    (Some(found), None, Body::Retract { .. }) => found.can_be_retracted(),
                    (Some(found), None, _) => found.can_be_amended(),
                    (None, _, _) => false,
                };
                if !fits {
                    return Err(format!("{} links to {label}, which does not fit", entry.id));
                }
            }
        }
        for transition in &self.lifecycle {
            if let Some(label) = &transition.root_cause
                && seen.get(label) != Some(&Kind::Hypothesis)
            {
                return Err(format!("the root cause {label} is not a hypothesis"));
            }
        }
        self.validate_marks()
    }

    /// Everything derived from the log.
    pub fn state(&self) -> State<'_> {
        State::of(self)
    }

    fn closing(&self) -> Option<&Transition> {
        self.lifecycle
            .last()
            .filter(|transition| transition.change == Change::Closed)
    }

    pub fn status(&self) -> Status {
        if self.closing().is_some() {
            Status::Closed
        } else {
            Status::Open
        }
    }

    pub fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.closing().map(|closing| closing.at)
    }

    pub fn closed_by(&self) -> Option<&str> {
        self.closing().map(|closing| closing.by.as_str())
    }

    /// The resolution of the latest close that gave one: closing again after a reopen
    /// without new text keeps the earlier summary.
    pub fn resolution(&self) -> Option<&str> {
        self.closing()?;
        self.lifecycle
            .iter()
            .rev()
            .find_map(|transition| transition.resolution.as_deref())
    }

    /// The root cause named at the latest close that named one.
    pub fn named_root_cause(&self) -> Option<Label> {
        self.closing()?;
        self.lifecycle
            .iter()
            .rev()
            .find_map(|transition| transition.root_cause)
    }

    pub fn entry(&self, label: Label) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.id == label)
    }

    pub fn entries_of(&self, kind: Kind) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(move |entry| entry.kind() == kind)
    }

    /// The entry with this label, which must be of this kind (`None`: any entry that is
    /// not itself a change).
    pub fn expect_entry(&self, label: Label, kind: Option<Kind>) -> Result<&Entry> {
        match (self.entry(label), kind) {
            (Some(entry), Some(kind)) if entry.kind() != kind => Err(Error::WrongKind {
                label,
                found: entry.kind(),
                expected: kind,
            }),
            (Some(entry), None) if entry.kind().is_change() => Err(Error::NoSuchEntry {
                label,
                expected: None,
            }),
            (Some(entry), _) => Ok(entry),
            (None, _) => Err(Error::NoSuchEntry {
                label,
                expected: kind,
            }),
        }
    }

    /// The entry with this label, whatever its kind.
    fn expect_any(&self, label: Label) -> Result<&Entry> {
        self.entry(label).ok_or(Error::NoSuchEntry {
            label,
            expected: None,
        })
    }

    /// The label the next entry of this kind gets.
    pub fn next_label(&self, kind: Kind) -> Result<Label> {
        let series = kind.series();
        let highest = self
            .entries
            .iter()
            .filter(|entry| entry.id.series == series)
            .map(|entry| entry.id.number)
            .max()
            .unwrap_or(0);
        let number = highest
            .checked_add(1)
            .ok_or(Error::LabelsExhausted { kind })?;
        Ok(Label::new(series, number))
    }

    /// Fails if the incident no longer takes entries of this kind: once closed, the
    /// diagnosis is over, but notes, follow-up actions and corrections keep coming; once
    /// merged into another incident or discarded, nothing comes.
    pub fn accepts(&self, kind: Kind) -> Result<()> {
        self.check_active()?;
        if kind.is_diagnosis() && self.status() == Status::Closed {
            return Err(Error::Closed {
                id: self.id.clone(),
            });
        }
        Ok(())
    }

    /// What a result that rules out without naming hypotheses means: every hypothesis the test targets, except
    /// those this same result confirms.
    pub fn test_targets_to_rule_out(&self, test: Label, confirms: &[Label]) -> Result<Vec<Label>> {
        self.accepts(Kind::Result)?;
        let entry = self.expect_entry(test, Some(Kind::Test))?;
        let Body::Test { targets } = &entry.body else {
            unreachable!("expect_entry returned a test");
        };
        if targets.is_empty() {
            return Err(Error::RulesOutWithoutTargets { test });
        }
        // A retracted hypothesis no longer counts, and cannot be linked to: the test rules
        // out those of its hypotheses that still do.
        let state = self.state();
        let counting: Vec<Label> = targets
            .iter()
            .copied()
            .filter(|label| !state.is_retracted(*label))
            .collect();
        if counting.is_empty() {
            return Err(Error::TargetsRetracted {
                test,
                retracted: targets.clone(),
            });
        }
        Ok(counting
            .into_iter()
            .filter(|label| !confirms.contains(label))
            .collect())
    }

    /// Records an entry after checking it against the rules: the incident must be open for
    /// the diagnosis, links must name entries of the right kind, a result cannot both rule
    /// out and confirm the same hypothesis, and a retracted entry takes no corrections.
    /// On error nothing is changed.
    pub fn record(&mut self, new: NewEntry) -> Result<&Entry> {
        let kind = new.body.kind();
        if !kind.text_is_optional() || !new.text.is_empty() {
            check_text(&new.text)?;
        }
        if let Body::Severity { severity } = new.body
            && !(1..=5).contains(&severity)
        {
            return Err(Error::Invalid(format!(
                "severity {severity} is out of range: 1 is the most severe, 5 the least"
            )));
        }
        self.accepts(kind)?;
        self.check_postmortem_fact(&new.body)?;
        if let Body::Result {
            rules_out,
            confirms,
            ..
        } = &new.body
            && let Some(label) = rules_out.iter().find(|label| confirms.contains(label))
        {
            return Err(Error::RulesOutAndConfirms { label: *label });
        }
        let state = self.state();
        for (label, wanted) in new.body.links() {
            match (&new.body, wanted) {
                (Body::Amend { .. }, None) => {
                    let target = self.expect_any(label)?;
                    if !target.kind().can_be_amended() {
                        return Err(Error::NotCorrectable {
                            label,
                            kind: target.kind(),
                            verb: "amended",
                        });
                    }
                    check_amendment(&new, target)?;
                }
                (Body::Retract { .. }, None) => {
                    let target = self.expect_any(label)?;
                    if !target.kind().can_be_retracted() {
                        return Err(Error::NotCorrectable {
                            label,
                            kind: target.kind(),
                            verb: "retracted",
                        });
                    }
                }
                _ => {
                    self.expect_entry(label, wanted)?;
                }
            }
            // Nothing new may lean on what was taken back.
            if let Some(retraction) = state.retraction(label) {
                return Err(Error::Retracted {
                    label,
                    by: retraction.id,
                });
            }
        }
        let id = self.next_label(kind)?;
        self.entries.push(Entry {
            id,
            body: new.body,
            uuid: new.uuid,
            at: new.at,
            recorded_at: new.recorded_at,
            by: new.by,
            text: new.text,
        });
        Ok(self.entries.last().expect("an entry was just pushed"))
    }

    /// What the postmortem facts must hold to: an impact window that ends after it
    /// begins, an action marked done once, a cause that no evidence ruled out.
    fn check_postmortem_fact(&self, body: &Body) -> Result<()> {
        let state = self.state();
        match body {
            Body::Impact {
                from: Some(from),
                to: Some(to),
            } if to < from => Err(Error::Invalid(format!(
                "the impact ends ({}) before it starts ({})",
                to.format("%Y-%m-%d %H:%M:%S UTC"),
                from.format("%Y-%m-%d %H:%M:%S UTC")
            ))),
            Body::Done { actions } => {
                for action in actions {
                    if let Some(done) = state.done_by(*action) {
                        return Err(Error::AlreadyDone {
                            label: *action,
                            by: done.id,
                        });
                    }
                }
                Ok(())
            }
            Body::Cause {
                hypothesis: Some(label),
                ..
            } => match state.verdict(*label) {
                Some(verdict) if verdict.status == HypothesisStatus::RuledOut => {
                    Err(Error::RootCauseRuledOut {
                        label: *label,
                        by_result: verdict.by_result,
                    })
                }
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// Closes the incident. A root cause must be a hypothesis the evidence has not ruled
    /// out, and the close cannot come before the incident was opened (or last reopened).
    pub fn close(
        &mut self,
        stamp: Stamp,
        resolution: Option<String>,
        root_cause: Option<Label>,
    ) -> Result<()> {
        self.check_active()?;
        if self.status() == Status::Closed {
            return Err(Error::AlreadyClosed {
                id: self.id.clone(),
            });
        }
        if let Some(resolution) = &resolution {
            check_text(resolution)?;
        }
        // Any time since the opening: after a reopen to add a late note, the close may
        // restate when the incident was really resolved.
        if stamp.at < self.opened_at {
            return Err(Error::CloseBeforeOpen {
                at: stamp.at,
                since: self.opened_at,
            });
        }
        if let Some(label) = root_cause {
            self.expect_entry(label, Some(Kind::Hypothesis))?;
            if let Some(verdict) = self.state().verdict(label)
                && verdict.status == HypothesisStatus::RuledOut
            {
                return Err(Error::RootCauseRuledOut {
                    label,
                    by_result: verdict.by_result,
                });
            }
        }
        self.lifecycle.push(Transition {
            change: Change::Closed,
            uuid: stamp.uuid,
            at: stamp.at,
            recorded_at: stamp.recorded_at,
            by: stamp.by,
            resolution,
            root_cause,
        });
        Ok(())
    }

    pub fn reopen(&mut self, stamp: Stamp) -> Result<()> {
        self.check_active()?;
        if self.status() == Status::Open {
            return Err(Error::NotClosed {
                id: self.id.clone(),
            });
        }
        self.lifecycle.push(Transition {
            change: Change::Reopened,
            uuid: stamp.uuid,
            at: stamp.at,
            recorded_at: stamp.recorded_at,
            by: stamp.by,
            resolution: None,
            root_cause: None,
        });
        Ok(())
    }
}

impl Incident {
    /// What `undo` takes back for `by`: the last entry they recorded (in recording order,
    /// whatever its `at`) that still counts, neither retracted nor itself a retraction.
    /// The entry `undo` takes back: the author's latest that still counts. What an earlier
    /// `undo` did is passed over, so each `undo` reaches further back; a `retract` typed by
    /// hand is an entry like any other, and undoing it brings back what it took.
    pub fn latest_undoable(&self, by: &str) -> Option<&Entry> {
        let state = self.state();
        self.entries.iter().rev().find(|entry| {
            entry.by == by
                && !matches!(entry.body, Body::Retract { undo: true, .. })
                && !state.is_retracted(entry.id)
        })
    }

    /// The amendments and retractions of `label`, in recording order.
    pub fn corrections_of(&self, label: Label) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|entry| match &entry.body {
                Body::Amend { target, .. } | Body::Retract { target, .. } => *target == label,
                _ => false,
            })
            .collect()
    }

    /// The entries, other than its corrections, that link to `label`: tests for a
    /// hypothesis, results that rule it out or confirm it, decisions choosing an option,
    /// hypotheses explaining a symptom, results of a test; in recording order.
    pub fn referring_to(&self, label: Label) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|entry| !matches!(entry.body, Body::Amend { .. } | Body::Retract { .. }))
            .filter(|entry| entry.body.links().iter().any(|(link, _)| *link == label))
            .collect()
    }

    /// Every entry in order of when it happened, as last corrected; ties in recording
    /// order.
    pub fn in_time_order<'a>(&'a self, state: &State<'a>) -> Vec<&'a Entry> {
        let mut entries: Vec<&Entry> = self.entries.iter().collect();
        entries.sort_by_key(|entry| state.at(entry));
        entries
    }
}

/// An amendment must correct something, and only what the target has: an owner is an
/// action's, a consequence an option's.
fn check_amendment(amendment: &NewEntry, target: &Entry) -> Result<()> {
    let Body::Amend {
        time,
        owner,
        consequence,
        ..
    } = &amendment.body
    else {
        return Ok(());
    };
    let fits = [
        ("an owner", owner.is_some(), Kind::Action),
        ("a consequence", consequence.is_some(), Kind::Option),
    ];
    for (what, given, kind) in fits {
        if given && target.kind() != kind {
            return Err(Error::DoesNotApply {
                what,
                label: target.id,
                kind: target.kind(),
            });
        }
    }
    if let Some(consequence) = consequence {
        check_text(consequence)?;
    }
    let nothing = time.is_none() && owner.is_none() && consequence.is_none();
    if nothing && amendment.text.trim().is_empty() {
        return Err(Error::EmptyText);
    }
    Ok(())
}

/// The longest ticket link accepted, in bytes.
const MAX_LINK_BYTES: usize = 2048;

/// A ticket link: one word, no control characters, a sane length. It is shown as a link
/// only when it is an http(s) URL; anything else (`OPS-42`) is shown as text.
pub fn check_link(link: &str) -> Result<String> {
    let link = link.trim();
    if link.is_empty()
        || link.len() > MAX_LINK_BYTES
        || link.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Error::Invalid(format!(
            "{link:?} is not a link: one word, such as https://tracker.example.com/OPS-42 or OPS-42"
        )));
    }
    Ok(link.to_string())
}

/// A severity as people type it: `1` to `5`, `SEV1`, `sev2`, `P1`; anything else is a
/// typing mistake.
pub fn parse_severity(input: &str) -> Result<u8> {
    let trimmed = input.trim();
    let lower = trimmed.to_ascii_lowercase();
    let digits = lower
        .strip_prefix("sev")
        .or_else(|| lower.strip_prefix('p'))
        .unwrap_or(&lower)
        .trim_start_matches(['-', ' ']);
    match digits.parse::<u8>() {
        Ok(severity @ 1..=5) => Ok(severity),
        _ => Err(Error::Invalid(format!(
            "{input:?} is not a severity: 1 (most severe) to 5, or SEV1, P1"
        ))),
    }
}

/// Text must say something, and not more than a document should hold.
pub fn check_text(text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::EmptyText);
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(Error::TextTooLong {
            len: text.len(),
            limit: MAX_TEXT_BYTES,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        format!("2026-11-21T02:{minute:02}:00Z").parse().unwrap()
    }

    fn stamp(minute: u32) -> Stamp {
        Stamp {
            uuid: Uuid::nil(),
            at: at(minute),
            recorded_at: at(minute),
            by: "ana".into(),
        }
    }

    fn incident() -> Incident {
        Incident::new("2026-11-21-checkout".into(), "Checkout".into(), stamp(0))
    }

    fn new(body: Body, text: &str) -> NewEntry {
        NewEntry {
            body,
            at: at(1),
            by: "ana".into(),
            text: text.into(),
            uuid: Uuid::nil(),
            recorded_at: at(1),
        }
    }

    fn status(incident: &Incident, hypothesis: &str) -> Option<HypothesisStatus> {
        incident
            .state()
            .verdict(label(hypothesis))
            .map(|verdict| verdict.status)
    }

    fn hypothesis() -> Body {
        Body::Hypothesis { explains: vec![] }
    }

    fn label(text: &str) -> Label {
        text.parse().unwrap()
    }

    #[test]
    fn labels_are_allocated_per_kind_in_sequence() {
        let mut incident = incident();
        assert_eq!(
            incident.record(new(Body::Symptom, "502s")).unwrap().id,
            label("S1")
        );
        assert_eq!(
            incident.record(new(hypothesis(), "db")).unwrap().id,
            label("H1")
        );
        assert_eq!(
            incident.record(new(Body::Symptom, "slow")).unwrap().id,
            label("S2")
        );
        assert_eq!(
            incident.record(new(Body::Note, "paged")).unwrap().id,
            label("N1")
        );
    }

    #[test]
    fn a_test_must_target_existing_hypotheses() {
        let mut incident = incident();
        incident.record(new(Body::Symptom, "502s")).unwrap();
        let error = incident
            .record(new(
                Body::Test {
                    targets: vec![label("S1")],
                },
                "check",
            ))
            .unwrap_err();
        assert!(matches!(error, Error::WrongKind { .. }));
        assert_eq!(incident.entries.len(), 1, "nothing recorded on error");
    }

    #[test]
    fn results_rule_out_and_confirm_and_the_latest_verdict_wins() {
        let mut incident = incident();
        incident.record(new(hypothesis(), "db")).unwrap();
        incident.record(new(hypothesis(), "deploy")).unwrap();
        let test = Body::Test {
            targets: vec![label("H1"), label("H2")],
        };
        incident.record(new(test, "check")).unwrap();
        assert_eq!(incident.state().awaiting_results().len(), 1);

        let rules_out = incident
            .test_targets_to_rule_out(label("T1"), &[label("H2")])
            .unwrap();
        assert_eq!(rules_out, vec![label("H1")]);
        let result = Body::Result {
            test: label("T1"),
            rules_out,
            confirms: vec![label("H2")],
            run: None,
        };
        incident.record(new(result, "db fine, deploy bad")).unwrap();
        assert_eq!(status(&incident, "H1"), Some(HypothesisStatus::RuledOut));
        assert_eq!(status(&incident, "H2"), Some(HypothesisStatus::Confirmed));
        assert!(incident.state().awaiting_results().is_empty());
        // Confirmed is not the root cause: only a close names one.
        assert_eq!(incident.state().root_cause(), None);
        assert_eq!(incident.state().confirmed()[0].id, label("H2"));

        let overturn = Body::Result {
            test: label("T1"),
            rules_out: vec![label("H2")],
            confirms: vec![],
            run: None,
        };
        incident
            .record(new(overturn, "it was not the deploy"))
            .unwrap();
        assert_eq!(status(&incident, "H2"), Some(HypothesisStatus::RuledOut));
        assert!(incident.state().confirmed().is_empty());
    }

    #[test]
    fn the_latest_evidence_in_time_decides_even_when_recorded_late() {
        let mut incident = incident();
        incident.record(new(hypothesis(), "db")).unwrap();
        incident
            .record(new(
                Body::Test {
                    targets: vec![label("H1")],
                },
                "check",
            ))
            .unwrap();
        let mut confirming = new(
            Body::Result {
                test: label("T1"),
                rules_out: vec![],
                confirms: vec![label("H1")],
                run: None,
            },
            "pool full at 02:30",
        );
        confirming.at = at(30);
        incident.record(confirming).unwrap();
        let mut backdated = new(
            Body::Result {
                test: label("T1"),
                rules_out: vec![label("H1")],
                confirms: vec![],
                run: None,
            },
            "pool looked fine at 02:25",
        );
        backdated.at = at(25);
        incident.record(backdated).unwrap();
        assert_eq!(status(&incident, "H1"), Some(HypothesisStatus::Confirmed));
    }

    #[test]
    fn a_result_cannot_rule_out_and_confirm_the_same_hypothesis() {
        let mut incident = incident();
        incident.record(new(hypothesis(), "db")).unwrap();
        incident
            .record(new(Body::Test { targets: vec![] }, "check"))
            .unwrap();
        let result = Body::Result {
            test: label("T1"),
            rules_out: vec![label("H1")],
            confirms: vec![label("H1")],
            run: None,
        };
        let error = incident.record(new(result, "both")).unwrap_err();
        assert!(matches!(error, Error::RulesOutAndConfirms { .. }));
        assert!(matches!(
            incident.test_targets_to_rule_out(label("T1"), &[]),
            Err(Error::RulesOutWithoutTargets { .. })
        ));
    }

    #[test]
    fn a_closed_incident_takes_notes_and_actions_but_no_diagnosis() {
        let mut incident = incident();
        incident.record(new(hypothesis(), "db")).unwrap();
        incident
            .close(stamp(30), Some("rolled back".into()), Some(label("H1")))
            .unwrap();
        assert_eq!(incident.status(), Status::Closed);
        assert_eq!(incident.closed_at(), Some(at(30)));
        assert_eq!(incident.resolution(), Some("rolled back"));
        assert_eq!(incident.state().root_cause(), Some(label("H1")));
        assert!(matches!(
            incident.record(new(Body::Symptom, "late")),
            Err(Error::Closed { .. })
        ));
        incident
            .record(new(Body::Note, "postmortem Monday"))
            .unwrap();
        incident
            .record(new(
                Body::Action {
                    owner: None,
                    due: None,
                    link: None,
                },
                "add alert",
            ))
            .unwrap();
        assert!(matches!(
            incident.close(stamp(31), None, None),
            Err(Error::AlreadyClosed { .. })
        ));

        incident.reopen(stamp(40)).unwrap();
        assert_eq!(incident.status(), Status::Open);
        assert_eq!(incident.closed_at(), None);
        assert_eq!(incident.resolution(), None);
        incident.record(new(Body::Symptom, "back again")).unwrap();
        // The close may restate an earlier time, and keeps the earlier resolution.
        incident.close(stamp(35), None, None).unwrap();
        assert_eq!(incident.closed_at(), Some(at(35)));
        assert_eq!(incident.resolution(), Some("rolled back"));
        assert_eq!(incident.state().root_cause(), Some(label("H1")));
        incident.reopen(stamp(50)).unwrap();
        let mut before_opening = stamp(0);
        before_opening.at = at(0) - chrono::Duration::minutes(1);
        assert!(matches!(
            incident.close(before_opening, None, None),
            Err(Error::CloseBeforeOpen { .. })
        ));
    }

    #[test]
    fn a_ruled_out_hypothesis_cannot_be_the_root_cause() {
        let mut incident = incident();
        incident.record(new(hypothesis(), "db")).unwrap();
        incident
            .record(new(
                Body::Test {
                    targets: vec![label("H1")],
                },
                "check",
            ))
            .unwrap();
        let result = Body::Result {
            test: label("T1"),
            rules_out: vec![label("H1")],
            confirms: vec![],
            run: None,
        };
        incident.record(new(result, "fine")).unwrap();
        assert!(matches!(
            incident.close(stamp(30), None, Some(label("H1"))),
            Err(Error::RootCauseRuledOut { .. })
        ));
        assert!(matches!(
            incident.test_targets_to_rule_out(label("T1"), &[]),
            Ok(targets) if targets == vec![label("H1")]
        ));
        incident.close(stamp(30), None, None).unwrap();
        assert!(
            matches!(
                incident.test_targets_to_rule_out(label("T1"), &[]),
                Err(Error::Closed { .. })
            ),
            "a closed incident is reported before anything about the test"
        );
    }

    #[test]
    fn bare_rules_out_skips_retracted_hypotheses() {
        let mut incident = incident();
        incident.record(new(hypothesis(), "bad deploy")).unwrap();
        incident
            .record(new(hypothesis(), "bad deploy again"))
            .unwrap();
        incident
            .record(new(hypothesis(), "pool exhausted"))
            .unwrap();
        incident
            .record(new(
                Body::Test {
                    targets: vec![label("H1"), label("H2"), label("H3")],
                },
                "roll back",
            ))
            .unwrap();
        incident
            .record(new(
                Body::Retract {
                    target: label("H2"),
                    undo: false,
                },
                "duplicate",
            ))
            .unwrap();
        assert_eq!(
            incident
                .test_targets_to_rule_out(label("T1"), &[label("H3")])
                .unwrap(),
            vec![label("H1")]
        );
        incident
            .record(new(
                Body::Retract {
                    target: label("H1"),
                    undo: false,
                },
                "wrong",
            ))
            .unwrap();
        incident
            .record(new(
                Body::Retract {
                    target: label("H3"),
                    undo: false,
                },
                "wrong",
            ))
            .unwrap();
        let error = incident
            .test_targets_to_rule_out(label("T1"), &[])
            .unwrap_err();
        assert!(matches!(error, Error::TargetsRetracted { .. }), "{error:?}");
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains("(H1, H2, H3)"), "{error}");
    }

    #[test]
    fn labels_never_overflow() {
        let mut incident = incident();
        incident.record(new(Body::Note, "first")).unwrap();
        incident.entries[0].id = Label::new(label::Series::N, u32::MAX);
        assert!(matches!(
            incident.record(new(Body::Note, "one too many")),
            Err(Error::LabelsExhausted { .. })
        ));
    }

    #[test]
    fn the_document_round_trips_through_json() {
        let mut incident = incident();
        incident.record(new(hypothesis(), "db")).unwrap();
        incident
            .record(new(
                Body::Test {
                    targets: vec![label("H1")],
                },
                "check",
            ))
            .unwrap();
        let json = serde_json::to_string(&incident).unwrap();
        assert!(
            json.contains(r#""id":"T1","kind":"test","for":["H1"]"#),
            "{json}"
        );
        let back: Incident = serde_json::from_str(&json).unwrap();
        back.validate().unwrap();
        assert_eq!(back.entries.len(), 2);
    }

    #[test]
    fn every_kind_of_entry_reads_back_as_it_was_written() {
        let mut incident = incident();
        let bodies = [
            Body::Symptom,
            Body::Hypothesis {
                explains: vec![label("S1")],
            },
            Body::Test {
                targets: vec![label("H1")],
            },
            Body::Result {
                test: label("T1"),
                rules_out: vec![],
                confirms: vec![],
                run: Some(Run {
                    command: "sleep 9".into(),
                    exit_code: None,
                    timed_out: true,
                    duration_ms: 1000,
                    output: String::new(),
                }),
            },
            Body::Result {
                test: label("T1"),
                rules_out: vec![label("H1")],
                confirms: vec![],
                run: None,
            },
            Body::Note,
            Body::Action {
                owner: None,
                due: None,
                link: None,
            },
            Body::Action {
                owner: Some("ben".into()),
                due: "2026-12-04".parse().ok(),
                link: Some("https://tracker.example.com/OPS-42".into()),
            },
            Body::Done {
                actions: vec![label("A1")],
            },
            Body::Impact {
                from: Some(at(0)),
                to: Some(at(1)),
            },
            Body::Cause {
                cause: CauseKind::Trigger,
                hypothesis: None,
            },
            Body::Cause {
                cause: CauseKind::Root,
                hypothesis: None,
            },
            Body::Lesson { went: Went::Lucky },
            Body::Option { consequence: None },
            Body::Option {
                consequence: Some("an hour of orders".into()),
            },
            Body::Decision {
                option: label("O1"),
            },
            Body::Amend {
                target: label("S1"),
                time: Some(at(2)),
                owner: None,
                consequence: None,
            },
            Body::Amend {
                target: label("A2"),
                time: None,
                owner: Some("kim".into()),
                consequence: None,
            },
            Body::Retitle,
            Body::Retract {
                target: label("N1"),
                undo: false,
            },
            Body::Severity { severity: 2 },
            Body::Stage {
                stage: Stage::Mitigated,
            },
            Body::Role {
                role: "comms".into(),
                holder: "Jane Doe".into(),
            },
        ];
        for body in bodies {
            incident.record(new(body, "text")).unwrap();
        }
        let json = serde_json::to_string(&incident).unwrap();
        let back: Incident = serde_json::from_str(&json).unwrap();
        back.validate().unwrap();
        for (written, read) in incident.entries.iter().zip(&back.entries) {
            assert_eq!(written.body, read.body, "{}", written.id);
        }
    }

    #[test]
    fn fields_that_would_be_lost_on_save_make_the_document_unreadable() {
        let mut incident = incident();
        incident.record(new(Body::Symptom, "502s")).unwrap();
        let good = serde_json::to_value(&incident).unwrap();
        let mut unknown_top = good.clone();
        unknown_top["tags"] = serde_json::json!(["sev1"]);
        let mut unknown_entry = good.clone();
        unknown_entry["entries"][0]["severity"] = 1.into();
        let mut stray_link = good.clone();
        stray_link["entries"][0]["for"] = serde_json::json!(["H1"]);
        for bad in [unknown_top, unknown_entry, stray_link] {
            assert!(serde_json::from_value::<Incident>(bad).is_err());
        }
        serde_json::from_value::<Incident>(good).unwrap();
    }

    #[test]
    fn validate_rejects_labels_that_do_not_match_their_kind_or_repeat() {
        let mut incident = incident();
        incident.record(new(Body::Symptom, "502s")).unwrap();
        let mut wrong = incident.clone();
        wrong.entries[0].id = label("H1");
        assert!(wrong.validate().is_err());
        let mut twice = incident.clone();
        twice.entries.push(twice.entries[0].clone());
        assert!(twice.validate().is_err());
    }
}

#[cfg(test)]
mod review_tests {
    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        format!("2026-11-21T02:{minute:02}:00Z").parse().unwrap()
    }

    fn by(who: &str, minute: u32, body: Body, text: &str) -> NewEntry {
        NewEntry {
            body,
            at: at(minute),
            by: who.into(),
            text: text.into(),
            uuid: Uuid::nil(),
            recorded_at: at(59),
        }
    }

    fn label(text: &str) -> Label {
        text.parse().unwrap()
    }

    #[test]
    fn undo_takes_the_authors_last_recorded_entry_that_still_counts() {
        let opened = Stamp {
            uuid: Uuid::nil(),
            at: at(0),
            recorded_at: at(0),
            by: "ana".into(),
        };
        let mut incident = Incident::new("x".into(), "X".into(), opened);
        incident
            .record(by("ana", 30, Body::Symptom, "late"))
            .unwrap();
        // Recorded after S1 but backdated: still the last ana recorded.
        incident.record(by("ana", 5, Body::Note, "early")).unwrap();
        incident.record(by("ben", 40, Body::Note, "ben's")).unwrap();
        assert_eq!(incident.latest_undoable("ana").unwrap().id, label("N1"));
        let retract = Body::Retract {
            target: label("N1"),
            undo: false,
        };
        incident.record(by("ana", 41, retract, "")).unwrap();
        // The retraction is ana's latest: undoing it brings N1 back.
        assert_eq!(incident.latest_undoable("ana").unwrap().id, label("E1"));
        let undo = Body::Retract {
            target: label("E1"),
            undo: true,
        };
        incident.record(by("ana", 42, undo, "")).unwrap();
        assert!(!incident.state().is_retracted(label("N1")));
        // What undo did is passed over: the next undo reaches further back.
        assert_eq!(incident.latest_undoable("ana").unwrap().id, label("N1"));
        assert_eq!(incident.latest_undoable("ben").unwrap().id, label("N2"));
        assert!(incident.latest_undoable("kim").is_none());
        assert_eq!(
            incident
                .in_time_order(&incident.state())
                .iter()
                .map(|entry| entry.id.to_string())
                .collect::<Vec<_>>(),
            ["N1", "S1", "N2", "E1", "E2"]
        );
        assert_eq!(incident.corrections_of(label("N1")).len(), 1);
    }
}
