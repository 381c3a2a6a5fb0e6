//! What the store's search index holds of each incident: its searchable texts cut into
//! terms, one line per text, and the search of the index for a query. The index's
//! bytes are `postings.rs`'s; how it is kept on disk is the store's (`store/index.rs`).

use std::collections::HashMap;
use std::rc::Rc;

use chrono::{DateTime, Utc};

use super::bm25::Collection;
use super::postings::{Builder, Index, Posting};
use super::query::{Concept, How, Query};
use super::terms::for_each_term;
use crate::model::{Incident, Kind, Label, State};

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

/// Adds an incident's searchable texts to an index being built, with what the store
/// knows its document by.
pub fn add_incident(builder: &mut Builder, incident: &Incident, stamp: &[u8]) {
    let state = incident.state();
    let items = searchable(incident, &state);
    builder.add(
        &incident.id,
        stamp,
        items.iter().map(|item| (item.marker.as_str(), item.text)),
        terms_of,
    );
}

/// Cuts a text into the terms it is searched by, for the index's builder.
pub fn terms_of(text: &str, emit: &mut dyn FnMut(&str)) {
    for_each_term(text, |_, term| emit(term));
}

/// An incident that says at least one word of the query.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// Which of the index's incidents.
    pub incident: usize,
    /// The lines (items with a term) that say a word, each with a bit for each concept
    /// it says.
    pub items: Vec<(u32, u64)>,
    /// Whether one item says every word.
    pub whole: bool,
    /// How many of the query's concepts the incident says, in any of its items.
    pub covered: u32,
    /// BM25 of the incident as one text (its title counting `TITLE_BOOST` times).
    pub score: f64,
}

/// The order of what a search found: a text with an item saying every word first, then
/// by how many words it says, then by score; equals are left for the caller to order.
pub fn best_first(a: &Found, b: &Found) -> std::cmp::Ordering {
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
pub struct Findings {
    pub found: Vec<Found>,
    pub query: Query,
    /// By concept, then by alternative.
    pub item_df: Vec<Vec<usize>>,
    pub items: Collection,
}

impl Findings {
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

/// Searches an index for each word of `query`. A word of five letters or more that no
/// text says is looked for again by the terms one letter away from it. `None` when a
/// part of the index the search needs is damaged.
pub fn search(index: &Index, query: &Query) -> Option<Findings> {
    let mut query = query.clone();
    let mut read = Read::new(index);
    let mut findings = scan(&mut read, &query)?;
    let mut widened = false;
    for (position, concept) in query.concepts.iter_mut().enumerate() {
        let nothing = findings.item_df[position].iter().all(|df| *df == 0);
        if let (true, Some((term, word))) = (nothing, &concept.misspelt) {
            let near = misspellings(&mut read, term, word)?;
            widened |= !near.is_empty();
            concept.add_misspellings(near);
        }
    }
    if widened {
        findings = scan(&mut read, &query)?;
    }
    Some(Findings { query, ..findings })
}

/// The postings of an index a search has read, each read once.
struct Read<'i> {
    index: &'i Index,
    postings: HashMap<u32, Rc<Vec<Posting>>>,
}

impl<'i> Read<'i> {
    fn new(index: &'i Index) -> Read<'i> {
        Read {
            index,
            postings: HashMap::new(),
        }
    }

    fn term(&mut self, term: u32) -> Option<Rc<Vec<Posting>>> {
        if let Some(known) = self.postings.get(&term) {
            return Some(known.clone());
        }
        let read = Rc::new(self.index.postings(term)?);
        self.postings.insert(term, read.clone());
        Some(read)
    }

    /// Where a term is said; nowhere for a term no incident says.
    fn named(&mut self, name: &str) -> Option<Rc<Vec<Posting>>> {
        match self.index.term(name) {
            Some(term) => self.term(term),
            None => Some(Rc::default()),
        }
    }

    /// Where terms are said side by side: the places of the first.
    fn sequence(&mut self, terms: &[String]) -> Option<Vec<Posting>> {
        let mut places: Vec<Posting> = self.named(&terms[0])?.as_ref().clone();
        for (offset, term) in terms.iter().enumerate().skip(1) {
            let next = self.named(term)?;
            let mut at = 0;
            places.retain(|(incident, line, place)| {
                let wanted = (*incident, *line, place + offset as u32);
                while at < next.len() && next[at] < wanted {
                    at += 1;
                }
                next.get(at) == Some(&wanted)
            });
        }
        Some(places)
    }

    /// Where a longer term that `prefix` begins is said.
    fn longer(&mut self, prefix: &str) -> Option<Vec<Posting>> {
        let mut places = Vec::new();
        for term in self.index.longer(prefix) {
            places.extend_from_slice(&self.term(term)?);
        }
        places.sort_unstable();
        Some(places)
    }

    /// The lines (incident, line) that say every one of `terms`.
    fn lines(&mut self, terms: &[String]) -> Option<Vec<(u32, u32)>> {
        let mut lines: Option<Vec<(u32, u32)>> = None;
        for term in terms {
            let mut own: Vec<(u32, u32)> = self
                .named(term)?
                .iter()
                .map(|(incident, line, _)| (*incident, *line))
                .collect();
            own.dedup();
            lines = Some(match lines {
                None => own,
                Some(mut known) => {
                    known.retain(|line| own.binary_search(line).is_ok());
                    known
                }
            });
        }
        Some(lines.unwrap_or_default())
    }
}

/// A place where a concept's alternative said side by side matches: the incident, line
/// and place; the order the alternatives are weighed in at one place (the later wins a
/// tie); the alternative and its weight.
type Side = (u32, u32, u32, (usize, usize), usize, f64);

/// The order, at one place, of each alternative said side by side: its needle's first
/// appearance among all the query's needles (an alternative's terms joined, or one word of
/// an alternative said apart), then its own among the needle's uses.
fn side_order(query: &Query) -> Vec<Vec<(usize, usize)>> {
    let mut needles: Vec<(String, usize)> = Vec::new();
    let mut add = |needle: String| match needles.iter_mut().position(|(n, _)| *n == needle) {
        Some(known) => {
            needles[known].1 += 1;
            (known, needles[known].1 - 1)
        }
        None => {
            needles.push((needle, 1));
            (needles.len() - 1, 0)
        }
    };
    query
        .concepts
        .iter()
        .map(|concept| {
            concept
                .alternatives
                .iter()
                .map(|said| {
                    if said.how == How::Apart {
                        for term in &said.terms {
                            add(term.clone());
                        }
                        (usize::MAX, usize::MAX)
                    } else {
                        add(said.terms.join(" "))
                    }
                })
                .collect()
        })
        .collect()
}

/// The incidents that say a word of the query, ranked; how many items say each
/// alternative of each concept, and the collection of items.
fn scan(read: &mut Read<'_>, query: &Query) -> Option<Findings> {
    let index = read.index;
    let concepts = query.concepts.len();
    let every: u64 = if concepts == 64 {
        u64::MAX
    } else {
        (1 << concepts) - 1
    };
    let order = side_order(query);
    // Per concept: the places its alternatives said side by side match, in order, and
    // the lines that say every word of an alternative said apart (incident, alternative,
    // line), in order.
    let mut sides: Vec<Vec<Side>> = Vec::with_capacity(concepts);
    let mut aparts: Vec<Vec<(u32, usize, u32)>> = Vec::with_capacity(concepts);
    for (concept, own) in query.concepts.iter().enumerate() {
        let mut side: Vec<Side> = Vec::new();
        let mut apart: Vec<(u32, usize, u32)> = Vec::new();
        let mut runs = 0;
        for (alternative, said) in own.alternatives.iter().enumerate() {
            let weight = said.how.weight();
            let key = order[concept][alternative];
            let places = match said.how {
                How::Apart => {
                    for (incident, line) in read.lines(&said.terms)? {
                        apart.push((incident, alternative, line));
                    }
                    continue;
                }
                How::Prefix => read.longer(&said.terms[0])?,
                _ => read.sequence(&said.terms)?,
            };
            runs += usize::from(!places.is_empty());
            side.extend(
                places.into_iter().map(|(incident, line, place)| {
                    (incident, line, place, key, alternative, weight)
                }),
            );
        }
        if runs > 1 {
            side.sort_unstable_by_key(|(incident, line, place, key, _, _)| {
                (*incident, *line, *place, *key)
            });
        }
        apart.sort_unstable();
        sides.push(side);
        aparts.push(apart);
    }
    let mut items = Collection::default();
    let mut incidents = Collection::default();
    for incident in 0..index.len() {
        let (lines, terms, _) = index.shape(incident);
        items.documents += lines;
        items.terms += terms;
        incidents.documents += 1;
        incidents.terms += terms;
    }
    let zero: Vec<Vec<usize>> = query
        .concepts
        .iter()
        .map(|concept| vec![0; concept.alternatives.len()])
        .collect();
    let mut item_df = zero.clone();
    let mut incident_df = zero;
    let mut scanned: Vec<(Found, Vec<Vec<f64>>, usize)> = Vec::new();
    // Where each concept's places and lines of the next incident begin.
    let mut side_at = vec![0; concepts];
    let mut apart_at = vec![0; concepts];
    // The lines of an incident that say a concept, and the alternatives of a concept
    // said in one line.
    let mut lines: Vec<(u32, u64)> = Vec::new();
    let mut line_said: Vec<usize> = Vec::new();
    loop {
        let next = (0..concepts)
            .filter_map(|concept| {
                let side = sides[concept].get(side_at[concept]).map(|s| s.0);
                let apart = aparts[concept].get(apart_at[concept]).map(|a| a.0);
                side.into_iter().chain(apart).min()
            })
            .min();
        let Some(incident) = next else {
            break;
        };
        let (_, length, title) = index.shape(incident as usize);
        let boost = |line: u32| {
            if title && line == 0 { TITLE_BOOST } else { 1.0 }
        };
        lines.clear();
        let mut tf: Vec<Vec<f64>> = query
            .concepts
            .iter()
            .map(|concept| vec![0.0; concept.alternatives.len()])
            .collect();
        for concept in 0..concepts {
            let side = &sides[concept];
            let start = side_at[concept];
            let mut end = start;
            while end < side.len() && side[end].0 == incident {
                end += 1;
            }
            side_at[concept] = end;
            // The best alternative at each place (the later of equals, as they are
            // weighed in order). Every incident here says a word: each line that says an
            // alternative counts once in its item frequency.
            line_said.clear();
            for same in side[start..end].chunk_by(|a, b| (a.1, a.2) == (b.1, b.2)) {
                let best = same
                    .iter()
                    .max_by(|a, b| a.5.total_cmp(&b.5))
                    .expect("a chunk is never empty");
                let (_, line, _, _, alternative, weight) = *best;
                match lines.last_mut() {
                    Some((last, mask)) if *last == line => *mask |= 1 << concept,
                    _ => {
                        lines.push((line, 1 << concept));
                        line_said.clear();
                    }
                }
                tf[concept][alternative] += weight * boost(line);
                if !line_said.contains(&alternative) {
                    line_said.push(alternative);
                    item_df[concept][alternative] += 1;
                }
            }
        }
        // Concepts were taken one after the other: their lines in order, merged.
        lines.sort_by_key(|(line, _)| *line);
        lines.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 |= later.1;
            }
            same
        });
        // Words apart: every word in a line that no other alternative of the concept
        // says.
        for concept in 0..concepts {
            let apart = &aparts[concept];
            while let Some((_, alternative, line)) = apart
                .get(apart_at[concept])
                .filter(|(said_in, _, _)| *said_in == incident)
                .copied()
            {
                apart_at[concept] += 1;
                let weight = query.concepts[concept].alternatives[alternative]
                    .how
                    .weight();
                let at = match lines.binary_search_by_key(&line, |(line, _)| *line) {
                    Ok(at) => at,
                    Err(at) => {
                        lines.insert(at, (line, 0));
                        at
                    }
                };
                // Never a line that an alternative side by side says: one count each.
                if lines[at].1 & (1 << concept) == 0 {
                    lines[at].1 |= 1 << concept;
                    tf[concept][alternative] += weight * boost(line);
                    item_df[concept][alternative] += 1;
                }
            }
        }
        let mut found = Found {
            incident: incident as usize,
            items: Vec::new(),
            whole: false,
            covered: 0,
            score: 0.0,
        };
        let mut said = 0u64;
        for (line, mask) in lines.iter().copied() {
            if mask == 0 {
                continue;
            }
            found.items.push((line, mask));
            found.whole |= mask == every;
            said |= mask;
        }
        debug_assert!(said != 0, "an incident here says a place or a line");
        for (concept, tf) in tf.iter().enumerate() {
            for (alternative, tf) in tf.iter().enumerate() {
                incident_df[concept][alternative] += usize::from(*tf > 0.0);
            }
        }
        found.covered = said.count_ones();
        scanned.push((found, tf, length));
    }
    let idf: Vec<Vec<f64>> = incident_df
        .iter()
        .map(|df| df.iter().map(|df| incidents.idf(*df)).collect())
        .collect();
    let mut found: Vec<Found> = scanned
        .into_iter()
        .map(|(mut found, tf, length)| {
            found.score = score(&incidents, &idf, &tf, length);
            found
        })
        .collect();
    // Among equals, the later incident first: the newer one (a total order).
    found.sort_unstable_by(|a, b| best_first(a, b).then(b.incident.cmp(&a.incident)));
    Some(Findings {
        found,
        query: Query {
            concepts: Vec::new(),
        },
        item_df,
        items,
    })
}

/// The terms of the index one letter (added, left out, changed, or two swapped) away
/// from a word's term or from the word as typed, of four letters or more, in the order
/// the incidents first say them.
fn misspellings(read: &mut Read<'_>, term: &str, word: &str) -> Option<Vec<String>> {
    let index = read.index;
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
    let mut near: Vec<(Posting, String)> = Vec::new();
    for number in 0..index.term_count() as u32 {
        let name = index.name(number)?;
        let bytes = name.as_bytes();
        if !(shortest..=longest).contains(&bytes.len())
            || !may_be_near(bytes)
            || !targets
                .iter()
                .any(|target| one_edit_apart(bytes, target.as_bytes()))
            || !bytes.iter().all(u8::is_ascii_lowercase)
        {
            continue;
        }
        let first = *read.term(number)?.first()?;
        near.push((first, name.to_string()));
    }
    near.sort_unstable();
    Some(near.into_iter().map(|(_, name)| name).collect())
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

    fn index(incidents: &[&[(&str, &str)]]) -> Index {
        let mut builder = Builder::new();
        for (number, items) in incidents.iter().enumerate() {
            builder.add(&number.to_string(), b"", items.iter().copied(), terms_of);
        }
        Index::built(builder)
    }

    #[test]
    fn search_ranks_incidents_saying_every_word_first_then_those_saying_most() {
        let texts = index(&[
            &[
                ("#", "Checkout returns 502s"),
                ("S1", "502 on checkout since 02:41"),
                ("H1", "DB pool exhausted"),
            ],
            &[("#", "Payments slow"), ("S1", "checkout slow")],
            &[
                ("#", "Gateway errors"),
                ("S1", "checkout page"),
                ("S2", "HTTP 503"),
            ],
        ]);
        let findings = search(&texts, &query("checkout 502")).unwrap();
        let order: Vec<(usize, bool, u32)> = findings
            .found
            .iter()
            .map(|found| (found.incident, found.whole, found.covered))
            .collect();
        // The third says both (503 is a 5xx) but in two items; the second says one.
        assert_eq!(order, [(0, true, 2), (2, false, 2), (1, false, 1)]);
        assert_eq!(findings.found[0].items, [(0, 0b11), (1, 0b11)]);
        let item_df: Vec<usize> = findings.item_df.iter().map(|df| df.iter().sum()).collect();
        assert_eq!(item_df, [4, 3]);
        // Eight items of 12, 4 and 6 terms.
        assert_eq!(
            findings.items,
            Collection {
                documents: 8,
                terms: 22
            }
        );
        // The marker is never matched: labels are upper case, terms lower.
        assert!(search(&texts, &query("s1")).unwrap().found.is_empty());
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
        let texts = index(&[&[("#", "Certificate expired"), ("S1", "TLS handshake fails")]]);
        let findings = search(&texts, &query("certifcate")).unwrap();
        assert_eq!(findings.found.len(), 1);
        let misspelt: Vec<&str> = findings.misspelt().map(|(_, c)| c.word.as_str()).collect();
        assert_eq!(misspelt, ["certifcate"]);
        // A word that something says is never widened.
        let findings = search(&texts, &query("handshake")).unwrap();
        assert_eq!(findings.misspelt().count(), 0);
        // Nor one of fewer than five letters.
        assert!(search(&texts, &query("tlss")).unwrap().found.is_empty());
    }
}
