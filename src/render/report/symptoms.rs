//! `## Symptoms`: every symptom, as observed, with its corrections.

use std::fmt::Write;

use super::shared::Report;
use incident_core::model::Kind;

impl Report<'_> {
    pub(super) fn symptoms(&self, out: &mut String) {
        let mut any = false;
        for symptom in self.incident.entries_of(Kind::Symptom) {
            any = true;
            let _ = writeln!(out, "- {}", self.item(symptom));
        }
        if !any {
            out.push_str("No symptoms recorded.\n");
        }
        out.push('\n');
    }
}
