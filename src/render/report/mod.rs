//! The post-incident report in GitHub-flavoured Markdown: the default report (here), and
//! the templates other teams already use (`google.rs`, `pagerduty.rs`).
//!
//! Each report is a table of sections, each a title with what writes it (one file per
//! section: `summary.rs`, `impact.rs`, …, `timeline.rs`); the table gives the order, the
//! titles that the `# Title` must not repeat, and the writing. What the sections share
//! is in `shared.rs`, the Markdown text helpers in `text.rs`, a run's evidence block in
//! `evidence.rs`. Every piece of user text goes through `text.rs`'s escaping; nothing
//! else may write user text.

mod actions;
mod causes;
mod communication;
mod decisions;
mod detection;
mod evidence;
mod google;
mod header;
mod hypotheses;
mod impact;
mod lessons;
mod metrics;
mod pagerduty;
mod record;
mod resolution;
mod roles;
mod shared;
mod summary;
mod symptoms;
mod test_results;
pub mod text;
mod timeline;

#[cfg(test)]
mod gfm_tests;

use chrono::{DateTime, Utc};

pub use google::google;
use incident_core::model::{CauseKind, Incident};
pub use pagerduty::pagerduty;
use shared::Report;
pub use summary::summary_text;

/// What a Markdown report holds beyond the log itself.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The mermaid chart (`report --no-chart` leaves it out).
    pub chart: bool,
}

/// The default report. What a ticket reader needs first: Summary (with the chart), then
/// Impact and Causes (when recorded), then the diagnosis (Symptoms, Hypotheses, Tests and
/// results, Decisions), Timeline, Action items, Lessons learned (when recorded) and
/// Metrics; the contract's required sections keep their order.
const SECTIONS: [Section; 15] = [
    SUMMARY,
    KEY_EVENTS,
    Section {
        title: "Impact",
        shown: |report| report.has_impacts(),
        write: |report, out| report.impact(out),
    },
    Section {
        title: "Causes",
        shown: |report| report.has_causes(),
        write: |report, out| report.causes(out, &CauseKind::ALL),
    },
    Section {
        title: "Roles",
        shown: |report| report.has_roles(),
        write: |report, out| report.roles(out),
    },
    Section {
        title: "Symptoms",
        shown: always,
        write: |report, out| report.symptoms(out),
    },
    Section {
        title: "Hypotheses",
        shown: always,
        write: |report, out| report.hypotheses(out),
    },
    Section {
        title: "Tests and results",
        shown: always,
        write: |report, out| report.tests(out),
    },
    Section {
        title: "Decisions",
        shown: |report| report.has_decisions(),
        write: |report, out| report.decisions(out),
    },
    Section {
        title: "Timeline",
        shown: always,
        write: |report, out| report.timeline(out),
    },
    Section {
        title: "Communication",
        shown: |report| report.has_communication(),
        write: |report, out| report.communication(out),
    },
    Section {
        title: "Action items",
        shown: always,
        write: |report, out| report.actions(out),
    },
    Section {
        title: "Lessons learned",
        shown: |report| report.has_lessons(),
        write: |report, out| report.lessons(out),
    },
    Section {
        title: "Metrics",
        shown: always,
        write: |report, out| report.metrics(out),
    },
    RECORD,
];

/// What every report opens with: the summary (a person's, else told from the facts) and
/// the chart, then the key events.
const SUMMARY: Section = Section {
    title: "Summary",
    shown: always,
    write: |report, out| {
        report.summary(out);
        report.chart(out);
    },
};

const KEY_EVENTS: Section = Section {
    title: "Key events",
    shown: always,
    write: |report, out| report.key_events(out),
};

/// What every report ends with, when anything was corrected or merged.
const RECORD: Section = Section {
    title: "Record",
    shown: |report| report.has_record(),
    write: |report, out| report.record(out),
};

/// Renders the default report. `now` is used only while the incident is open, to say
/// how long it has been going on.
pub fn render(incident: &Incident, now: DateTime<Utc>, options: Options) -> String {
    write(incident, now, options, &SECTIONS)
}

/// A `## title` of a report and what writes its body, when `shown` says this incident's
/// report has it.
struct Section {
    title: &'static str,
    shown: fn(&Report<'_>) -> bool,
    write: fn(&Report<'_>, &mut String),
}

fn always(_: &Report<'_>) -> bool {
    true
}

/// A report from its table of sections: the `# Title` (kept apart from every section's
/// title), the header, and each section shown, in the table's order.
fn write(
    incident: &Incident,
    now: DateTime<Utc>,
    options: Options,
    sections: &[Section],
) -> String {
    let report = Report::new(incident, now, options);
    let mut out = String::with_capacity(4096 + incident.entries.len() * 256);
    let titles: Vec<&str> = sections.iter().map(|section| section.title).collect();
    report.title(&mut out, &titles);
    report.header(&mut out);
    for section in sections.iter().filter(|section| (section.shown)(&report)) {
        text::section(&mut out, section.title, |out| (section.write)(&report, out));
    }
    text::finish(out)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};
    use uuid::Uuid;

    use super::{Options, google, pagerduty, render};
    use incident_core::model::{Body, CauseKind, Incident, NewEntry, Stamp, Went};

    /// Closed in a hurry: an impact with no end, a root cause but no trigger, one lesson,
    /// no resolution, no symptom. Every report's sections want something recorded.
    fn hurried() -> Incident {
        let opened: DateTime<Utc> = "2026-11-21T02:00:00Z".parse().expect("a time");
        let stamp = |at| Stamp {
            uuid: Uuid::nil(),
            at,
            recorded_at: at,
            by: "ana".into(),
            key: false,
        };
        let mut incident =
            Incident::new("2026-11-21-x".into(), "Checkout down".into(), stamp(opened));
        for (body, text) in [
            (
                Body::Impact {
                    from: Some(opened),
                    to: None,
                },
                "checkouts failed",
            ),
            (
                Body::Cause {
                    cause: CauseKind::Root,
                    hypothesis: None,
                },
                "bad config",
            ),
            (Body::Lesson { went: Went::Well }, "paged fast"),
        ] {
            incident
                .record(NewEntry {
                    body,
                    at: opened,
                    by: "ana".into(),
                    text: text.into(),
                    uuid: Uuid::nil(),
                    recorded_at: opened,
                    key: false,
                })
                .expect("a valid entry");
        }
        incident
            .close(stamp(opened + Duration::minutes(30)), None, None)
            .expect("it closes");
        incident
    }

    /// What a report cannot show it says how to record, in one style everywhere: plain
    /// words, never a code span, so the report's only code stays evidence and the chart.
    #[test]
    fn every_report_says_how_to_record_in_the_same_words() {
        let incident = hurried();
        let now = "2026-11-21T05:00:00Z".parse().expect("a time");
        let options = Options { chart: false };
        for report in [
            render(&incident, now, options),
            google(&incident, now, options),
            pagerduty(&incident, now, options),
        ] {
            assert!(!report.contains('`'), "{report}");
            for line in report
                .lines()
                .filter(|line| line.contains("Nothing recorded yet"))
            {
                assert!(
                    line.starts_with("Nothing recorded yet. To record it, run \"incident "),
                    "{line}"
                );
            }
            let hints = report.matches(". To record it, run \"incident ").count();
            assert!(hints >= 3, "{report}");
        }
    }
}
