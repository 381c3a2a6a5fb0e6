//! A line typed at the prompt, or read from a replayed script, as the words of a command.
//!
//! No shell reads the line, so nothing in it is special but spaces and quotes: `;`, `|`,
//! `&`, `$(…)`, backticks, `#`, `!` and backslashes are characters like any other. A line
//! is split at whitespace. A word that opens with a quote, `'` or `"`, and whose same
//! quote later closes it (followed by whitespace or the end of the line) is one word,
//! spaces and all: `--run 'df -h | tail -1'`, `--owner "Ben Ng"`, and `--run='df -h'` too.
//! Any other quote is a character: `it's broken`, `5'10`, an unbalanced `"half`, so a
//! stray apostrophe never swallows the rest of the line, let alone the next one. What a
//! quoted word means (its quotes kept in the text, taken off an option's value) is the
//! argument sorter's to say (`argv::Word`).

use crate::argv::Word;

/// The program name every command line starts with.
const PROGRAM: &str = "incident";

/// A word of the line and the byte where it starts.
#[derive(Debug)]
pub struct Piece {
    pub start: usize,
    pub word: Word,
}

/// The line's words, in order.
pub fn split(line: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut from = 0;
    while let Some(offset) = line[from..].find(|c: char| !c.is_whitespace()) {
        let start = from + offset;
        let plain_end = line[start..]
            .find(char::is_whitespace)
            .map_or(line.len(), |end| start + end);
        let (end, word) = quoted(line, start, plain_end)
            .unwrap_or_else(|| (plain_end, Word::plain(line[start..plain_end].to_string())));
        pieces.push(Piece { start, word });
        from = end;
    }
    pieces
}

/// The quoted word starting at `start`, and where it ends: a quote that opens the word
/// (or the value of a `-option=`), closed by the same quote where a word may end.
fn quoted(line: &str, start: usize, plain_end: usize) -> Option<(usize, Word)> {
    let is_quote = |byte: u8| byte == b'\'' || byte == b'"';
    let bytes = line.as_bytes();
    let open = if is_quote(bytes[start]) {
        start
    } else if bytes[start] == b'-' {
        let equals = start + line[start..plain_end].find('=')?;
        (equals + 1 < line.len() && is_quote(bytes[equals + 1])).then_some(equals + 1)?
    } else {
        return None;
    };
    let quote = char::from(bytes[open]);
    let mut from = open + 1;
    while let Some(offset) = line[from..].find(quote) {
        let close = from + offset;
        let after = close + 1;
        if line[after..].chars().next().is_none_or(char::is_whitespace) {
            let word = Word {
                typed: line[start..after].to_string(),
                value: format!("{}{}", &line[start..open], &line[open + 1..close]),
            };
            return Some((after, word));
        }
        from = after;
    }
    None
}

/// Whether the line holds no command: blank, or a comment, whose first character is `#`
/// (a replayed timeline may explain itself; a `#` anywhere else is text).
pub fn is_blank_or_comment(line: &str) -> bool {
    let line = line.trim_start();
    line.is_empty() || line.starts_with('#')
}

/// Whether the line asks to leave the prompt, as `exit` and `quit` do in psql and
/// redis-cli (no command of ours has either name).
pub fn is_leave(line: &str) -> bool {
    matches!(line.trim(), "exit" | "quit")
}

/// The command line a line of the prompt stands for: the program name, then its words. A
/// first word `incident`, typed out of habit, is the program name already.
pub fn command(pieces: impl IntoIterator<Item = Piece>) -> Vec<Word> {
    let mut words: Vec<Word> = pieces.into_iter().map(|piece| piece.word).collect();
    if words.first().is_some_and(|word| word.typed == PROGRAM) {
        words.remove(0);
    }
    words.insert(0, Word::plain(PROGRAM.to_string()));
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::argv;
    use crate::cli::Cli;
    use clap::CommandFactory;
    use proptest::prelude::*;

    fn typed(line: &str) -> Vec<String> {
        split(line)
            .into_iter()
            .map(|piece| piece.word.typed)
            .collect()
    }

    fn values(line: &str) -> Vec<String> {
        split(line)
            .into_iter()
            .map(|piece| piece.word.value)
            .collect()
    }

    #[test]
    fn metacharacters_are_characters() {
        let line = r#"db down; it's `hostname` $(id) a|b & #1 !! C:\temp"#;
        assert_eq!(
            typed(line),
            [
                "db",
                "down;",
                "it's",
                "`hostname`",
                "$(id)",
                "a|b",
                "&",
                "#1",
                "!!",
                r"C:\temp"
            ]
        );
        assert_eq!(values(line), typed(line));
    }

    #[test]
    fn a_quoted_word_is_one_word_that_remembers_its_quotes() {
        let pieces = split(r#"test disk --run 'df -h | tail -1' --owner "Ben Ng""#);
        let words: Vec<_> = pieces.iter().map(|piece| &piece.word).collect();
        assert_eq!(words[3].typed, "'df -h | tail -1'");
        assert_eq!(words[3].value, "df -h | tail -1");
        assert_eq!(words[5].value, "Ben Ng");
        assert_eq!(pieces[3].start, 16);
        assert_eq!(values("--run='df -h' x"), ["--run=df -h", "x"]);
        assert_eq!(typed("--run='df -h' x"), ["--run='df -h'", "x"]);
        assert_eq!(
            values(r#"say "it's fine" now"#),
            ["say", "it's fine", "now"]
        );
        assert_eq!(values("'' x"), ["", "x"]);
    }

    #[test]
    fn a_quote_that_does_not_open_and_close_a_word_is_a_character() {
        for (line, words) in [
            ("it's broken", &["it's", "broken"][..]),
            ("'twas the pool", &["'twas", "the", "pool"]),
            (r#"he said "half"#, &["he", "said", r#""half"#]),
            ("'a'b c", &["'a'b", "c"]),
            ("users' carts", &["users'", "carts"]),
            ("'", &["'"]),
            ("a=' b'", &["a='", "b'"]),
        ] {
            assert_eq!(typed(line), words, "{line}");
            assert_eq!(values(line), words, "{line}");
        }
        // An apostrophe inside a quoted word does not close it.
        assert_eq!(values("'it's down' now"), ["it's down", "now"]);
    }

    #[test]
    fn whitespace_of_any_kind_separates_words() {
        assert_eq!(
            typed("  note \t paged\nthe DBA  "),
            ["note", "paged", "the", "DBA"]
        );
        assert_eq!(split("").len(), 0);
    }

    #[test]
    fn comments_are_lines_that_start_with_a_hash() {
        assert!(is_blank_or_comment("  # 02:41 the pager went off"));
        assert!(is_blank_or_comment(" \t "));
        assert!(!is_blank_or_comment("symptom error #42 on checkout"));
    }

    #[test]
    fn incident_typed_out_of_habit_is_the_program_name() {
        let typed =
            |words: Vec<Word>| -> Vec<String> { words.into_iter().map(|w| w.typed).collect() };
        assert_eq!(
            typed(command(split("incident note x"))),
            ["incident", "note", "x"]
        );
        assert_eq!(
            typed(command(split("note incident"))),
            ["incident", "note", "incident"]
        );
    }

    proptest! {
        /// Whatever an engineer pastes after `note`, the note holds it as typed (words
        /// apart by one space, as on the command line), quotes and all.
        #[test]
        fn pasted_text_is_recorded_as_typed(
            words in prop::collection::vec("[a-z0-9;'\"$()`|&#!<>*?\\=]{1,8}", 1..8)
        ) {
            let text = words.join(" ");
            let line = format!("note {text}");
            let args = argv::normalize_words(&Cli::command(), command(split(&line)))
                .expect("text alone is never refused");
            let dashes = args.iter().position(|arg| arg == "--").expect("text after --");
            prop_assert_eq!(args[dashes + 1..].join(" "), text);
        }

        /// Every word is where the line says it starts, as typed.
        #[test]
        fn pieces_are_the_line_as_typed(line in "[ a-z'\"=-]{0,24}") {
            for piece in split(&line) {
                prop_assert!(line[piece.start..].starts_with(&piece.word.typed));
                prop_assert!(!piece.word.typed.is_empty());
            }
        }
    }
}
