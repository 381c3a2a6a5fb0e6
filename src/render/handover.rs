//! `status --format can`: a Condition / Actions / Needs handover for people joining,
//! in Markdown, ready to paste into chat.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::markdown::{ITEM, finish, heading, text};
use super::{human_duration, utc_time};
use crate::model::{Body, HypothesisStatus, Incident, Kind, Status, join_labels};

pub fn render(incident: &Incident, now: DateTime<Utc>) -> String {
    let state = incident.state();
    let mut out = String::new();
    let sections = ["Condition", "Actions", "Needs"].map(String::from);
    let title = format!("Handover: {}", state.title());
    let _ = writeln!(out, "# {}\n", heading(&title, &sections));

    out.push_str("## Condition\n\n");
    let elapsed = human_duration(state.elapsed(now));
    let since = match incident.closed_at() {
        Some(closed_at) => format!("closed at {} UTC after {elapsed}", utc_time(closed_at)),
        None => format!(
            "open since {} UTC ({elapsed})",
            utc_time(incident.opened_at)
        ),
    };
    let _ = writeln!(out, "- Incident {}: {since}", incident.id);
    let severity = match (state.severity(), state.peak_severity()) {
        (Some(now), Some(peak)) if peak != now => format!("{now} (peak {peak})"),
        (Some(now), _) => now.to_string(),
        (None, _) => "not set".to_string(),
    };
    let _ = writeln!(out, "- Severity {severity}; stage {}", state.stage().name());
    let roles = state.roles();
    if roles.is_empty() {
        out.push_str("- Roles: none assigned\n");
    } else {
        let holders: Vec<String> = roles
            .iter()
            .map(|(role, holder)| format!("{} {}", text(role, ITEM), text(holder, ITEM)))
            .collect();
        let _ = writeln!(out, "- Roles: {}", holders.join(", "));
    }
    for symptom in state.live(Kind::Symptom) {
        let _ = writeln!(
            out,
            "- Symptom {}: {}",
            symptom.id,
            text(state.text(symptom), ITEM)
        );
    }
    let standing = state.standing();
    if standing.is_empty() {
        out.push_str("- No hypothesis is standing\n");
    }
    for hypothesis in standing {
        let confirmed = if state.status(hypothesis.id) == HypothesisStatus::Confirmed {
            " (confirmed)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "- Hypothesis {}{confirmed}: {}",
            hypothesis.id,
            text(state.text(hypothesis), ITEM)
        );
    }
    // Only a recorded root cause; confirmed hypotheses are marked confirmed above.
    if let Some(cause) = state.root_cause() {
        let _ = writeln!(out, "- Root cause: {cause}");
    }
    out.push('\n');

    out.push_str("## Actions\n\n");
    let awaiting = state.awaiting_results();
    if awaiting.is_empty() {
        out.push_str("- No test in progress\n");
    }
    for test in awaiting {
        let targets = match &test.body {
            Body::Test { targets } if !targets.is_empty() => {
                format!(" (for {})", join_labels(targets))
            }
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "- Test in progress {}{targets}: {}, started {} UTC",
            test.id,
            text(state.text(test), ITEM),
            utc_time(state.at(test))
        );
    }
    match state
        .live(Kind::Decision)
        .max_by_key(|decision| state.at(decision))
    {
        Some(decision) => {
            let Body::Decision { option } = &decision.body else {
                unreachable!("a decision entry has a decision body");
            };
            let chosen = state.entry(*option).map_or_else(String::new, |option| {
                format!(" ({})", text(state.text(option), ITEM))
            });
            let _ = write!(
                out,
                "- Last decision {}: {option}{chosen}, by {} at {} UTC",
                decision.id,
                text(&decision.by, ITEM),
                utc_time(state.at(decision))
            );
            let rationale = state.text(decision);
            if !rationale.trim().is_empty() {
                let _ = write!(out, ": {}", text(rationale, ITEM));
            }
            out.push('\n');
        }
        None => out.push_str("- No decision yet\n"),
    }
    out.push('\n');

    out.push_str("## Needs\n\n");
    let mut needs = 0;
    for action in state.live(Kind::Action) {
        needs += 1;
        let owner = state.owner(action).map_or_else(
            || " (no owner yet)".to_string(),
            |owner| format!(" (owner: {})", text(owner, ITEM)),
        );
        let _ = writeln!(
            out,
            "- Action {}: {}{owner}",
            action.id,
            text(state.text(action), ITEM)
        );
    }
    for warning in state.warnings() {
        needs += 1;
        let labels = if warning.labels.is_empty() {
            String::new()
        } else {
            format!(" ({})", join_labels(&warning.labels))
        };
        let _ = writeln!(out, "- {}{labels}", warning.message);
    }
    if needs == 0 {
        let nothing = match incident.status() {
            Status::Open => "- Nothing outstanding\n",
            Status::Closed => "- Nothing outstanding; the incident is closed\n",
        };
        out.push_str(nothing);
    }
    out.push('\n');
    finish(out)
}
