//! `incident status`: the live board, or the handover for people joining.

use crate::cli::BoardFormat;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::render::{board, handover, json, slack};
use crate::ui::{Mode, Ui};
use incident_core::model::Incident;
use incident_core::search::{Memory, Resemblances, SEEN_BEFORE, SeenBefore, seen_before};

pub fn run(context: &Context, ui: &mut Ui, format: Option<BoardFormat>) -> Result<()> {
    let id = context.target()?;
    let incident = context.store.load(&id)?;
    match (ui.mode(), format) {
        (Mode::Json, None | Some(BoardFormat::Board)) => {
            let report = with_seen_before(context, &incident, |seen_before, _| {
                json::render(&incident, seen_before, context.now)
            });
            ui.print(&report)
        }
        (Mode::Json, Some(format)) => Err(Error::Usage(format!(
            "--json prints the JSON report; --format {} is for people",
            format.name()
        ))),
        (_, None | Some(BoardFormat::Board)) => {
            let paint = ui.paint();
            let mut board = with_seen_before(context, &incident, |seen_before, compared| {
                board::render(&incident, context.now, (seen_before, compared), &paint)
            });
            if let Some(sharing) = context.store.sharing(&incident) {
                board.push_str(&board::sharing(&sharing, context.now, &paint));
            }
            ui.print(&board)
        }
        (_, Some(BoardFormat::Can)) => ui.print(&handover::render(&incident, context.now)),
        (_, Some(BoardFormat::Slack)) => ui.print(&slack::render(&incident, context.now)),
    }
}

/// What `render` makes of `incident`, the past incidents that resemble it (read from
/// their documents, for what was tried there) and how many closed incidents were
/// compared. The board is about this incident: a damaged other one is `list`'s to
/// report, not the board's, and is passed over.
pub fn with_seen_before<T>(
    context: &Context,
    incident: &Incident,
    render: impl FnOnce(&[SeenBefore], usize) -> T,
) -> T {
    let summaries = context
        .store
        .summaries_with::<Option<Memory>>()
        .map(|(summaries, _)| summaries)
        .unwrap_or_default();
    let past: Vec<_> = summaries
        .iter()
        .filter_map(|(summary, memory)| summary.as_past(memory.as_ref()))
        .collect();
    // The team's synonyms are read only when there is a past to compare with.
    let found = if past.is_empty() {
        Resemblances::default()
    } else {
        seen_before(incident, past, &context.store.synonyms())
    };
    let shown: Vec<SeenBefore> = found
        .alike
        .iter()
        .filter_map(|alike| {
            let past = context.store.load(alike.incident).ok()?;
            Some(SeenBefore::of(&past, alike))
        })
        .take(SEEN_BEFORE)
        .collect();
    render(&shown, found.compared)
}
