//! Making user text inert in Markdown: once rendered it reads exactly as typed, and it can
//! never add a heading, list, link, image, table, code, HTML or emphasis of its own.
//!
//! Every character that means something somewhere in GitHub-flavoured Markdown is
//! backslash-escaped; the characters that mean something only at the start of a line are
//! escaped there, and so are the colon of a URL scheme and the dot of `www.`, so that no
//! link is made, and the colon that opens an emoji shortcode (`:smile:`), so that readers
//! that expand them while parsing (pandoc's GFM, comrak) keep the text. Tabs and leading
//! spaces become character references (no hard tabs, no indented code), control, bidi
//! and invisible characters are shown as visible escapes (as `sanitize` shows them on a
//! terminal), and line breaks become hard breaks (`\` at the end of the line), or spaces
//! inside a table cell.

use incident_core::sanitize;

/// Where the text goes, which decides how a line break is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place<'a> {
    /// A paragraph or list item whose continuation lines are indented by this much.
    Block { indent: &'a str },
    /// A table cell: one line, and `|` must not end the cell.
    Cell,
}

/// Characters that are escaped wherever they stand. `#`, `@` and `$` are here for
/// GitHub's issue links, mentions and maths (a colon is escaped only where it opens a
/// shortcode or ends a URL scheme); `!` cannot make an image once `[` is escaped, and
/// `(`, `)` cannot make a link either.
const ALWAYS: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&', '#', '@', '$',
];

/// Renders user text for Markdown.
pub fn markdown(text: &str, place: Place<'_>) -> String {
    if is_plain(text) {
        return text.to_string();
    }
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.trim_end_matches('\n').split('\n').collect();
    let mut out = String::with_capacity(text.len() + 16);
    for (index, line) in lines.iter().enumerate() {
        if index > 0 {
            match place {
                Place::Block { indent } => {
                    out.push_str("\\\n");
                    out.push_str(indent);
                }
                Place::Cell => out.push(' '),
            }
        }
        line_markdown(line.trim_end(), &mut out);
    }
    out
}

/// Text that means nothing in Markdown, so reads as typed without escapes: the common
/// case, checked in one pass over the bytes.
fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some((first, last)) = bytes.first().zip(bytes.last()) else {
        return false;
    };
    let starts_safe = first.is_ascii_alphabetic()
        || (*first >= 0x80 && !first.is_ascii())
        || (first.is_ascii_digit() && !bytes.iter().any(|byte| matches!(byte, b'.' | b')')));
    starts_safe
        && !last.is_ascii_whitespace()
        && text.is_ascii()
        && !bytes.iter().any(|byte| {
            byte.is_ascii_control()
                || matches!(
                    byte,
                    b'\\'
                        | b'`'
                        | b'*'
                        | b'_'
                        | b'['
                        | b']'
                        | b'<'
                        | b'>'
                        | b'|'
                        | b'~'
                        | b'&'
                        | b'#'
                        | b'@'
                        | b'$'
                        | b':'
                        | b'.'
                )
        })
}

fn line_markdown(line: &str, out: &mut String) {
    let content = line.trim_start_matches([' ', '\t']);
    for c in line[..line.len() - content.len()].chars() {
        out.push_str(if c == '\t' { "&#9;" } else { "&#32;" });
    }
    if content.is_empty() && line.is_empty() {
        // An empty line inside the text: something must hold the line, or the paragraph
        // would end here.
        out.push_str("&#32;");
        return;
    }
    let mut rest = content;
    // Markers that only mean something at the start of a line.
    if let Some(first) = rest.chars().next() {
        if matches!(first, '-' | '+' | '=') {
            out.push('\\');
            out.push(first);
            rest = &rest[1..];
        } else if first.is_ascii_digit() {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            let mut after = rest[digits..].chars();
            if matches!(after.next(), Some('.' | ')'))
                && after.next().is_none_or(char::is_whitespace)
            {
                out.push_str(&rest[..digits]);
                out.push('\\');
                out.push_str(&rest[digits..=digits]);
                rest = &rest[digits + 1..];
            }
        }
    }
    for (at, c) in rest.char_indices() {
        if sanitize::is_hidden(c) {
            out.push('\\');
            out.push_str(&sanitize::escaped(c));
        } else if c == '\t' {
            out.push_str("&#9;");
        } else if ALWAYS.contains(&c) || breaks_link(rest, at, c) || opens_shortcode(rest, at, c) {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
}

/// Whether `c` at `at` would let GFM turn the text around it into a link: the colon of a
/// scheme (`https:`, `ftp:`, `mailto:`) or the dot of `www.`. Escaping it keeps the text
/// as typed and the link out.
fn breaks_link(text: &str, at: usize, c: char) -> bool {
    let bytes = text.as_bytes();
    match c {
        ':' => {
            at > 0
                && bytes[at - 1].is_ascii_alphabetic()
                && bytes
                    .get(at + 1)
                    .is_some_and(|next| !next.is_ascii_whitespace())
        }
        '.' => at >= 3 && bytes[at - 3..at].eq_ignore_ascii_case(b"www"),
        _ => false,
    }
}

/// Whether `c` at `at` is the colon that opens an emoji shortcode, `:name:` with a name of
/// `[a-z0-9_+-]`, which pandoc's GFM and comrak show as the emoji. Escaped, it reads the
/// same and stays text. Every emoji name holds a letter but `+1`, `-1`, `100` and `1234`,
/// so a time such as `10:30:45` keeps its colons bare. GitHub expands shortcodes in the
/// rendered HTML, after escapes are gone, so no escape reaches it. The closing colon may open the next shortcode
/// (`:smile:wink:`), which is why each colon is judged on what follows it.
fn opens_shortcode(text: &str, at: usize, c: char) -> bool {
    if c != ':' {
        return false;
    }
    let after = &text[at + 1..];
    let Some(length) = after.find(|c: char| {
        !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '+' | '-'))
    }) else {
        return false;
    };
    let name = &after[..length];
    after[length..].starts_with(':')
        && (name.bytes().any(|byte| byte.is_ascii_lowercase())
            || matches!(name, "+1" | "-1" | "100" | "1234"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: Place<'static> = Place::Block { indent: "  " };

    fn block(text: &str) -> String {
        markdown(text, BLOCK)
    }

    #[test]
    fn inline_markup_is_escaped() {
        assert_eq!(block("*bold* _it_"), r"\*bold\* \_it\_");
        assert_eq!(block("``code``"), r"\`\`code\`\`");
        assert_eq!(block("[a](b) ![i](x.png)"), r"\[a\](b) !\[i\](x.png)");
        assert_eq!(block("<b>hi</b> <!-- x -->"), r"\<b\>hi\</b\> \<!-- x --\>");
        assert_eq!(block("&amp; &#9;"), r"\&amp; \&\#9;");
        assert_eq!(block("a | b ~~c~~"), r"a \| b \~\~c\~\~");
        assert_eq!(block("@team #123 $x$"), r"\@team \#123 \$x\$");
        assert_eq!(block(r"C:\path\"), r"C\:\\path\\");
    }

    #[test]
    fn line_start_markers_are_escaped() {
        assert_eq!(block("# not a heading"), r"\# not a heading");
        assert_eq!(block("> not a quote"), r"\> not a quote");
        assert_eq!(block("- not a list"), r"\- not a list");
        assert_eq!(block("+ not a list"), r"\+ not a list");
        assert_eq!(block("1. not a list"), r"1\. not a list");
        assert_eq!(block("12) not a list"), r"12\) not a list");
        assert_eq!(block("---"), r"\---");
        assert_eq!(block("==="), r"\===");
        assert_eq!(block("2.5% errors"), "2.5% errors");
        assert_eq!(block("3."), r"3\.");
        assert_eq!(block("-15% checkout"), r"\-15% checkout");
    }

    #[test]
    fn lines_become_hard_breaks_in_blocks_and_spaces_in_cells() {
        assert_eq!(block("one\ntwo\n"), "one\\\n  two");
        assert_eq!(block("one\r\n# two"), "one\\\n  \\# two");
        assert_eq!(block("one\n\nthree"), "one\\\n  &#32;\\\n  three");
        assert_eq!(markdown("one\ntwo", Place::Cell), "one two");
        assert_eq!(block("trailing\\\nnext"), "trailing\\\\\\\n  next");
    }

    #[test]
    fn whitespace_that_would_change_the_structure_becomes_references() {
        assert_eq!(block("    indented"), "&#32;&#32;&#32;&#32;indented");
        assert_eq!(block("a\tb"), "a&#9;b");
        assert_eq!(block("\tx"), "&#9;x");
        assert_eq!(block("trailing   "), "trailing");
    }

    #[test]
    fn control_and_bidi_characters_are_shown_escaped() {
        assert_eq!(block("a\x1b[31mb"), r"a\\x1b\[31mb");
        assert_eq!(block("x\u{202e}y"), r"x\\u{202e}y");
        assert_eq!(block("cr\rhere"), r"cr\\x0dhere");
    }

    #[test]
    fn urls_and_addresses_stay_text() {
        assert_eq!(
            block("see https://status.example.com/a_b?x=1."),
            r"see https\://status.example.com/a\_b?x=1."
        );
        assert_eq!(block("ftp://f.example.com/x"), r"ftp\://f.example.com/x");
        assert_eq!(block("mailto:ops"), r"mailto\:ops");
        assert_eq!(block("www.example.com"), r"www\.example.com");
        assert_eq!(block("ops@example.com"), r"ops\@example.com");
        assert_eq!(block("Root cause: disk"), "Root cause: disk");
        assert_eq!(block("at 02:47"), "at 02:47");
    }

    #[test]
    fn emoji_shortcodes_stay_text() {
        assert_eq!(block(":smile:"), r"\:smile:");
        assert_eq!(block("lgtm :+1: :-1:"), r"lgtm \:+1: \:-1:");
        assert_eq!(
            block("done :white_check_mark:"),
            r"done \:white\_check\_mark:"
        );
        assert_eq!(
            block(":8ball: :1st_place_medal:"),
            r"\:8ball: \:1st\_place\_medal:"
        );
        assert_eq!(block("score :100: :1234:"), r"score \:100: \:1234:");
        // The closing colon can open the next one.
        assert_eq!(block(":smile:wink:"), r"\:smile\:wink:");
        assert_eq!(block(":fire::fire:"), r"\:fire\:\:fire:");
        // Times, ratios and other colons stay bare.
        for bare in [
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
        ] {
            assert_eq!(block(bare), bare, "{bare}");
        }
        // Next to a scheme colon, both rules hold.
        assert_eq!(block("https://x.io/:smile:"), r"https\://x.io/\:smile:");
        assert_eq!(block("ab:cd:ef"), r"ab\:cd\:ef");
    }

    #[test]
    fn invisible_characters_are_shown_escaped() {
        assert_eq!(block("pay\u{200b}ments"), r"pay\\u{200b}ments");
        assert_eq!(
            block("\u{feff}db\u{ad}-1\u{2060}"),
            r"\\u{feff}db\\u{ad}-1\\u{2060}"
        );
        assert_eq!(markdown("a\u{200d}b", Place::Cell), r"a\\u{200d}b");
    }

    #[test]
    fn plain_text_takes_the_fast_path_and_reads_the_same() {
        for plain in [
            "502s on checkout",
            "p99 latency 4s",
            "db-1 replica lag 40k",
            "H2 S1 ok",
        ] {
            assert!(is_plain(plain), "{plain}");
            assert_eq!(block(plain), plain);
        }
        for not_plain in [
            "1. list", "- x", "a_b", "x ", "www.x", "a:b", "é", "tab\t", "",
        ] {
            assert!(!is_plain(not_plain), "{not_plain:?}");
        }
    }

    #[test]
    fn emoji_and_right_to_left_text_pass_through() {
        assert_eq!(block("🔥 الدفع متوقف"), "🔥 الدفع متوقف");
    }
}
