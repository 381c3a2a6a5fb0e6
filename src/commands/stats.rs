//! `incident stats [--since TIME] [--format text|markdown|json]`: figures across
//! incidents, from the summaries the list cache keeps (each the model's own metrics).

use chrono::{DateTime, Local, TimeZone, Utc};

use crate::cli::{StatsArgs, StatsFormat};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::render::stats;
use crate::time;
use crate::ui::{Mode, Ui};
use incident_core::model::{Counted, Facts, Stats};

pub fn run(context: &Context, ui: &mut Ui, args: StatsArgs) -> Result<()> {
    let since = args
        .since
        .as_deref()
        .map(|input| since(input, context.now))
        .transpose()?;
    let format = match (args.format, ui.mode() == Mode::Json) {
        (Some(StatsFormat::Text | StatsFormat::Markdown), true) => {
            return Err(Error::Usage(
                "--json prints JSON; --format text and markdown are for people".into(),
            ));
        }
        (Some(format), _) => format,
        (None, true) => StatsFormat::Json,
        (None, false) => StatsFormat::Text,
    };
    let (summaries, damaged) = context.store.summaries_with::<Facts>()?;
    for error in &damaged {
        ui.warn(&error.to_string());
    }
    let counted: Vec<Counted> = summaries
        .iter()
        .filter(|(summary, _)| summary.is_history())
        .filter(|(summary, _)| since.is_none_or(|since| summary.opened_at >= since))
        .map(|(summary, facts)| Counted {
            opened_at: summary.opened_at,
            status: summary.status,
            peak_severity: summary.peak_severity,
            facts,
        })
        .collect();
    let figures = Stats::of(&counted);
    match format {
        StatsFormat::Json => ui.print(&stats::json(&figures, since)),
        StatsFormat::Markdown => ui.print(&stats::markdown(&figures, since)),
        StatsFormat::Text => {
            let paint = ui.paint();
            ui.print(&stats::text(&figures, since, &paint))
        }
    }
}

/// `--since`: any TIME, or a date alone, meaning its local midnight.
fn since(input: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    match time::parse_at(input, now, &Local) {
        Err(Error::MalformedTime { .. }) if time::parse_date(input).is_ok() => {
            let date = time::parse_date(input)?;
            let midnight = date
                .and_hms_opt(0, 0, 0)
                .and_then(|midnight| Local.from_local_datetime(&midnight).earliest())
                .ok_or_else(|| Error::MalformedTime {
                    input: input.to_string(),
                })?
                .with_timezone(&Utc);
            if midnight > now {
                return Err(Error::FutureTime {
                    input: input.to_string(),
                });
            }
            Ok(midnight)
        }
        other => other,
    }
}
