//! `## Record`: what was done to the record rather than to the service, briefly, in the
//! order it was done, each with who did it and when: the corrections (amendments,
//! retractions, new titles) and what they took back, the summaries written, the cadences
//! set, and the merges, discards and restores. It is the only place they are told: the
//! Summary and the Timeline tell what happened to the service, when it happened.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::shared::Report;
use super::text::{ITEM, text};
use crate::render::{amended_fields, human_duration, push_utc_time, utc_time};
use incident_core::model::{Body, Entry, Kind, Mark, MarkKind};

impl<'a> Report<'a> {
    /// Whether anything was done to the record.
    pub(super) fn has_record(&self) -> bool {
        !self.incident.marks.is_empty()
            || self
                .incident
                .entries
                .iter()
                .any(|entry| entry.kind().is_record_keeping())
    }

    pub(super) fn record(&self, out: &mut String) {
        let mut lines: Vec<(DateTime<Utc>, Uuid, String)> = self
            .incident
            .entries
            .iter()
            .filter(|entry| entry.kind().is_record_keeping())
            .map(|entry| (entry.recorded_at, entry.uuid, self.entry_line(entry)))
            .chain(
                self.incident
                    .marks
                    .iter()
                    .map(|mark| (mark.recorded_at, mark.uuid, self.mark_line(mark))),
            )
            .collect();
        lines.sort_by_key(|(at, uuid, _)| (*at, *uuid));
        out.push_str("What was corrected or merged in this record, in the order it was done:\n\n");
        for (at, _, line) in lines {
            out.push_str("- ");
            push_utc_time(out, at);
            out.push_str(" UTC, ");
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }

    /// `**E5** amend of **N1** by ana: now reads: …`, and what became of it.
    fn entry_line(&self, entry: &'a Entry) -> String {
        let by = text(&entry.by, ITEM);
        let why = || {
            Some(entry.text.trim())
                .filter(|why| !why.is_empty())
                .map(|why| format!(": {}", text(why, ITEM)))
                .unwrap_or_default()
        };
        let mut line = match &entry.body {
            Body::Amend { target, change } => {
                let mut changes: Vec<String> = Vec::new();
                if !entry.text.is_empty() {
                    changes.push(format!("now reads: {}", text(&entry.text, ITEM)));
                }
                for (name, value) in amended_fields(change) {
                    changes.push(format!("{name} now {}", text(&value, ITEM)));
                }
                format!(
                    "**{}** amend of **{target}** by {by}: {}",
                    entry.id,
                    changes.join("; ")
                )
            }
            // What was taken back is named, never said again: it no longer counts.
            Body::Retract { target, undo } => {
                let verb = if *undo { "undo" } else { "retract" };
                let what = self
                    .state
                    .entry(*target)
                    .map(|taken| format!(", {},", taken.kind().with_article()))
                    .unwrap_or_default();
                format!(
                    "**{}** {verb} of **{target}**{what} by {by}{}",
                    entry.id,
                    why()
                )
            }
            Body::Retitle => {
                let whose = if self.incident.merged_retitles().contains(&entry.uuid) {
                    "of the incident merged in "
                } else {
                    ""
                };
                // The title it replaced, so the id (made of the first title) still reads.
                let was = if whose.is_empty() {
                    format!(" (was: {})", text(self.state.title_before(entry), ITEM))
                } else {
                    String::new()
                };
                format!("**{}** retitle {whose}by {by}{}{was}", entry.id, why())
            }
            Body::Summary => {
                let mut line = format!("**{}** summary written by {by}", entry.id);
                if let Some(counting) = self.state.summary()
                    && counting.id != entry.id
                    && !self.state.is_retracted(entry.id)
                {
                    let _ = write!(line, ", replaced by **{}**", counting.id);
                }
                line
            }
            Body::Cadence { every } => {
                let every = match every {
                    0 => "off".to_string(),
                    seconds => format!("every {}", human_duration(*seconds as i64)),
                };
                format!("**{}** cadence of updates {every}, set by {by}", entry.id)
            }
            _ => format!("**{}** {} by {by}", entry.id, entry.kind().name()),
        };
        if let Some(retraction) = self.state.retraction(entry.id) {
            let _ = write!(line, " (taken back by **{}**)", retraction.id);
        }
        line
    }

    /// `merged in 2026-10-21-status-yellow by bob: same outage`, with the severity it was
    /// opened at.
    fn mark_line(&self, mark: &Mark) -> String {
        let mut line = mark.mark.name().to_string();
        if let Some(other) = &mark.incident {
            let _ = write!(line, " {}", text(other, ITEM));
        }
        if mark.mark == MarkKind::Discarded {
            line.push_str(" as opened by mistake");
        }
        let _ = write!(line, " by {}", text(&mark.by, ITEM));
        if let Some(why) = &mark.why {
            let _ = write!(line, ": {}", text(why, ITEM));
        }
        let opening = mark.opening_severity.and_then(|uuid| {
            self.incident
                .entries
                .iter()
                .find(|entry| entry.uuid == uuid && entry.kind() == Kind::Severity)
        });
        if let Some(severity) = opening
            && let Body::Severity { severity: set } = severity.body
        {
            let _ = write!(
                line,
                ". It was opened at severity {set} (**{}**, {} UTC by {})",
                severity.id,
                utc_time(self.state.at(severity)),
                text(&severity.by, ITEM)
            );
        }
        match mark.mark {
            MarkKind::MergedInto if self.incident.applies(mark) => {
                line.push_str(". Its entries are there too; this log is kept as it was, read-only")
            }
            MarkKind::MergedInto | MarkKind::MergedIn if !self.incident.applies(mark) => {
                line.push_str(" (not applied: the same two were merged the other way first)")
            }
            _ => {}
        }
        line
    }
}
