//! `incident who WORDS…`: whom to call, from the team's directory, offline: the contacts
//! whose name or covered words say the words, matched as `search` matches them (every
//! form of a word, its synonyms, a misspelling by one letter), best first, each with how
//! to reach them.

use crate::cli::WhoArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::render::contacts;
use crate::ui::{Mode, Ui};
use incident_core::model::Contact;
use incident_core::sanitize;
use incident_core::search::{self, Query};

pub fn run(context: &Context, ui: &mut Ui, args: WhoArgs) -> Result<()> {
    let synonyms = context.store.synonyms();
    let query = Query::parse(&args.words, &synonyms)
        .ok_or_else(|| Error::Usage("who needs a word with at least one letter or digit".into()))?;
    let directory = context.store.directory()?;
    if directory.is_empty() {
        return Err(Error::NoContacts);
    }
    let found = search::who(&directory, &query);
    if found.contacts.is_empty() {
        return Err(Error::NoContactMatches {
            words: sanitize::one_line(&args.words.join(" ")),
        });
    }
    for misspelling in &found.misspellings {
        ui.hint(&format!(
            "did you mean {}? no contact says {}; shown are those one letter away",
            misspelling.meant, misspelling.typed
        ));
    }
    let listed: Vec<Contact> = found.contacts.iter().map(|found| found.contact).collect();
    match ui.mode() {
        Mode::Json => ui.print(&contacts::callable_json(&found.contacts)),
        Mode::Quiet => ui.print(&contacts::names(&listed)),
        Mode::Human => {
            let paint = ui.paint();
            ui.print(&contacts::lines(&listed, &paint))
        }
    }
}
