//! `status --format slack`: the handover of `handover.rs` as Slack mrkdwn, to paste into a
//! channel (or post through a hook).
//!
//! Slack is not Markdown: `*bold*`, `_italic_`, no headings, no tables, and no backslash
//! escapes (Slack shows the backslash). Its own escaping covers only `&`, `<` and `>`
//! (`&amp;`, `&lt;`, `&gt;`), which is what keeps `<!channel>`, `<@U123>` and
//! `<https://x|y>` typed by someone from pinging or linking. Everything else a user typed
//! is made inert here, by `text`:
//!
//! - `@here`, `@channel`, `@everyone` and `@name` typed plainly would ping when the text
//!   is pasted and sent, so their `@` becomes the fullwidth `＠` (U+FF20): it reads the
//!   same and never mentions anyone. A zero-width joiner would do too, but this tool
//!   shows invisible characters as escapes everywhere else, since they make text pass for
//!   what it is not; a visible look-alike hides nothing. An `@` inside a word
//!   (`ana@example.com`) is no mention and stays.
//! - Slack formats `*`, `_` and `~` only at the edge of a word (`pool_size` stays as
//!   typed), so only there are they replaced by look-alikes that Slack leaves alone:
//!   `∗` (U+2217), `ˍ` (U+02CD), `∼` (U+223C). A backtick opens code anywhere, so every
//!   one becomes `ˋ` (U+02CB).
//! - A line break inside an entry is shown as ` ⏎ `, as on the board: every entry keeps to
//!   its bullet, and no typed `>` or `•` can start a line of its own.
//! - Control, bidi and invisible characters (`sanitize::is_hidden`) are shown as
//!   `[U+001B]`: visible, and without the backslash of the terminal's `\x1b`.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::handover::{self, Level, Piece};
use incident_core::model::Incident;
use incident_core::sanitize;

pub fn render(incident: &Incident, now: DateTime<Utc>) -> String {
    let handover = handover::build(incident, now);
    let mut out = String::new();
    // The title stays out of the bold: a `*` typed in it could end the bold early.
    let _ = writeln!(out, "*Handover:* {}", text(handover.title));
    let mut empty_section = false;
    for part in &handover.parts {
        // A subsection right under its section's title reads as one block with it.
        if !(empty_section && part.level == Level::Subsection) {
            out.push('\n');
        }
        empty_section = part.level == Level::Section && part.lines.is_empty();
        match part.level {
            Level::Section => {
                let _ = writeln!(out, "*{}*", part.title);
            }
            Level::Subsection => {
                let _ = writeln!(out, "_{}_", part.title);
            }
        }
        for line in &part.lines {
            out.push_str("• ");
            for piece in &line.pieces {
                match piece {
                    Piece::Own(words) => out.push_str(words),
                    Piece::User(typed) => out.push_str(&text(typed)),
                    Piece::Command(command) => {
                        let _ = write!(out, "`{command}`");
                    }
                    // Slack links a web address by itself; escaped, it still does.
                    Piece::Link(link) => out.push_str(&text(link)),
                }
            }
            out.push('\n');
        }
    }
    out
}

/// User text for Slack: reads as typed, and can neither format, link, mention nor
/// control the terminal (see the module's comment for each rule).
pub fn text(typed: &str) -> String {
    let typed = typed.replace("\r\n", "\n");
    let chars: Vec<char> = typed.trim_end_matches('\n').chars().collect();
    let mut out = String::with_capacity(typed.len() + 8);
    let word = |at: Option<&char>| at.is_some_and(|c| c.is_alphanumeric());
    for (at, c) in chars.iter().copied().enumerate() {
        let before = at.checked_sub(1).and_then(|before| chars.get(before));
        let after = chars.get(at + 1);
        let inside_word = word(before) && word(after);
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str(" ⏎ "),
            '`' => out.push('ˋ'),
            '*' if !inside_word => out.push('∗'),
            '_' if !inside_word => out.push('ˍ'),
            '~' if !inside_word => out.push('∼'),
            '@' if !word(before) && after.is_some_and(|c| c.is_alphanumeric() || *c == '_') => {
                out.push('＠')
            }
            c if sanitize::is_hidden(c) => {
                let _ = write!(out, "[U+{:04X}]", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn slack_escapes_only_what_slack_reads() {
        assert_eq!(
            text("a & b <!channel> <@U123>"),
            "a &amp; b &lt;!channel&gt; &lt;＠U123&gt;"
        );
        assert_eq!(text("pool_size x*y a~b"), "pool_size x*y a~b");
        assert_eq!(text("*bold* _it_ ~no~ `code`"), "∗bold∗ ˍitˍ ∼no∼ ˋcodeˋ");
        assert_eq!(
            text("@here (@channel) ana@example.com @ 3am"),
            "＠here (＠channel) ana@example.com @ 3am"
        );
        assert_eq!(text("one\r\ntwo\n"), "one ⏎ two");
        assert_eq!(text("\u{1b}[31mred\u{200b}"), "[U+001B][31mred[U+200B]");
        assert_eq!(text(r"C:\temp\x"), r"C:\temp\x");
    }
}
