//! `incident retract LABEL [--why TEXT]`: take an entry back. It stays in the history,
//! marked retracted; a retracted hypothesis no longer stands, a retracted result no
//! longer rules anything out or confirms it.

use std::io::Write;

use super::{Context, record};
use crate::cli::RetractArgs;
use crate::error::Result;
use crate::model::{Body, Label, check_text};

pub fn run(context: &Context, args: RetractArgs, out: &mut dyn Write) -> Result<()> {
    let target: Label = args.label.parse()?;
    let why = match args.why {
        Some(why) if args.reason.is_empty() => why,
        Some(why) => format!("{why} {}", args.reason.join(" ")),
        None => args.reason.join(" "),
    };
    if !why.is_empty() {
        check_text(&why)?;
    }
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(context, stamp, Body::Retract { target }, why, out)
}
