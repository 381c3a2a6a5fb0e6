//! `incident report [--format markdown|json] [-o FILE]`: the post-incident report.

use std::io::Write;

use super::{Context, emit};
use crate::cli::{ReportArgs, ReportFormat};
use crate::error::Result;
use crate::report::{json, markdown};
use crate::store;

pub fn run(context: &Context, args: ReportArgs, out: &mut dyn Write) -> Result<()> {
    let id = context.target()?;
    let incident = context.store.load(&id)?;
    let format = if context.json {
        ReportFormat::Json
    } else {
        args.format
    };
    let report = match format {
        ReportFormat::Markdown => markdown::render(&incident, context.now),
        ReportFormat::Json => json::render(&incident),
    };
    match &args.output {
        Some(path) => store::write_file_atomically(path, report.as_bytes()),
        None => emit(out, &report),
    }
}
