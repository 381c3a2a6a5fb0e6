//! `incident list [--all]`: open incidents (all with `--all`), newest first.

use std::io::{self, Write};

use chrono::{DateTime, Timelike, Utc};
use serde::Serialize;

use super::{Context, emit, emit_json};
use crate::cli::ListArgs;
use crate::error::Result;
use crate::model::Status;
use crate::paint::Paint;
use crate::report::push_utc_time;
use crate::sanitize::{for_terminal, one_line};

/// `2026-11-21 02:47 UTC`: to the minute, so the column lines up.
fn minute(time: DateTime<Utc>) -> String {
    let mut text = String::with_capacity(20);
    push_utc_time(&mut text, time.with_second(0).unwrap_or(time));
    text.push_str(" UTC");
    text
}

#[derive(Serialize)]
struct Row<'a> {
    incident: &'a str,
    title: &'a str,
    status: Status,
    opened_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    current: bool,
    entries: usize,
}

pub fn run(context: &Context, args: ListArgs, out: &mut dyn Write) -> Result<()> {
    let (mut incidents, damaged) = context.store.summaries()?;
    for error in &damaged {
        let _ = writeln!(
            io::stderr(),
            "warning: {}",
            for_terminal(&error.to_string())
        );
    }
    incidents.retain(|incident| args.all || incident.status == Status::Open);
    // Newest first; incidents opened in the same second in the order they were opened.
    incidents.sort_by_key(|incident| std::cmp::Reverse((incident.opened_at, incident.uuid)));
    // A damaged pointer should not stop the listing; it is reported by commands that use it.
    let current = context.store.current().ok().flatten();
    let rows: Vec<Row> = incidents
        .iter()
        .map(|incident| Row {
            incident: &incident.id,
            title: &incident.title,
            status: incident.status,
            opened_at: incident.opened_at,
            closed_at: incident.closed_at,
            current: current.as_deref() == Some(incident.id.as_str()),
            entries: incident.entries,
        })
        .collect();
    if context.json {
        return emit_json(out, &rows);
    }
    if context.quiet {
        let ids: String = rows
            .iter()
            .map(|row| format!("{}\n", row.incident))
            .collect();
        return emit(out, &ids);
    }
    if rows.is_empty() && damaged.is_empty() {
        let _ = writeln!(
            io::stderr(),
            "{}",
            if args.all {
                "no incidents yet; start one with `incident open TITLE`"
            } else {
                "no open incidents; `incident list --all` shows closed ones too"
            }
        );
        return Ok(());
    }
    let paint = Paint::new(context.color);
    let width = rows.iter().map(|row| row.incident.len()).max().unwrap_or(0);
    let mut text = String::new();
    for row in &rows {
        let marker = if row.current { "*" } else { " " };
        let status = match row.status {
            Status::Open => paint.yellow("open  "),
            Status::Closed => paint.dim("closed"),
        };
        text.push_str(&format!(
            "{marker} {:<width$}  {status}  {}  {}\n",
            row.incident,
            minute(row.opened_at),
            one_line(row.title),
        ));
    }
    emit(out, &text)
}
