//! `incident test TEXT… [--for H…]`: a test designed to rule hypotheses out.

use std::io::Write;

use super::{Context, read_text, record};
use crate::cli::TestArgs;
use crate::error::Result;
use crate::model::{Body, parse_labels};

pub fn run(context: &Context, args: TestArgs, out: &mut dyn Write) -> Result<()> {
    let targets = parse_labels(&args.targets)?;
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    record::record(
        context,
        text,
        stamp,
        |_| Ok(vec![Body::Test { targets }]),
        out,
    )
}
