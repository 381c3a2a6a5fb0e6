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
        // `pad` so that `{:<4}` lines labels up in columns.
        f.pad(&format!("{}{}", self.kind.prefix(), self.number))
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Body {
    Symptom,
    Hypothesis,
    Test {
        /// The hypotheses this test is designed to rule out.
        #[serde(rename = "for")]
        targets: Vec<Label>,
    },
    Result {
        test: Label,
        rules_out: Vec<Label>,
        confirms: Vec<Label>,
    },
    Note,
    Action {
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
#[serde(try_from = "StoredEntry")]
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

/// An entry as stored: every field any kind may have. Unknown fields, or fields that do
/// not belong to the entry's kind, make the document unreadable rather than being
/// dropped on the next save.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredEntry {
    id: Label,
    kind: StoredKind,
    #[serde(rename = "for")]
    targets: Option<Vec<Label>>,
    test: Option<Label>,
    rules_out: Option<Vec<Label>>,
    confirms: Option<Vec<Label>>,
    #[serde(default)]
    owner: Option<Option<String>>,
    uuid: Uuid,
    at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
    by: String,
    text: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum StoredKind {
    Symptom,
    Hypothesis,
    Test,
    Result,
    Note,
    Action,
}

impl TryFrom<StoredEntry> for Entry {
    type Error = String;

    fn try_from(stored: StoredEntry) -> std::result::Result<Entry, String> {
        let StoredEntry {
            id,
            kind,
            mut targets,
            mut test,
            mut rules_out,
            mut confirms,
            mut owner,
            uuid,
            at,
            recorded_at,
            by,
            text,
        } = stored;
        let body = match kind {
            StoredKind::Symptom => Body::Symptom,
            StoredKind::Hypothesis => Body::Hypothesis,
            StoredKind::Test => Body::Test {
                targets: targets.take().unwrap_or_default(),
            },
            StoredKind::Result => Body::Result {
                test: test
                    .take()
                    .ok_or_else(|| format!("result {id} names no test"))?,
                rules_out: rules_out.take().unwrap_or_default(),
                confirms: confirms.take().unwrap_or_default(),
            },
            StoredKind::Note => Body::Note,
            StoredKind::Action => Body::Action {
                owner: owner.take().flatten(),
            },
        };
        let stray = [
            ("for", targets.is_some()),
            ("test", test.is_some()),
            ("rules_out", rules_out.is_some()),
            ("confirms", confirms.is_some()),
            ("owner", owner.is_some()),
        ];
        if let Some((field, _)) = stray.iter().find(|(_, present)| *present) {
            return Err(format!(
                "entry {id} is a {} but has the field `{field}`",
                body.kind().name()
            ));
        }
        Ok(Entry {
            id,
            body,
            uuid,
            at,
            recorded_at,
            by,
            text,
        })
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
#[serde(deny_unknown_fields)]
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
    pub fn new(id: String, title: String, opened: Stamp) -> Self {
        Incident {
            schema: SCHEMA,
            id,
            uuid: opened.uuid,
            title,
            opened_at: opened.at,
            opened_by: opened.by,
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
        for transition in &self.lifecycle {
            if let Some(label) = &transition.root_cause
                && seen.get(label) != Some(&Kind::Hypothesis)
            {
                return Err(format!("the root cause {label} is not a hypothesis"));
            }
        }
        Ok(())
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

    pub fn resolution(&self) -> Option<&str> {
        self.closing()?.resolution.as_deref()
    }

    /// The hypothesis named at close, or else the first confirmed one still standing.
    pub fn root_cause(&self) -> Option<Label> {
        self.root_cause_with(&self.diagnosis())
    }

    pub fn root_cause_with(&self, diagnosis: &Diagnosis) -> Option<Label> {
        if let Some(label) = self.closing().and_then(|closing| closing.root_cause) {
            return Some(label);
        }
        self.entries_of(Kind::Hypothesis)
            .map(|entry| entry.id)
            .find(|label| diagnosis.status(*label) == HypothesisStatus::Confirmed)
    }

    pub fn entry(&self, label: Label) -> Option<&Entry> {
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

    fn next_label(&self, kind: Kind) -> Result<Label> {
        let highest = self
            .entries_of(kind)
            .map(|entry| entry.id.number)
            .max()
            .unwrap_or(0);
        let number = highest
            .checked_add(1)
            .ok_or(Error::LabelsExhausted { kind })?;
        Ok(Label::new(kind, number))
    }

    /// What the results say so far, worked out in one pass over the log.
    pub fn diagnosis(&self) -> Diagnosis {
        let mut diagnosis = Diagnosis::default();
        for entry in &self.entries {
            let Body::Result {
                test,
                rules_out,
                confirms,
            } = &entry.body
            else {
                continue;
            };
            diagnosis
                .results_by_test
                .entry(*test)
                .or_default()
                .push(entry.id);
            for (labels, status) in [
                (rules_out, HypothesisStatus::RuledOut),
                (confirms, HypothesisStatus::Confirmed),
            ] {
                for hypothesis in labels {
                    // Later results override earlier ones: new evidence wins.
                    diagnosis
                        .verdicts
                        .insert(*hypothesis, Verdict::new(status, entry.id));
                    diagnosis
                        .evidence
                        .entry(*hypothesis)
                        .or_default()
                        .push(entry.id);
                }
            }
        }
        diagnosis
    }

    /// Tests with no result yet.
    pub fn awaiting_results(&self) -> Vec<&Entry> {
        let diagnosis = self.diagnosis();
        self.entries_of(Kind::Test)
            .filter(|test| diagnosis.awaits_result(test.id))
            .collect()
    }

    /// Fails if the incident no longer takes entries of this kind: once closed, the
    /// diagnosis is over, but notes and follow-up actions keep coming.
    pub fn accepts(&self, kind: Kind) -> Result<()> {
        if kind.is_diagnosis() && self.status() == Status::Closed {
            return Err(Error::Closed {
                id: self.id.clone(),
            });
        }
        Ok(())
    }

    /// What `--rules-out` with no labels means: every hypothesis the test targets, except
    /// those this same result confirms.
    pub fn test_targets_to_rule_out(&self, test: Label, confirms: &[Label]) -> Result<Vec<Label>> {
        self.accepts(Kind::Result)?;
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
        check_text(&new.text)?;
        let kind = new.body.kind();
        self.accepts(kind)?;
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

    /// Closes the incident. A root cause must be a hypothesis the evidence has not ruled
    /// out, and the close cannot come before the incident was opened (or last reopened).
    pub fn close(
        &mut self,
        stamp: Stamp,
        resolution: Option<String>,
        root_cause: Option<Label>,
    ) -> Result<()> {
        if self.status() == Status::Closed {
            return Err(Error::AlreadyClosed {
                id: self.id.clone(),
            });
        }
        if let Some(resolution) = &resolution {
            check_text(resolution)?;
        }
        let since = self
            .lifecycle
            .last()
            .map_or(self.opened_at, |reopened| reopened.at);
        if stamp.at < since {
            return Err(Error::CloseBeforeOpen {
                at: stamp.at,
                since,
            });
        }
        if let Some(label) = root_cause {
            self.expect_entry(label, Kind::Hypothesis)?;
            if let Some(verdict) = self.diagnosis().verdict(label)
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

/// Each hypothesis's verdict and evidence, and each test's results, from one pass over
/// the log. Derived, never stored.
#[derive(Default)]
pub struct Diagnosis {
    verdicts: HashMap<Label, Verdict>,
    results_by_test: HashMap<Label, Vec<Label>>,
    evidence: HashMap<Label, Vec<Label>>,
}

impl Diagnosis {
    pub fn verdict(&self, hypothesis: Label) -> Option<Verdict> {
        self.verdicts.get(&hypothesis).copied()
    }

    pub fn status(&self, hypothesis: Label) -> HypothesisStatus {
        self.verdict(hypothesis)
            .map_or(HypothesisStatus::Open, |verdict| verdict.status)
    }

    /// The results recorded against a test, in recording order.
    pub fn results(&self, test: Label) -> &[Label] {
        self.results_by_test.get(&test).map_or(&[], Vec::as_slice)
    }

    pub fn awaits_result(&self, test: Label) -> bool {
        self.results(test).is_empty()
    }

    /// The results that ruled a hypothesis out or confirmed it, in recording order.
    pub fn evidence(&self, hypothesis: Label) -> &[Label] {
        self.evidence.get(&hypothesis).map_or(&[], Vec::as_slice)
    }
}

/// `H1, H2`: labels as people read them.
pub fn join_labels(labels: &[Label]) -> String {
    labels
        .iter()
        .map(Label::to_string)
        .collect::<Vec<_>>()
        .join(", ")
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
            .diagnosis()
            .verdict(label(hypothesis))
            .map(|verdict| verdict.status)
    }

    fn label(text: &str) -> Label {
        text.parse().unwrap()
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
        incident
            .close(stamp(30), Some("rolled back".into()), Some(label("H1")))
            .unwrap();
        assert_eq!(incident.status(), Status::Closed);
        assert_eq!(incident.closed_at(), Some(at(30)));
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
            incident.close(stamp(31), None, None),
            Err(Error::AlreadyClosed { .. })
        ));

        incident.reopen(stamp(40)).unwrap();
        assert_eq!(incident.status(), Status::Open);
        assert_eq!(incident.closed_at(), None);
        assert_eq!(incident.resolution(), None);
        incident.record(new(Body::Symptom, "back again")).unwrap();
        assert!(matches!(
            incident.close(stamp(35), None, None),
            Err(Error::CloseBeforeOpen { .. })
        ));
    }

    #[test]
    fn a_ruled_out_hypothesis_cannot_be_the_root_cause() {
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
        let result = Body::Result {
            test: label("T1"),
            rules_out: vec![label("H1")],
            confirms: vec![],
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
    fn labels_never_overflow() {
        let mut incident = incident();
        incident.record(new(Body::Note, "first")).unwrap();
        incident.entries[0].id = Label::new(Kind::Note, u32::MAX);
        assert!(matches!(
            incident.record(new(Body::Note, "one too many")),
            Err(Error::LabelsExhausted { .. })
        ));
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
