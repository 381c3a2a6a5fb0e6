//! PagerDuty's postmortem template (`--template pagerduty`), filled from the log. A
//! section the log cannot fill says what to record to fill it, so the next regeneration
//! keeps it: nothing is left for hand editing, which a regeneration would lose.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::shared::Report;
use super::text::{PARAGRAPH, text};
use super::{KEY_EVENTS, Options, RECORD, SUMMARY, Section, always, write};
use incident_core::model::{CauseKind, Incident};

const SECTIONS: [Section; 12] = [
    SUMMARY,
    KEY_EVENTS,
    Section {
        title: "What Happened",
        shown: always,
        write: what_happened,
    },
    Section {
        title: "Contributing Factors",
        shown: always,
        write: |report, out| report.causes(out, &CauseKind::ALL),
    },
    Section {
        title: "Resolution",
        shown: always,
        write: |report, out| report.resolution(out),
    },
    Section {
        title: "Impact",
        shown: always,
        write: |report, out| report.impact(out),
    },
    Section {
        title: "Responders",
        shown: always,
        write: responders,
    },
    Section {
        title: "Communication",
        shown: |report| report.has_communication(),
        write: |report, out| report.communication(out),
    },
    Section {
        title: "Timeline",
        shown: always,
        write: |report, out| report.timeline(out),
    },
    Section {
        title: "How'd We Do?",
        shown: always,
        write: how_we_did,
    },
    Section {
        title: "Action Items",
        shown: always,
        write: |report, out| report.actions(out),
    },
    RECORD,
];

pub fn pagerduty(incident: &Incident, now: DateTime<Utc>, options: Options) -> String {
    write(incident, now, options, &SECTIONS)
}

fn what_happened(report: &Report<'_>, out: &mut String) {
    out.push_str("Symptoms as observed:\n\n");
    report.symptoms(out);
    out.push_str("Hypotheses, and how each was settled:\n\n");
    report.hypotheses(out);
}

fn responders(report: &Report<'_>, out: &mut String) {
    if report.has_roles() {
        report.roles(out);
    }
    let _ = writeln!(
        out,
        "Everyone who recorded an entry: {}.\n",
        text(&report.responders().join(", "), PARAGRAPH)
    );
}

fn how_we_did(report: &Report<'_>, out: &mut String) {
    report.lessons(out);
    out.push_str("How long each step took:\n\n");
    report.metrics(out);
}
