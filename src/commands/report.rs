//! `incident report [--format markdown|json] [--template …] [-o FILE]`: the
//! post-incident report.

use crate::cli::{ReportArgs, ReportFormat, Template};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::render::{json, report};
use crate::ui::{Mode, Ui};
use incident_core::store;

pub fn run(context: &Context, ui: &mut Ui, args: ReportArgs) -> Result<()> {
    let id = context.target()?;
    let incident = context.store.load(&id)?;
    let format = match (args.format, ui.mode() == Mode::Json) {
        (Some(ReportFormat::Markdown), true) => {
            return Err(Error::Usage(
                "--json asks for JSON, --format markdown for Markdown".into(),
            ));
        }
        (Some(format), _) => format,
        (None, true) => ReportFormat::Json,
        (None, false) => ReportFormat::Markdown,
    };
    let options = report::Options {
        chart: !args.no_chart,
    };
    let report = match (format, args.template) {
        (ReportFormat::Json, Template::Ddx) => {
            // What `status --json` prints, seen-before included; the Markdown report
            // stays a function of its document alone.
            super::status::with_seen_before(context, &incident, |seen_before, _| {
                json::render(&incident, seen_before, context.now)
            })
        }
        (ReportFormat::Json, _) => {
            return Err(Error::Usage(
                "--template shapes the Markdown report; JSON has one shape".into(),
            ));
        }
        (ReportFormat::Markdown, Template::Ddx) => report::render(&incident, context.now, options),
        (ReportFormat::Markdown, Template::Google) => {
            report::google(&incident, context.now, options)
        }
        (ReportFormat::Markdown, Template::Pagerduty) => {
            report::pagerduty(&incident, context.now, options)
        }
    };
    match args.output.as_deref() {
        Some(path) if path.as_os_str() != "-" => {
            // The report is the user's file to put anywhere but over the log itself.
            if context.store.contains(path) {
                return Err(Error::InsideDataDirectory {
                    path: path.to_path_buf(),
                });
            }
            if let Some(warning) = store::write_file_atomically(path, report.as_bytes())? {
                ui.warn(&warning);
            }
            Ok(())
        }
        _ => ui.print(&report),
    }
}
