//! `incident use REF`: switch the current incident.

use std::io::Write;

use super::{Context, incident_summary};
use crate::cli::UseArgs;
use crate::error::Result;

pub fn run(context: &Context, args: UseArgs, out: &mut dyn Write) -> Result<()> {
    let chosen = context.resolve(&args.reference)?;
    let incident = context.store.load(&chosen)?;
    context.store.set_current(&chosen)?;
    context.warn_if_environment_overrides();
    incident_summary(context, &incident, "is now the current incident", out)
}
