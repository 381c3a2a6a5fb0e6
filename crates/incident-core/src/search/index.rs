//! What the store's search index holds of each incident: its searchable texts folded into
//! terms, one line per text, and the scan of those lines for a query. How the index is
//! kept on disk is the store's (`store/index.rs`).

use aho_corasick::{AhoCorasick, Input, MatchKind};
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

/// The order of what a search found: a text with an item saying every word first, then
/// by how many words it says, then by score; equals are left for the caller to order.
pub fn best_first(a: &Found<'_>, b: &Found<'_>) -> std::cmp::Ordering {
    b.whole
        .cmp(&a.whole)
        .then(b.covered.cmp(&a.covered))
        .then(b.score.total_cmp(&a.score))
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

/// What a pattern of the query's automaton stands for.
#[derive(Clone, Copy)]
enum Use {
    /// An alternative said side by side: a whole sequence of terms, or a term's beginning.
    Side {
        concept: usize,
        alternative: usize,
        prefix: bool,
        weight: f64,
    },
    /// One word of an alternative said apart.
    Apart {
        concept: usize,
        alternative: usize,
        word: usize,
    },
}

/// Every needle of a query, found in one pass over a folded text (Aho-Corasick, with
/// its vectorized prefilter for a handful of patterns).
struct Needles {
    automaton: AhoCorasick,
    /// For each pattern, what it stands for.
    uses: Vec<Vec<Use>>,
    /// For each concept, its alternatives' weights and, for those said apart, how many
    /// words they have (zero for the others).
    alternatives: Vec<Vec<(f64, usize)>>,
    /// Each pattern's length, and the patterns it begins with (itself included).
    lengths: Vec<usize>,
    prefixes: Vec<Vec<usize>>,
}

impl Needles {
    fn of(query: &Query) -> Needles {
        let mut patterns: Vec<String> = Vec::new();
        let mut uses: Vec<Vec<Use>> = Vec::new();
        let mut add = |pattern: String, used: Use| match patterns.iter().position(|p| *p == pattern)
        {
            Some(known) => uses[known].push(used),
            None => {
                patterns.push(pattern);
                uses.push(vec![used]);
            }
        };
        let mut alternatives = Vec::new();
        for (concept, own) in query.concepts.iter().enumerate() {
            let mut weights = Vec::new();
            for (alternative, said) in own.alternatives.iter().enumerate() {
                let weight = said.how.weight();
                if said.how == How::Apart {
                    for (word, term) in said.terms.iter().enumerate() {
                        add(
                            term.clone(),
                            Use::Apart {
                                concept,
                                alternative,
                                word,
                            },
                        );
                    }
                    weights.push((weight, said.terms.len()));
                } else {
                    let prefix = said.how == How::Prefix;
                    add(
                        said.terms.join(" "),
                        Use::Side {
                            concept,
                            alternative,
                            prefix,
                            weight,
                        },
                    );
                    weights.push((weight, 0));
                }
            }
            alternatives.push(weights);
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("a handful of short patterns always build");
        // Each pattern with those it begins with (itself included).
        let prefixes = patterns
            .iter()
            .map(|pattern| {
                (0..patterns.len())
                    .filter(|other| pattern.starts_with(patterns[*other].as_str()))
                    .collect()
            })
            .collect();
        Needles {
            automaton,
            uses,
            alternatives,
            lengths: patterns.iter().map(String::len).collect(),
            prefixes,
        }
    }
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
    let needles = Needles::of(query);
    let every: u64 = if concepts == 64 {
        u64::MAX
    } else {
        (1 << concepts) - 1
    };
    let mut items = Collection::default();
    let mut incidents = Collection::default();
    let zero: Vec<Vec<usize>> = needles
        .alternatives
        .iter()
        .map(|alternatives| vec![0; alternatives.len()])
        .collect();
    let mut item_df = zero.clone();
    let mut incident_df = zero;
    // Per incident found: its found entry, its weighed term frequencies and length.
    let mut scanned: Vec<(Found<'a>, Vec<Vec<f64>>, usize)> = Vec::new();
    // The lines of an incident that a pattern is found in, in order: where each starts
    // and ends, and a bit for each concept said there.
    let mut lines: Vec<(usize, usize, u64)> = Vec::new();
    // Where each pattern is a whole term (or begins a longer one): (line, place, pattern,
    // longer).
    let mut hits: Vec<(usize, usize, usize, bool)> = Vec::new();
    // Per concept, the places of its alternatives said side by side: (line, place,
    // alternative, weight).
    let mut side: Vec<Vec<(usize, usize, usize, f64)>> = vec![Vec::new(); concepts];
    // The words of alternatives said apart: (concept, alternative, line, word).
    let mut apart: Vec<(usize, usize, usize, usize)> = Vec::new();
    // The alternatives said in each line: (line, concept, alternative).
    let mut lines_said: Vec<(usize, usize, usize)> = Vec::new();
    for (incident, (text, item_count, terms)) in folded.iter().enumerate() {
        items.documents += item_count;
        items.terms += terms;
        incidents.documents += 1;
        incidents.terms += terms;
        let bytes = text.as_bytes();
        hits.clear();
        lines.clear();
        let mut from = 0;
        // The longest pattern at each place where one begins, and the patterns it begins
        // with; then on from the next byte, so that no place is passed over.
        while let Some(found) = needles
            .automaton
            .find(Input::new(bytes).span(from..bytes.len()))
        {
            let at = found.start();
            from = at + 1;
            // A term begins after a space, or after the tab that ends the marker (a marker
            // is never matched: it is upper case or punctuation, a query lower case).
            if at == 0 || !matches!(bytes[at - 1], b' ' | b'\t') {
                continue;
            }
            if lines.last().is_none_or(|(_, end, _)| at >= *end) {
                let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |end| end + 1);
                let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |end| at + end);
                lines.push((start, end, 0));
            }
            let line = lines.len() - 1;
            for pattern in &needles.prefixes[found.pattern().as_usize()] {
                let end = at + needles.lengths[*pattern];
                let longer = bytes.get(end).is_some_and(u8::is_ascii_alphanumeric);
                hits.push((line, at, *pattern, longer));
            }
        }
        if hits.is_empty() {
            continue;
        }
        // The title counts `TITLE_BOOST` times.
        let title = lines
            .first()
            .filter(|(start, _, _)| bytes[*start..].starts_with(b"#\t"))
            .map(|_| 0);
        let boost = |line: usize| {
            if title == Some(line) {
                TITLE_BOOST
            } else {
                1.0
            }
        };
        for places in &mut side {
            places.clear();
        }
        apart.clear();
        lines_said.clear();
        for (line, at, pattern, longer) in hits.iter().copied() {
            for used in &needles.uses[pattern] {
                match *used {
                    Use::Side {
                        concept,
                        alternative,
                        prefix,
                        weight,
                    } if prefix == longer => {
                        side[concept].push((line, at, alternative, weight));
                    }
                    Use::Apart {
                        concept,
                        alternative,
                        word,
                    } if !longer => {
                        apart.push((concept, alternative, line, word));
                    }
                    _ => {}
                }
            }
        }
        let mut tf: Vec<Vec<f64>> = needles
            .alternatives
            .iter()
            .map(|alternatives| vec![0.0; alternatives.len()])
            .collect();
        for (concept, places) in side.iter().enumerate() {
            // The best alternative at each place (in order already): a prefix and a whole
            // term may both match there.
            for same in places.chunk_by(|a, b| a.1 == b.1) {
                let best = same
                    .iter()
                    .max_by(|a, b| a.3.total_cmp(&b.3))
                    .expect("a chunk is never empty");
                let (line, _, alternative, weight) = *best;
                lines[line].2 |= 1 << concept;
                tf[concept][alternative] += weight * boost(line);
                lines_said.push((line, concept, alternative));
            }
        }
        // Words apart: every word in a line that no other alternative of the concept
        // says.
        apart.sort_unstable();
        apart.dedup();
        for group in apart.chunk_by(|a, b| (a.0, a.1, a.2) == (b.0, b.1, b.2)) {
            let (concept, alternative, line, _) = group[0];
            let (weight, words) = needles.alternatives[concept][alternative];
            if group.len() == words && lines[line].2 & (1 << concept) == 0 {
                lines[line].2 |= 1 << concept;
                tf[concept][alternative] += weight * boost(line);
                lines_said.push((line, concept, alternative));
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
        for (start, _, mask) in lines.iter().copied() {
            if mask == 0 {
                continue;
            }
            let marker_end =
                memchr::memchr(b'\t', &bytes[start..]).map_or(start, |end| start + end);
            found.items.push((&text[start..marker_end], mask));
            found.whole |= mask == every;
            said |= mask;
        }
        if said == 0 {
            continue;
        }
        lines_said.sort_unstable();
        lines_said.dedup();
        for (_, concept, alternative) in &lines_said {
            item_df[*concept][*alternative] += 1;
        }
        for (concept, tf) in tf.iter().enumerate() {
            for (alternative, tf) in tf.iter().enumerate() {
                incident_df[concept][alternative] += usize::from(*tf > 0.0);
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
    // Among equals, the later text first: the newer incident.
    found.sort_by(|a, b| best_first(a, b).then(b.incident.cmp(&a.incident)));
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
    let targets = [term, word];
    let shortest = term.len().min(word.len()).saturating_sub(1).max(4);
    let longest = term.len().max(word.len()) + 1;
    // One letter away keeps the first letter or the second in place, or swaps them.
    let may_be_near = |candidate: &[u8]| {
        targets.iter().any(|target| {
            let target = target.as_bytes();
            candidate[0] == target[0]
                || candidate[1] == target[1]
                || candidate[0] == target[1]
                || candidate[1] == target[0]
        })
    };
    let mut near: Vec<String> = Vec::new();
    for (text, _, _) in folded {
        let text = text.as_bytes();
        let mut start = 0;
        for end in 0..=text.len() {
            if end < text.len() && !matches!(text[end], b' ' | b'\t' | b'\n') {
                continue;
            }
            let bytes = &text[start..end];
            start = end + 1;
            // Markers (labels, `#`, `=`) are never lower case letters alone.
            if !(shortest..=longest).contains(&bytes.len())
                || !may_be_near(bytes)
                || !targets
                    .iter()
                    .any(|target| one_edit_apart(bytes, target.as_bytes()))
                || !bytes.iter().all(u8::is_ascii_lowercase)
                || near.iter().any(|known| known.as_bytes() == bytes)
            {
                continue;
            }
            near.push(String::from_utf8_lossy(bytes).into_owned());
        }
    }
    near
}

/// Whether one letter added, left out, changed, or two side by side swapped, turns `a`
/// into `b` (the optimal string alignment distance is 1), without a table: a text of
/// millions of terms is checked against a misspelt word in one pass.
fn one_edit_apart(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 || a == b {
        return false;
    }
    let first = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        // One letter changed, or two swapped.
        let rest = first + 1;
        short[rest..] == long[rest..]
            || (rest < short.len()
                && short[first] == long[rest]
                && short[rest] == long[first]
                && short[rest + 1..] == long[rest + 1..])
    } else {
        // One letter added.
        short[first..] == long[first + 1..]
    }
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
    fn one_edit_apart_is_the_optimal_string_alignment_distance_of_one() {
        for (a, b) in [
            ("certificate", "certifcate"),
            ("expired", "expried"),
            ("deploy", "deplot"),
            ("rollback", "rollbacks"),
            ("abc", "bac"),
        ] {
            assert!(one_edit_apart(a.as_bytes(), b.as_bytes()), "{a} {b}");
            assert_eq!(strsim::osa_distance(a, b), 1);
        }
        for (a, b) in [
            ("deploy", "deploy"),
            ("deploy", "delpoyed"),
            ("abcd", "badc"),
            ("ab", "abcd"),
        ] {
            assert!(!one_edit_apart(a.as_bytes(), b.as_bytes()), "{a} {b}");
            assert_ne!(strsim::osa_distance(a, b), 1);
        }
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
