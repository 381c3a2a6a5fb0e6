//! The postmortem templates other teams already use, filled from the log: Google's SRE
//! book (`--template google`) and PagerDuty's (`--template pagerduty`). A section the log
//! cannot fill says what to record to fill it, so the next regeneration keeps it: nothing
//! is left for hand editing, which a regeneration would lose.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::human_duration;
use super::markdown::{Options, Report, finish, section};
use incident_core::model::{CauseKind, Incident, Measure};

const GOOGLE: [&str; 9] = [
    "Summary",
    "Impact",
    "Root Causes",
    "Trigger",
    "Resolution",
    "Detection",
    "Action Items",
    "Lessons Learned",
    "Timeline",
];

const PAGERDUTY: [&str; 9] = [
    "Overview",
    "What Happened",
    "Contributing Factors",
    "Resolution",
    "Impact",
    "Responders",
    "Timeline",
    "How'd We Do?",
    "Action Items",
];

/// What to record to fill a section the log cannot fill yet.
fn to_record(out: &mut String, command: &str) {
    let _ = writeln!(out, "Nothing recorded yet: `{command}`.\n");
}

pub fn google(incident: &Incident, now: DateTime<Utc>, options: Options) -> String {
    let report = Report::new(incident, now);
    let mut out = String::new();
    report.title(&mut out, &GOOGLE);
    report.header(&mut out);
    section(&mut out, "Summary", |out| report.summary(out));
    chart(incident, options, &mut out);
    section(&mut out, "Impact", |out| impact(&report, out));
    section(&mut out, "Root Causes", |out| {
        report.causes(out, &[CauseKind::Root, CauseKind::Contributing])
    });
    section(&mut out, "Trigger", |out| {
        report.causes(out, &[CauseKind::Trigger])
    });
    section(&mut out, "Resolution", |out| {
        resolution(&report, incident, out);
    });
    section(&mut out, "Detection", |out| detection(&report, out));
    section(&mut out, "Action Items", |out| report.actions(out));
    section(&mut out, "Lessons Learned", |out| report.lessons(out));
    section(&mut out, "Timeline", |out| report.timeline(out));
    finish(out)
}

pub fn pagerduty(incident: &Incident, now: DateTime<Utc>, options: Options) -> String {
    let report = Report::new(incident, now);
    let mut out = String::new();
    report.title(&mut out, &PAGERDUTY);
    report.header(&mut out);
    section(&mut out, "Overview", |out| report.summary(out));
    chart(incident, options, &mut out);
    section(&mut out, "What Happened", |out| {
        out.push_str("Symptoms as observed:\n\n");
        report.symptoms(out);
        out.push_str("Hypotheses, and how each was settled:\n\n");
        report.hypotheses(out);
    });
    section(&mut out, "Contributing Factors", |out| {
        report.causes(out, &CauseKind::ALL)
    });
    section(&mut out, "Resolution", |out| {
        resolution(&report, incident, out);
    });
    section(&mut out, "Impact", |out| impact(&report, out));
    section(&mut out, "Responders", |out| {
        if report.has_roles() {
            report.roles(out);
        }
        let _ = writeln!(
            out,
            "Everyone who recorded an entry: {}.\n",
            super::markdown::text(&report.responders().join(", "), super::markdown::PARAGRAPH)
        );
    });
    section(&mut out, "Timeline", |out| report.timeline(out));
    section(&mut out, "How'd We Do?", |out| {
        report.lessons(out);
        out.push_str("How long each step took:\n\n");
        report.metrics(out);
    });
    section(&mut out, "Action Items", |out| report.actions(out));
    finish(out)
}

/// The mermaid chart, where the default report has it: right after the summary.
fn chart(incident: &Incident, options: Options, out: &mut String) {
    if options.chart
        && let Some(chart) = super::chart::gantt(incident)
    {
        out.push_str(&chart);
    }
}

/// The impacts and their window, or what to record.
fn impact(report: &Report<'_>, out: &mut String) {
    if report.has_impacts() {
        report.impact(out);
    } else {
        to_record(out, "incident impact TEXT --from TIME --to TIME");
    }
}

fn resolution(report: &Report<'_>, incident: &Incident, out: &mut String) {
    match incident.resolution() {
        Some(resolution) => {
            let _ = writeln!(
                out,
                "{}\n",
                super::markdown::text(resolution, super::markdown::PARAGRAPH)
            );
        }
        None if incident.closed_at().is_some() => {
            to_record(out, "incident reopen`, then `incident close TEXT --at TIME")
        }
        None => out.push_str("Not resolved yet: the incident is still open.\n\n"),
    }
    if report.has_decisions() {
        out.push_str("Decisions taken on the way:\n\n");
        report.decisions(out);
    }
}

/// The first symptom, when it was seen, and the model's time to detect (impact start to
/// opening), formatted, never computed here.
fn detection(report: &Report<'_>, out: &mut String) {
    match report.first_symptom() {
        Some((label, at)) => {
            let _ = writeln!(
                out,
                "The first symptom, {label}, was observed at {} UTC: {}\n",
                super::utc_time(at),
                report.entry_text(label, super::markdown::PARAGRAPH)
            );
        }
        None => to_record(out, "incident symptom TEXT --at TIME"),
    }
    match report.metrics_of()[Measure::Detect] {
        Some(detect) if detect.clamped => {
            let _ = writeln!(
                out,
                "{} (impact start to opening): 0s; the impact started after the incident \
                 was opened.\n",
                Measure::Detect.title()
            );
        }
        Some(detect) => {
            let _ = writeln!(
                out,
                "{} (impact start to opening): {}.\n",
                Measure::Detect.title(),
                human_duration(detect.seconds)
            );
        }
        None => to_record(out, "incident impact TEXT --from TIME"),
    }
}
