//! The JSON report: the stored document with every derived field filled in.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::model::{Body, Diagnosis, Entry, HypothesisStatus, Incident, Label, Status, Transition};
use crate::sanitize;

#[derive(Serialize)]
pub struct IncidentView<'a> {
    pub schema: u32,
    pub id: &'a str,
    pub title: &'a str,
    pub status: Status,
    pub opened_at: DateTime<Utc>,
    pub opened_by: &'a str,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<&'a str>,
    pub resolution: Option<&'a str>,
    pub root_cause: Option<Label>,
    pub entries: Vec<EntryView<'a>>,
    pub lifecycle: &'a [Transition],
}

/// One entry with its derived fields: a hypothesis's status, a test's results.
#[derive(Serialize)]
pub struct EntryView<'a> {
    pub id: Label,
    pub kind: &'static str,
    pub uuid: Uuid,
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub by: &'a str,
    pub text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<HypothesisStatus>,
    /// For a hypothesis, the results that ruled it out or confirmed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Vec<Label>>,
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    pub targets: Option<&'a [Label]>,
    /// For a test, the results recorded against it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<Label>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awaiting_result: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<Label>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules_out: Option<&'a [Label]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirms: Option<&'a [Label]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Option<&'a str>>,
}

pub fn entry_view<'a>(entry: &'a Entry, diagnosis: &Diagnosis) -> EntryView<'a> {
    let mut view = EntryView {
        id: entry.id,
        kind: entry.kind().name(),
        uuid: entry.uuid,
        at: entry.at,
        recorded_at: entry.recorded_at,
        by: &entry.by,
        text: &entry.text,
        status: None,
        evidence: None,
        targets: None,
        results: None,
        awaiting_result: None,
        test: None,
        rules_out: None,
        confirms: None,
        owner: None,
    };
    match &entry.body {
        Body::Hypothesis => {
            view.status = Some(diagnosis.status(entry.id));
            view.evidence = Some(diagnosis.evidence(entry.id).to_vec());
        }
        Body::Test { targets } => {
            let results = diagnosis.results(entry.id);
            view.targets = Some(targets);
            view.awaiting_result = Some(results.is_empty());
            view.results = Some(results.to_vec());
        }
        Body::Result {
            test,
            rules_out,
            confirms,
        } => {
            view.test = Some(*test);
            view.rules_out = Some(rules_out);
            view.confirms = Some(confirms);
        }
        Body::Action { owner } => view.owner = Some(owner.as_deref()),
        Body::Symptom | Body::Note => {}
    }
    view
}

pub fn incident_view(incident: &Incident) -> IncidentView<'_> {
    let diagnosis = incident.diagnosis();
    IncidentView {
        schema: incident.schema,
        id: &incident.id,
        title: &incident.title,
        status: incident.status(),
        opened_at: incident.opened_at,
        opened_by: &incident.opened_by,
        closed_at: incident.closed_at(),
        closed_by: incident.closed_by(),
        resolution: incident.resolution(),
        root_cause: incident.root_cause_with(&diagnosis),
        entries: incident
            .entries
            .iter()
            .map(|entry| entry_view(entry, &diagnosis))
            .collect(),
        lifecycle: &incident.lifecycle,
    }
}

/// The report as pretty JSON, ending in a newline.
pub fn render(incident: &Incident) -> String {
    to_json(&incident_view(incident))
}

/// Pretty JSON ending in a newline, safe for a terminal: serde_json leaves DEL, C1
/// controls and bidi overrides raw inside strings, so they are written as `\uXXXX`,
/// which any JSON reader turns back into the same text.
pub fn to_json(value: &impl Serialize) -> String {
    let text = serde_json::to_string_pretty(value)
        .expect("output values hold only strings, numbers and lists");
    let mut safe = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if sanitize::is_hidden(c) {
            // Outside strings JSON is plain ASCII, so every hidden character is in one.
            let _ = write!(safe, "\\u{:04x}", u32::from(c));
        } else {
            safe.push(c);
        }
    }
    safe.push('\n');
    safe
}
