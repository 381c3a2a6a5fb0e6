//! Stored text is kept exactly as typed, but some characters must never reach a terminal
//! or a report raw: control characters can move the cursor, change colours or retitle the
//! window, and bidi overrides can make text read differently from what it is. They are
//! shown escaped, as `\x1b` or `\u{202e}`.

use std::borrow::Cow;
use std::fmt::Write;

/// Control characters (C0 but newline and tab, DEL, C1) and bidi controls.
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
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
    fn one_line_marks_line_breaks() {
        assert_eq!(one_line("first\r\nsecond\n"), "first ⏎ second");
        assert_eq!(one_line("a\rb"), "a\\x0db");
    }
}
