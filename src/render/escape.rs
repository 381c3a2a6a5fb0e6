//! Making user text inert in Markdown: once rendered it reads exactly as typed, and it can
//! never add a heading, list, link, image, table, code, HTML or emphasis of its own. And
//! the source reads as a person would type it: a character is escaped only where, in its
//! context, it would change what GitHub-flavoured Markdown renders (GitHub's cmark-gfm,
//! pandoc's GFM, comrak) or what markdownlint flags.
//!
//! The rules, each a function below:
//!
//! - Inline marks: every `` ` `` and `*`; `_` unless inside a word (`snake_case`); `~`
//!   where it could close a strike-through (`x~`, `~~x~~`), all of them inside the
//!   report's own `~~…~~` or `**…**` ([`Place::MarkedCell`]); `$` where it could close
//!   maths; `\` before punctuation or at the end; `&` before what reads as an entity
//!   (`&amp;`, `&#123;`), not in `R&D`; `<` before what could open a tag, comment or
//!   autolink (`<div>`, `</`, `<!`, `<?`, `<ops@x.io>`), not in `<->` or `< 5`; `]`
//!   before `(` or `[`, and at the end; `[` after `)` (markdownlint reads `(a)[b]` as a
//!   reversed link).
//! - Links, mentions and references: the colon of `http://`, `https://`, `ftp://`,
//!   `mailto:` and `xmpp:`, the dot of `www.`, the `@` of an e-mail address, so that
//!   nothing becomes a link; `@` before a name and `#` before a number, so that pasting
//!   the report notifies no one and links no issue; the colon that opens an emoji
//!   shortcode (`:smile:`).
//! - At the start of a line, where a block would start: `#`, `>`, a list marker (`-`,
//!   `+`, `1.`, `2)` before a space), a line of only `-`, `=`, `_`, `*`, `|` and `:` (a
//!   rule, a heading underline or a table's delimiter row), a fence of `~`, a task box
//!   and a link definition (`[x]: …`).
//! - `|` only inside a table cell, and `#` closing a heading.
//!
//! Text sits in the report set off by a space or punctuation (`: text (by ana)`, `| text
//! |`), never glued to a letter; the rules at its edges rely on that. Leading and trailing
//! spaces of a line are dropped (a reader cannot see them; at the start of a line they
//! could make code), tabs become spaces (markdownlint flags hard tabs), and control, bidi
//! and invisible characters are shown as visible escapes, as `sanitize` shows them on a
//! terminal. A line break becomes a new paragraph in a paragraph of its own, a hard break
//! (`\` at the end of the line) in a list item, and a space in a table cell or a heading.

use incident_core::sanitize;

/// Where the text goes, which decides how a line break is written and which characters
/// mean something there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place<'a> {
    /// A paragraph of its own at the left margin: each line of the text its own
    /// paragraph.
    Paragraph,
    /// A list item (or paragraph) whose continuation lines are indented by this much.
    Block { indent: &'a str },
    /// A table cell: one line, and `|` must not end the cell.
    Cell,
    /// A table cell the report wraps in its own `~~…~~` or `**…**`: as a cell, and no
    /// mark of the text may pair with the report's.
    MarkedCell,
    /// A heading's title: one line, and no `#` at its end may close the heading.
    Heading,
}

impl Place<'_> {
    fn one_line(self) -> bool {
        matches!(self, Place::Cell | Place::MarkedCell | Place::Heading)
    }
}

/// Renders user text for Markdown.
pub fn markdown(text: &str, place: Place<'_>) -> String {
    if is_plain(text) {
        return text.to_string();
    }
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text
        .split('\n')
        .map(|line| line.trim_matches(|c: char| c.is_whitespace() && !sanitize::is_hidden(c)))
        .collect();
    // Blank lines before and after the text hold nothing a reader sees.
    let first = lines.iter().position(|line| !line.is_empty());
    let last = lines.iter().rposition(|line| !line.is_empty());
    let (Some(first), Some(last)) = (first, last) else {
        return String::new();
    };
    let lines = &lines[first..=last];
    let mut out = String::with_capacity(text.len() + 16);
    if place.one_line() {
        let joined = lines
            .iter()
            .filter(|line| !line.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        line_markdown(&joined, place, &mut out);
        return out;
    }
    for (index, line) in lines.iter().enumerate() {
        match place {
            Place::Paragraph => {
                // Blank lines between paragraphs are one paragraph break.
                if line.is_empty() {
                    continue;
                }
                if index > 0 {
                    out.push_str("\n\n");
                }
            }
            Place::Block { indent } if index > 0 => {
                // A blank line would end the list item; a line holding only the break
                // keeps it, and reads as the blank line it was.
                out.push_str("\\\n");
                out.push_str(indent);
            }
            _ => {}
        }
        line_markdown(line, place, &mut out);
    }
    out
}

/// The bytes that mean nothing in Markdown wherever they stand: letters, digits, the
/// space and the punctuation of prose. A table, for `is_plain`'s one pass over the bytes.
const PLAIN: [bool; 256] = {
    let mut plain = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        plain[byte] = (byte as u8).is_ascii_alphanumeric()
            || matches!(
                byte as u8,
                b' ' | b','
                    | b';'
                    | b'\''
                    | b'"'
                    | b'('
                    | b')'
                    | b'%'
                    | b'/'
                    | b'?'
                    | b'!'
                    | b'='
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'{'
                    | b'}'
                    | b'^'
            );
        byte += 1;
    }
    plain
};

/// Text that means nothing in Markdown, so reads as typed without escapes: the common
/// case, checked in one pass over the bytes.
fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some((first, last)) = bytes.first().zip(bytes.last()) else {
        return false;
    };
    let mut dots = false;
    let safe = bytes.iter().all(|byte| {
        dots |= *byte == b'.';
        PLAIN[usize::from(*byte)]
    });
    let digits = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    // Text starting with digits could be an ordered list's marker, `1.` or `2)`.
    let starts_safe = first.is_ascii_alphabetic()
        || (digits > 0 && !matches!(bytes.get(digits), Some(b'.' | b')')));
    safe && starts_safe
        && *last != b' '
        && !(dots && bytes.windows(4).any(|w| w.eq_ignore_ascii_case(b"www.")))
}

/// What a delimiter's neighbour is, for CommonMark's flanking rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Punct,
    Other,
}

use Class::{Other, Punct, Space};

/// The classes a character may have, in whichever parser reads it: a character the
/// parsers disagree on (symbols are punctuation to CommonMark 0.31, not to 0.29) may be
/// either.
fn classes(c: char) -> &'static [Class] {
    if c == ' ' || c == '\t' {
        &[Space]
    } else if c.is_ascii_punctuation() || sanitize::is_hidden(c) {
        // A hidden character is written as `\u{…}`: punctuation on both sides.
        &[Punct]
    } else if c.is_alphanumeric() {
        &[Other]
    } else if c.is_whitespace() {
        &[Space, Punct, Other]
    } else {
        &[Punct, Other]
    }
}

/// The report's own text at an edge of the user's: a space or punctuation.
const EDGE: &[Class] = &[Space, Punct];

fn left_flanking(before: Class, after: Class) -> bool {
    after != Space && (after != Punct || before != Other)
}

fn right_flanking(before: Class, after: Class) -> bool {
    before != Space && (before != Punct || after != Other)
}

/// One line of user text, at the start of a line of the report unless `place` is one
/// line.
fn line_markdown(line: &str, place: Place<'_>, out: &mut String) {
    let chars: Vec<char> = line.chars().collect();
    let mut escape = vec![false; chars.len()];
    if !place.one_line() {
        line_start(&chars, &mut escape);
    }
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        // A run of the same delimiter is judged as one.
        let end = if matches!(c, '*' | '_' | '~' | '$') {
            at + chars[at..].iter().take_while(|&&next| next == c).count()
        } else {
            at + 1
        };
        let escaped = match c {
            '\\' => chars
                .get(at + 1)
                .is_none_or(|&next| next.is_ascii_punctuation() || sanitize::is_hidden(next)),
            '`' | '*' => true,
            '_' => !inside_word(&chars, at, end),
            '~' => strikes(&chars, at, end, place == Place::MarkedCell),
            '$' => closes_maths(&chars, at, end),
            '&' => starts_entity(&chars[at + 1..]),
            '<' => opens_tag(&chars[at + 1..]),
            ']' => chars
                .get(at + 1)
                .is_none_or(|next| matches!(next, '(' | '[')),
            '[' => at > 0 && chars[at - 1] == ')' && chars[at + 1..].contains(&']'),
            '|' => matches!(place, Place::Cell | Place::MarkedCell),
            '@' => notifies_or_links(&chars, at),
            '#' => {
                links_issue(&chars, at) || (place == Place::Heading && closes_heading(&chars, at))
            }
            ':' => breaks_link(&chars, at) || opens_shortcode(&chars, at),
            '.' => is_www_dot(&chars, at),
            _ => false,
        };
        for flag in &mut escape[at..end] {
            *flag |= escaped;
        }
        at = end;
    }
    for (c, escaped) in chars.iter().zip(escape) {
        if *c == '\t' {
            out.push(' ');
        } else if sanitize::is_hidden(*c) {
            out.push('\\');
            out.push_str(&sanitize::escaped(*c));
        } else {
            if escaped {
                out.push('\\');
            }
            out.push(*c);
        }
    }
}

/// Marks what would start a block at the start of the line.
fn line_start(chars: &[char], escape: &mut [bool]) {
    let Some(&first) = chars.first() else {
        return;
    };
    let space_or_end = |at: usize| chars.get(at).is_none_or(|c| *c == ' ' || *c == '\t');
    let block = match first {
        // A heading (or what markdownlint takes for one) or a quote.
        '#' | '>' => true,
        // A list item.
        '-' | '+' | '*' => space_or_end(1),
        // A fence.
        '~' => chars.iter().take_while(|&&c| c == '~').count() >= 3,
        // A task box or a link definition.
        '[' => {
            (matches!(chars.get(1..3), Some([' ' | 'x' | 'X', ']'])) && space_or_end(3))
                || chars.windows(2).any(|pair| pair == [']', ':'])
        }
        _ => false,
    };
    if block {
        escape[0] = true;
    }
    // An ordered list item: the `.` or `)` after one to nine digits.
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=9).contains(&digits)
        && matches!(chars.get(digits), Some('.' | ')'))
        && space_or_end(digits + 1)
    {
        escape[digits] = true;
    }
    // A thematic break, a heading's underline or a table's delimiter row.
    if chars.iter().all(|c| "-=_*|: \t".contains(*c)) && chars.iter().any(|c| "-=_*".contains(*c)) {
        escape[0] = true;
    }
}

/// Whether the run of `_` at `start..end` sits inside a word, where it can neither open
/// nor close emphasis and markdownlint does not mistake it for emphasis.
fn inside_word(chars: &[char], start: usize, end: usize) -> bool {
    start > 0
        && chars[start - 1].is_alphanumeric()
        && chars.get(end).is_some_and(|c| c.is_alphanumeric())
}

/// Whether the run of `~` at `start..end` could close a strike-through (or, `strict`,
/// open one). An opener alone strikes nothing: the report's own `~~` pair up among
/// themselves, and every closer the user typed is escaped.
fn strikes(chars: &[char], start: usize, end: usize, strict: bool) -> bool {
    let before = if start == 0 {
        EDGE
    } else {
        classes(chars[start - 1])
    };
    let after = chars.get(end).map_or(EDGE, |c| classes(*c));
    before.iter().any(|&before| {
        after
            .iter()
            .any(|&after| right_flanking(before, after) || (strict && left_flanking(before, after)))
    })
}

/// Whether the run of `$` at `start..end` could close inline maths (`$x$`, GitHub's and
/// pandoc's rule: after a non-space, not before a digit) or be display maths (`$$`). An
/// opener alone makes no maths.
fn closes_maths(chars: &[char], start: usize, end: usize) -> bool {
    let before = if start == 0 {
        EDGE
    } else {
        classes(chars[start - 1])
    };
    end - start > 1
        || (before.iter().any(|class| *class != Space)
            && !chars.get(end).is_some_and(char::is_ascii_digit))
}

/// Whether an `&` followed by `rest` reads as a character reference: `&name;`, `&#123;`,
/// `&#x1F;` (any name, not only the known ones: cheap, and safe), or would with a `;`
/// after the text.
fn starts_entity(rest: &[char]) -> bool {
    // At the end of the text, the report's own `;` could follow (`I1: fish &amp; I2: …`);
    // no entity's name is one letter, so `R&D` and `AT&T` stay.
    let name = match rest.iter().take(33).position(|c| *c == ';') {
        Some(semicolon) => &rest[..semicolon],
        None if (2..=32).contains(&rest.len()) => rest,
        None => return false,
    };
    match name {
        ['#', 'x' | 'X', hex @ ..] => {
            (1..=6).contains(&hex.len()) && hex.iter().all(char::is_ascii_hexdigit)
        }
        ['#', digits @ ..] => {
            (1..=7).contains(&digits.len()) && digits.iter().all(char::is_ascii_digit)
        }
        [first, ..] => first.is_ascii_alphabetic() && name.iter().all(char::is_ascii_alphanumeric),
        [] => false,
    }
}

/// Whether a `<` followed by `rest` could open HTML (a tag, a closing tag, a comment, a
/// declaration, a processing instruction) or an autolink (`<https://…>`,
/// `<ops@example.com>`). At the end of the text, what follows is unknown.
fn opens_tag(rest: &[char]) -> bool {
    let Some(&next) = rest.first() else {
        return true;
    };
    if next.is_ascii_alphabetic() || matches!(next, '/' | '!' | '?') {
        return true;
    }
    // An e-mail autolink: a local part, `@`, a domain and `>`, with no space.
    let local = |c: char| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c);
    if !local(next) {
        return false;
    }
    rest.iter()
        .position(|c| c.is_whitespace() || *c == '<' || *c == '>')
        .is_some_and(|end| rest[end] == '>' && rest[..end].contains(&'@'))
}

/// Whether the `@` at `at` would mention someone on GitHub (`@name` at the start of a
/// word) or end the local part of an e-mail address that GFM would link.
fn notifies_or_links(chars: &[char], at: usize) -> bool {
    let before = at.checked_sub(1).map(|before| chars[before]);
    let word_before = before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    if !word_before && chars.get(at + 1).is_some_and(char::is_ascii_alphanumeric) {
        return true;
    }
    if !before.is_some_and(|c| c.is_ascii_alphanumeric() || ".+-_".contains(c)) {
        return false;
    }
    // An e-mail address: a domain with a dot followed by a letter or digit.
    let domain: Vec<char> = chars[at + 1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .copied()
        .collect();
    domain
        .windows(2)
        .any(|pair| pair[0] == '.' && pair[1].is_ascii_alphanumeric())
}

/// Whether the `#` at `at` would link an issue on GitHub: `#123` at the start of a word,
/// or after `owner/repo`.
fn links_issue(chars: &[char], at: usize) -> bool {
    if !chars.get(at + 1).is_some_and(char::is_ascii_digit) {
        return false;
    }
    let word_char = |c: &char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/');
    if at == 0 || !(chars[at - 1].is_ascii_alphanumeric() || chars[at - 1] == '_') {
        return true;
    }
    chars[..at]
        .iter()
        .rev()
        .take_while(|c| word_char(c))
        .any(|c| *c == '/')
}

/// Whether the `#` at `at` starts the run of `#` that ends a heading after a space, which
/// Markdown reads as the heading's closing sequence and drops.
fn closes_heading(chars: &[char], at: usize) -> bool {
    (at == 0 || chars[at - 1] == ' ') && chars[at..].iter().all(|c| *c == '#')
}

/// Whether the `:` at `at` ends the scheme of a URL that GFM would link (`https://`,
/// `ftp://`, `mailto:`, `xmpp:`, in any case). Escaped, the text reads the same and no
/// link is made.
fn breaks_link(chars: &[char], at: usize) -> bool {
    let scheme: String = chars[..at]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .map(char::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let slashes = chars.get(at + 1..at + 3) == Some(&['/', '/']);
    let after = chars.get(at + 1).is_some_and(|c| !c.is_whitespace());
    (slashes && ["http", "https", "ftp"].iter().any(|s| scheme.ends_with(s)))
        || (after && ["mailto", "xmpp"].iter().any(|s| scheme.ends_with(s)))
}

/// Whether the `.` at `at` is the dot of `www.`, which GFM links wherever it stands
/// (pandoc even inside a word or a URL, comrak even before no domain at all).
fn is_www_dot(chars: &[char], at: usize) -> bool {
    at >= 3
        && chars[at - 3..at]
            .iter()
            .all(|c| c.eq_ignore_ascii_case(&'w'))
}

/// Whether the `:` at `at` opens an emoji shortcode, `:name:` with a name of
/// `[a-z0-9_+-]`, which pandoc's GFM and comrak show as the emoji. Escaped, it reads the
/// same and stays text. Every emoji name holds a letter but `+1`, `-1`, `100` and `1234`,
/// so a time such as `10:30:45` keeps its colons bare. GitHub expands shortcodes in the
/// rendered HTML, after escapes are gone, so no escape reaches it. The closing colon may
/// open the next shortcode (`:smile:wink:`), which is why each colon is judged on what
/// follows it.
fn opens_shortcode(chars: &[char], at: usize) -> bool {
    let after = &chars[at + 1..];
    let Some(length) = after.iter().position(|c| {
        !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '+' | '-'))
    }) else {
        return false;
    };
    let name = &after[..length];
    after[length] == ':'
        && (name.iter().any(char::is_ascii_lowercase)
            || [
                &['+', '1'][..],
                &['-', '1'],
                &['1', '0', '0'],
                &['1', '2', '3', '4'],
            ]
            .contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: Place<'static> = Place::Block { indent: "  " };

    fn block(text: &str) -> String {
        markdown(text, BLOCK)
    }

    fn cell(text: &str) -> String {
        markdown(text, Place::Cell)
    }

    #[track_caller]
    fn stays(texts: &[&str]) {
        for text in texts {
            assert_eq!(block(text), *text, "{text:?}");
        }
    }

    #[test]
    fn arrows_and_comparisons_stay() {
        stays(&[
            "a -> b",
            "a <-> b <- c",
            "lag < 5ms, p99 > 2s",
            "<5ms",
            "failover East -> West (> 10s)",
        ]);
    }

    #[test]
    fn ampersands_only_before_what_reads_as_an_entity() {
        stays(&[
            "R&D",
            "AT&T & co",
            "&copy 2024",
            "a & b;",
            "&;",
            "&#;",
            "&#x;",
        ]);
        // Too long for a reference; the `#` before a number is another rule's.
        assert_eq!(block("&#12345678;"), r"&\#12345678;");
        assert_eq!(block("&amp;"), r"\&amp;");
        assert_eq!(block("fish &amp; chips"), r"fish \&amp; chips");
        assert_eq!(block("&#123;"), r"\&\#123;");
        assert_eq!(block("&#x1F;"), r"\&#x1F;");
        assert_eq!(block("&x;"), r"\&x;");
        // The report's own `;` may follow the text.
        assert_eq!(block("fish &amp"), r"fish \&amp");
        stays(&["R&D", "AT&T", "Q&A"]);
    }

    #[test]
    fn angle_brackets_only_before_tags_comments_and_autolinks() {
        assert_eq!(block("<div>"), r"\<div>");
        assert_eq!(block("<b>hi</b>"), r"\<b>hi\</b>");
        assert_eq!(block("<!-- x -->"), r"\<!-- x -->");
        assert_eq!(block("<?php"), r"\<?php");
        assert_eq!(block("<https://x.io>"), r"\<https\://x.io>");
        assert_eq!(block("<1@x.io>"), r"\<1\@x.io>");
        assert_eq!(block("<+a@b>"), r"\<+a@b>");
        assert_eq!(block("x <"), r"x \<");
        stays(&["<-", "< 5", "<+a b>", "<1.5ms"]);
    }

    #[test]
    fn a_quote_marker_only_at_the_start_of_a_line() {
        assert_eq!(block("> not a quote"), r"\> not a quote");
        assert_eq!(block("a\n> b"), "a\\\n  \\> b");
        stays(&["5 > 3"]);
    }

    #[test]
    fn tildes_only_where_they_could_strike() {
        stays(&["cd ~/path", "~200ms and ~5%", "a ~ b", "cd ~"]);
        // At the very start, the report's own punctuation could stand before it.
        assert_eq!(block("~/path"), r"\~/path");
        assert_eq!(block("cp ~/a foo~"), r"cp ~/a foo\~");
        assert_eq!(block("~~x~~"), r"~~x\~\~");
        assert_eq!(block("a~b"), r"a\~b");
        assert_eq!(block("~~~"), r"\~\~\~");
        // Inside the report's own strike-through, no tilde of the text may pair.
        assert_eq!(
            markdown("~/path ~200ms a ~ b", Place::MarkedCell),
            r"\~/path \~200ms a ~ b"
        );
    }

    #[test]
    fn stars_always_and_underscores_outside_words() {
        stays(&["snake_case_word", "mysql_1 and pages_builds", "é_ü"]);
        assert_eq!(block("a * b"), r"a \* b");
        assert_eq!(block("count(*)"), r"count(\*)");
        assert_eq!(block("*bold*"), r"\*bold\*");
        assert_eq!(block("_it_"), r"\_it\_");
        assert_eq!(block("__init__"), r"\_\_init\_\_");
        assert_eq!(block("a_"), r"a\_");
        assert_eq!(block("a _ b"), r"a \_ b");
    }

    #[test]
    fn backticks_always_and_backslashes_before_punctuation() {
        assert_eq!(block("`ls`"), r"\`ls\`");
        assert_eq!(block("```"), r"\`\`\`");
        assert_eq!(block(r"C:\path\"), r"C:\path\\");
        assert_eq!(block(r"a\*b"), r"a\\\*b");
        stays(&[r"a\b", r"\d+ matched"]);
    }

    #[test]
    fn dollars_only_where_they_could_close_maths() {
        stays(&["$5 and $10", "costs US$5", "set $HOME/bin"]);
        assert_eq!(block("a $x$ b"), r"a $x\$ b");
        assert_eq!(block("$x$"), r"\$x\$");
        assert_eq!(block("$$"), r"\$\$");
        assert_eq!(block("$HOME/bin"), r"\$HOME/bin");
    }

    #[test]
    fn brackets_only_where_they_could_link() {
        stays(&["see [1] and [2] here", "x[0] = 1", "a [b] c"]);
        assert_eq!(block("[a](b)"), r"[a\](b)");
        assert_eq!(block("![i](x.png) z"), r"![i\](x.png) z");
        assert_eq!(block("[a][b] z"), r"[a\][b] z");
        assert_eq!(block("ends in [1]"), r"ends in [1\]");
        // markdownlint's reversed link.
        assert_eq!(block("(see)[1] z"), r"(see)\[1] z");
        // A task box or a link definition at the start of a line.
        assert_eq!(block("[x] done"), r"\[x] done");
        assert_eq!(block("[ ] todo"), r"\[ ] todo");
        assert_eq!(block("[1]: https://x.io"), r"\[1]: https\://x.io");
    }

    #[test]
    fn pipes_only_in_table_cells() {
        stays(&["a | b", "ps aux | grep x", "| a |"]);
        assert_eq!(cell("a | b"), r"a \| b");
        assert_eq!(markdown("a | b", Place::MarkedCell), r"a \| b");
        // A delimiter row would make the line above a table's header.
        assert_eq!(block("a | b\n--|--"), "a | b\\\n  \\--|--");
        assert_eq!(block(":-:|"), r"\:-:|");
    }

    #[test]
    fn mentions_and_issue_references_are_broken() {
        assert_eq!(block("@team"), r"\@team");
        assert_eq!(block("thanks @dev-1"), r"thanks \@dev-1");
        assert_eq!(block("(@mysql-oncall)"), r"(\@mysql-oncall)");
        assert_eq!(block("#123"), r"\#123");
        assert_eq!(block("PR #38221"), r"PR \#38221");
        assert_eq!(block("see github/github#12"), r"see github/github\#12");
        stays(&[
            "user@host",
            "a @ b",
            "C#1 and F#",
            "in #db-oncall",
            "see #",
            "@",
        ]);
    }

    #[test]
    fn line_start_markers_are_escaped() {
        assert_eq!(block("# not a heading"), r"\# not a heading");
        assert_eq!(block("#hashtag"), r"\#hashtag");
        assert_eq!(block("- not a list"), r"\- not a list");
        assert_eq!(block("+ not a list"), r"\+ not a list");
        assert_eq!(block("* not a list"), r"\* not a list");
        assert_eq!(block("1. not a list"), r"1\. not a list");
        assert_eq!(block("12) not a list"), r"12\) not a list");
        assert_eq!(block("3."), r"3\.");
        assert_eq!(block("---"), r"\---");
        assert_eq!(block("- - -"), r"\- - -");
        assert_eq!(block("==="), r"\===");
        assert_eq!(block("___"), r"\_\_\_");
        assert_eq!(block("one\n="), "one\\\n  \\=");
        stays(&[
            "2.5% errors",
            "-15% checkout",
            "->b",
            "--all",
            "+1",
            "= 5",
            "1234567890. no list",
        ]);
    }

    #[test]
    fn urls_and_addresses_stay_text() {
        assert_eq!(
            block("see https://status.example.com/a_b?x=1."),
            r"see https\://status.example.com/a_b?x=1."
        );
        assert_eq!(block("HTTPS://X.IO"), r"HTTPS\://X.IO");
        assert_eq!(block("ftp://f.example.com/x"), r"ftp\://f.example.com/x");
        assert_eq!(block("mailto:ops"), r"mailto\:ops");
        assert_eq!(block("xmpp:ops"), r"xmpp\:ops");
        assert_eq!(block("www.example.com"), r"www\.example.com");
        assert_eq!(
            block("https://www.example.com"),
            r"https\://www\.example.com"
        );
        assert_eq!(block("ops@example.com"), r"ops\@example.com");
        stays(&[
            "Root cause: disk",
            "at 02:47",
            "db:5432 and localhost:8080",
            "s3://bucket/key",
            "www",
        ]);
        assert_eq!(block("the www. prefix"), r"the www\. prefix");
    }

    #[test]
    fn emoji_shortcodes_stay_text() {
        assert_eq!(block(":smile:"), r"\:smile:");
        assert_eq!(block("lgtm :+1: :-1:"), r"lgtm \:+1: \:-1:");
        assert_eq!(
            block("done :white_check_mark:"),
            r"done \:white_check_mark:"
        );
        assert_eq!(
            block(":8ball: :1st_place_medal:"),
            r"\:8ball: \:1st_place_medal:"
        );
        assert_eq!(block("score :100: :1234:"), r"score \:100: \:1234:");
        // A tag at the end stays: the report writes no colon right after a text.
        stays(&["at 10:30", "rolled back to nginx:stable"]);
        // The closing colon can open the next one.
        assert_eq!(block(":smile:wink:"), r"\:smile\:wink:");
        assert_eq!(block(":fire::fire:"), r"\:fire:\:fire:");
        stays(&[
            "at 10:30:45",
            "02:47:00 to 03:10:00",
            "ratio 1:2:3",
            "Root cause: disk: full",
            ":: empty ::",
            ": spaced :",
            ":Smile: is not one",
            "a :b c: d",
            "::",
            ":smile",
        ]);
        // Next to a scheme colon, both rules hold.
        assert_eq!(block("https://x.io/:smile:"), r"https\://x.io/\:smile:");
        assert_eq!(block("ab:cd:ef"), r"ab\:cd:ef");
    }

    #[test]
    fn line_breaks_by_place() {
        assert_eq!(block("one\ntwo\n"), "one\\\n  two");
        assert_eq!(block("one\r\n# two"), "one\\\n  \\# two");
        assert_eq!(block("one\n\nthree"), "one\\\n  \\\n  three");
        assert_eq!(block("trailing\\\nnext"), "trailing\\\\\\\n  next");
        assert_eq!(cell("one\ntwo"), "one two");
        assert_eq!(cell("one\n\n two"), "one two");
        let paragraph = |text| markdown(text, Place::Paragraph);
        assert_eq!(paragraph("one\ntwo"), "one\n\ntwo");
        assert_eq!(paragraph("one\n\n\n# three"), "one\n\n\\# three");
        assert_eq!(paragraph("\n  lead\n\n"), "lead");
    }

    #[test]
    fn whitespace_at_the_edges_of_a_line_is_dropped_and_tabs_are_spaces() {
        assert_eq!(block("    indented"), "indented");
        assert_eq!(block("a\tb"), "a b");
        assert_eq!(block("\tx"), "x");
        assert_eq!(block("trailing   "), "trailing");
        assert_eq!(block(" \n\t\n"), "");
    }

    #[test]
    fn headings_keep_their_closing_hashes_as_text() {
        let heading = |text| markdown(text, Place::Heading);
        assert_eq!(heading("Issue #"), r"Issue \#");
        assert_eq!(heading("a ##"), r"a \##");
        assert_eq!(heading("#"), r"\#");
        assert_eq!(heading("C# and F#"), "C# and F#");
        assert_eq!(heading("a | b"), "a | b");
    }

    #[test]
    fn control_and_bidi_characters_are_shown_escaped() {
        assert_eq!(block("a\x1b[31mb"), r"a\\x1b[31mb");
        assert_eq!(block("x\u{202e}y"), r"x\\u{202e}y");
        assert_eq!(block("cr\rhere"), r"cr\\x0dhere");
        assert_eq!(block("a\\\u{7}"), r"a\\\\x07");
    }

    #[test]
    fn invisible_characters_are_shown_escaped() {
        assert_eq!(block("pay\u{200b}ments"), r"pay\\u{200b}ments");
        assert_eq!(
            block("\u{feff}db\u{ad}-1\u{2060}"),
            r"\\u{feff}db\\u{ad}-1\\u{2060}"
        );
        assert_eq!(cell("a\u{200d}b"), r"a\\u{200d}b");
    }

    #[test]
    fn plain_text_takes_the_fast_path_and_reads_the_same() {
        for plain in [
            "502s on checkout",
            "p99 latency 4s",
            "db-1 replica lag 40k",
            "H2 S1 ok",
            "restored (mostly), 5% left; ETA 20m?",
        ] {
            assert!(is_plain(plain), "{plain:?}");
            assert_eq!(block(plain), plain);
        }
        for not_plain in [
            "1. list", "- x", "a_b", "x ", "www.x", "a:b", "é", "tab\t", "", "a&b",
        ] {
            assert!(!is_plain(not_plain), "{not_plain:?}");
        }
    }

    #[test]
    fn emoji_and_right_to_left_text_pass_through() {
        assert_eq!(block("🔥 الدفع متوقف"), "🔥 الدفع متوقف");
    }
}
