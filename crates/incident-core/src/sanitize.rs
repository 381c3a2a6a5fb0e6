//! Stored text is kept exactly as typed, but some characters must never reach a terminal
//! or a report raw: control characters can move the cursor, change colours or retitle the
//! window, bidi overrides can make text read differently from what it is, and invisible
//! characters (zero-width spaces and joiners, the soft hyphen, a byte-order mark) make
//! `pay\u{200b}ments` pass for `payments`. They are shown escaped, as `\x1b`, `\u{202e}`
//! or `\u{200b}`. The set follows fd's `src/sanitize.rs`.

use std::borrow::Cow;
use std::fmt::Write;

/// Everything that is shown escaped: control characters (C0 but newline and tab, DEL,
/// C1) and the invisible characters of `is_invisible`.
pub fn is_hidden(c: char) -> bool {
    match c {
        // Printable ASCII, the common case, decided in one comparison.
        ' '..='~' => false,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        c => is_invisible(c),
    }
}

/// Format characters that take no room on screen, so that text holding them reads like
/// text without them: bidi marks, embeddings, overrides and isolates, zero-width spaces
/// and joiners, the word joiner and invisible operators, the soft hyphen, the Mongolian
/// vowel separator, the byte-order mark and interlinear annotation marks. Language tags
/// (U+E0000–U+E007F) are invisible too but outside the Basic Multilingual Plane, which the
/// JSON output's `\uXXXX` escapes cannot write yet, so they are left out for now.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{61c}' | '\u{180e}'
        | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
        | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// How a hidden character is shown.
pub fn escaped(c: char) -> String {
    if c.is_ascii() {
        format!("\\x{:02x}", u32::from(c))
    } else {
        format!("\\u{{{:x}}}", u32::from(c))
    }
}

/// Text safe to print to a terminal: hidden characters escaped, newlines and tabs kept.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            safe.push_str(&escaped(c));
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
}

/// One line of terminal text: as `for_terminal`, with line breaks shown as `⏎` so that a
/// multi-line entry keeps to its row.
pub fn one_line(text: &str) -> String {
    // The common case, ASCII with no control character, in one pass over the bytes.
    if text.bytes().all(|byte| (0x20..0x7f).contains(&byte)) {
        return text.to_string();
    }
    let text = text.replace("\r\n", "\n");
    let mut line = String::with_capacity(text.len());
    for c in text.trim_end_matches('\n').chars() {
        match c {
            '\n' => line.push_str(" ⏎ "),
            c if is_hidden(c) => {
                let _ = write!(line, "{}", escaped(c));
            }
            c => line.push(c),
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        assert_eq!(for_terminal("ok\x1b[31mred"), "ok\\x1b[31mred");
        assert_eq!(
            for_terminal("a\u{202e}b\u{7f}\u{9b}"),
            "a\\u{202e}b\\x7f\\u{9b}"
        );
        assert_eq!(for_terminal("bell\x07 nul\0"), "bell\\x07 nul\\x00");
        assert_eq!(for_terminal("tab\tline\nnext"), "tab\tline\nnext");
        assert!(matches!(for_terminal("plain ✓ مرحبا"), Cow::Borrowed(_)));
    }

    #[test]
    fn invisible_characters_are_escaped() {
        assert_eq!(for_terminal("pay\u{200b}ments"), "pay\\u{200b}ments");
        assert_eq!(
            for_terminal("\u{feff}a\u{200c}b\u{200d}c\u{2060}d\u{ad}e\u{180e}f\u{2064}"),
            "\\u{feff}a\\u{200c}b\\u{200d}c\\u{2060}d\\u{ad}e\\u{180e}f\\u{2064}"
        );
        assert_eq!(one_line("db\u{206f}-1\u{fffb}"), "db\\u{206f}-1\\u{fffb}");
        // Visible text that is merely unusual stays as typed: emoji with a variation
        // selector, CJK, a no-break space, a replacement character, private use.
        for visible in [
            "❤\u{fe0f} ok",
            "支付失败",
            "a\u{a0}b",
            "a\u{fffd}b",
            "\u{e000}",
        ] {
            assert!(
                matches!(for_terminal(visible), Cow::Borrowed(_)),
                "{visible:?}"
            );
            assert_eq!(one_line(visible), visible);
        }
        for c in [
            '\u{200b}', '\u{200e}', '\u{202e}', '\u{2066}', '\u{feff}', '\u{ad}',
        ] {
            assert!(is_invisible(c) && is_hidden(c), "{c:?}");
        }
        assert!(!is_invisible('\x1b') && is_hidden('\x1b'));
        assert!(!(' '..='~').any(is_hidden));
    }

    #[test]
    fn one_line_marks_line_breaks() {
        assert_eq!(one_line("first\r\nsecond\n"), "first ⏎ second");
        assert_eq!(one_line("a\rb"), "a\\x0db");
    }
}
