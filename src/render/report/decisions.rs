//! `## Decisions`: each situation as S.O.C.S. weighs it: the Situation (the question, and
//! the incident when it was raised), the Options with their Consequences, each marked
//! chosen or not chosen, and the Solution: the decision, by whom, when and why.

use std::fmt::Write;

use super::shared::Report;
use super::text::{ITEM, PARAGRAPH, SUBITEM, heading, how_to_record, text};
use crate::render::utc_time;
use incident_core::model::{Body, Choice, Entry, Kind, Situation, Status};

/// How an option of a decided situation is marked.
const CHOSEN: &str = "**chosen**";
const NOT_CHOSEN: &str = "not chosen";

impl<'a> Report<'a> {
    pub(super) fn has_decisions(&self) -> bool {
        [Kind::Situation, Kind::Option, Kind::Decision]
            .into_iter()
            .any(|kind| self.state.live(kind).next().is_some())
    }

    /// Every situation, in order of when it was raised, with the incident as it stood
    /// then, its options and its solution; a decision among options of no situation (as
    /// recorded before situations existed) stands for its own situation. A retracted
    /// situation or decision is no decision: it is left out here, and named.
    pub(super) fn decisions(&self, out: &mut String) {
        let situations = self.state.situations();
        for choice in self.state.choices() {
            match choice.raised_by() {
                Some(raised) => {
                    if let Some(situation) = situations.get(&raised.id) {
                        self.choice(out, &choice, situation);
                    }
                }
                None => {
                    if !choice.on_the_table.is_empty() {
                        out.push_str("Options weighed, not yet decided:\n\n");
                        for option in &choice.on_the_table {
                            self.option_item(out, option, None);
                        }
                        out.push('\n');
                    }
                }
            }
        }
        self.left_out(out, Kind::Situation);
    }

    fn choice(&self, out: &mut String, choice: &Choice<'a>, situation: &Situation<'a>) {
        let raised = situation.raised_by;
        match choice.situation {
            Some(question) => {
                let title = format!("{} {}", question.id, self.state.text(question));
                let _ = writeln!(out, "### {}\n", heading(&title, &[]));
            }
            None => {
                let _ = writeln!(out, "### {}\n", raised.id);
            }
        }
        let severity = situation
            .severity
            .map_or_else(|| "not set".to_string(), |severity| severity.to_string());
        // The first few standing hypotheses by label, and how many more: the Hypotheses
        // section lists them all.
        const NAMED: usize = 8;
        let mut standing: Vec<String> = situation
            .standing
            .iter()
            .take(NAMED)
            .map(|hypothesis| {
                format!(
                    "{} ({})",
                    hypothesis.id,
                    text(self.state.text(hypothesis), PARAGRAPH)
                )
            })
            .collect();
        if situation.standing.len() > NAMED {
            standing.push(format!("and {} more", situation.standing.len() - NAMED));
        }
        let corrections = match choice.situation {
            Some(question) => self.corrections(question, PARAGRAPH),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "Situation at {} UTC{corrections}: severity {severity}, stage {}; standing \
             hypotheses: {}.\n",
            utc_time(situation.at),
            situation.stage.name(),
            if standing.is_empty() {
                "none".to_string()
            } else {
                standing.join(", ")
            }
        );
        if choice.options.is_empty() {
            let _ = writeln!(
                out,
                "No options recorded yet. {}\n",
                how_to_record(&[&format!("incident option TEXT --for {}", raised.id)])
            );
        } else {
            out.push_str("Options:\n\n");
            for option in &choice.options {
                self.option_item(out, option, Some(choice));
            }
            out.push('\n');
        }
        let Some(in_force) = choice.in_force() else {
            let closed = self.incident.status() == Status::Closed;
            let _ = writeln!(
                out,
                "Solution: {}. {}\n",
                if closed {
                    "none was decided"
                } else {
                    "not decided yet"
                },
                how_to_record(&["incident decide OPTION TEXT"])
            );
            return;
        };
        for decision in &choice.decisions {
            let replaced = choice.replaced_by(decision.id);
            let lead = if replaced.is_some() {
                "At first"
            } else {
                "Solution"
            };
            let _ = write!(out, "{lead}: {}", self.solution(decision));
            match replaced {
                Some(by) => {
                    let _ = writeln!(out, "; replaced by {}.\n", by.id);
                }
                None => {
                    debug_assert_eq!(decision.id, in_force.id);
                    out.push_str(".\n\n");
                }
            }
        }
    }

    /// `O1, chosen by ana at 2026-11-21 02:24 UTC (D1): why`, with its corrections.
    fn solution(&self, decision: &'a Entry) -> String {
        let Body::Decision { option } = &decision.body else {
            return decision.id.to_string();
        };
        let mut said = format!(
            "{option}, chosen by {} at {} UTC ({})",
            text(&decision.by, PARAGRAPH),
            utc_time(self.state.at(decision)),
            decision.id
        );
        let rationale = self.state.text(decision);
        if !rationale.trim().is_empty() {
            let _ = write!(said, ": {}", text(rationale, PARAGRAPH));
        }
        said.push_str(&self.corrections(decision, PARAGRAPH));
        said
    }

    /// `- **O1** roll back to v41 — **chosen**` and its consequence under it. Options of a
    /// decided choice are marked: chosen by the decision in force, chosen by one it
    /// replaced, or not chosen.
    fn option_item(&self, out: &mut String, option: &'a Entry, choice: Option<&Choice<'a>>) {
        let _ = write!(
            out,
            "- **{}** {}{}",
            option.id,
            text(self.state.text(option), ITEM),
            self.corrections(option, ITEM)
        );
        if let Some(choice) = choice
            && let Some(in_force) = choice.in_force()
            && !self.state.is_retracted(option.id)
        {
            let chose = |decision: &&&Entry| matches!(decision.body, Body::Decision { option: chosen } if chosen == option.id);
            match choice.decisions.iter().rev().find(chose) {
                Some(decision) if decision.id == in_force.id => {
                    let _ = write!(out, " — {CHOSEN}");
                }
                Some(decision) => {
                    let by = choice.replaced_by(decision.id).unwrap_or(in_force);
                    let _ = write!(out, " — chosen by {}, replaced by {}", decision.id, by.id);
                }
                None => {
                    let _ = write!(out, " — {NOT_CHOSEN}");
                }
            }
        }
        out.push('\n');
        if let Some(consequence) = self.state.consequence(option) {
            let _ = writeln!(out, "  - Consequence: {}", text(consequence, SUBITEM));
        }
    }
}
