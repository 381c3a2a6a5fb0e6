//! What syncs renumbered and renamed. A label or an incident id that a sync moved names
//! another entry or incident now: each change is told once, after the next command that
//! succeeds, and a change typed with the old label or id is refused once, naming the new
//! one, rather than linking, amending or recording into a teammate's. The store keeps
//! the journal and makes that check under the incident's lock (`sync/news.rs`); this
//! says what was typed, and tells.

use crate::context::Context;
use crate::error::{CoreError, Error};
use crate::render;
use crate::ui::Ui;
use incident_core::model::Label;
use incident_core::sharing::Moved;
use incident_core::store::Typed;

/// Before the command runs: what it typed, for the store to check.
pub fn watch(context: &Context, args: &[String]) {
    context.store.watch_typed(typed(args));
}

/// After a command that succeeded: what syncs changed and nobody was told yet.
pub fn tell(context: &Context, ui: &mut Ui) {
    match context.store.heed_news() {
        Ok(told) => {
            for moved in &told {
                ui.note(&format!(
                    "note: after a sync, {}",
                    render::sync::moved(moved)
                ));
            }
        }
        Err(error) => ui.warn(&format!("what syncs renumbered could not be read: {error}")),
    }
}

/// The refusal of a change typed with what a sync moved, in the command line's words.
pub fn explain(error: Error) -> Error {
    match error {
        Error::Core(CoreError::Moved { moved }) => {
            let line = render::sync::moved(&moved);
            match moved {
                Moved::Label { .. } => Error::LabelMoved { line },
                Moved::Id { .. } => Error::IdMoved { line },
            }
        }
        other => other,
    }
}

/// The labels among the words typed (`H1`, `--for=h2,H3`, `(T1)`), and every word that
/// may name an incident: `-i`'s, `use`'s, `merge`'s, `--from`'s before its `:`, and
/// `INCIDENT`.
fn typed(args: &[String]) -> Typed {
    let mut typed = Typed::default();
    if let Ok(reference) = std::env::var("INCIDENT") {
        typed.references.push(reference.trim().to_string());
    }
    for arg in args.iter().skip(1) {
        let value = arg.split_once('=').map_or(arg.as_str(), |(_, value)| value);
        typed.references.push(value.to_string());
        if let Some((incident, _)) = value.split_once(':') {
            typed.references.push(incident.to_string());
        }
        for word in arg.split([',', ' ', '=', ':']) {
            let word = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
            if let Ok(label) = word.parse::<Label>()
                && !typed.labels.contains(&label)
            {
                typed.labels.push(label);
            }
        }
    }
    typed
}
