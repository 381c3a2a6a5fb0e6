//! `incident show LABEL`: one entry in full, with its corrections and the entries that
//! refer to it.

use crate::cli::ShowArgs;
use crate::context::Context;
use crate::error::Result;
use crate::render::show;
use crate::ui::Ui;
use incident_core::model::{Error, Label};

pub fn run(context: &Context, ui: &mut Ui, args: ShowArgs) -> Result<()> {
    let id = context.target()?;
    let label: Label = args.label.parse()?;
    let incident = context.store.load(&id)?;
    let entry = incident.entry(label).ok_or(Error::NoSuchEntry {
        label,
        expected: None,
    })?;
    let paint = ui.paint();
    ui.print_by_mode(
        || show::json(&incident, entry),
        || format!("{label}\n"),
        || show::human(&incident, entry, &paint),
    )
}
