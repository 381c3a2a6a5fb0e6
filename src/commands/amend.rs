//! `incident amend LABEL TEXT…`: correct an entry. The original stays in the history; the
//! correction is an entry of its own (`E…`), and the board and reports show the new text.

use std::io::Write;

use super::{Context, read_text, record};
use crate::cli::AmendArgs;
use crate::error::Result;
use crate::model::{Body, Label};

pub fn run(context: &Context, args: AmendArgs, out: &mut dyn Write) -> Result<()> {
    let target: Label = args.label.parse()?;
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    record::record_one(context, stamp, Body::Amend { target }, text, out)
}
