//! `incident search WORDS…`: every incident, open or closed, searched for entries, titles
//! and resolutions holding all the words, best matches first. The search index narrows
//! the incidents down; what is shown, and how it ranks, is read from their documents.

use std::collections::BTreeMap;

use crate::cli::SearchArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::render::search::{self, Hit};
use crate::ui::{Mode, Ui};
use incident_core::sanitize;
use incident_core::search::{self as history, Query};

pub fn run(context: &Context, ui: &mut Ui, args: SearchArgs) -> Result<()> {
    let query = Query::parse(&args.words).ok_or_else(|| {
        Error::Usage("search needs a word with at least one letter or digit".into())
    })?;
    let (index, damaged) = context.store.search_index()?;
    for error in &damaged {
        ui.warn(&error.to_string());
    }
    let folded: Vec<(&str, usize, usize)> = index
        .incidents
        .iter()
        .map(|indexed| (index.text(indexed), indexed.items, indexed.terms))
        .collect();
    let findings = history::search(&folded, &query);
    let mut markers_by_incident: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for found in &findings.found {
        markers_by_incident
            .entry(found.incident)
            .or_default()
            .push(found.marker);
    }
    let mut hits = Vec::new();
    for (position, markers) in markers_by_incident {
        let id = &index.incidents[position].id;
        let incident = match context.store.load(id) {
            Ok(incident) => incident,
            // Changed or damaged since the index was read: say so, search the rest.
            Err(error) => {
                ui.warn(&error.to_string());
                continue;
            }
        };
        if !incident.is_history() {
            // Merged away (its entries are found in the survivor) or opened by mistake.
            continue;
        }
        let state = incident.state();
        for item in history::searchable(&incident, &state) {
            if !markers.contains(&item.marker.as_str()) {
                continue;
            }
            // The document has the last word: an index that says otherwise is ignored.
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
                score: findings.score(&query, item.text),
            });
        }
    }
    if hits.is_empty() {
        return Err(Error::NoMatch {
            words: sanitize::one_line(&args.words.join(" ")),
        });
    }
    // Best first; equal scores, the latest incident first, then in the order recorded.
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.opened_at.cmp(&a.opened_at))
            .then(a.incident.cmp(&b.incident))
    });
    match ui.mode() {
        Mode::Json => ui.print(&search::json(&hits)),
        Mode::Quiet => ui.print(&search::incidents(&hits)),
        Mode::Human => {
            let paint = ui.paint();
            ui.print(&search::human(&hits, &query, &paint))
        }
    }
}
