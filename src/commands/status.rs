//! `incident status`: the live board, or the handover for people joining.

use crate::cli::BoardFormat;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::render::{board, handover, json, slack};
use crate::ui::{Mode, Ui};

pub fn run(context: &Context, ui: &mut Ui, format: Option<BoardFormat>) -> Result<()> {
    let id = context.target()?;
    let incident = context.store.load(&id)?;
    match (ui.mode(), format) {
        (Mode::Json, None | Some(BoardFormat::Board)) => ui.print(&json::render(&incident)),
        (Mode::Json, Some(format)) => Err(Error::Usage(format!(
            "--json prints the JSON report; --format {} is for people",
            format.name()
        ))),
        (_, None | Some(BoardFormat::Board)) => {
            let paint = ui.paint();
            let mut text = board::render(&incident, context.now, &paint);
            if let Some(sharing) = context.store.sharing(&incident) {
                text.push_str(&board::sharing(&sharing, context.now, &paint));
            }
            ui.print(&text)
        }
        (_, Some(BoardFormat::Can)) => ui.print(&handover::render(&incident, context.now)),
        (_, Some(BoardFormat::Slack)) => ui.print(&slack::render(&incident, context.now)),
    }
}

/// Bare `incident`: the board, or how to begin when there is no incident yet.
pub fn run_or_introduce(context: &Context, ui: &mut Ui) -> Result<()> {
    match run(context, ui, None) {
        // Scripts get the error; people get a way in.
        Err(Error::NoCurrentIncident) if ui.mode() == Mode::Human => ui.print(
            "No current incident.\n\
             Start one:     incident open Checkout returns 502s\n\
             Or pick one:   incident list --all, then incident use REF\n\
             All commands:  incident --help\n",
        ),
        other => other,
    }
}
