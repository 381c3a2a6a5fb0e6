//! `## Symptoms`: every symptom, as observed, with its corrections, in the order they were
//! observed (a symptom recorded late, with `--at`, or corrected to an earlier time, takes
//! its place in time; those of one minute keep their labels' order).

use std::fmt::Write;

use super::shared::Report;
use incident_core::model::Kind;

impl Report<'_> {
    pub(super) fn symptoms(&self, out: &mut String) {
        let mut symptoms: Vec<_> = self.incident.entries_of(Kind::Symptom).collect();
        symptoms.sort_by_key(|symptom| self.state.at(symptom));
        for symptom in &symptoms {
            let _ = writeln!(out, "- {}", self.item(symptom));
        }
        if symptoms.is_empty() {
            out.push_str("No symptoms recorded.\n");
        }
        out.push('\n');
    }
}
