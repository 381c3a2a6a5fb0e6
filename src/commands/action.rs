//! `incident action TEXT… [--owner NAME]`: a follow-up for after the incident.

use std::io::Write;

use super::{Context, record};
use crate::cli::ActionArgs;
use crate::error::{Error, Result};
use crate::model::Body;

pub fn run(context: &Context, args: ActionArgs, out: &mut dyn Write) -> Result<()> {
    let owner = match args.owner.as_deref().map(str::trim) {
        Some("") => return Err(Error::Usage("--owner needs a name".into())),
        owner => owner.map(str::to_string),
    };
    record::record(context, &args.entry, |_| Ok(Body::Action { owner }), out)
}
