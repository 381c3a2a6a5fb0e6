//! Seen before: which closed incidents resemble an open one. Each past incident is
//! remembered by the terms of its whole record (title, symptoms, hypotheses, causes and
//! resolution: a postmortem's words are in its causes and resolution), each weighed by
//! where it stands. The open incident's own words, as concepts with their synonyms, are
//! the query; BM25 scores each past incident, and the score is read in units of one rare
//! word shared, so it never shrinks as the open incident says more: recording more
//! symptoms can add a resemblance, never hide one.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::bm25::Collection;
use super::query::{Concept, How, Purpose, concepts};
use super::synonyms::Synonyms;
use super::terms::{for_each_term, is_stopword};
use crate::model::{Body, CauseKind, HypothesisStatus, Incident, Kind, Label, State};

/// How alike a past incident must be to be shown: the weight of about one and a half rare
/// words said once at typical length. Calibrated on the synthetic history of this file's
/// tests: every pair of the same kind of failure above it from the title and the first
/// symptom on, no pair of different kinds.
pub const MIN_RESEMBLANCE: f64 = 1.5;
/// How many of the open incident's concepts a past incident must share (one, when the
/// open incident has only one).
pub const MIN_SHARED: usize = 2;
/// How many past incidents the board shows.
pub const SEEN_BEFORE: usize = 3;
/// How many distinct terms of a past incident are kept to compare it by: the weightiest.
const MAX_MEMORY_TERMS: usize = 300;
/// How many of the hypotheses tried in a past incident are shown.
const MAX_TRIED: usize = 6;

/// Where a word stands in a past incident, in half units: a word of the title counts
/// twice as much as one of a symptom, a root cause's or trigger's one and a half times,
/// a hypothesis ruled out or never settled half.
fn weight(kind: Kind, state: &State<'_>, entry: Option<&crate::model::Entry>) -> u32 {
    match (kind, entry.map(|entry| &entry.body)) {
        (Kind::Retitle, _) => 4,
        (Kind::Hypothesis, Some(_)) => {
            let confirmed =
                entry.is_some_and(|entry| state.status(entry.id) == HypothesisStatus::Confirmed);
            if confirmed { 2 } else { 1 }
        }
        (Kind::Cause, Some(Body::Cause { cause, .. })) => match cause {
            CauseKind::Root | CauseKind::Trigger => 3,
            CauseKind::Contributing => 2,
        },
        _ => 2,
    }
}

/// What a closed incident is remembered by: the telling terms of its whole record, each
/// with its weight.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    /// `term:weight` pairs sorted by term, separated by spaces; weights in half units. A
    /// phrase of the built-in synonyms table is kept whole, its terms joined by `_`.
    pub terms: String,
    /// The sum of every term's weight: the incident's length, as BM25 sees it.
    pub length: u32,
}

impl Memory {
    pub fn of(incident: &Incident, state: &State<'_>) -> Memory {
        let mut weights: BTreeMap<String, u32> = BTreeMap::new();
        let mut length = 0;
        let mut add = |text: &str, weight: u32| {
            let mut terms: Vec<String> = Vec::new();
            for_each_term(text, |_, term| terms.push(term.to_string()));
            let built_in = Synonyms::built_in_table();
            let refs: Vec<&str> = terms.iter().map(String::as_str).collect();
            let mut at = 0;
            while at < terms.len() {
                if let Some((phrase, _)) = built_in
                    .phrase_at(&refs[at..])
                    .filter(|(phrase, _)| *phrase > 1)
                {
                    *weights.entry(terms[at..at + phrase].join("_")).or_default() += weight;
                }
                let term = &terms[at];
                at += 1;
                if remembered(term) {
                    *weights.entry(term.clone()).or_default() += weight;
                    length += weight;
                }
            }
        };
        add(state.title(), weight(Kind::Retitle, state, None));
        for kind in [Kind::Symptom, Kind::Hypothesis, Kind::Cause] {
            for entry in state.live(kind) {
                add(state.text(entry), weight(kind, state, Some(entry)));
            }
        }
        if let Some(resolution) = incident.resolution() {
            add(resolution, 2);
        }
        let mut kept: Vec<(String, u32)> = weights.into_iter().collect();
        if kept.len() > MAX_MEMORY_TERMS {
            kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            kept.truncate(MAX_MEMORY_TERMS);
            kept.sort();
        }
        let terms: Vec<String> = kept
            .iter()
            .map(|(term, weight)| format!("{term}:{weight}"))
            .collect();
        Memory {
            terms: terms.join(" "),
            length,
        }
    }

    /// The terms and their weights, sorted by term; anything malformed is skipped.
    fn weights(&self) -> Vec<(&str, u32)> {
        self.terms
            .split(' ')
            .filter_map(|pair| {
                let (term, weight) = pair.rsplit_once(':')?;
                Some((term, weight.parse().ok()?))
            })
            .collect()
    }
}

/// Whether a term tells something about an incident: no stopword, no lone letter, no
/// number of one or two digits (a time, a date).
fn remembered(term: &str) -> bool {
    term.len() >= 2
        && !is_stopword(term)
        && !(term.len() < 3 && term.bytes().all(|b| b.is_ascii_digit()))
}

/// A closed incident that could have been seen before.
pub struct Past<'a> {
    pub incident: &'a str,
    pub title: &'a str,
    pub opened_at: DateTime<Utc>,
    pub closed_at: DateTime<Utc>,
    pub memory: &'a Memory,
}

/// A past incident that resembles this one.
#[derive(Clone, Debug, PartialEq)]
pub struct Resembling<'a> {
    pub incident: &'a str,
    /// In units of one rare word said once at typical length (`MIN_RESEMBLANCE`).
    pub resemblance: f64,
    /// This incident's words that the past one says too (or a synonym of them), the most
    /// telling first.
    pub shared: Vec<String>,
}

/// What "seen before" found: how many closed incidents it compared, and those that
/// resemble this one, most alike first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resemblances<'a> {
    pub compared: usize,
    pub alike: Vec<Resembling<'a>>,
}

/// The concepts an incident is compared by: those of its title, symptoms, hypotheses
/// not ruled out, causes and resolution, each once.
fn own_concepts(incident: &Incident, state: &State<'_>, synonyms: &Synonyms) -> Vec<Concept> {
    let mut texts = vec![state.title()];
    for kind in [Kind::Symptom, Kind::Hypothesis, Kind::Cause] {
        texts.extend(
            state
                .live(kind)
                .filter(|entry| {
                    kind != Kind::Hypothesis || state.status(entry.id) != HypothesisStatus::RuledOut
                })
                .map(|entry| state.text(entry)),
        );
    }
    texts.extend(incident.resolution());
    let mut all: Vec<Concept> = Vec::new();
    for text in texts {
        for concept in concepts(text, synonyms, Purpose::Resemblance) {
            if !all
                .iter()
                .any(|known| known.alternatives == concept.alternatives)
            {
                all.push(concept);
            }
        }
    }
    all
}

/// How much a past incident says each alternative of a concept: its weight there (in
/// half units), weighed by how it matches. A phrase the memory keeps whole (the built-in
/// table's) counts as kept; a team's own phrase, and words apart, by the least said of
/// its telling words.
fn said(concept: &Concept, weights: &[(&str, u32)], synonyms: &Synonyms) -> Vec<f64> {
    let find = |term: &str| {
        weights
            .binary_search_by(|(known, _)| (*known).cmp(term))
            .map_or(0, |at| weights[at].1)
    };
    concept
        .alternatives
        .iter()
        .map(|alternative| {
            let said = match alternative.terms.as_slice() {
                [term] => find(term),
                phrase if alternative.how != How::Apart && synonyms.is_built_in(phrase) => {
                    find(&phrase.join("_"))
                }
                phrase => phrase
                    .iter()
                    .filter(|term| remembered(term))
                    .map(|term| find(term))
                    .min()
                    .unwrap_or(0),
            };
            f64::from(said) / 2.0 * alternative.how.weight()
        })
        .collect()
}

/// The past incidents that resemble `incident`, most alike first: closed incidents other
/// than itself (for a closed incident, those closed before it), scored by BM25 with this
/// incident's concepts as the query (each concept by its most telling alternative, a word
/// said by more than half of them telling nothing), and kept when they share
/// `MIN_SHARED` concepts and weigh `MIN_RESEMBLANCE`.
pub fn seen_before<'a>(
    incident: &Incident,
    past: Vec<Past<'a>>,
    synonyms: &Synonyms,
) -> Resemblances<'a> {
    let state = incident.state();
    let closed_at = incident.closed_at();
    let past: Vec<Past<'a>> = past
        .into_iter()
        .filter(|past| past.incident != incident.id)
        .filter(|past| closed_at.is_none_or(|closed_at| past.closed_at < closed_at))
        .collect();
    let compared = past.len();
    let concepts = own_concepts(incident, &state, synonyms);
    if concepts.is_empty() || past.is_empty() {
        return Resemblances {
            compared,
            alike: Vec::new(),
        };
    }
    let mut collection = Collection {
        documents: past.len(),
        terms: 0,
    };
    let mut df: Vec<Vec<usize>> = concepts
        .iter()
        .map(|concept| vec![0; concept.alternatives.len()])
        .collect();
    let said: Vec<(Vec<Vec<f64>>, usize)> = past
        .iter()
        .map(|past| {
            let weights = past.memory.weights();
            let tf: Vec<Vec<f64>> = concepts
                .iter()
                .map(|concept| said(concept, &weights, synonyms))
                .collect();
            for (df, tf) in df.iter_mut().zip(&tf) {
                for (df, tf) in df.iter_mut().zip(tf) {
                    *df += usize::from(*tf > 0.0);
                }
            }
            let length = (past.memory.length / 2) as usize;
            collection.terms += length;
            (tf, length)
        })
        .collect();
    // A word said by more than half of the past incidents tells nothing of any of them.
    let idf: Vec<Vec<f64>> = df
        .iter()
        .map(|df| {
            df.iter()
                .map(|df| {
                    if *df * 2 > collection.documents {
                        0.0
                    } else {
                        collection.idf(*df)
                    }
                })
                .collect()
        })
        .collect();
    // One rare word: said once, at typical length, by one past incident.
    let unit = collection.idf(1);
    let needed = MIN_SHARED.min(concepts.len());
    let mut alike: Vec<(Resembling<'a>, DateTime<Utc>)> = Vec::new();
    for (past, (tf, length)) in past.iter().zip(said) {
        let mut shared: Vec<(f64, &str)> = Vec::new();
        for ((tf, idf), concept) in tf.iter().zip(&idf).zip(&concepts) {
            let weight = tf
                .iter()
                .zip(idf)
                .map(|(tf, idf)| collection.weight(*idf, *tf, length))
                .fold(0.0, f64::max);
            if weight > 0.0 {
                shared.push((weight, &concept.word));
            }
        }
        let score: f64 = shared.iter().map(|(weight, _)| weight).sum();
        let resemblance = score / unit;
        if shared.len() < needed || resemblance < MIN_RESEMBLANCE {
            continue;
        }
        shared.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut words: Vec<String> = Vec::new();
        for (_, word) in shared {
            if !words.iter().any(|known| known.eq_ignore_ascii_case(word)) {
                words.push(word.to_string());
            }
        }
        alike.push((
            Resembling {
                incident: past.incident,
                resemblance: (resemblance * 100.0).round() / 100.0,
                shared: words,
            },
            past.closed_at,
        ));
    }
    alike.sort_by(|a, b| {
        b.0.resemblance
            .total_cmp(&a.0.resemblance)
            .then(b.1.cmp(&a.1))
    });
    Resemblances {
        compared,
        alike: alike
            .into_iter()
            .map(|(resembling, _)| resembling)
            .collect(),
    }
}

/// A past incident as the board and the JSON report show it: what it was, how it ended,
/// the words it shares with this one, and what was tried there.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeenBefore {
    pub incident: String,
    pub title: String,
    /// The root cause recorded, else the confirmed hypotheses, in their current words.
    pub root_cause: Option<String>,
    pub resolution: Option<String>,
    pub shared: Vec<String>,
    pub tried: Vec<Tried>,
    pub opened_at: DateTime<Utc>,
    pub closed_at: DateTime<Utc>,
    /// In units of one rare word shared (`MIN_RESEMBLANCE`).
    pub resemblance: f64,
}

/// A hypothesis of a past incident that was settled: confirmed or ruled out, and the test
/// and result that settled it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tried {
    pub id: Label,
    pub text: String,
    pub status: HypothesisStatus,
    pub test: Option<Said>,
    pub result: Option<Said>,
}

/// An entry named with its current text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Said {
    pub id: Label,
    pub text: String,
}

impl SeenBefore {
    /// What the board shows of `past`, found to resemble this incident.
    pub fn of(past: &Incident, resembling: &Resembling<'_>) -> SeenBefore {
        let state = past.state();
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
        let named = |label: Label| {
            state.entry(label).map(|entry| Said {
                id: label,
                text: state.text(entry).to_string(),
            })
        };
        let tried = state
            .live(Kind::Hypothesis)
            .filter_map(|hypothesis| {
                let verdict = state.verdict(hypothesis.id)?;
                let result = state.entry(verdict.by_result);
                let test = result.and_then(|result| match result.body {
                    Body::Result { test, .. } => named(test),
                    _ => None,
                });
                Some(Tried {
                    id: hypothesis.id,
                    text: state.text(hypothesis).to_string(),
                    status: verdict.status,
                    test,
                    result: named(verdict.by_result),
                })
            })
            .take(MAX_TRIED)
            .collect();
        SeenBefore {
            incident: past.id.clone(),
            title: state.title().to_string(),
            root_cause,
            resolution: past.resolution().map(str::to_string),
            shared: resembling.shared.clone(),
            tried,
            opened_at: past.opened_at,
            closed_at: past.closed_at().unwrap_or(past.opened_at),
            resemblance: resembling.resemblance,
        }
    }
}
