//! Everything derived from the log, worked out in one pass and never stored: where each
//! hypothesis stands, which tests await results, the current text of corrected entries,
//! what was retracted, the root cause, the metrics, and the warnings that keep the method
//! on track; `decisions.rs` adds what the decisions derive.
//!
//! Every view reads facts from here, never from an entry's stored fields: a retracted
//! entry counts nowhere, and an amended one counts with its current text and time.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Timelike, Utc};

use serde::Serialize;

use super::entry::{Amendment, Body, CauseKind, Entry, Stage, Went};
use super::incident::{Incident, Status, Transition};
use super::label::{Kind, Label, LabelMap};
use super::severity::Severity;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HypothesisStatus {
    Open,
    RuledOut,
    Confirmed,
}

/// Where a hypothesis stands and which result put it there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub status: HypothesisStatus,
    pub by_result: Label,
}

/// A nudge back to the method, with a stable code for scripts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: &'static str,
    pub labels: Vec<Label>,
    pub message: String,
}

pub struct State<'a> {
    incident: &'a Incident,
    index: LabelMap<usize>,
    verdicts: LabelMap<Verdict>,
    results_by_test: LabelMap<Vec<Label>>,
    evidence: LabelMap<Vec<Label>>,
    amendments: LabelMap<Vec<Label>>,
    retractions: LabelMap<Label>,
    /// Each action item done, and the first `done` that still counts and marked it.
    done: LabelMap<Label>,
    /// The decisions, worked out the first time a view asks (`decisions.rs`).
    pub(super) decisions: std::sync::OnceLock<super::decisions::Decisions>,
    /// The severities that came in with incidents merged in, set at their opening.
    merged_openings: HashSet<uuid::Uuid>,
    /// The severity this incident was opened at, worked out the first time a view asks
    /// (`events.rs`).
    pub(super) opening_severity: std::sync::OnceLock<Option<uuid::Uuid>>,
}

impl<'a> State<'a> {
    pub fn of(incident: &'a Incident) -> State<'a> {
        let mut state = State {
            incident,
            index: LabelMap::with_capacity_and_hasher(incident.entries.len(), Default::default()),
            verdicts: LabelMap::default(),
            results_by_test: LabelMap::default(),
            evidence: LabelMap::default(),
            amendments: LabelMap::default(),
            retractions: LabelMap::default(),
            done: LabelMap::default(),
            decisions: std::sync::OnceLock::new(),
            merged_openings: incident.merged_openings(),
            opening_severity: std::sync::OnceLock::new(),
        };
        // Corrections first: a retraction recorded later still takes back a result.
        for (position, entry) in incident.entries.iter().enumerate() {
            state.index.insert(entry.id, position);
            if let Body::Amend { target, .. } = &entry.body {
                state.amendments.entry(*target).or_default().push(entry.id);
            }
        }
        // A retraction can itself be taken back (an undo after a wrong retraction): the
        // latest word wins. Later entries are read first, so by the time a retraction is
        // read, whatever could take it back has been.
        for entry in incident.entries.iter().rev() {
            if let Body::Retract { target, .. } = entry.body
                && !state.retractions.contains_key(&entry.id)
            {
                state.retractions.insert(target, entry.id);
            }
        }
        for entry in &incident.entries {
            if let Body::Done { actions } = &entry.body
                && !state.retractions.contains_key(&entry.id)
            {
                for action in actions {
                    state.done.entry(*action).or_insert(entry.id);
                }
            }
        }
        // Results in order of when they happened (ties in recording order), so that the
        // latest evidence decides even when an earlier result is recorded late.
        let mut results: Vec<&Entry> = incident
            .entries
            .iter()
            .filter(|entry| entry.kind() == Kind::Result)
            .filter(|entry| !state.retractions.contains_key(&entry.id))
            .collect();
        results.sort_by_key(|entry| state.at(entry));
        for entry in results {
            let Body::Result {
                test,
                rules_out,
                confirms,
                ..
            } = &entry.body
            else {
                continue;
            };
            state
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
                    let verdict = Verdict {
                        status,
                        by_result: entry.id,
                    };
                    state.verdicts.insert(*hypothesis, verdict);
                    state
                        .evidence
                        .entry(*hypothesis)
                        .or_default()
                        .push(entry.id);
                }
            }
        }
        state
    }

    /// The incident this was derived from.
    pub fn incident(&self) -> &'a Incident {
        self.incident
    }

    pub fn entry(&self, label: Label) -> Option<&'a Entry> {
        self.index
            .get(&label)
            .map(|position| &self.incident.entries[*position])
    }

    /// Where the entry stands in recording order.
    pub(super) fn position(&self, label: Label) -> Option<usize> {
        self.index.get(&label).copied()
    }

    /// Entries of a kind that have not been retracted, in recording order.
    pub fn live(&self, kind: Kind) -> impl Iterator<Item = &'a Entry> + '_ {
        self.incident
            .entries_of(kind)
            .filter(|entry| !self.is_retracted(entry.id))
    }

    /// The latest correction of `entry` that still counts and sets what `pick` reads.
    fn corrected<T>(&self, entry: &Entry, pick: impl Fn(&'a Entry) -> Option<T>) -> Option<T> {
        self.amendments
            .get(&entry.id)?
            .iter()
            .rev()
            .filter(|amendment| !self.is_retracted(**amendment))
            .filter_map(|amendment| self.entry(*amendment))
            .find_map(pick)
    }

    /// The entry's text as it reads now: its latest amendment with text, or what was
    /// first typed.
    pub fn text(&self, entry: &'a Entry) -> &'a str {
        self.corrected(entry, |amendment| {
            Some(amendment.text.as_str()).filter(|text| !text.is_empty())
        })
        .unwrap_or(&entry.text)
    }

    /// What the latest correction of `entry` that sets it says, through `pick`.
    pub(super) fn changed<T>(
        &self,
        entry: &Entry,
        pick: impl Fn(&'a Amendment) -> Option<T>,
    ) -> Option<T> {
        self.corrected(entry, |amendment| match &amendment.body {
            Body::Amend { change, .. } => pick(change),
            _ => None,
        })
    }

    /// When the entry happened, as last corrected.
    pub fn at(&self, entry: &Entry) -> DateTime<Utc> {
        self.changed(entry, |change| change.time)
            .unwrap_or(entry.at)
    }

    /// An action's owner, as last corrected.
    pub fn owner(&self, entry: &'a Entry) -> Option<&'a str> {
        match &entry.body {
            Body::Action { owner, .. } => self
                .changed(entry, |change| change.owner.as_deref())
                .or(owner.as_deref()),
            _ => None,
        }
    }

    /// An action's due date, as last corrected.
    pub fn due(&self, entry: &'a Entry) -> Option<NaiveDate> {
        match &entry.body {
            Body::Action { due, .. } => self.changed(entry, |change| change.due).or(*due),
            _ => None,
        }
    }

    /// An action's ticket, as last corrected.
    pub fn link(&self, entry: &'a Entry) -> Option<&'a str> {
        match &entry.body {
            Body::Action { link, .. } => self
                .changed(entry, |change| change.link.as_deref())
                .or(link.as_deref()),
            _ => None,
        }
    }

    /// An option's consequence, as last corrected.
    pub fn consequence(&self, entry: &'a Entry) -> Option<&'a str> {
        match &entry.body {
            Body::Option { consequence, .. } => self
                .changed(entry, |change| change.consequence.as_deref())
                .or(consequence.as_deref()),
            _ => None,
        }
    }

    /// The situation an option belongs to, as last corrected.
    pub fn situation_of(&self, entry: &'a Entry) -> Option<Label> {
        match &entry.body {
            Body::Option { situation, .. } => self
                .changed(entry, |change| change.situation)
                .or(*situation),
            _ => None,
        }
    }

    /// An impact's window, each end as last corrected.
    pub fn window(&self, entry: &'a Entry) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        match &entry.body {
            Body::Impact { from, to } => (
                self.changed(entry, |change| change.from).or(*from),
                self.changed(entry, |change| change.to).or(*to),
            ),
            _ => (None, None),
        }
    }

    /// A cause's kind, as last corrected.
    pub fn cause_kind(&self, entry: &'a Entry) -> Option<CauseKind> {
        match &entry.body {
            Body::Cause { cause, .. } => {
                Some(self.changed(entry, |change| change.cause).unwrap_or(*cause))
            }
            _ => None,
        }
    }

    /// How a lesson's part went, as last corrected.
    pub fn went(&self, entry: &'a Entry) -> Option<Went> {
        match &entry.body {
            Body::Lesson { went } => {
                Some(self.changed(entry, |change| change.went).unwrap_or(*went))
            }
            _ => None,
        }
    }

    /// The symptoms a hypothesis explains, as last corrected.
    pub fn explains(&self, entry: &'a Entry) -> &'a [Label] {
        match &entry.body {
            Body::Hypothesis { explains } => self
                .changed(entry, |change| change.explains.as_deref())
                .unwrap_or(explains),
            _ => &[],
        }
    }

    /// Whether the entry is a key event (`--key`), as last corrected (`--no-key`).
    pub fn is_key(&self, entry: &'a Entry) -> bool {
        self.changed(entry, |change| change.key)
            .unwrap_or(entry.key)
    }

    /// Whether a correction that still counts changed the entry.
    pub fn is_amended(&self, label: Label) -> bool {
        self.amendments(label)
            .iter()
            .any(|amendment| !self.is_retracted(*amendment))
    }

    /// The incident's title as last corrected with `retitle`; not by the retitles that
    /// came with another incident merged in, which named that one.
    pub fn title(&self) -> &'a str {
        self.title_from(&self.incident.entries)
    }

    /// The title as it stood just before `retitle` was recorded: what it corrected.
    pub fn title_before(&self, retitle: &Entry) -> &'a str {
        let entries = &self.incident.entries;
        let before = entries
            .iter()
            .position(|entry| entry.uuid == retitle.uuid)
            .unwrap_or(entries.len());
        self.title_from(&entries[..before])
    }

    /// The title the latest retitle among `entries` that still counts gave, else the one
    /// the incident was opened with.
    fn title_from(&self, entries: &'a [Entry]) -> &'a str {
        let merged = self.incident.merged_retitles();
        entries
            .iter()
            .rev()
            .filter(|entry| entry.kind() == Kind::Retitle && !self.is_retracted(entry.id))
            .filter(|entry| !merged.contains(&entry.uuid))
            .map(|entry| entry.text.as_str())
            .next()
            .unwrap_or(&self.incident.title)
    }

    /// The entry that marked an action item done, if one that still counts did.
    pub fn done_by(&self, action: Label) -> Option<&'a Entry> {
        self.done.get(&action).and_then(|done| self.entry(*done))
    }

    pub fn amendments(&self, label: Label) -> &[Label] {
        self.amendments.get(&label).map_or(&[], Vec::as_slice)
    }

    /// The retraction that took this entry back, if one did.
    pub fn retraction(&self, label: Label) -> Option<&'a Entry> {
        self.retractions
            .get(&label)
            .and_then(|retraction| self.entry(*retraction))
    }

    pub fn is_retracted(&self, label: Label) -> bool {
        self.retractions.contains_key(&label)
    }

    pub fn verdict(&self, hypothesis: Label) -> Option<Verdict> {
        self.verdicts.get(&hypothesis).copied()
    }

    pub fn status(&self, hypothesis: Label) -> HypothesisStatus {
        self.verdict(hypothesis)
            .map_or(HypothesisStatus::Open, |verdict| verdict.status)
    }

    /// Not ruled out, not retracted: still a candidate, or the confirmed cause.
    pub fn is_standing(&self, hypothesis: Label) -> bool {
        !self.is_retracted(hypothesis) && self.status(hypothesis) != HypothesisStatus::RuledOut
    }

    /// The results recorded against a test and not retracted, in recording order.
    pub fn results(&self, test: Label) -> &[Label] {
        self.results_by_test.get(&test).map_or(&[], Vec::as_slice)
    }

    /// The results that ruled a hypothesis out or confirmed it, in recording order.
    pub fn evidence(&self, hypothesis: Label) -> &[Label] {
        self.evidence.get(&hypothesis).map_or(&[], Vec::as_slice)
    }

    /// Tests still running: no result yet, not retracted, and the incident not closed.
    /// A test left without a result when the incident closed runs no more: it was never
    /// answered, and no view (board, handover, draft, report, JSON) calls it in progress.
    pub fn awaiting_results(&self) -> Vec<&'a Entry> {
        self.live(Kind::Test)
            .filter(|test| self.is_awaiting(test.id))
            .collect()
    }

    /// Whether the test is still running: `awaiting_results` for one test.
    pub fn is_awaiting(&self, test: Label) -> bool {
        self.incident.status() != Status::Closed
            && !self.is_retracted(test)
            && self.results(test).is_empty()
    }

    /// The root cause as recorded: the first root cause recorded that still counts (its
    /// hypothesis, if it names one), else, in a document written before causes were
    /// entries, the hypothesis named at the close, while it still stands. A confirmed
    /// hypothesis is only confirmed, never the root cause, until one is recorded: with two
    /// confirmed, choosing one is the responders' call, not the tool's.
    ///
    /// The one rule for whether an incident has a root cause: the board, the reports,
    /// statistics and "seen before" all ask here.
    pub fn root_cause(&self) -> Option<Label> {
        self.root_cause_entry()
            .map(|cause| match cause.body {
                Body::Cause {
                    hypothesis: Some(hypothesis),
                    ..
                } => hypothesis,
                _ => cause.id,
            })
            .or_else(|| {
                self.named_at_close()
                    .and_then(|close| close.root_cause)
                    .filter(|label| self.is_standing(*label))
            })
    }

    /// Whether a root cause is recorded (`root_cause`).
    pub fn has_root_cause(&self) -> bool {
        self.root_cause().is_some()
    }

    /// The close that named a root cause, in a document written before causes were
    /// entries: the latest close that named one, while the incident is closed.
    fn named_at_close(&self) -> Option<&'a Transition> {
        if self.incident.status() != Status::Closed {
            return None;
        }
        self.incident
            .lifecycle
            .iter()
            .rev()
            .find(|transition| transition.root_cause.is_some())
    }

    /// The first root cause recorded (as a root cause, or named at the close) that still
    /// counts, and whose hypothesis, if it names one, still stands.
    ///
    /// With several, the one known first: a root cause established by a hypothesis is
    /// known from the result that confirmed it, one written down later (in the
    /// postmortem) from when it was recorded. So a cause typed the next day never pushes
    /// `time_to_root_cause` past the moment the evidence settled it.
    pub fn root_cause_entry(&self) -> Option<&'a Entry> {
        self.causes(CauseKind::Root)
            .into_iter()
            .filter(|cause| match cause.body {
                Body::Cause {
                    hypothesis: Some(hypothesis),
                    ..
                } => self.is_standing(hypothesis),
                _ => true,
            })
            .min_by_key(|cause| self.cause_known_at(cause))
    }

    /// When a cause became known: its hypothesis's confirming result, else its own time.
    fn cause_known_at(&self, cause: &Entry) -> DateTime<Utc> {
        match cause.body {
            Body::Cause {
                hypothesis: Some(hypothesis),
                ..
            } => self
                .confirmed_by(hypothesis)
                .map_or_else(|| self.at(cause), |result| self.at(result)),
            _ => self.at(cause),
        }
    }

    /// Hypotheses not retracted whose evidence confirms them, in recording order.
    pub fn confirmed(&self) -> Vec<&'a Entry> {
        self.live(Kind::Hypothesis)
            .filter(|hypothesis| self.status(hypothesis.id) == HypothesisStatus::Confirmed)
            .collect()
    }

    /// The result that established a confirmed hypothesis's standing confirmation: the
    /// earliest confirming result since the last one that ruled it out. Later results that
    /// confirm it again add evidence, but it was known from this one.
    pub fn confirmed_by(&self, hypothesis: Label) -> Option<&'a Entry> {
        let mut since = None;
        for result in self.evidence(hypothesis) {
            let Some(entry) = self.entry(*result) else {
                continue;
            };
            match &entry.body {
                Body::Result { confirms, .. } if confirms.contains(&hypothesis) => {
                    since = since.or(Some(entry));
                }
                _ => since = None,
            }
        }
        since
    }

    /// The earliest entry of a kind still counting, by current time (ties: the first
    /// recorded).
    pub fn first(&self, kind: Kind) -> Option<&'a Entry> {
        self.live(kind).min_by_key(|entry| self.at(entry))
    }

    /// The latest entry of a kind, by current time (ties: the last recorded).
    pub(super) fn latest(&self, kind: Kind) -> Option<&'a Entry> {
        self.live(kind).max_by_key(|entry| self.at(entry))
    }

    /// Whether the entry came in with an incident merged in and says only how severe that
    /// incident was at its opening: no change of this incident's severity.
    pub fn is_merged_opening(&self, entry: &Entry) -> bool {
        self.merged_openings.contains(&entry.uuid)
    }

    /// The changes of severity that still count, in order of time (ties: recording order):
    /// every severity set, but those that only say how severe an incident merged in was
    /// at its opening.
    pub fn severity_changes(&self) -> Vec<&'a Entry> {
        let mut changes: Vec<&Entry> = self
            .live(Kind::Severity)
            .filter(|entry| !self.is_merged_opening(entry))
            .collect();
        changes.sort_by_key(|entry| self.at(entry));
        changes
    }

    /// The current severity: the latest change, else, when none was ever set here, the
    /// severity an incident merged in was opened at.
    pub fn severity(&self) -> Option<Severity> {
        self.severity_changes()
            .last()
            .copied()
            .or_else(|| {
                self.live(Kind::Severity)
                    .filter(|entry| self.is_merged_opening(entry))
                    .max_by_key(|entry| self.at(entry))
            })
            .and_then(|entry| match entry.body {
                Body::Severity { severity } => Some(severity),
                _ => None,
            })
    }

    /// The most severe (lowest) severity ever set and not retracted: what a postmortem
    /// reports, since an incident is as severe as it got, not as it ended. An incident
    /// merged in was the same outage: the severity it was opened at counts too.
    pub fn peak_severity(&self) -> Option<Severity> {
        self.live(Kind::Severity)
            .filter_map(|entry| match entry.body {
                Body::Severity { severity } => Some(severity),
                _ => None,
            })
            .min()
    }

    /// The current stage: `resolved` once closed, else the latest one set, else
    /// `investigating`.
    pub fn stage(&self) -> Stage {
        if self.incident.status() == Status::Closed {
            return Stage::Resolved;
        }
        self.latest(Kind::Stage)
            .and_then(|entry| match entry.body {
                Body::Stage { stage } => Some(stage),
                _ => None,
            })
            .unwrap_or(Stage::Investigating)
    }

    /// Who holds each role now.
    pub fn roles(&self) -> BTreeMap<&'a str, &'a str> {
        let mut roles = BTreeMap::new();
        for entry in self.role_changes() {
            if let Body::Role { role, holder } = &entry.body {
                roles.insert(role.as_str(), holder.as_str());
            }
        }
        roles
    }

    /// Every role assignment, in order of current time (ties: recording order).
    pub fn role_changes(&self) -> Vec<&'a Entry> {
        let mut changes: Vec<&Entry> = self.live(Kind::Role).collect();
        changes.sort_by_key(|entry| self.at(entry));
        changes
    }

    /// The recorded root cause when it became known only after the close: written down in
    /// the postmortem, with no result that established it before. Its time is the
    /// write-up's, not the response's, so `time_to_root_cause` has no value until `amend
    /// --time` (or `--at` when recording it) says when it was found.
    pub fn root_cause_known_after_close(&self) -> Option<&'a Entry> {
        let closed = self.incident.closed_at()?;
        let cause = self.root_cause_entry()?;
        (self.cause_known_at(cause) > closed).then_some(cause)
    }

    /// When the recorded root cause became known: its confirming result, else when it was
    /// recorded (or the close that named it).
    pub(super) fn root_cause_known_at(&self) -> Option<DateTime<Utc>> {
        if let Some(entry) = self.root_cause_entry() {
            return Some(self.cause_known_at(entry));
        }
        let cause = self.root_cause()?;
        if let Some(result) = self.confirmed_by(cause) {
            return Some(self.at(result));
        }
        self.named_at_close().map(|close| close.at)
    }

    /// Standing hypotheses, in recording order.
    pub fn standing(&self) -> Vec<&'a Entry> {
        self.live(Kind::Hypothesis)
            .filter(|hypothesis| self.is_standing(hypothesis.id))
            .collect()
    }

    /// What the board warns about while the incident is open, at `now`.
    pub fn warnings(&self, now: DateTime<Utc>) -> Vec<Warning> {
        if self.incident.status() == Status::Closed {
            return Vec::new();
        }
        let mut warnings = Vec::new();
        let mut warn = |code, labels, message: &str| {
            warnings.push(Warning {
                code,
                labels,
                message: message.to_string(),
            });
        };
        let hypotheses: Vec<Label> = self.live(Kind::Hypothesis).map(|entry| entry.id).collect();
        let open: Vec<Label> = hypotheses
            .iter()
            .copied()
            .filter(|label| self.status(*label) == HypothesisStatus::Open)
            .collect();
        if hypotheses.is_empty() {
            warn(
                "no-hypotheses",
                Vec::new(),
                "no hypotheses yet: list every plausible explanation, however unlikely",
            );
        } else if hypotheses
            .iter()
            .all(|label| self.status(*label) == HypothesisStatus::RuledOut)
        {
            warn(
                "all-ruled-out",
                hypotheses.clone(),
                "every hypothesis is ruled out: go back and generate more",
            );
        }
        if !open.is_empty() && self.awaiting_results().is_empty() {
            warn(
                "no-test-in-progress",
                open.clone(),
                "hypotheses stand but no test is running: design one to rule them out",
            );
        }
        let targeted: HashSet<Label> = self
            .live(Kind::Test)
            .flat_map(|test| match &test.body {
                Body::Test { targets } => targets.clone(),
                _ => Vec::new(),
            })
            .collect();
        let untested: Vec<Label> = open
            .iter()
            .copied()
            .filter(|label| !targeted.contains(label))
            .collect();
        if !untested.is_empty() {
            warn(
                "untested-hypothesis",
                untested,
                "no test targets these hypotheses yet",
            );
        }
        let explains_in_use = self
            .live(Kind::Hypothesis)
            .any(|entry| !self.explains(entry).is_empty());
        if explains_in_use {
            let explained: HashSet<Label> = self
                .live(Kind::Hypothesis)
                .filter(|entry| self.is_standing(entry.id))
                .flat_map(|entry| self.explains(entry).iter().copied())
                .collect();
            let unexplained: Vec<Label> = self
                .live(Kind::Symptom)
                .map(|entry| entry.id)
                .filter(|label| !explained.contains(label))
                .collect();
            if !unexplained.is_empty() {
                warn(
                    "unexplained-symptom",
                    unexplained,
                    "no standing hypothesis explains these symptoms",
                );
            }
        }
        if let Some(due) = self.update_overdue(now) {
            let format = if due.second() == 0 {
                "%Y-%m-%d %H:%M UTC"
            } else {
                "%Y-%m-%d %H:%M:%S UTC"
            };
            warn(
                "update-overdue",
                Vec::new(),
                &format!(
                    "a stakeholder update is overdue: it was due {}",
                    due.format(format)
                ),
            );
        }
        warnings
    }
}

impl Incident {
    /// Everything derived from the log.
    pub fn state(&self) -> State<'_> {
        State::of(self)
    }

    /// What an undo takes back for `by`: the last entry they recorded (in recording order,
    /// whatever its `at`) that still counts, neither retracted nor itself an undo's
    /// retraction. What an earlier undo did is passed over, so each undo reaches further
    /// back; a retraction made by hand is an entry like any other, and undoing it brings
    /// back what it took.
    pub fn latest_undoable(&self, by: &str) -> Option<&Entry> {
        let state = self.state();
        self.entries.iter().rev().find(|entry| {
            entry.by == by
                && !matches!(entry.body, Body::Retract { undo: true, .. })
                && !state.is_retracted(entry.id)
        })
    }

    /// Every entry in order of when it happened, as last corrected; ties in recording
    /// order.
    pub fn in_time_order<'a>(&'a self, state: &State<'a>) -> Vec<&'a Entry> {
        let mut entries: Vec<&Entry> = self.entries.iter().collect();
        entries.sort_by_key(|entry| state.at(entry));
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::*;
    use crate::model::{Facts, Measure};

    fn root_cause_recorded(incident: &Incident) -> (Option<Label>, bool, bool) {
        let state = incident.state();
        (
            state.root_cause(),
            state.has_root_cause(),
            Facts::of(&state).root_cause_recorded,
        )
    }

    #[test]
    fn one_rule_says_whether_there_is_a_root_cause() {
        let mut incident = incident();
        incident
            .record(new(hypothesis(), "pool exhausted"))
            .unwrap();
        let cause = Body::Cause {
            cause: CauseKind::Root,
            hypothesis: Some(label("H1")),
        };
        incident.record(new(cause, "pool exhausted")).unwrap();
        assert_eq!(
            root_cause_recorded(&incident),
            (Some(label("H1")), true, true)
        );

        // Evidence that rules the hypothesis out takes the root cause with it, for the
        // board and for statistics alike.
        let test = Body::Test {
            targets: vec![label("H1")],
        };
        incident.record(new(test, "watch the pool")).unwrap();
        let result = Body::Result {
            test: label("T1"),
            rules_out: vec![label("H1")],
            confirms: vec![],
            run: None,
        };
        incident.record(new(result, "pool fine")).unwrap();
        assert_eq!(root_cause_recorded(&incident), (None, false, false));
    }

    #[test]
    fn a_root_cause_named_only_at_the_close_counts_while_closed() {
        // A document written before causes were entries.
        let mut incident = incident();
        incident
            .record(new(hypothesis(), "pool exhausted"))
            .unwrap();
        incident.close(stamp(30), None, None).unwrap();
        incident.lifecycle[0].root_cause = Some(label("H1"));
        assert_eq!(
            root_cause_recorded(&incident),
            (Some(label("H1")), true, true)
        );
        let metrics = incident.state().metrics();
        assert_eq!(metrics.seconds()[Measure::RootCause], Some(30 * 60));
        incident.reopen(stamp(40)).unwrap();
        assert_eq!(root_cause_recorded(&incident), (None, false, false));
    }
}
