//! The hits a search makes, read from the documents of the incidents the index found:
//! first the items that say every word, grouped by incident, the best incident first;
//! then, marked partial, the items of the best incidents that say only some.

use chrono::{DateTime, Utc};

use super::index::{Findings, score, searchable};
use super::postings::Index;
use super::query::How;
use crate::model::{Incident, Label};

/// How many incidents with no item saying every word have their partial items shown.
pub const PARTIAL_INCIDENTS: usize = 10;

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
    /// BM25 of this item: higher is better.
    pub score: f64,
    /// Not every word of the search is said here.
    pub partial: bool,
}

/// A word that nothing says, found by the terms one letter away from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Misspelling {
    /// As typed.
    pub typed: String,
    /// What the texts found say instead, as they say it (lower case).
    pub meant: String,
}

/// What a search shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hits {
    pub hits: Vec<Hit>,
    pub misspellings: Vec<Misspelling>,
}

/// What a search of the index found, read from the incidents' documents and ranked: each
/// incident shown is fetched with `load` (`None`: it could not be read, and is left out),
/// and only items whose current text still says a word count, since the document has
/// the last word over the index. An incident merged into another (its entries are found
/// there) or discarded is not part of the history, and is left out.
///
/// First every item that says every word, the incidents in the index's order (the items
/// of one incident together, best first); then the partial items of the first
/// `PARTIAL_INCIDENTS` incidents that have no such item. `None` when the index searched
/// is damaged where an incident's items are named.
pub fn hits(
    findings: &Findings,
    index: &Index,
    mut load: impl FnMut(usize) -> Option<Incident>,
) -> Option<Hits> {
    let query = &findings.query;
    let concepts = query.concepts().len();
    let idf: Vec<Vec<f64>> = findings
        .item_df
        .iter()
        .map(|df| df.iter().map(|df| findings.items.idf(*df)).collect())
        .collect();
    let mut whole = Vec::new();
    let mut partial = Vec::new();
    let mut partial_incidents = 0;
    let mut misspellings: Vec<Misspelling> = Vec::new();
    for found in &findings.found {
        if !found.whole && partial_incidents == PARTIAL_INCIDENTS {
            break;
        }
        // The markers of the lines the index found.
        let markers = index.lines(found.incident)?;
        let mut items: Vec<(&str, u64)> = Vec::with_capacity(found.items.len());
        for (line, mask) in &found.items {
            items.push((markers.get(*line as usize)?.0.as_str(), *mask));
        }
        let Some(incident) = load(found.incident).filter(Incident::is_history) else {
            continue;
        };
        let state = incident.state();
        let mut shown = Vec::new();
        for item in searchable(&incident, &state) {
            // Only the items the index found; of an incident with a whole one, only those.
            let Some((_, mask)) = items.iter().find(|(marker, _)| *marker == item.marker) else {
                continue;
            };
            if found.whole && mask.count_ones() as usize != concepts {
                continue;
            }
            let (said, length) = query.said(item.text);
            let mut tf: Vec<Vec<f64>> = idf.iter().map(|idf| vec![0.0; idf.len()]).collect();
            for said in &said {
                tf[said.concept][said.alternative] += said.weight;
                if said.how == How::Typo {
                    let concept = &query.concepts()[said.concept];
                    if !misspellings.iter().any(|known| known.typed == concept.word) {
                        misspellings.push(Misspelling {
                            typed: concept.word.clone(),
                            meant: item.text[said.span.clone()].to_lowercase(),
                        });
                    }
                }
            }
            let says = tf.iter().filter(|tf| tf.iter().any(|tf| *tf > 0.0)).count();
            if says == 0 || (found.whole != (says == concepts)) {
                continue;
            }
            let score = score(&findings.items, &idf, &tf, length);
            shown.push(Hit {
                incident: incident.id.clone(),
                opened_at: incident.opened_at,
                label: item.label,
                kind: item.kind,
                at: item.at,
                text: item.text.to_string(),
                score,
                partial: says < concepts,
            });
        }
        // Best first, then in the order recorded (the sort is stable).
        shown.sort_by(|a, b| b.score.total_cmp(&a.score));
        if found.whole {
            whole.extend(shown);
        } else if !shown.is_empty() {
            partial_incidents += 1;
            partial.extend(shown);
        }
    }
    whole.extend(partial);
    Some(Hits {
        hits: whole,
        misspellings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Body, NewEntry, Stamp};
    use crate::search::postings::Builder;
    use crate::search::{Collection, Query, Synonyms, add_incident, search};
    use uuid::Uuid;

    fn opened(id: &str, title: &str, day: u32, symptoms: &[&str]) -> Incident {
        let at: DateTime<Utc> = format!("2026-11-{day:02}T02:00:00Z").parse().unwrap();
        let stamp = Stamp {
            uuid: Uuid::nil(),
            at,
            recorded_at: at,
            by: "ana".into(),
            key: false,
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
                    key: false,
                })
                .unwrap();
        }
        incident
    }

    fn shown(hits: &Hits) -> Vec<(&str, String, bool)> {
        hits.hits
            .iter()
            .map(|hit| {
                (
                    hit.incident.as_str(),
                    hit.label.map_or(hit.kind.to_string(), |l| l.to_string()),
                    hit.partial,
                )
            })
            .collect()
    }

    #[test]
    fn hits_are_read_from_the_documents_whole_ones_first_then_partial_ones() {
        let incidents = [
            opened("old", "Checkout down", 1, &["checkout 502s", "db slow"]),
            opened("new", "Checkout down", 2, &["checkout 502s"]),
            opened("gone", "Checkout", 3, &["checkout 502s"]),
            opened("other", "Payments", 4, &["HTTP 502 on payments"]),
        ];
        let mut builder = Builder::new();
        for incident in &incidents {
            add_incident(&mut builder, incident, b"");
        }
        let index = Index::built(builder);
        let query =
            Query::parse(&["checkout".into(), "502".into()], &Synonyms::built_in()).unwrap();
        let findings = search(&index, &query).unwrap();
        let hits = hits(&findings, &index, |position| {
            // The third could not be read since the index was.
            (position != 2).then(|| incidents[position].clone())
        })
        .unwrap();
        // The shorter incident first; then the partial items, of every incident
        // with no whole one.
        assert_eq!(
            shown(&hits),
            [
                ("new", "S1".into(), false),
                ("old", "S1".into(), false),
                ("other", "S1".into(), true),
            ]
        );
        assert!(hits.hits[0].score > 0.0 && hits.hits[0].score == hits.hits[1].score);

        // A document that no longer says what the index found is not a hit.
        let mut changed = incidents[0].clone();
        changed.entries[0].text = "all fine".into();
        let hits = super::hits(&findings, &index, |position| {
            (position == 0).then(|| changed.clone())
        })
        .unwrap();
        assert!(hits.hits.is_empty(), "{hits:?}");
    }

    #[test]
    fn bm25_prefers_rare_terms_and_short_texts() {
        let collection = Collection {
            documents: 100,
            terms: 1000,
        };
        assert!(collection.idf(1) > collection.idf(50));
        let short = collection.weight(collection.idf(5), 1.0, 3);
        let long = collection.weight(collection.idf(5), 1.0, 30);
        assert!(short > long);
        assert!(collection.weight(1.0, 3.0, 10) > collection.weight(1.0, 1.0, 10));
        assert_eq!(collection.weight(1.0, 0.0, 10), 0.0);
    }
}
