//! `stats`: the figures across incidents, as text with small terminal charts, as Markdown
//! for a wiki or a ticket, or as JSON. Durations are told by their median, 90th
//! percentile and count (order statistics only: skewed durations are misread by any
//! sum-based summary), with a note where the count is too small.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::paint::Paint;
use super::{human_duration, utc_time};
use incident_core::model::{Distribution, FEW, Origin, Severity, Stats};

/// What a count of too few values is called, everywhere it is shown.
const TOO_FEW: &str = "too few to go by";
/// The widest bar of a count chart.
const BAR_WIDTH: usize = 40;
/// Where a duration falls in the spread chart: up to each of these many seconds, and
/// beyond the last.
const SPREAD_EDGES: [i64; 9] = [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400];
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

fn severity_key(severity: Option<Severity>) -> String {
    severity.map_or("none".to_string(), |severity| severity.to_string())
}

fn severity_name(severity: Option<Severity>) -> String {
    severity.map_or("none set".to_string(), |severity| {
        format!("severity {severity}")
    })
}

fn distribution_json(distribution: &Distribution) -> Value {
    json!({
        "median": distribution.median,
        "p90": distribution.p90,
        "n": distribution.n,
    })
}

pub fn json(stats: &Stats, since: Option<DateTime<Utc>>) -> String {
    let mut object = Map::new();
    object.insert("incidents".into(), json!(stats.incidents));
    object.insert("closed".into(), json!(stats.closed));
    object.insert("since".into(), json!(since));
    let by_severity: Map<String, Value> = stats
        .by_severity
        .iter()
        .map(|(severity, count)| (severity_key(*severity), json!(count)))
        .collect();
    object.insert("by_severity".into(), Value::Object(by_severity));
    let by_month: Map<String, Value> = stats
        .by_month
        .iter()
        .map(|(month, count)| (month.clone(), json!(count)))
        .collect();
    object.insert("by_month".into(), Value::Object(by_month));
    for (measure, distribution) in &stats.durations {
        object.insert(measure.key().into(), distribution_json(distribution));
    }
    object.insert(
        "hypotheses_per_incident".into(),
        distribution_json(&stats.hypotheses),
    );
    object.insert("tests_per_incident".into(), distribution_json(&stats.tests));
    object.insert(
        "root_cause_recorded".into(),
        json!({ "incidents": stats.root_cause_recorded, "closed": stats.closed }),
    );
    object.insert("percentiles".into(), json!("nearest-rank"));
    super::json::to_json(&Value::Object(object))
}

/// `7 of 9 closed incidents (78%)`, or that none is closed yet.
fn root_cause_share(stats: &Stats) -> String {
    if stats.closed == 0 {
        return "no incident is closed yet".to_string();
    }
    let percent = stats.root_cause_recorded * 100 / stats.closed;
    format!(
        "{} of {} closed incidents ({percent}%)",
        stats.root_cause_recorded, stats.closed
    )
}

/// `12 incidents (9 closed) opened since …`.
fn headline(stats: &Stats, since: Option<DateTime<Utc>>) -> String {
    let noun = if stats.incidents == 1 {
        "incident"
    } else {
        "incidents"
    };
    let since = since.map_or(String::new(), |since| {
        format!(", opened since {} UTC", utc_time(since))
    });
    format!(
        "{} {noun} ({} closed){since}",
        stats.incidents, stats.closed
    )
}

fn duration(value: Option<i64>) -> String {
    value.map_or("-".to_string(), human_duration)
}

fn count(value: Option<i64>) -> String {
    value.map_or("-".to_string(), |value| value.to_string())
}

pub fn text(stats: &Stats, since: Option<DateTime<Utc>>, paint: &Paint) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint.bold(&headline(stats, since)));
    let widest = stats
        .by_severity
        .iter()
        .map(|(_, count)| *count)
        .chain(stats.by_month.iter().map(|(_, count)| *count))
        .max()
        .unwrap_or(0);
    let bar = |count: usize| "█".repeat((count * BAR_WIDTH).div_ceil(widest.max(1)));
    if !stats.by_severity.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint.bold("By severity (the most severe reached)")
        );
        for (severity, count) in &stats.by_severity {
            let _ = writeln!(
                out,
                "  {:<11} {count:>5}  {}",
                severity_name(*severity),
                bar(*count)
            );
        }
        let _ = writeln!(out, "\n{}", paint.bold("By month opened (UTC)"));
        for (month, count) in &stats.by_month {
            let _ = writeln!(out, "  {month:<11} {count:>5}  {}", bar(*count));
        }
    }
    let spread_scale = format!(
        "  spread: <{} … >{}",
        human_duration(SPREAD_EDGES[0]),
        human_duration(SPREAD_EDGES[SPREAD_EDGES.len() - 1])
    );
    // The names' column fits the longest measure's name.
    let width = stats
        .durations
        .iter()
        .map(|(measure, _)| measure.name().len())
        .max()
        .unwrap_or(0)
        .max("hypotheses".len());
    header(&mut out, paint, width, "Closed incidents", &spread_scale);
    for (measure, distribution) in &stats.durations {
        let note = if distribution.too_few() {
            paint.dim(&format!("  {TOO_FEW}"))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {:<width$} {:>8} {:>8} {:>5}  {}{note}",
            measure.name(),
            duration(distribution.median),
            duration(distribution.p90),
            distribution.n,
            spread(&distribution.values)
        );
    }
    header(&mut out, paint, width, "Per incident", "");
    for (name, distribution) in [("hypotheses", &stats.hypotheses), ("tests", &stats.tests)] {
        let _ = writeln!(
            out,
            "  {name:<width$} {:>8} {:>8} {:>5}",
            count(distribution.median),
            count(distribution.p90),
            distribution.n
        );
    }
    let _ = writeln!(out, "\nRoot cause recorded: {}", root_cause_share(stats));
    let _ = writeln!(
        out,
        "{}",
        paint.dim(&format!(
            "Median and p90 by nearest rank: each is a duration some incident took. \
             Fewer than {FEW}: {TOO_FEW}."
        ))
    );
    out
}

/// The heading of a table of distributions, its columns lined up with the rows, whose
/// names take `width`.
fn header(out: &mut String, paint: &Paint, width: usize, title: &str, tail: &str) {
    let width = width + 2;
    let line = format!(
        "{title:<width$} {:>8} {:>8} {:>5}{tail}",
        "median", "p90", "n"
    );
    let _ = writeln!(out, "\n{}", paint.bold(&line));
}

/// A histogram of durations on a rough log scale, one character a bucket
/// (`SPREAD_EDGES`), its height the bucket's share of the fullest; blank where empty.
fn spread(values: &[i64]) -> String {
    let mut buckets = [0usize; SPREAD_EDGES.len() + 1];
    for value in values {
        buckets[SPREAD_EDGES.partition_point(|edge| edge < value)] += 1;
    }
    let fullest = buckets.iter().copied().max().unwrap_or(0);
    buckets
        .iter()
        .map(|count| match count {
            0 => ' ',
            count => LEVELS[(count * LEVELS.len()).div_ceil(fullest.max(1)) - 1],
        })
        .collect::<String>()
        .trim_end()
        .to_string()
}

pub fn markdown(stats: &Stats, since: Option<DateTime<Utc>>) -> String {
    let mut out = String::from("# Incident statistics\n\n");
    // Numbers and times only: nothing to escape.
    let _ = writeln!(out, "{}.\n", headline(stats, since));
    if !stats.by_severity.is_empty() {
        out.push_str("## By severity\n\nThe most severe each incident reached.\n\n");
        out.push_str("| severity | incidents |\n| --- | ---: |\n");
        for (severity, count) in &stats.by_severity {
            let _ = writeln!(out, "| {} | {count} |", severity_name(*severity));
        }
        out.push_str("\n## By month\n\nThe month each incident opened, in UTC.\n\n");
        out.push_str("| month | incidents |\n| --- | ---: |\n");
        for (month, count) in &stats.by_month {
            let _ = writeln!(out, "| {month} | {count} |");
        }
        out.push('\n');
    }
    // Where each measure counts from, as the model says.
    let from_opening: Vec<&str> = stats
        .durations
        .iter()
        .filter(|(measure, _)| measure.origin() == Origin::Opening)
        .map(|(measure, _)| measure.name())
        .collect();
    let opening = if from_opening.is_empty() {
        String::new()
    } else {
        format!(" ({} from the opening)", from_opening.join(", "))
    };
    let _ = write!(
        out,
        "## Durations\n\nOver the closed incidents that have each, from the impact \
         start{opening}: the median and the 90th percentile by nearest rank, each a duration \
         some incident took.\n\n",
    );
    out.push_str("| measure | median | p90 | n | note |\n| --- | ---: | ---: | ---: | --- |\n");
    for (measure, distribution) in &stats.durations {
        // An empty cell is one space: markdownlint's compact table style.
        let note = if distribution.too_few() {
            format!(" {TOO_FEW} ")
        } else {
            " ".to_string()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |{note}|",
            measure.name(),
            duration(distribution.median),
            duration(distribution.p90),
            distribution.n
        );
    }
    out.push_str("\n## Per incident\n\n");
    out.push_str("| count | median | p90 | n |\n| --- | ---: | ---: | ---: |\n");
    for (name, distribution) in [("hypotheses", &stats.hypotheses), ("tests", &stats.tests)] {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} |",
            count(distribution.median),
            count(distribution.p90),
            distribution.n
        );
    }
    let _ = writeln!(
        out,
        "\n## Root causes\n\nRoot cause recorded: {}.",
        root_cause_share(stats)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spread_is_a_histogram_on_a_log_scale() {
        assert_eq!(spread(&[]), "");
        assert_eq!(spread(&[30, 30, 400]), "█ ▄");
        assert_eq!(spread(&[100_000]), "         █");
    }
}
