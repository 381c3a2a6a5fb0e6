//! The picture of an incident: a mermaid gantt chart of the impact window, the stages,
//! each hypothesis from proposed to ruled out or confirmed, and each decision and key
//! event as a milestone. Built from labels and the report's own words only, so no user
//! text can break it.
//!
//! A long incident whose diagnosis was short (forty minutes of a day-long outage) gets a
//! second chart of the diagnosis alone: drawn on one axis, its hypotheses would be slivers.
//! The first chart then tells the day (impact, stages, key events, and the hypotheses
//! proposed after the diagnosis), the second the hunt, on an axis of its own.
//!
//! Times are written as UTC wall-clock times without a zone: mermaid reads them in the
//! viewer's zone and prints the axis in that same zone, so the axis shows UTC, like every
//! time in the report. The chart is a pure function of the document: an open incident
//! ends at the latest moment its log mentions, never at the clock, and `todayMarker off`
//! keeps the viewer's clock out of the picture too.

use std::fmt::Write as _;

use super::capitalised;
use chrono::{DateTime, TimeDelta, Utc};

use incident_core::model::{
    Body, Change, Entry, HypothesisStatus, ImpactEnd, Incident, Kind, Stage, State,
};

/// Hypotheses drawn one per row; beyond this the least telling (ruled out, latest first)
/// share one summary row, so a long hunt stays a readable picture.
const MAX_HYPOTHESIS_ROWS: usize = 12;

/// Key events drawn one milestone per row; beyond this the latest of the least telling
/// (neither decisions nor changes of severity) share one summary row.
const MAX_MILESTONE_ROWS: usize = 10;

/// The diagnosis gets a chart of its own when it took at most this share of the whole.
const DIAGNOSIS_SHARE: i32 = 8;

/// The chart as a fenced `mermaid` block (two, for a long incident with a short
/// diagnosis), or `None` when there is nothing to draw: no impact, no hypothesis and no
/// stage set, when the chart would only restate the header.
pub fn gantt(incident: &Incident) -> Option<String> {
    let state = incident.state();
    let has_stages = state.live(Kind::Stage).next().is_some();
    let has_hypotheses = state.live(Kind::Hypothesis).next().is_some();
    if state.impact_started_at().is_none() && !has_stages && !has_hypotheses {
        return None;
    }
    let end = end_of(incident, &state);
    let impact = impact(&state, end);
    let stages = stages(&state, incident, end);
    let milestones = milestones(&state);
    let everything = |hypotheses: Vec<Task>| -> [(&'static str, Vec<Task>); 4] {
        [
            ("Impact", impact.clone()),
            ("Response", stages.clone()),
            ("Hypotheses", hypotheses),
            ("Key events", milestones.clone()),
        ]
    };
    let whole = everything(hypotheses(&state, end, |_| true));
    let (first, last) = extent(&whole)?;
    let diagnosis = diagnosis(&state, incident)
        .filter(|(from, to)| (*to - *from) * DIAGNOSIS_SHARE <= last - first);
    let Some((from, to)) = diagnosis else {
        return Some(draw("Timeline (UTC)", &whole));
    };
    let hunted = |at: DateTime<Utc>| from <= at && at <= to;
    let day = everything(hypotheses(&state, end, |start| !hunted(start)));
    let hunt = everything(hypotheses(&state, end, hunted)).map(|(name, tasks)| {
        let tasks = tasks
            .iter()
            .filter_map(|task| task.within(from, to))
            .collect();
        (name, tasks)
    });
    let mut out = draw("Timeline (UTC)", &day);
    out.push_str(&draw("Diagnosis (UTC)", &hunt));
    Some(out)
}

/// The earliest and latest moments the sections' tasks mention.
fn extent(sections: &[(&str, Vec<Task>)]) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let moments = sections
        .iter()
        .flat_map(|(_, tasks)| tasks)
        .flat_map(|task| [task.start, task.end]);
    Some((moments.clone().min()?, moments.max()?))
}

/// One fenced chart of the sections that have tasks.
fn draw(title: &str, sections: &[(&str, Vec<Task>)]) -> String {
    let (first, last) = extent(sections).unwrap_or_default();
    // Across midnight an hour alone is ambiguous; the day's name is short enough for the
    // ten or so ticks mermaid draws in a ticket's width, the date once spans reach a week.
    let axis = if first.date_naive() == last.date_naive() {
        "%H:%M"
    } else if last - first < TimeDelta::days(6) {
        "%a %H:%M"
    } else {
        "%d %b"
    };
    let mut out = String::from("```mermaid\ngantt\n");
    let _ = writeln!(out, "    title {title}");
    out.push_str("    dateFormat YYYY-MM-DDTHH:mm:ss\n");
    let _ = writeln!(out, "    axisFormat {axis}");
    out.push_str("    todayMarker off\n");
    for (name, tasks) in sections.iter().filter(|(_, tasks)| !tasks.is_empty()) {
        let _ = writeln!(out, "    section {name}");
        for task in tasks {
            task.write(&mut out);
        }
    }
    out.push_str("```\n\n");
    out
}

/// The diagnosis: from the impact's start (or the opening, if earlier) until the cause
/// was identified (the first confirmation of a hypothesis or the first stage `identified`
/// or later, whichever came first) and every hypothesis raised by then was settled, so
/// that no bar of the hunt is cut short; `None` until then, or with no hypothesis.
fn diagnosis(state: &State, incident: &Incident) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = state
        .impact_started_at()
        .map_or(incident.opened_at, |impact| impact.min(incident.opened_at));
    let identified = state
        .live(Kind::Stage)
        .filter(|entry| matches!(entry.body, Body::Stage { stage } if stage >= Stage::Identified))
        .map(|entry| state.at(entry));
    let confirmed = state
        .confirmed()
        .into_iter()
        .filter_map(|hypothesis| state.confirmed_by(hypothesis.id))
        .map(|result| state.at(result));
    let identified = identified.chain(confirmed).min()?;
    let settled = state
        .live(Kind::Hypothesis)
        .filter(|hypothesis| state.at(hypothesis) <= identified)
        .filter_map(|hypothesis| settled_at(state, hypothesis))
        .max();
    let end = settled.map_or(identified, |settled| settled.max(identified));
    (end > start).then_some((start, end))
}

/// When a hypothesis was settled: the result it was known confirmed from, or the one that
/// ruled it out; `None` while it is open.
fn settled_at(state: &State, hypothesis: &Entry) -> Option<DateTime<Utc>> {
    match state.status(hypothesis.id) {
        HypothesisStatus::Confirmed => state.confirmed_by(hypothesis.id),
        HypothesisStatus::RuledOut => state
            .verdict(hypothesis.id)
            .and_then(|verdict| state.entry(verdict.by_result)),
        HypothesisStatus::Open => None,
    }
    .map(|result| state.at(result))
}

/// One bar (or, when it has no length, one milestone) of the chart.
#[derive(Clone, Debug)]
struct Task {
    /// Only labels and fixed words: a task name ends at the first `:`.
    name: String,
    tags: Vec<&'static str>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl Task {
    /// A bar from `start` to `end`; a milestone when it has no length (or `end` comes
    /// first, which a corrected time can make happen).
    fn new(name: String, tags: &[&'static str], start: DateTime<Utc>, end: DateTime<Utc>) -> Task {
        let mut tags = tags.to_vec();
        let end = end.max(start);
        if end == start && !tags.contains(&"milestone") {
            tags.push("milestone");
        }
        Task {
            name,
            tags,
            start,
            end,
        }
    }

    /// The part of it between `from` and `to`, if any; a bar that goes on past `to` says
    /// so.
    fn within(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<Task> {
        if self.end < from || self.start > to {
            return None;
        }
        let mut tags = self.tags.clone();
        let (start, end) = (self.start.max(from), self.end.min(to));
        if start != end {
            tags.retain(|tag| *tag != "milestone");
        }
        let name = if self.end > to {
            format!("{}, continues", self.name)
        } else {
            self.name.clone()
        };
        Some(Task::new(name, &tags, start, end))
    }

    fn write(&self, out: &mut String) {
        let _ = write!(out, "    {} :", self.name);
        for tag in &self.tags {
            let _ = write!(out, "{tag}, ");
        }
        let _ = writeln!(out, "{}, {}", moment(self.start), moment(self.end));
    }
}

fn moment(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Where open-ended bars stop: the close, or for an open incident the latest moment the
/// log mentions (never the clock, so the same document always draws the same chart).
fn end_of(incident: &Incident, state: &State) -> DateTime<Utc> {
    if let Some(closed) = incident.closed_at() {
        return closed;
    }
    let entries = incident
        .entries
        .iter()
        .filter(|entry| !state.is_retracted(entry.id))
        .flat_map(|entry| {
            let (from, to) = state.window(entry);
            let window = [from, to];
            std::iter::once(state.at(entry)).chain(window.into_iter().flatten())
        });
    let transitions = incident.lifecycle.iter().map(|transition| transition.at);
    entries
        .chain(transitions)
        .chain([incident.opened_at])
        .max()
        .unwrap_or(incident.opened_at)
}

/// The impact window: to its recorded end; with none, to the close (saying so), or to
/// `end` while the incident is open.
fn impact(state: &State, end: DateTime<Utc>) -> Vec<Task> {
    let Some(start) = state.impact_started_at() else {
        return Vec::new();
    };
    let task = match state.impact_end(end) {
        ImpactEnd::Recorded(ended) => Task::new("Impact".into(), &["crit"], start, ended),
        ImpactEnd::Closed(closed) => {
            Task::new("Impact, end not recorded".into(), &["crit"], start, closed)
        }
        ImpactEnd::Ongoing(end) => Task::new("Impact".into(), &["crit"], start, end),
    };
    vec![task]
}

/// The stages in order of time: investigating from the opening (a stage set before it
/// counts from the opening), each stage until the next, resolved at each close, and
/// after a reopen the stage set last.
fn stages(state: &State, incident: &Incident, end: DateTime<Utc>) -> Vec<Task> {
    enum Point {
        Set(Stage),
        Close,
        Reopen,
    }
    let opened = incident.opened_at;
    // (when, after the opening at the same time, then by recording time)
    let mut points = vec![(opened, false, opened, Point::Set(Stage::Investigating))];
    for entry in state.live(Kind::Stage) {
        if let Body::Stage { stage } = entry.body {
            let at = state.at(entry).max(opened);
            points.push((at, true, entry.recorded_at, Point::Set(stage)));
        }
    }
    for transition in &incident.lifecycle {
        let point = match transition.change {
            Change::Closed => Point::Close,
            Change::Reopened => Point::Reopen,
        };
        points.push((transition.at, true, transition.recorded_at, point));
    }
    points.sort_by_key(|(at, later, recorded, _)| (*at, *later, *recorded));

    let mut shown: Vec<(Stage, DateTime<Utc>)> = Vec::new();
    let mut show = |stage: Stage, at: DateTime<Utc>| {
        if shown.last().is_some_and(|(last, _)| *last == stage) {
            return;
        }
        // A stage replaced at the same instant never was.
        if shown.last().is_some_and(|(_, since)| *since == at) {
            shown.pop();
        }
        if shown.last().is_some_and(|(last, _)| *last == stage) {
            return;
        }
        shown.push((stage, at));
    };
    let mut set = Stage::Investigating;
    let mut closed = false;
    for (at, _, _, point) in points {
        match point {
            Point::Set(stage) => {
                set = stage;
                if !closed {
                    show(stage, at);
                }
            }
            Point::Close => {
                closed = true;
                show(Stage::Resolved, at);
            }
            Point::Reopen => {
                closed = false;
                show(set, at);
            }
        }
    }

    let ongoing = incident.closed_at().is_none();
    let mut tasks = Vec::new();
    for (position, (stage, start)) in shown.iter().enumerate() {
        let name = capitalised(stage.name());
        let task = match shown.get(position + 1) {
            _ if *stage == Stage::Resolved => Task::new(name, &["milestone"], *start, *start),
            Some((_, next)) => Task::new(name, &["done"], *start, *next),
            None if ongoing => Task::new(name, &["active"], *start, end),
            None => Task::new(name, &["done"], *start, end),
        };
        tasks.push(task);
    }
    tasks
}

/// Each hypothesis not retracted and proposed when `proposed` says, from proposed to the
/// result that settled it (for a confirmed one, the result it was known from); one still
/// open runs to `end`.
fn hypotheses(
    state: &State,
    end: DateTime<Utc>,
    proposed: impl Fn(DateTime<Utc>) -> bool,
) -> Vec<Task> {
    let mut rows: Vec<(HypothesisStatus, Task)> = state
        .live(Kind::Hypothesis)
        .filter(|hypothesis| proposed(state.at(hypothesis)))
        .map(|hypothesis| {
            let label = hypothesis.id;
            let start = state.at(hypothesis);
            let status = state.status(label);
            let settled = settled_at(state, hypothesis);
            let (words, tags): (&str, &[&str]) = match status {
                HypothesisStatus::Confirmed => ("confirmed", &["crit"]),
                HypothesisStatus::RuledOut => ("ruled out", &["done"]),
                HypothesisStatus::Open => ("open", &["active"]),
            };
            let task = Task::new(
                format!("{label} {words}"),
                tags,
                start,
                settled.unwrap_or(end),
            );
            (status, task)
        })
        .collect();
    // In order of proposal (ties: recording order), as a reader follows the hunt.
    rows.sort_by_key(|(_, task)| task.start);
    if rows.len() > MAX_HYPOTHESIS_ROWS {
        // Keep every confirmed and open one and the earliest ruled out; the rest share a row.
        let mut by_interest: Vec<usize> = (0..rows.len()).collect();
        by_interest.sort_by_key(|row| (rows[*row].0 == HypothesisStatus::RuledOut, *row));
        let mut rest: Vec<usize> = by_interest.split_off(MAX_HYPOTHESIS_ROWS - 1);
        rest.sort_unstable();
        let all_ruled_out = rest
            .iter()
            .all(|row| rows[*row].0 == HypothesisStatus::RuledOut);
        let start = rest.iter().map(|row| rows[*row].1.start).min();
        let finish = rest.iter().map(|row| rows[*row].1.end).max();
        let (Some(start), Some(finish)) = (start, finish) else {
            return rows.into_iter().map(|(_, task)| task).collect();
        };
        let words = if all_ruled_out {
            "more ruled out"
        } else {
            "more hypotheses"
        };
        let tags: &[&str] = if all_ruled_out { &["done"] } else { &[] };
        let summary = Task::new(format!("{} {words}", rest.len()), tags, start, finish);
        for row in rest.into_iter().rev() {
            rows.remove(row);
        }
        let mut tasks: Vec<Task> = rows.into_iter().map(|(_, task)| task).collect();
        tasks.push(summary);
        return tasks;
    }
    rows.into_iter().map(|(_, task)| task).collect()
}

/// Each key event the bars do not already show (the stages are bars, a confirmation ends
/// its hypothesis's bar) as a milestone named by its label and kind: decisions, changes
/// of severity, updates sent, and the entries marked key. In order of time; beyond
/// `MAX_MILESTONE_ROWS`, the latest of those that are neither decisions nor changes of
/// severity share one row.
fn milestones(state: &State) -> Vec<Task> {
    let mut events: Vec<&Entry> = state
        .incident()
        .entries
        .iter()
        .filter(|entry| state.is_key_event(entry))
        .filter(|entry| {
            let drawn_as_bar = match entry.body {
                Body::Stage { .. } => true,
                Body::Result { .. } => !state.established(entry).is_empty(),
                _ => false,
            };
            !drawn_as_bar
        })
        .collect();
    events.sort_by_key(|entry| state.at(entry));
    let telling =
        |entry: &Entry| matches!(entry.body, Body::Decision { .. } | Body::Severity { .. });
    let mut rest: Vec<&Entry> = Vec::new();
    while events.len() + usize::from(!rest.is_empty()) > MAX_MILESTONE_ROWS {
        let Some(position) = events.iter().rposition(|entry| !telling(entry)) else {
            break;
        };
        rest.push(events.remove(position));
    }
    let mut tasks: Vec<Task> = events
        .iter()
        .map(|entry| {
            let name = match entry.body {
                Body::Severity { severity } => format!("{} severity {severity}", entry.id),
                _ => format!("{} {}", entry.id, entry.kind().name()),
            };
            let at = state.at(entry);
            Task::new(name, &["milestone"], at, at)
        })
        .collect();
    // One milestone where the folded ones begin: a bar from the first to the last would
    // read as something that lasted that long.
    if let Some(start) = rest.iter().map(|entry| state.at(entry)).min() {
        tasks.push(Task::new(
            format!("{} more key events from here", rest.len()),
            &["milestone"],
            start,
            start,
        ));
    }
    tasks
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    use super::gantt;
    use incident_core::model::{Body, Incident, Label, NewEntry, Stage, Stamp};

    /// `02:47` on the incident's night, or a full RFC 3339 time.
    fn at(time: &str) -> DateTime<Utc> {
        let full = if time.len() == 5 {
            format!("2026-11-21T{time}:00Z")
        } else {
            time.to_string()
        };
        full.parse().expect("a test time")
    }

    fn label(text: &str) -> Label {
        text.parse().expect("a test label")
    }

    fn stamp(time: &str) -> Stamp {
        Stamp {
            uuid: Uuid::nil(),
            at: at(time),
            recorded_at: at(time),
            by: "ana".into(),
            key: false,
        }
    }

    /// An incident recorded entry by entry, as the commands would.
    struct Log(Incident);

    impl Log {
        fn open(time: &str) -> Log {
            Log(Incident::new(
                "2026-11-21-checkout".into(),
                "Checkout returns 502s".into(),
                stamp(time),
            ))
        }

        fn record(&mut self, body: Body, text: &str, time: &str) -> &mut Log {
            let stamp = stamp(time);
            let new = NewEntry {
                body,
                at: stamp.at,
                by: stamp.by,
                text: text.into(),
                uuid: stamp.uuid,
                recorded_at: stamp.recorded_at,
                key: false,
            };
            self.0.record(new).expect("the entry is accepted");
            self
        }

        fn symptom(&mut self, time: &str) -> &mut Log {
            self.record(Body::Symptom, "502s", time)
        }

        fn hypothesis(&mut self, text: &str, time: &str) -> &mut Log {
            let body = Body::Hypothesis {
                explains: Vec::new(),
            };
            self.record(body, text, time)
        }

        fn test(&mut self, targets: &[&str], time: &str) -> &mut Log {
            let targets = targets.iter().map(|target| label(target)).collect();
            self.record(Body::Test { targets }, "check", time)
        }

        fn result(&mut self, test: &str, verdict: (&[&str], &[&str]), time: &str) -> &mut Log {
            let labels = |labels: &[&str]| labels.iter().map(|text| label(text)).collect();
            let body = Body::Result {
                test: label(test),
                rules_out: labels(verdict.0),
                confirms: labels(verdict.1),
                run: None,
            };
            self.record(body, "seen", time)
        }

        fn stage(&mut self, stage: Stage, time: &str) -> &mut Log {
            self.record(Body::Stage { stage }, "", time)
        }

        fn impact(&mut self, from: Option<&str>, to: Option<&str>, time: &str) -> &mut Log {
            let body = Body::Impact {
                from: from.map(at),
                to: to.map(at),
            };
            self.record(body, "30% of checkouts failed", time)
        }

        fn retract(&mut self, target: &str, time: &str) -> &mut Log {
            let body = Body::Retract {
                target: label(target),
                undo: false,
            };
            self.record(body, "", time)
        }

        fn close(&mut self, time: &str) -> &mut Log {
            self.0
                .close(stamp(time), None, None)
                .expect("the close is accepted");
            self
        }

        fn reopen(&mut self, time: &str) -> &mut Log {
            self.0.reopen(stamp(time)).expect("the reopen is accepted");
            self
        }

        #[track_caller]
        fn chart(&self) -> String {
            gantt(&self.0).expect("a chart")
        }

        /// The chart's task lines, without the header and the fence.
        #[track_caller]
        fn tasks(&self) -> Vec<String> {
            self.chart()
                .lines()
                .skip(6)
                .filter(|line| line.starts_with("    "))
                .map(|line| line.trim().to_string())
                .collect()
        }
    }

    /// The story most incidents tell: impact, three hypotheses, one confirmed, one ruled
    /// out, one retracted, mitigated, closed.
    fn checkout() -> Log {
        let mut log = Log::open("02:47");
        log.symptom("02:41")
            .hypothesis("the deploy", "02:52")
            .hypothesis("the database", "02:54")
            .hypothesis("typed in the wrong incident", "02:55")
            .retract("H3", "02:56")
            .test(&["H1"], "02:58")
            .result("T1", (&["H1"], &[]), "03:05")
            .test(&["H2"], "03:08")
            .result("T2", (&[], &["H2"]), "03:14")
            .stage(Stage::Identified, "03:14")
            .stage(Stage::Mitigated, "03:31")
            .impact(None, Some("03:33"), "03:40");
        log
    }

    #[test]
    fn a_closed_incident_draws_its_impact_stages_and_hypotheses() {
        let mut log = checkout();
        log.close("03:58");
        assert_eq!(
            log.chart(),
            "```mermaid
gantt
    title Timeline (UTC)
    dateFormat YYYY-MM-DDTHH:mm:ss
    axisFormat %H:%M
    todayMarker off
    section Impact
    Impact :crit, 2026-11-21T02:41:00, 2026-11-21T03:33:00
    section Response
    Investigating :done, 2026-11-21T02:47:00, 2026-11-21T03:14:00
    Identified :done, 2026-11-21T03:14:00, 2026-11-21T03:31:00
    Mitigated :done, 2026-11-21T03:31:00, 2026-11-21T03:58:00
    Resolved :milestone, 2026-11-21T03:58:00, 2026-11-21T03:58:00
    section Hypotheses
    H1 ruled out :done, 2026-11-21T02:52:00, 2026-11-21T03:05:00
    H2 confirmed :crit, 2026-11-21T02:54:00, 2026-11-21T03:14:00
```

"
        );
    }

    #[test]
    fn an_open_incident_ends_at_the_latest_moment_in_its_log() {
        let mut log = checkout();
        log.hypothesis("the cache", "03:20");
        // The latest moment is the impact entry's 03:40, not any clock.
        assert_eq!(
            log.tasks()[2..],
            [
                "section Response",
                "Investigating :done, 2026-11-21T02:47:00, 2026-11-21T03:14:00",
                "Identified :done, 2026-11-21T03:14:00, 2026-11-21T03:31:00",
                "Mitigated :active, 2026-11-21T03:31:00, 2026-11-21T03:40:00",
                "section Hypotheses",
                "H1 ruled out :done, 2026-11-21T02:52:00, 2026-11-21T03:05:00",
                "H2 confirmed :crit, 2026-11-21T02:54:00, 2026-11-21T03:14:00",
                "H4 open :active, 2026-11-21T03:20:00, 2026-11-21T03:40:00",
            ]
        );
    }

    #[test]
    fn an_impact_still_going_runs_to_the_end_and_one_never_ended_says_so() {
        let mut log = Log::open("02:47");
        log.symptom("02:41").hypothesis("the deploy", "02:50");
        assert_eq!(
            log.tasks()[..2],
            [
                "section Impact",
                "Impact :crit, 2026-11-21T02:41:00, 2026-11-21T02:50:00"
            ]
        );
        log.close("03:10");
        assert_eq!(
            log.tasks()[1],
            "Impact, end not recorded :crit, 2026-11-21T02:41:00, 2026-11-21T03:10:00"
        );
        assert!(
            log.tasks()
                .contains(&"H1 open :active, 2026-11-21T02:50:00, 2026-11-21T03:10:00".into()),
            "an open hypothesis of a closed incident runs to the close: {:?}",
            log.tasks()
        );
    }

    #[test]
    fn what_has_no_length_is_a_milestone() {
        let mut log = Log::open("02:47");
        log.hypothesis("the deploy", "02:50")
            .test(&["H1"], "02:50")
            .result("T1", (&["H1"], &[]), "02:50")
            .stage(Stage::Mitigated, "02:50");
        let tasks = log.tasks();
        assert!(
            tasks.contains(
                &"H1 ruled out :done, milestone, 2026-11-21T02:50:00, 2026-11-21T02:50:00".into()
            ),
            "{tasks:?}"
        );
        assert!(
            tasks.contains(
                &"Mitigated :active, milestone, 2026-11-21T02:50:00, 2026-11-21T02:50:00".into()
            ),
            "the current stage, set at the latest moment: {tasks:?}"
        );
    }

    #[test]
    fn entries_before_the_opening_are_drawn_where_they_happened() {
        let mut log = Log::open("02:47");
        // Found in the dashboards after paging: the impact and a first guess came earlier.
        log.impact(Some("02:10"), None, "02:50")
            .hypothesis("the deploy", "02:30")
            .stage(Stage::Identified, "02:40");
        let tasks = log.tasks();
        assert_eq!(
            tasks,
            [
                "section Impact",
                "Impact :crit, 2026-11-21T02:10:00, 2026-11-21T02:50:00",
                "section Response",
                // A stage set before the opening counts from the opening.
                "Identified :active, 2026-11-21T02:47:00, 2026-11-21T02:50:00",
                "section Hypotheses",
                "H1 open :active, 2026-11-21T02:30:00, 2026-11-21T02:50:00",
            ]
        );
    }

    #[test]
    fn a_reopened_incident_shows_each_close_and_the_stage_it_came_back_to() {
        let mut log = Log::open("02:47");
        log.hypothesis("the deploy", "02:50")
            .stage(Stage::Mitigated, "03:00")
            .close("03:10")
            .reopen("03:30")
            .close("03:45");
        assert_eq!(
            log.tasks()[..6],
            [
                "section Response",
                "Investigating :done, 2026-11-21T02:47:00, 2026-11-21T03:00:00",
                "Mitigated :done, 2026-11-21T03:00:00, 2026-11-21T03:10:00",
                "Resolved :milestone, 2026-11-21T03:10:00, 2026-11-21T03:10:00",
                "Mitigated :done, 2026-11-21T03:30:00, 2026-11-21T03:45:00",
                "Resolved :milestone, 2026-11-21T03:45:00, 2026-11-21T03:45:00",
            ]
        );
    }

    #[test]
    fn nothing_to_draw_is_no_chart() {
        let mut log = Log::open("02:47");
        log.record(Body::Note, "paged the database team", "02:50");
        assert_eq!(gantt(&log.0), None);
        log.hypothesis("the deploy", "02:52").retract("H1", "02:53");
        assert_eq!(gantt(&log.0), None, "a retracted hypothesis is not drawn");
        log.close("03:00");
        assert_eq!(gantt(&log.0), None, "a close alone restates the header");
    }

    /// The chart's fenced blocks, each without its fence.
    fn blocks(chart: &str) -> Vec<&str> {
        chart
            .split("```mermaid\n")
            .skip(1)
            .map(|block| block.split("```").next().unwrap_or_default())
            .collect()
    }

    /// A day-long outage whose diagnosis took 35 minutes, and a hypothesis still open.
    fn power_loss(settled_late: bool) -> Log {
        let mut log = Log::open("02:00");
        let ruled_out_at = if settled_late {
            "2026-11-22T01:00:00Z"
        } else {
            "02:12"
        };
        log.symptom("01:55")
            .hypothesis("power", "02:05")
            .hypothesis("deploy", "02:06")
            .hypothesis("cache", "02:07")
            .test(&["H2"], "02:08")
            .record(
                Body::Severity {
                    severity: incident_core::model::Severity::new(1).expect("a severity"),
                },
                "",
                "02:10",
            )
            .result("T1", (&["H2"], &[]), ruled_out_at)
            .test(&["H1"], "02:14")
            .result("T2", (&[], &["H1"]), "02:30")
            .stage(Stage::Mitigated, "04:00")
            .impact(Some("01:55"), Some("2026-11-22T02:50:00Z"), "04:10")
            .close("2026-11-22T03:00:00Z");
        log
    }

    #[test]
    fn a_short_diagnosis_of_a_long_outage_gets_a_chart_of_its_own() {
        let log = power_loss(false);
        let chart = log.chart();
        let [day, diagnosis] = blocks(&chart)[..] else {
            panic!("two charts: {chart}")
        };
        assert!(day.contains("    title Timeline (UTC)\n"), "{day}");
        assert!(!day.contains("section Hypotheses"), "{day}");
        assert!(
            day.contains(
                "    E1 severity 1 :milestone, 2026-11-21T02:10:00, 2026-11-21T02:10:00\n"
            ),
            "{day}"
        );
        assert!(
            diagnosis.contains("    title Diagnosis (UTC)\n"),
            "{diagnosis}"
        );
        assert!(diagnosis.contains("    axisFormat %H:%M\n"), "{diagnosis}");
        for task in [
            "Impact, continues :crit, 2026-11-21T01:55:00, 2026-11-21T02:30:00",
            "Investigating, continues :done, 2026-11-21T02:00:00, 2026-11-21T02:30:00",
            "H1 confirmed :crit, 2026-11-21T02:05:00, 2026-11-21T02:30:00",
            "H2 ruled out :done, 2026-11-21T02:06:00, 2026-11-21T02:12:00",
            "H3 open, continues :active, 2026-11-21T02:07:00, 2026-11-21T02:30:00",
            "E1 severity 1 :milestone, 2026-11-21T02:10:00, 2026-11-21T02:10:00",
        ] {
            assert!(
                diagnosis.contains(&format!("    {task}\n")),
                "{task}: {diagnosis}"
            );
        }
        assert!(
            !diagnosis.contains("Mitigated"),
            "after the diagnosis: {diagnosis}"
        );
    }

    /// A hunt that lasted most of the day is the day: one chart.
    #[test]
    fn a_diagnosis_as_long_as_the_outage_stays_in_one_chart() {
        let chart = power_loss(true).chart();
        assert_eq!(blocks(&chart).len(), 1, "{chart}");
        assert!(chart.contains("    section Hypotheses\n"), "{chart}");
    }

    /// Beyond ten milestones the latest key events that are neither decisions nor changes
    /// of severity share a row.
    #[test]
    fn many_key_events_keep_the_decisions_and_share_a_row() {
        let mut log = Log::open("02:00");
        log.hypothesis("the deploy", "02:01");
        for minute in 0..14 {
            log.record(Body::Note, "paged", &format!("02:{:02}", 10 + minute));
            let last = log.0.entries.len() - 1;
            log.0.entries[last].key = true;
        }
        for (option, time) in [("O1", "02:40"), ("O2", "02:50")] {
            let body = Body::Option {
                consequence: None,
                situation: None,
            };
            log.record(body, "a way out", time);
            let option = label(option);
            log.record(Body::Decision { option }, "", time);
        }
        let tasks = log.tasks();
        let milestones = &tasks[tasks
            .iter()
            .position(|task| task == "section Key events")
            .expect("key events")
            + 1..];
        assert_eq!(milestones.len(), 10, "{milestones:?}");
        assert!(
            milestones[0].starts_with("N1 note :milestone"),
            "{milestones:?}"
        );
        assert!(
            milestones[6].starts_with("N7 note :milestone"),
            "{milestones:?}"
        );
        assert!(
            milestones[7].starts_with("D1 decision :milestone"),
            "{milestones:?}"
        );
        assert!(
            milestones[8].starts_with("D2 decision :milestone"),
            "{milestones:?}"
        );
        assert_eq!(
            milestones[9],
            "7 more key events from here :milestone, 2026-11-21T02:17:00, 2026-11-21T02:17:00"
        );
    }

    #[test]
    fn a_long_hunt_keeps_the_confirmed_and_open_ones_and_groups_the_rest() {
        let mut log = Log::open("02:00");
        for minute in 0..20 {
            log.hypothesis("a guess", &format!("02:{:02}", 10 + minute));
        }
        let all: Vec<String> = (1..=20).map(|n| format!("H{n}")).collect();
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        log.test(&all, "02:40")
            .result("T1", (&all[..18], &["H19"]), "02:45")
            .close("03:00");
        let tasks = log.tasks();
        let hypotheses = &tasks[tasks
            .iter()
            .position(|t| t == "section Hypotheses")
            .unwrap()
            + 1..];
        assert_eq!(hypotheses.len(), 12, "{hypotheses:?}");
        assert!(hypotheses[0].starts_with("H1 ruled out"), "{hypotheses:?}");
        assert!(hypotheses[8].starts_with("H9 ruled out"), "{hypotheses:?}");
        assert!(hypotheses[9].starts_with("H19 confirmed"), "{hypotheses:?}");
        assert!(hypotheses[10].starts_with("H20 open"), "{hypotheses:?}");
        assert_eq!(
            hypotheses[11], "9 more ruled out :done, 2026-11-21T02:19:00, 2026-11-21T02:45:00",
            "H10 to H18 share a row"
        );
        // A hunt with more confirmed and open ones than rows says only how many.
        let mut log = Log::open("02:00");
        for minute in 0..14 {
            log.hypothesis("a guess", &format!("02:{:02}", 10 + minute));
        }
        let tasks = log.tasks();
        assert_eq!(
            tasks.last().map(String::as_str),
            Some("3 more hypotheses :2026-11-21T02:21:00, 2026-11-21T02:23:00"),
            "{tasks:?}"
        );
    }

    #[test]
    fn an_incident_across_midnight_names_the_day_and_a_long_one_the_date() {
        let mut log = Log::open("2026-11-21T23:10:00Z");
        log.hypothesis("the deploy", "2026-11-21T23:20:00Z")
            .close("2026-11-22T01:30:00Z");
        assert!(
            log.chart().contains("    axisFormat %a %H:%M\n"),
            "{}",
            log.chart()
        );
        let mut log = Log::open("02:00");
        log.hypothesis("the deploy", "02:10")
            .close("2026-11-29T09:00:00Z");
        assert!(
            log.chart().contains("    axisFormat %d %b\n"),
            "{}",
            log.chart()
        );
    }

    #[test]
    fn no_user_text_reaches_the_chart() {
        let hostile = "x`:#;%%{init}%% click H1 call alert(1)\n<b>bold</b> section end";
        let mut log = Log::open("02:47");
        log.record(Body::Symptom, hostile, "02:48")
            .hypothesis(hostile, "02:50")
            .record(
                Body::Stage {
                    stage: Stage::Mitigated,
                },
                hostile,
                "02:55",
            )
            .impact(Some("02:40"), Some("02:58"), "03:00")
            .close("03:05");
        let chart = log.chart();
        for word in ["`x", "init", "click", "alert", "<b>", "end", "%%", "#", ";"] {
            assert!(!chart.contains(word), "{word} in {chart}");
        }
        // Every task line is a fixed word or a label, a colon, tags and two times.
        for task in log
            .tasks()
            .iter()
            .filter(|line| !line.starts_with("section "))
        {
            let (name, data) = task.split_once(" :").expect("a task");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_alphanumeric() || " ,".contains(c)),
                "{task}"
            );
            assert!(
                !data.contains(':') || data.matches(':').count() == 4,
                "{task}"
            );
        }
    }
}
