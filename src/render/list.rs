//! `list`: one line an incident, for people and for scripts.

use chrono::{DateTime, Timelike, Utc};
use serde::Serialize;

use super::paint::Paint;
use super::push_utc_time;
use incident_core::model::{Severity, Status};
use incident_core::sanitize::one_line;
use incident_core::summary::Summary;

/// `2026-11-21 02:47 UTC`: to the minute, so the column lines up.
fn minute(time: DateTime<Utc>) -> String {
    let mut text = String::with_capacity(20);
    push_utc_time(&mut text, time.with_second(0).unwrap_or(time));
    text.push_str(" UTC");
    text
}

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

/// The lines people read: the current incident starred, ids in a column.
pub fn human(rows: &[Row<'_>], paint: &Paint) -> String {
    let width = rows.iter().map(|row| row.incident.len()).max().unwrap_or(0);
    let mut text = String::new();
    for row in rows {
        let marker = if row.current { "*" } else { " " };
        let status = match row.status {
            Status::Open => paint.yellow("open  "),
            Status::Closed => paint.dim("closed"),
        };
        let severity = row
            .severity
            .map_or_else(|| "    ".to_string(), |severity| format!("SEV{severity}"));
        // Shown only by `list --all`: what became of an incident that is no longer one.
        let mark = match (row.merged_into, row.discarded) {
            (Some(into), _) => paint.dim(&format!("  [merged into {}]", one_line(into))),
            (None, true) => paint.dim("  [discarded]"),
            (None, false) => String::new(),
        };
        text.push_str(&format!(
            "{marker} {:<width$}  {status}  {severity}  {:<13}  {}  {}{mark}\n",
            one_line(row.incident),
            row.stage,
            minute(row.opened_at),
            one_line(row.title),
        ));
    }
    text
}
