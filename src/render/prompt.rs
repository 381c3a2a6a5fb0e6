//! The prompt of `incident shell`: where the engineer is, read fresh before every line.

use chrono::{DateTime, Utc};

use incident_core::id;
use incident_core::model::{Incident, Status};
use incident_core::sanitize;

/// The prompt when no incident is chosen (none open yet, or it cannot be read).
pub const PLAIN: &str = "incident> ";

/// The longest name the prompt gives an incident, in characters, so the line stays long
/// enough to type in.
const NAME_CHARS: usize = 32;

/// `checkout-returns-502s (mitigated, sev 2, 1 standing, update due 03:30 UTC)> `: the
/// incident without its date, its stage, its severity once one is set, how many
/// hypotheses still stand, and when the next stakeholder update is due (`update overdue`
/// once `now` is past it); `checkout-returns-502s (closed)> ` once closed.
pub fn prompt(incident: &Incident, now: DateTime<Utc>) -> String {
    let mut name = sanitize::one_line(id::without_date(&incident.id));
    if let Some((cut, _)) = name.char_indices().nth(NAME_CHARS) {
        name.truncate(cut);
        name.push('…');
    }
    if incident.status() == Status::Closed {
        return format!("{name} (closed)> ");
    }
    let state = incident.state();
    let mut facts = vec![state.stage().name().to_string()];
    if let Some(severity) = state.severity() {
        facts.push(format!("sev {severity}"));
    }
    facts.push(format!("{} standing", state.standing().len()));
    if state.update_overdue(now).is_some() {
        facts.push("update overdue".to_string());
    } else if let Some(due) = state.next_update_due() {
        facts.push(format!("update due {} UTC", due.format("%H:%M")));
    }
    format!("{name} ({})> ", facts.join(", "))
}
