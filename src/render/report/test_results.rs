//! `## Tests and results`: each test, what it was designed to rule out, the evidence of
//! its runs and its results.

use std::fmt::Write;

use super::evidence::evidence_block;
use super::shared::Report;
use super::text::{PARAGRAPH, text};
use crate::render::utc_time;
use incident_core::model::{Body, Entry, Kind, Label, join_labels};

impl Report<'_> {
    pub(super) fn tests(&self, out: &mut String) {
        // Every result of each test, retracted ones too (they are shown, marked).
        let mut results_by_test: std::collections::HashMap<Label, Vec<&Entry>> =
            std::collections::HashMap::new();
        for entry in &self.incident.entries {
            if let Body::Result { test, .. } = &entry.body {
                results_by_test.entry(*test).or_default().push(entry);
            }
        }
        let mut any = false;
        for test in self.incident.entries_of(Kind::Test) {
            any = true;
            let Body::Test { targets } = &test.body else {
                continue;
            };
            let _ = writeln!(out, "### {}\n", test.id);
            let _ = writeln!(
                out,
                "{} UTC: {} (by {}){}\\",
                utc_time(self.state.at(test)),
                text(self.state.text(test), PARAGRAPH),
                text(&test.by, PARAGRAPH),
                self.corrections(test, PARAGRAPH)
            );
            let _ = writeln!(
                out,
                "Designed to rule out: {}\n",
                if targets.is_empty() {
                    "no hypothesis named".to_string()
                } else {
                    join_labels(targets)
                }
            );
            let results = results_by_test.get(&test.id).map_or(&[][..], Vec::as_slice);
            for result in results {
                if let Body::Result { run: Some(run), .. } = &result.body {
                    out.push_str(&evidence_block(run, ""));
                    out.push('\n');
                }
            }
            if self.state.is_awaiting(test.id) {
                out.push_str("**Awaiting a result.**\n\n");
            } else if self.state.results(test.id).is_empty() && !self.state.is_retracted(test.id) {
                out.push_str("No result was recorded before the close.\n\n");
            }
            if results.is_empty() {
                continue;
            }
            for result in results {
                let _ = write!(out, "- {}", self.item(result));
                if let Body::Result {
                    rules_out,
                    confirms,
                    ..
                } = &result.body
                {
                    if !rules_out.is_empty() {
                        let _ = write!(out, "\\\n  Rules out {}.", join_labels(rules_out));
                    }
                    if !confirms.is_empty() {
                        let _ = write!(out, "\\\n  Confirms {}.", join_labels(confirms));
                    }
                }
                out.push('\n');
            }
            out.push('\n');
        }
        if !any {
            out.push_str("No tests recorded.\n\n");
        }
    }
}
