//! Ranking: BM25 over the terms of what was found, and the hits it makes, best first.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::index::{Findings, searchable};
use super::query::Query;
use crate::model::{Incident, Label};

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

/// One thing a search found: an entry, a title or a resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub incident: String,
    pub opened_at: DateTime<Utc>,
    /// `None` for a title or a resolution.
    pub label: Option<Label>,
    pub kind: &'static str,
    pub at: DateTime<Utc>,
    pub text: String,
    /// BM25: higher is better.
    pub score: f64,
}

/// What a search of the index found, read from the incidents' documents and ranked: each
/// incident found is fetched with `load` (`None`: it could not be read, and is left out),
/// and only the items whose current text still holds every word count, since the
/// document has the last word over the index. An incident merged into another (its
/// entries are found there) or discarded is not part of the history, and is left out.
///
/// Best first; at equal scores, the latest incident first, then in the order recorded.
pub fn hits(
    findings: &Findings<'_>,
    query: &Query,
    mut load: impl FnMut(usize) -> Option<Incident>,
) -> Vec<Hit> {
    let mut markers_by_incident: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for found in &findings.found {
        markers_by_incident
            .entry(found.incident)
            .or_default()
            .push(found.marker);
    }
    let mut hits = Vec::new();
    for (position, markers) in markers_by_incident {
        let Some(incident) = load(position).filter(Incident::is_history) else {
            continue;
        };
        let state = incident.state();
        for item in searchable(&incident, &state) {
            if !markers.contains(&item.marker.as_str()) {
                continue;
            }
            let (tf, _) = query.counts(item.text);
            if tf.contains(&0) {
                continue;
            }
            hits.push(Hit {
                incident: incident.id.clone(),
                opened_at: incident.opened_at,
                label: item.label,
                kind: item.kind,
                at: item.at,
                text: item.text.to_string(),
                score: findings.score(query, item.text),
            });
        }
    }
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.opened_at.cmp(&a.opened_at))
            .then(a.incident.cmp(&b.incident))
    });
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Body, NewEntry, Stamp};
    use crate::search::Collection;
    use crate::search::{Folded, search};
    use uuid::Uuid;

    fn opened(id: &str, title: &str, day: u32, symptoms: &[&str]) -> Incident {
        let at: DateTime<Utc> = format!("2026-11-{day:02}T02:00:00Z").parse().unwrap();
        let stamp = Stamp {
            uuid: Uuid::nil(),
            at,
            recorded_at: at,
            by: "ana".into(),
        };
        let mut incident = Incident::new(id.into(), title.into(), stamp);
        for symptom in symptoms {
            incident
                .record(NewEntry {
                    body: Body::Symptom,
                    at,
                    by: "ana".into(),
                    text: symptom.to_string(),
                    uuid: Uuid::nil(),
                    recorded_at: at,
                })
                .unwrap();
        }
        incident
    }

    #[test]
    fn hits_are_read_from_the_documents_and_ranked_best_first() {
        let incidents = [
            opened("old", "Checkout down", 1, &["checkout 502s", "db slow"]),
            opened("new", "Checkout down", 2, &["checkout 502s"]),
            opened("gone", "Checkout", 3, &["checkout 502s"]),
        ];
        let folded: Vec<Folded> = incidents.iter().map(Folded::of).collect();
        let texts: Vec<(&str, usize, usize)> = folded
            .iter()
            .map(|folded| (folded.text.as_str(), folded.items, folded.terms))
            .collect();
        let query = Query::parse(&["checkout".into(), "502".into()]).unwrap();
        let findings = search(&texts, &query);
        let hits = hits(&findings, &query, |position| {
            // The third could not be read since the index was.
            (position < 2).then(|| incidents[position].clone())
        });
        let found: Vec<(&str, String)> = hits
            .iter()
            .map(|hit| {
                (
                    hit.incident.as_str(),
                    hit.label.map(|l| l.to_string()).unwrap_or_default(),
                )
            })
            .collect();
        // Equal scores: the latest incident first.
        assert_eq!(found, [("new", "S1".into()), ("old", "S1".into())]);
        assert!(hits[0].score > 0.0 && hits[0].score == hits[1].score);

        // A document that no longer says what the index found is not a hit.
        let mut changed = incidents[0].clone();
        changed.entries[0].text = "all fine".into();
        let hits = super::hits(&findings, &query, |position| {
            (position == 0).then(|| changed.clone())
        });
        assert!(hits.is_empty(), "{hits:?}");
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
}
