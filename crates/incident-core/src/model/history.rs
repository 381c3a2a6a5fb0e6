//! Incidents as memory: the terms a text is searched by, BM25 ranking over them, which
//! past incidents resemble an open one, and the order statistics of durations. Pure: the
//! store keeps what this builds, commands hand it back, renderers show the results.
//!
//! Text is searched by its terms: runs of letters and digits, folded to lowercase ASCII
//! (`Café` is `cafe`, `支付` is `zhi fu`), a plural `s` dropped from words of four letters
//! or more (`errors` is `error`, `502s` is `502`). A query word matches a term it begins,
//! so `deploy` finds `deployed` and `cafe` finds `Cafés`.

use std::collections::BTreeSet;
use std::ops::Range;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::entry::CauseKind;
use super::label::{Kind, Label};
use super::state::State;
use super::{Incident, Status};

// ---------------------------------------------------------------------------------------
// Terms

/// Calls `emit` with each term of `text` and the bytes of `text` it came from. A character
/// that folds to several words (`支付` is `Zhi Fu`) gives a term for each.
pub fn for_each_term(text: &str, mut emit: impl FnMut(Range<usize>, &str)) {
    let mut term = String::new();
    let mut start = 0;
    let mut end = 0;
    let mut flush = |term: &mut String, start: usize, end: usize| {
        if !term.is_empty() {
            emit(start..end, stem(term));
            term.clear();
        }
    };
    let mut one = [0u8; 4];
    for (at, c) in text.char_indices() {
        let after = at + c.len_utf8();
        // Combining accents (`e` + U+0301) belong to the letter before them.
        if ('\u{300}'..='\u{36f}').contains(&c) {
            if !term.is_empty() {
                end = after;
            }
            continue;
        }
        let ascii = if c.is_ascii() {
            &*c.encode_utf8(&mut one)
        } else {
            // Unknown characters fold to nothing, and end the term.
            deunicode::deunicode_char(c).unwrap_or_default()
        };
        if ascii.is_empty() {
            flush(&mut term, start, end);
        }
        for folded in ascii.chars() {
            if folded.is_ascii_alphanumeric() {
                if term.is_empty() {
                    start = at;
                }
                term.push(folded.to_ascii_lowercase());
                end = after;
            } else {
                flush(&mut term, start, end);
            }
        }
    }
    flush(&mut term, start, end);
}

/// A plural's `s` dropped, so `errors` and `error` are one term: only from words of four
/// letters or more (`dns`, `4s` stay) and never from a double `s` (`pass`).
fn stem(term: &str) -> &str {
    if term.len() >= 4 && term.ends_with('s') && !term.ends_with("ss") {
        &term[..term.len() - 1]
    } else {
        term
    }
}

/// The terms of `text`, in order.
pub fn terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for_each_term(text, |_, term| terms.push(term.to_string()));
    terms
}

/// Words so common in symptoms that sharing them says nothing about two incidents.
const STOPWORDS: &[&str] = &[
    "a", "after", "all", "an", "and", "are", "as", "at", "be", "been", "before", "but", "by",
    "for", "from", "had", "has", "have", "in", "into", "is", "it", "its", "no", "not", "of", "on",
    "or", "since", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these",
    "they", "thi", "those", "to", "too", "up", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "will", "with",
];

fn is_stopword(term: &str) -> bool {
    STOPWORDS.binary_search(&term).is_ok()
}

// ---------------------------------------------------------------------------------------
// BM25

/// BM25's term-frequency saturation and length normalization, at their usual values.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// What BM25 needs of the whole collection: how many documents, and how many terms in all.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Collection {
    pub documents: usize,
    pub terms: usize,
}

impl Collection {
    /// How telling a term found in `df` of the documents is: rare terms weigh most.
    pub fn idf(&self, df: usize) -> f64 {
        let documents = self.documents as f64;
        let df = df as f64;
        (1.0 + (documents - df + 0.5) / (df + 0.5)).ln()
    }

    /// One query term's share of a document's score: `tf` occurrences in a document of
    /// `length` terms.
    pub fn weight(&self, idf: f64, tf: usize, length: usize) -> f64 {
        if tf == 0 {
            return 0.0;
        }
        let typical = if self.documents == 0 {
            1.0
        } else {
            (self.terms as f64 / self.documents as f64).max(1.0)
        };
        let tf = tf as f64;
        idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length as f64 / typical))
    }
}

// ---------------------------------------------------------------------------------------
// Search

/// The words of a search, as terms; every one must begin a term of a matching text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    terms: Vec<String>,
}

impl Query {
    /// `None` when the words hold no letter or digit at all.
    pub fn parse(words: &[String]) -> Option<Query> {
        let mut terms: Vec<String> = Vec::new();
        for word in words {
            for term in self::terms(word) {
                if !terms.contains(&term) {
                    terms.push(term);
                }
            }
        }
        // A term that begins another is implied by it: `pool pools` asks for one thing.
        let implied: Vec<bool> = terms
            .iter()
            .map(|term| {
                terms
                    .iter()
                    .any(|other| other != term && other.starts_with(term.as_str()))
            })
            .collect();
        let mut kept = implied.iter();
        terms.retain(|_| !kept.next().copied().unwrap_or(false));
        (!terms.is_empty()).then_some(Query { terms })
    }

    /// The query terms a text term matches (begins with).
    fn matching<'q>(&'q self, term: &'q str) -> impl Iterator<Item = usize> + 'q {
        self.terms
            .iter()
            .enumerate()
            .filter(move |(_, query)| term.starts_with(query.as_str()))
            .map(|(position, _)| position)
    }

    /// How often each query term occurs in `text`, and how many terms `text` has.
    pub fn counts(&self, text: &str) -> (Vec<usize>, usize) {
        let mut tf = vec![0; self.terms.len()];
        let mut length = 0;
        for_each_term(text, |_, term| {
            length += 1;
            for position in self.matching(term) {
                tf[position] += 1;
            }
        });
        (tf, length)
    }

    /// The bytes of `text` whose terms match, merged where they touch: what to highlight.
    pub fn spans(&self, text: &str) -> Vec<Range<usize>> {
        let mut spans: Vec<Range<usize>> = Vec::new();
        for_each_term(text, |span, term| {
            if self.matching(term).next().is_none() {
                return;
            }
            match spans.last_mut() {
                Some(last) if last.end >= span.start => last.end = last.end.max(span.end),
                _ => spans.push(span),
            }
        });
        spans
    }
}

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

impl Findings<'_> {
    /// The BM25 score of a text found, counted afresh from the text itself.
    pub fn score(&self, query: &Query, text: &str) -> f64 {
        let (tf, length) = query.counts(text);
        tf.iter()
            .zip(&self.df)
            .map(|(tf, df)| {
                self.collection
                    .weight(self.collection.idf(*df), *tf, length)
            })
            .sum()
    }
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

// ---------------------------------------------------------------------------------------
// Seen before

/// How much of an open incident's own weight a past one must share to be shown as seen
/// before: a fraction of the score the open incident's terms would give themselves.
pub const MIN_RESEMBLANCE: f64 = 0.25;
/// How many telling terms (not stopwords) a past incident must share with an open one.
pub const MIN_SHARED_TERMS: usize = 2;
/// How many past incidents the board shows.
pub const SEEN_BEFORE: usize = 3;
/// How many distinct terms of an incident's symptoms are kept to compare it by.
const MAX_MEMORY_TERMS: usize = 200;

/// What a closed incident is remembered by: the distinct telling terms of its title and
/// its symptoms that still count, and what it turned out to be.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    /// Sorted, distinct, space-separated.
    pub terms: String,
    /// The root cause recorded, else the confirmed hypotheses, in their current words.
    pub root_cause: Option<String>,
    pub resolution: Option<String>,
}

impl Memory {
    pub fn of(incident: &Incident, state: &State<'_>) -> Memory {
        let root_cause = match state.root_cause_entry() {
            Some(cause) => Some(state.text(cause).to_string()),
            None => {
                let confirmed: Vec<&str> = state
                    .confirmed()
                    .into_iter()
                    .map(|hypothesis| state.text(hypothesis))
                    .collect();
                (!confirmed.is_empty()).then(|| confirmed.join("; "))
            }
        };
        let terms: Vec<String> = symptom_terms(state).into_iter().collect();
        Memory {
            terms: terms.join(" "),
            root_cause,
            resolution: incident.resolution().map(str::to_string),
        }
    }
}

/// The distinct telling terms of an incident's current title and live symptoms.
fn symptom_terms(state: &State<'_>) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    let texts = std::iter::once(state.title())
        .chain(state.live(Kind::Symptom).map(|symptom| state.text(symptom)));
    for text in texts {
        for_each_term(text, |_, term| {
            if terms.len() < MAX_MEMORY_TERMS && !is_stopword(term) {
                terms.insert(term.to_string());
            }
        });
    }
    terms
}

/// A past incident as `seen_before` shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeenBefore<'a> {
    pub incident: &'a str,
    pub title: &'a str,
    pub root_cause: Option<&'a str>,
    pub resolution: Option<&'a str>,
    pub opened_at: DateTime<Utc>,
    pub closed_at: DateTime<Utc>,
    /// The share of the incident's own weight this one matches, 0 to 1.
    pub resemblance: f64,
}

/// A closed incident that could have been seen before.
pub struct Past<'a> {
    pub incident: &'a str,
    pub title: &'a str,
    pub opened_at: DateTime<Utc>,
    pub closed_at: DateTime<Utc>,
    pub memory: &'a Memory,
}

/// Up to three past incidents whose symptoms resemble `incident`'s, most alike first:
/// closed incidents other than itself (for a closed incident, those closed before it),
/// ranked by BM25 over their remembered terms with the incident's own as the query, and
/// shown only when they share enough of it (`MIN_RESEMBLANCE`, `MIN_SHARED_TERMS`).
pub fn seen_before<'a>(incident: &Incident, past: Vec<Past<'a>>) -> Vec<SeenBefore<'a>> {
    let state = incident.state();
    let query = symptom_terms(&state);
    let closed_at = incident.closed_at();
    let past: Vec<(Past<'a>, Vec<&str>)> = past
        .into_iter()
        .filter(|past| past.incident != incident.id)
        .filter(|past| closed_at.is_none_or(|closed_at| past.closed_at < closed_at))
        .map(|past| {
            let terms = past.memory.terms.split(' ').filter(|term| !term.is_empty());
            let terms = terms.collect();
            (past, terms)
        })
        .collect();
    if query.is_empty() || past.is_empty() {
        return Vec::new();
    }
    let collection = Collection {
        documents: past.len(),
        terms: past.iter().map(|(_, terms)| terms.len()).sum(),
    };
    let idf = |term: &str| {
        let df = past
            .iter()
            .filter(|(_, terms)| terms.binary_search(&term).is_ok())
            .count();
        collection.idf(df)
    };
    let weights: Vec<(&String, f64)> = query.iter().map(|term| (term, idf(term))).collect();
    let whole: f64 = weights
        .iter()
        .map(|(_, idf)| collection.weight(*idf, 1, query.len()))
        .sum();
    let needed = MIN_SHARED_TERMS.min(query.len());
    let mut alike: Vec<SeenBefore<'a>> = past
        .into_iter()
        .filter_map(|(past, terms)| {
            let shared: Vec<f64> = weights
                .iter()
                .filter(|(term, _)| terms.binary_search(&term.as_str()).is_ok())
                .map(|(_, idf)| collection.weight(*idf, 1, terms.len()))
                .collect();
            let resemblance = shared.iter().sum::<f64>() / whole;
            (shared.len() >= needed && resemblance >= MIN_RESEMBLANCE).then(|| SeenBefore {
                incident: past.incident,
                title: past.title,
                root_cause: past.memory.root_cause.as_deref(),
                resolution: past.memory.resolution.as_deref(),
                opened_at: past.opened_at,
                closed_at: past.closed_at,
                resemblance: (resemblance.min(1.0) * 100.0).round() / 100.0,
            })
        })
        .collect();
    alike.sort_by(|a, b| {
        b.resemblance
            .total_cmp(&a.resemblance)
            .then(b.closed_at.cmp(&a.closed_at))
    });
    alike.truncate(SEEN_BEFORE);
    alike
}

// ---------------------------------------------------------------------------------------
// Statistics

/// What `stats` needs of one incident, from the model's own metrics and state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Detect, identify, mitigate and resolve, in whole seconds (`Measure::ALL` order).
    pub durations: [Option<i64>; 4],
    pub hypotheses: usize,
    pub tests: usize,
    pub root_cause_recorded: bool,
}

impl Facts {
    pub fn of(state: &State<'_>) -> Facts {
        let metrics = state.metrics();
        let seconds = |span: Option<super::Span>| span.map(|span| span.seconds);
        Facts {
            durations: [
                seconds(metrics.time_to_detect),
                seconds(metrics.time_to_identify),
                seconds(metrics.time_to_mitigate),
                seconds(metrics.time_to_resolve),
            ],
            hypotheses: state.live(Kind::Hypothesis).count(),
            tests: state.live(Kind::Test).count(),
            root_cause_recorded: !state.causes(CauseKind::Root).is_empty()
                || state.root_cause().is_some(),
        }
    }
}

/// The durations `stats` reports, in the order of `Facts::durations`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    Detect,
    Identify,
    Mitigate,
    Resolve,
}

impl Measure {
    pub const ALL: [Measure; 4] = [
        Measure::Detect,
        Measure::Identify,
        Measure::Mitigate,
        Measure::Resolve,
    ];

    /// The metric's name in the JSON of reports and of statistics.
    pub fn key(self) -> &'static str {
        match self {
            Measure::Detect => "time_to_detect",
            Measure::Identify => "time_to_identify",
            Measure::Mitigate => "time_to_mitigate",
            Measure::Resolve => "time_to_resolve",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Measure::Detect => "time to detect",
            Measure::Identify => "time to identify",
            Measure::Mitigate => "time to mitigate",
            Measure::Resolve => "time to resolve",
        }
    }
}

/// Below this many values, a median and a p90 are too few to go by.
pub const FEW: usize = 5;

/// A distribution told by its order statistics only: durations are skewed, and one long
/// night would drag any sum-based summary far from a typical incident.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Distribution {
    pub median: Option<i64>,
    pub p90: Option<i64>,
    pub n: usize,
    /// The values, ascending, for charts.
    #[serde(skip)]
    pub values: Vec<i64>,
}

impl Distribution {
    pub fn of(mut values: Vec<i64>) -> Distribution {
        values.sort_unstable();
        Distribution {
            median: nearest_rank(&values, 50),
            p90: nearest_rank(&values, 90),
            n: values.len(),
            values,
        }
    }

    pub fn too_few(&self) -> bool {
        self.n < FEW
    }
}

/// The `percent`th percentile by nearest rank: the value at rank ⌈percent × n / 100⌉
/// (from 1) of the values in ascending order. Always one of the values, never a blend
/// of two; for an even count the median is the lower of the middle two.
pub fn nearest_rank(sorted: &[i64], percent: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// One incident as `stats` counts it.
pub struct Counted<'a> {
    pub opened_at: DateTime<Utc>,
    pub status: Status,
    pub peak_severity: Option<u8>,
    pub facts: &'a Facts,
}

/// The figures of `stats`, over the incidents given.
#[derive(Debug, Default)]
pub struct Stats {
    pub incidents: usize,
    pub closed: usize,
    /// By the most severe severity each reached (`None`: never set).
    pub by_severity: Vec<(Option<u8>, usize)>,
    /// By the UTC month each was opened in, `YYYY-MM`, in order.
    pub by_month: Vec<(String, usize)>,
    /// Over the closed incidents that have each, in `Measure::ALL` order.
    pub durations: Vec<(Measure, Distribution)>,
    pub hypotheses: Distribution,
    pub tests: Distribution,
    /// Closed incidents with a root cause recorded.
    pub root_cause_recorded: usize,
}

impl Stats {
    pub fn of(incidents: &[Counted<'_>]) -> Stats {
        let mut by_severity = std::collections::BTreeMap::new();
        let mut by_month = std::collections::BTreeMap::new();
        for incident in incidents {
            // Unset sorts last: 1 to 5, then none.
            let severity = incident.peak_severity.unwrap_or(u8::MAX);
            *by_severity.entry(severity).or_insert(0) += 1;
            let month = incident.opened_at.format("%Y-%m").to_string();
            *by_month.entry(month).or_insert(0) += 1;
        }
        let closed: Vec<&Counted> = incidents
            .iter()
            .filter(|incident| incident.status == Status::Closed)
            .collect();
        let durations = Measure::ALL
            .iter()
            .enumerate()
            .map(|(position, measure)| {
                let values = closed
                    .iter()
                    .filter_map(|incident| incident.facts.durations[position])
                    .collect();
                (*measure, Distribution::of(values))
            })
            .collect();
        let per_incident = |count: fn(&Facts) -> usize| {
            Distribution::of(
                incidents
                    .iter()
                    .map(|incident| count(incident.facts) as i64)
                    .collect(),
            )
        };
        Stats {
            incidents: incidents.len(),
            closed: closed.len(),
            by_severity: by_severity
                .into_iter()
                .map(|(severity, count)| ((severity != u8::MAX).then_some(severity), count))
                .collect(),
            by_month: by_month.into_iter().collect(),
            durations,
            hypotheses: per_incident(|facts| facts.hypotheses),
            tests: per_incident(|facts| facts.tests),
            root_cause_recorded: closed
                .iter()
                .filter(|incident| incident.facts.root_cause_recorded)
                .count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(words: &str) -> Query {
        let words: Vec<String> = words.split(' ').map(str::to_string).collect();
        Query::parse(&words).expect("a query")
    }

    #[test]
    fn terms_fold_case_accents_and_plurals() {
        assert_eq!(
            terms("Café CRÈME, déjà-vu"),
            ["cafe", "creme", "deja", "vu"]
        );
        assert_eq!(
            terms("502s on db-1: errors, 4s"),
            ["502", "on", "db", "1", "error", "4s"]
        );
        assert_eq!(terms("Cafe\u{301} pass dns"), ["cafe", "pass", "dns"]);
        assert_eq!(terms("支付 失败"), ["zhi", "fu", "shi", "bai"]);
        assert_eq!(terms("--- %"), Vec::<String>::new());
    }

    #[test]
    fn spans_point_at_the_original_text() {
        let text = "Le café était FERMÉ; cafés fermés";
        let spans = query("cafe").spans(text);
        let found: Vec<&str> = spans.iter().map(|span| &text[span.clone()]).collect();
        assert_eq!(found, ["café", "cafés"]);
        let spans = query("ferme cafe").spans(text);
        let found: Vec<&str> = spans.iter().map(|span| &text[span.clone()]).collect();
        assert_eq!(found, ["café", "FERMÉ", "cafés", "fermés"]);
        let spans = query("ferme").spans("FERMÉ-FERMÉS");
        assert_eq!(spans, [0..6, 7..14]);
    }

    #[test]
    fn a_query_word_matches_the_terms_it_begins() {
        let q = query("Deploy 502");
        assert_eq!(
            q.counts("deployed v2; 502s after the deploy"),
            (vec![2, 1], 6)
        );
        assert_eq!(q.counts("redeploy 1502"), (vec![0, 0], 2));
        assert_eq!(query("pool pools"), query("pool"));
        assert!(Query::parse(&["--".to_string(), "%".to_string()]).is_none());
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

    #[test]
    fn bm25_prefers_rare_terms_and_short_texts() {
        let collection = Collection {
            documents: 100,
            terms: 1000,
        };
        assert!(collection.idf(1) > collection.idf(50));
        let short = collection.weight(collection.idf(5), 1, 3);
        let long = collection.weight(collection.idf(5), 1, 30);
        assert!(short > long);
        assert!(collection.weight(1.0, 3, 10) > collection.weight(1.0, 1, 10));
        assert_eq!(collection.weight(1.0, 0, 10), 0.0);
    }

    #[test]
    fn nearest_rank_percentiles_are_values_of_the_data() {
        let values = [60, 120, 300, 600, 3600];
        assert_eq!(nearest_rank(&values, 50), Some(300));
        assert_eq!(nearest_rank(&values, 90), Some(3600));
        let even = [10, 20, 30, 40];
        assert_eq!(nearest_rank(&even, 50), Some(20));
        assert_eq!(nearest_rank(&even, 90), Some(40));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(&ten, 90), Some(9));
        assert_eq!(nearest_rank(&[7], 50), Some(7));
        assert_eq!(nearest_rank(&[], 50), None);
        let distribution = Distribution::of(vec![5, 1, 3]);
        assert_eq!(
            (distribution.median, distribution.p90, distribution.n),
            (Some(3), Some(5), 3)
        );
        assert!(distribution.too_few());
    }

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|pair| pair[0] < pair[1]));
        // Stopwords are compared as terms, plural `s` dropped (`this` is `thi`).
        assert!(STOPWORDS.iter().all(|word| stem(word) == *word));
    }
}
