//! The communication seat: how often stakeholder updates are due, when the last went out,
//! when the next is due and whether it is overdue, and how long each one called in took
//! to engage. The one place these rules live: the board, its warnings, the prompt, the
//! JSON and the reports all ask here.

use chrono::{DateTime, Duration, Utc};

use super::entry::{Body, Entry};
use super::incident::Status;
use super::label::{Kind, Label};
use super::metrics::Span;
use super::severity::Severity;
use super::state::State;

/// How often stakeholder updates are due, and what says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cadence {
    /// Seconds between updates; `None`: none are due.
    pub every: Option<u64>,
    pub source: CadenceSource,
}

/// What a cadence comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CadenceSource {
    /// Set explicitly, by this entry: it holds whatever the severity does, until another
    /// one is set or it is retracted.
    Set(Label),
    /// The default of the current severity (`None`: no severity is set).
    Severity(Option<Severity>),
}

impl Cadence {
    /// The default at a severity: every 30 minutes at severity 1, every hour at 2, none
    /// below or while no severity is set.
    pub fn default_every(severity: Option<Severity>) -> Option<u64> {
        match severity.map(Severity::number) {
            Some(1) => Some(30 * 60),
            Some(2) => Some(60 * 60),
            _ => None,
        }
    }
}

/// Someone called in, and whether and when they engaged: the first entry they recorded
/// at or after the call.
#[derive(Clone, Copy, Debug)]
pub struct Escalation<'a> {
    pub entry: &'a Entry,
    /// Who was called, as typed.
    pub name: &'a str,
    /// When they were called, as last corrected.
    pub at: DateTime<Utc>,
    /// The first entry still counting that they recorded at or after the call.
    pub engaged: Option<&'a Entry>,
    /// From the call to that entry.
    pub time_to_engage: Option<Span>,
}

/// Whether an entry's author is the one called: the same name, in any case, with the
/// spaces around it trimmed.
fn is_by(entry: &Entry, name: &str) -> bool {
    let (by, name) = (entry.by.trim(), name.trim());
    by == name || by.to_lowercase() == name.to_lowercase()
}

impl<'a> State<'a> {
    /// The cadence in force: the latest one set that still counts, else the default of
    /// the current severity. An explicit cadence wins over the severity's default, so a
    /// severity change after one leaves it as it was set: whoever set it chose it.
    pub fn cadence(&self) -> Cadence {
        let set = self
            .live(Kind::Cadence)
            .max_by_key(|entry| self.at(entry))
            .and_then(|entry| match entry.body {
                Body::Cadence { every } => Some((entry.id, every)),
                _ => None,
            });
        match set {
            Some((label, every)) => Cadence {
                every: (every > 0).then_some(every),
                source: CadenceSource::Set(label),
            },
            None => {
                let severity = self.severity();
                Cadence {
                    every: Cadence::default_every(severity),
                    source: CadenceSource::Severity(severity),
                }
            }
        }
    }

    /// The updates sent that still count, in order of time (ties: recording order).
    pub fn updates(&self) -> Vec<&'a Entry> {
        let mut updates: Vec<&Entry> = self.live(Kind::Update).collect();
        updates.sort_by_key(|update| self.at(update));
        updates
    }

    /// The latest update sent that still counts.
    pub fn last_update(&self) -> Option<&'a Entry> {
        self.updates().pop()
    }

    /// When the update after one sent at `sent` is due: one cadence later, while the
    /// incident is open and a cadence is in force. What a draft written now promises.
    pub fn next_update_after(&self, sent: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let incident = self.incident();
        if incident.status() != Status::Open || incident.check_active().is_err() {
            return None;
        }
        let every = i64::try_from(self.cadence().every?).ok()?;
        sent.checked_add_signed(Duration::try_seconds(every)?)
    }

    /// When the next update is due: one cadence (the one in force now) after the last
    /// update, or after the opening before the first. A shorter cadence set later can
    /// make it due at once: the stakeholders have waited longer than it allows.
    pub fn next_update_due(&self) -> Option<DateTime<Utc>> {
        let since = self
            .last_update()
            .map_or(self.incident().opened_at, |update| self.at(update));
        self.next_update_after(since)
    }

    /// The time the next update was due, when `now` is past it: the update is overdue.
    pub fn update_overdue(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.next_update_due().filter(|due| now > *due)
    }

    /// Everyone called in that still counts, in order of time, with when they engaged.
    pub fn escalations(&self) -> Vec<Escalation<'a>> {
        let mut calls: Vec<&'a Entry> = self.live(Kind::Escalation).collect();
        calls.sort_by_key(|call| self.at(call));
        calls
            .into_iter()
            .filter_map(|call| self.escalation(call))
            .collect()
    }

    /// An escalation and when the one called engaged: the first entry still counting
    /// (by time, ties in recording order) that they recorded at or after the call.
    /// `None` for an entry that is no escalation.
    pub fn escalation(&self, call: &'a Entry) -> Option<Escalation<'a>> {
        let Body::Escalation { name } = &call.body else {
            return None;
        };
        let at = self.at(call);
        let engaged = self
            .incident()
            .entries
            .iter()
            .filter(|entry| entry.id != call.id && !self.is_retracted(entry.id))
            .filter(|entry| is_by(entry, name))
            .map(|entry| (self.at(entry), entry))
            .filter(|(when, _)| *when >= at)
            .min_by_key(|(when, _)| *when)
            .map(|(_, entry)| entry);
        Some(Escalation {
            entry: call,
            name,
            at,
            engaged,
            time_to_engage: engaged.map(|entry| Span::between(at, self.at(entry))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::*;
    use uuid::Uuid;

    fn record(incident: &mut crate::model::Incident, body: Body, minute: u32, by: &str) -> Label {
        let mut entry = new(body, "checkout degraded");
        entry.at = at(minute);
        entry.by = by.into();
        entry.uuid = Uuid::now_v7();
        incident.record(entry).unwrap().id
    }

    fn severity(number: u8) -> Body {
        Body::Severity {
            severity: Severity::new(number).unwrap(),
        }
    }

    fn update() -> Body {
        Body::Update {
            to: "stakeholders".into(),
        }
    }

    #[test]
    fn updates_fall_due_one_cadence_after_the_last_or_the_opening() {
        let mut incident = incident();
        // No severity: nothing is due.
        assert_eq!(incident.state().next_update_due(), None);
        record(&mut incident, severity(2), 1, "ana");
        assert_eq!(
            incident.state().next_update_due(),
            Some(at(0) + Duration::hours(1))
        );
        record(&mut incident, severity(1), 5, "ana");
        assert_eq!(incident.state().next_update_due(), Some(at(30)));
        assert_eq!(
            incident.state().update_overdue(at(30)),
            None,
            "due, not late"
        );
        assert_eq!(incident.state().update_overdue(at(31)), Some(at(30)));
        let first = record(&mut incident, update(), 20, "ben");
        assert_eq!(incident.state().last_update().unwrap().id, first);
        assert_eq!(incident.state().next_update_due(), Some(at(50)));

        // An explicit cadence wins, whatever the severity does afterwards.
        let set = record(&mut incident, Body::Cadence { every: 10 * 60 }, 22, "ana");
        record(&mut incident, severity(2), 23, "ana");
        let cadence = incident.state().cadence();
        assert_eq!(cadence.every, Some(600));
        assert_eq!(cadence.source, CadenceSource::Set(set));
        assert_eq!(incident.state().next_update_due(), Some(at(30)));
        let off = record(&mut incident, Body::Cadence { every: 0 }, 24, "ana");
        assert_eq!(incident.state().next_update_due(), None);

        // Taking both cadences back returns to the severity's default.
        for target in [set, off] {
            record(
                &mut incident,
                Body::Retract {
                    target,
                    undo: false,
                },
                25,
                "ana",
            );
        }
        let cadence = incident.state().cadence();
        assert_eq!(cadence.source, CadenceSource::Severity(Severity::new(2)));
        assert_eq!(
            incident.state().next_update_due(),
            Some(at(20) + Duration::hours(1))
        );

        // Closed: nothing more is due.
        incident.close(stamp(40), None, None).unwrap();
        assert_eq!(incident.state().next_update_due(), None);
        assert_eq!(incident.state().update_overdue(at(59)), None);
    }

    #[test]
    fn an_escalation_is_engaged_by_the_first_entry_of_the_one_called() {
        let mut incident = incident();
        record(&mut incident, Body::Note, 2, "Bob");
        let call = record(
            &mut incident,
            Body::Escalation {
                name: " bob ".into(),
            },
            5,
            "ana",
        );
        let waiting = incident.state().escalations();
        assert_eq!(waiting.len(), 1);
        assert!(
            waiting[0].engaged.is_none(),
            "a note before the call is no engagement"
        );
        record(&mut incident, Body::Note, 7, "carl");
        let engaged = record(&mut incident, Body::Symptom, 9, "BOB");
        record(&mut incident, Body::Note, 12, "bob");
        let escalations = incident.state().escalations();
        assert_eq!(escalations[0].entry.id, call);
        assert_eq!(escalations[0].engaged.map(|entry| entry.id), Some(engaged));
        assert_eq!(
            escalations[0].time_to_engage.map(|span| span.seconds),
            Some(4 * 60)
        );
    }
}
