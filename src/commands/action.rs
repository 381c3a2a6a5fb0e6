//! `incident action TEXT… [--owner NAME] [--due DATE] [--link URL]`: a follow-up for
//! after the incident, with who does it, by when, and the ticket that tracks it.

use crate::cli::ActionArgs;
use crate::context::{Context, check_name};
use crate::error::Result;
use crate::input::read_text;
use crate::record;
use crate::time;
use crate::ui::Ui;
use incident_core::model::{Body, check_link};

pub fn run(context: &Context, ui: &mut Ui, args: ActionArgs) -> Result<()> {
    let id = context.target()?;
    let owner = args
        .owner
        .as_deref()
        .map(|owner| check_name(owner, "--owner"))
        .transpose()?;
    let due = args.due.as_deref().map(time::parse_date).transpose()?;
    let link = args.link.as_deref().map(check_link).transpose()?;
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    let body = Body::Action { owner, due, link };
    record::record_one(context, ui, &id, stamp, body, text)
}
