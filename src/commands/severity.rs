//! `incident severity N [TEXT…]`: the incident's severity from now on, an `E` entry.

use crate::cli::SeverityArgs;
use crate::context::Context;
use crate::error::Result;
use crate::input::optional_text;
use crate::record;
use crate::ui::Ui;
use incident_core::model::{Body, Severity};

pub fn run(context: &Context, ui: &mut Ui, args: SeverityArgs) -> Result<()> {
    let id = context.target()?;
    let severity: Severity = args.severity.parse()?;
    let text = optional_text(&args.text)?;
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(context, ui, &id, stamp, Body::Severity { severity }, text)
}
