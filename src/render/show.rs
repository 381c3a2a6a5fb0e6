//! `show LABEL`: one entry in full: its text as typed and as corrected, its times, who
//! recorded it, its links, every correction, and the entries that refer to it.

use std::fmt::Write as _;

use serde::Serialize;

use super::json::{EntryView, entry_view, to_json};
use super::log::headline;
use super::paint::Paint;
use super::run::Ending;
use super::utc_time;
use incident_core::model::{Body, Entry, HypothesisStatus, Incident, Label, State, join_labels};
use incident_core::sanitize::{for_terminal, one_line};

/// The width of the field names, so the values line up.
const FIELD: usize = 13;

#[derive(Serialize)]
struct Shown<'a> {
    incident: &'a str,
    #[serde(flatten)]
    entry: EntryView<'a>,
    /// The amendments and the retraction of the entry, in recording order.
    corrections: Vec<EntryView<'a>>,
    /// The entries that link to it, corrections aside, in recording order.
    referred_by: Vec<Label>,
}

/// What `show --json` prints: the entry view, its corrections and what refers to it.
pub fn json(incident: &Incident, entry: &Entry) -> String {
    let state = incident.state();
    to_json(&Shown {
        incident: &incident.id,
        entry: entry_view(entry, &state),
        corrections: incident
            .corrections_of(entry.id)
            .into_iter()
            .map(|correction| entry_view(correction, &state))
            .collect(),
        referred_by: incident
            .referring_to(entry.id)
            .into_iter()
            .map(|referrer| referrer.id)
            .collect(),
    })
}

/// `name        value`, a multi-line value's further lines indented under the first.
fn field(text: &mut String, name: &str, value: &str) {
    let indent = " ".repeat(FIELD + 2);
    let mut lines = value.lines();
    let first = lines.next().unwrap_or_default();
    let _ = writeln!(text, "  {name:<width$}{first}", width = FIELD);
    for line in lines {
        let _ = writeln!(text, "{indent}{line}");
    }
}

/// Labels with what each says now: `H1 (bad deploy), H2 (pool exhausted)`.
fn labelled(labels: &[Label], state: &State<'_>) -> String {
    labels
        .iter()
        .map(|label| match state.entry(*label) {
            Some(entry) => format!("{label} ({})", one_line(state.text(entry))),
            None => label.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `(retracted by E4)`, `(amended by E2)`, for an entry listed under another.
fn marks(entry: &Entry, state: &State<'_>, paint: &Paint) -> String {
    let mut marks = String::new();
    if state.is_amended(entry.id) {
        marks.push_str(&paint.dim(" (amended)"));
    }
    if let Some(retraction) = state.retraction(entry.id) {
        marks.push_str(&paint.dim(&format!(" (retracted by {})", retraction.id)));
    }
    marks
}

/// What an entry's own links say: the rows that differ by kind.
fn links(text: &mut String, entry: &Entry, state: &State<'_>) {
    match &entry.body {
        Body::Symptom | Body::Note | Body::Retitle => {}
        Body::Hypothesis { .. } => {
            let status = match state.verdict(entry.id) {
                None => "open".to_string(),
                Some(verdict) => {
                    let said = match verdict.status {
                        HypothesisStatus::Open => "open",
                        HypothesisStatus::RuledOut => "ruled out",
                        HypothesisStatus::Confirmed => "confirmed",
                    };
                    format!("{said} by {}", verdict.by_result)
                }
            };
            let root = if state.root_cause() == Some(entry.id) {
                "; the root cause"
            } else {
                ""
            };
            field(text, "status", &format!("{status}{root}"));
            let explains = state.explains(entry);
            if !explains.is_empty() {
                field(text, "explains", &labelled(explains, state));
            }
        }
        Body::Test { targets } => {
            if !targets.is_empty() {
                field(text, "for", &labelled(targets, state));
            }
            let results = state.results(entry.id);
            if results.is_empty() {
                field(text, "results", "none yet");
            } else {
                field(text, "results", &join_labels(results));
            }
        }
        Body::Result {
            test,
            rules_out,
            confirms,
            run,
        } => {
            field(text, "test", &labelled(&[*test], state));
            if !rules_out.is_empty() {
                field(text, "rules out", &labelled(rules_out, state));
            }
            if !confirms.is_empty() {
                field(text, "confirms", &labelled(confirms, state));
            }
            if let Some(run) = run {
                field(text, "command", &one_line(&run.command));
                let exit = match Ending::of(run) {
                    Ending::Exited(code) => code.to_string(),
                    Ending::TimedOut => "none: timed out".to_string(),
                    Ending::Killed => "none: killed".to_string(),
                };
                field(text, "exit code", &exit);
                field(text, "duration", &super::human_duration_ms(run.duration_ms));
                if !run.output.is_empty() {
                    field(
                        text,
                        "output",
                        &for_terminal(run.output.trim_end_matches('\n')),
                    );
                }
            }
        }
        Body::Action { owner, .. } => {
            let current = state
                .owner(entry)
                .map_or("nobody yet".to_string(), one_line);
            field(text, "owner", &current);
            if state.owner(entry) != owner.as_deref() {
                let first = owner.as_deref().map_or("nobody".to_string(), one_line);
                field(text, "first owner", &first);
            }
            if let Some(due) = state.due(entry) {
                field(text, "due", &due.to_string());
            }
            if let Some(link) = state.link(entry) {
                field(text, "link", &one_line(link));
            }
            if let Some(done) = state.done_by(entry.id) {
                field(text, "done", &labelled(&[done.id], state));
            }
        }
        Body::Option { consequence, .. } => {
            if let Some(current) = state.consequence(entry) {
                field(text, "consequence", &one_line(current));
            }
            if let Some(first) = consequence
                && state.consequence(entry) != Some(first.as_str())
            {
                field(text, "first said", &one_line(first));
            }
            if let Some(situation) = state.situation_of(entry) {
                field(text, "situation", &labelled(&[situation], state));
            }
            let chosen = state.decisions_for(entry.id);
            if !chosen.is_empty() {
                field(text, "chosen by", &join_labels(&chosen));
            }
        }
        Body::Decision { option } => {
            field(text, "option", &labelled(&[*option], state));
            if let Some(situation) = state.situation_decided(entry) {
                field(text, "decides", &labelled(&[situation], state));
            }
            if let Some(choice) = state.choice_of(entry.id) {
                match choice.replaced_by(entry.id) {
                    Some(later) => field(text, "replaced by", &labelled(&[later.id], state)),
                    None => field(text, "in force", "yes"),
                }
            }
        }
        Body::Situation => {
            let choice = state.choice_of(entry.id);
            let options: Vec<Label> = choice
                .iter()
                .flat_map(|choice| &choice.options)
                .map(|option| option.id)
                .collect();
            if options.is_empty() {
                field(text, "options", "none yet");
            } else {
                field(text, "options", &labelled(&options, state));
            }
            match choice.as_ref().and_then(|choice| choice.in_force()) {
                Some(decision) => field(text, "decided by", &labelled(&[decision.id], state)),
                None => field(text, "decided by", "nothing yet"),
            }
        }
        Body::Amend { target, change } => {
            field(text, "corrects", &labelled(&[*target], state));
            for (name, value) in super::amended_fields(change) {
                field(text, name, &value);
            }
        }
        Body::Retract { target, .. } => field(text, "takes back", &labelled(&[*target], state)),
        Body::Severity { severity } => field(text, "severity", &severity.to_string()),
        Body::Stage { stage } => field(text, "stage", stage.name()),
        Body::Role { role, holder } => {
            field(text, "role", &one_line(role));
            field(text, "holder", &one_line(holder));
        }
        Body::Done { actions } => field(text, "done", &labelled(actions, state)),
        Body::Impact { .. } => {
            let (from, to) = state.window(entry);
            if let Some(from) = from {
                field(text, "from", &format!("{} UTC", utc_time(from)));
            }
            if let Some(to) = to {
                field(text, "to", &format!("{} UTC", utc_time(to)));
            }
        }
        Body::Cause { cause, hypothesis } => {
            field(
                text,
                "cause",
                state.cause_kind(entry).unwrap_or(*cause).name(),
            );
            if let Some(hypothesis) = hypothesis {
                field(text, "hypothesis", &labelled(&[*hypothesis], state));
            }
        }
        Body::Lesson { went } => field(text, "went", state.went(entry).unwrap_or(*went).name()),
        Body::Summary => {}
        Body::Update { to } => field(text, "to", &one_line(to)),
        Body::Escalation { name } => field(text, "called", &one_line(name)),
        Body::Cadence { every } => field(text, "cadence", &super::update::every(Some(*every))),
    }
}

/// How another entry stands to this one: `R1 rules it out`, `T2 tests it`.
fn relation(referrer: &Entry, label: Label) -> &'static str {
    match &referrer.body {
        Body::Result { rules_out, .. } if rules_out.contains(&label) => "rules it out",
        Body::Result { confirms, .. } if confirms.contains(&label) => "confirms it",
        Body::Result { .. } => "result of it",
        Body::Test { .. } => "tests it",
        Body::Hypothesis { .. } => "explains it",
        Body::Decision { .. } => "chose it",
        Body::Option { .. } => "option of it",
        _ => "refers to it",
    }
}

/// The entry in full, for people.
pub fn human(incident: &Incident, entry: &Entry, paint: &Paint) -> String {
    let state = incident.state();
    let retracted = state.is_retracted(entry.id);
    let mut text = String::new();
    let mut title = format!(
        "{} {}",
        paint.bold(&entry.id.to_string()),
        entry.kind().name()
    );
    if state.is_key(entry) {
        title.push_str(&paint.dim(" (key event)"));
    }
    if state.is_amended(entry.id) {
        title.push_str(&paint.dim(" (amended)"));
    }
    if retracted {
        title.push_str(&paint.dim(" (retracted)"));
    }
    let _ = writeln!(text, "{title}");
    let current = state.text(entry);
    if entry.kind().is_change() || matches!(entry.body, Body::Decision { .. }) {
        // A change's text is its reason; what it changed is in the fields below.
        if !current.trim().is_empty() {
            let _ = writeln!(text, "{}", for_terminal(current.trim_end_matches('\n')));
        }
    } else {
        for line in for_terminal(current.trim_end_matches('\n')).lines() {
            let line = if retracted {
                paint.struck(line)
            } else {
                line.to_string()
            };
            let _ = writeln!(text, "{line}");
        }
    }
    text.push('\n');
    if current != entry.text {
        field(
            &mut text,
            "first typed",
            &for_terminal(entry.text.trim_end_matches('\n')),
        );
    }
    let at = state.at(entry);
    if at == entry.at {
        field(&mut text, "at", &format!("{} UTC", utc_time(at)));
    } else {
        let first = utc_time(entry.at);
        field(
            &mut text,
            "at",
            &format!("{} UTC (first said {first} UTC)", utc_time(at)),
        );
    }
    field(&mut text, "by", &one_line(&entry.by));
    field(
        &mut text,
        "recorded",
        &format!("{} UTC", utc_time(entry.recorded_at)),
    );
    links(&mut text, entry, &state);

    let corrections = incident.corrections_of(entry.id);
    if !corrections.is_empty() {
        let _ = writeln!(text, "\n{}", paint.bold("Corrections"));
        for correction in corrections {
            let changed = match &correction.body {
                Body::Retract { .. } if correction.text.trim().is_empty() => {
                    "retracted".to_string()
                }
                Body::Retract { .. } => format!("retracted: {}", one_line(&correction.text)),
                _ => super::amendment(correction),
            };
            let _ = writeln!(
                text,
                "  {}  {} UTC  {}  {changed}{}",
                correction.id,
                utc_time(state.at(correction)),
                one_line(&correction.by),
                marks(correction, &state, paint)
            );
        }
    }

    let referrers = incident.referring_to(entry.id);
    if !referrers.is_empty() {
        let _ = writeln!(text, "\n{}", paint.bold("Referred to by"));
        let width = referrers
            .iter()
            .map(|referrer| relation(referrer, entry.id).len())
            .max()
            .unwrap_or(0);
        for referrer in referrers {
            let _ = writeln!(
                text,
                "  {:<width$}  {}{}",
                relation(referrer, entry.id),
                headline(referrer, &state),
                marks(referrer, &state, paint)
            );
        }
    }
    text
}
