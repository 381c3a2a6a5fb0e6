//! `incident contacts`: the team's directory of whom to call, one contact a line.

use crate::context::Context;
use crate::error::Result;
use crate::render::contacts;
use crate::ui::{Mode, Ui};
use incident_core::model::Contact;

pub fn run(context: &Context, ui: &mut Ui) -> Result<()> {
    let directory = context.store.directory()?;
    let listed: Vec<Contact> = directory.contacts().collect();
    match ui.mode() {
        Mode::Json => ui.print(&contacts::json(&listed)),
        Mode::Quiet => ui.print(&contacts::names(&listed)),
        Mode::Human if listed.is_empty() => {
            ui.note(
                "no contacts yet; add one with `incident contact NAME --reach TEXT… --covers \
                 WORDS…`",
            );
            Ok(())
        }
        Mode::Human => {
            let paint = ui.paint();
            ui.print(&contacts::lines(&listed, &paint))
        }
    }
}
