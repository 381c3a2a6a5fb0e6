//! `incident escalate NAME [TEXT…]`: someone was called in, and why, an `E` entry; the
//! reports tell how long until they engaged.

use crate::cli::EscalateArgs;
use crate::context::{Context, check_name};
use crate::error::Result;
use crate::input::optional_text;
use crate::record;
use crate::ui::Ui;
use incident_core::model::Body;

pub fn run(context: &Context, ui: &mut Ui, args: EscalateArgs) -> Result<()> {
    let id = context.target()?;
    let name = check_name(&args.name, "who was called")?;
    let text = optional_text(&args.text)?;
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(context, ui, &id, stamp, Body::Escalation { name }, text)
}
