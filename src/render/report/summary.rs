//! `## Summary`: the summary a person wrote (`incident summary`), or, until one is
//! written, a few sentences told from the facts: what was hit and for how long, the root
//! cause and the trigger, how it ended. Never a form of labels, never a hard line break,
//! never the record's bookkeeping (merges and corrections are in `## Record`). Then, for a
//! summary told from the facts, what is still to record, and the chart.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::shared::Report;
use super::text::{PARAGRAPH, how_to_record, text};
use crate::render::{chart, human_duration, utc_time};
use incident_core::model::{CauseKind, Entry, Kind, State, Status};

impl Report<'_> {
    pub(super) fn summary(&self, out: &mut String) {
        match self.state.summary() {
            Some(written) => {
                let _ = writeln!(out, "{}\n", text(self.state.text(written), PARAGRAPH));
                if self.incident.status() == Status::Open && self.incident.merged_into().is_none() {
                    out.push_str("This incident is still open.\n\n");
                }
            }
            None => {
                let _ = writeln!(out, "{}\n", told(&self.state, |said| text(said, PARAGRAPH)));
                self.still_to_record(out);
            }
        }
    }

    /// What a summary told from the facts lacks, and how to record it, in one paragraph.
    fn still_to_record(&self, out: &mut String) {
        let state = &self.state;
        let mut missing: Vec<&str> = Vec::new();
        let mut commands: Vec<String> = Vec::new();
        if state.live(Kind::Impact).next().is_none() {
            missing.push("the impact");
            commands.push(super::impact::RECORDING.to_string());
        }
        if !state.has_root_cause() {
            missing.push("the root cause");
            commands.push(self.root_cause_recording());
        }
        if state.causes(CauseKind::Trigger).is_empty() {
            missing.push("the trigger");
            commands.push(super::causes::recording(CauseKind::Trigger));
        }
        if self.incident.status() == Status::Closed && self.incident.resolution().is_none() {
            missing.push("the resolution");
            let closed_at = self.incident.closed_at().unwrap_or(self.incident.opened_at);
            commands.push("incident reopen".to_string());
            commands.push(format!(
                "incident close TEXT --at {}",
                closed_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ));
        }
        if missing.is_empty() {
            return;
        }
        let commands: Vec<&str> = commands.iter().map(String::as_str).collect();
        let _ = writeln!(
            out,
            "Not recorded yet: {}. {}\n",
            in_words(&missing),
            how_to_record(&commands)
        );
    }

    /// What records the root cause: the one confirmed hypothesis's, when there is one.
    pub(super) fn root_cause_recording(&self) -> String {
        match self.state.confirmed().as_slice() {
            [only] => format!("incident cause TEXT --root --hypothesis {}", only.id),
            [] => super::causes::recording(CauseKind::Root),
            _ => "incident cause TEXT --root --hypothesis LABEL".to_string(),
        }
    }

    /// The mermaid chart, where every report has it: right after the summary.
    pub(super) fn chart(&self, out: &mut String) {
        if self.options.chart
            && let Some(chart) = chart::gantt(self.incident)
        {
            out.push_str(&chart);
        }
    }
}

/// The summary that opens every report, as the JSON report gives it: the one written
/// (`incident summary`), else the one told from the facts, as plain text.
pub fn summary_text(state: &State<'_>) -> String {
    match state.summary() {
        Some(written) => state.text(written).to_string(),
        None => told(state, str::to_string),
    }
}

/// The summary told from the facts, in sentences, each piece of user text through `said`:
/// what was hit, when and for how long (or the title, when no impact is recorded), the
/// root cause and the trigger (or the hypotheses confirmed, when no root cause is
/// recorded), and how it ended. A pure function of the document: an open incident's
/// impact runs "since", never to the clock.
pub fn told(state: &State<'_>, said: impl Fn(&str) -> String) -> String {
    let incident = state.incident();
    let clauses = |entries: &[&Entry]| -> String {
        let parts: Vec<String> = entries
            .iter()
            .map(|entry| said(&clause(state.text(entry))))
            .collect();
        parts.join("; ")
    };
    let mut sentences: Vec<String> = Vec::new();
    let impacts: Vec<&Entry> = state.live(Kind::Impact).collect();
    let start = state.impact_started_at();
    let end = state.impact_ended_at();
    let peak = state
        .peak_severity()
        .map(|peak| format!("severity {peak} at its peak"));
    if impacts.is_empty() {
        // Every sentence starts with the report's own words: user text at the start of a
        // line could start a list.
        sentences.push(format!(
            "It was opened at {} UTC: {}",
            utc_time(incident.opened_at),
            said(&clause(state.title()))
        ));
        match (start, end) {
            (Some(start), Some(end)) => sentences.push(format!(
                "The impact started at {} UTC and ended at {} UTC ({})",
                utc_time(start),
                utc_time(end),
                human_duration(state.impact_lasted().unwrap_or_default())
            )),
            (Some(start), None) => {
                sentences.push(format!("The impact started at {} UTC", utc_time(start)))
            }
            _ => {}
        }
    } else {
        let what = clauses(&impacts);
        let aside = |first: Option<String>| {
            let notes: Vec<String> = first.into_iter().chain(peak.clone()).collect();
            if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            }
        };
        sentences.push(match (start, end) {
            (Some(start), Some(end)) => format!(
                "From {} UTC{}, {what}",
                span(start, end),
                aside(state.impact_lasted().map(human_duration))
            ),
            (Some(start), None) if incident.status() == Status::Open => {
                format!("Since {} UTC{}, {what}", utc_time(start), aside(None))
            }
            (Some(start), None) => format!(
                "From {} UTC{}, {what}",
                utc_time(start),
                aside(Some("its end not recorded".to_string()))
            ),
            (None, _) => format!("The impact{}: {what}", aside(None)),
        });
    }
    let root = state
        .root_cause_entry()
        .or_else(|| state.root_cause().and_then(|label| state.entry(label)));
    match root {
        Some(cause) => sentences.push(format!("The root cause: {}", clauses(&[cause]))),
        None => {
            let confirmed = state.confirmed();
            if !confirmed.is_empty() {
                sentences.push(format!(
                    "Confirmed, not yet recorded as the root cause: {}",
                    clauses(&confirmed)
                ));
            }
        }
    }
    let triggers = state.causes(CauseKind::Trigger);
    if !triggers.is_empty() {
        sentences.push(format!("The trigger: {}", clauses(&triggers)));
    }
    sentences.push(match (incident.closed_at(), incident.resolution()) {
        (Some(closed), Some(resolution)) => format!(
            "It was resolved at {} UTC: {}",
            utc_time(closed),
            said(&clause(resolution))
        ),
        (Some(closed), None) => format!("It was closed at {} UTC", utc_time(closed)),
        // Its log goes on in the other incident: that is how this one ended.
        (None, _) if let Some(merge) = incident.merged_into() => format!(
            "Its log goes on in {} since {} UTC",
            said(merge.other()),
            utc_time(merge.at)
        ),
        (None, _) => format!(
            "This incident is still open, at stage {}",
            state.stage().name()
        ),
    });
    let finished: Vec<String> = sentences.into_iter().map(full_stop).collect();
    finished.join(" ")
}

/// `2026-11-21 22:52 to 23:50`, the date said once when the span is within a day.
fn span(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    let end_said = utc_time(end);
    if start.date_naive() == end.date_naive() {
        let time = end_said
            .split_once(' ')
            .map_or(end_said.as_str(), |(_, time)| time);
        format!("{} to {time}", utc_time(start))
    } else {
        format!("{} to {end_said}", utc_time(start))
    }
}

/// User text as a clause of a sentence: on one line (a summary has no hard line breaks),
/// its own full stop left to the sentence (a `...`, `!` or `?` stays).
fn clause(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.strip_suffix('.') {
        Some(stripped) if !stripped.ends_with('.') => stripped.to_string(),
        _ => text,
    }
}

/// A sentence that ends as sentences do.
fn full_stop(mut sentence: String) -> String {
    if !sentence.ends_with(['.', '!', '?']) {
        sentence.push('.');
    }
    sentence
}

/// `the impact`, `the impact and the trigger`, `the impact, the root cause and the
/// trigger`.
fn in_words(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [only] => only.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::{clause, full_stop, in_words};

    #[test]
    fn user_text_ends_a_sentence_once() {
        assert_eq!(clause("caught up."), "caught up");
        assert_eq!(clause("caught up..."), "caught up...");
        assert_eq!(clause(" why?\n1 "), "why? 1");
        assert_eq!(full_stop("It ended".into()), "It ended.");
        assert_eq!(full_stop("Did it?".into()), "Did it?");
        assert_eq!(in_words(&["a", "b", "c"]), "a, b and c");
        assert_eq!(in_words(&["a"]), "a");
    }
}
