//! What `search` found: a line per entry, title or resolution, for people (the current
//! incident marked, a partial match marked, the words found highlighted when colour is
//! on, a long text cut to the part around them), for scripts (JSON), or the incidents
//! alone (`-q`).

use std::collections::HashSet;
use std::ops::Range;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::json::to_json;
use super::paint::Paint;
use incident_core::model::Label;
use incident_core::sanitize::one_line;
use incident_core::search::{Hit, Query};

/// How many characters of a text a line shows: a pasted stack trace is cut to the part
/// around the first word found.
const SHOWN_CHARS: usize = 160;
/// How many characters before the first word found a cut text keeps.
const LEAD_CHARS: usize = 50;

#[derive(Serialize)]
struct HitView<'a> {
    incident: &'a str,
    id: Option<Label>,
    kind: &'a str,
    text: &'a str,
    at: DateTime<Utc>,
    /// BM25 of this text, to three decimals: higher is better.
    score: f64,
    /// Not every word of the search is said here.
    partial: bool,
    /// The incident commands act on.
    current: bool,
}

pub fn json(hits: &[Hit], current: Option<&str>) -> String {
    let views: Vec<HitView> = hits
        .iter()
        .map(|hit| HitView {
            incident: &hit.incident,
            id: hit.label,
            kind: hit.kind,
            text: &hit.text,
            at: hit.at,
            score: (hit.score * 1000.0).round() / 1000.0,
            partial: hit.partial,
            current: Some(hit.incident.as_str()) == current,
        })
        .collect();
    to_json(&views)
}

/// The incidents found, best first, each once.
pub fn incidents(hits: &[Hit]) -> String {
    let mut seen = HashSet::new();
    hits.iter()
        .filter(|hit| seen.insert(hit.incident.as_str()))
        .map(|hit| format!("{}\n", hit.incident))
        .collect()
}

/// How the current incident is marked after its id.
const CURRENT: &str = " (current)";

pub fn human(hits: &[Hit], query: &Query, current: Option<&str>, paint: &Paint) -> String {
    let label = |hit: &Hit| hit.label.map_or("-".to_string(), |label| label.to_string());
    let incident = |hit: &Hit| {
        if Some(hit.incident.as_str()) == current {
            format!("{}{CURRENT}", hit.incident)
        } else {
            hit.incident.clone()
        }
    };
    let id_width = hits
        .iter()
        .map(|hit| incident(hit).len())
        .max()
        .unwrap_or(0);
    let label_width = hits.iter().map(|hit| label(hit).len()).max().unwrap_or(0);
    let kind_width = hits.iter().map(|hit| hit.kind.len()).max().unwrap_or(0);
    let mut text = String::new();
    for hit in hits {
        let partial = if hit.partial {
            format!("  {}", paint.dim("(partial)"))
        } else {
            String::new()
        };
        text.push_str(&format!(
            "{:<id_width$}  {:<label_width$}  {:<kind_width$}  {}{partial}\n",
            incident(hit),
            label(hit),
            hit.kind,
            highlighted(&hit.text, query, paint)
        ));
    }
    text
}

/// The text on one line, escaped for the terminal, the words found painted, cut around
/// the first of them when it is long.
fn highlighted(text: &str, query: &Query, paint: &Paint) -> String {
    let text = text.trim_end_matches('\n');
    let spans = query.spans(text);
    let window = excerpt(text, spans.first().map_or(0, |span| span.start));
    let mut line = String::new();
    if window.start > 0 {
        line.push('…');
    }
    let mut at = window.start;
    for span in spans {
        let span = span.start.max(window.start)..span.end.min(window.end);
        if span.start >= span.end {
            continue;
        }
        line.push_str(&inline(&text[at..span.start]));
        line.push_str(&paint.yellow(&inline(&text[span.clone()])));
        at = span.end;
    }
    line.push_str(&inline(&text[at..window.end]));
    if window.end < text.len() {
        line.push('…');
    }
    line
}

/// The bytes of `text` shown: all of it when short, else `SHOWN_CHARS` characters from a
/// little before `first`.
fn excerpt(text: &str, first: usize) -> Range<usize> {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(at, _)| at)
        .chain([text.len()])
        .collect();
    let chars = bounds.len() - 1;
    if chars <= SHOWN_CHARS {
        return 0..text.len();
    }
    let first = bounds.partition_point(|at| *at < first);
    let start = first.saturating_sub(LEAD_CHARS).min(chars - SHOWN_CHARS);
    bounds[start]..bounds[start + SHOWN_CHARS]
}

/// A piece of a line, escaped, its line breaks shown as `⏎` (a piece may end in one that
/// the next piece continues from).
fn inline(piece: &str) -> String {
    let breaks = piece.len() - piece.trim_end_matches('\n').len();
    let mut shown = one_line(piece);
    for _ in 0..breaks {
        shown.push_str(" ⏎ ");
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use incident_core::search::Synonyms;

    fn query(words: &str) -> Query {
        let words: Vec<String> = words.split(' ').map(str::to_string).collect();
        Query::parse(&words, &Synonyms::built_in()).expect("a query")
    }

    #[test]
    fn found_words_are_painted_and_the_rest_escaped() {
        let paint = Paint::new(true);
        let line = highlighted("Café \x1b[31m fermé\nCAFE", &query("cafe"), &paint);
        assert_eq!(
            line,
            "\x1b[33mCafé\x1b[0m \\x1b[31m fermé ⏎ \x1b[33mCAFE\x1b[0m"
        );
        let plain = highlighted("Café\n", &query("cafe"), &Paint::new(false));
        assert_eq!(plain, "Café");
    }

    #[test]
    fn a_long_text_is_cut_around_the_first_word_found() {
        let text = format!("{} pool exhausted {}", "x".repeat(300), "y".repeat(300));
        let line = highlighted(&text, &query("pool"), &Paint::new(false));
        assert!(line.starts_with('…') && line.ends_with('…'), "{line}");
        assert!(line.contains("pool exhausted"), "{line}");
        assert_eq!(line.chars().count(), SHOWN_CHARS + 2);
        let early = highlighted(
            &format!("pool {}", "z".repeat(400)),
            &query("pool"),
            &Paint::new(false),
        );
        assert!(early.starts_with("pool") && early.ends_with('…'));
    }
}
