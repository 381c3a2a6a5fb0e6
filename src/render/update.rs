//! `update --draft`: a stakeholder update drafted from the log, what a manager reads in
//! ten seconds: the impact, what is known (the symptoms and notes marked key events,
//! confirmed, ruled out), what is suspected (the
//! hypotheses still open), what is being done (the stage, the tests awaiting results, the
//! decisions in force) and when the next update is due. Every sentence is a recorded
//! fact; a part with nothing recorded is left out, never filled with words of ours. No
//! test command or evidence output is ever in it: a test is told by its text alone.
//!
//! The draft is built once, format-free, as lines of pieces (the handover's: the tool's
//! own words, or user text), and each format writes it with its own escaping: Markdown
//! escaped as reports are, Slack's mrkdwn escaped as `slack.rs` escapes it (what Slack's
//! API wants: no backslashes), and plain text with no escapes at all, for pasting into a
//! chat box or an email (hidden characters still shown, as on the terminal).

use std::fmt::Write;

use chrono::{DateTime, Timelike, Utc};

use super::handover::{Line, Piece};
use super::report::text::{ITEM, text};
use super::{capitalised, human_duration, slack, utc_time};
use incident_core::model::{
    Body, Cadence, CadenceSource, Entry, HypothesisStatus, Incident, Kind, State, Status,
};
use incident_core::sanitize;

/// A cadence as typed and shown: `30m`, `1h 30m`, or `off` for none.
pub fn every(seconds: Option<u64>) -> String {
    match seconds {
        Some(seconds) if seconds > 0 => human_duration(i64::try_from(seconds).unwrap_or(i64::MAX)),
        _ => "off".to_string(),
    }
}

/// The cadence in force and what set it: `30m (severity 1 default)`, `15m (E4)`,
/// `off (E5)`, `none at severity 3`, `none: no severity set`.
pub fn cadence(cadence: &Cadence) -> String {
    match (cadence.every, cadence.source) {
        (every, CadenceSource::Set(label)) => format!("{} ({label})", self::every(every)),
        (Some(every), CadenceSource::Severity(Some(severity))) => {
            format!("{} (severity {severity} default)", self::every(Some(every)))
        }
        (_, CadenceSource::Severity(Some(severity))) => format!("none at severity {severity}"),
        (_, CadenceSource::Severity(None)) => "none: no severity set".to_string(),
    }
}

/// How the next update stands at a moment: ahead (`in 20m`), due that very second
/// (`due now`), or late (`overdue by 5m`, once the moment is past the due time, as the
/// model's `update_overdue` has it). The board, the prompt and the receipts say it alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    In(i64),
    Now,
    Overdue(i64),
}

impl Due {
    pub fn is_overdue(self) -> bool {
        matches!(self, Due::Overdue(_))
    }
}

impl std::fmt::Display for Due {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Due::In(seconds) => write!(f, "in {}", human_duration(seconds)),
            Due::Now => f.write_str("due now"),
            Due::Overdue(seconds) => write!(f, "overdue by {}", human_duration(seconds)),
        }
    }
}

/// When the next update is due, and how that stands at `now`; `None` when none is.
pub fn next_due(state: &State<'_>, now: DateTime<Utc>) -> Option<(DateTime<Utc>, Due)> {
    let due = state.next_update_due()?;
    let ahead = (due - now).num_seconds();
    let when = if state.update_overdue(now).is_some() {
        Due::Overdue(-ahead)
    } else if ahead <= 0 {
        Due::Now
    } else {
        Due::In(ahead)
    };
    Some((due, when))
}

/// A part of the draft: a title and its lines.
pub struct Part<'a> {
    pub title: &'static str,
    pub lines: Vec<Line<'a>>,
}

/// The draft, format-free.
pub struct Draft<'a> {
    pub title: &'a str,
    pub at: DateTime<Utc>,
    /// Severity, and since when it is open, or when it was resolved: the tool's words.
    pub status: String,
    /// Only the parts with something recorded.
    pub parts: Vec<Part<'a>>,
    /// When the next update is due, once this one is sent now.
    pub next: Option<DateTime<Utc>>,
}

fn line<'a>(pieces: Vec<Piece<'a>>) -> Line<'a> {
    Line { pieces }
}

fn own<'a>(words: impl Into<String>) -> Piece<'a> {
    Piece::Own(words.into())
}

/// The draft of an update sent at `now`.
pub fn draft(incident: &Incident, now: DateTime<Utc>) -> Draft<'_> {
    let state = incident.state();
    let mut status = Vec::new();
    if let Some(severity) = state.severity() {
        status.push(format!("Severity {severity}"));
    }
    let elapsed = human_duration(state.elapsed(now));
    status.push(match incident.closed_at() {
        Some(closed) => format!("resolved {} UTC, after {elapsed}", utc_time(closed)),
        None => format!(
            "open since {} UTC ({elapsed})",
            utc_time(incident.opened_at)
        ),
    });
    let parts = [
        ("Impact", impact(&state)),
        ("What we know", known(&state)),
        // Once resolved, nothing is suspected any more: what was found is known.
        (
            "What we suspect",
            match incident.status() {
                Status::Open => suspected(&state),
                Status::Closed => Vec::new(),
            },
        ),
        // Once resolved, what was done: the stage and the resolution are past.
        (
            match incident.status() {
                Status::Open => "What we are doing",
                Status::Closed => "What we did",
            },
            doing(incident, &state),
        ),
    ]
    .into_iter()
    .filter(|(_, lines)| !lines.is_empty())
    .map(|(title, lines)| Part { title, lines })
    .collect();
    // The first word starts the line: `Severity 1 · open since …`, or `Open since …`.
    let status = capitalised(&status.join(" · "));
    Draft {
        title: state.title(),
        at: now,
        status,
        parts,
        next: state.next_update_after(now),
    }
}

/// Each impact that still counts, as it reads now, with its window.
fn impact<'a>(state: &State<'a>) -> Vec<Line<'a>> {
    state
        .live(Kind::Impact)
        .map(|impact| {
            let window = match state.window(impact) {
                (Some(from), Some(to)) => {
                    format!(" (from {} to {} UTC)", utc_time(from), utc_time(to))
                }
                (Some(from), None) => format!(" (since {} UTC)", utc_time(from)),
                (None, Some(to)) => format!(" (until {} UTC)", utc_time(to)),
                (None, None) => String::new(),
            };
            line(vec![Piece::User(state.text(impact)), own(window)])
        })
        .collect()
}

/// The symptoms and notes the responders marked key events, in order of time (what
/// happened: the fact a stakeholder most needs is often one of these), then the
/// hypotheses settled by evidence: confirmed first, then ruled out.
fn known<'a>(state: &State<'a>) -> Vec<Line<'a>> {
    let mut marked: Vec<&Entry> = state
        .live(Kind::Symptom)
        .chain(state.live(Kind::Note))
        .filter(|entry| state.is_key(entry))
        .collect();
    marked.sort_by_key(|entry| state.at(entry));
    let settled = |status: HypothesisStatus, said: &'static str| {
        state
            .live(Kind::Hypothesis)
            .filter(move |hypothesis| state.status(hypothesis.id) == status)
            .map(move |hypothesis| line(vec![own(said), Piece::User(state.text(hypothesis))]))
    };
    marked
        .into_iter()
        .map(|entry| line(vec![Piece::User(state.text(entry))]))
        .chain(settled(HypothesisStatus::Confirmed, "Confirmed: "))
        .chain(settled(HypothesisStatus::RuledOut, "Ruled out: "))
        .collect()
}

/// The hypotheses still open: neither confirmed nor ruled out, nor retracted.
fn suspected<'a>(state: &State<'a>) -> Vec<Line<'a>> {
    state
        .live(Kind::Hypothesis)
        .filter(|hypothesis| state.status(hypothesis.id) == HypothesisStatus::Open)
        .map(|hypothesis| line(vec![Piece::User(state.text(hypothesis))]))
        .collect()
}

/// The stage while open (once closed, the status line says resolved) and the resolution,
/// the tests awaiting results, by their text alone, and the decisions in force, by the
/// option each chose.
fn doing<'a>(incident: &'a Incident, state: &State<'a>) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    match incident.status() {
        Status::Open => {
            lines.push(line(vec![own(format!("Stage: {}", state.stage().name()))]));
        }
        Status::Closed => {
            if let Some(resolution) = incident.resolution() {
                lines.push(line(vec![own("Resolution: "), Piece::User(resolution)]));
            }
        }
    }
    for test in state.awaiting_results() {
        lines.push(line(vec![own("Checking: "), Piece::User(state.text(test))]));
    }
    for decision in state.decisions_in_force() {
        if let Body::Decision { option } = decision.body
            && let Some(option) = state.entry(option)
        {
            lines.push(line(vec![
                own("Decided: "),
                Piece::User(state.text(option)),
            ]));
        }
    }
    lines
}

/// How a format writes the draft.
struct Style {
    /// The first line, from the title (escaped) and the time.
    headline: fn(&str, &str) -> String,
    /// A part's title line.
    part: fn(&str) -> String,
    /// A blank line after a part's title, as Markdown wants before a list.
    gap: bool,
    bullet: &'static str,
    /// User text, escaped for the format, continuing under its bullet.
    user: fn(&str) -> String,
    /// The last line, from the next update's time.
    next: fn(&str) -> String,
}

fn write(draft: &Draft<'_>, style: &Style) -> String {
    let mut out = String::new();
    // To the minute, as a person posts an update and as every other time of it reads.
    let minute = draft.at.with_second(0).unwrap_or(draft.at);
    let time = format!("{} UTC", utc_time(minute));
    let _ = writeln!(
        out,
        "{}",
        (style.headline)(&(style.user)(draft.title), &time)
    );
    if style.gap {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", draft.status);
    for part in &draft.parts {
        let _ = writeln!(out, "\n{}", (style.part)(part.title));
        if style.gap {
            out.push('\n');
        }
        for line in &part.lines {
            out.push_str(style.bullet);
            for piece in &line.pieces {
                match piece {
                    Piece::Own(words) | Piece::Command(words) => out.push_str(words),
                    Piece::User(typed) | Piece::Link(typed) => out.push_str(&(style.user)(typed)),
                }
            }
            out.push('\n');
        }
    }
    if let Some(next) = draft.next {
        let _ = writeln!(
            out,
            "\n{}",
            (style.next)(&format!("{} UTC", utc_time(next)))
        );
    }
    out
}

/// The draft in GitHub-flavoured Markdown, user text escaped as in reports.
pub fn markdown(draft: &Draft<'_>) -> String {
    write(
        draft,
        &Style {
            headline: |title, time| format!("**Update:** {title} ({time})"),
            part: |title| format!("**{title}:**"),
            gap: true,
            bullet: "- ",
            user: |typed| text(typed, ITEM),
            next: |time| format!("**Next update:** by {time}"),
        },
    )
}

/// The draft in Slack's mrkdwn, as Slack's API takes it: `&`, `<` and `>` as entities,
/// no backslash anywhere, nothing that pings or links.
pub fn slack(draft: &Draft<'_>) -> String {
    write(
        draft,
        &Style {
            headline: |title, time| format!("*Update:* {title} ({time})"),
            part: |title| format!("*{title}*"),
            gap: false,
            bullet: "• ",
            user: slack::text,
            next: |time| format!("*Next update:* by {time}"),
        },
    )
}

/// The draft as plain text: nothing escaped, for a chat box or an email. Hidden
/// characters are still shown as on the terminal, and a line break in an entry goes on
/// under its bullet.
pub fn plain(draft: &Draft<'_>) -> String {
    write(
        draft,
        &Style {
            headline: |title, time| format!("Update: {title} ({time})"),
            part: |title| format!("{title}:"),
            gap: false,
            bullet: "- ",
            user: |typed| {
                let typed = typed.replace("\r\n", "\n");
                sanitize::for_terminal(typed.trim_end_matches('\n')).replace('\n', "\n  ")
            },
            next: |time| format!("Next update by {time}."),
        },
    )
}
