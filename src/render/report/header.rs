//! The top of every report: the `# Title`, and the table of what a reader checks first
//! (status, severity, stage, roles, times, responders).

use std::fmt::Write;

use super::shared::Report;
use super::text::{cell, heading};
use crate::render::{human_duration, utc_time};
use incident_core::model::{Kind, Status};

impl Report<'_> {
    /// `# Title`, kept apart from the report's other headings (`sections`, test labels).
    pub(super) fn title(&self, out: &mut String, sections: &[&str]) {
        let others: Vec<String> = sections
            .iter()
            .map(|section| section.to_string())
            .chain(
                self.incident
                    .entries_of(Kind::Test)
                    .chain(self.incident.entries_of(Kind::Decision))
                    .map(|entry| entry.id.to_string()),
            )
            .chain(self.timeline_headings())
            .collect();
        let _ = writeln!(out, "# {}\n", heading(self.state.title(), &others));
    }

    pub(super) fn header(&self, out: &mut String) {
        let incident = self.incident;
        out.push_str("| Field | Value |\n| --- | --- |\n");
        let _ = writeln!(out, "| Incident | {} |", incident.id);
        let merged = incident.merged_into().is_some();
        let status = match incident.status() {
            Status::Open if merged => "Merged, read-only",
            Status::Open => "Open (still in progress)",
            Status::Closed => "Closed",
        };
        let _ = writeln!(out, "| Status | {status} |");
        // Where a log went on, first: the how and when of it are the record's.
        if let Some(merged) = incident.merged_into() {
            let _ = writeln!(
                out,
                "| Merged into | {}: its entries are there too; this log is kept read-only |",
                cell(merged.other())
            );
        } else if incident.discarded().is_some() {
            out.push_str("| Discarded | opened by mistake; nothing was deleted |\n");
        }
        // A postmortem reports how bad it got; where it ended is said beside it.
        if let (Some(peak), Some(now)) = (self.state.peak_severity(), self.state.severity()) {
            let now = if now == peak {
                String::new()
            } else {
                format!(" at its peak, {now} at the end")
            };
            let _ = writeln!(out, "| Severity | {peak}{now} (1 is the most severe) |");
        }
        if self.incident.entries_of(Kind::Stage).next().is_some()
            || incident.status() == Status::Closed
        {
            let _ = writeln!(out, "| Stage | {} |", self.state.stage().name());
        }
        let roles = self.state.roles();
        if !roles.is_empty() {
            let holders: Vec<String> = roles
                .iter()
                .map(|(role, holder)| format!("{role}: {holder}"))
                .collect();
            let _ = writeln!(out, "| Roles | {} |", cell(&holders.join("; ")));
        }
        let _ = writeln!(out, "| Opened | {} UTC |", utc_time(incident.opened_at));
        if let Some(closed_at) = incident.closed_at() {
            let _ = writeln!(out, "| Closed | {} UTC |", utc_time(closed_at));
        }
        let duration = human_duration(self.state.elapsed(self.now));
        let so_far = match incident.status() {
            Status::Open if merged => " until merged",
            Status::Open => " so far",
            Status::Closed => "",
        };
        let _ = writeln!(out, "| Duration | {duration}{so_far} |");
        let _ = writeln!(
            out,
            "| Responders | {} |",
            cell(&self.responders().join(", "))
        );
        out.push('\n');
    }

    /// Everyone who opened, closed or recorded anything, in order of first appearance.
    pub(super) fn responders(&self) -> Vec<&str> {
        let incident = self.incident;
        let mut names: Vec<&str> = Vec::new();
        let all = std::iter::once(incident.opened_by.as_str())
            .chain(incident.entries.iter().map(|entry| entry.by.as_str()))
            .chain(incident.lifecycle.iter().map(|change| change.by.as_str()));
        for name in all {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}
