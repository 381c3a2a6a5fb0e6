//! `incident reopen`: the fix did not hold, or the incident was closed too soon.

use std::io::Write;

use uuid::Uuid;

use super::{Context, incident_summary};
use crate::error::Result;
use crate::model::{Change, Transition};

pub fn run(context: &Context, out: &mut dyn Write) -> Result<()> {
    let id = context.target()?;
    let by = context.author(&Default::default())?;
    let incident = context.store.update(&id, |incident| {
        incident.reopen(Transition {
            change: Change::Reopened,
            uuid: Uuid::now_v7(),
            at: context.now,
            recorded_at: context.now,
            by,
            resolution: None,
            root_cause: None,
        })?;
        Ok(incident.clone())
    })?;
    incident_summary(context, &incident, "reopened", out)
}
