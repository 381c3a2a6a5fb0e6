//! Every view of an incident: the board, receipts, list lines, the handover, and the
//! Markdown and JSON reports. `&T -> String`, no I/O: a renderer never reads a file or
//! writes to a stream. The same closed incident always renders byte-identically; only an
//! open incident's views depend on `now`.

pub mod board;
pub mod chart;
pub mod contacts;
pub mod escape;
pub mod handover;
pub mod json;
pub mod list;
pub mod log;
pub mod paint;
pub mod prompt;
pub mod receipt;
pub mod report;
pub mod run;
pub mod search;
pub mod show;
pub mod slack;
pub mod stats;
pub mod sync;
pub mod synonyms;
pub mod update;

use chrono::{DateTime, Datelike, Timelike, Utc};

/// The words with their first letter in capitals, as a line or sentence starts.
pub fn capitalised(words: &str) -> String {
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A UTC time as reports show it: `2026-11-21 02:47`, with seconds when they are not zero.
pub fn utc_time(time: DateTime<Utc>) -> String {
    let mut text = String::with_capacity(19);
    push_utc_time(&mut text, time);
    text
}

/// `utc_time`, written by hand into `out`: chrono's formatter took a tenth of the time of
/// a 10,000-entry report.
pub fn push_utc_time(out: &mut String, time: DateTime<Utc>) {
    fn digits(out: &mut String, value: u32, width: u32) {
        for place in (0..width).rev() {
            let digit = value / 10u32.pow(place) % 10;
            out.push(char::from(b'0' + digit as u8));
        }
    }
    let (date, clock) = (time.date_naive(), time.time());
    digits(out, date.year().clamp(0, 9999) as u32, 4);
    out.push('-');
    digits(out, date.month(), 2);
    out.push('-');
    digits(out, date.day(), 2);
    out.push(' ');
    digits(out, clock.hour(), 2);
    out.push(':');
    digits(out, clock.minute(), 2);
    if clock.second() != 0 {
        out.push(':');
        digits(out, clock.second(), 2);
    }
}

/// Every duration in every view reads by the core's one rule (`24h 11m`, `3d 4h`).
pub use incident_core::duration::{human_duration, human_duration_ms};

/// What a correction sets, field by field, each as `(name, value)`: how `show` lists
/// them and `amendment` words them.
pub fn amended_fields(change: &incident_core::model::Amendment) -> Vec<(&'static str, String)> {
    use incident_core::sanitize::one_line;
    let utc = |time: &chrono::DateTime<chrono::Utc>| format!("{} UTC", utc_time(*time));
    let mut fields = Vec::new();
    let mut put = |name: &'static str, value: Option<String>| {
        if let Some(value) = value {
            fields.push((name, value));
        }
    };
    put("time", change.time.as_ref().map(utc));
    put("owner", change.owner.as_deref().map(one_line));
    put("due", change.due.map(|due| due.to_string()));
    put("link", change.link.as_deref().map(one_line));
    put("consequence", change.consequence.as_deref().map(one_line));
    put("situation", change.situation.map(|label| label.to_string()));
    put("from", change.from.as_ref().map(utc));
    put("to", change.to.as_ref().map(utc));
    put("cause", change.cause.map(|cause| cause.name().to_string()));
    put("went", change.went.map(|went| went.name().to_string()));
    put(
        "explains",
        change.explains.as_ref().map(|explains| {
            if explains.is_empty() {
                "nothing".to_string()
            } else {
                incident_core::model::join_labels(explains)
            }
        }),
    );
    put(
        "key event",
        change
            .key
            .map(|key| if key { "yes" } else { "no" }.to_string()),
    );
    fields
}

/// What an amendment changed, the one wording of it everywhere (receipt, log, show): `now reads: …; time now 2026-11-21 02:40 UTC`.
pub fn amendment(correction: &incident_core::model::Entry) -> String {
    let incident_core::model::Body::Amend { change, .. } = &correction.body else {
        return incident_core::sanitize::one_line(&correction.text);
    };
    let mut changes = Vec::new();
    if !correction.text.is_empty() {
        changes.push(format!(
            "now reads: {}",
            incident_core::sanitize::one_line(&correction.text)
        ));
    }
    for (name, value) in amended_fields(change) {
        changes.push(format!("{name} now {value}"));
    }
    changes.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_show_seconds_only_when_they_matter() {
        let time: DateTime<Utc> = "2026-11-21T02:47:00Z".parse().unwrap();
        assert_eq!(utc_time(time), "2026-11-21 02:47");
        let time: DateTime<Utc> = "2026-11-21T02:47:09Z".parse().unwrap();
        assert_eq!(utc_time(time), "2026-11-21 02:47:09");
    }
}
