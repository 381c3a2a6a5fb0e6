//! The postmortem templates other teams already use, filled from the log: Google's SRE
//! book (`--template google`) and PagerDuty's (`--template pagerduty`). What the log
//! cannot know is marked for the author to complete.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::human_duration;
use super::markdown::{Options, Report, finish, section};
use crate::model::Incident;

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

fn to_complete(out: &mut String, what: &str) {
    let _ = writeln!(out, "**To be completed by the author:** {what}\n");
}

pub fn google(incident: &Incident, now: DateTime<Utc>, _options: Options) -> String {
    let report = Report::new(incident, now);
    let mut out = String::new();
    report.title(&mut out, &GOOGLE);
    report.header(&mut out);
    section(&mut out, "Summary", |out| report.summary(out));
    section(&mut out, "Impact", |out| {
        out.push_str("Symptoms as observed during the incident:\n\n");
        report.symptoms(out);
        to_complete(
            out,
            "who and what was affected, for how long, and how badly (users, requests, revenue).",
        );
    });
    section(&mut out, "Root Causes", |out| report.hypotheses(out));
    section(&mut out, "Trigger", |out| {
        to_complete(out, "what set the root cause off, and when.");
    });
    section(&mut out, "Resolution", |out| {
        resolution(&report, incident, out);
    });
    section(&mut out, "Detection", |out| {
        detection(&report, out);
        to_complete(
            out,
            "how the problem was noticed, and how it could be noticed sooner.",
        );
    });
    section(&mut out, "Action Items", |out| report.actions(out));
    section(&mut out, "Lessons Learned", |out| {
        to_complete(
            out,
            "what went well, what went wrong, and where we got lucky.",
        );
    });
    section(&mut out, "Timeline", |out| report.timeline(out));
    finish(out)
}

pub fn pagerduty(incident: &Incident, now: DateTime<Utc>, _options: Options) -> String {
    let report = Report::new(incident, now);
    let mut out = String::new();
    report.title(&mut out, &PAGERDUTY);
    report.header(&mut out);
    section(&mut out, "Overview", |out| report.summary(out));
    section(&mut out, "What Happened", |out| {
        out.push_str("Symptoms as observed:\n\n");
        report.symptoms(out);
        out.push_str("Tests run to rule hypotheses out, and what they showed:\n\n");
        report.tests(out);
    });
    section(&mut out, "Contributing Factors", |out| {
        report.hypotheses(out)
    });
    section(&mut out, "Resolution", |out| {
        resolution(&report, incident, out);
    });
    section(&mut out, "Impact", |out| {
        to_complete(
            out,
            "who and what was affected, for how long, and how badly (users, requests, revenue).",
        );
    });
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
        report.metrics(out);
        to_complete(
            out,
            "what went well, what didn't, and what we would do differently.",
        );
    });
    section(&mut out, "Action Items", |out| report.actions(out));
    finish(out)
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
        None => to_complete(out, "how the incident was resolved."),
    }
    if report.has_decisions() {
        out.push_str("Decisions taken on the way:\n\n");
        report.decisions(out);
    }
}

/// When the first symptom was seen and how long until the incident was opened: the
/// model's time to detect, formatted.
fn detection(report: &Report<'_>, out: &mut String) {
    let detect = report.metrics_of().time_to_detect;
    match (report.first_symptom(), detect) {
        (Some((label, at)), Some(detect)) => {
            let opened = if detect.clamped {
                ", after the incident was opened".to_string()
            } else {
                format!(
                    "; the incident was opened {} later",
                    human_duration(detect.seconds)
                )
            };
            let _ = writeln!(
                out,
                "The first symptom, {label}, was observed at {} UTC{opened}.\n",
                super::utc_time(at)
            );
        }
        _ => out.push_str("No symptom was recorded.\n\n"),
    }
}
