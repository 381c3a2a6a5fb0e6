//! `incident search WORDS…`: every incident, open or closed, searched for entries, titles
//! and resolutions holding all the words, best matches first. The search index narrows
//! the incidents down; what is shown, and how it ranks, is read from their documents
//! (`incident_core::search::hits`).

use crate::cli::SearchArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::render::search;
use crate::ui::{Mode, Ui};
use incident_core::sanitize;
use incident_core::search::{self as core_search, Query};

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
    let findings = core_search::search(&folded, &query);
    let hits = core_search::hits(&findings, &query, |position| {
        match context.store.load(&index.incidents[position].id) {
            Ok(incident) => Some(incident),
            // Changed or damaged since the index was read: say so, search the rest.
            Err(error) => {
                ui.warn(&error.to_string());
                None
            }
        }
    });
    if hits.is_empty() {
        return Err(Error::NoMatch {
            words: sanitize::one_line(&args.words.join(" ")),
        });
    }
    match ui.mode() {
        Mode::Json => ui.print(&search::json(&hits)),
        Mode::Quiet => ui.print(&search::incidents(&hits)),
        Mode::Human => {
            let paint = ui.paint();
            ui.print(&search::human(&hits, &query, &paint))
        }
    }
}
