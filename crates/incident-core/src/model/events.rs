//! The story a report tells, as a rule of the model: which entries are events of the
//! response, and which events are key events, the short story a reader outside the team
//! needs. The rest of the log is the record of the record: the corrections (amendments,
//! retractions, new titles), the summary written for the report, the cadence of updates,
//! and the severity an incident merged in was opened at; none of them happened to the
//! service.

use super::entry::{Body, Entry};
use super::label::{Kind, Label};
use super::state::{HypothesisStatus, State};

impl<'a> State<'a> {
    /// The summary written for the report that counts: the latest still counting, by
    /// time (ties: the last recorded), with its current text.
    pub fn summary(&self) -> Option<&'a Entry> {
        self.latest(Kind::Summary)
    }

    /// Whether the entry is an event of the response, told at its (current) time: it
    /// still counts, and it is neither a correction, the written summary, a cadence, the
    /// severity an incident merged in was opened at, nor the one this incident was opened
    /// at (told with the opening).
    pub fn is_event(&self, entry: &Entry) -> bool {
        !self.is_retracted(entry.id)
            && !entry.kind().is_record_keeping()
            && !self.is_merged_opening(entry)
            && self.opening_severity_uuid() != Some(entry.uuid)
    }

    /// The severity the incident was opened at: its first change of severity, when that
    /// is at the very time of the opening (`open --severity`, or a severity set in the
    /// same moment). The story tells it with the opening ("opened at severity 2"), not as
    /// a change; set any later, it is a change like any other.
    pub fn opening_severity(&self) -> Option<&'a Entry> {
        let uuid = self.opening_severity_uuid()?;
        self.live(Kind::Severity).find(|entry| entry.uuid == uuid)
    }

    fn opening_severity_uuid(&self) -> Option<uuid::Uuid> {
        *self.opening_severity.get_or_init(|| {
            self.severity_changes()
                .first()
                .filter(|entry| self.at(entry) == self.incident().opened_at)
                .map(|entry| entry.uuid)
        })
    }

    /// Whether an event is a key event: marked so (`--key`), or of a kind a reader
    /// outside the team always needs (a change of severity or stage, a decision, an update
    /// sent, the result a hypothesis was confirmed by), unless a correction said
    /// otherwise (`--no-key`). The opening, the close and the impact's start and end are
    /// key events too; they are not entries.
    pub fn is_key_event(&self, entry: &'a Entry) -> bool {
        self.is_event(entry)
            && self
                .changed(entry, |change| change.key)
                .unwrap_or_else(|| entry.key || self.is_key_by_kind(entry))
    }

    fn is_key_by_kind(&self, entry: &'a Entry) -> bool {
        match &entry.body {
            Body::Severity { .. } | Body::Stage { .. } | Body::Decision { .. } => true,
            Body::Update { .. } => true,
            Body::Result { .. } => !self.established(entry).is_empty(),
            _ => false,
        }
    }

    /// The hypotheses a result established as confirmed: those it confirms that still
    /// stand confirmed and were known from it (`confirmed_by`).
    pub fn established(&self, result: &Entry) -> Vec<Label> {
        match &result.body {
            Body::Result { confirms, .. } => confirms
                .iter()
                .copied()
                .filter(|hypothesis| {
                    !self.is_retracted(*hypothesis)
                        && self.status(*hypothesis) == HypothesisStatus::Confirmed
                        && self
                            .confirmed_by(*hypothesis)
                            .is_some_and(|by| by.id == result.id)
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::model::testing::*;
    use crate::model::{Amendment, Incident, Severity, Stage};

    fn record(incident: &mut Incident, body: Body, text: &str, key: bool) -> Label {
        let mut entry = new(body, text);
        entry.uuid = Uuid::now_v7();
        entry.key = key;
        incident.record(entry).expect("a valid entry").id
    }

    /// The severity an incident was opened at is told with the opening, not as a change:
    /// it is no event. A severity first set later is a change like any other, and so is
    /// every one after the opening's.
    #[test]
    fn the_severity_at_the_opening_is_told_with_it_not_as_a_change() {
        let severity = |level| Body::Severity {
            severity: Severity::new(level).expect("a severity"),
        };
        let at_minute = |incident: &mut Incident, body, minute| {
            let mut entry = new(body, "");
            entry.uuid = Uuid::now_v7();
            entry.at = at(minute);
            incident.record(entry).expect("a valid entry").id
        };

        let mut opened_at_two = incident();
        let opening = at_minute(&mut opened_at_two, severity(2), 0);
        let later = at_minute(&mut opened_at_two, severity(1), 5);
        let state = opened_at_two.state();
        assert_eq!(
            state.opening_severity().map(|entry| entry.id),
            Some(opening)
        );
        assert!(!state.is_event(state.entry(opening).expect("E1")));
        assert!(state.is_key_event(state.entry(later).expect("E2")));

        let mut set_later = incident();
        let first = at_minute(&mut set_later, severity(2), 3);
        let state = set_later.state();
        assert_eq!(state.opening_severity().map(|entry| entry.id), None);
        assert!(state.is_key_event(state.entry(first).expect("E1")));
    }

    /// The key events are what a reader outside the team needs: changes of severity and
    /// stage, decisions, updates, confirmations and what was marked; never a plain test,
    /// a role change or an option, nor anything taken back or corrected away.
    #[test]
    fn key_events_are_the_changes_decisions_confirmations_and_marked_entries() {
        let mut incident = incident();
        let severity = record(
            &mut incident,
            Body::Severity {
                severity: Severity::new(2).expect("a severity"),
            },
            "",
            false,
        );
        let pool = record(&mut incident, hypothesis(), "pool exhausted", false);
        let other = record(&mut incident, hypothesis(), "dns", false);
        let test = record(
            &mut incident,
            Body::Test {
                targets: vec![pool, other],
            },
            "gauges",
            false,
        );
        let ruled_out = record(
            &mut incident,
            Body::Result {
                test,
                rules_out: vec![other],
                confirms: vec![],
                run: None,
            },
            "dns fine",
            false,
        );
        let confirmed = record(
            &mut incident,
            Body::Result {
                test,
                rules_out: vec![],
                confirms: vec![pool],
                run: None,
            },
            "pool at 100/100",
            false,
        );
        let stage = record(
            &mut incident,
            Body::Stage {
                stage: Stage::Identified,
            },
            "",
            false,
        );
        let role = record(
            &mut incident,
            Body::Role {
                role: "commander".into(),
                holder: "ben".into(),
            },
            "",
            false,
        );
        let option = record(
            &mut incident,
            Body::Option {
                consequence: None,
                situation: None,
            },
            "raise the pool",
            false,
        );
        let decision = record(&mut incident, Body::Decision { option }, "", false);
        let update = record(
            &mut incident,
            Body::Update {
                to: "stakeholders".into(),
            },
            "identified",
            false,
        );
        let marked = record(&mut incident, Body::Note, "paged the DBA", true);
        let plain = record(&mut incident, Body::Note, "coffee", false);
        let summary = record(&mut incident, Body::Summary, "a pool too small", true);
        let key = |incident: &Incident| -> Vec<Label> {
            let state = incident.state();
            incident
                .entries
                .iter()
                .filter(|entry| state.is_key_event(entry))
                .map(|entry| entry.id)
                .collect()
        };
        assert_eq!(
            key(&incident),
            [severity, confirmed, stage, decision, update, marked]
        );
        let state = incident.state();
        for label in [pool, test, ruled_out, role, option, plain] {
            let entry = state.entry(label).expect("recorded");
            assert!(state.is_event(entry), "{label} is an event");
        }
        let written = state.entry(summary).expect("recorded");
        assert!(!state.is_event(written), "the written summary is no event");
        assert_eq!(state.summary().map(|entry| entry.id), Some(summary));

        // Marked no key event, and the note taken back: neither is one any more.
        record(
            &mut incident,
            Body::Amend {
                target: update,
                change: Amendment {
                    key: Some(false),
                    ..Amendment::default()
                },
            },
            "",
            false,
        );
        record(
            &mut incident,
            Body::Retract {
                target: marked,
                undo: false,
            },
            "",
            false,
        );
        assert_eq!(key(&incident), [severity, confirmed, stage, decision]);
    }
}
