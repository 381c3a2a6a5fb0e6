//! Arranging the words of a command line so that clap can parse free text.
//!
//! At 3AM people type `incident symptom 502s on checkout --at 10m ago` and
//! `incident symptom -15% conversions`. The contract says every word that is not one of
//! the command's options is text, wherever it stands, and that `--` ends the options.
//! Clap alone cannot do this: a word like `-15%` is an unknown option to it. So the words
//! after the subcommand are sorted here into the command's options (rewritten as
//! `--long=value`) and the text, which is handed to clap after `--`.

use clap::{Arg, Command};

/// Options whose values are labels, with the letter of the labels they take; following
/// words that look like such labels (`--for H1 H2`) are taken as more values.
const LABEL_LISTS: &[(&str, char)] = &[
    ("for", 'H'),
    ("rules-out", 'H'),
    ("confirms", 'H'),
    ("explains", 'S'),
];

#[derive(Clone)]
pub struct Spec {
    long: String,
    short: Option<char>,
    takes_value: bool,
    value_optional: bool,
}

impl Spec {
    fn of(arg: &Arg) -> Option<Spec> {
        let long = arg.get_long()?.to_string();
        let takes_value = arg.get_action().takes_values();
        let value_optional = arg
            .get_num_args()
            .is_some_and(|range| range.min_values() == 0);
        Some(Spec {
            long,
            short: arg.get_short(),
            takes_value,
            value_optional,
        })
    }

    /// The letter of the labels this option takes, if it takes a list of them.
    fn label_letter(&self) -> Option<char> {
        LABEL_LISTS
            .iter()
            .find(|(long, _)| *long == self.long)
            .map(|(_, letter)| *letter)
    }
}

fn flag(long: &str, short: char) -> Spec {
    Spec {
        long: long.into(),
        short: Some(short),
        takes_value: false,
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

/// Where a word stands among the options: the option and any value attached to it.
enum Word<'s> {
    Long(&'s Spec, Option<String>),
    Shorts(Vec<(&'s Spec, Option<String>)>),
    Text,
}

fn classify<'s>(word: &str, specs: &'s [Spec]) -> Word<'s> {
    if let Some(body) = word.strip_prefix("--") {
        let (name, value) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (body, None),
        };
        return match specs.iter().find(|spec| spec.long == name) {
            Some(spec) if value.is_none() || spec.takes_value => Word::Long(spec, value),
            _ => Word::Text,
        };
    }
    let Some(cluster) = word.strip_prefix('-').filter(|cluster| !cluster.is_empty()) else {
        return Word::Text;
    };
    let mut shorts = Vec::new();
    for (index, letter) in cluster.char_indices() {
        let Some(spec) = specs.iter().find(|spec| spec.short == Some(letter)) else {
            return Word::Text;
        };
        if spec.takes_value {
            // `-i db` and `-i=db` name a value; `-it` is a word someone typed (`exec -it`).
            let rest = &cluster[index + letter.len_utf8()..];
            return match rest.strip_prefix('=') {
                Some(value) => {
                    shorts.push((spec, Some(value.to_string())));
                    Word::Shorts(shorts)
                }
                None if rest.is_empty() => {
                    shorts.push((spec, None));
                    Word::Shorts(shorts)
                }
                None => Word::Text,
            };
        }
        shorts.push((spec, None));
    }
    Word::Shorts(shorts)
}

/// `H1`, `h2,H3`: labels with this letter, and nothing else.
fn is_label_list(word: &str, letter: char) -> bool {
    let mut parts = word.split(',').filter(|part| !part.is_empty()).peekable();
    parts.peek().is_some()
        && parts.all(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .is_some_and(|first| first.eq_ignore_ascii_case(&letter))
                && !chars.as_str().is_empty()
                && chars.all(|c| c.is_ascii_digit())
        })
}

/// How many of `rest` continue a duration that began with `first` and end in `ago`:
/// `1h` + `30m ago` is 2, `10m` + `ago` is 1.
fn ago_words(first: &str, rest: &[String]) -> Option<usize> {
    let is_part = |word: &str| {
        word.starts_with(|c: char| c.is_ascii_digit())
            && word.chars().all(|c| c.is_ascii_alphanumeric())
            || [
                "s", "sec", "secs", "m", "min", "mins", "minutes", "h", "hr", "hrs", "hour",
                "hours", "d", "day", "days",
            ]
            .contains(&word)
    };
    if !is_part(first) {
        return None;
    }
    let parts = rest.iter().take_while(|word| is_part(word)).take(6).count();
    rest.get(parts)
        .filter(|word| word.eq_ignore_ascii_case("ago"))
        .map(|_| parts + 1)
}

fn is_date(word: &str) -> bool {
    word.len() == 10 && chrono::NaiveDate::parse_from_str(word, "%Y-%m-%d").is_ok()
}

fn is_clock(word: &str) -> bool {
    ["%H:%M", "%H:%M:%S"]
        .iter()
        .any(|format| chrono::NaiveTime::parse_from_str(word, format).is_ok())
}

/// Options whose value is free text: after the text, they take every word up to the next
/// option (`--consequence lose an hour of orders`).
const TEXT_VALUED: &[&str] = &["consequence", "why"];

/// Reads the option at `words[index]` with its value, if it is one of the command's
/// options, pushing it to `options` as `--long=value`; returns where the next word starts.
/// `trailing`: the option stands after the text, where a free-text value runs on.
fn take_option(
    words: &[String],
    index: usize,
    specs: &[Spec],
    options: &mut Vec<String>,
    trailing: bool,
) -> Option<usize> {
    let is_option = |word: &str| !matches!(classify(word, specs), Word::Text);
    let found = match classify(&words[index], specs) {
        Word::Text => return None,
        Word::Long(spec, value) => vec![(spec, value)],
        Word::Shorts(shorts) => shorts,
    };
    // After the text, `df -h` and `grep logs -i` are text: a short flag there is more
    // likely part of a command line someone typed than help, or an option with no value.
    let short = !words[index].starts_with("--");
    if trailing
        && short
        && found.iter().any(|(spec, value)| {
            spec.long == "help"
                || (spec.takes_value
                    && !spec.value_optional
                    && value.is_none()
                    && words
                        .get(index + 1)
                        .is_none_or(|next| next == "--" || is_option(next)))
        })
    {
        return None;
    }
    let mut index = index + 1;
    for (spec, attached) in found {
        if !spec.takes_value {
            options.push(format!("--{}", spec.long));
            continue;
        }
        let mut value = attached;
        if value.is_none() {
            let next = words.get(index).map(String::as_str);
            let wanted = match next {
                None | Some("--") => false,
                Some(next) if spec.value_optional => spec
                    .label_letter()
                    .is_some_and(|letter| is_label_list(next, letter)),
                Some(next) => !is_option(next),
            };
            if wanted {
                value = next.map(str::to_string);
                index += 1;
            }
        }
        let Some(mut value) = value else {
            options.push(format!("--{}", spec.long));
            continue;
        };
        if trailing && TEXT_VALUED.contains(&spec.long.as_str()) {
            while let Some(next) = words
                .get(index)
                .filter(|next| *next != "--" && !is_option(next))
            {
                value = format!("{value} {next}");
                index += 1;
            }
        }
        if spec.long == "at" {
            // Forgive `--at 1h 30m ago` and `--at 2026-11-21 02:47` typed without quotes.
            if let Some(ago) = ago_words(&value, &words[index..]) {
                value = std::iter::once(value.as_str())
                    .chain(words[index..index + ago].iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(" ");
                index += ago;
            } else if words
                .get(index)
                .is_some_and(|next| is_date(&value) && is_clock(next))
            {
                value = format!("{value} {}", words[index]);
                index += 1;
            }
        }
        options.push(format!("--{}={value}", spec.long));
        if let Some(letter) = spec.label_letter() {
            while let Some(next) = words.get(index).filter(|next| is_label_list(next, letter)) {
                options.push(format!("--{}={next}", spec.long));
                index += 1;
            }
        }
    }
    Some(index)
}

/// The options in `words`, if every word is an option or an option's value.
fn all_options(words: &[String], specs: &[Spec]) -> Option<Vec<String>> {
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
/// Options stand before the text or after it. Inside the text every word is text, so
/// `ran grep -i error logs` and `df -h shows /var full` keep their flags; `--` ends the
/// options wherever it stands. Returns the words and the text words that look like a
/// mistyped option, to warn about.
fn arrange(words: &[String], specs: &[Spec], fixed: usize) -> (Vec<String>, Vec<String>) {
    let mut options = Vec::new();
    let mut positionals: Vec<String> = Vec::new();
    let mut index = 0;
    // Before the text: options, and the fixed positionals.
    while index < words.len() && words[index] != "--" {
        if let Some(next) = take_option(words, index, specs, &mut options, false) {
            index = next;
        } else if positionals.len() < fixed {
            positionals.push(words[index].clone());
            index += 1;
        } else {
            break;
        }
    }
    let dashes = words[index..]
        .iter()
        .position(|word| word == "--")
        .map_or(words.len(), |offset| index + offset);
    // The text ends where everything up to `--` (or the end) is options.
    let mut end = dashes;
    for start in index + 1..dashes {
        if let Some(trailing) = all_options(&words[start..dashes], specs) {
            options.extend(trailing);
            end = start;
            break;
        }
    }
    let mut text: Vec<String> = words[index..end].to_vec();
    if dashes < words.len() {
        text.extend(words[dashes + 1..].iter().cloned());
    }
    // Long options typed inside the text (not after a `--`) were probably meant.
    let mistyped = words[index..end]
        .iter()
        .filter(|word| {
            word.starts_with("--")
                && (!matches!(classify(word, specs), Word::Text)
                    || near_miss(word, specs).is_some())
        })
        .cloned()
        .collect();
    if !positionals.is_empty() || !text.is_empty() {
        options.push("--".into());
        options.extend(positionals);
        options.extend(text);
    }
    (options, mistyped)
}

/// The option a `--word` in the text was probably meant to be: one edit or two away, or
/// a longer option it starts.
pub fn near_miss<'s>(word: &str, specs: &'s [Spec]) -> Option<&'s str> {
    let name = word.strip_prefix("--")?.split('=').next()?;
    if name.len() < 3 {
        return None;
    }
    specs
        .iter()
        .map(|spec| spec.long.as_str())
        .filter(|long| *long != "help")
        .find(|long| long.starts_with(name) || edit_distance(name, long) <= 2)
}

pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// A rewritten command line, and warnings about words taken as text that look like
/// mistyped options.
pub struct Normalized {
    pub args: Vec<String>,
    pub warnings: Vec<String>,
}

/// Rewrites a whole command line (program name first) for clap.
pub fn normalize(root: &Command, args: Vec<String>) -> Normalized {
    let unchanged = |args| Normalized {
        args,
        warnings: Vec::new(),
    };
    let globals: Vec<Spec> = root
        .get_arguments()
        .filter(|arg| arg.is_global_set())
        .filter_map(Spec::of)
        .collect();
    let mut top_specs = specs_of(root, &[]);
    top_specs.push(flag("version", 'V'));
    let mut index = 1;
    while index < args.len() {
        let word = &args[index];
        if word == "--" {
            return unchanged(args);
        }
        match classify(word, &top_specs) {
            Word::Text if word.starts_with('-') && word.len() > 1 => return unchanged(args),
            Word::Text => break,
            Word::Long(spec, None) if spec.takes_value => index += 2,
            Word::Shorts(shorts)
                if shorts
                    .last()
                    .is_some_and(|(spec, value)| spec.takes_value && value.is_none()) =>
            {
                index += 2
            }
            _ => index += 1,
        }
    }
    let Some(subcommand) = args.get(index).and_then(|word| find_subcommand(root, word)) else {
        return unchanged(args);
    };
    // Only commands that take free text need their words sorted; the rest are clap's
    // alone, which keeps its suggestions (`--al`: did you mean `--all`?).
    let takes_text = subcommand
        .get_positionals()
        .any(|arg| matches!(arg.get_action(), clap::ArgAction::Append));
    if !takes_text {
        return unchanged(args);
    }
    let fixed = subcommand
        .get_positionals()
        .filter(|arg| !matches!(arg.get_action(), clap::ArgAction::Append))
        .count();
    let specs = specs_of(subcommand, &globals);
    let (arranged, mistyped) = arrange(&args[index + 1..], &specs, fixed);
    let warnings = mistyped
        .iter()
        .map(|word| match classify(word, &specs) {
            Word::Text => format!(
                "`{word}` is not an option of `{}`, so it was recorded as text; \
                 did you mean `--{}`?",
                subcommand.get_name(),
                near_miss(word, &specs).unwrap_or_default()
            ),
            _ => format!(
                "`{word}` stands inside the text, so it was recorded as text; \
                 options go before or after the text"
            ),
        })
        .collect();
    let mut rewritten = args[..=index].to_vec();
    rewritten.extend(arranged);
    Normalized {
        args: rewritten,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::CommandFactory;

    fn normalized(line: &[&str]) -> Vec<String> {
        let mut args = vec!["incident".to_string()];
        args.extend(line.iter().map(|word| word.to_string()));
        normalize(&Cli::command(), args).args[1..].to_vec()
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
            normalized(&["note", "--dry-run", "was", "on"]),
            ["note", "--", "--dry-run", "was", "on"]
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
            normalized(&["note", "-q", "curl", "--json", "was", "used"]),
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
    fn mistyped_options_in_the_text_are_warned_about() {
        let mut args = vec!["incident".to_string()];
        args.extend(["result", "T1", "x", "--rule-out", "H1"].map(String::from));
        let normalized = normalize(&Cli::command(), args);
        assert_eq!(
            normalized.args[1..],
            ["result", "--", "T1", "x", "--rule-out", "H1"]
        );
        assert_eq!(normalized.warnings.len(), 1);
        assert!(
            normalized.warnings[0].contains("did you mean `--rules-out`"),
            "{:?}",
            normalized.warnings
        );
        let mut args = vec!["incident".to_string()];
        args.extend(["note", "--dry-run", "was", "on"].map(String::from));
        assert!(normalize(&Cli::command(), args).warnings.is_empty());
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
