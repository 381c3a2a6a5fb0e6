//! `incident search WORDS…`: every incident, open or closed, searched for entries, titles
//! and resolutions that say the words, in any of their forms, misspelt by a letter or by
//! a synonym: those that say every word first, grouped by incident, then those that say
//! some, marked partial. The search index narrows the incidents down and ranks them; what
//! is shown is read from their documents (`incident_core::search::hits`).

use crate::cli::SearchArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::render::search;
use crate::ui::{Mode, Ui};
use incident_core::sanitize;
use incident_core::search::postings::Index;
use incident_core::search::{self as core_search, Query};

pub fn run(context: &Context, ui: &mut Ui, args: SearchArgs) -> Result<()> {
    let synonyms = context.store.synonyms();
    let query = Query::parse(&args.words, &synonyms).ok_or_else(|| {
        Error::Usage("search needs a word with at least one letter or digit".into())
    })?;
    let (mut index, mut damaged) = context.store.search_index()?;
    let mut searched = search(context, ui, &index, &query);
    if searched.is_none() {
        // The index was damaged where this search read it: rebuilt from the documents.
        (index, damaged) = context.store.rebuilt_search_index()?;
        searched = search(context, ui, &index, &query);
    }
    for error in &damaged {
        ui.warn(&error.to_string());
    }
    let Some((findings, found)) = searched else {
        unreachable!("an index just built reads whole");
    };
    if found.hits.is_empty() {
        return Err(Error::NoMatch {
            words: sanitize::one_line(&args.words.join(" ")),
        });
    }
    for misspelling in &found.misspellings {
        ui.hint(&format!(
            "did you mean {}? nothing says {}; shown are the texts one letter away",
            misspelling.meant, misspelling.typed
        ));
    }
    // The incident commands act on, marked among the others; none is no error here.
    let current = context.target().ok();
    let current = current.as_deref();
    match ui.mode() {
        Mode::Json => ui.print(&search::json(&found.hits, current)),
        Mode::Quiet => ui.print(&search::incidents(&found.hits)),
        Mode::Human => {
            let paint = ui.paint();
            ui.print(&search::human(
                &found.hits,
                &findings.query,
                current,
                &paint,
            ))
        }
    }
}

/// What the index finds for the query, and the hits read from the documents; `None` when
/// the index is damaged where the search reads it.
fn search(
    context: &Context,
    ui: &mut Ui,
    index: &Index,
    query: &Query,
) -> Option<(core_search::Findings, core_search::Hits)> {
    let findings = core_search::search(index, query)?;
    let found = core_search::hits(&findings, index, |position| {
        match context.store.load(index.id(position)) {
            Ok(incident) => Some(incident),
            // Changed or damaged since the index was read: say so, search the rest.
            Err(error) => {
                ui.warn(&error.to_string());
                None
            }
        }
    })?;
    Some((findings, found))
}
