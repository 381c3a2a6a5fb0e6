//! `incident __complete WHAT`: ids and labels for the shell's completion, one a line.

use crate::cli::CompleteArgs;
use crate::context::Context;
use crate::error::Result;
use crate::model::Kind;
use crate::ui::Ui;

/// One candidate per line. Quiet on any error: a completion must never print one.
pub fn run(context: &Context, ui: &mut Ui, args: CompleteArgs) -> Result<()> {
    let candidates: Vec<String> = match args.what.as_str() {
        "ids" => context.store.ids().unwrap_or_default(),
        what => {
            let kind = match what {
                "symptoms" => Some(Kind::Symptom),
                "hypotheses" => Some(Kind::Hypothesis),
                "tests" => Some(Kind::Test),
                "options" => Some(Kind::Option),
                _ => None,
            };
            context
                .target()
                .and_then(|id| context.store.load(&id))
                .map(|incident| {
                    let state = incident.state();
                    incident
                        .entries
                        .iter()
                        .filter(|entry| kind.is_none_or(|kind| entry.kind() == kind))
                        .filter(|entry| !entry.kind().is_change() && !state.is_retracted(entry.id))
                        .map(|entry| entry.id.to_string())
                        .collect()
                })
                .unwrap_or_default()
        }
    };
    let text: String = candidates.iter().map(|line| format!("{line}\n")).collect();
    ui.print(&text)
}
