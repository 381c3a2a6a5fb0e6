//! `incident reopen`: the fix did not hold, or the incident was closed too soon.

use std::io::Write;

use super::{Context, incident_summary};
use crate::error::Result;

pub fn run(context: &Context, out: &mut dyn Write) -> Result<()> {
    let id = context.target()?;
    let stamp = context.stamp(&Default::default())?;
    let incident = context.store.update(&id, |incident| {
        incident.reopen(stamp)?;
        Ok(incident.clone())
    })?;
    incident_summary(context, &incident, "reopened", out)
}
