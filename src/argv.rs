//! Arranging the words of a command line so that clap can parse free text.
//!
//! At 3AM people type `incident symptom 502s on checkout --at 10m ago` and
//! `incident symptom -15% conversions`. The contract says every word that is not one of
//! the command's options is text, wherever it stands, and that `--` ends the options.
//! Clap alone cannot do this: a word like `-15%` is an unknown option to it. So the words
//! after the subcommand are sorted here into the command's options (rewritten as
//! `--long=value`) and the text, which is handed to clap after `--`.
//!
//! A log must be trustworthy, so a word shaped like a long option (`--timout`,
//! `--bye=bob`) is never quietly taken as text: one that is not an option of the command
//! is refused with the nearest option as a hint, and so is a real option standing inside
//! the text, where it is ambiguous. What this module knows of each option it reads from
//! clap's own definitions in `cli.rs`, what its value is from the `Takes` declared there;
//! what it knows of times it asks `time.rs`.

use clap::{Arg, Command};

use crate::cli::Takes;
use crate::error::{Error, Result};
use crate::time;
use incident_core::model::Kind;

#[derive(Clone)]
pub struct Spec {
    long: String,
    short: Option<char>,
    /// What its value is, for an option that takes one: declared in `cli.rs`, a plain
    /// word when it is not.
    value: Option<Takes>,
    value_optional: bool,
}

impl Spec {
    fn of(arg: &Arg) -> Option<Spec> {
        let long = arg.get_long()?.to_string();
        let value = arg
            .get_action()
            .takes_values()
            .then(|| arg.get::<Takes>().copied().unwrap_or(Takes::Word));
        let value_optional = arg
            .get_num_args()
            .is_some_and(|range| range.min_values() == 0);
        Some(Spec {
            long,
            short: arg.get_short(),
            value,
            value_optional,
        })
    }

    fn takes_value(&self) -> bool {
        self.value.is_some()
    }

    /// The kind of the labels this option takes, if it takes a list of them; following
    /// words that are such labels (`--for H1 H2`) are taken as more values.
    fn label_kind(&self) -> Option<Kind> {
        match self.value {
            Some(Takes::Labels(entries)) => entries.kind(),
            _ => None,
        }
    }

    /// Its value is free text: after the text, it takes every word up to the next option
    /// (`--consequence lose an hour of orders`).
    fn free_text(&self) -> bool {
        self.value == Some(Takes::Text)
    }

    /// Its value is a time: unquoted words that continue it are taken, as far as the time
    /// parser reads them.
    fn time(&self) -> bool {
        self.value == Some(Takes::Time)
    }
}

fn flag(long: &str, short: char) -> Spec {
    Spec {
        long: long.into(),
        short: Some(short),
        value: None,
        value_optional: false,
    }
}

/// The options a command knows: its own, the global ones, and clap's `--help`.
fn specs_of(command: &Command, globals: &[Spec]) -> Vec<Spec> {
    let mut specs: Vec<Spec> = command.get_arguments().filter_map(Spec::of).collect();
    specs.extend(globals.iter().cloned());
    specs.push(flag("help", 'h'));
    specs
}

/// The subcommand a word names: its name, an alias, or an unambiguous prefix.
pub fn find_subcommand<'a>(root: &'a Command, word: &str) -> Option<&'a Command> {
    if let Some(exact) = root
        .get_subcommands()
        .find(|sub| sub.get_name() == word || sub.get_all_aliases().any(|alias| alias == word))
    {
        return Some(exact);
    }
    let mut prefixed = root
        .get_subcommands()
        .filter(|sub| sub.get_name().starts_with(word));
    match (prefixed.next(), prefixed.next()) {
        (Some(only), None) if !word.is_empty() => Some(only),
        _ => None,
    }
}

/// A word of a command line: as it was typed, and as it reads where a value is read (an
/// option's value, a label, the subcommand). From a shell the two are one, since the shell
/// took the quotes off. The incident prompt reads lines itself: there a quoted word is one
/// word, kept as typed, quotes and all, in the text (where every character is kept) and
/// read without its quotes as an option's value (`--run 'df -h | tail -1'`). A quoted word
/// is never an option, nor the `--` that ends them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub typed: String,
    pub value: String,
}

impl Word {
    /// A word as a shell hands it over.
    pub fn plain(word: String) -> Word {
        Word {
            typed: word.clone(),
            value: word,
        }
    }

    fn ends_options(&self) -> bool {
        self.typed == "--"
    }
}

/// Where a word stands among the options: the option and any value attached to it.
enum Role<'s> {
    Long(&'s Spec, Option<String>),
    Shorts(Vec<(&'s Spec, Option<String>)>),
    Text,
}

fn classify<'s>(word: &str, specs: &'s [Spec]) -> Role<'s> {
    if let Some(body) = word.strip_prefix("--") {
        let (name, value) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (body, None),
        };
        return match specs.iter().find(|spec| spec.long == name) {
            Some(spec) if value.is_none() || spec.takes_value() => Role::Long(spec, value),
            _ => Role::Text,
        };
    }
    let Some(cluster) = word.strip_prefix('-').filter(|cluster| !cluster.is_empty()) else {
        return Role::Text;
    };
    let mut shorts = Vec::new();
    for (index, letter) in cluster.char_indices() {
        let Some(spec) = specs.iter().find(|spec| spec.short == Some(letter)) else {
            return Role::Text;
        };
        if spec.takes_value() {
            // `-i db` and `-i=db` name a value; `-it` is a word someone typed (`exec -it`).
            let rest = &cluster[index + letter.len_utf8()..];
            return match rest.strip_prefix('=') {
                Some(value) => {
                    shorts.push((spec, Some(value.to_string())));
                    Role::Shorts(shorts)
                }
                None if rest.is_empty() => {
                    shorts.push((spec, None));
                    Role::Shorts(shorts)
                }
                None => Role::Text,
            };
        }
        shorts.push((spec, None));
    }
    Role::Shorts(shorts)
}

/// How a word of a line reads: what was typed decides whether it is an option (a quoted
/// `'--at'` is text), and an attached value is read without its quotes
/// (`--run='df -h'` runs `df -h`).
fn role<'s>(word: &Word, specs: &'s [Spec]) -> Role<'s> {
    match classify(&word.typed, specs) {
        Role::Text => Role::Text,
        _ => classify(&word.value, specs),
    }
}

fn is_option(word: &Word, specs: &[Spec]) -> bool {
    !matches!(classify(&word.typed, specs), Role::Text)
}

/// `H1`, `h2,H3`: labels of this kind, and nothing else, by the model's label rule.
fn is_label_list(word: &str, kind: Kind) -> bool {
    incident_core::model::Label::is_list_of(word, kind.series().letter())
}

/// The name in a word shaped like a long option, `--name` or `--name=value`: two hyphens,
/// then a letter, then letters, digits and hyphens. Such a word is never text before
/// `--`; `--run,` or `--x)` in a sentence is text.
fn option_name(word: &str) -> Option<&str> {
    let body = word.strip_prefix("--")?;
    let name = body.split_once('=').map_or(body, |(name, _)| name);
    let starts_with_a_letter = name.chars().next().is_some_and(char::is_alphabetic);
    let shaped = name.chars().all(|c| c.is_alphanumeric() || c == '-');
    (starts_with_a_letter && shaped).then_some(name)
}

/// Refuses the words before `--` that are shaped like long options but are none of the
/// command's, or give a value to an option that takes none.
fn check_option_shaped(words: &[Word], specs: &[Spec], command: &str) -> Result<()> {
    for Word { typed: word, .. } in words {
        let Some(name) = option_name(word) else {
            continue;
        };
        match specs.iter().find(|spec| spec.long == name) {
            None => {
                return Err(Error::UnknownOption {
                    word: word.clone(),
                    command: command.to_string(),
                    nearest: nearest_option(name, specs).map(str::to_string),
                });
            }
            Some(spec) if !spec.takes_value() && word.contains('=') => {
                return Err(Error::Usage(format!(
                    "`{word}`: `--{}` takes no value",
                    spec.long
                )));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Reads the option at `words[index]` with its value, if it is one of the command's
/// options, pushing it to `options` as `--long=value`; returns where the next word starts.
/// `trailing`: the option stands after the text, where a free-text value runs on.
fn take_option(
    words: &[Word],
    index: usize,
    specs: &[Spec],
    options: &mut Vec<String>,
    trailing: bool,
) -> Option<usize> {
    let found = match role(&words[index], specs) {
        Role::Text => return None,
        Role::Long(spec, value) => vec![(spec, value)],
        Role::Shorts(shorts) => shorts,
    };
    // After the text, `df -h` and `grep logs -i` are text: a short flag there is more
    // likely part of a command line someone typed than help, or an option with no value.
    let short = !words[index].typed.starts_with("--");
    if trailing
        && short
        && found.iter().any(|(spec, value)| {
            spec.long == "help"
                || (spec.takes_value()
                    && !spec.value_optional
                    && value.is_none()
                    && words
                        .get(index + 1)
                        .is_none_or(|next| next.ends_options() || is_option(next, specs)))
        })
    {
        return None;
    }
    let mut index = index + 1;
    for (spec, attached) in found {
        if !spec.takes_value() {
            options.push(format!("--{}", spec.long));
            continue;
        }
        let mut value = attached;
        // The value's own word, when it is the next one.
        let mut value_word = None;
        if value.is_none() {
            let wanted = match words.get(index) {
                None => false,
                Some(next) if next.ends_options() => false,
                Some(next) if spec.value_optional => spec
                    .label_kind()
                    .is_some_and(|kind| is_label_list(&next.value, kind)),
                Some(next) => !is_option(next, specs),
            };
            if wanted {
                value_word = words.get(index);
                value = value_word.map(|word| word.value.clone());
                index += 1;
            }
        }
        let Some(mut value) = value else {
            options.push(format!("--{}", spec.long));
            continue;
        };
        // Free text runs on to the next option wherever it stands: `amend O1 --consequence
        // keep the old limits` corrects the consequence, not the option's text. Text of
        // several words is kept as typed, as the text of an entry is.
        if spec.free_text() {
            let run_on = words[index..]
                .iter()
                .take_while(|next| !next.ends_options() && !is_option(next, specs))
                .count();
            if run_on > 0 {
                let first = value_word.map_or(value, |word| word.typed.clone());
                value = std::iter::once(first.as_str())
                    .chain(
                        words[index..index + run_on]
                            .iter()
                            .map(|w| w.typed.as_str()),
                    )
                    .collect::<Vec<_>>()
                    .join(" ");
                index += run_on;
            }
        }
        if spec.time() {
            // Forgive `--at 1h 30m ago` and `--from 2026-11-21 02:47` typed without quotes.
            let rest: Vec<String> = words[index..].iter().map(|w| w.value.clone()).collect();
            let continuing = time::words_continuing(&value, &rest);
            for next in &rest[..continuing] {
                value = format!("{value} {next}");
            }
            index += continuing;
        }
        options.push(format!("--{}={value}", spec.long));
        if let Some(kind) = spec.label_kind() {
            while let Some(next) = words
                .get(index)
                .filter(|next| is_label_list(&next.value, kind))
            {
                options.push(format!("--{}={}", spec.long, next.value));
                index += 1;
            }
        }
    }
    Some(index)
}

/// The options in `words`, if every word is an option or an option's value.
fn all_options(words: &[Word], specs: &[Spec]) -> Option<Vec<String>> {
    let mut options = Vec::new();
    let mut index = 0;
    while index < words.len() {
        index = take_option(words, index, specs, &mut options, true)?;
    }
    Some(options)
}

/// Rewrites the words after the subcommand: options first as `--long=value`, then `--`,
/// the command's `fixed` leading positionals (a result's TEST) and the text.
///
/// Options stand before the text or after it. Inside the text short flags are text, so
/// `ran grep -i error logs` and `df -h shows /var full` keep theirs, but a long option
/// there is refused: `note deploy --at 10:00 failed` meant a time or meant text, and
/// only the user knows which. `--` ends the options wherever it stands.
fn arrange(words: &[Word], specs: &[Spec], fixed: usize, command: &str) -> Result<Vec<String>> {
    let dashes = words
        .iter()
        .position(Word::ends_options)
        .unwrap_or(words.len());
    check_option_shaped(&words[..dashes], specs, command)?;
    let mut options = Vec::new();
    let mut positionals: Vec<String> = Vec::new();
    let mut index = 0;
    // Before the text: options, and the fixed positionals.
    while index < words.len() && !words[index].ends_options() {
        if let Some(next) = take_option(words, index, specs, &mut options, false) {
            index = next;
        } else if positionals.len() < fixed {
            positionals.push(words[index].value.clone());
            index += 1;
        } else {
            break;
        }
    }
    // The text ends where everything up to `--` (or the end) is options. Whether the words
    // from a start on are all options follows from where the option at that start ends,
    // so one pass from the right decides it for every start: trying each start afresh made
    // a text of many short flags (`-q -q … x`) quadratic.
    let mut options_to_the_end = vec![false; dashes + 1];
    options_to_the_end[dashes] = true;
    let mut scratch = Vec::new();
    for start in (index + 1..dashes).rev() {
        options_to_the_end[start] = take_option(&words[..dashes], start, specs, &mut scratch, true)
            .is_some_and(|next| options_to_the_end[next]);
        scratch.clear();
    }
    let mut end = dashes;
    if let Some(start) = (index + 1..dashes).find(|start| options_to_the_end[*start])
        && let Some(trailing) = all_options(&words[start..dashes], specs)
    {
        options.extend(trailing);
        end = start;
    }
    let after_dashes = words.get(dashes + 1..).unwrap_or_default();
    let text = words[index..end].iter().chain(after_dashes);
    let text: Vec<String> = text.map(|word| word.typed.clone()).collect();
    if let Some(at) =
        (index..end).find(|at| words[*at].typed.starts_with("--") && is_option(&words[*at], specs))
    {
        let word = &words[at].typed;
        // `--owner Ben Ng` or `--at yesterday 23:00` at the end: the option is after the
        // text, but its value is more than one word. Say that, not that it stands inside.
        if let Role::Long(spec, None) = role(&words[at], specs)
            && spec.takes_value()
            && spec.label_kind().is_none()
        {
            let rest = &words[at + 1..dashes];
            let value_words = rest
                .iter()
                .take_while(|word| !word.typed.starts_with('-'))
                .count();
            let value = rest[..value_words]
                .iter()
                .map(|word| word.value.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let ends_the_line =
                value_words == rest.len() || all_options(&rest[value_words..], specs).is_some();
            if value_words > 1 && ends_the_line {
                // A time whose first word is a time by itself (`--at 10:00 failed`) was
                // followed by text; one that is not (`--at yesterday 23:00`) is no time.
                if spec.time() && !time::is_time(&rest[0].value) {
                    return Err(Error::MalformedTime { input: value });
                }
                if !spec.time() {
                    return Err(Error::Usage(format!(
                        "`{word}` takes one word, but {value_words} follow it; nothing was \
                         recorded (quote a value with spaces: {word} '{value}')"
                    )));
                }
            }
        }
        return Err(Error::OptionInsideText {
            word: word.clone(),
            command: command.to_string(),
        });
    }
    if !positionals.is_empty() || !text.is_empty() {
        options.push("--".into());
        options.extend(positionals);
        options.extend(text);
    }
    Ok(options)
}

/// The option a mistyped `--name` was probably meant to be: the nearest of the command's
/// long options (its own first, then the global ones) within a few edits, or one that
/// `name` begins.
fn nearest_option<'s>(name: &str, specs: &'s [Spec]) -> Option<&'s str> {
    let length = name.chars().count();
    let near_enough = if length <= 3 { 1 } else { 2.max(length / 3) };
    specs
        .iter()
        .map(|spec| spec.long.as_str())
        .filter_map(|long| {
            let distance = edit_distance(name, long);
            let begins = length >= 3 && long.starts_with(name);
            (distance <= near_enough || begins).then_some((distance.min(near_enough), long))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, long)| long)
}

/// How many single-character edits turn `a` into `b` (Levenshtein): the one measure of how
/// near a mistyped word is to a known one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// Where the subcommand stands among `words` (program name first), past the top-level
/// options and their values (`incident -i db --json note …`): `None` when `--`, a dashed
/// word that is none of those options, or the end comes first. The argument sorter and
/// completion both find the subcommand by this one walk.
pub fn subcommand_index(root: &Command, words: &[Word]) -> Option<usize> {
    let mut top_specs = specs_of(root, &[]);
    top_specs.push(flag("version", 'V'));
    let mut index = 1;
    while index < words.len() {
        let word = &words[index];
        if word.ends_options() {
            return None;
        }
        match role(word, &top_specs) {
            Role::Text if word.typed.starts_with('-') && word.typed.len() > 1 => return None,
            Role::Text => return Some(index),
            Role::Long(spec, None) if spec.takes_value() => index += 2,
            Role::Shorts(shorts)
                if shorts
                    .last()
                    .is_some_and(|(spec, value)| spec.takes_value() && value.is_none()) =>
            {
                index += 2
            }
            _ => index += 1,
        }
    }
    None
}

/// Rewrites a whole command line (program name first) for clap; refuses a mistyped
/// option or an option inside the text, so that nothing is recorded from it.
pub fn normalize(root: &Command, args: Vec<String>) -> Result<Vec<String>> {
    normalize_words(root, args.into_iter().map(Word::plain).collect())
}

/// [`normalize`] for words that may have been quoted: the text keeps them as typed,
/// everything else reads their values.
pub fn normalize_words(root: &Command, words: Vec<Word>) -> Result<Vec<String>> {
    let values = |words: Vec<Word>| words.into_iter().map(|word| word.value).collect();
    let globals: Vec<Spec> = root
        .get_arguments()
        .filter(|arg| arg.is_global_set())
        .filter_map(Spec::of)
        .collect();
    let Some((index, subcommand)) = subcommand_index(root, &words)
        .and_then(|index| Some((index, find_subcommand(root, &words[index].value)?)))
    else {
        return Ok(values(words));
    };
    // Its options are added when it is built (`cli::Deferred`): this one alone, here.
    let mut subcommand = subcommand.clone();
    subcommand.build();
    let subcommand = &subcommand;
    // Only commands that take free text need their words sorted; the rest are clap's
    // alone, which keeps its suggestions (`--al`: did you mean `--all`?).
    let takes_text = subcommand
        .get_positionals()
        .any(|arg| matches!(arg.get_action(), clap::ArgAction::Append));
    if !takes_text {
        return Ok(values(words));
    }
    let fixed = subcommand
        .get_positionals()
        .filter(|arg| !matches!(arg.get_action(), clap::ArgAction::Append))
        .count();
    let specs = specs_of(subcommand, &globals);
    let arranged = arrange(&words[index + 1..], &specs, fixed, subcommand.get_name())?;
    let mut rewritten: Vec<String> = values(words[..=index].to_vec());
    rewritten.extend(arranged);
    Ok(rewritten)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::CommandFactory;

    fn normalizing(line: &[&str]) -> Result<Vec<String>> {
        let mut args = vec!["incident".to_string()];
        args.extend(line.iter().map(|word| word.to_string()));
        normalize(&Cli::command(), args).map(|args| args[1..].to_vec())
    }

    #[track_caller]
    fn normalized(line: &[&str]) -> Vec<String> {
        normalizing(line).unwrap_or_else(|error| panic!("{line:?} refused: {error}"))
    }

    /// The option suggested for a refused mistyped option.
    #[track_caller]
    fn suggested(line: &[&str]) -> Option<String> {
        match normalizing(line) {
            Err(Error::UnknownOption { nearest, .. }) => nearest,
            other => panic!("{line:?} was not refused as a mistyped option: {other:?}"),
        }
    }

    /// The prompt's words: `'…'` and `"…"` are quoted words.
    fn prompt_words(line: &[&str]) -> Vec<String> {
        let mut words = vec![Word::plain("incident".into())];
        words.extend(line.iter().map(|typed| {
            let unquoted = typed
                .strip_prefix('\'')
                .and_then(|rest| rest.strip_suffix('\''))
                .unwrap_or(typed);
            Word {
                typed: typed.to_string(),
                value: unquoted.to_string(),
            }
        }));
        let args = normalize_words(&Cli::command(), words).expect("sorted");
        args[1..].to_vec()
    }

    #[test]
    fn a_quoted_word_is_text_as_typed_and_a_value_without_its_quotes() {
        assert_eq!(
            prompt_words(&["test", "disk", "'full'", "--run", "'df -h | tail -1'"]),
            ["test", "--run=df -h | tail -1", "--", "disk", "'full'"]
        );
        assert_eq!(
            prompt_words(&["note", "'--at'", "is", "'--'", "text"]),
            ["note", "--", "'--at'", "is", "'--'", "text"]
        );
        assert_eq!(
            prompt_words(&["result", "'T1'", "fine", "-q"]),
            ["result", "--quiet", "--", "T1", "fine"]
        );
        assert_eq!(prompt_words(&["use", "'checkout'"]), ["use", "checkout"]);
        // A free-text value of one quoted word is its value; of several, text as typed.
        assert_eq!(
            prompt_words(&["retract", "H1", "--why", "'dup of H2'"]),
            ["retract", "--why=dup of H2", "--", "H1"]
        );
        assert_eq!(
            prompt_words(&["retract", "H1", "--why", "'dup'", "of", "H2"]),
            ["retract", "--why='dup' of H2", "--", "H1"]
        );
    }

    #[test]
    fn options_after_the_text_are_options() {
        assert_eq!(
            normalized(&["symptom", "502s", "on", "checkout", "--at", "10m ago"]),
            ["symptom", "--at=10m ago", "--", "502s", "on", "checkout"]
        );
    }

    #[test]
    fn unknown_dashed_words_are_text() {
        assert_eq!(
            normalized(&["symptom", "-15%", "conversions", "---", "-x"]),
            ["symptom", "--", "-15%", "conversions", "---", "-x"]
        );
        assert_eq!(
            normalized(&["symptom", "- not a list"]),
            ["symptom", "--", "- not a list"]
        );
        assert_eq!(
            normalized(&["note", "--", "--dry-run", "was", "on"]),
            ["note", "--", "--dry-run", "was", "on"]
        );
        assert_eq!(
            normalized(&["note", "---", "--", "--15%", "-- x"]),
            ["note", "--", "---", "--15%", "-- x"]
        );
    }

    #[test]
    fn options_inside_the_text_are_text() {
        assert_eq!(
            normalized(&["symptom", "df", "-h", "shows", "/var", "full"]),
            ["symptom", "--", "df", "-h", "shows", "/var", "full"]
        );
        assert_eq!(
            normalized(&["note", "ran", "grep", "-i", "error", "logs", "-q"]),
            [
                "note", "--quiet", "--", "ran", "grep", "-i", "error", "logs"
            ]
        );
        assert_eq!(
            normalized(&["note", "-q", "--", "curl", "--json", "was", "used"]),
            ["note", "--quiet", "--", "curl", "--json", "was", "used"]
        );
        assert_eq!(
            normalized(&[
                "result",
                "T1",
                "--rules-out",
                "H1",
                "502s",
                "go",
                "on",
                "--at",
                "5m",
                "ago"
            ]),
            [
                "result",
                "--rules-out=H1",
                "--at=5m ago",
                "--",
                "T1",
                "502s",
                "go",
                "on"
            ]
        );
    }

    #[test]
    fn a_word_with_punctuation_after_the_name_is_text() {
        assert_eq!(
            normalized(&["note", "tried", "--run,", "not", "part", "of", "it"]),
            normalized(&["note", "--", "tried", "--run,", "not", "part", "of", "it"])
        );
    }

    #[test]
    fn mistyped_options_are_refused_wherever_they_stand() {
        for line in [
            &["result", "T1", "x", "--rule-out", "H1"][..],
            &["result", "T1", "--rule-out", "H1", "x"],
            &["result", "T1", "x", "--rule-out=H1", "y"],
            &["result", "--rule-out", "T1", "x"],
        ] {
            assert_eq!(suggested(line).as_deref(), Some("rules-out"), "{line:?}");
        }
        assert_eq!(
            suggested(&["symptom", "x", "--at", "10:00", "--bye", "bob"]).as_deref(),
            Some("by")
        );
        assert_eq!(
            suggested(&["test", "x", "--run", "df -h", "--timout", "5"]).as_deref(),
            Some("timeout")
        );
        assert_eq!(
            suggested(&["action", "x", "--ownr", "ben"]).as_deref(),
            Some("owner")
        );
        assert_eq!(suggested(&["note", "x", "--jsn"]).as_deref(), Some("json"));
        assert_eq!(
            suggested(&["option", "x", "--conseq", "y"]).as_deref(),
            Some("consequence")
        );
        assert_eq!(suggested(&["note", "--dry-run", "was", "on"]), None);
        assert_eq!(suggested(&["note", "x", "--force"]), None);
        assert!(matches!(
            normalizing(&["note", "x", "--quiet=yes"]),
            Err(Error::Usage(_))
        ));
    }

    #[test]
    fn long_options_inside_the_text_are_refused() {
        for line in [
            &["note", "deploy", "--at", "10:00", "failed"][..],
            &["note", "curl", "--json", "was", "used"],
            &["test", "check", "--for", "H1", "pool"],
            &["note", "paged", "--by=ben", "at", "once"],
        ] {
            assert!(
                matches!(normalizing(line), Err(Error::OptionInsideText { .. })),
                "{line:?}"
            );
        }
    }

    #[test]
    fn a_double_dash_ends_the_options() {
        assert_eq!(
            normalized(&["symptom", "-q", "--", "--at", "was", "on"]),
            ["symptom", "--quiet", "--", "--at", "was", "on"]
        );
    }

    #[test]
    fn option_values_may_start_with_a_dash() {
        assert_eq!(
            normalized(&["note", "paged", "--at", "-15m", "-q"]),
            ["note", "--at=-15m", "--quiet", "--", "paged"]
        );
        assert_eq!(
            normalized(&["note", "x", "--at=-2h"]),
            ["note", "--at=-2h", "--", "x"]
        );
    }

    #[test]
    fn unquoted_relative_and_local_times_are_forgiven() {
        assert_eq!(
            normalized(&["note", "x", "--at", "10m", "ago"]),
            ["note", "--at=10m ago", "--", "x"]
        );
        assert_eq!(
            normalized(&["note", "paged", "again", "--at", "1h", "30m", "ago"]),
            ["note", "--at=1h 30m ago", "--", "paged", "again"]
        );
        assert_eq!(
            normalized(&["note", "--at", "2", "hours", "ago", "x"]),
            ["note", "--at=2 hours ago", "--", "x"]
        );
        assert_eq!(
            normalized(&["note", "--at", "10m", "30m", "later"]),
            ["note", "--at=10m", "--", "30m", "later"]
        );
        assert_eq!(
            normalized(&["note", "--at", "2026-11-21", "02:47", "x"]),
            ["note", "--at=2026-11-21 02:47", "--", "x"]
        );
    }

    #[test]
    fn label_lists_take_following_labels() {
        assert_eq!(
            normalized(&["test", "check", "pool", "--for", "H1", "h2,H3"]),
            ["test", "--for=H1", "--for=h2,H3", "--", "check", "pool"]
        );
    }

    #[test]
    fn free_text_options_after_the_text_run_on() {
        assert_eq!(
            normalized(&[
                "option",
                "roll",
                "back",
                "--consequence",
                "lose",
                "an",
                "hour",
                "-q"
            ]),
            [
                "option",
                "--consequence=lose an hour",
                "--quiet",
                "--",
                "roll",
                "back"
            ]
        );
        assert_eq!(
            normalized(&["decide", "O1", "safest", "--at", "5m", "ago"]),
            ["decide", "--at=5m ago", "--", "O1", "safest"]
        );
        assert_eq!(
            normalized(&["role", "comms", "Jane", "Doe", "--by", "ana"]),
            ["role", "--by=ana", "--", "comms", "Jane", "Doe"]
        );
    }

    #[test]
    fn explains_takes_following_symptom_labels() {
        assert_eq!(
            normalized(&["hypothesis", "pool", "--explains", "S1", "s2"]),
            ["hypothesis", "--explains=S1", "--explains=s2", "--", "pool"]
        );
    }

    #[test]
    fn what_an_option_takes_is_read_from_its_declaration() {
        let mut root = Cli::command();
        root.build();
        let spec = |command: &str, long: &str| {
            let sub = find_subcommand(&root, command).expect("a subcommand");
            let arg = sub
                .get_arguments()
                .find(|arg| arg.get_long() == Some(long))
                .expect("an option");
            Spec::of(arg).expect("a long option")
        };
        for (command, long, kind) in [
            ("test", "for", Some(Kind::Hypothesis)),
            ("result", "rules-out", Some(Kind::Hypothesis)),
            ("result", "confirms", Some(Kind::Hypothesis)),
            ("hypothesis", "explains", Some(Kind::Symptom)),
            ("close", "root-cause", None),
            ("note", "at", None),
        ] {
            assert_eq!(spec(command, long).label_kind(), kind, "--{long}");
        }
        for (command, long, free_text) in [
            ("option", "consequence", true),
            ("retract", "why", true),
            ("test", "run", false),
            ("action", "owner", false),
        ] {
            assert_eq!(spec(command, long).free_text(), free_text, "--{long}");
        }
    }

    /// A test-local `incident fix TEXT… --mitigates M… --at TIME --why TEXT`, its value
    /// names chosen by the caller.
    fn fix_command(label: &'static str, time: &'static str, text: &'static str) -> Command {
        use crate::cli::Entries;
        let option = |long: &'static str, name: &'static str, takes: Takes| {
            Arg::new(long).long(long).value_name(name).add(takes)
        };
        Command::new("incident").subcommand(
            Command::new("fix")
                .arg(Arg::new("text").action(clap::ArgAction::Append))
                .arg(
                    option("mitigates", label, Takes::Labels(Entries::Hypotheses))
                        .value_delimiter(',')
                        .action(clap::ArgAction::Append),
                )
                .arg(option("at", time, Takes::Time))
                .arg(option("why", text, Takes::Text)),
        )
    }

    #[test]
    fn a_new_label_option_needs_only_its_declaration() {
        let args = ["incident", "fix", "scaled", "up", "--mitigates", "H1", "h2"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            normalize(&fix_command("H", "TIME", "TEXT"), args).expect("sorted"),
            [
                "incident",
                "fix",
                "--mitigates=H1",
                "--mitigates=h2",
                "--",
                "scaled",
                "up"
            ]
        );
    }

    #[test]
    fn a_value_name_is_only_what_the_help_shows() {
        let line = [
            "incident",
            "fix",
            "scaled",
            "up",
            "--mitigates",
            "H1",
            "H2",
            "--at",
            "10m",
            "ago",
            "--why",
            "the pool ran dry",
        ];
        let sorted = |command: Command| {
            normalize(&command, line.map(String::from).to_vec()).expect("sorted")
        };
        let plain = sorted(fix_command("H", "TIME", "TEXT"));
        assert_eq!(
            plain,
            [
                "incident",
                "fix",
                "--mitigates=H1",
                "--mitigates=H2",
                "--at=10m ago",
                "--why=the pool ran dry",
                "--",
                "scaled",
                "up"
            ]
        );
        // Renamed for nicer help, each option still takes what it did: H2 is no text.
        assert_eq!(sorted(fix_command("HYPOTHESIS", "WHEN", "REASON")), plain);
        assert_eq!(sorted(fix_command("X", "X", "X")), plain);
    }

    #[test]
    fn renaming_every_value_name_of_the_command_line_changes_no_parse() {
        let renamed = || {
            let rename = |arg: Arg| match arg.get_value_names() {
                Some(_) => arg.value_name("RENAMED"),
                None => arg,
            };
            // Built, so that every subcommand's options are there to rename.
            let mut command = Cli::command();
            command.build();
            command
                .mut_args(rename)
                .mut_subcommands(move |command| command.mut_args(rename))
        };
        for line in [
            &[
                "test", "check", "pool", "--for", "H1", "h2,H3", "--at", "10m", "ago",
            ][..],
            &["result", "T1", "fine", "--rules-out", "H1,H2"],
            &["result", "T1", "--rules-out", "no", "errors"],
            &["hypothesis", "pool", "--explains", "S1", "s2"],
            &[
                "option",
                "roll",
                "back",
                "--consequence",
                "lose",
                "an",
                "hour",
                "-q",
            ],
            &["retract", "H1", "--why", "dup", "of", "H2"],
            &[
                "impact",
                "EU",
                "down",
                "--from",
                "2026-11-21",
                "02:47",
                "--to",
                "03:10",
            ],
            &["-i", "db", "--json", "sym", "slow", "-q"],
        ] {
            let mut args = vec!["incident".to_string()];
            args.extend(line.iter().map(|word| word.to_string()));
            assert_eq!(
                normalize(&renamed(), args.clone()).expect("sorted"),
                normalize(&Cli::command(), args).expect("sorted"),
                "{line:?}"
            );
        }
    }

    #[test]
    fn rules_out_takes_labels_only_when_they_look_like_labels() {
        assert_eq!(
            normalized(&["result", "T1", "--rules-out", "no", "errors"]),
            ["result", "--rules-out", "--", "T1", "no", "errors"]
        );
        assert_eq!(
            normalized(&["result", "T1", "fine", "--rules-out", "H1,H2"]),
            ["result", "--rules-out=H1,H2", "--", "T1", "fine"]
        );
        assert_eq!(
            normalized(&["result", "T1", "fine", "--rules-out"]),
            ["result", "--rules-out", "--", "T1", "fine"]
        );
    }

    #[test]
    fn global_options_work_before_and_after_the_subcommand() {
        assert_eq!(
            normalized(&["-i", "db", "--json", "sym", "slow", "-q"]),
            ["-i", "db", "--json", "sym", "--quiet", "--", "slow"]
        );
        assert_eq!(
            normalized(&["symptom", "slow", "-i=db"]),
            ["symptom", "--incident=db", "--", "slow"]
        );
        assert_eq!(
            normalized(&["note", "ran", "kubectl", "exec", "-it", "pod"]),
            ["note", "--", "ran", "kubectl", "exec", "-it", "pod"]
        );
    }

    #[test]
    fn commands_without_text_are_left_for_clap_to_judge() {
        assert_eq!(normalized(&["list", "--all"]), ["list", "--all"]);
        assert_eq!(normalized(&["status", "extra"]), ["status", "extra"]);
        assert_eq!(normalized(&["list", "--al"]), ["list", "--al"]);
        assert_eq!(
            normalized(&["note", "-V", "set"]),
            ["note", "--", "-V", "set"]
        );
        assert_eq!(normalized(&["note", "-h"]), ["note", "--help"]);
        assert_eq!(normalized(&["help", "symptom"]), ["help", "symptom"]);
    }
}
