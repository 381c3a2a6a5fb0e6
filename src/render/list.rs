//! `list`: one line an incident, for people and for scripts.

use std::fmt::Write;

use chrono::{DateTime, Timelike, Utc};
use serde::Serialize;

use super::paint::Paint;
use super::push_utc_time;
use incident_core::model::{Severity, Status};
use incident_core::sanitize::one_line;
use incident_core::summary::Summary;

/// An incident as `list` shows it.
#[derive(Serialize)]
pub struct Row<'a> {
    pub incident: &'a str,
    pub title: &'a str,
    pub status: Status,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub severity: Option<Severity>,
    pub peak_severity: Option<Severity>,
    pub stage: &'static str,
    pub current: bool,
    pub entries: usize,
    /// The incident this one was merged into, if it was.
    pub merged_into: Option<&'a str>,
    /// Opened by mistake.
    pub discarded: bool,
}

impl<'a> Row<'a> {
    pub fn of(summary: &'a Summary, current: Option<&str>) -> Row<'a> {
        Row {
            incident: &summary.id,
            title: &summary.title,
            status: summary.status,
            opened_at: summary.opened_at,
            closed_at: summary.closed_at,
            severity: summary.severity,
            peak_severity: summary.peak_severity,
            stage: summary.stage.name(),
            current: current == Some(summary.id.as_str()),
            entries: summary.entries,
            merged_into: summary.merged_into.as_deref(),
            discarded: summary.discarded,
        }
    }
}

/// The lines people read: the current incident starred, ids in a column. Written piece
/// by piece: with 10,000 incidents, `format!` per row was a sixth of `list --all`.
pub fn human(rows: &[Row<'_>], paint: &Paint) -> String {
    let width = rows.iter().map(|row| row.incident.len()).max().unwrap_or(0);
    let (open, closed) = (paint.yellow("open  "), paint.dim("closed"));
    let mut text = String::with_capacity(rows.len() * (width + 80));
    for row in rows {
        text.push_str(if row.current { "* " } else { "  " });
        push_padded(&mut text, &one_line(row.incident), width);
        text.push_str("  ");
        text.push_str(match row.status {
            Status::Open => &open,
            Status::Closed => &closed,
        });
        text.push_str("  ");
        match row.severity {
            Some(severity) => {
                let _ = write!(text, "SEV{severity}");
            }
            None => text.push_str("    "),
        }
        text.push_str("  ");
        push_padded(&mut text, row.stage, 13);
        text.push_str("  ");
        push_utc_time(
            &mut text,
            row.opened_at.with_second(0).unwrap_or(row.opened_at),
        );
        text.push_str(" UTC  ");
        text.push_str(&one_line(row.title));
        // Shown only by `list --all`: what became of an incident that is no longer one.
        match (row.merged_into, row.discarded) {
            (Some(into), _) => {
                text.push_str(&paint.dim(&format!("  [merged into {}]", one_line(into))));
            }
            (None, true) => text.push_str(&paint.dim("  [discarded]")),
            (None, false) => {}
        }
        text.push('\n');
    }
    text
}

/// `text`, then spaces up to `width` characters, as `{:<width$}` pads.
fn push_padded(out: &mut String, text: &str, width: usize) {
    out.push_str(text);
    let shown = text.chars().count();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(shown)));
}
