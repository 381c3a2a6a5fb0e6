//! `incident test TEXT… [--for H…]`: a test designed to rule hypotheses out.

use std::io::Write;

use super::{Context, record};
use crate::cli::TestArgs;
use crate::error::Result;
use crate::model::{Body, parse_labels};

pub fn run(context: &Context, args: TestArgs, out: &mut dyn Write) -> Result<()> {
    let targets = parse_labels(&args.targets)?;
    record::record(context, &args.entry, |_| Ok(Body::Test { targets }), out)
}
