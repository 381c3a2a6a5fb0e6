//! Google's postmortem template, from the SRE book (`--template google`), filled from the
//! log. A section the log cannot fill says what to record to fill it, so the next
//! regeneration keeps it: nothing is left for hand editing, which a regeneration would
//! lose.

use chrono::{DateTime, Utc};

use super::{KEY_EVENTS, Options, RECORD, SUMMARY, Section, always, write};
use incident_core::model::{CauseKind, Incident};

const SECTIONS: [Section; 12] = [
    SUMMARY,
    KEY_EVENTS,
    Section {
        title: "Impact",
        shown: always,
        write: |report, out| report.impact(out),
    },
    Section {
        title: "Root Causes",
        shown: always,
        write: |report, out| report.causes(out, &[CauseKind::Root, CauseKind::Contributing]),
    },
    Section {
        title: "Trigger",
        shown: always,
        write: |report, out| report.causes(out, &[CauseKind::Trigger]),
    },
    Section {
        title: "Resolution",
        shown: always,
        write: |report, out| report.resolution(out),
    },
    Section {
        title: "Detection",
        shown: always,
        write: |report, out| report.detection(out),
    },
    Section {
        title: "Communication",
        shown: |report| report.has_communication(),
        write: |report, out| report.communication(out),
    },
    Section {
        title: "Action Items",
        shown: always,
        write: |report, out| report.actions(out),
    },
    Section {
        title: "Lessons Learned",
        shown: always,
        write: |report, out| report.lessons(out),
    },
    Section {
        title: "Timeline",
        shown: always,
        write: |report, out| report.timeline(out),
    },
    RECORD,
];

pub fn google(incident: &Incident, now: DateTime<Utc>, options: Options) -> String {
    write(incident, now, options, &SECTIONS)
}
