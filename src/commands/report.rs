//! `incident report [--format markdown|json] [-o FILE]`: the post-incident report.

use std::io::Write;

use super::{Context, emit};
use crate::cli::{ReportArgs, ReportFormat, Template};
use crate::error::{Error, Result};
use crate::report::{json, markdown, templates};
use crate::store;

pub fn run(context: &Context, args: ReportArgs, out: &mut dyn Write) -> Result<()> {
    let id = context.target()?;
    let incident = context.store.load(&id)?;
    let format = match (args.format, context.json) {
        (Some(ReportFormat::Markdown), true) => {
            return Err(Error::Usage(
                "--json asks for JSON, --format markdown for Markdown".into(),
            ));
        }
        (Some(format), _) => format,
        (None, true) => ReportFormat::Json,
        (None, false) => ReportFormat::Markdown,
    };
    let report = match (format, args.template) {
        (ReportFormat::Json, Template::Ddx) => json::render(&incident),
        (ReportFormat::Json, _) => {
            return Err(Error::Usage(
                "--template shapes the Markdown report; JSON has one shape".into(),
            ));
        }
        (ReportFormat::Markdown, Template::Ddx) => markdown::render(&incident, context.now),
        (ReportFormat::Markdown, Template::Google) => templates::google(&incident, context.now),
        (ReportFormat::Markdown, Template::Pagerduty) => {
            templates::pagerduty(&incident, context.now)
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
            store::write_file_atomically(path, report.as_bytes())
        }
        _ => emit(out, &report),
    }
}
