//! `## Metrics`: the model's metrics, worded; the same numbers as the JSON `metrics`,
//! never computed here.

use std::fmt::Write;

use super::shared::Report;
use crate::render::human_duration;
use incident_core::model::Span;

impl Report<'_> {
    /// The model's metrics, formatted: the same numbers as the JSON `metrics`.
    pub(super) fn metrics(&self, out: &mut String) {
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
}
