//! `incident`: parse, run, and turn any error into one line on stderr and an exit code.

mod argv;
mod cli;
mod commands;
mod completion;
mod context;
mod error;
mod id;
mod input;
mod model;
mod news;
mod record;
mod render;
mod sanitize;
mod store;
mod time;
mod ui;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::Cli;
use crate::error::Error;

fn main() -> ExitCode {
    // A panic is a bug, but the user still gets one line, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|text| (*text).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let place = info
            .location()
            .map(|location| format!(" at {}:{}", location.file(), location.line()))
            .unwrap_or_default();
        let _ = writeln!(
            io::stderr(),
            "error: internal error: {}{place}",
            sanitize::one_line(&message)
        );
    }));
    match std::panic::catch_unwind(run) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(error)) => report_error(&error),
        Err(_) => ExitCode::from(1),
    }
}

fn run() -> Result<(), Error> {
    // First, before the arguments are read: a line being completed is unfinished.
    completion::complete_if_asked();
    store::failpoint("panic");
    let mut args = Vec::new();
    for arg in std::env::args_os() {
        args.push(arg.into_string().map_err(|_| Error::InvalidUtf8 {
            what: "an argument",
        })?);
    }
    // Leaked: the process ends soon, and freeing clap's tree costs more than parsing.
    let command = Box::leak(Box::new(Cli::command()));
    let args = argv::normalize(command, args)?;
    let typed = args.clone();
    let matches = match command.try_get_matches_from_mut(args) {
        Ok(matches) => matches,
        Err(error) => return Err(Error::Clap(error)),
    };
    let cli = Cli::from_arg_matches(&matches).map_err(Error::Clap)?;
    let mut ui = ui::Ui::new(cli.global.color, cli.global.json, cli.global.quiet);
    let context = context::Context::new(&cli.global)?;
    let syncing = matches!(cli.command, Some(cli::Command::Sync(_)));
    let outcome = news::heed(&context, &mut ui, &typed)
        .and_then(|()| commands::run(cli.command, &context, &mut ui));
    // What was recorded is shared after the command is done, by a sync of its own that
    // the engineer does not wait for.
    if !syncing
        && context.store.saved_any()
        && let Err(error) = store::spawn_background_sync(&context.store)
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

fn report_error(error: &Error) -> ExitCode {
    if let Error::Clap(clap_error) = error {
        if clap_error.exit_code() == 0 {
            // Help and version are not errors; clap knows where each goes.
            let _ = clap_error.print();
            return ExitCode::SUCCESS;
        }
        let message =
            unknown_subcommand(clap_error).unwrap_or_else(|| one_line_clap_error(clap_error));
        let _ = write!(io::stderr(), "{message}");
        return ExitCode::from(2);
    }
    if error.is_broken_pipe() {
        return ExitCode::SUCCESS;
    }
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "error: {}", sanitize::one_line(&error.to_string()));
    for candidate in error.candidates() {
        let _ = writeln!(stderr, "  {}", sanitize::one_line(candidate));
    }
    if let Some(hint) = error.hint() {
        let _ = writeln!(stderr, "hint: {hint}");
    }
    ExitCode::from(error.exit_code())
}
