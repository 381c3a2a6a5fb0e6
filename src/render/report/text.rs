//! Markdown text helpers every report and the handover share: user text escaped for its
//! place, headings that markdownlint accepts, sections with the blank lines Markdown
//! wants, and the one way a report says how to record what it cannot show yet.

use std::fmt::Write;

use crate::render::escape::{self, Place};
use incident_core::sanitize;

/// Text in a `- ` list item: a line break is a hard break, the next line indented.
pub const ITEM: Place<'static> = Place::Block { indent: "  " };
/// A list item nested in another.
pub const SUBITEM: Place<'static> = Place::Block { indent: "    " };
/// Text in a `- [ ] ` task item.
pub const TASK: Place<'static> = Place::Block { indent: "      " };
/// Text in a paragraph at the left margin, never inside a list item or a table: each line
/// of the text becomes a paragraph of its own, with no backslash to break it.
pub const PARAGRAPH: Place<'static> = Place::Paragraph;

pub fn text(text: &str, place: Place<'_>) -> String {
    escape::markdown(text, place)
}

/// A ticket link as given: a real link (`<https://…>`) only when it is a plain http(s)
/// URL that cannot break out of an autolink; anything else (`OPS-42`) is text, escaped
/// like all user text for its place.
pub fn ticket(link: &str, place: Place<'_>) -> String {
    let lower = link.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let safe = rest.is_some_and(|rest| !rest.is_empty())
        && !link.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || incident_core::sanitize::is_hidden(c)
                || matches!(c, '<' | '>' | '\\' | '`')
        });
    if safe {
        format!("<{link}>")
    } else {
        text(link, place)
    }
}

pub fn cell(value: &str) -> String {
    escape::markdown(value, Place::Cell)
}

/// A table cell the report marks as a whole, `~~struck~~` or `**bold**`: no mark the text
/// holds can pair with the report's.
pub fn marked_cell(value: &str, mark: &str) -> String {
    format!("{mark}{}{mark}", escape::markdown(value, Place::MarkedCell))
}

/// A title for a heading: one line, and trailing punctuation written as a character
/// reference, which renders the same but is not flagged by markdownlint (MD026).
pub fn heading(title: &str, others: &[String]) -> String {
    // Trimmed, so the line ends in the title's own last character, never in a reference;
    // a hidden character stays, to be shown escaped.
    let title = title.replace("\r\n", "\n");
    let title = title.trim_matches(|c: char| c.is_whitespace() && !sanitize::is_hidden(c));
    let mut line = escape::markdown(title, Place::Heading);
    // A title that repeats another heading (`Summary`, `T1`) starts with a character
    // reference: it reads the same, and markdownlint (MD024) does not see a duplicate.
    if others.iter().any(|other| other.eq_ignore_ascii_case(title))
        && let Some(first) = line.chars().next()
        && first.is_ascii_alphanumeric()
    {
        line.replace_range(..1, &format!("&#{};", u32::from(first)));
    }
    if let Some(last) = line
        .chars()
        .last()
        .filter(|c| ".,;:!。，；：！".contains(*c))
    {
        line.truncate(line.len() - last.len_utf8());
        let backslashes = line.len() - line.trim_end_matches('\\').len();
        if backslashes % 2 == 1 {
            // The punctuation was escaped; the reference needs no escape.
            line.pop();
        }
        let _ = write!(line, "&#{};", u32::from(last));
    }
    line
}

/// A `## title` and its body, with the blank lines Markdown wants around them.
pub fn section(out: &mut String, title: &str, body: impl FnOnce(&mut String)) {
    let _ = writeln!(out, "## {title}\n");
    body(out);
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
}

/// One newline at the end, none before it.
pub fn finish(mut out: String) -> String {
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// How to record what a report cannot show yet, in plain words, never code spans (a
/// report's only code is evidence output and the chart): `To record it, run "incident
/// cause TEXT --root".`, with `, then "…"` for each further command.
pub fn how_to_record(commands: &[&str]) -> String {
    let mut said = String::from("To record it, run");
    for (position, command) in commands.iter().enumerate() {
        if position > 0 {
            said.push_str(", then");
        }
        let _ = write!(said, " \"{command}\"");
    }
    said.push('.');
    said
}

#[cfg(test)]
mod tests {
    use super::{heading, how_to_record};

    fn heading_of(title: &str) -> String {
        heading(title, &["Summary".to_string(), "T1".to_string()])
    }

    #[test]
    fn headings_end_without_bare_punctuation() {
        assert_eq!(heading_of("Payments down!"), "Payments down&#33;");
        assert_eq!(heading_of("Why slow?"), "Why slow?");
        assert_eq!(heading_of("Step 3."), "Step 3&#46;");
        assert_eq!(heading_of("3."), "3&#46;");
        assert_eq!(heading_of("see www."), "see www&#46;");
        assert_eq!(heading_of("ends in \\"), "ends in \\\\");
        assert_eq!(heading_of("two\nlines:"), "two lines&#58;");
        assert_eq!(heading_of("Summary"), "&#83;ummary");
        assert_eq!(heading_of("t1"), "&#116;1");
        assert_eq!(heading_of("Summary of it"), "Summary of it");
        assert_eq!(heading_of("*\\\n\t"), "\\*\\\\");
        assert_eq!(heading_of("fish &amp;"), "fish \\&amp&#59;");
    }

    #[test]
    fn how_to_record_names_each_command_in_order() {
        assert_eq!(
            how_to_record(&["incident cause TEXT --trigger"]),
            "To record it, run \"incident cause TEXT --trigger\"."
        );
        assert_eq!(
            how_to_record(&["incident reopen", "incident close TEXT --at TIME"]),
            "To record it, run \"incident reopen\", then \"incident close TEXT --at TIME\"."
        );
    }
}
