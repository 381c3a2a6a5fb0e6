//! `incident __complete WHAT`: ids and labels, one a line, for the bash script earlier
//! versions printed; today's scripts ask `COMPLETE=SHELL incident` (`src/completion.rs`).

use crate::cli::{CompleteArgs, Entries};
use crate::completion;
use crate::context::Context;
use crate::error::Result;
use crate::ui::Ui;

/// One candidate per line. Quiet on any error: a completion must never print one.
pub fn run(context: &Context, ui: &mut Ui, args: CompleteArgs) -> Result<()> {
    let entries = match args.what.as_str() {
        "ids" => {
            let ids = context.store.ids().unwrap_or_default();
            let text: String = ids.iter().map(|id| format!("{id}\n")).collect();
            return ui.print(&text);
        }
        "symptoms" => Entries::Symptoms,
        "hypotheses" => Entries::Hypotheses,
        "tests" => Entries::Tests,
        "options" => Entries::Options,
        _ => Entries::Amendable,
    };
    let text: String = completion::labels(context, entries)
        .iter()
        .map(|(label, _)| format!("{label}\n"))
        .collect();
    ui.print(&text)
}
