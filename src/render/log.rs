//! `log`: one line an entry, in order of time, corrections included, for reviewing what
//! was recorded and by whom.

use std::fmt::Write as _;

use super::json::{EntryView, entry_view};
use super::paint::Paint;
use super::utc_time;
use chrono::{DateTime, Utc};

use incident_core::model::{Body, Change, Entry, Mark, MarkKind, State, Transition};
use incident_core::sanitize::one_line;

/// What an entry says, on one line: its current text, led by what a change is about
/// (`S1: …` for an amendment of S1, `2` for a severity), so that a correction reads as
/// what it is.
pub fn describe(entry: &Entry, state: &State<'_>) -> String {
    let with_text = |head: String| {
        if entry.text.trim().is_empty() {
            head
        } else {
            format!("{head}: {}", one_line(&entry.text))
        }
    };
    match &entry.body {
        Body::Amend { target, .. } => format!("{target}: {}", super::amendment(entry)),
        Body::Retract { target, .. } => with_text(target.to_string()),
        Body::Decision { option } => with_text(option.to_string()),
        Body::Severity { severity } => with_text(severity.to_string()),
        Body::Stage { stage } => with_text(stage.name().to_string()),
        Body::Role { role, holder } => {
            with_text(format!("{} {}", one_line(role), one_line(holder)))
        }
        Body::Escalation { name } => with_text(one_line(name)),
        Body::Cadence { every } => super::update::every(Some(*every)),
        Body::Update { to } => format!("to {}: {}", one_line(to), one_line(state.text(entry))),
        _ => one_line(state.text(entry)),
    }
}

/// An entry in a sentence: `H3 hypothesis: bad deploy`, `E2 amend S1: 7% of POST`.
pub fn headline(entry: &Entry, state: &State<'_>) -> String {
    let (label, kind) = (entry.id, entry.kind().name());
    let said = describe(entry, state);
    if entry.kind().is_change() || matches!(entry.body, Body::Decision { .. }) {
        format!("{label} {kind} {said}")
    } else {
        format!("{label} {kind}: {said}")
    }
}

/// The lines people read: label, kind, time (UTC, as last corrected), author and what
/// the entry says, in columns; entries marked key events (`--key`) and amended ones
/// marked, retracted ones marked and struck through. With `earlier` entries left out,
/// the marks before the first shown are too.
pub fn human(entries: &[&Entry], state: &State<'_>, earlier: usize, paint: &Paint) -> String {
    // Merges, discards, restores, closes and reopens have lines of their own, in order of
    // time, with no label: those since the first entry shown, or all when every entry is.
    let since = entries
        .first()
        .map(|entry| state.at(entry))
        .filter(|_| earlier > 0);
    let mut lines: Vec<Line> = entries.iter().map(|entry| Line::Entry(entry)).collect();
    let marks = state.incident().marks.iter().map(Line::Mark);
    // Closes and reopens too: a log read for the write-up says when it ended.
    let transitions = state.incident().lifecycle.iter().map(Line::Transition);
    for line in marks.chain(transitions) {
        let at = line.at(state);
        if since.is_none_or(|since| at >= since) {
            let position = lines.partition_point(|line| line.at(state) <= at);
            lines.insert(position, line);
        }
    }
    let rows: Vec<[String; 4]> = lines
        .iter()
        .map(|line| match line {
            Line::Entry(entry) => [
                entry.id.to_string(),
                entry.kind().name().to_string(),
                utc_time(state.at(entry)),
                one_line(&entry.by),
            ],
            Line::Mark(mark) => [
                String::new(),
                mark_kind(mark.mark).to_string(),
                utc_time(mark.at),
                one_line(&mark.by),
            ],
            Line::Transition(transition) => [
                String::new(),
                match transition.change {
                    Change::Closed => "close",
                    Change::Reopened => "reopen",
                }
                .to_string(),
                utc_time(transition.at),
                one_line(&transition.by),
            ],
        })
        .collect();
    let width = |column: usize| {
        rows.iter()
            .map(|row| row[column].chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2), width(3)];
    let mut text = String::new();
    for (item, row) in lines.iter().zip(&rows) {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(widths) {
            let _ = write!(line, "{cell:<width$}  ");
        }
        let entry = match item {
            Line::Entry(entry) => entry,
            Line::Mark(mark) => {
                line.push_str(&paint.yellow(&describe_mark(mark)));
                if !state.incident().applies(mark) {
                    line.push_str(
                        &paint.dim(" (not applied: the same two were merged the other way first)"),
                    );
                }
                text.push_str(&line);
                text.push('\n');
                continue;
            }
            Line::Transition(transition) => {
                let said = match (transition.change, &transition.resolution) {
                    (Change::Closed, Some(resolution)) => {
                        format!("closed: {}", one_line(resolution))
                    }
                    (Change::Closed, None) => "closed".to_string(),
                    (Change::Reopened, _) => "reopened".to_string(),
                };
                line.push_str(&paint.yellow(&said));
                text.push_str(&line);
                text.push('\n');
                continue;
            }
        };
        let said = describe(entry, state);
        if state.is_retracted(entry.id) {
            line.push_str(&paint.struck(&said));
        } else {
            line.push_str(&said);
        }
        if state.is_key(entry) {
            line.push_str(&paint.dim(" (key event)"));
        }
        if state.is_amended(entry.id) {
            line.push_str(&paint.dim(" (amended)"));
        }
        if state.is_retracted(entry.id) {
            line.push_str(&paint.dim(" (retracted)"));
        }
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// A line of the log: an entry, a merge, discard or restore, or a close or reopen.
enum Line<'a> {
    Entry(&'a Entry),
    Mark(&'a Mark),
    Transition(&'a Transition),
}

impl Line<'_> {
    fn at(&self, state: &State<'_>) -> DateTime<Utc> {
        match self {
            Line::Entry(entry) => state.at(entry),
            Line::Mark(mark) => mark.at,
            Line::Transition(transition) => transition.at,
        }
    }
}

/// The kind column of a mark's line.
fn mark_kind(kind: MarkKind) -> &'static str {
    match kind {
        MarkKind::MergedInto | MarkKind::MergedIn => "merge",
        MarkKind::Discarded => "discard",
        MarkKind::Restored => "restore",
    }
}

/// `merged into 2026-11-21-dns: same outage`, `discarded: wrong terminal`.
pub fn describe_mark(mark: &Mark) -> String {
    let mut said = mark.mark.name().to_string();
    if let Some(other) = &mark.incident {
        said.push(' ');
        said.push_str(&one_line(other));
    }
    if let Some(why) = &mark.why {
        said.push_str(": ");
        said.push_str(&one_line(why));
    }
    said
}

/// The labels alone, one a line.
pub fn labels(entries: &[&Entry]) -> String {
    entries
        .iter()
        .map(|entry| format!("{}\n", entry.id))
        .collect()
}

/// The entries as `--json` prints them: an array of entry views.
pub fn views<'a>(entries: &[&'a Entry], state: &'a State<'a>) -> Vec<EntryView<'a>> {
    entries
        .iter()
        .map(|entry| entry_view(entry, state))
        .collect()
}
