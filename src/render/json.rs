//! The JSON report: the stored document with every derived field filled in.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use incident_core::model::{
    Body, Entry, HypothesisStatus, Incident, Label, Mark, Metrics, Severity, Stage, State, Status,
    Transition, Warning,
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
    pub warnings: Vec<Warning>,
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
    /// For an option, its consequence as last corrected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_consequence: Option<Option<&'a str>>,
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
    /// For an action item, the `done` entry that marked it done (null while open).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_by: Option<Option<Label>>,
}

pub fn entry_view<'a>(entry: &'a Entry, state: &'a State<'a>) -> EntryView<'a> {
    let retracted = state.is_retracted(entry.id);
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
        current_consequence: None,
        amended_by: state.amendments(entry.id),
        retracted_by: state.retraction(entry.id).map(|retraction| retraction.id),
        status: None,
        standing: None,
        evidence: None,
        results: None,
        awaiting_result: None,
        chosen_by: None,
        done_by: None,
    };
    match &entry.body {
        Body::Hypothesis { .. } => {
            view.status = Some(state.status(entry.id));
            view.standing = Some(state.is_standing(entry.id));
            view.evidence = Some(state.evidence(entry.id));
        }
        Body::Test { .. } => {
            let results = state.results(entry.id);
            view.awaiting_result = Some(results.is_empty() && !retracted);
            view.results = Some(results);
        }
        Body::Option { .. } => {
            view.chosen_by = Some(state.decisions_for(entry.id));
            view.current_consequence = Some(state.consequence(entry));
        }
        Body::Action { .. } => {
            view.current_owner = Some(state.owner(entry));
            view.done_by = Some(state.done_by(entry.id).map(|done| done.id));
        }
        _ => {}
    }
    view
}

pub fn incident_view<'a>(incident: &'a Incident, state: &'a State<'a>) -> IncidentView<'a> {
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
        warnings: state.warnings(),
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
pub fn render(incident: &Incident, seen_before: &[SeenBefore]) -> String {
    let state = incident.state();
    let mut view = incident_view(incident, &state);
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
