//! `## Decisions`: each decision as S.O.C.S. weighs it (situation, options, consequences,
//! solution), and the options weighed but not yet decided.

use std::fmt::Write;

use super::shared::Report;
use super::text::{ITEM, PARAGRAPH, text};
use crate::render::utc_time;
use incident_core::model::{Body, Entry, Kind, Label, Situation};

impl<'a> Report<'a> {
    pub(super) fn has_decisions(&self) -> bool {
        self.state.live(Kind::Option).next().is_some()
            || self.state.live(Kind::Decision).next().is_some()
    }

    /// Each decision as S.O.C.S. weighs it: the situation when it was made, the options
    /// with their consequences, and the solution chosen, by whom, when and why. A retracted
    /// decision is no decision: it is left out here, and the timeline shows it retracted.
    /// Each lists the options recorded before it (what there was to choose from); the
    /// situation is the log as it stood at the decision's time, from the model.
    pub(super) fn decisions(&self, out: &mut String) {
        let situations = self.state.situations();
        // Each decision lists the options weighed since the one before it, and the option
        // it chose if that came earlier: what was on the table, not every option ever, so
        // thousands of decisions stay a report a person can read. Retracted options stay
        // in the lists they were weighed in, marked retracted.
        let mut weighed: Vec<&Entry> = Vec::new();
        let mut undecided: Vec<&Entry> = Vec::new();
        for entry in &self.incident.entries {
            match &entry.body {
                Body::Option { .. } => {
                    weighed.push(entry);
                    if !self.state.is_retracted(entry.id) {
                        undecided.push(entry);
                    }
                }
                Body::Decision { option: chosen } => {
                    if let Some(situation) = situations.get(&entry.id) {
                        let mut options = weighed.clone();
                        if !options.iter().any(|option| option.id == *chosen)
                            && let Some(option) = self.state.entry(*chosen)
                        {
                            options.insert(0, option);
                        }
                        self.decision(out, situation, *chosen, &options);
                        weighed.clear();
                        undecided.clear();
                    }
                }
                _ => {}
            }
        }
        if !undecided.is_empty() {
            out.push_str("Options weighed, not yet decided:\n\n");
            for option in undecided {
                let _ = writeln!(out, "- {}", self.option_item(option, ""));
            }
            out.push('\n');
        }
    }

    fn decision(
        &self,
        out: &mut String,
        situation: &Situation<'a>,
        chosen: Label,
        options: &[&'a Entry],
    ) {
        let decision = situation.decision;
        let _ = writeln!(out, "### {}\n", decision.id);
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
        let _ = writeln!(
            out,
            "Situation at {} UTC: severity {severity}, stage {}; standing hypotheses: {}.\n",
            utc_time(situation.at),
            situation.stage.name(),
            if standing.is_empty() {
                "none".to_string()
            } else {
                standing.join(", ")
            }
        );
        out.push_str("Options:\n\n");
        for option in options {
            let mark = if option.id == chosen {
                " **Chosen.**"
            } else {
                ""
            };
            let _ = writeln!(out, "- {}", self.option_item(option, mark));
        }
        let _ = write!(
            out,
            "\nSolution: {chosen}, chosen by {} at {} UTC",
            text(&decision.by, PARAGRAPH),
            utc_time(situation.at)
        );
        let rationale = self.state.text(decision);
        if !rationale.trim().is_empty() {
            let _ = write!(out, ": {}", text(rationale, PARAGRAPH));
        }
        let corrections = self.corrections(decision, PARAGRAPH);
        if corrections.is_empty() {
            out.push_str(".\n\n");
        } else {
            let _ = writeln!(out, "{corrections}\n");
        }
    }

    /// `**O1** roll back to v41 **Chosen.**` and its consequence, for a list item.
    fn option_item(&self, option: &'a Entry, mark: &str) -> String {
        let mut item = format!(
            "**{}** {}{mark}",
            option.id,
            text(self.state.text(option), ITEM)
        );
        if let Some(consequence) = self.state.consequence(option) {
            let _ = write!(item, "\\\n  Consequence: {}", text(consequence, ITEM));
        }
        item.push_str(&self.corrections(option, ITEM));
        item
    }
}
