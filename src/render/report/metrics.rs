//! `## Metrics`: the model's metrics, worded; the same numbers as the JSON `metrics`,
//! never computed here.

use std::fmt::Write;

use super::shared::Report;
use crate::render::human_duration;
use incident_core::model::{Measure, Origin, Span};

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
        // What counts from the impact start counts from the opening when no impact or
        // symptom is recorded: the model's rule, said here.
        let from = |measure: Measure| match metrics.counted_from(measure) {
            Origin::ImpactStart => "from the impact start",
            Origin::Opening if measure.origin() == Origin::Opening => "from the opening",
            Origin::Opening => "from the opening: no impact or symptom recorded",
        };
        let _ = writeln!(
            out,
            "- {} (impact start to opening): {}",
            Measure::Detect.title(),
            show(
                metrics[Measure::Detect],
                "the impact started after the incident was opened",
                "no impact or symptom recorded"
            )
        );
        let _ = writeln!(
            out,
            "- {} ({}): {}",
            Measure::FirstHypothesis.title(),
            from(Measure::FirstHypothesis),
            show(
                metrics[Measure::FirstHypothesis],
                &format!("the first hypothesis came {before}"),
                "no hypothesis yet"
            )
        );
        let _ = writeln!(
            out,
            "- {} ({}): {}",
            Measure::Identify.title(),
            from(Measure::Identify),
            show(
                metrics[Measure::Identify],
                &format!("identified {before_impact}"),
                "not identified"
            )
        );
        // A root cause written down after the close was not found then: say so, and how
        // to say when it was.
        let no_root_cause = match self.state.root_cause_known_after_close() {
            Some(cause) => format!(
                "not measured, {} was recorded after the close. To say when it was found, run \"incident amend {} --time TIME\"",
                cause.id, cause.id
            ),
            None => "no root cause recorded".to_string(),
        };
        let _ = writeln!(
            out,
            "- {} ({}): {}",
            Measure::RootCause.title(),
            from(Measure::RootCause),
            show(
                metrics[Measure::RootCause],
                &format!("confirmed {before}"),
                &no_root_cause
            )
        );
        let _ = writeln!(
            out,
            "- {} ({}): {}",
            Measure::Mitigate.title(),
            from(Measure::Mitigate),
            show(
                metrics[Measure::Mitigate],
                &format!("mitigated {before_impact}"),
                "not mitigated"
            )
        );
        let resolve = match metrics[Measure::Resolve] {
            Some(span) => human_duration(span.seconds),
            None => format!(
                "still open after {}",
                human_duration(self.state.elapsed(self.now))
            ),
        };
        let _ = writeln!(
            out,
            "- {} ({}): {resolve}",
            Measure::Resolve.title(),
            from(Measure::Resolve)
        );
        let _ = writeln!(
            out,
            "- {} ({}): {}",
            Measure::FirstUpdate.title(),
            from(Measure::FirstUpdate),
            show(
                metrics[Measure::FirstUpdate],
                &format!("sent {before}"),
                "no update sent"
            )
        );
        out.push('\n');
    }
}
