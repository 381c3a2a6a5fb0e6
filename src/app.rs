//! One command line, from its words to what it did, and its error as one line on stderr
//! and an exit code: the process runs one (`main.rs`), the prompt runs one per line
//! (`shell/`), through the same two functions, so a line behaves exactly as the command.
//! `incident shell`, and `incident` alone at a terminal, are run elsewhere: what they ask
//! for is handed back, and `main.rs` opens the prompt, whose lines come back here.

use std::io::{self, IsTerminal, Write};

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use crate::argv::{self, Word};
use crate::cli::{self, Cli, GlobalArgs};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::ui::Ui;
use crate::{commands, news};
use incident_core::{sanitize, store};

/// What a command line asked for, once it ran.
pub enum Ran {
    /// It did it.
    Done,
    /// `incident shell`, or `incident` alone at a terminal: the prompt, with the global
    /// options it was given.
    Prompt(Inherited),
}

/// The global options a command line gave (`incident --dir X -i db shell`): the prompt
/// it opens passes them on to each of its lines, unless the line gives its own.
#[derive(Clone, Debug, Default)]
pub struct Inherited {
    /// Each option given, by clap's id, with the words that give it again (`--dir=X`).
    given: Vec<(String, Vec<String>)>,
    /// What they say.
    pub global: GlobalArgs,
}

impl Inherited {
    /// The global options that `matches` has from the command line itself, found in
    /// clap's tree: a global option added to `cli.rs` is passed on with no word here.
    fn given(tree: &clap::Command, matches: &ArgMatches) -> Vec<(String, Vec<String>)> {
        tree.get_arguments()
            .filter(|arg| arg.is_global_set())
            .filter(|arg| {
                matches.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine)
            })
            .filter_map(|arg| {
                let long = arg.get_long()?;
                let words = match matches.get_raw(arg.get_id().as_str()) {
                    Some(values) if arg.get_action().takes_values() => values
                        .map(|value| format!("--{long}={}", value.to_string_lossy()))
                        .collect(),
                    _ => vec![format!("--{long}")],
                };
                Some((arg.get_id().to_string(), words))
            })
            .collect()
    }

    /// The words of the options a line with `matches` does not give itself.
    fn missing_from(&self, matches: &ArgMatches) -> Vec<String> {
        self.given
            .iter()
            .filter(|(id, _)| matches.value_source(id) != Some(ValueSource::CommandLine))
            .flat_map(|(_, words)| words.iter().cloned())
            .collect()
    }

    /// Every word of the options given.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.given
            .iter()
            .flat_map(|(_, words)| words.iter().map(String::as_str))
    }
}

/// The tree to parse `words` (program name first) with, when they name a subcommand (as
/// the argument sorter finds it in `whole`, `Cli::command()` as built): the top level with
/// that one alone (`Cli::command_with`). `None`, for a mistyped subcommand or none, or
/// help asked for before the subcommand (the top level's, which lists every one): then
/// `whole` is the tree.
pub fn pruned(whole: &clap::Command, words: &[Word]) -> Option<clap::Command> {
    let index = argv::subcommand_index(whole, words)?;
    // `-h` in a cluster of short flags too (`-qh`); a value that holds an `h` (`-ih`)
    // only costs the pruning.
    let asks_help = |word: &str| {
        word == "--help" || (!word.starts_with("--") && word.starts_with('-') && word.contains('h'))
    };
    if words[1..index]
        .iter()
        .any(|word| asks_help(&word.typed) || asks_help(&word.value))
    {
        return None;
    }
    let subcommand = argv::find_subcommand(whole, &words[index].value)?;
    Some(Cli::command_with(subcommand.clone()))
}

/// Runs one command line, program name first, parsed with `tree`: `pruned` (or the whole
/// tree) as built, never parsed with before (clap adds to it as it parses, its `help` for one, and
/// the argument sorter must see it as the command line's parse does). `inherited`: the
/// global options the prompt was opened with, which each of its lines takes unless it
/// gives its own; for the process, none.
pub fn execute(tree: &mut clap::Command, words: Vec<Word>, inherited: &Inherited) -> Result<Ran> {
    let mut args = argv::normalize_words(tree, words)?;
    let typed = args.clone();
    let mut matches = tree
        .try_get_matches_from_mut(args.clone())
        .map_err(Error::Clap)?;
    // The prompt's options the line does not give are read as if typed first on it.
    let missing = inherited.missing_from(&matches);
    if !missing.is_empty() {
        args.splice(1..1, missing);
        matches = tree.try_get_matches_from_mut(args).map_err(Error::Clap)?;
    }
    // Read before the matches are taken apart into the command's types (taking them
    // apart, not a copy of them: copying clap's matches cost more than the parse).
    let given = Inherited::given(tree, &matches);
    let Cli { global, command } = Cli::from_arg_matches_mut(&mut matches).map_err(Error::Clap)?;
    let mut ui = Ui::new(global.color, global.json, global.quiet);
    let context = Context::new(&global)?;
    let prompt = match command {
        Some(cli::Command::Shell) => true,
        // `incident` alone: the prompt, for a person at a terminal; for anything else, how
        // to start (`commands::run`).
        None => io::stdin().is_terminal() && io::stdout().is_terminal(),
        Some(_) => false,
    };
    let syncing = matches!(command, Some(cli::Command::Sync(_)));
    let background = matches!(&command, Some(cli::Command::Sync(sync)) if sync.0.background);
    news::watch(&context, &typed);
    let outcome = if prompt {
        Ok(())
    } else {
        commands::run(command, &context, &mut ui).map_err(news::explain)
    };
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
    ui.flush()?;
    if prompt {
        return Ok(Ran::Prompt(Inherited { given, global }));
    }
    Ok(Ran::Done)
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
        // What to type instead, each the shortest that names one command alone, so a
        // tired engineer reads the answer rather than works it out (`ca`: cause, cadence).
        let shortest: Vec<String> = starting
            .iter()
            .map(|name| {
                let prefix = (word.len() + 1..=name.len())
                    .map(|end| &name[..end])
                    .find(|prefix| {
                        argv::find_subcommand(&command, prefix)
                            .is_some_and(|found| found.get_name() == *name)
                    })
                    .unwrap_or(name);
                if prefix == *name {
                    format!("`{name}`")
                } else {
                    format!("`{prefix}` for {name}")
                }
            })
            .collect();
        let (last, others) = shortest.split_last().expect("more than one");
        return Some(format!(
            "error: `{word}` is ambiguous: {}\nhint: type {} or {last}\n",
            starting.join(", "),
            others.join(", ")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(line: &[&str]) -> (clap::Command, ArgMatches) {
        let mut tree = Cli::command();
        let mut args = vec!["incident".to_string()];
        args.extend(line.iter().map(|word| word.to_string()));
        let args = argv::normalize(&tree, args).expect("sorted");
        let matches = tree.try_get_matches_from_mut(args).expect("parsed");
        (tree, matches)
    }

    fn inherited(line: &[&str]) -> Inherited {
        let (tree, matches) = parsed(line);
        let global = GlobalArgs::from_arg_matches(&matches).expect("global options");
        Inherited {
            given: Inherited::given(&tree, &matches),
            global,
        }
    }

    /// What clap makes of `line` with `tree`: the command line it read, or its help or
    /// error, rendered.
    fn clap_says(mut tree: clap::Command, line: &[&str]) -> String {
        match tree.try_get_matches_from_mut(line) {
            Ok(matches) => format!("{:?}", Cli::from_arg_matches(&matches)),
            Err(error) => error.render().to_string(),
        }
    }

    #[test]
    fn a_line_naming_a_subcommand_is_parsed_as_the_whole_tree_parses_it() {
        let whole = Cli::command();
        for subcommand in whole.get_subcommands() {
            let name = subcommand.get_name();
            let lines: [&[&str]; 4] = [
                &["incident", name, "--help"],
                &["incident", name, "-h"],
                &["incident", "--json", name, "--no-such-option"],
                &["incident", name, "--dir", "/srv", "-i", "db"],
            ];
            for line in lines {
                let words: Vec<Word> = line
                    .iter()
                    .map(|word| Word::plain(word.to_string()))
                    .collect();
                let pruned = pruned(&whole, &words).expect("a subcommand is named");
                assert_eq!(pruned.get_subcommands().count(), 1, "{line:?}");
                assert_eq!(
                    clap_says(pruned, line),
                    clap_says(Cli::command(), line),
                    "{line:?}"
                );
            }
        }
        // No subcommand, none that one word names, or the top level's help: no pruned
        // tree, the whole one.
        for line in [
            &["incident"][..],
            &["incident", "--help"],
            &["incident", "bogus"],
            &["incident", "help"],
            &["incident", "--help", "symptom"],
            &["incident", "-h", "note"],
            &["incident", "--json", "-qh", "list"],
            &["incident", "--dir", "/srv", "--help", "status"],
        ] {
            let words: Vec<Word> = line
                .iter()
                .map(|word| Word::plain(word.to_string()))
                .collect();
            assert!(pruned(&whole, &words).is_none(), "{line:?}");
        }
    }

    #[test]
    fn every_global_option_given_to_the_prompt_is_passed_on() {
        let (tree, _) = parsed(&[]);
        let globals: Vec<&clap::Arg> = tree
            .get_arguments()
            .filter(|arg| arg.is_global_set())
            .collect();
        assert!(globals.len() >= 5, "--dir, -i, --json, -q, --color");
        for arg in globals {
            let long = arg.get_long().expect("a global option has a long name");
            let given = match arg.get_possible_values().first() {
                Some(value) if arg.get_action().takes_values() => {
                    format!("--{long}={}", value.get_name())
                }
                _ if arg.get_action().takes_values() => format!("--{long}=x"),
                _ => format!("--{long}"),
            };
            // Before the subcommand, and after it.
            assert_eq!(
                inherited(&[&given, "shell"]).words().collect::<Vec<_>>(),
                [given.as_str()]
            );
            assert_eq!(
                inherited(&["shell", &given]).words().collect::<Vec<_>>(),
                [given.as_str()]
            );
        }
        assert_eq!(inherited(&["shell"]).words().count(), 0, "no defaults");
    }

    #[test]
    fn a_line_gives_its_own_options_and_takes_the_rest_from_the_prompt() {
        let prompt = inherited(&["--dir", "/srv/incidents", "-i", "db", "--json", "shell"]);
        assert_eq!(prompt.global.incident.as_deref(), Some("db"));
        let (_, line) = parsed(&["note", "x", "-i", "api", "-q"]);
        assert_eq!(
            prompt.missing_from(&line),
            ["--dir=/srv/incidents", "--json"]
        );
    }
}
