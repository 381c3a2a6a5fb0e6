//! Shell completion computed by the binary at each Tab, in every shell clap supports
//! (clap_complete's dynamic completion, as jj does it).
//!
//! `COMPLETE=zsh incident` (and `incident completions zsh`) prints a small registration
//! script; at each Tab the shell then runs `COMPLETE=zsh incident -- incident result T`
//! and offers what it prints. Subcommands, options and their values come from clap's own
//! definitions in `cli.rs`; incident ids and labels, for the arguments whose declared
//! `Takes` names them, from the incident the line being completed names.
//!
//! This runs before `argv::normalize` and clap's parsing, since the line is unfinished.
//! A completion never prints an error, never panics aloud and never writes a file: at
//! worst the shell offers nothing.
//!
//! `incident shell` completes its own lines with the same engine and completers
//! ([`candidates`]), so which option takes which labels is known here alone.

use std::ffi::{OsStr, OsString};
use std::sync::{Mutex, OnceLock, PoisonError};

use clap::{Arg, Command, CommandFactory, FromArgMatches};
use clap_complete::env::{EnvCompleter, Shells};
use clap_complete::{ArgValueCompleter, CompletionCandidate};

use crate::argv;
use crate::cli::{Cli, Entries, GlobalArgs, Takes};
use crate::context::Context;
use incident_core::model::{Entry, Kind, Label, State};
use incident_core::sanitize;

/// The environment variable that asks for completion, and names the shell.
const VAR: &str = "COMPLETE";
/// The command the scripts complete.
const BIN: &str = "incident";
/// Ids beyond this many are offered without their titles, which would mean reading every
/// document at each Tab.
const TITLED_IDS: usize = 100;
/// A candidate's description, in the shells that show one (zsh, fish, PowerShell).
const HELP_CHARS: usize = 60;

/// The words of the line being completed that stand before the cursor, program name
/// first, with subcommand prefixes spelt out: what the completers read the incident from.
static LINE: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn set_line(words: &[String]) {
    *LINE.lock().unwrap_or_else(PoisonError::into_inner) = words.to_vec();
}

/// With `COMPLETE` naming a shell, prints the registration script or the candidates for
/// the line the shell passes, and exits. Any other value of `COMPLETE` is not a request
/// for completion: a stray `COMPLETE=1` in the environment must not silence every
/// command.
pub fn complete_if_asked() {
    let Some(shell) = std::env::var_os(VAR).and_then(|name| shell_named(&name)) else {
        return;
    };
    // The shell would print a panic over the prompt; nothing is better than that.
    std::panic::set_hook(Box::new(|_| {}));
    let args = prepare(shell, std::env::args_os().collect());
    let current_dir = std::env::current_dir().ok();
    let completed = clap_complete::CompleteEnv::with_factory(command_to_complete)
        .try_complete(args, current_dir.as_deref());
    std::process::exit(if matches!(completed, Ok(true)) { 0 } else { 1 });
}

/// The command line as the engine completes it: each subcommand offered by its name,
/// its aliases (`s`, `st`, `ls`) still completed once typed. Offered beside the names,
/// an alias would stand in for its command: the engine keeps one candidate per command.
/// Each argument that takes labels or an incident completes them, as it declares.
fn command_to_complete() -> Command {
    // Built first: a subcommand's options are added when it is built (`cli::Deferred`).
    let mut command = Cli::command();
    command.build();
    let mut command = command
        .mut_args(with_completer)
        .mut_subcommands(|subcommand| subcommand.mut_args(with_completer));
    for subcommand in command.get_subcommands_mut() {
        // Leaked: clap's names are `'static`, and a completion process lives for one Tab.
        let aliases: Vec<&'static str> = subcommand
            .get_visible_aliases()
            .map(|alias| &*alias.to_string().leak())
            .collect();
        *subcommand = std::mem::take(subcommand)
            .visible_alias(None)
            .aliases(aliases);
    }
    command
}

/// An argument with the completer of what it takes, if it takes labels or an incident.
fn with_completer(arg: Arg) -> Arg {
    match arg.get::<Takes>().copied() {
        Some(Takes::Label(entries) | Takes::Labels(entries)) => {
            arg.add(ArgValueCompleter::new(move |current: &OsStr| {
                complete_labels(current, entries)
            }))
        }
        Some(Takes::Incident) => arg.add(ArgValueCompleter::new(incident_ids)),
        _ => arg,
    }
}

fn shell_named(name: &OsStr) -> Option<&'static dyn EnvCompleter> {
    const SHELLS: Shells<'static> = Shells::builtins();
    // `$SHELL` works too: `COMPLETE=/usr/bin/zsh`.
    let stem = std::path::Path::new(name).file_stem()?.to_str()?;
    SHELLS.iter().find(|shell| shell.is(stem))
}

/// What `incident completions SHELL` prints: the script `COMPLETE=SHELL incident` prints,
/// which sends every Tab back to this binary. `None` for a shell clap_complete has no
/// dynamic completion for.
pub fn registration(shell: clap_complete::Shell) -> Option<String> {
    let completer = shell_named(OsStr::new(&shell.to_string()))?;
    // As `CompleteEnv` does: the binary as it was called, made absolute when it was
    // called by a relative path, so the script works from any directory.
    let called = std::env::args_os().next().unwrap_or_else(|| BIN.into());
    let mut path = std::path::PathBuf::from(called);
    if path.components().count() > 1
        && let Ok(current_dir) = std::env::current_dir()
    {
        path = current_dir.join(path);
    }
    let mut script = Vec::new();
    completer
        .write_registration(VAR, BIN, BIN, &path.to_string_lossy(), &mut script)
        .ok()?;
    String::from_utf8(script).ok()
}

/// The shell's words rearranged for clap's completion engine, and the words before the
/// cursor kept for the completers.
fn prepare(shell: &dyn EnvCompleter, mut args: Vec<OsString>) -> Vec<OsString> {
    let Some(dashes) = args.iter().position(|arg| arg == "--") else {
        // No words: the registration script is asked for.
        return args;
    };
    let mut words: Vec<String> = args
        .split_off(dashes + 1)
        .iter()
        .map(|word| word.to_string_lossy().into_owned())
        .collect();
    // Bash, zsh and elvish say which word the cursor is in; fish and PowerShell pass the
    // words up to the cursor.
    let by_index = matches!(shell.name(), "bash" | "zsh" | "elvish");
    let mut index = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|index| index.parse().ok())
        .filter(|_| by_index)
        .unwrap_or(words.len().saturating_sub(1));
    if shell.name() == "bash" {
        index = rejoin_bash_words(&mut words, index);
        // SAFETY: completion runs first thing in `run`, before any other thread exists.
        unsafe { std::env::set_var("_CLAP_COMPLETE_INDEX", index.to_string()) };
    }
    let command = Cli::command();
    spell_out_subcommand(&command, &mut words, index);
    set_line(&words[..index.min(words.len())]);
    args.extend(words.into_iter().map(OsString::from));
    args
}

/// What Tab offers in `incident shell` for `words[index]` (program name first; the word
/// under the cursor as typed so far): each candidate and its description, from the engine
/// and completers the shells' Tab asks.
pub fn candidates(mut words: Vec<String>, index: usize) -> Vec<(String, Option<String>)> {
    // Built once: a prompt completes many lines, and the engine only reads the tree.
    static COMMAND: OnceLock<Mutex<Command>> = OnceLock::new();
    let command = COMMAND.get_or_init(|| Mutex::new(command_to_complete()));
    let Ok(mut command) = command.lock() else {
        return Vec::new();
    };
    spell_out_subcommand(&command, &mut words, index);
    set_line(&words[..index.min(words.len())]);
    let current_dir = std::env::current_dir().ok();
    let args = words.into_iter().map(OsString::from).collect();
    clap_complete::engine::complete(&mut command, args, index, current_dir.as_deref())
        .unwrap_or_default()
        .into_iter()
        .filter(|candidate| !candidate.is_hide_set())
        .map(|candidate| {
            let value = candidate.get_value().to_string_lossy().into_owned();
            (value, candidate.get_help().map(ToString::to_string))
        })
        .collect()
}

/// Bash splits `--rules-out=H1` into `--rules-out`, `=`, `H1` (`=` is in
/// `COMP_WORDBREAKS`). Before the cursor the three become one word again; at the cursor
/// the `=` goes, so the engine completes the option's value and bash replaces only what
/// follows the `=`. Returns the cursor's new index.
fn rejoin_bash_words(words: &mut Vec<String>, mut index: usize) -> usize {
    let mut position = 1;
    while position < index.min(words.len()) {
        let after_option = words[position] == "=" && words[position - 1].starts_with('-');
        if !after_option {
            position += 1;
        } else if position + 1 < index {
            let value = words.remove(position + 1);
            words.remove(position);
            words[position - 1].push('=');
            words[position - 1].push_str(&value);
            index -= 2;
        } else {
            words.remove(position);
            index -= 1;
        }
    }
    index
}

/// `incident resu T<Tab>`: clap's engine knows subcommands by name and alias only, but
/// `incident` takes any unambiguous prefix, so the prefix before the cursor is spelt out.
fn spell_out_subcommand(root: &Command, words: &mut [String], index: usize) {
    let before: Vec<argv::Word> = words[..index.min(words.len())]
        .iter()
        .cloned()
        .map(argv::Word::plain)
        .collect();
    if let Some(position) = argv::subcommand_index(root, &before)
        && let Some(subcommand) = argv::find_subcommand(root, &words[position])
    {
        words[position] = subcommand.get_name().to_string();
    }
}

/// The context of the line being completed: its global options as the command would read
/// them (the text's own `-i` stays text), then `INCIDENT_DIR` and `INCIDENT`.
fn line_context() -> Option<Context> {
    let line = LINE.lock().ok()?.clone();
    let command = Cli::command();
    let args = argv::normalize(&command, line.clone()).unwrap_or(line);
    // The line is unfinished (`--for` still waits for its value), so clap stops early:
    // the options it has read so far are in the matches, without defaults, and not yet
    // handed up from the subcommand that read them.
    let matches = command
        .ignore_errors(true)
        .try_get_matches_from(args)
        .ok()?;
    // So each level's are read in turn, the subcommand's over the top's.
    let mut global = GlobalArgs::default();
    let mut level = Some(&matches);
    while let Some(matches) = level {
        // What cannot be read yet is left as it was: the line is unfinished.
        let _ = global.update_from_arg_matches(matches);
        level = matches.subcommand().map(|(_, sub)| sub);
    }
    Context::new(&global).ok()
}

/// Whether completion offers `entry` among `entries`.
fn offers(entries: Entries, state: &State, entry: &Entry) -> bool {
    let kind = entry.kind();
    let live = !state.is_retracted(entry.id);
    match entries {
        Entries::Symptoms => kind == Kind::Symptom && live,
        Entries::Hypotheses => kind == Kind::Hypothesis && state.is_standing(entry.id),
        Entries::Tests => kind == Kind::Test && live,
        Entries::Options => kind == Kind::Option && live,
        Entries::Situations => kind == Kind::Situation && live,
        Entries::Amendable => kind.can_be_amended() && live,
        Entries::Retractable => kind.can_be_retracted() && live,
        Entries::Any => true,
    }
}

/// The labels of the incident `context` acts on among `entries`, each with its current
/// text; none when there is no such incident or it cannot be read.
pub fn labels(context: &Context, entries: Entries) -> Vec<(String, String)> {
    let Ok(incident) = context.target().and_then(|id| Ok(context.store.load(&id)?)) else {
        return Vec::new();
    };
    let state = incident.state();
    incident
        .entries
        .iter()
        .filter(|entry| offers(entries, &state, entry))
        .map(|entry| (entry.id.to_string(), state.text(entry).to_string()))
        .collect()
}

/// Every incident id, each with its title while there are few enough to read them all.
pub fn ids(context: &Context) -> Vec<(String, Option<String>)> {
    let ids = context.store.ids().unwrap_or_default();
    let titled = ids.len() <= TITLED_IDS;
    ids.into_iter()
        .map(|id| {
            let title = titled
                .then(|| context.store.load(&id).ok())
                .flatten()
                .map(|incident| incident.state().title().to_string());
            (id, title)
        })
        .collect()
}

fn candidate(value: String, help: Option<&str>) -> CompletionCandidate {
    let help = help.map(|help| {
        let line = sanitize::one_line(help);
        match line.char_indices().nth(HELP_CHARS) {
            Some((cut, _)) => format!("{}…", &line[..cut]),
            None => line,
        }
    });
    CompletionCandidate::new(value).help(help.map(Into::into))
}

fn complete_labels(current: &OsStr, entries: Entries) -> Vec<CompletionCandidate> {
    let Some(context) = line_context() else {
        return Vec::new();
    };
    // Labels are case-insensitive: `h` offers `H1`.
    let typed = current.to_string_lossy();
    labels(&context, entries)
        .into_iter()
        .filter(|(label, _)| Label::parse(label).is_some_and(|label| label.is_begun_by(&typed)))
        .map(|(label, text)| candidate(label, Some(&text)))
        .collect()
}

/// Incident ids for `-i` and `use`: those starting with what was typed, else, as a
/// reference may be any part of an id, those containing it.
fn incident_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(context) = line_context() else {
        return Vec::new();
    };
    let typed = current.to_string_lossy();
    let ids = ids(&context);
    let starting: Vec<_> = ids
        .iter()
        .filter(|(id, _)| id.starts_with(typed.as_ref()))
        .collect();
    let chosen = if starting.is_empty() {
        ids.iter()
            .filter(|(id, _)| id.contains(typed.as_ref()))
            .collect()
    } else {
        starting
    };
    chosen
        .into_iter()
        .map(|(id, title)| candidate(id.clone(), title.as_deref()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(String::from).collect()
    }

    #[test]
    fn bash_split_options_are_joined_again() {
        let mut line = words("incident --dir = /tmp/x result T1 x --rules-out = H");
        let index = rejoin_bash_words(&mut line, 9);
        assert_eq!(
            line,
            words("incident --dir=/tmp/x result T1 x --rules-out H")
        );
        assert_eq!(index, 6);
    }

    #[test]
    fn a_subcommand_prefix_is_spelt_out_before_the_cursor_only() {
        let command = Cli::command();
        let mut line = words("incident -i other --json resu T");
        spell_out_subcommand(&command, &mut line, 5);
        assert_eq!(line, words("incident -i other --json result T"));
        let mut line = words("incident resu");
        spell_out_subcommand(&command, &mut line, 1);
        assert_eq!(line, words("incident resu"));
    }
}
