//! Seen before: which closed incidents resemble an open one, by the telling terms of
//! their titles and symptoms, ranked by BM25.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::bm25::Collection;
use super::terms::{for_each_term, is_stopword};
use crate::model::{Incident, Kind, State};

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
    // With nothing to compare, the incident's own terms are not needed: reading them from
    // a long incident's symptoms was a sixth of its board.
    if past.is_empty() {
        return Vec::new();
    }
    let query = symptom_terms(&incident.state());
    if query.is_empty() {
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
