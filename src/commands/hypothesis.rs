//! `incident hypothesis TEXT… [--explains S…] [--from INCIDENT:LABEL]`: a testable
//! explanation, or one weighed in an earlier incident, recorded again here.

use crate::cli::HypothesisArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::input::read_text;
use crate::record;
use crate::ui::Ui;
use incident_core::model::{Body, Error as ModelError, Kind, Label, check_text, parse_labels};

pub fn run(context: &Context, ui: &mut Ui, args: HypothesisArgs) -> Result<()> {
    let id = context.target()?;
    let explains = parse_labels(&args.explains)?;
    let text = match &args.from {
        Some(from) => from_earlier(context, &id, from, Kind::Hypothesis, &args.entry.text)?,
        None => read_text(&args.entry.text)?,
    };
    let stamp = context.stamp(&args.entry.stamp)?;
    record::record_one(context, ui, &id, stamp, Body::Hypothesis { explains }, text)
}

/// The text of an entry of an earlier incident recorded again in incident `here`: the
/// entry's current text (or `words`, when given), then where it came from. `from` is
/// `INCIDENT:LABEL`, the incident any reference `-i` takes.
pub fn from_earlier(
    context: &Context,
    here: &str,
    from: &str,
    kind: Kind,
    words: &[String],
) -> Result<String> {
    let usage = || {
        Error::Usage(format!(
            "--from takes INCIDENT:LABEL, an earlier incident and one of its {}s \
             (`2026-09-02-checkout:{}1`)",
            kind.name(),
            kind.series().letter()
        ))
    };
    let (reference, label) = from.rsplit_once(':').ok_or_else(usage)?;
    if reference.trim().is_empty() || label.trim().is_empty() {
        return Err(usage());
    }
    let label: Label = label.trim().parse()?;
    let earlier = context.resolve(reference.trim())?;
    if earlier == here {
        return Err(Error::Usage(format!(
            "--from names this incident, {earlier}; name an earlier one"
        )));
    }
    let incident = context.store.load(&earlier)?;
    let entry = incident.expect_entry(label, Some(kind))?;
    let state = incident.state();
    // A retracted entry no longer counts there: as good as none.
    if state.is_retracted(label) {
        return Err(ModelError::NoSuchEntry {
            label,
            expected: Some(kind),
        }
        .into());
    }
    let said = if words.is_empty() {
        state.text(entry).to_string()
    } else {
        read_text(words)?
    };
    let text = format!("{said} (from {earlier} {label})");
    check_text(&text)?;
    Ok(text)
}
