//! The JSON report: the stored document with every derived field filled in.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use incident_core::model::{
    Body, CauseKind, Choice, Entry, HypothesisStatus, Incident, Label, Mark, Metrics, Severity,
    Stage, State, Status, Transition, Warning, Went,
};
use incident_core::sanitize;
use incident_core::search::SeenBefore;

#[derive(Serialize)]
pub struct IncidentView<'a> {
    pub schema: u32,
    pub id: &'a str,
    pub title: &'a str,
    /// The title as last corrected with `retitle`.
    pub current_title: &'a str,
    pub status: Status,
    /// The current severity.
    pub severity: Option<Severity>,
    /// The most severe (lowest) severity set and not retracted.
    pub peak_severity: Option<Severity>,
    pub stage: Stage,
    pub roles: BTreeMap<&'a str, &'a str>,
    pub opened_at: DateTime<Utc>,
    pub opened_by: &'a str,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<&'a str>,
    pub resolution: Option<&'a str>,
    /// What opens the report's Summary: the summary written (`incident summary`), else
    /// the one told from the facts.
    pub summary: String,
    pub root_cause: Option<Label>,
    /// The earliest impact's `--from`, else the earliest symptom.
    pub impact_started_at: Option<DateTime<Utc>>,
    /// The latest impact's `--to`.
    pub impact_ended_at: Option<DateTime<Utc>>,
    pub metrics: Metrics,
    /// Seconds between stakeholder updates in force (null: none due).
    pub update_cadence: Option<u64>,
    /// When the latest update that still counts was sent.
    pub last_update_at: Option<DateTime<Utc>>,
    /// When the next update is due (null when none is: closed, or no cadence).
    pub next_update_due: Option<DateTime<Utc>>,
    /// Whether the next update was due before now.
    pub update_overdue: bool,
    pub warnings: Vec<Warning>,
    /// The decisions in force, in order of time.
    pub decisions_in_force: Vec<Label>,
    /// What is still to decide: each situation not decided (or reconsidered) with the
    /// options on its table, and the options of no situation waiting.
    pub decisions_to_make: Vec<ToDecide>,
    /// Closed incidents that resemble this one, most alike first.
    pub seen_before: &'a [SeenBefore],
    pub entries: Vec<EntryView<'a>>,
    pub lifecycle: &'a [Transition],
    /// The incident this one was merged into: read-only since, its entries are there.
    pub merged_into: Option<&'a str>,
    /// Opened by mistake: read-only, hidden from `list`.
    pub discarded: bool,
    /// Merges, discards and restores, as stored.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub marks: &'a [Mark],
}

/// A decision to make: its situation (null for options of no situation), the decision in
/// force it would replace (null: none), and the options on the table.
#[derive(Serialize)]
pub struct ToDecide {
    pub situation: Option<Label>,
    pub in_force: Option<Label>,
    pub options: Vec<Label>,
}

/// The incident when a decision was raised: its severity, its stage and the hypotheses
/// still standing, as the log stood at that time.
#[derive(Serialize)]
pub struct RaisedIn {
    pub severity: Option<Severity>,
    pub stage: Stage,
    pub standing: Vec<Label>,
}

impl RaisedIn {
    fn of(state: &State<'_>, label: Label) -> Option<RaisedIn> {
        state.raised_in(label).map(|situation| RaisedIn {
            severity: situation.severity,
            stage: situation.stage,
            standing: situation.standing.iter().map(|entry| entry.id).collect(),
        })
    }
}

/// One entry as stored (`kind` and the fields of its kind), with its derived fields.
/// `text` is always what was first typed; a correction shows in `current_text` and
/// `amended_by`, a retraction in `retracted_by`.
#[derive(Serialize)]
pub struct EntryView<'a> {
    pub id: Label,
    #[serde(flatten)]
    pub body: &'a Body,
    pub uuid: Uuid,
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub by: &'a str,
    pub text: &'a str,
    pub current_text: &'a str,
    /// When it happened, as last corrected.
    pub current_at: DateTime<Utc>,
    /// A key event (`--key`), as last corrected. Not on a correction, whose own `key`
    /// (in its body) is what it sets on its target: one object never holds two `key`s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<bool>,
    /// For an action, its owner as last corrected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_owner: Option<Option<&'a str>>,
    /// For an action, its due date as last corrected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_due: Option<Option<NaiveDate>>,
    /// For an action, its ticket as last corrected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_link: Option<Option<&'a str>>,
    /// For an option, its consequence as last corrected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_consequence: Option<Option<&'a str>>,
    /// For an option, the situation it belongs to as last corrected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_situation: Option<Option<Label>>,
    /// For an impact, its window as last corrected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_from: Option<Option<DateTime<Utc>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_to: Option<Option<DateTime<Utc>>>,
    /// For a cause, its kind as last corrected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_cause: Option<CauseKind>,
    /// For a lesson, how it went as last corrected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_went: Option<Went>,
    /// For a hypothesis, the symptoms it explains as last corrected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_explains: Option<&'a [Label]>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub amended_by: &'a [Label],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retracted_by: Option<Label>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<HypothesisStatus>,
    /// For a hypothesis: neither ruled out nor retracted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standing: Option<bool>,
    /// For a hypothesis, the results that ruled it out or confirmed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<&'a [Label]>,
    /// For a test, the results recorded against it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<&'a [Label]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awaiting_result: Option<bool>,
    /// For an option, the decisions that chose it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chosen_by: Option<Vec<Label>>,
    /// For a decision, the situation it decides (null: its option has none). Never set
    /// on an option, whose stored `situation` has the same name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub situation: Option<Option<Label>>,
    /// For a decision: not retracted, nor replaced by a later one of its situation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_force: Option<bool>,
    /// For a decision, the later decision of its situation that replaced it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<Option<Label>>,
    /// For a situation, its options, as last corrected, in recording order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<Label>>,
    /// For a situation, the options still to decide on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_the_table: Option<Vec<Label>>,
    /// For a situation, the decision in force (null: not decided).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<Option<Label>>,
    /// For a situation, and a decision of no situation, the incident when it was raised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raised_in: Option<RaisedIn>,
    /// For an action item, the `done` entry that marked it done (null while open).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_by: Option<Option<Label>>,
    /// For an escalation, the first entry the one called recorded at or after the call
    /// (null until they do).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engaged_by: Option<Option<Label>>,
    /// For an escalation, the seconds from the call to that entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_engage: Option<Option<i64>>,
}

pub fn entry_view<'a>(entry: &'a Entry, state: &'a State<'a>) -> EntryView<'a> {
    let mut view = EntryView {
        id: entry.id,
        body: &entry.body,
        uuid: entry.uuid,
        at: entry.at,
        recorded_at: entry.recorded_at,
        by: &entry.by,
        text: &entry.text,
        current_text: state.text(entry),
        current_at: state.at(entry),
        key: match entry.body {
            Body::Amend { .. } => None,
            _ => Some(state.is_key(entry)),
        },
        current_owner: None,
        current_due: None,
        current_link: None,
        current_consequence: None,
        current_situation: None,
        current_from: None,
        current_to: None,
        current_cause: None,
        current_went: None,
        current_explains: None,
        amended_by: state.amendments(entry.id),
        retracted_by: state.retraction(entry.id).map(|retraction| retraction.id),
        status: None,
        standing: None,
        evidence: None,
        results: None,
        awaiting_result: None,
        chosen_by: None,
        situation: None,
        in_force: None,
        replaced_by: None,
        options: None,
        on_the_table: None,
        decided_by: None,
        raised_in: None,
        done_by: None,
        engaged_by: None,
        time_to_engage: None,
    };
    match &entry.body {
        Body::Hypothesis { .. } => {
            view.status = Some(state.status(entry.id));
            view.current_explains = Some(state.explains(entry));
            view.standing = Some(state.is_standing(entry.id));
            view.evidence = Some(state.evidence(entry.id));
        }
        Body::Test { .. } => {
            let results = state.results(entry.id);
            view.awaiting_result = Some(state.is_awaiting(entry.id));
            view.results = Some(results);
        }
        Body::Option { .. } => {
            view.chosen_by = Some(state.decisions_for(entry.id));
            view.current_consequence = Some(state.consequence(entry));
            view.current_situation = Some(state.situation_of(entry));
        }
        Body::Decision { .. } => {
            view.situation = Some(state.situation_decided(entry));
            let choice = state.choice_of(entry.id);
            view.in_force = Some(
                choice
                    .as_ref()
                    .and_then(Choice::in_force)
                    .is_some_and(|in_force| in_force.id == entry.id),
            );
            view.replaced_by = Some(
                choice
                    .and_then(|choice| choice.replaced_by(entry.id))
                    .map(|later| later.id),
            );
            view.raised_in = RaisedIn::of(state, entry.id);
        }
        Body::Situation => {
            let choice = state.choice_of(entry.id);
            let labels = |entries: &[&Entry]| entries.iter().map(|entry| entry.id).collect();
            view.options = Some(
                choice
                    .as_ref()
                    .map_or_else(Vec::new, |choice| labels(&choice.options)),
            );
            view.on_the_table = Some(
                choice
                    .as_ref()
                    .map_or_else(Vec::new, |choice| labels(&choice.on_the_table)),
            );
            view.decided_by = Some(
                choice
                    .and_then(|choice| choice.in_force())
                    .map(|decision| decision.id),
            );
            view.raised_in = RaisedIn::of(state, entry.id);
        }
        Body::Action { .. } => {
            view.current_owner = Some(state.owner(entry));
            view.current_due = Some(state.due(entry));
            view.current_link = Some(state.link(entry));
            view.done_by = Some(state.done_by(entry.id).map(|done| done.id));
        }
        Body::Impact { .. } => {
            let (from, to) = state.window(entry);
            view.current_from = Some(from);
            view.current_to = Some(to);
        }
        Body::Cause { .. } => view.current_cause = state.cause_kind(entry),
        Body::Lesson { .. } => view.current_went = state.went(entry),
        Body::Escalation { .. } => {
            let escalation = state.escalation(entry);
            view.engaged_by = Some(escalation.and_then(|call| call.engaged.map(|e| e.id)));
            view.time_to_engage =
                Some(escalation.and_then(|call| call.time_to_engage.map(|span| span.seconds)));
        }
        _ => {}
    }
    view
}

/// The report of `incident` at `now`: only an open incident's depends on it (its
/// warnings, and whether an update is overdue).
pub fn incident_view<'a>(
    incident: &'a Incident,
    state: &'a State<'a>,
    now: DateTime<Utc>,
) -> IncidentView<'a> {
    IncidentView {
        schema: incident.schema,
        id: &incident.id,
        title: &incident.title,
        current_title: state.title(),
        status: incident.status(),
        severity: state.severity(),
        peak_severity: state.peak_severity(),
        stage: state.stage(),
        roles: state.roles(),
        opened_at: incident.opened_at,
        opened_by: &incident.opened_by,
        closed_at: incident.closed_at(),
        closed_by: incident.closed_by(),
        resolution: incident.resolution(),
        summary: super::report::summary_text(state),
        root_cause: state.root_cause(),
        impact_started_at: state.impact_started_at(),
        impact_ended_at: state.impact_ended_at(),
        metrics: state.metrics(),
        update_cadence: state.cadence().every,
        last_update_at: state.last_update().map(|update| state.at(update)),
        next_update_due: state.next_update_due(),
        update_overdue: state.update_overdue(now).is_some(),
        warnings: state.warnings(now),
        decisions_in_force: state
            .decisions_in_force()
            .iter()
            .map(|decision| decision.id)
            .collect(),
        decisions_to_make: state
            .decisions_to_make()
            .iter()
            .map(|choice| ToDecide {
                situation: choice.situation.map(|situation| situation.id),
                in_force: choice.in_force().map(|decision| decision.id),
                options: choice.on_the_table.iter().map(|option| option.id).collect(),
            })
            .collect(),
        seen_before: &[],
        entries: incident
            .entries
            .iter()
            .map(|entry| entry_view(entry, state))
            .collect(),
        lifecycle: &incident.lifecycle,
        merged_into: incident.merged_into().map(Mark::other),
        discarded: incident.discarded().is_some(),
        marks: &incident.marks,
    }
}

/// The report as pretty JSON, ending in a newline, with the past incidents it resembles.
pub fn render(incident: &Incident, seen_before: &[SeenBefore], now: DateTime<Utc>) -> String {
    let state = incident.state();
    let mut view = incident_view(incident, &state, now);
    view.seen_before = seen_before;
    to_json(&view)
}

/// Pretty JSON ending in a newline, safe for a terminal: serde_json leaves DEL, C1
/// controls and bidi overrides raw inside strings, so they are written as `\uXXXX`,
/// which any JSON reader turns back into the same text.
pub fn to_json(value: &impl Serialize) -> String {
    let text = serde_json::to_string_pretty(value)
        .expect("output values hold only strings, numbers and lists");
    let mut safe = escape_hidden(&text, sanitize::is_hidden);
    safe.push('\n');
    safe
}

/// `json` with every character `hidden` picks written as a `\uXXXX` escape. Outside
/// strings JSON is plain ASCII, so every such character is in a string. A character
/// beyond U+FFFF takes two escapes, its UTF-16 surrogate pair, as JSON spells it.
fn escape_hidden(json: &str, hidden: impl Fn(char) -> bool) -> String {
    let mut safe = String::with_capacity(json.len());
    for c in json.chars() {
        if hidden(c) {
            for unit in c.encode_utf16(&mut [0; 2]) {
                let _ = write!(safe, "\\u{unit:04x}");
            }
        } else {
            safe.push(c);
        }
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_escaped_and_read_back_as_the_same_text() {
        // A language tag (U+E0041) and an emoji stand in for hidden characters beyond
        // the Basic Multilingual Plane; the bidi override is hidden already.
        let text = "tag\u{e0041} smile\u{1f600} flip\u{202e} plain é";
        let json = serde_json::to_string(&text).unwrap();
        let hidden = |c: char| u32::from(c) > 0xffff || sanitize::is_hidden(c);
        let safe = escape_hidden(&json, hidden);
        assert_eq!(
            safe,
            r#""tag\udb40\udc41 smile\ud83d\ude00 flip\u202e plain é""#
        );
        assert_eq!(serde_json::from_str::<String>(&safe).unwrap(), text);
    }

    #[test]
    fn to_json_escapes_what_the_terminal_must_not_see_raw() {
        let safe = to_json(&"a\u{1b}[31m\u{7f}\u{85}b");
        assert_eq!(safe, "\"a\\u001b[31m\\u007f\\u0085b\"\n");
    }
}
