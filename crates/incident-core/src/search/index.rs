//! What the store's search index holds of each incident: its searchable texts folded into
//! terms, one line per text, and the scan of those lines for a query. How the index is
//! kept on disk is the store's (`store/index.rs`).

use chrono::{DateTime, Utc};

use super::bm25::Collection;
use super::query::Query;
use super::terms::for_each_term;
use crate::model::{Incident, Kind, Label, State};

/// The folded form of a text, one line per searchable item, as the store keeps it for
/// every incident: `MARKER\tterm term term\n`. The marker is the entry's label, or one
/// of the markers below; it never matches a query, which is lowercase letters and digits.
pub fn push_folded(out: &mut String, marker: &str, text: &str) -> usize {
    let start = out.len();
    out.push_str(marker);
    out.push('\t');
    let mut count = 0;
    for_each_term(text, |_, term| {
        if count > 0 {
            out.push(' ');
        }
        out.push_str(term);
        count += 1;
    });
    if count == 0 {
        out.truncate(start);
    } else {
        out.push('\n');
    }
    count
}

/// The marker of an incident's title in its folded text.
pub const TITLE_MARKER: &str = "#";
/// The marker of an incident's resolution (the text it was closed with).
pub const RESOLUTION_MARKER: &str = "=";

/// One searchable text of an incident: an entry, its title or its resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item<'a> {
    /// The entry's label, `TITLE_MARKER` or `RESOLUTION_MARKER`.
    pub marker: String,
    /// `None` for the title and the resolution.
    pub label: Option<Label>,
    /// The entry's kind, `title` or `resolution`.
    pub kind: &'static str,
    /// When the entry happened (as corrected), the incident opened or closed.
    pub at: DateTime<Utc>,
    pub text: &'a str,
}

/// What a search reads of an incident: the texts of its entries that still count (but
/// corrections and new titles, whose text is the current text of what they correct),
/// its current title and its resolution.
pub fn searchable<'a>(incident: &'a Incident, state: &State<'a>) -> Vec<Item<'a>> {
    let mut items = vec![Item {
        marker: TITLE_MARKER.to_string(),
        label: None,
        kind: "title",
        at: incident.opened_at,
        text: state.title(),
    }];
    for entry in &incident.entries {
        if matches!(entry.kind(), Kind::Amend | Kind::Retitle) || state.is_retracted(entry.id) {
            continue;
        }
        items.push(Item {
            marker: entry.id.to_string(),
            label: Some(entry.id),
            kind: entry.kind().name(),
            at: state.at(entry),
            text: state.text(entry),
        });
    }
    if let (Some(resolution), Some(closed_at)) = (incident.resolution(), incident.closed_at()) {
        items.push(Item {
            marker: RESOLUTION_MARKER.to_string(),
            label: None,
            kind: "resolution",
            at: closed_at,
            text: resolution,
        });
    }
    items
}

/// An incident's searchable texts folded (`push_folded`), with how many items and terms
/// it holds, for the store to keep.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Folded {
    pub text: String,
    pub items: usize,
    pub terms: usize,
}

impl Folded {
    pub fn of(incident: &Incident) -> Folded {
        let state = incident.state();
        let mut folded = Folded::default();
        for item in searchable(incident, &state) {
            let terms = push_folded(&mut folded.text, &item.marker, item.text);
            if terms > 0 {
                folded.items += 1;
                folded.terms += terms;
            }
        }
        folded
    }
}

/// An item of one incident's folded text in which every query term begins a term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found<'a> {
    /// Which of the folded texts searched.
    pub incident: usize,
    pub marker: &'a str,
}

/// What a search of folded texts found: the items matching every term, how many items
/// each query term is in (its document frequency), and the collection's size.
#[derive(Debug, Default)]
pub struct Findings<'a> {
    pub found: Vec<Found<'a>>,
    pub df: Vec<usize>,
    pub collection: Collection,
}

/// Searches the folded texts of every incident (`Folded`: the text, its items and terms).
pub fn search<'a>(folded: &[(&'a str, usize, usize)], query: &Query) -> Findings<'a> {
    let finders: Vec<memchr::memmem::Finder<'_>> = query
        .terms
        .iter()
        .map(|term| memchr::memmem::Finder::new(term.as_bytes()))
        .collect();
    let mut findings = Findings {
        df: vec![0; query.terms.len()],
        ..Findings::default()
    };
    for (incident, (text, items, terms)) in folded.iter().enumerate() {
        findings.collection.documents += items;
        findings.collection.terms += terms;
        let bytes = text.as_bytes();
        let mut everywhere = true;
        for (position, finder) in finders.iter().enumerate() {
            let lines = lines_with(bytes, finder);
            findings.df[position] += lines;
            everywhere &= lines > 0;
        }
        if !everywhere {
            continue;
        }
        for line in text.lines() {
            let Some((marker, terms)) = line.split_once('\t') else {
                continue;
            };
            let every = finders
                .iter()
                .all(|finder| lines_with(terms.as_bytes(), finder) > 0);
            if every {
                findings.found.push(Found { incident, marker });
            }
        }
    }
    findings
}

/// How many lines of a folded text have a term that begins with the finder's needle.
fn lines_with(bytes: &[u8], finder: &memchr::memmem::Finder<'_>) -> usize {
    let mut lines = 0;
    let mut line_end = 0;
    for at in finder.find_iter(bytes) {
        if at < line_end {
            continue;
        }
        // A term begins after a space, or after the tab that ends the marker (a marker is
        // never matched: it is upper case or punctuation, a query lower case).
        if at > 0 && !matches!(bytes[at - 1], b' ' | b'\t') {
            continue;
        }
        lines += 1;
        line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |end| at + end);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(words: &str) -> Query {
        let words: Vec<String> = words.split(' ').map(str::to_string).collect();
        Query::parse(&words).expect("a query")
    }

    #[test]
    fn search_finds_items_with_every_word_and_counts_document_frequency() {
        let mut first = String::new();
        push_folded(&mut first, "#", "Checkout returns 502s");
        push_folded(&mut first, "S1", "502 on checkout since 02:41");
        push_folded(&mut first, "H1", "DB pool exhausted");
        let mut second = String::new();
        push_folded(&mut second, "S1", "checkout slow");
        let folded = [(first.as_str(), 3, 11), (second.as_str(), 1, 2)];
        let findings = search(&folded, &query("checkout 502"));
        let found: Vec<(usize, &str)> = findings
            .found
            .iter()
            .map(|found| (found.incident, found.marker))
            .collect();
        assert_eq!(found, [(0, "#"), (0, "S1")]);
        assert_eq!(findings.df, [3, 2]);
        assert_eq!(
            findings.collection,
            Collection {
                documents: 4,
                terms: 13
            }
        );
        // The marker is never matched: labels are upper case, terms lower.
        assert!(search(&folded, &query("s1")).found.is_empty());
    }
}
