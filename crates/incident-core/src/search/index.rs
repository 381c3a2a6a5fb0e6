//! What the store's search index holds of each incident: its searchable texts folded into
//! terms, one line per text, and the scan of those lines for a query. How the index is
//! kept on disk is the store's (`store/index.rs`).

use chrono::{DateTime, Utc};

use super::bm25::Collection;
use super::query::{Concept, How, Query};
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

/// How much more a word in an incident's title counts than one in its entries: the title
/// says what the incident was about.
pub const TITLE_BOOST: f64 = 2.0;

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

/// An incident that says at least one word of the query.
#[derive(Clone, Debug, PartialEq)]
pub struct Found<'a> {
    /// Which of the folded texts searched.
    pub incident: usize,
    /// The items that say a word, each with a bit for each concept it says.
    pub items: Vec<(&'a str, u64)>,
    /// Whether one item says every word.
    pub whole: bool,
    /// How many of the query's concepts the incident says, in any of its items.
    pub covered: u32,
    /// BM25 of the incident as one text (its title counting `TITLE_BOOST` times).
    pub score: f64,
}

/// What a search of folded texts found: the incidents that say any word, best first (those
/// with an item saying every word, then by how many words they say, then by score); the
/// query as searched (with the misspellings it was widened to); how many items say each
/// alternative of each concept, and the collection of items, for each item's own score.
#[derive(Debug)]
pub struct Findings<'a> {
    pub found: Vec<Found<'a>>,
    pub query: Query,
    /// By concept, then by alternative.
    pub item_df: Vec<Vec<usize>>,
    pub items: Collection,
}

impl Findings<'_> {
    /// The concepts found only through a misspelling: a "did you mean".
    pub fn misspelt(&self) -> impl Iterator<Item = (usize, &Concept)> {
        self.query
            .concepts
            .iter()
            .enumerate()
            .filter(|(_, concept)| concept.by_misspelling())
    }
}

/// BM25 of a text for a query: for each concept, its most telling alternative (each
/// weighed by its own rarity), summed.
pub(super) fn score(
    collection: &Collection,
    idf: &[Vec<f64>],
    tf: &[Vec<f64>],
    length: usize,
) -> f64 {
    tf.iter()
        .zip(idf)
        .map(|(tf, idf)| {
            tf.iter()
                .zip(idf)
                .map(|(tf, idf)| collection.weight(*idf, *tf, length))
                .fold(0.0, f64::max)
        })
        .sum()
}

/// How an alternative is looked for in folded text.
enum Needle {
    /// A sequence of terms (or a term's beginning) side by side.
    Side {
        finder: Box<memchr::memmem::Finder<'static>>,
        prefix: bool,
    },
    /// Terms anywhere in one item.
    Apart(Vec<memchr::memmem::Finder<'static>>),
}

/// Where in `bytes` a finder's needle is a whole term (or, for a prefix, begins a
/// longer one).
fn places<'b>(
    bytes: &'b [u8],
    finder: &'b memchr::memmem::Finder<'static>,
    prefix: bool,
) -> impl Iterator<Item = usize> + 'b {
    finder.find_iter(bytes).filter(move |at| {
        if *at == 0 || !matches!(bytes[at - 1], b' ' | b'\t') {
            return false;
        }
        let after = bytes.get(at + finder.needle().len()).copied();
        let longer = after.is_some_and(|byte| byte.is_ascii_alphanumeric());
        longer == prefix
    })
}

/// Searches the folded texts of every incident (`Folded`: the text, its items and terms)
/// for each word of `query`. A word of five letters or more that no text says is looked
/// for again by the terms one letter away from it.
pub fn search<'a>(folded: &[(&'a str, usize, usize)], query: &Query) -> Findings<'a> {
    let mut query = query.clone();
    let mut findings = scan(folded, &query);
    let mut widened = false;
    for (position, concept) in query.concepts.iter_mut().enumerate() {
        let nothing = findings.item_df[position].iter().all(|df| *df == 0);
        if let (true, Some((term, word))) = (nothing, &concept.misspelt) {
            let near = misspellings(folded, term, word);
            widened |= !near.is_empty();
            concept.add_misspellings(near);
        }
    }
    if widened {
        findings = scan(folded, &query);
    }
    Findings { query, ..findings }
}

/// One pass over every folded text: the incidents found and ranked, how many items say
/// each alternative, and the collection of items.
fn scan<'a>(folded: &[(&'a str, usize, usize)], query: &Query) -> Findings<'a> {
    let concepts = query.concepts.len();
    let needles: Vec<Vec<(Needle, f64)>> = query
        .concepts
        .iter()
        .map(|concept| {
            concept
                .alternatives
                .iter()
                .map(|alternative| {
                    let finder =
                        |needle: &str| memchr::memmem::Finder::new(needle.as_bytes()).into_owned();
                    let needle = match alternative.how {
                        How::Apart => {
                            Needle::Apart(alternative.terms.iter().map(|t| finder(t)).collect())
                        }
                        how => Needle::Side {
                            finder: Box::new(finder(&alternative.terms.join(" "))),
                            prefix: how == How::Prefix,
                        },
                    };
                    (needle, alternative.how.weight())
                })
                .collect()
        })
        .collect();
    let every: u64 = if concepts == 64 {
        u64::MAX
    } else {
        (1 << concepts) - 1
    };
    let mut items = Collection::default();
    let mut incidents = Collection::default();
    let zero: Vec<Vec<usize>> = needles
        .iter()
        .map(|needles| vec![0; needles.len()])
        .collect();
    let mut item_df = zero.clone();
    let mut incident_df = zero;
    // Per incident found: its found entry, its weighed term frequencies and length.
    let mut scanned: Vec<(Found<'a>, Vec<Vec<f64>>, usize)> = Vec::new();
    let mut starts: Vec<usize> = Vec::new();
    let mut masks: Vec<u64> = Vec::new();
    let mut at_places: Vec<(usize, usize, f64)> = Vec::new();
    // Per line, the alternatives that matched there: (line, concept, alternative).
    let mut lines_said: Vec<(usize, usize, usize)> = Vec::new();
    for (incident, (text, item_count, terms)) in folded.iter().enumerate() {
        items.documents += item_count;
        items.terms += terms;
        incidents.documents += 1;
        incidents.terms += terms;
        let bytes = text.as_bytes();
        let mut tf: Option<Vec<Vec<f64>>> = None;
        lines_said.clear();
        for (position, needles) in needles.iter().enumerate() {
            // The best alternative at each place: a prefix and a whole term may both match.
            at_places.clear();
            for (alternative, (needle, weight)) in needles.iter().enumerate() {
                if let Needle::Side { finder, prefix } = needle {
                    at_places.extend(
                        places(bytes, finder, *prefix).map(|at| (at, alternative, *weight)),
                    );
                }
            }
            let apart = needles.iter().any(|(needle, _)| match needle {
                Needle::Apart(finders) => finders
                    .iter()
                    .all(|finder| places(bytes, finder, false).next().is_some()),
                Needle::Side { .. } => false,
            });
            if at_places.is_empty() && !apart {
                continue;
            }
            let tf = tf.get_or_insert_with(|| {
                starts.clear();
                starts.push(0);
                starts.extend(memchr::memchr_iter(b'\n', bytes).map(|end| end + 1));
                masks.clear();
                masks.resize(starts.len(), 0);
                vec![Vec::new(); concepts]
            });
            if tf[position].is_empty() {
                tf[position] = vec![0.0; needles.len()];
            }
            at_places.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.total_cmp(&a.2)));
            at_places.dedup_by_key(|place| place.0);
            let line_of = |at: usize| starts.partition_point(|start| *start <= at) - 1;
            let boost = |line: usize| {
                if bytes[starts[line]..].starts_with(b"#\t") {
                    TITLE_BOOST
                } else {
                    1.0
                }
            };
            for (at, alternative, weight) in at_places.iter().copied() {
                let line = line_of(at);
                masks[line] |= 1 << position;
                tf[position][alternative] += weight * boost(line);
                lines_said.push((line, position, alternative));
            }
            // Words apart: in a line no other alternative of the concept matched.
            for (alternative, (needle, weight)) in needles.iter().enumerate() {
                let Needle::Apart(finders) = needle else {
                    continue;
                };
                let mut found_in: Option<Vec<usize>> = None;
                for finder in finders {
                    let mut lines: Vec<usize> = places(bytes, finder, false).map(line_of).collect();
                    lines.dedup();
                    found_in = Some(match found_in {
                        None => lines,
                        Some(known) => known
                            .into_iter()
                            .filter(|line| lines.binary_search(line).is_ok())
                            .collect(),
                    });
                }
                for line in found_in.unwrap_or_default() {
                    if masks[line] & (1 << position) == 0 {
                        masks[line] |= 1 << position;
                        tf[position][alternative] += weight * boost(line);
                        lines_said.push((line, position, alternative));
                    }
                }
            }
        }
        let Some(mut tf) = tf else {
            continue;
        };
        if masks.iter().all(|mask| *mask == 0) {
            continue;
        }
        for (position, tf) in tf.iter_mut().enumerate() {
            if tf.is_empty() {
                *tf = vec![0.0; needles[position].len()];
            }
        }
        let mut found = Found {
            incident,
            items: Vec::new(),
            whole: false,
            covered: 0,
            score: 0.0,
        };
        let mut said = 0u64;
        for (line, mask) in masks.iter().enumerate() {
            if *mask == 0 {
                continue;
            }
            let start = starts[line];
            let marker_end =
                memchr::memchr(b'\t', &bytes[start..]).map_or(start, |end| start + end);
            found.items.push((&text[start..marker_end], *mask));
            found.whole |= *mask == every;
            said |= mask;
        }
        lines_said.sort_unstable();
        lines_said.dedup();
        for (_, position, alternative) in &lines_said {
            item_df[*position][*alternative] += 1;
        }
        for (position, tf) in tf.iter().enumerate() {
            for (alternative, tf) in tf.iter().enumerate() {
                incident_df[position][alternative] += usize::from(*tf > 0.0);
            }
        }
        found.covered = said.count_ones();
        scanned.push((found, tf, *terms));
    }
    let idf: Vec<Vec<f64>> = incident_df
        .iter()
        .map(|df| df.iter().map(|df| incidents.idf(*df)).collect())
        .collect();
    let mut found: Vec<Found<'a>> = scanned
        .into_iter()
        .map(|(mut found, tf, length)| {
            found.score = score(&incidents, &idf, &tf, length);
            found
        })
        .collect();
    found.sort_by(|a, b| {
        b.whole
            .cmp(&a.whole)
            .then(b.covered.cmp(&a.covered))
            .then(b.score.total_cmp(&a.score))
            .then(b.incident.cmp(&a.incident))
    });
    Findings {
        found,
        query: Query {
            concepts: Vec::new(),
        },
        item_df,
        items,
    }
}

/// The terms of the folded texts one letter (added, left out, changed, or two swapped) away
/// from a word's term or from the word as typed, of four letters or more.
fn misspellings(folded: &[(&str, usize, usize)], term: &str, word: &str) -> Vec<String> {
    let mut near: Vec<String> = Vec::new();
    let close = |candidate: &str, to: &str| {
        candidate.len().abs_diff(to.len()) <= 1 && strsim::osa_distance(candidate, to) == 1
    };
    for (text, _, _) in folded {
        for line in text.lines() {
            let terms = line.split_once('\t').map_or("", |(_, terms)| terms);
            for candidate in terms.split(' ') {
                if candidate.len() < 4
                    || !candidate.bytes().all(|byte| byte.is_ascii_alphabetic())
                    || near.iter().any(|known| known == candidate)
                {
                    continue;
                }
                if close(candidate, term) || close(candidate, word) {
                    near.push(candidate.to_string());
                }
            }
        }
    }
    near
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Synonyms;

    fn query(words: &str) -> Query {
        let words: Vec<String> = words.split(' ').map(str::to_string).collect();
        Query::parse(&words, &Synonyms::built_in()).expect("a query")
    }

    fn folded(items: &[(&str, &str)]) -> String {
        let mut text = String::new();
        for (marker, item) in items {
            push_folded(&mut text, marker, item);
        }
        text
    }

    #[test]
    fn search_ranks_incidents_saying_every_word_first_then_those_saying_most() {
        let first = folded(&[
            ("#", "Checkout returns 502s"),
            ("S1", "502 on checkout since 02:41"),
            ("H1", "DB pool exhausted"),
        ]);
        let second = folded(&[("#", "Payments slow"), ("S1", "checkout slow")]);
        let third = folded(&[
            ("#", "Gateway errors"),
            ("S1", "checkout page"),
            ("S2", "HTTP 503"),
        ]);
        let texts = [
            (first.as_str(), 3, 11),
            (second.as_str(), 2, 4),
            (third.as_str(), 3, 6),
        ];
        let findings = search(&texts, &query("checkout 502"));
        let order: Vec<(usize, bool, u32)> = findings
            .found
            .iter()
            .map(|found| (found.incident, found.whole, found.covered))
            .collect();
        // The third says both (503 is a 5xx) but in two items; the second says one.
        assert_eq!(order, [(0, true, 2), (2, false, 2), (1, false, 1)]);
        assert_eq!(findings.found[0].items, [("#", 0b11), ("S1", 0b11)]);
        let item_df: Vec<usize> = findings.item_df.iter().map(|df| df.iter().sum()).collect();
        assert_eq!(item_df, [4, 3]);
        assert_eq!(
            findings.items,
            Collection {
                documents: 8,
                terms: 21
            }
        );
        // The marker is never matched: labels are upper case, terms lower.
        assert!(search(&texts, &query("s1")).found.is_empty());
    }

    #[test]
    fn a_word_nothing_says_is_looked_for_one_letter_away() {
        let text = folded(&[("#", "Certificate expired"), ("S1", "TLS handshake fails")]);
        let texts = [(text.as_str(), 2, 5)];
        let findings = search(&texts, &query("certifcate"));
        assert_eq!(findings.found.len(), 1);
        let misspelt: Vec<&str> = findings.misspelt().map(|(_, c)| c.word.as_str()).collect();
        assert_eq!(misspelt, ["certifcate"]);
        // A word that something says is never widened.
        let findings = search(&texts, &query("handshake"));
        assert_eq!(findings.misspelt().count(), 0);
        // Nor one of fewer than five letters.
        assert!(search(&texts, &query("tlss")).found.is_empty());
    }
}
