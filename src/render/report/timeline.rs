//! `## Timeline` and `## Key events`: the story in order of time. The Timeline tells every
//! event (the model's `State::is_event`): the opening, each close and reopen, the impact's
//! windows and every entry that is an event of the response, each at the time it happened
//! with its current text. Key events are the few of them a reader outside the team needs
//! (`State::is_key_event`, with the opening, the closes and the impact's start and end).
//! Neither tells what was done to the record (corrections, merges): `## Record` does.

use std::fmt::Write;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::shared::Report;
use super::text::{ITEM, text};
use crate::render::push_utc_time;
use incident_core::model::{Body, Change, Entry, Kind, LabelMap};

impl<'a> Report<'a> {
    /// Every event, in order of time; entries at the same time keep the order they were
    /// recorded in, the opening first. What belongs to another line is folded into it (a
    /// `--run` result into its test); impacts, causes, lessons and done marks have their
    /// own sections. An incident of more than one day is told a day at a time, under the
    /// day's date, so each line needs only its time.
    pub(super) fn timeline(&self, out: &mut String) {
        let incident = self.incident;
        let moments = self.events();
        // Each test's bare `--run` results, gathered once: looked up per test, they made
        // a report of thousands of tests quadratic.
        let mut runs: LabelMap<Vec<&Entry>> = LabelMap::default();
        for result in &incident.entries {
            if let Body::Result { test, .. } = &result.body
                && self.is_bare_run(result)
                && self.state.is_event(result)
            {
                runs.entry(*test).or_default().push(result);
            }
        }
        let by_day = days(&moments).len() > 1;
        let mut day: Option<NaiveDate> = None;
        for moment in &moments {
            if by_day && day != Some(moment.at.date_naive()) {
                day = Some(moment.at.date_naive());
                if !out.ends_with("\n\n") {
                    out.push('\n');
                }
                let _ = writeln!(out, "### {}\n", moment.at.format("%Y-%m-%d"));
            }
            out.push_str("- ");
            if by_day {
                // The time alone: `utc_time` past its `YYYY-MM-DD `.
                let mut stamp = String::with_capacity(19);
                push_utc_time(&mut stamp, moment.at);
                out.push_str(&stamp[11..]);
            } else {
                push_utc_time(out, moment.at);
            }
            out.push_str(" UTC, ");
            self.said(out, moment, true);
            if let What::Entry(entry) = moment.what {
                for result in runs.get(&entry.id).into_iter().flatten() {
                    self.ran(out, result);
                }
            }
            out.push('\n');
        }
        out.push('\n');
    }

    /// Every event, in order of time; at the same time in the order recorded, the
    /// opening first.
    fn events(&self) -> Vec<Moment<'a>> {
        let entries = self
            .incident
            .entries
            .iter()
            .filter(|entry| self.state.is_event(entry) && self.on_timeline(entry))
            .map(|entry| self.entry_moment(entry));
        let windows = self.state.live(Kind::Impact).flat_map(|impact| {
            let (from, to) = self.state.window(impact);
            let moment = |at: DateTime<Utc>, what| Moment {
                at,
                recorded: impact.uuid,
                what,
                text: None,
                by: &impact.by,
            };
            from.map(|at| moment(at, What::ImpactStarted(Some(impact))))
                .into_iter()
                .chain(to.map(|at| moment(at, What::ImpactEnded(Some(impact)))))
        });
        let mut moments: Vec<Moment> = std::iter::once(self.opening())
            .chain(entries)
            .chain(windows)
            .chain(self.lifecycle())
            .collect();
        // Equal times keep the order things were recorded in, which the uuid v7s give to
        // the millisecond; the opening comes first.
        moments.sort_by_key(|moment| (moment.at, moment.recorded));
        moments
    }

    /// The `### YYYY-MM-DD` headings of a Timeline told a day at a time (none for an
    /// incident of one day), which the `# Title` must not repeat.
    pub(super) fn timeline_headings(&self) -> Vec<String> {
        let days = days(&self.events());
        if days.len() > 1 {
            days.iter()
                .map(|day| day.format("%Y-%m-%d").to_string())
                .collect()
        } else {
            Vec::new()
        }
    }

    /// The key events, in order of time, one line each: the opening, the impact's start
    /// and end, every key event of the log, each close and reopen.
    pub(super) fn key_events(&self, out: &mut String) {
        let state = &self.state;
        let impact = |at: Option<DateTime<Utc>>, what| {
            at.map(|at| Moment {
                at,
                recorded: Uuid::nil(),
                what,
                text: None,
                by: "",
            })
        };
        let entries = self
            .incident
            .entries
            .iter()
            .filter(|entry| state.is_key_event(entry))
            .map(|entry| self.entry_moment(entry));
        let mut moments: Vec<Moment> = std::iter::once(self.opening())
            .chain(impact(state.impact_started_at(), What::ImpactStarted(None)))
            .chain(impact(state.impact_ended_at(), What::ImpactEnded(None)))
            .chain(entries)
            .chain(self.lifecycle())
            .collect();
        moments.sort_by_key(|moment| (moment.at, moment.recorded));
        for moment in &moments {
            out.push_str("- ");
            push_utc_time(out, moment.at);
            out.push_str(" UTC, ");
            self.said(out, moment, false);
            out.push('\n');
        }
        out.push('\n');
    }

    fn opening(&self) -> Moment<'a> {
        Moment {
            at: self.incident.opened_at,
            recorded: Uuid::nil(),
            what: What::Opened,
            text: Some(self.state.title()),
            by: &self.incident.opened_by,
        }
    }

    fn lifecycle(&self) -> impl Iterator<Item = Moment<'a>> + 'a {
        self.incident.lifecycle.iter().map(|change| Moment {
            at: change.at,
            recorded: change.uuid,
            what: match change.change {
                Change::Closed => What::Closed,
                Change::Reopened => What::Reopened,
            },
            text: change.resolution.as_deref(),
            by: &change.by,
        })
    }

    fn entry_moment(&self, entry: &'a Entry) -> Moment<'a> {
        Moment {
            at: self.state.at(entry),
            recorded: entry.uuid,
            what: What::Entry(entry),
            text: Some(self.state.text(entry)).filter(|said| !said.trim().is_empty()),
            by: &entry.by,
        }
    }

    /// What a line says after its time: what happened, its text, and on the Timeline
    /// (`full`) who recorded it.
    fn said(&self, out: &mut String, moment: &Moment<'a>, full: bool) {
        if let What::Entry(result) = moment.what
            && !full
            && self.confirmed(out, result)
        {
            return;
        }
        match moment.what {
            What::Opened => {
                out.push_str("opened");
                // The severity it was opened at is told here, not as a change.
                if let Some(entry) = self.state.opening_severity()
                    && let Body::Severity { severity } = &entry.body
                {
                    let _ = write!(out, " at severity {severity} (**{}**)", entry.id);
                }
            }
            What::Closed => out.push_str("closed"),
            What::Reopened => out.push_str("reopened"),
            What::Entry(entry) => self.timeline_what(out, entry),
            What::ImpactStarted(impact) => {
                out.push_str("impact started");
                if let Some(impact) = impact {
                    let _ = write!(out, " ({})", impact.id);
                }
            }
            What::ImpactEnded(impact) => {
                out.push_str("impact ended");
                if let Some(impact) = impact {
                    let _ = write!(out, " ({})", impact.id);
                }
            }
        }
        if let Some(said) = moment.text {
            out.push_str(": ");
            out.push_str(&text(said, ITEM));
        }
        if full && !matches!(moment.what, What::ImpactStarted(_) | What::ImpactEnded(_)) {
            out.push_str(" (by ");
            out.push_str(&text(moment.by, ITEM));
            out.push(')');
        }
    }

    /// Whether an event is a line of its own on the timeline, rather than folded into
    /// another line or shown in a section of its own.
    fn on_timeline(&self, entry: &Entry) -> bool {
        match &entry.body {
            Body::Impact { .. } | Body::Cause { .. } | Body::Lesson { .. } | Body::Done { .. } => {
                false
            }
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
            "; ran it, **{}**: {}",
            result.id,
            text(self.state.text(result), ITEM),
        );
    }

    /// What a line says an entry was: its label, kind and the facts of its kind.
    fn timeline_what(&self, out: &mut String, entry: &Entry) {
        let _ = write!(out, "**{}** {}", entry.id, entry.kind().name());
        let _ = match &entry.body {
            Body::Severity { severity } => write!(out, " {severity}"),
            Body::Stage { stage } => write!(out, " {}", stage.name()),
            Body::Role { role, holder } => {
                write!(out, " {} to {}", text(role, ITEM), text(holder, ITEM))
            }
            Body::Decision { option } => {
                let _ = write!(out, " for {option}");
                match self.state.entry(*option) {
                    Some(chosen) => {
                        write!(out, " ({})", text(self.state.text(chosen), ITEM))
                    }
                    None => Ok(()),
                }
            }
            Body::Update { to } => write!(out, " to {}", text(to, ITEM)),
            Body::Escalation { name } => write!(out, " to {}", text(name, ITEM)),
            Body::Result { run: Some(_), .. } => write!(out, " of the command run"),
            _ => Ok(()),
        };
    }

    /// `**H3** confirmed by **R3**: what H3 says`, for a key event of the hypotheses a
    /// result confirmed, which is what a reader outside the team needs of it; false (and
    /// nothing written) for any other entry.
    fn confirmed(&self, out: &mut String, result: &Entry) -> bool {
        let confirmed: Vec<&Entry> = self
            .state
            .established(result)
            .into_iter()
            .filter_map(|label| self.state.entry(label))
            .collect();
        if confirmed.is_empty() {
            return false;
        }
        let labels: Vec<String> = confirmed
            .iter()
            .map(|hypothesis| format!("**{}**", hypothesis.id))
            .collect();
        let said: Vec<String> = confirmed
            .iter()
            .map(|hypothesis| text(self.state.text(hypothesis), ITEM))
            .collect();
        let _ = write!(
            out,
            "{} confirmed by **{}**: {}",
            labels.join(", "),
            result.id,
            said.join("; ")
        );
        true
    }
}

/// The dates (UTC) of the moments, in order, each once.
fn days(moments: &[Moment<'_>]) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = moments
        .iter()
        .map(|moment| moment.at.date_naive())
        .collect();
    days.dedup();
    days
}

/// A line of the story: when, what, the text it shows and who recorded it.
pub(super) struct Moment<'a> {
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
    Entry(&'a Entry),
    /// An impact's start, or (`None`) the impact's as a whole.
    ImpactStarted(Option<&'a Entry>),
    ImpactEnded(Option<&'a Entry>),
}
