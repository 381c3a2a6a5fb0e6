//! One command line, from its words to what it did, and its error as one line on stderr
//! and an exit code: the process runs one (`main.rs`), the prompt runs one per line
//! (`shell/`), through the same two functions, so a line behaves exactly as the command.

use std::io::{self, Write};

use clap::{CommandFactory, FromArgMatches};

use crate::argv::{self, Word};
use crate::cli::{Cli, ColorChoice, GlobalArgs};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::ui::Ui;
use crate::{commands, news};
use incident_core::{sanitize, store};

/// Runs one command line, program name first, parsed with `tree`: `Cli::command()` as
/// built, never parsed with before (clap adds to it as it parses, its `help` for one, and
/// the argument sorter must see it as the command line's parse does). `inherited`: the
/// global options the prompt was opened with (`incident --dir X shell`), which each of its
/// lines takes unless it gives its own; for the process, none.
pub fn execute(tree: &mut clap::Command, words: Vec<Word>, inherited: &GlobalArgs) -> Result<()> {
    let args = argv::normalize_words(tree, words)?;
    let typed = args.clone();
    let matches = tree.try_get_matches_from_mut(args).map_err(Error::Clap)?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(Error::Clap)?;
    cli.global = inherit(cli.global, inherited);
    let mut ui = Ui::new(cli.global.color, cli.global.json, cli.global.quiet);
    let context = Context::new(&cli.global)?;
    let syncing = matches!(cli.command, Some(crate::cli::Command::Sync(_)));
    let background =
        matches!(&cli.command, Some(crate::cli::Command::Sync(sync)) if sync.background);
    news::watch(&context, &typed);
    let outcome = commands::run(cli.command, &context, &mut ui).map_err(news::explain);
    // What syncs renumbered is told by the next command that works (a failed one says only
    // why it failed); never into the log of a sync in the background, which nobody reads.
    if outcome.is_ok() && !background {
        news::tell(&context, &mut ui);
    }
    // What was recorded is shared after the command is done, by a sync of its own that
    // the engineer does not wait for: once, for the process and every line of the prompt.
    if !syncing
        && context.store.saved_any()
        && let Err(error) = background_sync(&context.store)
    {
        ui.warn(&format!("could not start sharing: {error}"));
    }
    // What the store had to say is said even when the command failed afterwards.
    for warning in context.store.take_warnings() {
        ui.warn(&warning);
    }
    outcome?;
    ui.flush()
}

/// Shares what this process saved: `incident --dir DIR sync --background`, detached.
fn background_sync(store: &store::Store) -> Result<()> {
    let program = std::env::current_exe().map_err(|source| Error::io("incident", source))?;
    let mut command = std::process::Command::new(program);
    command
        .arg("--dir")
        .arg(store.root())
        .args(["sync", "--background"]);
    Ok(store::spawn_background_sync(store, command)?)
}

/// A line's global options over the prompt's: each one the line gives wins.
fn inherit(line: GlobalArgs, inherited: &GlobalArgs) -> GlobalArgs {
    GlobalArgs {
        dir: line.dir.or_else(|| inherited.dir.clone()),
        incident: line.incident.or_else(|| inherited.incident.clone()),
        json: line.json || inherited.json,
        quiet: line.quiet || inherited.quiet,
        color: match line.color {
            ColorChoice::Auto => inherited.color,
            chosen => chosen,
        },
    }
}

/// For a word that is no subcommand: the subcommands it could start, or the one it is
/// probably a typo of. Clap's own suggestions list every alias too (`s`, `st`, `t`).
fn unknown_subcommand(error: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if error.kind() != ErrorKind::InvalidSubcommand {
        return None;
    }
    let Some(ContextValue::String(word)) = error.get(ContextKind::InvalidSubcommand) else {
        return None;
    };
    let command = Cli::command();
    let names: Vec<&str> = command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .map(|sub| sub.get_name())
        .collect();
    let word = sanitize::one_line(word);
    let starting: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| name.starts_with(word.as_str()))
        .collect();
    if starting.len() > 1 {
        return Some(format!(
            "error: `{word}` is ambiguous: {}\nhint: type more of it\n",
            starting.join(", ")
        ));
    }
    let hint = match names
        .iter()
        .map(|name| (argv::edit_distance(&word, name), *name))
        .filter(|(distance, name)| *distance <= 2.max(name.len() / 3))
        .min()
    {
        Some((_, nearest)) => format!("did you mean `{nearest}`?"),
        None => "`incident --help` lists the commands".to_string(),
    };
    Some(format!(
        "error: unrecognized subcommand `{word}`\nhint: {hint}\n"
    ))
}

/// Clap's error as ours: one `error:` line, then its tips and the usage as hints.
fn one_line_clap_error(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    // Clap's message runs to the first blank line (the missing arguments, the possible
    // values); then come its tips and the usage.
    let mut paragraphs = rendered.split("\n\n");
    let message: Vec<&str> = paragraphs
        .next()
        .unwrap_or("error: the command was typed wrong")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let mut text = format!("{}\n", sanitize::one_line(&message.join(" ")));
    for line in paragraphs.flat_map(str::lines).map(str::trim) {
        if let Some(tip) = line.strip_prefix("tip: ") {
            text.push_str(&format!("hint: {}\n", sanitize::one_line(tip)));
        } else if let Some(usage) = line.strip_prefix("Usage: ") {
            text.push_str(&format!("hint: usage: {}\n", sanitize::one_line(usage)));
        }
    }
    text
}

/// Says what went wrong on stderr, in one `error:` line with its hints, and returns the
/// exit code. Help and version are clap's "errors" too: printed, and 0.
pub fn report_error(error: &Error) -> u8 {
    if let Error::Replay { line, source } = error {
        let code = report_error(source);
        if code != 0 {
            let _ = writeln!(
                io::stderr(),
                "hint: line {line} failed, so the lines after it did not run"
            );
        }
        return code;
    }
    if let Error::Clap(clap_error) = error {
        if clap_error.exit_code() == 0 {
            // Help and version are not errors; clap knows where each goes.
            let _ = clap_error.print();
            let _ = io::stdout().flush();
            return 0;
        }
        let message =
            unknown_subcommand(clap_error).unwrap_or_else(|| one_line_clap_error(clap_error));
        let _ = write!(io::stderr(), "{message}");
        return 2;
    }
    if error.is_broken_pipe() {
        return 0;
    }
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "error: {}", sanitize::one_line(&error.to_string()));
    for candidate in error.candidates() {
        let _ = writeln!(stderr, "  {}", sanitize::one_line(candidate));
    }
    if let Some(hint) = error.hint() {
        let _ = writeln!(stderr, "hint: {hint}");
    }
    error.exit_code()
}
