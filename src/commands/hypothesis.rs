//! `incident hypothesis TEXT… [--explains S…]`: a testable explanation.

use crate::cli::HypothesisArgs;
use crate::context::Context;
use crate::error::Result;
use crate::input::read_text;
use crate::record;
use crate::ui::Ui;
use incident_core::model::{Body, parse_labels};

pub fn run(context: &Context, ui: &mut Ui, args: HypothesisArgs) -> Result<()> {
    let id = context.target()?;
    let explains = parse_labels(&args.explains)?;
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    record::record_one(context, ui, &id, stamp, Body::Hypothesis { explains }, text)
}
