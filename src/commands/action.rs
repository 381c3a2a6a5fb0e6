//! `incident action TEXT… [--owner NAME]`: a follow-up for after the incident.

use std::io::Write;

use super::{Context, read_text, record};
use crate::cli::ActionArgs;
use crate::error::{Error, Result};
use crate::model::Body;

pub fn run(context: &Context, args: ActionArgs, out: &mut dyn Write) -> Result<()> {
    let owner = match args.owner.as_deref().map(str::trim) {
        Some("") => return Err(Error::Usage("--owner needs a name".into())),
        owner => owner.map(str::to_string),
    };
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    record::record_one(context, stamp, Body::Action { owner }, text, out)
}
