//! `incident close [TEXT…] [--root-cause H] [--at TIME]`: the incident is over.

use std::io::Write;

use super::{Context, incident_summary, read_text};
use crate::cli::CloseArgs;
use crate::error::Result;
use crate::model::Label;

pub fn run(context: &Context, args: CloseArgs, out: &mut dyn Write) -> Result<()> {
    let resolution = if args.text.is_empty() {
        None
    } else {
        Some(read_text(&args.text)?)
    };
    let root_cause: Option<Label> = args.root_cause.as_deref().map(str::parse).transpose()?;
    let stamp = context.stamp(&args.stamp)?;
    let id = context.target()?;
    let incident = context.store.update(&id, |incident| {
        incident.close(stamp, resolution, root_cause)?;
        Ok(incident.clone())
    })?;
    let message = match incident.root_cause() {
        Some(cause) => format!("closed; root cause {cause}"),
        None => "closed".to_string(),
    };
    incident_summary(context, &incident, &message, out)
}
