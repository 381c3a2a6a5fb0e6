//! `incident hypothesis TEXT… [--explains S…]`: a testable explanation.

use std::io::Write;

use super::{Context, read_text, record};
use crate::cli::HypothesisArgs;
use crate::error::Result;
use crate::model::{Body, parse_labels};

pub fn run(context: &Context, args: HypothesisArgs, out: &mut dyn Write) -> Result<()> {
    let explains = parse_labels(&args.explains)?;
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    record::record_one(context, stamp, Body::Hypothesis { explains }, text, out)
}
