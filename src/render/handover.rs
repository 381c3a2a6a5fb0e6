//! `status --format can`: a Condition / Actions / Needs handover for people joining, in
//! Markdown, ready to paste into chat; `slack.rs` writes the same handover as Slack
//! mrkdwn.
//!
//! The handover is built once, as parts of lines in which every piece says whether it is
//! the tool's own words or user text, and each format writes it with its own escaping:
//! what it says can never differ between the two, and user text can never reach either
//! format unescaped.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::report::text::{ITEM, finish, heading, text, ticket};
use super::{capitalised, human_duration, utc_time};
use incident_core::model::{
    Body, CauseKind, Entry, HypothesisStatus, Incident, Kind, Label, State, Status, Warning,
    join_labels,
};

/// How many of the latest notes a joiner reads, besides those marked key events; the rest
/// are in `incident log`.
const NOTES: usize = 3;

/// A piece of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// The tool's own words: labels, times, counts, phrases. Never holds user text.
    Own(String),
    /// Text someone typed, written through the format's escaper.
    User(&'a str),
    /// A command to type, shown as code: the tool's own words only.
    Command(String),
    /// A ticket link someone typed: a link where the format can make it one safely, else
    /// text through the format's escaper.
    Link(&'a str),
}

/// One list item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line<'a> {
    pub pieces: Vec<Piece<'a>>,
}

impl<'a> Line<'a> {
    fn own(mut self, words: impl Into<String>) -> Self {
        self.pieces.push(Piece::Own(words.into()));
        self
    }

    fn user(mut self, typed: &'a str) -> Self {
        self.pieces.push(Piece::User(typed));
        self
    }

    fn command(mut self, command: impl Into<String>) -> Self {
        self.pieces.push(Piece::Command(command.into()));
        self
    }

    fn link(mut self, link: &'a str) -> Self {
        self.pieces.push(Piece::Link(link));
        self
    }
}

/// A section (`## Condition`) or a subsection of the one before it (`### Now`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Section,
    Subsection,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part<'a> {
    pub level: Level,
    pub title: &'static str,
    pub lines: Vec<Line<'a>>,
}

/// The handover, format-free.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handover<'a> {
    pub title: &'a str,
    pub parts: Vec<Part<'a>>,
}

impl Handover<'_> {
    /// Every heading's title, for keeping the incident's title from repeating one.
    pub fn titles(&self) -> Vec<String> {
        self.parts
            .iter()
            .map(|part| part.title.to_string())
            .collect()
    }
}

/// The handover in Markdown: `#` title, `##` sections, `###` subsections, `-` items, every
/// piece of user text through the Markdown escaper.
pub fn render(incident: &Incident, now: DateTime<Utc>) -> String {
    let handover = build(incident, now);
    let mut out = String::new();
    let title = format!("Handover: {}", handover.title);
    let _ = writeln!(out, "# {}\n", heading(&title, &handover.titles()));
    for part in &handover.parts {
        let marks = match part.level {
            Level::Section => "##",
            Level::Subsection => "###",
        };
        let _ = writeln!(out, "{marks} {}\n", part.title);
        for line in &part.lines {
            out.push_str("- ");
            for piece in &line.pieces {
                match piece {
                    Piece::Own(words) => out.push_str(words),
                    Piece::User(typed) => out.push_str(&text(typed, ITEM)),
                    Piece::Command(command) => {
                        let _ = write!(out, "`{command}`");
                    }
                    Piece::Link(link) => out.push_str(&ticket(link, ITEM)),
                }
            }
            out.push('\n');
        }
        if !part.lines.is_empty() {
            out.push('\n');
        }
    }
    finish(out)
}

/// What a person joining needs, in the order they need it: what is happening and what is
/// already known (Condition), what is being done (Actions), and what is needed from them,
/// now and after the incident (Needs).
pub fn build(incident: &Incident, now: DateTime<Utc>) -> Handover<'_> {
    let state = incident.state();
    let parts = vec![
        Part {
            level: Level::Section,
            title: "Condition",
            lines: condition(incident, &state, now),
        },
        Part {
            level: Level::Subsection,
            title: "Already ruled out",
            lines: ruled_out(&state),
        },
        Part {
            level: Level::Section,
            title: "Actions",
            lines: actions(&state),
        },
        Part {
            level: Level::Section,
            title: "Needs",
            lines: Vec::new(),
        },
        Part {
            level: Level::Subsection,
            title: "Now",
            lines: needs_now(incident, &state, now),
        },
        Part {
            level: Level::Subsection,
            title: "After the incident",
            lines: follow_ups(&state, now),
        },
    ];
    Handover {
        title: state.title(),
        parts,
    }
}

fn condition<'a>(incident: &'a Incident, state: &State<'a>, now: DateTime<Utc>) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let elapsed = human_duration(state.elapsed(now));
    let since = match incident.closed_at() {
        Some(closed_at) => format!("closed at {} UTC after {elapsed}", utc_time(closed_at)),
        None => format!(
            "open since {} UTC ({elapsed})",
            utc_time(incident.opened_at)
        ),
    };
    lines.push(Line::default().own(format!("Incident {}: {since}", incident.id)));

    let impacts: Vec<&Entry> = state.live(Kind::Impact).collect();
    if !impacts.is_empty() {
        let mut line = Line::default().own("Impact");
        if let Some(started) = state.impact_started_at() {
            let ended = state.impact_ended_at();
            let lasted =
                human_duration((state.impact_end(now).at() - started).num_seconds().max(0));
            line = match ended {
                Some(ended) => line.own(format!(
                    " from {} to {} UTC ({lasted})",
                    utc_time(started),
                    utc_time(ended)
                )),
                None => line.own(format!(" since {} UTC ({lasted})", utc_time(started))),
            };
        }
        for (index, impact) in impacts.into_iter().enumerate() {
            let separator = if index == 0 { ": " } else { "; " };
            line = line
                .own(format!("{separator}{} ", impact.id))
                .user(state.text(impact));
        }
        lines.push(line);
    }

    let severity = match (state.severity(), state.peak_severity()) {
        (Some(now), Some(peak)) if peak != now => format!("{now} (peak {peak})"),
        (Some(now), _) => now.to_string(),
        (None, _) => "not set".to_string(),
    };
    lines.push(Line::default().own(format!(
        "Severity {severity}; stage {}",
        state.stage().name()
    )));

    let roles = state.roles();
    if roles.is_empty() {
        lines.push(Line::default().own("Roles: none assigned"));
    } else {
        let mut line = Line::default().own("Roles: ");
        for (index, (role, holder)) in roles.into_iter().enumerate() {
            if index > 0 {
                line = line.own(", ");
            }
            line = line.user(role).own(" ").user(holder);
        }
        lines.push(line);
    }

    for symptom in state.live(Kind::Symptom) {
        lines.push(
            Line::default()
                .own(format!("Symptom {}: ", symptom.id))
                .user(state.text(symptom)),
        );
    }

    // Only a recorded root cause; a confirmed hypothesis is only marked confirmed.
    if let Some(cause) = state.root_cause().and_then(|label| state.entry(label)) {
        lines.push(
            Line::default()
                .own(format!("Root cause {}: ", cause.id))
                .user(state.text(cause)),
        );
    }
    for trigger in state.causes(CauseKind::Trigger) {
        lines.push(
            Line::default()
                .own(format!("Trigger {}: ", trigger.id))
                .user(state.text(trigger)),
        );
    }

    let standing = state.standing();
    if standing.is_empty() {
        lines.push(Line::default().own("No hypothesis is standing"));
    }
    for hypothesis in standing {
        let line = match state.verdict(hypothesis.id) {
            Some(verdict) if verdict.status == HypothesisStatus::Confirmed => {
                let line = Line::default()
                    .own(format!("Hypothesis {} (confirmed): ", hypothesis.id))
                    .user(state.text(hypothesis));
                with_result(line, state, verdict.by_result, "confirmed by")
            }
            _ => Line::default()
                .own(format!("Hypothesis {}: ", hypothesis.id))
                .user(state.text(hypothesis)),
        };
        lines.push(line);
    }
    lines
}

/// `line`, then ` — <how> R2 (T1) at <time>: <what R2 showed>`.
fn with_result<'a>(line: Line<'a>, state: &State<'a>, result: Label, how: &str) -> Line<'a> {
    let Some(entry) = state.entry(result) else {
        return line.own(format!(" — {how} {result}"));
    };
    let test = match entry.body {
        Body::Result { test, .. } => format!(" ({test})"),
        _ => String::new(),
    };
    let line = line.own(format!(
        " — {how} {result}{test} at {} UTC",
        utc_time(state.at(entry))
    ));
    let showed = state.text(entry);
    if showed.trim().is_empty() {
        line
    } else {
        line.own(": ").user(showed)
    }
}

/// Each hypothesis ruled out, with the result that ruled it out: nobody re-checks it.
fn ruled_out<'a>(state: &State<'a>) -> Vec<Line<'a>> {
    let mut lines: Vec<Line> = state
        .live(Kind::Hypothesis)
        .filter_map(|hypothesis| {
            let verdict = state
                .verdict(hypothesis.id)
                .filter(|verdict| verdict.status == HypothesisStatus::RuledOut)?;
            let line = Line::default()
                .own(format!("Hypothesis {}: ", hypothesis.id))
                .user(state.text(hypothesis));
            Some(with_result(line, state, verdict.by_result, "ruled out by"))
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::default().own("Nothing yet"));
    }
    lines
}

fn actions<'a>(state: &State<'a>) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let awaiting = state.awaiting_results();
    if awaiting.is_empty() {
        lines.push(Line::default().own("No test in progress"));
    }
    for test in awaiting {
        let targets = match &test.body {
            Body::Test { targets } if !targets.is_empty() => {
                format!(" (for {})", join_labels(targets))
            }
            _ => String::new(),
        };
        lines.push(
            Line::default()
                .own(format!("Test in progress {}{targets}: ", test.id))
                .user(state.text(test))
                .own(format!(", started {} UTC by ", utc_time(state.at(test))))
                .user(&test.by),
        );
    }

    // Every decision still in force, however long ago: what a joiner must not undo.
    let in_force = state.decisions_in_force();
    if in_force.is_empty() {
        lines.push(Line::default().own("No decision in force"));
    }
    for decision in in_force {
        let Body::Decision { option } = &decision.body else {
            unreachable!("a decision entry has a decision body");
        };
        let situation = state
            .situation_decided(decision)
            .map(|situation| format!(" ({situation})"))
            .unwrap_or_default();
        let mut line = Line::default().own(format!(
            "Decision in force {}{situation}: {option}",
            decision.id
        ));
        if let Some(chosen) = state.entry(*option) {
            line = line.own(" (").user(state.text(chosen)).own(")");
        }
        line = line
            .own(", by ")
            .user(&decision.by)
            .own(format!(" at {} UTC", utc_time(state.at(decision))));
        let rationale = state.text(decision);
        if !rationale.trim().is_empty() {
            line = line.own(": ").user(rationale);
        }
        lines.push(line);
    }

    // The latest notes, and every note marked a key event however old: the one a joiner
    // most needs is rarely among the last three.
    let mut notes: Vec<&Entry> = state.live(Kind::Note).collect();
    notes.sort_by_key(|note| state.at(note));
    let recent = notes.len().saturating_sub(NOTES);
    let notes: Vec<&Entry> = notes
        .iter()
        .enumerate()
        .filter(|(position, note)| *position >= recent || state.is_key(note))
        .map(|(_, note)| *note)
        .collect();
    let earlier = state.live(Kind::Note).count() - notes.len();
    if earlier > 0 {
        let plural = if earlier == 1 { "" } else { "s" };
        lines.push(
            Line::default()
                .own(format!("{earlier} earlier note{plural}, in "))
                .command("incident log"),
        );
    }
    for note in &notes {
        lines.push(
            Line::default()
                .own(format!(
                    "Note {} at {} UTC by ",
                    note.id,
                    utc_time(state.at(note))
                ))
                .user(&note.by)
                .own(": ")
                .user(state.text(note)),
        );
    }
    lines
}

/// What the response needs from someone now: the results of the tests running, a choice
/// between the options on the table, and the method's warnings, each phrased as an ask.
fn needs_now<'a>(incident: &'a Incident, state: &State<'a>, now: DateTime<Utc>) -> Vec<Line<'a>> {
    if incident.status() == Status::Closed {
        return vec![Line::default().own("Nothing: the incident is closed")];
    }
    let mut lines = Vec::new();
    let awaiting: Vec<Label> = state
        .awaiting_results()
        .iter()
        .map(|test| test.id)
        .collect();
    if !awaiting.is_empty() {
        let plural = if awaiting.len() == 1 { "" } else { "s" };
        lines.push(Line::default().own(format!(
            "The result{plural} of {}, in progress (under Actions)",
            join_labels(&awaiting)
        )));
    }

    // Each situation to decide, with the options on its table; the options of no
    // situation waiting for a decision, each on its own.
    for choice in state.decisions_to_make() {
        if let Some(situation) = choice.situation {
            let mut line = Line::default()
                .own(format!("A decision on {}: ", situation.id))
                .user(state.text(situation));
            if let Some(decision) = choice.in_force() {
                line = line.own(format!(" ({} in force, reconsidered)", decision.id));
            }
            if choice.on_the_table.is_empty() {
                line = line.own("; no options yet");
            }
            lines.push(line);
        }
        for option in &choice.on_the_table {
            let mut line = match choice.situation {
                Some(situation) => {
                    Line::default().own(format!("Option {} of {}: ", option.id, situation.id))
                }
                None => Line::default().own(format!("A decision on option {}: ", option.id)),
            };
            line = line.user(state.text(option));
            if let Some(consequence) = state.consequence(option) {
                line = line.own(" (consequence: ").user(consequence).own(")");
            }
            lines.push(line);
        }
    }

    for warning in state.warnings(now) {
        lines.extend(ask(state, &warning, now));
    }
    if lines.is_empty() {
        lines.push(Line::default().own("Nothing outstanding"));
    }
    lines
}

/// A warning of the board, as what it asks of the people joining.
fn ask<'a>(state: &State<'a>, warning: &Warning, now: DateTime<Utc>) -> Vec<Line<'a>> {
    let labels = join_labels(&warning.labels);
    // One line per entry, with its text, for the asks that are about each one.
    let each = |what: &str| -> Vec<Line<'a>> {
        warning
            .labels
            .iter()
            .filter_map(|label| state.entry(*label))
            .map(|entry| {
                Line::default()
                    .own(format!("{what} {}: ", entry.id))
                    .user(state.text(entry))
            })
            .collect()
    };
    match warning.code {
        "no-hypotheses" => vec![
            Line::default()
                .own("Hypotheses: none yet; list every plausible explanation, however unlikely"),
        ],
        "all-ruled-out" => vec![Line::default().own(format!(
            "New hypotheses: every one so far is ruled out ({labels})"
        ))],
        "no-test-in-progress" => vec![Line::default().own(format!(
            "A test running: {labels} still stand{} and no test is in progress",
            if warning.labels.len() == 1 { "s" } else { "" }
        ))],
        "untested-hypothesis" => each("A test for"),
        "unexplained-symptom" => each("A hypothesis that explains"),
        "update-overdue" => super::update::next_due(state, now)
            .map(|(due, when)| {
                Line::default().own(format!(
                    "A stakeholder update: it was due {} UTC, {when}",
                    utc_time(due)
                ))
            })
            .into_iter()
            .collect(),
        // A warning with no ask of its own yet: its message, as a line starts.
        _ => {
            let message = capitalised(&warning.message);
            if warning.labels.is_empty() {
                vec![Line::default().own(message)]
            } else {
                vec![Line::default().own(format!("{message} ({labels})"))]
            }
        }
    }
}

/// Action items still open, with who does them, by when and where they are tracked.
fn follow_ups<'a>(state: &State<'a>, now: DateTime<Utc>) -> Vec<Line<'a>> {
    let mut lines: Vec<Line> = state
        .live(Kind::Action)
        .filter(|action| state.done_by(action.id).is_none())
        .map(|action| {
            let mut line = Line::default()
                .own(format!("Action {}: ", action.id))
                .user(state.text(action));
            line = match state.owner(action) {
                Some(owner) => line.own(" (owner: ").user(owner).own(")"),
                None => line.own(" (no owner yet)"),
            };
            line = match state.due(action) {
                Some(due) if due < now.date_naive() => line.own(format!(", due {due}, overdue")),
                Some(due) => line.own(format!(", due {due}")),
                None => line.own(", no due date"),
            };
            if let Some(link) = state.link(action) {
                line = line.own(", ticket ").link(link);
            }
            line
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::default().own("No open action item"));
    }
    lines
}
