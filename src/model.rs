//! The incident and its log: pure data and the rules of the method. Nothing here touches
//! the disk or the terminal.
//!
//! Entries are immutable once recorded. Everything that changes as the investigation goes
//! on (a hypothesis's status, whether a test awaits a result, the root cause, whether the
//! incident is open) is derived from the entries and the lifecycle, never stored twice.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};

/// The document format version this build reads and writes.
pub const SCHEMA: u32 = 1;

/// The largest entry text accepted, in bytes. Big enough for a pasted stack trace or log
/// excerpt, small enough that one entry cannot make the document unwieldy.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Symptom,
    Hypothesis,
    Test,
    Result,
    Note,
    Action,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Symptom,
        Kind::Hypothesis,
        Kind::Test,
        Kind::Result,
        Kind::Note,
        Kind::Action,
    ];

    pub fn prefix(self) -> char {
        match self {
            Kind::Symptom => 'S',
            Kind::Hypothesis => 'H',
            Kind::Test => 'T',
            Kind::Result => 'R',
            Kind::Note => 'N',
            Kind::Action => 'A',
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Symptom => "symptom",
            Kind::Hypothesis => "hypothesis",
            Kind::Test => "test",
            Kind::Result => "result",
            Kind::Note => "note",
            Kind::Action => "action",
        }
    }

    fn from_prefix(prefix: char) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.prefix() == prefix.to_ascii_uppercase())
    }

    /// Whether entries of this kind are refused once the incident is closed: the diagnosis
    /// is over, but notes and follow-up actions keep coming.
    pub fn is_diagnosis(self) -> bool {
        matches!(
            self,
            Kind::Symptom | Kind::Hypothesis | Kind::Test | Kind::Result
        )
    }
}

/// An entry's label, such as `H2`: its kind's letter and a number unique for that kind
/// within the incident.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Label {
    pub kind: Kind,
    pub number: u32,
}

impl Label {
    pub fn new(kind: Kind, number: u32) -> Label {
        Label { kind, number }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.kind.prefix(), self.number)
    }
}

impl FromStr for Label {
    type Err = Error;

    /// Case-insensitive: `h2` is `H2`.
    fn from_str(input: &str) -> Result<Label> {
        let malformed = || Error::MalformedLabel {
            input: input.to_string(),
        };
        let trimmed = input.trim();
        let mut chars = trimmed.chars();
        let kind = chars
            .next()
            .and_then(Kind::from_prefix)
            .ok_or_else(malformed)?;
        let digits = chars.as_str();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        let number: u32 = digits.parse().map_err(|_| malformed())?;
        if number == 0 {
            return Err(malformed());
        }
        Ok(Label { kind, number })
    }
}

impl Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Label, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse()
            .map_err(|_| serde::de::Error::custom(format!("{text:?} is not a label")))
    }
}

/// Parses a list of labels given as `H1,H2` or repeated options, keeping the first
/// occurrence of each.
pub fn parse_labels<S: AsRef<str>>(inputs: &[S]) -> Result<Vec<Label>> {
    let mut labels = Vec::new();
    for input in inputs {
        for part in input.as_ref().split(',') {
            if part.trim().is_empty() {
                continue;
            }
            let label: Label = part.parse()?;
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
    }
    Ok(labels)
}

/// What an entry is, with the links that only some kinds carry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Body {
    Symptom,
    Hypothesis,
    Test {
        /// The hypotheses this test is designed to rule out.
        #[serde(rename = "for", default)]
        targets: Vec<Label>,
    },
    Result {
        test: Label,
        #[serde(default)]
        rules_out: Vec<Label>,
        #[serde(default)]
        confirms: Vec<Label>,
    },
    Note,
    Action {
        #[serde(default)]
        owner: Option<String>,
    },
}

impl Body {
    pub fn kind(&self) -> Kind {
        match self {
            Body::Symptom => Kind::Symptom,
            Body::Hypothesis => Kind::Hypothesis,
            Body::Test { .. } => Kind::Test,
            Body::Result { .. } => Kind::Result,
            Body::Note => Kind::Note,
            Body::Action { .. } => Kind::Action,
        }
    }
}

/// One line of the log. Never changed once recorded.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    pub id: Label,
    #[serde(flatten)]
    pub body: Body,
    pub uuid: Uuid,
    /// When it happened, as the user said (`--at`), to the second.
    pub at: DateTime<Utc>,
    /// When it was typed in.
    pub recorded_at: DateTime<Utc>,
    pub by: String,
    pub text: String,
}

impl Entry {
    pub fn kind(&self) -> Kind {
        self.body.kind()
    }
}

/// An entry about to be recorded: what the user typed, before it gets its label.
pub struct NewEntry {
    pub body: Body,
    pub at: DateTime<Utc>,
    pub by: String,
    pub text: String,
    pub uuid: Uuid,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Closed,
    Reopened,
}

/// A close or a reopen. The incident's status, close time, resolution and root cause
/// follow from the last one.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Transition {
    pub change: Change,
    pub uuid: Uuid,
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<Label>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Incident {
    pub schema: u32,
    pub id: String,
    pub title: String,
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    #[serde(default)]
    pub lifecycle: Vec<Transition>,
    pub entries: Vec<Entry>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Closed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HypothesisStatus {
    Open,
    RuledOut,
    Confirmed,
}

impl Incident {
    pub fn new(id: String, title: String, opened_at: DateTime<Utc>, opened_by: String) -> Self {
        Incident {
            schema: SCHEMA,
            id,
            title,
            opened_at,
            opened_by,
            lifecycle: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// Checks what serde cannot: labels match their kinds and are unique, and links point
    /// at entries of the right kind. A document that fails this was not written by us.
    pub fn validate(&self) -> std::result::Result<(), String> {
        let mut seen = HashMap::with_capacity(self.entries.len());
        for entry in &self.entries {
            if entry.id.kind != entry.kind() {
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
        let check = |label: &Label, kind: Kind, from: &Entry| match seen.get(label) {
            Some(found) if *found == kind => Ok(()),
            _ => Err(format!(
                "{} links to {label}, which is not a {}",
                from.id,
                kind.name()
            )),
        };
        for entry in &self.entries {
            match &entry.body {
                Body::Test { targets } => {
                    for label in targets {
                        check(label, Kind::Hypothesis, entry)?;
                    }
                }
                Body::Result {
                    test,
                    rules_out,
                    confirms,
                } => {
                    check(test, Kind::Test, entry)?;
                    for label in rules_out.iter().chain(confirms) {
                        check(label, Kind::Hypothesis, entry)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn last_transition(&self) -> Option<&Transition> {
        self.lifecycle.last()
    }

    fn closing(&self) -> Option<&Transition> {
        self.last_transition()
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

    pub fn resolution(&self) -> Option<&str> {
        self.closing()?.resolution.as_deref()
    }

    /// The hypothesis named at close, or else the first confirmed one still standing.
    pub fn root_cause(&self) -> Option<Label> {
        if let Some(label) = self.closing().and_then(|closing| closing.root_cause) {
            return Some(label);
        }
        let verdicts = self.verdicts();
        self.entries_of(Kind::Hypothesis)
            .map(|entry| entry.id)
            .find(|label| {
                verdicts.get(label).map(|verdict| verdict.status)
                    == Some(HypothesisStatus::Confirmed)
            })
    }

    pub fn entry(&self, label: Label) -> Option<&Entry> {
        // Labels are allocated in order, so the entry is usually near its number.
        self.entries.iter().find(|entry| entry.id == label)
    }

    pub fn entries_of(&self, kind: Kind) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(move |entry| entry.kind() == kind)
    }

    /// The entry with this label, which must be of this kind.
    pub fn expect_entry(&self, label: Label, kind: Kind) -> Result<&Entry> {
        self.entry(label)
            .filter(|entry| entry.kind() == kind)
            .ok_or(Error::NoSuchEntry {
                label,
                expected: Some(kind),
            })
    }

    pub fn next_label(&self, kind: Kind) -> Label {
        let highest = self
            .entries_of(kind)
            .map(|entry| entry.id.number)
            .max()
            .unwrap_or(0);
        Label::new(kind, highest + 1)
    }

    /// The latest verdict on each hypothesis that has one, in recording order: new evidence
    /// overrides old.
    pub fn verdicts(&self) -> HashMap<Label, Verdict> {
        let mut verdicts = HashMap::new();
        for entry in &self.entries {
            if let Body::Result {
                rules_out,
                confirms,
                ..
            } = &entry.body
            {
                for label in rules_out {
                    verdicts.insert(*label, Verdict::new(HypothesisStatus::RuledOut, entry.id));
                }
                for label in confirms {
                    verdicts.insert(*label, Verdict::new(HypothesisStatus::Confirmed, entry.id));
                }
            }
        }
        verdicts
    }

    /// Tests with no result yet.
    pub fn awaiting_results(&self) -> Vec<&Entry> {
        let mut answered = std::collections::HashSet::new();
        for entry in &self.entries {
            if let Body::Result { test, .. } = &entry.body {
                answered.insert(*test);
            }
        }
        self.entries_of(Kind::Test)
            .filter(|test| !answered.contains(&test.id))
            .collect()
    }

    /// What `--rules-out` with no labels means: every hypothesis the test targets, except
    /// those this same result confirms.
    pub fn test_targets_to_rule_out(&self, test: Label, confirms: &[Label]) -> Result<Vec<Label>> {
        let entry = self.expect_entry(test, Kind::Test)?;
        let Body::Test { targets } = &entry.body else {
            unreachable!("expect_entry returned a test");
        };
        if targets.is_empty() {
            return Err(Error::RulesOutWithoutTargets { test });
        }
        Ok(targets
            .iter()
            .copied()
            .filter(|label| !confirms.contains(label))
            .collect())
    }

    /// Records an entry after checking it against the rules: the incident must be open for
    /// the diagnosis, links must name entries of the right kind, and a result cannot both
    /// rule out and confirm the same hypothesis. On error nothing is changed.
    pub fn record(&mut self, new: NewEntry) -> Result<&Entry> {
        if new.text.trim().is_empty() {
            return Err(Error::EmptyText);
        }
        if new.text.len() > MAX_TEXT_BYTES {
            return Err(Error::TextTooLong {
                len: new.text.len(),
                limit: MAX_TEXT_BYTES,
            });
        }
        let kind = new.body.kind();
        if kind.is_diagnosis() && self.status() == Status::Closed {
            return Err(Error::Closed {
                id: self.id.clone(),
            });
        }
        match &new.body {
            Body::Test { targets } => {
                for label in targets {
                    self.expect_entry(*label, Kind::Hypothesis)?;
                }
            }
            Body::Result {
                test,
                rules_out,
                confirms,
            } => {
                self.expect_entry(*test, Kind::Test)?;
                if let Some(label) = rules_out.iter().find(|label| confirms.contains(label)) {
                    return Err(Error::RulesOutAndConfirms { label: *label });
                }
                for label in rules_out.iter().chain(confirms) {
                    self.expect_entry(*label, Kind::Hypothesis)?;
                }
            }
            _ => {}
        }
        let id = self.next_label(kind);
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

    pub fn close(&mut self, transition: Transition) -> Result<()> {
        if self.status() == Status::Closed {
            return Err(Error::AlreadyClosed {
                id: self.id.clone(),
            });
        }
        if let Some(label) = transition.root_cause {
            self.expect_entry(label, Kind::Hypothesis)?;
        }
        if let Some(resolution) = &transition.resolution
            && resolution.len() > MAX_TEXT_BYTES
        {
            return Err(Error::TextTooLong {
                len: resolution.len(),
                limit: MAX_TEXT_BYTES,
            });
        }
        self.lifecycle.push(Transition {
            change: Change::Closed,
            ..transition
        });
        Ok(())
    }

    pub fn reopen(&mut self, transition: Transition) -> Result<()> {
        if self.status() == Status::Open {
            return Err(Error::NotClosed {
                id: self.id.clone(),
            });
        }
        self.lifecycle.push(Transition {
            change: Change::Reopened,
            resolution: None,
            root_cause: None,
            ..transition
        });
        Ok(())
    }
}

/// Where a hypothesis stands and which result put it there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub status: HypothesisStatus,
    pub by_result: Label,
}

impl Verdict {
    fn new(status: HypothesisStatus, by_result: Label) -> Self {
        Verdict { status, by_result }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        format!("2026-11-21T02:{minute:02}:00Z").parse().unwrap()
    }

    fn incident() -> Incident {
        Incident::new(
            "2026-11-21-checkout".into(),
            "Checkout".into(),
            at(0),
            "ana".into(),
        )
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
            .verdicts()
            .get(&label(hypothesis))
            .map(|verdict| verdict.status)
    }

    fn label(text: &str) -> Label {
        text.parse().unwrap()
    }

    fn transition(change: Change) -> Transition {
        Transition {
            change,
            uuid: Uuid::nil(),
            at: at(30),
            recorded_at: at(30),
            by: "ana".into(),
            resolution: None,
            root_cause: None,
        }
    }

    #[test]
    fn labels_parse_case_insensitively_and_print_upper_case() {
        assert_eq!(label("h2"), Label::new(Kind::Hypothesis, 2));
        assert_eq!(label("H2").to_string(), "H2");
        assert_eq!(label(" t10 ").to_string(), "T10");
        for bad in [
            "",
            "H",
            "2",
            "H0",
            "X1",
            "H-1",
            "H1a",
            "HH1",
            "H 1",
            "H99999999999",
        ] {
            assert!(
                matches!(bad.parse::<Label>(), Err(Error::MalformedLabel { .. })),
                "{bad:?} parsed"
            );
        }
    }

    #[test]
    fn label_lists_split_on_commas_and_drop_repeats() {
        let labels = parse_labels(&["H1,h2", "H1", "H3,"]).unwrap();
        assert_eq!(labels, vec![label("H1"), label("H2"), label("H3")]);
    }

    #[test]
    fn labels_are_allocated_per_kind_in_sequence() {
        let mut incident = incident();
        assert_eq!(
            incident.record(new(Body::Symptom, "502s")).unwrap().id,
            label("S1")
        );
        assert_eq!(
            incident.record(new(Body::Hypothesis, "db")).unwrap().id,
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
        assert!(matches!(error, Error::NoSuchEntry { .. }));
        assert_eq!(incident.entries.len(), 1, "nothing recorded on error");
    }

    #[test]
    fn results_rule_out_and_confirm_and_the_latest_verdict_wins() {
        let mut incident = incident();
        incident.record(new(Body::Hypothesis, "db")).unwrap();
        incident.record(new(Body::Hypothesis, "deploy")).unwrap();
        let test = Body::Test {
            targets: vec![label("H1"), label("H2")],
        };
        incident.record(new(test, "check")).unwrap();
        assert_eq!(incident.awaiting_results().len(), 1);

        let rules_out = incident
            .test_targets_to_rule_out(label("T1"), &[label("H2")])
            .unwrap();
        assert_eq!(rules_out, vec![label("H1")]);
        let result = Body::Result {
            test: label("T1"),
            rules_out,
            confirms: vec![label("H2")],
        };
        incident.record(new(result, "db fine, deploy bad")).unwrap();
        assert_eq!(status(&incident, "H1"), Some(HypothesisStatus::RuledOut));
        assert_eq!(status(&incident, "H2"), Some(HypothesisStatus::Confirmed));
        assert!(incident.awaiting_results().is_empty());
        assert_eq!(incident.root_cause(), Some(label("H2")));

        let overturn = Body::Result {
            test: label("T1"),
            rules_out: vec![label("H2")],
            confirms: vec![],
        };
        incident
            .record(new(overturn, "it was not the deploy"))
            .unwrap();
        assert_eq!(status(&incident, "H2"), Some(HypothesisStatus::RuledOut));
        assert_eq!(incident.root_cause(), None);
    }

    #[test]
    fn a_result_cannot_rule_out_and_confirm_the_same_hypothesis() {
        let mut incident = incident();
        incident.record(new(Body::Hypothesis, "db")).unwrap();
        incident
            .record(new(Body::Test { targets: vec![] }, "check"))
            .unwrap();
        let result = Body::Result {
            test: label("T1"),
            rules_out: vec![label("H1")],
            confirms: vec![label("H1")],
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
        incident.record(new(Body::Hypothesis, "db")).unwrap();
        let mut closing = transition(Change::Closed);
        closing.resolution = Some("rolled back".into());
        closing.root_cause = Some(label("H1"));
        incident.close(closing).unwrap();
        assert_eq!(incident.status(), Status::Closed);
        assert_eq!(incident.resolution(), Some("rolled back"));
        assert_eq!(incident.root_cause(), Some(label("H1")));
        assert!(matches!(
            incident.record(new(Body::Symptom, "late")),
            Err(Error::Closed { .. })
        ));
        incident
            .record(new(Body::Note, "postmortem Monday"))
            .unwrap();
        incident
            .record(new(Body::Action { owner: None }, "add alert"))
            .unwrap();
        assert!(matches!(
            incident.close(transition(Change::Closed)),
            Err(Error::AlreadyClosed { .. })
        ));

        incident.reopen(transition(Change::Reopened)).unwrap();
        assert_eq!(incident.status(), Status::Open);
        assert_eq!(incident.closed_at(), None);
        assert_eq!(incident.resolution(), None);
        incident.record(new(Body::Symptom, "back again")).unwrap();
    }

    #[test]
    fn the_document_round_trips_through_json() {
        let mut incident = incident();
        incident.record(new(Body::Hypothesis, "db")).unwrap();
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
