//! `incident retitle TITLE…`: correct the incident's title. The id stays, so scripts and
//! teammates still find it; the old title stays in the history.

use crate::cli::RetitleArgs;
use crate::context::Context;
use crate::error::Result;
use crate::input::read_text;
use crate::record;
use crate::ui::Ui;
use incident_core::model::Body;

pub fn run(context: &Context, ui: &mut Ui, args: RetitleArgs) -> Result<()> {
    let id = context.target()?;
    let title = read_text(&args.title)?;
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(context, ui, &id, stamp, Body::Retitle, title)
}
