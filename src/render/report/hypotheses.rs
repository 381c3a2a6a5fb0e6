//! `## Hypotheses`: a table of every hypothesis, its status (ruled out struck, confirmed
//! in bold) and the results that settled it.

use std::fmt::Write;

use super::shared::Report;
use super::text::{cell, marked_cell};
use incident_core::model::{Body, Entry, HypothesisStatus, Kind, Label};

impl<'a> Report<'a> {
    pub(super) fn hypotheses(&self, out: &mut String) {
        let mut hypotheses = self.incident.entries_of(Kind::Hypothesis).peekable();
        if hypotheses.peek().is_none() {
            out.push_str("No hypotheses recorded.\n\n");
            return;
        }
        out.push_str("| Label | Hypothesis | Status | Evidence |\n| --- | --- | --- | --- |\n");
        for hypothesis in hypotheses {
            // Strike and bold marks only work against non-space text: the escaper drops
            // the spaces at the edges and shows control characters escaped.
            let typed = self.state.text(hypothesis);
            let (statement, status) = if self.state.is_retracted(hypothesis.id) {
                (cell(typed), "Retracted")
            } else {
                match self.state.status(hypothesis.id) {
                    HypothesisStatus::RuledOut => (marked_cell(typed, "~~"), "Ruled out"),
                    HypothesisStatus::Confirmed => (marked_cell(typed, "**"), "**Confirmed**"),
                    HypothesisStatus::Open => (cell(typed), "Open"),
                }
            };
            let evidence: Vec<String> = self
                .state
                .evidence(hypothesis.id)
                .iter()
                .filter_map(|label| self.state.entry(*label))
                .map(|result| self.evidence_cell(result, hypothesis.id))
                .collect();
            let evidence = if evidence.is_empty() {
                "None yet".to_string()
            } else {
                evidence.join("; ")
            };
            let _ = writeln!(
                out,
                "| {} | {statement} | {status} | {evidence} |",
                hypothesis.id
            );
        }
        out.push('\n');
    }

    /// `R1 (T1) rules it out: text`, for a table cell.
    fn evidence_cell(&self, result: &'a Entry, hypothesis: Label) -> String {
        let Body::Result { test, confirms, .. } = &result.body else {
            return result.id.to_string();
        };
        let verb = if confirms.contains(&hypothesis) {
            "confirms"
        } else {
            "rules out"
        };
        format!(
            "{} ({test}) {verb}: {}",
            result.id,
            cell(self.state.text(result))
        )
    }
}
