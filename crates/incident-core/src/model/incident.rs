//! The incident as stored: its document (entries, closes and reopens, marks), what
//! it says at a glance (open or closed, since when, with what resolution), and how its
//! entries are found. Recording rules live in `record.rs`, closes and reopens in
//! `lifecycle.rs`, everything derived from the log in `state.rs`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::entry::{Body, Entry};
use super::error::{Error, Result};
use super::label::{Kind, Label, LabelMap};
use super::utc;

/// The document format version this build writes; it reads every version up to it.
/// 2 added corrections of time, owner and consequence, and `retitle`: a build that knows
/// only 1 refuses such a document as newer instead of calling it damaged. 3 added `marks`
/// (merges, discards and restores).
pub const SCHEMA: u32 = 3;

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
    /// The root cause named at this close, in documents written before causes were
    /// entries; a close now records it as a cause entry instead (`Incident::close`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<Label>,
}

/// Who, when and the id of a change about to be made.
pub struct Stamp {
    pub uuid: Uuid,
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub by: String,
    /// Whether the entry recorded with it is a key event (`--key`).
    pub key: bool,
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

    /// Every name the document holds (who opened it, closed or reopened it, marked it, and
    /// recorded each entry; owners, roles and their holders), each with the field it is
    /// stored in.
    pub fn names(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let people = std::iter::once(("opened_by", self.opened_by.as_str()))
            .chain(
                self.lifecycle
                    .iter()
                    .map(|change| ("by", change.by.as_str())),
            )
            .chain(self.marks.iter().map(|mark| ("by", mark.by.as_str())));
        let entries = self
            .entries
            .iter()
            .flat_map(|entry| std::iter::once(("by", entry.by.as_str())).chain(entry.body.names()));
        people.chain(entries)
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
    pub(super) fn expect_any(&self, label: Label) -> Result<&Entry> {
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkKind {
    /// This incident's entries went into `incident`, which carries on; this one is
    /// read-only from then on.
    MergedInto,
    /// The entries of `incident` came into this one.
    MergedIn,
    /// Opened by mistake: left out of the list, read-only.
    Discarded,
    /// A discard taken back.
    Restored,
}

impl MarkKind {
    pub fn name(self) -> &'static str {
        match self {
            MarkKind::MergedInto => "merged into",
            MarkKind::MergedIn => "merged in",
            MarkKind::Discarded => "discarded",
            MarkKind::Restored => "restored",
        }
    }
}

/// A merge, a discard or a restore: who, when, why, and the other incident of a merge.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mark {
    pub mark: MarkKind,
    /// The other incident of a merge: the survivor, or the incident merged in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
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
    pub why: Option<String>,
    /// Of a merge in: the retitles that came with the other incident's entries. They name
    /// that incident, so they never retitle this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retitles: Vec<Uuid>,
    /// Of a merge in: the entry that set the other incident's severity at its opening. It
    /// says how severe that incident was when it was opened, which is no change of this
    /// one's severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_severity: Option<Uuid>,
}

impl Mark {
    pub(super) fn new(
        mark: MarkKind,
        incident: Option<String>,
        stamp: Stamp,
        why: Option<String>,
    ) -> Mark {
        Mark {
            mark,
            incident,
            uuid: stamp.uuid,
            at: stamp.at,
            recorded_at: stamp.recorded_at,
            by: stamp.by,
            why,
            retitles: Vec::new(),
            opening_severity: None,
        }
    }

    /// The other incident of a merge.
    pub fn other(&self) -> &str {
        self.incident.as_deref().unwrap_or_default()
    }
}

/// Where an incident stands for the team, as a whole: its status, and whether it was
/// merged into another or discarded. Whether it is listed and whether it is part of the
/// team's history follow from this alone, for a document and for a summary of one alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Presence {
    pub status: Status,
    pub merged_away: bool,
    pub discarded: bool,
}

impl Presence {
    /// Part of the team's history, for search, "seen before" and statistics: not merged
    /// into another (its entries are there) nor discarded.
    pub fn is_history(self) -> bool {
        !self.merged_away && !self.discarded
    }

    /// Listed without asking for every incident: open, and part of the history.
    pub fn is_listed(self) -> bool {
        self.status == Status::Open && self.is_history()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::*;
    use crate::model::{Amendment, CauseKind, NewEntry, Run, Severity, Stage, Went, label};

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
            Body::Situation,
            Body::Option {
                consequence: None,
                situation: None,
            },
            Body::Option {
                consequence: Some("an hour of orders".into()),
                situation: Some(label("Q1")),
            },
            Body::Decision {
                option: label("O1"),
            },
            Body::Amend {
                target: label("S1"),
                change: Amendment {
                    time: Some(at(2)),
                    ..Amendment::default()
                },
            },
            Body::Amend {
                target: label("A2"),
                change: Amendment {
                    owner: Some("kim".into()),
                    due: Some("2026-12-01".parse().unwrap()),
                    link: Some("OPS-1".into()),
                    key: Some(true),
                    ..Amendment::default()
                },
            },
            Body::Amend {
                target: label("I1"),
                change: Amendment {
                    from: Some(at(1)),
                    to: Some(at(3)),
                    ..Amendment::default()
                },
            },
            Body::Amend {
                target: label("H1"),
                change: Amendment {
                    explains: Some(vec![]),
                    ..Amendment::default()
                },
            },
            Body::Amend {
                target: label("C1"),
                change: Amendment {
                    cause: Some(CauseKind::Trigger),
                    ..Amendment::default()
                },
            },
            Body::Amend {
                target: label("L1"),
                change: Amendment {
                    went: Some(Went::Well),
                    ..Amendment::default()
                },
            },
            Body::Amend {
                target: label("O1"),
                change: Amendment {
                    situation: Some(label("Q1")),
                    consequence: Some("slow".into()),
                    ..Amendment::default()
                },
            },
            Body::Update {
                to: "executives".into(),
            },
            Body::Escalation {
                name: "Dana".into(),
            },
            Body::Summary,
            Body::Cadence { every: 1800 },
            Body::Retitle,
            Body::Retract {
                target: label("N1"),
                undo: false,
            },
            Body::Severity {
                severity: Severity::new(2).unwrap(),
            },
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

    fn by(who: &str, minute: u32, body: Body, text: &str) -> NewEntry {
        NewEntry {
            by: who.into(),
            at: at(minute),
            recorded_at: at(59),
            ..new(body, text)
        }
    }

    #[test]
    fn undo_takes_the_authors_last_recorded_entry_that_still_counts() {
        let opened = Stamp {
            uuid: Uuid::nil(),
            at: at(0),
            recorded_at: at(0),
            by: "ana".into(),
            key: false,
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
