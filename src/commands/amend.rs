//! `incident amend LABEL TEXT…`: correct an entry. The original stays in the history; the
//! correction is an entry of its own (`E…`), and the board and reports show the new text.

use crate::cli::AmendArgs;
use crate::context::Context;
use crate::error::Result;
use crate::input::read_text;
use crate::model::{Body, Label};
use crate::record;
use crate::ui::Ui;

pub fn run(context: &Context, ui: &mut Ui, args: AmendArgs) -> Result<()> {
    let id = context.target()?;
    let target: Label = args.label.parse()?;
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    record::record_one(context, ui, &id, stamp, Body::Amend { target }, text)
}
