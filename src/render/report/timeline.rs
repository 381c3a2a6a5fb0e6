//! `## Timeline`: the story in order of time, from the opening, the lifecycle, the
//! impact's window, the marks and every entry that is an event of the response.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::shared::Report;
use super::text::{ITEM, text};
use crate::render::push_utc_time;
use incident_core::model::{Body, Change, Entry, Kind, Label, LabelMap, Mark, join_labels};

impl<'a> Report<'a> {
    /// The story, in order of time: the opening, each close and reopen, the impact's start
    /// and end, and every entry that is an event of the response. Entries at the same time
    /// keep the order they were recorded in, the opening first; they show their current
    /// text at their current time. What belongs to another line is folded into it: a
    /// correction into the entry it corrects, a `--run` result into its test. Impacts,
    /// causes, lessons and done marks have their own sections, with their labels.
    pub(super) fn timeline(&self, out: &mut String) {
        let incident = self.incident;
        let opening = Moment {
            at: incident.opened_at,
            recorded: Uuid::nil(),
            what: What::Opened,
            text: Some(self.state.title()),
            by: &incident.opened_by,
        };
        let entries = incident
            .entries
            .iter()
            .filter(|entry| self.on_timeline(entry))
            .map(|entry| Moment {
                at: self.state.at(entry),
                recorded: entry.uuid,
                what: What::Entry(entry),
                text: Some(self.state.text(entry)).filter(|said| !said.trim().is_empty()),
                by: &entry.by,
            });
        let windows = self.state.live(Kind::Impact).flat_map(|impact| {
            let (from, to) = self.state.window(impact);
            let moment = |at: DateTime<Utc>, what| Moment {
                at,
                recorded: impact.uuid,
                what,
                text: None,
                by: &impact.by,
            };
            from.map(|at| moment(at, What::ImpactStarted(impact)))
                .into_iter()
                .chain(to.map(|at| moment(at, What::ImpactEnded(impact))))
        });
        let changes = incident.lifecycle.iter().map(|change| Moment {
            at: change.at,
            recorded: change.uuid,
            what: match change.change {
                Change::Closed => What::Closed,
                Change::Reopened => What::Reopened,
            },
            text: change.resolution.as_deref(),
            by: &change.by,
        });
        // A merge made void by the same pair merged the other way first is no part of it.
        let marks = incident
            .marks
            .iter()
            .filter(|mark| incident.applies(mark))
            .map(|mark| Moment {
                at: mark.at,
                recorded: mark.uuid,
                what: What::Mark(mark),
                text: mark.why.as_deref(),
                by: &mark.by,
            });
        let mut moments: Vec<Moment> = std::iter::once(opening)
            .chain(entries)
            .chain(windows)
            .chain(changes)
            .chain(marks)
            .collect();
        // Equal times keep the order things were recorded in, which the uuid v7s give to
        // the millisecond; the opening comes first.
        moments.sort_by_key(|moment| (moment.at, moment.recorded));
        // Each test's bare `--run` results, gathered once: looked up per test, they made
        // a report of thousands of tests quadratic.
        let mut runs: LabelMap<Vec<&Entry>> = LabelMap::default();
        for result in &incident.entries {
            if let Body::Result { test, .. } = &result.body
                && self.is_bare_run(result)
            {
                runs.entry(*test).or_default().push(result);
            }
        }
        for moment in moments {
            out.push_str("- ");
            push_utc_time(out, moment.at);
            out.push_str(" UTC, ");
            match moment.what {
                What::Opened => out.push_str("opened"),
                What::Closed => out.push_str("closed"),
                What::Reopened => out.push_str("reopened"),
                What::Mark(mark) => {
                    out.push_str(mark.mark.name());
                    if let Some(other) = &mark.incident {
                        out.push(' ');
                        out.push_str(&text(other, ITEM));
                    }
                }
                What::Entry(entry) => self.timeline_what(out, entry),
                What::ImpactStarted(impact) => {
                    let _ = write!(out, "impact started ({})", impact.id);
                }
                What::ImpactEnded(impact) => {
                    let _ = write!(out, "impact ended ({})", impact.id);
                }
            }
            if let Some(said) = moment.text {
                out.push_str(": ");
                out.push_str(&text(said, ITEM));
            }
            if !matches!(moment.what, What::ImpactStarted(_) | What::ImpactEnded(_)) {
                out.push_str(" (by ");
                out.push_str(&text(moment.by, ITEM));
                out.push(')');
            }
            match moment.what {
                What::Entry(entry) => {
                    out.push_str(&self.corrections(entry, ITEM));
                    for result in runs.get(&entry.id).into_iter().flatten() {
                        self.ran(out, result);
                    }
                }
                What::Opened => out.push_str(&self.retitled()),
                _ => {}
            }
            out.push('\n');
        }
        out.push('\n');
    }

    /// Whether an entry is a line of its own on the timeline, rather than folded into
    /// another line or shown in a section of its own.
    fn on_timeline(&self, entry: &Entry) -> bool {
        match &entry.body {
            Body::Impact { .. } | Body::Cause { .. } | Body::Lesson { .. } | Body::Done { .. } => {
                false
            }
            Body::Amend { .. } => false,
            // A retraction keeps its line (its entry says it was taken back, and by whom);
            // one of a fact shown in its own section is named there.
            Body::Retract { target, .. } => self
                .state
                .entry(*target)
                .is_none_or(|taken| self.on_timeline(taken) || taken.kind() == Kind::Amend),
            Body::Result { .. } => !self.is_bare_run(entry),
            // Follow-ups recorded after the close belong to the postmortem, not the story.
            Body::Action { .. } => self
                .incident
                .closed_at()
                .is_none_or(|closed| self.state.at(entry) <= closed),
            _ => true,
        }
    }

    /// A result that only reports what `--run` did (no verdict): the test's line says it.
    fn is_bare_run(&self, entry: &Entry) -> bool {
        matches!(
            &entry.body,
            Body::Result { run: Some(_), rules_out, confirms, .. }
                if rules_out.is_empty() && confirms.is_empty()
        )
    }

    /// `; ran it, R1: exited with 0 after 5ms`: a test's bare `--run` result.
    fn ran(&self, out: &mut String, result: &Entry) {
        let _ = write!(
            out,
            "; ran it, **{}**: {}{}",
            result.id,
            text(self.state.text(result), ITEM),
            self.corrections(result, ITEM)
        );
    }

    /// ` (retitled by E3)` when the title shown is a correction, or nothing.
    fn retitled(&self) -> String {
        let retitles: Vec<Label> = self
            .state
            .live(Kind::Retitle)
            .map(|entry| entry.id)
            .collect();
        if retitles.is_empty() {
            String::new()
        } else {
            format!(" (retitled by {})", join_labels(&retitles))
        }
    }

    /// What the timeline says an entry was: its label, kind and the facts of its kind.
    fn timeline_what(&self, out: &mut String, entry: &Entry) {
        let _ = write!(out, "**{}** {}", entry.id, entry.kind().name());
        let _ = match &entry.body {
            Body::Amend { target, .. } | Body::Retract { target, .. } => {
                write!(out, " of {target}")
            }
            Body::Severity { severity } => write!(out, " {severity}"),
            Body::Stage { stage } => write!(out, " {}", stage.name()),
            Body::Role { role, holder } => {
                write!(out, " {} to {}", text(role, ITEM), text(holder, ITEM))
            }
            Body::Decision { option } => write!(out, " for {option}"),
            Body::Result { run: Some(_), .. } => write!(out, " of the command run"),
            _ => Ok(()),
        };
    }
}

struct Moment<'a> {
    at: DateTime<Utc>,
    recorded: Uuid,
    what: What<'a>,
    text: Option<&'a str>,
    by: &'a str,
}

enum What<'a> {
    Opened,
    Closed,
    Reopened,
    /// A merge, a discard or a restore.
    Mark(&'a Mark),
    Entry(&'a Entry),
    ImpactStarted(&'a Entry),
    ImpactEnded(&'a Entry),
}
