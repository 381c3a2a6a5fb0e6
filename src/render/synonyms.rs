//! The words that mean one thing: every group a line, where it comes from first (the
//! team's, shared; the file kept by hand on this machine; built in), then its words and
//! phrases as the file's format writes them; as JSON; and what adding a group or taking
//! words out did. Whatever a teammate typed, or a remote sent, reaches the terminal escaped.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::json::to_json;
use super::paint::Paint;
use incident_core::sanitize::one_line;
use incident_core::search::{Changed, Group};

/// Where a group comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// The team's, shared through the remote.
    Team,
    /// The file kept by hand in the data directory, on this machine only.
    File,
    BuiltIn,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Team => "team",
            Source::File => "file",
            Source::BuiltIn => "built-in",
        }
    }
}

/// A group as listed.
#[derive(Clone, Copy, Debug)]
pub struct Listed<'a> {
    pub source: Source,
    pub words: &'a [String],
    /// The team's record of it.
    pub group: Option<&'a Group>,
}

/// A group's words as one line of the file's format: `wal, write-ahead log`.
fn words_line(words: &[String]) -> String {
    one_line(&words.join(", "))
}

/// Every group a line, where it comes from in a column first.
pub fn lines(listed: &[Listed<'_>], paint: &Paint) -> String {
    let width = listed
        .iter()
        .map(|listed| listed.source.name().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for listed in listed {
        let source = listed.source.name();
        out.push_str(&paint.dim(source));
        out.extend(std::iter::repeat_n(' ', width - source.len() + 2));
        out.push_str(&words_line(listed.words));
        out.push('\n');
    }
    out
}

/// The groups alone, one a line, in the file's format.
pub fn groups(listed: &[Listed<'_>]) -> String {
    listed
        .iter()
        .map(|listed| format!("{}\n", words_line(listed.words)))
        .collect()
}

#[derive(Serialize)]
struct GroupView<'a> {
    words: &'a [String],
    source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    changed_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    changed_by: Option<&'a str>,
}

fn view<'a>(listed: &Listed<'a>) -> GroupView<'a> {
    GroupView {
        words: listed.words,
        source: listed.source,
        changed_at: listed.group.map(|group| group.changed_at),
        changed_by: listed.group.map(|group| group.changed_by.as_str()),
    }
}

/// Every group as a JSON array.
pub fn json(listed: &[Listed<'_>]) -> String {
    to_json(&listed.iter().map(view).collect::<Vec<_>>())
}

/// A group added, as one line.
pub fn added_line(words: &[String]) -> String {
    format!("{}\n", words_line(words))
}

/// A group added, as JSON, with what adding it did (`added`, `unchanged`, `built-in`).
pub fn added_json(listed: &Listed<'_>, change: &str) -> String {
    #[derive(Serialize)]
    struct Added<'a> {
        #[serde(flatten)]
        group: GroupView<'a>,
        change: &'a str,
    }
    to_json(&Added {
        group: view(listed),
        change,
    })
}

/// What taking words out did, a group a line: `wal, xlog: removed`, `wal, write-ahead
/// log, xlog: now wal, write-ahead log`.
pub fn changed_lines(changed: &[Changed]) -> String {
    changed
        .iter()
        .map(|changed| match &changed.now {
            None => format!("{}: removed\n", words_line(&changed.was)),
            Some(now) => format!("{}: now {}\n", words_line(&changed.was), words_line(now)),
        })
        .collect()
}

/// What taking words out did, as a JSON array: each group changed, `was` and `now` (null
/// when it is gone).
pub fn changed_json(changed: &[Changed]) -> String {
    let views: Vec<serde_json::Value> = changed
        .iter()
        .map(|changed| {
            serde_json::json!({
                "was": changed.was,
                "now": changed.now,
                "change": if changed.now.is_some() { "changed" } else { "removed" },
            })
        })
        .collect();
    to_json(&views)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_a_line_where_it_comes_from_first_and_nothing_raw() {
        let team = vec!["wal".to_string(), "write-ahead\u{1b}[2J log".to_string()];
        let built_in = vec!["db".to_string(), "database".to_string()];
        let listed = [
            Listed {
                source: Source::Team,
                words: &team,
                group: None,
            },
            Listed {
                source: Source::BuiltIn,
                words: &built_in,
                group: None,
            },
        ];
        assert_eq!(
            lines(&listed, &Paint::new(false)),
            "team      wal, write-ahead\\x1b[2J log\n\
             built-in  db, database\n"
        );
        assert_eq!(
            groups(&listed),
            "wal, write-ahead\\x1b[2J log\ndb, database\n"
        );
        assert_eq!(
            changed_lines(&[
                Changed {
                    was: team.clone(),
                    now: None
                },
                Changed {
                    was: vec!["a".into(), "b".into(), "c".into()],
                    now: Some(vec!["a".into(), "b".into()]),
                },
            ]),
            "wal, write-ahead\\x1b[2J log: removed\na, b, c: now a, b\n"
        );
    }
}
