//! `## Impact`: who or what was affected, each impact's window, and when the impact as a
//! whole started and ended.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::shared::Report;
use super::text::{cell, how_to_record};
use crate::render::escape::Place;
use crate::render::{human_duration, utc_time};
use incident_core::model::{Entry, Kind};

/// What records an impact and its window.
pub(super) const RECORDING: &str = "incident impact TEXT --from TIME --to TIME";

impl Report<'_> {
    pub(super) fn has_impacts(&self) -> bool {
        self.incident.entries_of(Kind::Impact).next().is_some()
    }

    /// Each impact with its window, then when the impact as a whole started and ended.
    pub(super) fn impact(&self, out: &mut String) {
        let impacts: Vec<&Entry> = self.state.live(Kind::Impact).collect();
        if impacts.is_empty() {
            let _ = writeln!(
                out,
                "Nothing recorded yet. {}\n",
                how_to_record(&[RECORDING])
            );
        } else {
            out.push_str(
                "| Label | Who or what was affected | From | To |\n| --- | --- | --- | --- |\n",
            );
            for impact in &impacts {
                let (from, to) = self.state.window(impact);
                let when = |at: Option<DateTime<Utc>>| {
                    at.map_or_else(
                        || "not recorded".to_string(),
                        |at| format!("{} UTC", utc_time(at)),
                    )
                };
                let _ = writeln!(
                    out,
                    "| {} | {}{} | {} | {} |",
                    impact.id,
                    cell(self.state.text(impact)),
                    self.corrections(impact, Place::Cell),
                    when(from),
                    when(to)
                );
            }
            out.push('\n');
            let started = match self.state.impact_started_at() {
                Some(at) => format!("{} UTC", utc_time(at)),
                None => "not recorded".to_string(),
            };
            let _ = match self.state.impact_ended_at() {
                Some(at) => writeln!(
                    out,
                    "The impact started {started} and ended {} UTC ({}).\n",
                    utc_time(at),
                    human_duration(self.state.impact_lasted().unwrap_or_default())
                ),
                None => writeln!(
                    out,
                    "The impact started {started}; its end is not recorded. {}\n",
                    how_to_record(&["incident impact … --to TIME"])
                ),
            };
        }
        self.left_out(out, Kind::Impact);
    }
}
