//! `incident close [TEXT…] [--root-cause H] [--at TIME]`: the incident is over.

use uuid::Uuid;

use crate::cli::CloseArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::input::read_text;
use crate::ui::Ui;
use incident_core::model::{Label, RootCause};

pub fn run(context: &Context, ui: &mut Ui, args: CloseArgs) -> Result<()> {
    let id = context.target()?;
    let resolution = if args.text.is_empty() {
        None
    } else {
        Some(read_text(&args.text)?)
    };
    // Recorded as a root cause like any other, in the hypothesis's words, unless it is one
    // already: the model's rule (`Incident::close`).
    let root_cause = args
        .root_cause
        .as_deref()
        .map(str::parse::<Label>)
        .transpose()?
        .map(|hypothesis| RootCause {
            hypothesis,
            uuid: Uuid::now_v7(),
        });
    let stamp = context.stamp(&args.stamp)?;
    let saved = context.store.update(&id, |incident| {
        Ok::<_, Error>(incident.close(stamp, resolution, root_cause)?)
    })?;
    let message = match saved.incident.state().root_cause() {
        Some(cause) => format!("closed; root cause {cause}"),
        None => "closed".to_string(),
    };
    let printed = ui.print_incident(&saved.incident, &message);
    crate::record::run_incident_hook(context, ui, &saved.incident, "close");
    printed
}
