//! `incident close [TEXT…] [--root-cause H] [--at TIME]`: the incident is over.

use std::io::Write;

use super::{Context, incident_summary, read_text};
use crate::cli::CloseArgs;
use crate::error::Result;
use crate::model::{HypothesisStatus, Incident, Kind, Label, join_labels};

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
    let message = match incident.state().root_cause() {
        Some(cause) => format!("closed; root cause {cause}"),
        None => "closed".to_string(),
    };
    incident_summary(context, &incident, &message, out)?;
    if root_cause.is_none() {
        warn_if_root_cause_was_a_guess(&incident);
    }
    Ok(())
}

/// With several confirmed hypotheses and no `--root-cause`, the first is named; say so.
fn warn_if_root_cause_was_a_guess(incident: &Incident) {
    let state = incident.state();
    let confirmed: Vec<Label> = state
        .live(Kind::Hypothesis)
        .map(|hypothesis| hypothesis.id)
        .filter(|label| state.status(*label) == HypothesisStatus::Confirmed)
        .collect();
    if let [first, _, ..] = confirmed.as_slice() {
        let _ = writeln!(
            std::io::stderr(),
            "hint: {} are all confirmed; {first} is named as the root cause \
             (`incident reopen`, then `incident close --root-cause H` to name another)",
            join_labels(&confirmed)
        );
    }
}
