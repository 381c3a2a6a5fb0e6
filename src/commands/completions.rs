//! `incident completions SHELL` prints the script that registers `incident`'s completion
//! with SHELL: the same as `COMPLETE=SHELL incident` prints. At each Tab the script asks
//! the binary itself, which completes commands, options, incident ids and labels
//! (`src/completion.rs`).

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::completion;
use crate::error::Result;
use crate::ui::Ui;

pub fn run(ui: &mut Ui, args: CompletionsArgs) -> Result<()> {
    let script = completion::registration(args.shell).unwrap_or_else(|| {
        // A shell clap_complete cannot ask the binary from: its static script.
        let mut script = Vec::new();
        clap_complete::generate(args.shell, &mut Cli::command(), "incident", &mut script);
        String::from_utf8(script).expect("clap writes UTF-8 scripts")
    });
    ui.print(&script)
}
