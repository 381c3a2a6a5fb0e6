//! The post-incident report in GitHub-flavoured Markdown.
//!
//! What a ticket reader needs first: Summary, then Impact and Causes (when recorded), then
//! the diagnosis (Symptoms, Hypotheses, Tests and results, Decisions), Timeline, Action
//! items, Lessons learned (when recorded) and Metrics; the contract's required sections
//! keep their order. Every piece of user text goes through
//! `escape::markdown`; nothing else in this file may write user text.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::escape::{self, Place};
use super::{human_duration, push_utc_time, utc_time};
use incident_core::model::{
    Body, CauseKind, Change, Entry, HypothesisStatus, Incident, Kind, Label, LabelMap, Mark, Run,
    Span, State, Status, Went, join_labels,
};
use incident_core::sanitize;

/// The report's own second-level headings, in order.
const SECTIONS: [&str; 12] = [
    "Summary",
    "Impact",
    "Causes",
    "Roles",
    "Symptoms",
    "Hypotheses",
    "Tests and results",
    "Decisions",
    "Timeline",
    "Action items",
    "Lessons learned",
    "Metrics",
];

pub const ITEM: Place<'static> = Place::Block { indent: "  " };
pub const TASK: Place<'static> = Place::Block { indent: "      " };
pub const PARAGRAPH: Place<'static> = Place::Block { indent: "" };

pub fn text(text: &str, place: Place<'_>) -> String {
    escape::markdown(text, place)
}

pub fn cell(value: &str) -> String {
    escape::markdown(value, Place::Cell)
}

/// A title for a heading: one line, and trailing punctuation written as a character
/// reference, which renders the same but is not flagged by markdownlint (MD026).
pub fn heading(title: &str, others: &[String]) -> String {
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
/// What a Markdown report holds beyond the log itself.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The mermaid chart (`report --no-chart` leaves it out).
    pub chart: bool,
}

pub fn render(incident: &Incident, now: DateTime<Utc>, options: Options) -> String {
    let report = Report::new(incident, now);
    let mut out = String::with_capacity(4096 + incident.entries.len() * 256);
    report.title(&mut out, &SECTIONS);
    report.header(&mut out);
    section(&mut out, "Summary", |out| report.summary(out));
    if options.chart
        && let Some(chart) = super::chart::gantt(incident)
    {
        out.push_str(&chart);
    }
    if report.has_impacts() {
        section(&mut out, "Impact", |out| report.impact(out));
    }
    if report.has_causes() {
        section(&mut out, "Causes", |out| {
            report.causes(out, &CauseKind::ALL)
        });
    }
    if report.has_roles() {
        section(&mut out, "Roles", |out| report.roles(out));
    }
    section(&mut out, "Symptoms", |out| report.symptoms(out));
    section(&mut out, "Hypotheses", |out| report.hypotheses(out));
    section(&mut out, "Tests and results", |out| report.tests(out));
    if report.has_decisions() {
        section(&mut out, "Decisions", |out| report.decisions(out));
    }
    section(&mut out, "Timeline", |out| report.timeline(out));
    section(&mut out, "Action items", |out| report.actions(out));
    if report.has_lessons() {
        section(&mut out, "Lessons learned", |out| report.lessons(out));
    }
    section(&mut out, "Metrics", |out| report.metrics(out));
    finish(out)
}

/// A `## title` and its body, with the blank lines Markdown wants around them.
pub fn section(out: &mut String, title: &str, body: impl FnOnce(&mut String)) {
    let _ = writeln!(out, "## {title}\n");
    body(out);
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
}

/// One newline at the end, none before it.
pub fn finish(mut out: String) -> String {
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

pub struct Report<'a> {
    incident: &'a Incident,
    state: State<'a>,
    root_cause: Option<Label>,
    now: DateTime<Utc>,
}

impl<'a> Report<'a> {
    pub fn new(incident: &'a Incident, now: DateTime<Utc>) -> Report<'a> {
        let state = incident.state();
        Report {
            incident,
            root_cause: state.root_cause(),
            state,
            now,
        }
    }

    /// `# Title`, kept apart from the report's other headings (`sections`, test labels).
    pub fn title(&self, out: &mut String, sections: &[&str]) {
        let others: Vec<String> = sections
            .iter()
            .map(|section| section.to_string())
            .chain(
                self.incident
                    .entries_of(Kind::Test)
                    .chain(self.incident.entries_of(Kind::Decision))
                    .map(|entry| entry.id.to_string()),
            )
            .collect();
        let _ = writeln!(out, "# {}\n", heading(self.state.title(), &others));
    }

    pub fn header(&self, out: &mut String) {
        let incident = self.incident;
        out.push_str("| Field | Value |\n| --- | --- |\n");
        let _ = writeln!(out, "| Incident | {} |", incident.id);
        let status = match incident.status() {
            Status::Open => "Open (still in progress)",
            Status::Closed => "Closed",
        };
        let _ = writeln!(out, "| Status | {status} |");
        // A postmortem reports how bad it got; where it ended is said beside it.
        if let (Some(peak), Some(now)) = (self.state.peak_severity(), self.state.severity()) {
            let now = if now == peak {
                String::new()
            } else {
                format!(" at its peak, {now} at the end")
            };
            let _ = writeln!(out, "| Severity | {peak}{now} (1 is the most severe) |");
        }
        if self.incident.entries_of(Kind::Stage).next().is_some()
            || incident.status() == Status::Closed
        {
            let _ = writeln!(out, "| Stage | {} |", self.state.stage().name());
        }
        let roles = self.state.roles();
        if !roles.is_empty() {
            let holders: Vec<String> = roles
                .iter()
                .map(|(role, holder)| format!("{role}: {holder}"))
                .collect();
            let _ = writeln!(out, "| Roles | {} |", cell(&holders.join("; ")));
        }
        let _ = writeln!(out, "| Opened | {} UTC |", utc_time(incident.opened_at));
        if let Some(closed_at) = incident.closed_at() {
            let _ = writeln!(out, "| Closed | {} UTC |", utc_time(closed_at));
        }
        let duration = human_duration(self.state.elapsed(self.now));
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
    pub fn responders(&self) -> Vec<&str> {
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

    pub fn summary(&self, out: &mut String) {
        let incident = self.incident;
        self.marks(out);
        match (incident.status(), incident.resolution()) {
            (Status::Open, _) => out.push_str("This incident is still open.\n\n"),
            (Status::Closed, Some(resolution)) => {
                let _ = writeln!(out, "{}\n", text(resolution, PARAGRAPH));
            }
            (Status::Closed, None) => out.push_str("Closed without a resolution summary.\n\n"),
        }
        self.impact_line(out);
        match self.root_cause.and_then(|label| self.state.entry(label)) {
            Some(cause) => {
                self.root_cause_line(out, cause);
                out.push_str("\\\n");
            }
            None => self.no_root_cause(out),
        }
        self.trigger_line(out);
        out.push_str("\n\n");
        let _ = writeln!(out, "{}\n", self.tally());
    }

    /// What became of the incident as a whole, first: a reader of an incident merged
    /// away learns at once where its log went on.
    fn marks(&self, out: &mut String) {
        let incident = self.incident;
        let said = |mark: &Mark| {
            let why = mark
                .why
                .as_deref()
                .map(|why| format!(": {}", text(why, PARAGRAPH)))
                .unwrap_or_default();
            format!(
                "on {} UTC by {}{why}",
                utc_time(mark.at),
                text(&mark.by, PARAGRAPH)
            )
        };
        if let Some(merged) = incident.merged_into() {
            let _ = writeln!(
                out,
                "This incident was merged into {} {}.\\\nIts entries are there too; this \
                 log is kept as it was, read-only.\n",
                text(merged.other(), PARAGRAPH),
                said(merged)
            );
        } else if let Some(discarded) = incident.discarded() {
            let _ = writeln!(
                out,
                "This incident was discarded as opened by mistake {}. Nothing was deleted.\n",
                said(discarded)
            );
        }
        let merged_in: Vec<String> = incident
            .merged_in()
            .map(|merged| {
                format!(
                    "Merged in {} {}.",
                    text(merged.other(), PARAGRAPH),
                    said(merged)
                )
            })
            .collect();
        if !merged_in.is_empty() {
            let _ = writeln!(out, "{}\n", merged_in.join("\\\n"));
        }
    }

    /// No root cause recorded: the confirmed hypotheses are shown as confirmed, never as
    /// the cause, with how to record which one it was.
    fn no_root_cause(&self, out: &mut String) {
        let confirmed = self.state.confirmed();
        if confirmed.is_empty() {
            out.push_str(
                "**Root cause:** not identified. To record it, run \"incident cause TEXT \
                 --root\".\\\n",
            );
            return;
        }
        out.push_str("**Root cause:** not recorded.");
        for hypothesis in &confirmed {
            let _ = write!(
                out,
                "\\\nConfirmed, not recorded as the root cause: {}: {}",
                hypothesis.id,
                text(self.state.text(hypothesis), PARAGRAPH)
            );
            if let Some(result) = self.confirming_result(hypothesis.id) {
                let _ = write!(out, "\\\nConfirmed by {}", self.result_reference(result));
            }
        }
        let label = match confirmed.as_slice() {
            [only] => only.id.to_string(),
            _ => "LABEL".to_string(),
        };
        // Plain words, not code spans: the report's only code is evidence output.
        let _ = match self.incident.closed_at() {
            // Closing again restates the close time, so the report's times stay the same.
            Some(closed_at) => write!(
                out,
                "\\\nTo record it, run \"incident reopen\", then \"incident close \
                 --root-cause {label} --at {}\".",
                closed_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            None => write!(
                out,
                "\\\nTo record it, close with \"incident close --root-cause {label}\"."
            ),
        };
        out.push_str("\\\n");
    }

    /// `Impact: I1: text, from … to … UTC`, or how to record it; ends without a newline.
    fn impact_line(&self, out: &mut String) {
        let impacts: Vec<&Entry> = self.state.live(Kind::Impact).collect();
        if impacts.is_empty() {
            out.push_str(
                "Impact: not recorded. To record it, run \"incident impact TEXT --from TIME \
                 --to TIME\".\\\n",
            );
            return;
        }
        let said: Vec<String> = impacts
            .iter()
            .map(|impact| {
                format!(
                    "{}: {}",
                    impact.id,
                    text(self.state.text(impact), PARAGRAPH)
                )
            })
            .collect();
        let _ = write!(out, "Impact: {}", said.join("; "));
        match (self.state.impact_started_at(), self.state.impact_ended_at()) {
            (Some(from), Some(to)) => {
                let _ = write!(out, " (from {} to {} UTC)", utc_time(from), utc_time(to));
            }
            (Some(from), None) => {
                let _ = write!(out, " (from {} UTC, end not recorded)", utc_time(from));
            }
            _ => {}
        }
        out.push_str("\\\n");
    }

    /// `**Root cause:** …` as recorded: the cause's own words, and the hypothesis and
    /// result that established it. Ends without a newline.
    fn root_cause_line(&self, out: &mut String, named: &'a Entry) {
        // A root cause recorded in its own words (not only the hypothesis's) leads with them.
        let worded = self.state.causes(CauseKind::Root).into_iter().find(|cause| {
            cause.id != named.id
                && matches!(cause.body, Body::Cause { hypothesis: Some(h), .. } if h == named.id)
                && self.state.text(cause) != self.state.text(named)
        });
        match worded {
            Some(cause) => {
                let _ = write!(
                    out,
                    "**Root cause:** {}: {}\\\nEstablished by {}: {}",
                    cause.id,
                    text(self.state.text(cause), PARAGRAPH),
                    named.id,
                    text(self.state.text(named), PARAGRAPH)
                );
            }
            _ => {
                let _ = write!(
                    out,
                    "**Root cause:** {}: {}",
                    named.id,
                    text(self.state.text(named), PARAGRAPH)
                );
            }
        }
        if named.kind() == Kind::Hypothesis {
            match self.confirming_result(named.id) {
                Some(result) => {
                    let _ = write!(out, "\\\nConfirmed by {}", self.result_reference(result));
                }
                None => out.push_str("\\\nNamed at close; no result confirmed it."),
            }
        }
    }

    /// `Trigger: C1: text`, or how to record it; ends without a newline.
    fn trigger_line(&self, out: &mut String) {
        let triggers = self.state.causes(CauseKind::Trigger);
        if triggers.is_empty() {
            out.push_str(
                "Trigger: not recorded. To record it, run \"incident cause TEXT --trigger\".",
            );
            return;
        }
        let said: Vec<String> = triggers
            .iter()
            .map(|cause| format!("{}: {}", cause.id, text(self.state.text(cause), PARAGRAPH)))
            .collect();
        let _ = write!(out, "Trigger: {}", said.join("; "));
    }

    pub fn has_impacts(&self) -> bool {
        self.incident.entries_of(Kind::Impact).next().is_some()
    }

    /// Each impact with its window, then when the impact as a whole started and ended.
    pub fn impact(&self, out: &mut String) {
        let impacts: Vec<&Entry> = self.state.live(Kind::Impact).collect();
        if impacts.is_empty() {
            out.push_str("Nothing recorded yet: `incident impact TEXT --from TIME --to TIME`.\n\n");
        } else {
            out.push_str(
                "| Label | Who or what was affected | From | To |\n| --- | --- | --- | --- |\n",
            );
            for impact in &impacts {
                let (from, to) = match impact.body {
                    Body::Impact { from, to } => (from, to),
                    _ => (None, None),
                };
                let when = |at: Option<DateTime<Utc>>| {
                    at.map_or_else(
                        || "not recorded".to_string(),
                        |at| format!("{} UTC", utc_time(at)),
                    )
                };
                let _ = writeln!(
                    out,
                    "| {} | {}{} | {} | {} |",
                    impact.id,
                    cell(self.state.text(impact)),
                    self.corrections(impact, Place::Cell),
                    when(from),
                    when(to)
                );
            }
            out.push('\n');
            let started = match self.state.impact_started_at() {
                Some(at) => format!("{} UTC", utc_time(at)),
                None => "not recorded".to_string(),
            };
            let ended = match self.state.impact_ended_at() {
                Some(at) => format!("{} UTC", utc_time(at)),
                None => "not recorded (`incident impact … --to TIME`)".to_string(),
            };
            let _ = writeln!(out, "The impact started {started} and ended {ended}.\n");
        }
        self.left_out(out, Kind::Impact);
    }

    /// `Retracted and left out: L4 (E9).` for the entries of a kind taken back, which a
    /// section of facts no longer shows.
    fn left_out(&self, out: &mut String, kind: Kind) {
        self.left_out_of(out, kind, |_| true);
    }

    /// `left_out` for the entries of a kind that `belongs` keeps: the causes of one
    /// section, when the causes are split over several.
    fn left_out_of(&self, out: &mut String, kind: Kind, belongs: impl Fn(&Entry) -> bool) {
        let retracted: Vec<String> = self
            .incident
            .entries_of(kind)
            .filter(|entry| belongs(entry))
            .filter_map(|entry| {
                self.state
                    .retraction(entry.id)
                    .map(|retraction| format!("{} ({})", entry.id, retraction.id))
            })
            .collect();
        if !retracted.is_empty() {
            let _ = writeln!(out, "Retracted and left out: {}.\n", retracted.join(", "));
        }
    }

    pub fn has_causes(&self) -> bool {
        self.incident.entries_of(Kind::Cause).next().is_some()
    }

    /// The causes that still count, of the kinds asked for, each with the hypothesis
    /// that established it. A cause whose hypothesis was ruled out or retracted is no
    /// cause: it is named by label only, at the end.
    pub fn causes(&self, out: &mut String, kinds: &[CauseKind]) {
        let mut set_aside: Vec<String> = Vec::new();
        for kind in kinds {
            let (title, flag) = match kind {
                CauseKind::Trigger => ("Trigger", "--trigger"),
                CauseKind::Root => ("Root causes", "--root"),
                CauseKind::Contributing => ("Contributing factors", "--contributing"),
            };
            // A section of one kind (Google's Trigger) is titled already.
            if kinds.len() > 1 {
                let _ = writeln!(out, "{title}:\n");
            }
            // Causes naming the same hypothesis as an earlier one are folded into it.
            let mut shown: Vec<(&Entry, Vec<Label>)> = Vec::new();
            for cause in self.state.causes(*kind) {
                let hypothesis = match cause.body {
                    Body::Cause { hypothesis, .. } => hypothesis,
                    _ => None,
                };
                if let Some(hypothesis) = hypothesis
                    && !self.state.is_standing(hypothesis)
                {
                    set_aside.push(format!("{} ({hypothesis} no longer stands)", cause.id));
                    continue;
                }
                let same = shown.iter_mut().find(|(earlier, _)| {
                    hypothesis.is_some()
                        && matches!(earlier.body, Body::Cause { hypothesis: h, .. } if h == hypothesis)
                });
                match same {
                    // The one in its own words leads; a close's copy of the hypothesis
                    // follows it.
                    Some((earlier, also)) => {
                        let echoes = |entry: &Entry| {
                            hypothesis
                                .and_then(|h| self.state.entry(h))
                                .is_some_and(|h| self.state.text(h) == self.state.text(entry))
                        };
                        if echoes(earlier) && !echoes(cause) {
                            also.push(earlier.id);
                            *earlier = cause;
                        } else {
                            also.push(cause.id);
                        }
                    }
                    None => shown.push((cause, Vec::new())),
                }
            }
            if shown.is_empty() {
                let _ = writeln!(out, "Nothing recorded yet: `incident cause TEXT {flag}`.\n");
                continue;
            }
            for (cause, also) in shown {
                let _ = write!(
                    out,
                    "- **{}** {}",
                    cause.id,
                    text(self.state.text(cause), ITEM)
                );
                if let Body::Cause {
                    hypothesis: Some(hypothesis),
                    ..
                } = cause.body
                {
                    let _ = write!(out, "; established by {hypothesis}");
                    if let Some(result) = self.confirming_result(hypothesis) {
                        let _ = write!(out, " (confirmed by {})", result.id);
                    }
                }
                if !also.is_empty() {
                    let _ = write!(out, "; also recorded as {}", join_labels(&also));
                }
                let _ = writeln!(out, "{}", self.corrections(cause, ITEM));
            }
            out.push('\n');
        }
        if !set_aside.is_empty() {
            let _ = writeln!(
                out,
                "Not counted, their hypothesis ruled out or retracted: {}.\n",
                set_aside.join(", ")
            );
        }
        self.left_out_of(
            out,
            Kind::Cause,
            |entry| matches!(entry.body, Body::Cause { cause, .. } if kinds.contains(&cause)),
        );
    }

    pub fn has_lessons(&self) -> bool {
        self.incident.entries_of(Kind::Lesson).next().is_some()
    }

    /// What went well, what went wrong, where we got lucky; retracted lessons left out.
    pub fn lessons(&self, out: &mut String) {
        for (went, title) in [
            (Went::Well, "What went well"),
            (Went::Wrong, "What went wrong"),
            (Went::Lucky, "Where we got lucky"),
        ] {
            let _ = writeln!(out, "{title}:\n");
            let lessons = self.state.lessons(went);
            if lessons.is_empty() {
                let _ = writeln!(
                    out,
                    "Nothing recorded yet: `incident lesson TEXT --went {}`.\n",
                    went.name()
                );
                continue;
            }
            for lesson in lessons {
                let _ = writeln!(
                    out,
                    "- **{}** {} (by {}){}",
                    lesson.id,
                    text(self.state.text(lesson), ITEM),
                    text(&lesson.by, ITEM),
                    self.corrections(lesson, ITEM)
                );
            }
            out.push('\n');
        }
        self.left_out(out, Kind::Lesson);
    }

    fn confirming_result(&self, hypothesis: Label) -> Option<&'a Entry> {
        self.state.confirmed_by(hypothesis)
    }

    /// `R2 (result of T1, 03:12 UTC): text`, for use in a paragraph.
    fn result_reference(&self, result: &'a Entry) -> String {
        let Body::Result { test, .. } = &result.body else {
            return result.id.to_string();
        };
        format!(
            "{} (result of {test}, {} UTC): {}",
            result.id,
            utc_time(self.state.at(result)),
            text(self.state.text(result), PARAGRAPH)
        )
    }

    pub fn tally(&self) -> String {
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

    pub fn symptoms(&self, out: &mut String) {
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
            utc_time(self.state.at(entry)),
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

    pub fn hypotheses(&self, out: &mut String) {
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

    pub fn tests(&self, out: &mut String) {
        // Every result of each test, retracted ones too (they are shown, marked).
        let mut results_by_test: std::collections::HashMap<Label, Vec<&Entry>> =
            std::collections::HashMap::new();
        for entry in &self.incident.entries {
            if let Body::Result { test, .. } = &entry.body {
                results_by_test.entry(*test).or_default().push(entry);
            }
        }
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
                utc_time(self.state.at(test)),
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
            let results = results_by_test.get(&test.id).map_or(&[][..], Vec::as_slice);
            for result in results {
                if let Body::Result { run: Some(run), .. } = &result.body {
                    out.push_str(&evidence_block(run, ""));
                    out.push('\n');
                }
            }
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

    /// The story, in order of time: the opening, each close and reopen, the impact's start
    /// and end, and every entry that is an event of the response. Entries at the same time
    /// keep the order they were recorded in, the opening first; they show their current
    /// text at their current time. What belongs to another line is folded into it: a
    /// correction into the entry it corrects, a `--run` result into its test. Impacts,
    /// causes, lessons and done marks have their own sections, with their labels.
    pub fn timeline(&self, out: &mut String) {
        let incident = self.incident;
        let opening = Moment {
            at: incident.opened_at,
            recorded: Uuid::nil(),
            what: What::Opened,
            text: Some(self.state.title()),
            by: &incident.opened_by,
        };
        let entries = incident
            .entries
            .iter()
            .filter(|entry| self.on_timeline(entry))
            .map(|entry| Moment {
                at: self.state.at(entry),
                recorded: entry.uuid,
                what: What::Entry(entry),
                text: Some(self.state.text(entry)).filter(|said| !said.trim().is_empty()),
                by: &entry.by,
            });
        let windows = self.state.live(Kind::Impact).flat_map(|impact| {
            let (from, to) = match impact.body {
                Body::Impact { from, to } => (from, to),
                _ => (None, None),
            };
            let moment = |at: DateTime<Utc>, what| Moment {
                at,
                recorded: impact.uuid,
                what,
                text: None,
                by: &impact.by,
            };
            from.map(|at| moment(at, What::ImpactStarted(impact)))
                .into_iter()
                .chain(to.map(|at| moment(at, What::ImpactEnded(impact))))
        });
        let changes = incident.lifecycle.iter().map(|change| Moment {
            at: change.at,
            recorded: change.uuid,
            what: match change.change {
                Change::Closed => What::Closed,
                Change::Reopened => What::Reopened,
            },
            text: change.resolution.as_deref(),
            by: &change.by,
        });
        // A merge made void by the same pair merged the other way first is no part of it.
        let marks = incident
            .marks
            .iter()
            .filter(|mark| incident.applies(mark))
            .map(|mark| Moment {
                at: mark.at,
                recorded: mark.uuid,
                what: What::Mark(mark),
                text: mark.why.as_deref(),
                by: &mark.by,
            });
        let mut moments: Vec<Moment> = std::iter::once(opening)
            .chain(entries)
            .chain(windows)
            .chain(changes)
            .chain(marks)
            .collect();
        // Equal times keep the order things were recorded in, which the uuid v7s give to
        // the millisecond; the opening comes first.
        moments.sort_by_key(|moment| (moment.at, moment.recorded));
        // Each test's bare `--run` results, gathered once: looked up per test, they made
        // a report of thousands of tests quadratic.
        let mut runs: LabelMap<Vec<&Entry>> = LabelMap::default();
        for result in &incident.entries {
            if let Body::Result { test, .. } = &result.body
                && self.is_bare_run(result)
            {
                runs.entry(*test).or_default().push(result);
            }
        }
        for moment in moments {
            out.push_str("- ");
            push_utc_time(out, moment.at);
            out.push_str(" UTC, ");
            match moment.what {
                What::Opened => out.push_str("opened"),
                What::Closed => out.push_str("closed"),
                What::Reopened => out.push_str("reopened"),
                What::Mark(mark) => {
                    out.push_str(mark.mark.name());
                    if let Some(other) = &mark.incident {
                        out.push(' ');
                        out.push_str(&text(other, ITEM));
                    }
                }
                What::Entry(entry) => self.timeline_what(out, entry),
                What::ImpactStarted(impact) => {
                    let _ = write!(out, "impact started ({})", impact.id);
                }
                What::ImpactEnded(impact) => {
                    let _ = write!(out, "impact ended ({})", impact.id);
                }
            }
            if let Some(said) = moment.text {
                out.push_str(": ");
                out.push_str(&text(said, ITEM));
            }
            if !matches!(moment.what, What::ImpactStarted(_) | What::ImpactEnded(_)) {
                out.push_str(" (by ");
                out.push_str(&text(moment.by, ITEM));
                out.push(')');
            }
            match moment.what {
                What::Entry(entry) => {
                    out.push_str(&self.corrections(entry, ITEM));
                    for result in runs.get(&entry.id).into_iter().flatten() {
                        self.ran(out, result);
                    }
                }
                What::Opened => out.push_str(&self.retitled()),
                _ => {}
            }
            out.push('\n');
        }
        out.push('\n');
    }

    /// Whether an entry is a line of its own on the timeline, rather than folded into
    /// another line or shown in a section of its own.
    fn on_timeline(&self, entry: &Entry) -> bool {
        match &entry.body {
            Body::Impact { .. } | Body::Cause { .. } | Body::Lesson { .. } | Body::Done { .. } => {
                false
            }
            Body::Amend { .. } => false,
            // A retraction keeps its line (its entry says it was taken back, and by whom);
            // one of a fact shown in its own section is named there.
            Body::Retract { target, .. } => self
                .state
                .entry(*target)
                .is_none_or(|taken| self.on_timeline(taken) || taken.kind() == Kind::Amend),
            Body::Result { .. } => !self.is_bare_run(entry),
            // Follow-ups recorded after the close belong to the postmortem, not the story.
            Body::Action { .. } => self
                .incident
                .closed_at()
                .is_none_or(|closed| self.state.at(entry) <= closed),
            _ => true,
        }
    }

    /// A result that only reports what `--run` did (no verdict): the test's line says it.
    fn is_bare_run(&self, entry: &Entry) -> bool {
        matches!(
            &entry.body,
            Body::Result { run: Some(_), rules_out, confirms, .. }
                if rules_out.is_empty() && confirms.is_empty()
        )
    }

    /// `; ran it, R1: exited with 0 after 5ms`: a test's bare `--run` result.
    fn ran(&self, out: &mut String, result: &Entry) {
        let _ = write!(
            out,
            "; ran it, **{}**: {}{}",
            result.id,
            text(self.state.text(result), ITEM),
            self.corrections(result, ITEM)
        );
    }

    /// ` (retitled by E3)` when the title shown is a correction, or nothing.
    fn retitled(&self) -> String {
        let retitles: Vec<Label> = self
            .state
            .live(Kind::Retitle)
            .map(|entry| entry.id)
            .collect();
        if retitles.is_empty() {
            String::new()
        } else {
            format!(" (retitled by {})", join_labels(&retitles))
        }
    }

    /// The follow-ups as a task list: owner, due date and ticket, the done ones checked
    /// with who closed them, when and how. Retracted ones are left out, since a task list
    /// is what remains to do.
    pub fn actions(&self, out: &mut String) {
        let mut any = false;
        for action in self.state.live(Kind::Action) {
            any = true;
            let mut facts = vec![self.state.owner(action).map_or_else(
                || "no owner yet".to_string(),
                |owner| format!("owner: {}", text(owner, TASK)),
            )];
            if let Body::Action { due, link, .. } = &action.body {
                if let Some(due) = due {
                    facts.push(format!("due {}", due.format("%Y-%m-%d")));
                }
                if let Some(link) = link {
                    facts.push(format!("ticket {}", ticket(link)));
                }
            }
            let done = self.state.done_by(action.id);
            let _ = write!(
                out,
                "- [{}] **{}** {} ({}){}",
                if done.is_some() { "x" } else { " " },
                action.id,
                text(self.state.text(action), TASK),
                facts.join("; "),
                self.corrections(action, TASK)
            );
            if let Some(done) = done {
                let _ = write!(
                    out,
                    "\\\n      Done by {} at {} UTC ({})",
                    text(&done.by, TASK),
                    utc_time(self.state.at(done)),
                    done.id
                );
                let how = self.state.text(done);
                if !how.trim().is_empty() {
                    let _ = write!(out, ": {}", text(how, TASK));
                }
                out.push_str(&self.corrections(done, TASK));
            }
            out.push('\n');
        }
        if !any {
            out.push_str("No action items recorded.\n");
        }
        out.push('\n');
        self.left_out(out, Kind::Action);
        // Done entries that no longer count, or that finished only retracted actions, are
        // named so that nothing in the log goes unmentioned.
        let other: Vec<String> = self
            .incident
            .entries_of(Kind::Done)
            .filter(|done| {
                self.state.is_retracted(done.id)
                    || !matches!(&done.body, Body::Done { actions } if actions.iter().any(|action| !self.state.is_retracted(*action) && self.state.done_by(*action).is_some_and(|by| by.id == done.id)))
            })
            .map(|done| match self.state.retraction(done.id) {
                Some(retraction) => format!("{} (retracted by {})", done.id, retraction.id),
                None => done.id.to_string(),
            })
            .collect();
        if !other.is_empty() {
            let _ = writeln!(
                out,
                "Done entries that mark no listed action: {}.\n",
                other.join(", ")
            );
        }
    }

    /// The model's metrics, formatted: the same numbers as the JSON `metrics`.
    pub fn metrics(&self, out: &mut String) {
        let metrics = self.state.metrics();
        let show = |span: Option<Span>, clamped: &str, none: &str| match span {
            Some(span) if span.clamped => format!("{} ({clamped})", human_duration(span.seconds)),
            Some(span) => human_duration(span.seconds),
            None => none.to_string(),
        };
        let before = "before the incident was opened";
        let before_impact = "before the impact started";
        // Detect, identify, mitigate and resolve count from the impact start; with no
        // impact or symptom recorded the model counts from the opening, and says so here.
        let base = if self.state.impact_started_at().is_some() {
            "from the impact start"
        } else {
            "from the opening: no impact or symptom recorded"
        };
        let _ = writeln!(
            out,
            "- Time undetected (impact start to opening): {}",
            show(
                metrics.time_to_detect,
                "the impact started after the incident was opened",
                "no impact or symptom recorded"
            )
        );
        let _ = writeln!(
            out,
            "- Time to first hypothesis (from the opening): {}",
            show(
                metrics.time_to_first_hypothesis,
                &format!("the first hypothesis came {before}"),
                "no hypothesis yet"
            )
        );
        let _ = writeln!(
            out,
            "- Time to identify ({base}): {}",
            show(
                metrics.time_to_identify,
                &format!("identified {before_impact}"),
                "not identified"
            )
        );
        let _ = writeln!(
            out,
            "- Time to root cause (from the opening): {}",
            show(
                metrics.time_to_root_cause,
                &format!("confirmed {before}"),
                "no root cause recorded"
            )
        );
        let _ = writeln!(
            out,
            "- Time to mitigate ({base}): {}",
            show(
                metrics.time_to_mitigate,
                &format!("mitigated {before_impact}"),
                "not mitigated"
            )
        );
        let resolve = match metrics.time_to_resolve {
            Some(span) => human_duration(span.seconds),
            None => format!(
                "still open after {}",
                human_duration(self.state.elapsed(self.now))
            ),
        };
        let _ = writeln!(out, "- Time to resolve ({base}): {resolve}");
        out.push('\n');
    }

    /// What the timeline says an entry was: its label, kind and the facts of its kind.
    fn timeline_what(&self, out: &mut String, entry: &Entry) {
        let _ = write!(out, "**{}** {}", entry.id, entry.kind().name());
        let _ = match &entry.body {
            Body::Amend { target, .. } | Body::Retract { target, .. } => {
                write!(out, " of {target}")
            }
            Body::Severity { severity } => write!(out, " {severity}"),
            Body::Stage { stage } => write!(out, " {}", stage.name()),
            Body::Role { role, holder } => {
                write!(out, " {} to {}", text(role, ITEM), text(holder, ITEM))
            }
            Body::Decision { option } => write!(out, " for {option}"),
            Body::Result { run: Some(_), .. } => write!(out, " of the command run"),
            _ => Ok(()),
        };
    }

    /// The earliest symptom still standing, and when it was observed: the one the model's
    /// time to detect is measured from.
    pub fn first_symptom(&self) -> Option<(Label, DateTime<Utc>)> {
        self.state
            .first(Kind::Symptom)
            .map(|symptom| (symptom.id, self.state.at(symptom)))
    }

    /// An entry's current text, escaped for `place`.
    pub fn entry_text(&self, label: Label, place: Place<'_>) -> String {
        self.state
            .entry(label)
            .map_or_else(String::new, |entry| text(self.state.text(entry), place))
    }

    pub fn metrics_of(&self) -> incident_core::model::Metrics {
        self.state.metrics()
    }

    pub fn has_roles(&self) -> bool {
        self.incident.entries_of(Kind::Role).next().is_some()
    }

    /// Who held which role and when: each holder from their assignment to the next.
    pub fn roles(&self, out: &mut String) {
        let changes = self.state.role_changes();
        let mut roles: Vec<&str> = Vec::new();
        for change in &changes {
            if let Body::Role { role, .. } = &change.body
                && !roles.contains(&role.as_str())
            {
                roles.push(role);
            }
        }
        for role in roles {
            let held: Vec<(&Entry, &str)> = changes
                .iter()
                .filter_map(|change| match &change.body {
                    Body::Role { role: of, holder } if of == role => {
                        Some((*change, holder.as_str()))
                    }
                    _ => None,
                })
                .collect();
            let spans: Vec<String> = held
                .iter()
                .enumerate()
                .map(|(position, (change, holder))| {
                    let until = held
                        .get(position + 1)
                        .map_or_else(String::new, |(next, _)| {
                            format!(" to {} UTC", utc_time(self.state.at(next)))
                        });
                    format!(
                        "{} from {} UTC{until}",
                        text(holder, ITEM),
                        utc_time(self.state.at(change))
                    )
                })
                .collect();
            let _ = writeln!(out, "- {}: {}", text(role, ITEM), spans.join("; "));
        }
        out.push('\n');
    }

    pub fn has_decisions(&self) -> bool {
        self.state.live(Kind::Option).next().is_some()
            || self.state.live(Kind::Decision).next().is_some()
    }

    /// Each decision as S.O.C.S. weighs it: the situation when it was made, the options
    /// with their consequences, and the solution chosen, by whom, when and why. A retracted
    /// decision is no decision: it is left out here, and the timeline shows it retracted.
    /// Each lists the options recorded before it (what there was to choose from); the
    /// situation is the log as it stood at the decision's time, from the model.
    pub fn decisions(&self, out: &mut String) {
        let situations = self.state.situations();
        // Each decision lists the options weighed since the one before it, and the option
        // it chose if that came earlier: what was on the table, not every option ever, so
        // thousands of decisions stay a report a person can read. Retracted options stay
        // in the lists they were weighed in, marked retracted.
        let mut weighed: Vec<&Entry> = Vec::new();
        let mut undecided: Vec<&Entry> = Vec::new();
        for entry in &self.incident.entries {
            match &entry.body {
                Body::Option { .. } => {
                    weighed.push(entry);
                    if !self.state.is_retracted(entry.id) {
                        undecided.push(entry);
                    }
                }
                Body::Decision { option: chosen } => {
                    if let Some(situation) = situations.get(&entry.id) {
                        let mut options = weighed.clone();
                        if !options.iter().any(|option| option.id == *chosen)
                            && let Some(option) = self.state.entry(*chosen)
                        {
                            options.insert(0, option);
                        }
                        self.decision(out, situation, *chosen, &options);
                        weighed.clear();
                        undecided.clear();
                    }
                }
                _ => {}
            }
        }
        if !undecided.is_empty() {
            out.push_str("Options weighed, not yet decided:\n\n");
            for option in undecided {
                let _ = writeln!(out, "- {}", self.option_item(option, ""));
            }
            out.push('\n');
        }
    }

    fn decision(
        &self,
        out: &mut String,
        situation: &incident_core::model::Situation<'a>,
        chosen: Label,
        options: &[&'a Entry],
    ) {
        let decision = situation.decision;
        let _ = writeln!(out, "### {}\n", decision.id);
        let severity = situation
            .severity
            .map_or_else(|| "not set".to_string(), |severity| severity.to_string());
        // The first few standing hypotheses by label, and how many more: the Hypotheses
        // section lists them all.
        const NAMED: usize = 8;
        let mut standing: Vec<String> = situation
            .standing
            .iter()
            .take(NAMED)
            .map(|hypothesis| {
                format!(
                    "{} ({})",
                    hypothesis.id,
                    text(self.state.text(hypothesis), PARAGRAPH)
                )
            })
            .collect();
        if situation.standing.len() > NAMED {
            standing.push(format!("and {} more", situation.standing.len() - NAMED));
        }
        let _ = writeln!(
            out,
            "Situation at {} UTC: severity {severity}, stage {}; standing hypotheses: {}.\n",
            utc_time(situation.at),
            situation.stage.name(),
            if standing.is_empty() {
                "none".to_string()
            } else {
                standing.join(", ")
            }
        );
        out.push_str("Options:\n\n");
        for option in options {
            let mark = if option.id == chosen {
                " **Chosen.**"
            } else {
                ""
            };
            let _ = writeln!(out, "- {}", self.option_item(option, mark));
        }
        let _ = write!(
            out,
            "\nSolution: {chosen}, chosen by {} at {} UTC",
            text(&decision.by, PARAGRAPH),
            utc_time(situation.at)
        );
        let rationale = self.state.text(decision);
        if !rationale.trim().is_empty() {
            let _ = write!(out, ": {}", text(rationale, PARAGRAPH));
        }
        let corrections = self.corrections(decision, PARAGRAPH);
        if corrections.is_empty() {
            out.push_str(".\n\n");
        } else {
            let _ = writeln!(out, "{corrections}\n");
        }
    }

    /// `**O1** roll back to v41 **Chosen.**` and its consequence, for a list item.
    fn option_item(&self, option: &'a Entry, mark: &str) -> String {
        let mut item = format!(
            "**{}** {}{mark}",
            option.id,
            text(self.state.text(option), ITEM)
        );
        if let Some(consequence) = self.state.consequence(option) {
            let _ = write!(item, "\\\n  Consequence: {}", text(consequence, ITEM));
        }
        item.push_str(&self.corrections(option, ITEM));
        item
    }
}

struct Moment<'a> {
    at: DateTime<Utc>,
    recorded: Uuid,
    what: What<'a>,
    text: Option<&'a str>,
    by: &'a str,
}

enum What<'a> {
    Opened,
    Closed,
    Reopened,
    /// A merge, a discard or a restore.
    Mark(&'a Mark),
    Entry(&'a Entry),
    ImpactStarted(&'a Entry),
    ImpactEnded(&'a Entry),
}

/// A command's output as a fenced block: shown escaped (control characters visible, tabs
/// as spaces, no trailing blanks), behind a fence longer than any backtick run in it.
pub fn evidence_block(run: &Run, indent: &str) -> String {
    let shown = |line: &str| {
        expand_tabs(&sanitize::for_terminal(line))
            .trim_end()
            .to_string()
    };
    // The command, as typed but escaped like its output; a multi-line one continues
    // with `> ` as a shell would show it.
    let mut lines: Vec<String> = run
        .command
        .replace("\r\n", "\n")
        .split('\n')
        .enumerate()
        .map(|(number, line)| {
            let prompt = if number == 0 { "$ " } else { "> " };
            format!("{prompt}{}", shown(line))
        })
        .collect();
    if !run.output.is_empty() {
        lines.extend(
            run.output
                .replace("\r\n", "\n")
                .trim_end_matches('\n')
                .split('\n')
                .map(shown),
        );
    }
    let verdict = match (run.timed_out, run.exit_code) {
        (true, _) => format!("[timed out after {}]", human_ms(run.duration_ms)),
        (false, Some(code)) => format!("[exit {code} after {}]", human_ms(run.duration_ms)),
        (false, None) => format!("[killed by a signal after {}]", human_ms(run.duration_ms)),
    };
    lines.push(verdict);
    let longest_ticks = lines
        .iter()
        .flat_map(|line| line.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest_ticks.max(2) + 1);
    let mut block = format!("{indent}{fence}text\n");
    for line in lines {
        if line.is_empty() {
            block.push('\n');
        } else {
            let _ = writeln!(block, "{indent}{line}");
        }
    }
    let _ = writeln!(block, "{indent}{fence}");
    block
}

fn expand_tabs(line: &str) -> String {
    let mut expanded = String::with_capacity(line.len());
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let spaces = 8 - column % 8;
            expanded.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
        } else {
            expanded.push(c);
            column += 1;
        }
    }
    expanded
}

fn human_ms(milliseconds: u64) -> String {
    if milliseconds < 1000 {
        format!("{milliseconds}ms")
    } else {
        format!("{:.1}s", milliseconds as f64 / 1000.0)
    }
}

/// A ticket link as given: a real link only when it is a plain http(s) URL that cannot
/// break out of an autolink; anything else (`OPS-42`) is text, escaped like all user text.
pub fn ticket(link: &str) -> String {
    let lower = link.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let safe = rest.is_some_and(|rest| !rest.is_empty())
        && !link.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || sanitize::is_hidden(c)
                || matches!(c, '<' | '>' | '\\' | '`')
        });
    if safe {
        format!("<{link}>")
    } else {
        text(link, TASK)
    }
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
