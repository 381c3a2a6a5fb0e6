//! `## Summary`: what became of the incident, its resolution, the impact, the root cause
//! and the trigger (or how to record each), a tally of the diagnosis, and the chart.

use std::fmt::Write;

use super::shared::Report;
use super::text::{PARAGRAPH, how_to_record, plural, text};
use crate::render::{chart, utc_time};
use incident_core::model::{Body, CauseKind, Entry, HypothesisStatus, Kind, Mark, Status};

impl<'a> Report<'a> {
    pub(super) fn summary(&self, out: &mut String) {
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
            let _ = writeln!(
                out,
                "**Root cause:** not identified. {}\\",
                how_to_record(&[&super::causes::recording(CauseKind::Root)])
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
        let close = format!("incident close --root-cause {label}");
        let hint = match self.incident.closed_at() {
            // Closing again restates the close time, so the report's times stay the same.
            Some(closed_at) => how_to_record(&[
                "incident reopen",
                &format!(
                    "{close} --at {}",
                    closed_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
            ]),
            None => how_to_record(&[&close]),
        };
        let _ = write!(out, "\\\n{hint}");
        out.push_str("\\\n");
    }

    /// `Impact: I1: text, from … to … UTC`, or how to record it; ends without a newline.
    fn impact_line(&self, out: &mut String) {
        let impacts: Vec<&Entry> = self.state.live(Kind::Impact).collect();
        if impacts.is_empty() {
            let _ = writeln!(
                out,
                "Impact: not recorded. {}\\",
                how_to_record(&[super::impact::RECORDING])
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
            let _ = write!(
                out,
                "Trigger: not recorded. {}",
                how_to_record(&[&super::causes::recording(CauseKind::Trigger)])
            );
            return;
        }
        let said: Vec<String> = triggers
            .iter()
            .map(|cause| format!("{}: {}", cause.id, text(self.state.text(cause), PARAGRAPH)))
            .collect();
        let _ = write!(out, "Trigger: {}", said.join("; "));
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

    /// The mermaid chart, where every report has it: right after the summary.
    pub(super) fn chart(&self, out: &mut String) {
        if self.options.chart
            && let Some(chart) = chart::gantt(self.incident)
        {
            out.push_str(&chart);
        }
    }
}
