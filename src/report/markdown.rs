//! The post-incident report in GitHub-flavoured Markdown.
//!
//! Sections, in the contract's order: Summary, Symptoms, Hypotheses, Tests and results,
//! Timeline, Action items, then Metrics. Every piece of user text goes through
//! `escape::markdown`; nothing else in this file may write user text.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::escape::{self, Place};
use super::{human_duration, utc_time};
use crate::model::{
    Body, Change, Entry, HypothesisStatus, Incident, Kind, Label, State, Status, join_labels,
};
use crate::sanitize;

/// The report's own second-level headings, in order.
const SECTIONS: [&str; 7] = [
    "Summary",
    "Symptoms",
    "Hypotheses",
    "Tests and results",
    "Timeline",
    "Action items",
    "Metrics",
];

const ITEM: Place<'static> = Place::Block { indent: "  " };
const TASK: Place<'static> = Place::Block { indent: "      " };
const PARAGRAPH: Place<'static> = Place::Block { indent: "" };

fn text(text: &str, place: Place<'_>) -> String {
    escape::markdown(text, place)
}

fn cell(value: &str) -> String {
    escape::markdown(value, Place::Cell)
}

/// A title for a heading: one line, and trailing punctuation written as a character
/// reference, which renders the same but is not flagged by markdownlint (MD026).
fn heading(title: &str, others: &[String]) -> String {
    // Trimmed, so the line ends in the title's own last character, never in a reference.
    let title = title.trim();
    let mut line = cell(title);
    // A title that repeats another heading (`Summary`, `T1`) starts with a character
    // reference: it reads the same, and markdownlint (MD024) does not see a duplicate.
    if others
        .iter()
        .any(|other| other.eq_ignore_ascii_case(title.trim()))
        && let Some(first) = line.chars().next()
        && first.is_ascii_alphanumeric()
    {
        line.replace_range(..1, &format!("&#{};", u32::from(first)));
    }
    if let Some(last) = line
        .chars()
        .last()
        .filter(|c| ".,;:!。，；：！".contains(*c))
    {
        line.truncate(line.len() - last.len_utf8());
        let backslashes = line.len() - line.trim_end_matches('\\').len();
        if backslashes % 2 == 1 {
            // The punctuation was escaped; the reference needs no escape.
            line.pop();
        }
        let _ = write!(line, "&#{};", u32::from(last));
    }
    line
}

/// Renders the report. `now` is used only while the incident is open, to say how long it
/// has been going on.
pub fn render(incident: &Incident, now: DateTime<Utc>) -> String {
    let state = incident.state();
    let mut out = String::with_capacity(4096 + incident.entries.len() * 256);
    let report = Report {
        incident,
        root_cause: state.root_cause(),
        state,
        now,
    };
    report.header(&mut out);
    report.summary(&mut out);
    report.symptoms(&mut out);
    report.hypotheses(&mut out);
    report.tests(&mut out);
    report.timeline(&mut out);
    report.actions(&mut out);
    report.metrics(&mut out);
    // One newline at the end, none before it.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

struct Report<'a> {
    incident: &'a Incident,
    state: State<'a>,
    root_cause: Option<Label>,
    now: DateTime<Utc>,
}

impl<'a> Report<'a> {
    fn end(&self) -> DateTime<Utc> {
        self.incident.closed_at().unwrap_or(self.now)
    }

    fn header(&self, out: &mut String) {
        let incident = self.incident;
        let others: Vec<String> = SECTIONS
            .iter()
            .map(|section| section.to_string())
            .chain(
                incident
                    .entries_of(Kind::Test)
                    .map(|test| test.id.to_string()),
            )
            .collect();
        let _ = writeln!(out, "# {}\n", heading(&incident.title, &others));
        out.push_str("| Field | Value |\n| --- | --- |\n");
        let _ = writeln!(out, "| Incident | {} |", incident.id);
        let status = match incident.status() {
            Status::Open => "Open (still in progress)",
            Status::Closed => "Closed",
        };
        let _ = writeln!(out, "| Status | {status} |");
        let _ = writeln!(out, "| Opened | {} UTC |", utc_time(incident.opened_at));
        if let Some(closed_at) = incident.closed_at() {
            let _ = writeln!(out, "| Closed | {} UTC |", utc_time(closed_at));
        }
        let duration = human_duration((self.end() - incident.opened_at).num_seconds());
        let so_far = if incident.status() == Status::Open {
            " so far"
        } else {
            ""
        };
        let _ = writeln!(out, "| Duration | {duration}{so_far} |");
        let _ = writeln!(
            out,
            "| Responders | {} |",
            cell(&self.responders().join(", "))
        );
        out.push('\n');
    }

    /// Everyone who opened, closed or recorded anything, in order of first appearance.
    fn responders(&self) -> Vec<&str> {
        let incident = self.incident;
        let mut names: Vec<&str> = Vec::new();
        let all = std::iter::once(incident.opened_by.as_str())
            .chain(incident.entries.iter().map(|entry| entry.by.as_str()))
            .chain(incident.lifecycle.iter().map(|change| change.by.as_str()));
        for name in all {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    fn summary(&self, out: &mut String) {
        let incident = self.incident;
        out.push_str("## Summary\n\n");
        match (incident.status(), incident.resolution()) {
            (Status::Open, _) => out.push_str("This incident is still open.\n\n"),
            (Status::Closed, Some(resolution)) => {
                let _ = writeln!(out, "{}\n", text(resolution, PARAGRAPH));
            }
            (Status::Closed, None) => out.push_str("Closed without a resolution summary.\n\n"),
        }
        match self.root_cause.and_then(|label| self.state.entry(label)) {
            Some(cause) => {
                let _ = write!(
                    out,
                    "**Root cause:** {}: {}",
                    cause.id,
                    text(self.state.text(cause), PARAGRAPH)
                );
                match self.confirming_result(cause.id) {
                    Some(result) => {
                        let _ = write!(out, "\\\nConfirmed by {}", self.result_reference(result));
                    }
                    None => out.push_str("\\\nNamed at close; no result confirmed it."),
                }
                out.push_str("\n\n");
            }
            None => out.push_str("**Root cause:** not identified.\n\n"),
        }
        let _ = writeln!(out, "{}\n", self.tally());
    }

    fn confirming_result(&self, hypothesis: Label) -> Option<&'a Entry> {
        self.state
            .verdict(hypothesis)
            .filter(|verdict| verdict.status == HypothesisStatus::Confirmed)
            .and_then(|verdict| self.state.entry(verdict.by_result))
    }

    /// `R2 (result of T1, 03:12 UTC): text`, for use in a paragraph.
    fn result_reference(&self, result: &'a Entry) -> String {
        let Body::Result { test, .. } = &result.body else {
            return result.id.to_string();
        };
        format!(
            "{} (result of {test}, {} UTC): {}",
            result.id,
            utc_time(result.at),
            text(self.state.text(result), PARAGRAPH)
        )
    }

    fn tally(&self) -> String {
        let count = |kind| self.state.live(kind).count();
        let (mut ruled_out, mut confirmed, mut open) = (0, 0, 0);
        for hypothesis in self.state.live(Kind::Hypothesis) {
            match self.state.status(hypothesis.id) {
                HypothesisStatus::RuledOut => ruled_out += 1,
                HypothesisStatus::Confirmed => confirmed += 1,
                HypothesisStatus::Open => open += 1,
            }
        }
        let awaiting = self.state.awaiting_results().len();
        format!(
            "{}; {}: {ruled_out} ruled out, {confirmed} confirmed, {open} still open; \
             {}, {awaiting} awaiting a result.",
            plural(count(Kind::Symptom), "symptom", "symptoms"),
            plural(count(Kind::Hypothesis), "hypothesis", "hypotheses"),
            plural(count(Kind::Test), "test", "tests"),
        )
    }

    fn symptoms(&self, out: &mut String) {
        out.push_str("## Symptoms\n\n");
        let mut any = false;
        for symptom in self.incident.entries_of(Kind::Symptom) {
            any = true;
            let _ = writeln!(out, "- {}", self.item(symptom));
        }
        if !any {
            out.push_str("No symptoms recorded.\n");
        }
        out.push('\n');
    }

    /// `**S1** 2026-11-21 02:47 UTC: text (by ana)`, for a list item, with its
    /// corrections noted.
    fn item(&self, entry: &'a Entry) -> String {
        format!(
            "**{}** {} UTC: {} (by {}){}",
            entry.id,
            utc_time(entry.at),
            text(self.state.text(entry), ITEM),
            text(&entry.by, ITEM),
            self.corrections(entry, ITEM)
        )
    }

    /// ` (amended by E1)` and `. **Retracted** by E2: why`, or nothing.
    fn corrections(&self, entry: &'a Entry, place: Place<'_>) -> String {
        let mut notes = String::new();
        let amendments = self.state.amendments(entry.id);
        if !amendments.is_empty() {
            let _ = write!(notes, " (amended by {})", join_labels(amendments));
        }
        if let Some(retraction) = self.state.retraction(entry.id) {
            let _ = write!(notes, ". **Retracted** by {}", retraction.id);
            if !retraction.text.trim().is_empty() {
                let _ = write!(notes, ": {}", escape::markdown(&retraction.text, place));
            }
        }
        notes
    }

    fn hypotheses(&self, out: &mut String) {
        out.push_str("## Hypotheses\n\n");
        let mut hypotheses = self.incident.entries_of(Kind::Hypothesis).peekable();
        if hypotheses.peek().is_none() {
            out.push_str("No hypotheses recorded.\n\n");
            return;
        }
        out.push_str("| Label | Hypothesis | Status | Evidence |\n| --- | --- | --- | --- |\n");
        for hypothesis in hypotheses {
            // Strike and bold marks only work against non-space text; control characters
            // are kept, to be shown escaped.
            let statement = cell(
                self.state
                    .text(hypothesis)
                    .trim_matches(|c: char| c.is_whitespace() && !sanitize::is_hidden(c)),
            );
            let (statement, status) = if self.state.is_retracted(hypothesis.id) {
                (statement, "Retracted")
            } else {
                match self.state.status(hypothesis.id) {
                    HypothesisStatus::RuledOut => (format!("~~{statement}~~"), "Ruled out"),
                    HypothesisStatus::Confirmed => (format!("**{statement}**"), "**Confirmed**"),
                    HypothesisStatus::Open => (statement, "Open"),
                }
            };
            let evidence: Vec<String> = self
                .state
                .evidence(hypothesis.id)
                .iter()
                .filter_map(|label| self.state.entry(*label))
                .map(|result| self.evidence_cell(result, hypothesis.id))
                .collect();
            let evidence = if evidence.is_empty() {
                "None yet".to_string()
            } else {
                evidence.join("; ")
            };
            let _ = writeln!(
                out,
                "| {} | {statement} | {status} | {evidence} |",
                hypothesis.id
            );
        }
        out.push('\n');
    }

    /// `R1 (T1) rules it out: text`, for a table cell.
    fn evidence_cell(&self, result: &'a Entry, hypothesis: Label) -> String {
        let Body::Result { test, confirms, .. } = &result.body else {
            return result.id.to_string();
        };
        let verb = if confirms.contains(&hypothesis) {
            "confirms"
        } else {
            "rules out"
        };
        format!(
            "{} ({test}) {verb}: {}",
            result.id,
            cell(self.state.text(result))
        )
    }

    fn tests(&self, out: &mut String) {
        out.push_str("## Tests and results\n\n");
        let mut any = false;
        for test in self.incident.entries_of(Kind::Test) {
            any = true;
            let Body::Test { targets } = &test.body else {
                continue;
            };
            let _ = writeln!(out, "### {}\n", test.id);
            let _ = writeln!(
                out,
                "{} UTC: {} (by {}){}\\",
                utc_time(test.at),
                text(self.state.text(test), PARAGRAPH),
                text(&test.by, PARAGRAPH),
                self.corrections(test, PARAGRAPH)
            );
            let _ = writeln!(
                out,
                "Designed to rule out: {}\n",
                if targets.is_empty() {
                    "no hypothesis named".to_string()
                } else {
                    join_labels(targets)
                }
            );
            let results: Vec<&Entry> = self
                .incident
                .entries
                .iter()
                .filter(
                    |entry| matches!(&entry.body, Body::Result { test: of, .. } if *of == test.id),
                )
                .collect();
            if self.state.results(test.id).is_empty() && !self.state.is_retracted(test.id) {
                out.push_str("**Awaiting a result.**\n\n");
            }
            if results.is_empty() {
                continue;
            }
            for result in results {
                let _ = write!(out, "- {}", self.item(result));
                if let Body::Result {
                    rules_out,
                    confirms,
                    ..
                } = &result.body
                {
                    if !rules_out.is_empty() {
                        let _ = write!(out, "\\\n  Rules out {}.", join_labels(rules_out));
                    }
                    if !confirms.is_empty() {
                        let _ = write!(out, "\\\n  Confirms {}.", join_labels(confirms));
                    }
                }
                out.push('\n');
            }
            out.push('\n');
        }
        if !any {
            out.push_str("No tests recorded.\n\n");
        }
    }

    /// Every entry, the opening and each close and reopen, in order of time; entries at
    /// the same time keep the order they were recorded in, the opening first. Entries show
    /// what was typed then; corrections appear as entries of their own.
    fn timeline(&self, out: &mut String) {
        let incident = self.incident;
        out.push_str("## Timeline\n\n");
        let opening = Moment {
            at: incident.opened_at,
            recorded: DateTime::<Utc>::MIN_UTC,
            what: "opened".into(),
            text: Some(&incident.title),
            by: &incident.opened_by,
        };
        let entries = incident.entries.iter().map(|entry| Moment {
            at: entry.at,
            recorded: entry.recorded_at,
            what: match &entry.body {
                Body::Amend { target } | Body::Retract { target } => {
                    format!("**{}** {} of {target}", entry.id, entry.kind().name())
                }
                _ => format!("**{}** {}", entry.id, entry.kind().name()),
            },
            text: Some(entry.text.as_str()).filter(|said| !said.trim().is_empty()),
            by: &entry.by,
        });
        let changes = incident.lifecycle.iter().map(|change| Moment {
            at: change.at,
            recorded: change.recorded_at,
            what: match change.change {
                Change::Closed => "closed".into(),
                Change::Reopened => "reopened".into(),
            },
            text: change.resolution.as_deref(),
            by: &change.by,
        });
        let mut moments: Vec<Moment> = std::iter::once(opening)
            .chain(entries)
            .chain(changes)
            .collect();
        // A stable sort, so equal times keep the order of the log.
        moments.sort_by_key(|moment| (moment.at, moment.recorded));
        for moment in moments {
            let _ = write!(out, "- {} UTC, {}", utc_time(moment.at), moment.what);
            if let Some(said) = moment.text {
                let _ = write!(out, ": {}", text(said, ITEM));
            }
            let _ = writeln!(out, " (by {})", text(moment.by, ITEM));
        }
        out.push('\n');
    }

    fn actions(&self, out: &mut String) {
        out.push_str("## Action items\n\n");
        let mut any = false;
        for action in self.incident.entries_of(Kind::Action) {
            any = true;
            let Body::Action { owner } = &action.body else {
                continue;
            };
            let owner = owner.as_deref().map_or_else(
                || "no owner yet".to_string(),
                |owner| format!("owner: {}", text(owner, TASK)),
            );
            let _ = writeln!(
                out,
                "- [ ] **{}** {} ({owner}){}",
                action.id,
                text(self.state.text(action), TASK),
                self.corrections(action, TASK)
            );
        }
        if !any {
            out.push_str("No action items recorded.\n");
        }
        out.push('\n');
    }

    fn metrics(&self, out: &mut String) {
        let incident = self.incident;
        out.push_str("## Metrics\n\n");
        // Entries can be backdated before the opening: that is not a negative duration.
        let since_open = |at: DateTime<Utc>| {
            let seconds = (at - incident.opened_at).num_seconds();
            if seconds < 0 {
                "before the incident was opened".to_string()
            } else {
                human_duration(seconds)
            }
        };
        let first_hypothesis = self
            .state
            .live(Kind::Hypothesis)
            .map(|entry| entry.at)
            .min()
            .map_or_else(|| "no hypothesis yet".to_string(), since_open);
        // The first result that confirmed the hypothesis the report names as root cause.
        let root_cause = self
            .root_cause
            .into_iter()
            .flat_map(|cause| {
                self.state
                    .evidence(cause)
                    .iter()
                    .filter_map(|label| self.state.entry(*label))
                    .filter(move |result| {
                        matches!(&result.body, Body::Result { confirms, .. } if confirms.contains(&cause))
                    })
            })
            .map(|result| result.at)
            .min()
            .map_or_else(|| "not confirmed".to_string(), since_open);
        let resolve = match incident.closed_at() {
            Some(closed_at) => since_open(closed_at),
            None => format!("still open after {}", since_open(self.now)),
        };
        let _ = writeln!(out, "- Time to first hypothesis: {first_hypothesis}");
        let _ = writeln!(out, "- Time to root cause: {root_cause}");
        let _ = writeln!(out, "- Time to resolve: {resolve}");
        out.push('\n');
    }
}

struct Moment<'a> {
    at: DateTime<Utc>,
    recorded: DateTime<Utc>,
    what: String,
    text: Option<&'a str>,
    by: &'a str,
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::heading;

    fn heading_of(title: &str) -> String {
        heading(title, &["Summary".to_string(), "T1".to_string()])
    }

    #[test]
    fn headings_end_without_bare_punctuation() {
        assert_eq!(heading_of("Payments down!"), "Payments down&#33;");
        assert_eq!(heading_of("Why slow?"), "Why slow?");
        assert_eq!(heading_of("Step 3."), "Step 3&#46;");
        assert_eq!(heading_of("3."), "3&#46;");
        assert_eq!(heading_of("see www."), "see www&#46;");
        assert_eq!(heading_of("ends in \\"), "ends in \\\\");
        assert_eq!(heading_of("two\nlines:"), "two lines&#58;");
        assert_eq!(heading_of("Summary"), "&#83;ummary");
        assert_eq!(heading_of("t1"), "&#116;1");
        assert_eq!(heading_of("Summary of it"), "Summary of it");
        assert_eq!(heading_of("*\\\n\t"), "\\*\\\\");
        assert_eq!(heading_of("fish &amp;"), "fish \\&amp&#59;");
    }
}
