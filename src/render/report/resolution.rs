//! `## Resolution` (Google's and PagerDuty's templates): how it was resolved, and the
//! decisions taken on the way.

use std::fmt::Write;

use super::shared::Report;
use super::text::{PARAGRAPH, how_to_record, text};

impl Report<'_> {
    pub(super) fn resolution(&self, out: &mut String) {
        let incident = self.incident;
        match incident.resolution() {
            Some(resolution) => {
                let _ = writeln!(out, "{}\n", text(resolution, PARAGRAPH));
            }
            None if incident.closed_at().is_some() => {
                let _ = writeln!(
                    out,
                    "Nothing recorded yet. {}\n",
                    how_to_record(&["incident reopen", "incident close TEXT --at TIME"])
                );
            }
            None => out.push_str("Not resolved yet: the incident is still open.\n\n"),
        }
        if self.has_decisions() {
            out.push_str("Decisions taken on the way:\n\n");
            self.decisions(out);
        }
    }
}
