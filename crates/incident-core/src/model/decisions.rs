//! Decisions as S.O.C.S. weighs them: the Situation (`Q…`, the question and what forces
//! it), the Options (`O…`) with their Consequences, and the Solution (`D…`). Which options
//! belong to which situation, which decisions are in force, what is still to decide, and
//! the state of the incident when each situation was raised: derived from the log here,
//! once, for every view.
//!
//! An option belongs to one situation: the one named with `--for`, else the latest one
//! still undecided when it was recorded, as last corrected. One recorded while no
//! situation was undecided belongs, as before situations existed, to the decision that
//! chose among the options of no situation weighed since the previous such decision.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};

use super::entry::{Body, Entry, Stage};
use super::incident::Change;
use super::label::{Kind, Label, LabelMap};
use super::severity::Severity;
use super::state::State;

/// The incident when a decision was raised: the log as it stood at that (current) time,
/// counting the entries that happened at or before it (at the same time: recorded before
/// it), with every correction applied.
#[derive(Clone, Debug)]
pub struct Situation<'a> {
    /// The situation (`Q…`), or, for options of no situation, the decision that chose
    /// among them.
    pub raised_by: &'a Entry,
    pub at: DateTime<Utc>,
    pub severity: Option<Severity>,
    pub stage: Stage,
    /// Hypotheses proposed by then and not ruled out by then, in recording order.
    pub standing: Vec<&'a Entry>,
}

/// One decision to make, and what became of it.
#[derive(Clone, Debug)]
pub struct Choice<'a> {
    /// The situation; `None` for options weighed while no situation was undecided.
    pub situation: Option<&'a Entry>,
    /// Every option that belongs to it, retracted ones too, in recording order.
    pub options: Vec<&'a Entry>,
    /// Its decisions that still count, in order of time (ties: the first recorded): the
    /// last is in force, each earlier one was replaced by the next.
    pub decisions: Vec<&'a Entry>,
    /// The options still to decide on: not retracted, chosen by none of its decisions,
    /// and, once it is decided, recorded after the decision in force and happening after
    /// it (an option added to reconsider it, not one written down late).
    pub on_the_table: Vec<&'a Entry>,
}

impl<'a> Choice<'a> {
    /// The decision in force: the latest that still counts.
    pub fn in_force(&self) -> Option<&'a Entry> {
        self.decisions.last().copied()
    }

    /// What raised it: the situation, else the decision that chose among its options;
    /// `None` for options of no situation still waiting for a decision.
    pub fn raised_by(&self) -> Option<&'a Entry> {
        self.situation.or_else(|| self.decisions.first().copied())
    }

    /// The decision that replaced `decision`, if a later one did.
    pub fn replaced_by(&self, decision: Label) -> Option<&'a Entry> {
        let position = self.decisions.iter().position(|d| d.id == decision)?;
        self.decisions.get(position + 1).copied()
    }

    /// Whether a decision is needed: a situation not decided yet, or options on the table.
    pub fn is_pending(&self) -> bool {
        (self.situation.is_some() && self.decisions.is_empty()) || !self.on_the_table.is_empty()
    }
}

/// Every choice, its entries by their place in the log (so that the `State` holding it
/// holds no reference of its own), and where each situation and decision is among them.
pub(super) struct Decisions {
    choices: Vec<Places>,
    by_label: LabelMap<usize>,
    /// The incident when each situation (or decision of no situation) was raised.
    moments: LabelMap<Moment>,
}

/// A `Situation`, each entry by its place in the log.
struct Moment {
    raised_by: usize,
    at: DateTime<Utc>,
    severity: Option<Severity>,
    stage: Stage,
    standing: Vec<usize>,
}

/// A `Choice`, each entry by its place in the log.
struct Places {
    situation: Option<usize>,
    options: Vec<usize>,
    decisions: Vec<usize>,
    on_the_table: Vec<usize>,
}

impl<'a> State<'a> {
    /// The situation a decision decides: its chosen option's, as last corrected; `None`
    /// for an option weighed while no situation was open, whose decision stands alone.
    pub fn situation_decided(&self, decision: &'a Entry) -> Option<Label> {
        match &decision.body {
            Body::Decision { option } => self
                .entry(*option)
                .and_then(|option| self.situation_of(option)),
            _ => None,
        }
    }

    /// Every decision to make, in order of when it was raised (ties: recording order),
    /// then the options of no situation still waiting for a decision. A retracted
    /// situation is left out with its options and decisions: it no longer counts.
    pub fn choices(&self) -> Vec<Choice<'a>> {
        self.decisions()
            .choices
            .iter()
            .map(|places| self.choice_at(places))
            .collect()
    }

    /// The choice a situation or a decision belongs to, unless it no longer counts.
    pub fn choice_of(&self, label: Label) -> Option<Choice<'a>> {
        let decisions = self.decisions();
        decisions
            .by_label
            .get(&label)
            .map(|at| self.choice_at(&decisions.choices[*at]))
    }

    fn choice_at(&self, places: &Places) -> Choice<'a> {
        let entries = &self.incident().entries;
        let each = |places: &[usize]| places.iter().map(|at| &entries[*at]).collect();
        Choice {
            situation: places.situation.map(|at| &entries[at]),
            options: each(&places.options),
            decisions: each(&places.decisions),
            on_the_table: each(&places.on_the_table),
        }
    }

    /// The choices, worked out once per `State`.
    fn decisions(&self) -> &Decisions {
        self.decisions.get_or_init(|| {
            let place = |entry: &Entry| {
                self.position(entry.id)
                    .expect("every entry of the log has a place in it")
            };
            let each = |entries: &[&Entry]| entries.iter().map(|entry| place(entry)).collect();
            let mut by_label = LabelMap::default();
            let mut choices = Vec::new();
            for (at, choice) in self.work_out_choices().into_iter().enumerate() {
                for entry in choice.situation.iter().chain(&choice.decisions) {
                    by_label.insert(entry.id, at);
                }
                choices.push(Places {
                    situation: choice.situation.map(place),
                    options: each(&choice.options),
                    decisions: each(&choice.decisions),
                    on_the_table: each(&choice.on_the_table),
                });
            }
            let moments = self
                .work_out_situations()
                .into_iter()
                .map(|(label, situation)| {
                    let moment = Moment {
                        raised_by: place(situation.raised_by),
                        at: situation.at,
                        severity: situation.severity,
                        stage: situation.stage,
                        standing: each(&situation.standing),
                    };
                    (label, moment)
                })
                .collect();
            Decisions {
                choices,
                by_label,
                moments,
            }
        })
    }

    fn situation_at(&self, moment: &Moment) -> Situation<'a> {
        let entries = &self.incident().entries;
        Situation {
            raised_by: &entries[moment.raised_by],
            at: moment.at,
            severity: moment.severity,
            stage: moment.stage,
            standing: moment.standing.iter().map(|at| &entries[*at]).collect(),
        }
    }

    fn work_out_choices(&self) -> Vec<Choice<'a>> {
        let entries = &self.incident().entries;
        let mut choices: Vec<Choice<'a>> = Vec::new();
        let mut of_situation: LabelMap<usize> = LabelMap::default();
        // Situations first: an option may have been moved to one recorded after it.
        for situation in self.live(Kind::Situation) {
            of_situation.insert(situation.id, choices.len());
            choices.push(Choice {
                situation: Some(situation),
                options: Vec::new(),
                decisions: Vec::new(),
                on_the_table: Vec::new(),
            });
        }
        let mut waiting: Vec<&'a Entry> = Vec::new();
        for entry in entries {
            match &entry.body {
                Body::Option { .. } => match self.situation_of(entry) {
                    Some(situation) => {
                        if let Some(&at) = of_situation.get(&situation) {
                            choices[at].options.push(entry);
                        }
                    }
                    None => waiting.push(entry),
                },
                Body::Decision { option } if !self.is_retracted(entry.id) => {
                    match self.situation_decided(entry) {
                        Some(situation) => {
                            if let Some(&at) = of_situation.get(&situation) {
                                choices[at].decisions.push(entry);
                            }
                        }
                        None => {
                            // What was on the table: the options weighed since the last
                            // such decision, and the one chosen if it came earlier.
                            let mut options = std::mem::take(&mut waiting);
                            if !options.iter().any(|weighed| weighed.id == *option)
                                && let Some(chosen) = self.entry(*option)
                            {
                                options.insert(0, chosen);
                            }
                            choices.push(Choice {
                                situation: None,
                                options,
                                decisions: vec![entry],
                                on_the_table: Vec::new(),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        for choice in &mut choices {
            choice
                .decisions
                .sort_by_key(|decision| (self.at(decision), decision.uuid));
        }
        choices.sort_by_key(|choice| {
            choice
                .raised_by()
                .map(|raised| (self.at(raised), self.position(raised.id)))
        });
        if waiting.iter().any(|option| !self.is_retracted(option.id)) {
            choices.push(Choice {
                situation: None,
                options: waiting,
                decisions: Vec::new(),
                on_the_table: Vec::new(),
            });
        }
        for choice in &mut choices {
            choice.on_the_table = self.on_the_table(choice);
        }
        choices
    }

    fn on_the_table(&self, choice: &Choice<'a>) -> Vec<&'a Entry> {
        let chosen: HashSet<Label> = choice
            .decisions
            .iter()
            .filter_map(|decision| match decision.body {
                Body::Decision { option } => Some(option),
                _ => None,
            })
            .collect();
        let in_force = choice
            .in_force()
            .map(|decision| (self.position(decision.id), self.at(decision)));
        choice
            .options
            .iter()
            .copied()
            .filter(|option| !self.is_retracted(option.id) && !chosen.contains(&option.id))
            .filter(|option| {
                in_force.is_none_or(|(position, at)| {
                    self.position(option.id) > position && self.at(option) > at
                })
            })
            .collect()
    }

    /// The decisions to make now: each situation not decided yet (with its options, if
    /// any), each decided one with options added since to reconsider it, and the options
    /// of no situation waiting for a decision.
    pub fn decisions_to_make(&self) -> Vec<Choice<'a>> {
        self.choices()
            .into_iter()
            .filter(Choice::is_pending)
            .collect()
    }

    /// The situation a new option belongs to when none is named: the latest recorded that
    /// still counts and is not decided.
    pub fn latest_undecided_situation(&self) -> Option<Label> {
        self.choices()
            .into_iter()
            .filter(|choice| choice.decisions.is_empty())
            .filter_map(|choice| choice.situation)
            .max_by_key(|situation| self.position(situation.id))
            .map(|situation| situation.id)
    }

    /// The decisions in force, in order of time: not retracted, not replaced by a later
    /// decision of the same situation, and of a situation that still counts. A decision
    /// of no situation stays in force until it is retracted.
    pub fn decisions_in_force(&self) -> Vec<&'a Entry> {
        let mut in_force: Vec<&'a Entry> =
            self.choices().iter().filter_map(Choice::in_force).collect();
        in_force.sort_by_key(|decision| (self.at(decision), decision.uuid));
        in_force
    }

    /// The decisions, not retracted, that chose an option.
    pub fn decisions_for(&self, option: Label) -> Vec<Label> {
        self.live(Kind::Decision)
            .filter(|decision| matches!(decision.body, Body::Decision { option: chosen } if chosen == option))
            .map(|decision| decision.id)
            .collect()
    }

    /// The incident when each decision was raised: for each situation still counting, and
    /// each decision of no situation, by its label. What a report's Decisions section
    /// shows.
    pub fn situations(&self) -> LabelMap<Situation<'a>> {
        self.decisions()
            .moments
            .iter()
            .map(|(label, moment)| (*label, self.situation_at(moment)))
            .collect()
    }

    /// The incident when a situation, or a decision of no situation, was raised.
    pub fn raised_in(&self, label: Label) -> Option<Situation<'a>> {
        self.decisions()
            .moments
            .get(&label)
            .map(|moment| self.situation_at(moment))
    }

    /// `situations`, in one pass over the log in order of time, without rebuilding the
    /// incident once per decision.
    fn work_out_situations(&self) -> LabelMap<Situation<'a>> {
        let mut situations = LabelMap::default();
        let mut severity = None;
        let mut stage = None;
        // Hypotheses proposed so far, by recording position, and their verdicts so far.
        let mut proposed: BTreeMap<usize, &'a Entry> = BTreeMap::new();
        let mut ruled_out: HashSet<Label> = HashSet::new();
        for entry in self.live_by_time() {
            match &entry.body {
                // An incident merged in at its opening is no change of severity here.
                Body::Severity { severity: set }
                    if severity.is_none() || !self.is_merged_opening(entry) =>
                {
                    severity = Some(*set)
                }
                Body::Stage { stage: set } => stage = Some(*set),
                Body::Hypothesis { .. } => {
                    if let Some(position) = self.position(entry.id) {
                        proposed.insert(position, entry);
                    }
                }
                Body::Result {
                    rules_out,
                    confirms,
                    ..
                } => {
                    ruled_out.extend(rules_out);
                    for hypothesis in confirms {
                        ruled_out.remove(hypothesis);
                    }
                }
                Body::Situation | Body::Decision { .. } => {
                    if entry.kind() == Kind::Decision && self.situation_decided(entry).is_some() {
                        continue;
                    }
                    let at = self.at(entry);
                    let stage = if self.closed_at_moment(at, entry) {
                        Stage::Resolved
                    } else {
                        stage.unwrap_or(Stage::Investigating)
                    };
                    let standing = proposed
                        .values()
                        .copied()
                        .filter(|hypothesis| !ruled_out.contains(&hypothesis.id))
                        .collect();
                    let situation = Situation {
                        raised_by: entry,
                        at,
                        severity,
                        stage,
                        standing,
                    };
                    situations.insert(entry.id, situation);
                }
                _ => {}
            }
        }
        situations
    }

    /// The entries still counting, in order of current time (ties: recording order).
    fn live_by_time(&self) -> Vec<&'a Entry> {
        let mut entries: Vec<&Entry> = self
            .incident()
            .entries
            .iter()
            .filter(|entry| !self.is_retracted(entry.id))
            .collect();
        entries.sort_by_key(|entry| self.at(entry));
        entries
    }

    /// Whether the incident was closed at the moment `entry` happened: a close at or
    /// before it (at the same time: recorded before it) not yet followed by a reopen.
    fn closed_at_moment(&self, at: DateTime<Utc>, entry: &Entry) -> bool {
        let moment = (at, entry.uuid);
        let lifecycle = &self.incident().lifecycle;
        lifecycle.iter().enumerate().any(|(position, transition)| {
            transition.change == Change::Closed
                && (transition.at, transition.uuid) <= moment
                && lifecycle
                    .get(position + 1)
                    .is_none_or(|reopen| moment < (reopen.at, reopen.uuid))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Incident;
    use crate::model::testing::*;
    use uuid::Uuid;

    fn option(situation: Option<&str>) -> Body {
        Body::Option {
            consequence: None,
            situation: situation.map(label),
        }
    }

    fn decide(option: &str) -> Body {
        Body::Decision {
            option: label(option),
        }
    }

    /// Records `body` as happening at `minute`, with a uuid of its own (they order ties).
    fn at_minute(incident: &mut Incident, body: Body, minute: u32) -> Label {
        let mut entry = new(body, "text");
        entry.at = at(minute);
        entry.uuid = Uuid::now_v7();
        incident.record(entry).unwrap().id
    }

    fn labels(entries: &[&Entry]) -> Vec<String> {
        entries.iter().map(|entry| entry.id.to_string()).collect()
    }

    /// A decision is in force until a later one of its situation replaces it or it is
    /// retracted; one of no situation stands alone.
    #[test]
    fn decisions_stay_in_force_until_replaced_in_their_situation() {
        let mut incident = incident();
        at_minute(&mut incident, Body::Situation, 1); // Q1: pause webhooks?
        at_minute(&mut incident, option(Some("Q1")), 2); // O1 pause
        at_minute(&mut incident, option(Some("Q1")), 3); // O2 keep running
        at_minute(&mut incident, Body::Situation, 4); // Q2: restore from backup?
        at_minute(&mut incident, option(Some("Q2")), 5); // O3 restore
        at_minute(&mut incident, option(None), 6); // O4, of no situation
        at_minute(&mut incident, decide("O1"), 7); // D1 pause
        at_minute(&mut incident, decide("O3"), 8); // D2 restore
        at_minute(&mut incident, decide("O4"), 9); // D3 stands alone
        at_minute(&mut incident, decide("O2"), 10); // D4 resume: replaces D1
        let in_force = |incident: &Incident| labels(&incident.state().decisions_in_force());
        assert_eq!(in_force(&incident), ["D2", "D3", "D4"]);
        incident
            .record(new(
                Body::Retract {
                    target: label("D4"),
                    undo: false,
                },
                "",
            ))
            .unwrap();
        assert_eq!(in_force(&incident), ["D1", "D2", "D3"]);
    }

    /// Each situation has its own options: a later decision never lists an earlier
    /// situation's, and its other options are the ones not chosen.
    #[test]
    fn each_situation_keeps_its_own_options() {
        let mut incident = incident();
        at_minute(&mut incident, Body::Situation, 1); // Q1
        at_minute(&mut incident, option(Some("Q1")), 2); // O1
        at_minute(&mut incident, option(Some("Q1")), 3); // O2
        at_minute(&mut incident, decide("O1"), 4); // D1
        at_minute(&mut incident, Body::Situation, 5); // Q2
        at_minute(&mut incident, option(Some("Q2")), 6); // O3
        at_minute(&mut incident, option(Some("Q2")), 7); // O4
        at_minute(&mut incident, decide("O4"), 8); // D2
        let state = incident.state();
        let choices = state.choices();
        let shown: Vec<(String, Vec<String>, Vec<String>)> = choices
            .iter()
            .map(|choice| {
                (
                    choice.situation.map(|q| q.id.to_string()).unwrap(),
                    labels(&choice.options),
                    labels(&choice.decisions),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "Q1".into(),
                    vec!["O1".into(), "O2".into()],
                    vec!["D1".into()]
                ),
                (
                    "Q2".into(),
                    vec!["O3".into(), "O4".into()],
                    vec!["D2".into()]
                ),
            ]
        );
        assert!(state.decisions_to_make().is_empty());
        assert_eq!(state.latest_undecided_situation(), None);
    }

    /// The latest situation still undecided takes new options; deciding it hands them to
    /// the one before; an option added to a decided situation reconsiders it.
    #[test]
    fn what_is_still_to_decide() {
        let mut incident = incident();
        at_minute(&mut incident, Body::Situation, 1); // Q1
        at_minute(&mut incident, Body::Situation, 2); // Q2
        assert_eq!(
            incident.state().latest_undecided_situation(),
            Some(label("Q2"))
        );
        at_minute(&mut incident, option(Some("Q2")), 3); // O1
        at_minute(&mut incident, decide("O1"), 4); // D1 decides Q2
        assert_eq!(
            incident.state().latest_undecided_situation(),
            Some(label("Q1"))
        );
        at_minute(&mut incident, option(Some("Q2")), 5); // O2: reconsider Q2
        // Written down late: weighed before D1, so not on the table.
        at_minute(&mut incident, option(Some("Q2")), 3); // O3
        let state = incident.state();
        let pending: Vec<(String, Vec<String>)> = state
            .decisions_to_make()
            .iter()
            .map(|choice| {
                (
                    choice.situation.unwrap().id.to_string(),
                    labels(&choice.on_the_table),
                )
            })
            .collect();
        assert_eq!(
            pending,
            [("Q1".into(), vec![]), ("Q2".into(), vec!["O2".into()])]
        );
    }

    /// Options of no situation, as recorded before situations existed: each decision
    /// chooses among those weighed since the previous one, and the rest wait.
    #[test]
    fn options_of_no_situation_belong_to_the_decision_that_follows() {
        let mut incident = incident();
        at_minute(&mut incident, option(None), 1); // O1
        at_minute(&mut incident, option(None), 2); // O2
        at_minute(&mut incident, decide("O2"), 3); // D1
        at_minute(&mut incident, option(None), 4); // O3
        at_minute(&mut incident, decide("O1"), 5); // D2: O1 was weighed before D1
        at_minute(&mut incident, option(None), 6); // O4
        let state = incident.state();
        let choices: Vec<(Vec<String>, Vec<String>, Vec<String>)> = state
            .choices()
            .iter()
            .map(|choice| {
                (
                    labels(&choice.options),
                    labels(&choice.decisions),
                    labels(&choice.on_the_table),
                )
            })
            .collect();
        let strings = |labels: &[&str]| -> Vec<String> {
            labels.iter().map(|label| label.to_string()).collect()
        };
        assert_eq!(
            choices,
            [
                (strings(&["O1", "O2"]), strings(&["D1"]), vec![]),
                (strings(&["O1", "O3"]), strings(&["D2"]), vec![]),
                (strings(&["O4"]), vec![], strings(&["O4"])),
            ]
        );
        assert_eq!(labels(&state.decisions_in_force()), ["D1", "D2"]);
    }

    /// A situation taken back takes its options and decisions out of every view.
    #[test]
    fn a_retracted_situation_decides_nothing() {
        let mut incident = incident();
        at_minute(&mut incident, Body::Situation, 1); // Q1
        at_minute(&mut incident, option(Some("Q1")), 2); // O1
        at_minute(&mut incident, decide("O1"), 3); // D1
        let retract = Body::Retract {
            target: label("Q1"),
            undo: false,
        };
        incident.record(new(retract, "")).unwrap();
        let state = incident.state();
        assert!(state.choices().is_empty());
        assert!(state.decisions_in_force().is_empty());
        // And nothing new decides it.
        at_minute(&mut incident, option(None), 4); // O2
        let error = incident.record(new(decide("O1"), "")).unwrap_err();
        assert!(
            matches!(error, crate::model::Error::Retracted { .. }),
            "{error}"
        );
    }
}
