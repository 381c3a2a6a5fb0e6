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
use incident_core::search::{self as core_search, Query};

pub fn run(context: &Context, ui: &mut Ui, args: SearchArgs) -> Result<()> {
    let synonyms = context.store.synonyms();
    let query = Query::parse(&args.words, &synonyms).ok_or_else(|| {
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
    let found = core_search::hits(&findings, |position| {
        match context.store.load(&index.incidents[position].id) {
            Ok(incident) => Some(incident),
            // Changed or damaged since the index was read: say so, search the rest.
            Err(error) => {
                ui.warn(&error.to_string());
                None
            }
        }
    });
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
