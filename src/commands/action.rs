//! `incident action TEXT… [--owner NAME]`: a follow-up for after the incident.

use std::io::Write;

use super::{Context, check_name, read_text, record};
use crate::cli::ActionArgs;
use crate::error::Result;
use crate::model::Body;

pub fn run(context: &Context, args: ActionArgs, out: &mut dyn Write) -> Result<()> {
    let owner = args
        .owner
        .as_deref()
        .map(|owner| check_name(owner, "--owner"))
        .transpose()?;
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    record::record_one(context, stamp, Body::Action { owner }, text, out)
}
