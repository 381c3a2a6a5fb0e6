//! Entries: the immutable lines of an incident's log, and how they are stored.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::label::{Kind, Label};
use super::severity::Severity;

/// What an entry is, with the links that only some kinds carry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Body {
    Symptom,
    Hypothesis {
        /// The symptoms this hypothesis would explain.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        explains: Vec<Label>,
    },
    Test {
        /// The hypotheses this test is designed to rule out.
        #[serde(rename = "for")]
        targets: Vec<Label>,
    },
    Result {
        test: Label,
        rules_out: Vec<Label>,
        confirms: Vec<Label>,
        /// Evidence captured by running the test's command.
        #[serde(flatten, skip_serializing_if = "Option::is_none")]
        run: Option<Run>,
    },
    Note,
    /// A follow-up: who does it, by when, and the ticket that tracks it.
    Action {
        owner: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
        #[serde(skip_serializing_if = "Option::is_none")]
        link: Option<String>,
    },
    /// Action items finished; the text says how (may be empty).
    Done {
        actions: Vec<Label>,
    },
    /// Who or what was affected and how much; `from`/`to` the impact window.
    Impact {
        #[serde(
            skip_serializing_if = "Option::is_none",
            serialize_with = "super::utc::serialize_option"
        )]
        from: Option<DateTime<Utc>>,
        #[serde(
            skip_serializing_if = "Option::is_none",
            serialize_with = "super::utc::serialize_option"
        )]
        to: Option<DateTime<Utc>>,
    },
    /// A trigger, a root cause or a contributing factor, and the hypothesis that
    /// established it, if one did.
    Cause {
        cause: CauseKind,
        #[serde(skip_serializing_if = "Option::is_none")]
        hypothesis: Option<Label>,
    },
    /// What went well, what went wrong, where the team got lucky.
    Lesson {
        went: Went,
    },
    /// A possible course of action, weighed before a decision: of `situation`, when one
    /// was undecided as it was recorded (or named with `--for`).
    Option {
        consequence: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        situation: Option<Label>,
    },
    /// The option chosen; the text is the rationale (may be empty).
    Decision {
        option: Label,
    },
    /// A correction of the target: its text (this entry's text, when not empty), and what
    /// `change` sets, from now on.
    Amend {
        target: Label,
        #[serde(flatten)]
        change: Amendment,
    },
    /// The incident's title from now on is this entry's text; the id stays.
    Retitle,
    /// The target no longer counts; this entry's text says why (may be empty). `undo`
    /// marks the retractions an undo makes, so that the next undo reaches further back.
    Retract {
        target: Label,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        undo: bool,
    },
    /// The incident's severity from now on.
    Severity {
        severity: Severity,
    },
    /// The incident's stage from now on.
    Stage {
        stage: Stage,
    },
    /// `holder` takes over `role` from whoever held it.
    Role {
        role: String,
        holder: String,
    },
    /// A decision to make: the question and what forces it (S.O.C.S.'s Situation).
    Situation,
    /// A stakeholder update, as sent, to `to` (`stakeholders`, `executives`, …).
    Update {
        to: String,
    },
    /// `name` was called in; the text says why (may be empty).
    Escalation {
        name: String,
    },
    /// The summary a person wrote for the report; the latest counts.
    Summary,
    /// How often stakeholder updates are due from now on, in seconds; 0: not at all.
    Cadence {
        every: u64,
    },
}

/// What a correction sets on its target, each `None` left as it was: the time it happened,
/// and each option the target was recorded with, by the option's name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Amendment {
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "super::utc::serialize_option"
    )]
    pub time: Option<DateTime<Utc>>,
    /// An action's owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// An action's due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// An action's ticket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// An option's consequence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consequence: Option<String>,
    /// The situation an option belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub situation: Option<Label>,
    /// An impact window's start.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "super::utc::serialize_option"
    )]
    pub from: Option<DateTime<Utc>>,
    /// An impact window's end.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "super::utc::serialize_option"
    )]
    pub to: Option<DateTime<Utc>>,
    /// A cause's kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<CauseKind>,
    /// How a lesson's part went.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub went: Option<Went>,
    /// The symptoms a hypothesis explains (replacing the list; empty: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explains: Option<Vec<Label>>,
    /// Whether the target is a key event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<bool>,
}

impl Amendment {
    /// Each field a correction may set beyond the time and the key mark: its name (the
    /// field's, which the command line maps to its option), what it is, whether this
    /// correction sets it, and the kinds of entry that have it. The one table of which
    /// field fits which kind.
    pub fn fields(&self) -> [(&'static str, &'static str, bool, &'static [Kind]); 10] {
        [
            ("owner", "an owner", self.owner.is_some(), &[Kind::Action]),
            ("due", "a due date", self.due.is_some(), &[Kind::Action]),
            ("link", "a link", self.link.is_some(), &[Kind::Action]),
            (
                "consequence",
                "a consequence",
                self.consequence.is_some(),
                &[Kind::Option],
            ),
            (
                "situation",
                "a situation",
                self.situation.is_some(),
                &[Kind::Option],
            ),
            (
                "from",
                "an impact start",
                self.from.is_some(),
                &[Kind::Impact],
            ),
            ("to", "an impact end", self.to.is_some(), &[Kind::Impact]),
            (
                "cause",
                "a kind of cause",
                self.cause.is_some(),
                &[Kind::Cause],
            ),
            ("went", "how it went", self.went.is_some(), &[Kind::Lesson]),
            (
                "explains",
                "the symptoms explained",
                self.explains.is_some(),
                &[Kind::Hypothesis],
            ),
        ]
    }

    /// The fields a correction of `kind` may set, beside its text, its time and the key mark.
    pub fn fields_for(kind: Kind) -> Vec<&'static str> {
        Amendment::default()
            .fields()
            .into_iter()
            .filter(|(_, _, _, kinds)| kinds.contains(&kind))
            .map(|(field, ..)| field)
            .collect()
    }

    /// Whether it sets nothing but, perhaps, the text.
    pub fn is_empty(&self) -> bool {
        *self == Amendment::default()
    }
}

/// Where the response stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Investigating,
    Identified,
    Mitigated,
    Resolved,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Investigating,
        Stage::Identified,
        Stage::Mitigated,
        Stage::Resolved,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Investigating => "investigating",
            Stage::Identified => "identified",
            Stage::Mitigated => "mitigated",
            Stage::Resolved => "resolved",
        }
    }
}

impl std::str::FromStr for Stage {
    type Err = super::error::Error;

    /// Any case, or an unambiguous prefix: `Mitigated`, `mitig`.
    fn from_str(input: &str) -> super::error::Result<Stage> {
        by_prefix(input, Stage::ALL, Stage::name).ok_or_else(|| {
            super::error::Error::Invalid(format!(
                "{input:?} is not a stage: {}",
                Stage::ALL.map(Stage::name).join(", ")
            ))
        })
    }
}

/// The one of `all` whose name `input` is, in any case, or an unambiguous prefix of.
fn by_prefix<T: Copy, const N: usize>(
    input: &str,
    all: [T; N],
    name: fn(T) -> &'static str,
) -> Option<T> {
    let typed = input.trim().to_lowercase();
    let mut matching = all
        .into_iter()
        .filter(|item| !typed.is_empty() && name(*item).starts_with(&typed));
    match (matching.next(), matching.next()) {
        (Some(item), None) => Some(item),
        _ => None,
    }
}

/// What a cause was to the incident.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CauseKind {
    /// What set it off: the deploy, the config push, the traffic spike.
    Trigger,
    /// Why it could happen at all.
    Root,
    /// What made it worse or longer.
    Contributing,
}

impl CauseKind {
    /// In the order a postmortem lists them: what set it off, why, what made it worse.
    pub const ALL: [CauseKind; 3] = [CauseKind::Trigger, CauseKind::Root, CauseKind::Contributing];

    pub fn name(self) -> &'static str {
        match self {
            CauseKind::Trigger => "trigger",
            CauseKind::Root => "root cause",
            CauseKind::Contributing => "contributing factor",
        }
    }
}

/// How a part of the response went, as a postmortem's lessons learned sort it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Went {
    Well,
    Wrong,
    Lucky,
}

impl Went {
    pub const ALL: [Went; 3] = [Went::Well, Went::Wrong, Went::Lucky];

    pub fn name(self) -> &'static str {
        match self {
            Went::Well => "well",
            Went::Wrong => "wrong",
            Went::Lucky => "lucky",
        }
    }
}

impl std::str::FromStr for Went {
    type Err = super::error::Error;

    /// `well`, `wrong`, `lucky`, any case, or a prefix that names one (`we` does not).
    fn from_str(input: &str) -> super::error::Result<Went> {
        by_prefix(input, Went::ALL, Went::name).ok_or_else(|| {
            super::error::Error::Invalid(format!(
                "{input:?} is not how it went: well, wrong or lucky"
            ))
        })
    }
}

/// What a command run as a test did: evidence, not a verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub command: String,
    /// `None` when it did not exit by itself (killed, or timed out).
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub duration_ms: u64,
    /// Standard output and error interleaved as printed: the last 50 lines, at most 16 KiB.
    pub output: String,
}

fn of(labels: &[Label], kind: Kind) -> impl Iterator<Item = (Label, Option<Kind>)> + '_ {
    labels.iter().map(move |label| (*label, Some(kind)))
}

impl Body {
    pub fn kind(&self) -> Kind {
        match self {
            Body::Symptom => Kind::Symptom,
            Body::Hypothesis { .. } => Kind::Hypothesis,
            Body::Test { .. } => Kind::Test,
            Body::Result { .. } => Kind::Result,
            Body::Note => Kind::Note,
            Body::Action { .. } => Kind::Action,
            Body::Done { .. } => Kind::Done,
            Body::Impact { .. } => Kind::Impact,
            Body::Cause { .. } => Kind::Cause,
            Body::Lesson { .. } => Kind::Lesson,
            Body::Option { .. } => Kind::Option,
            Body::Decision { .. } => Kind::Decision,
            Body::Amend { .. } => Kind::Amend,
            Body::Retitle => Kind::Retitle,
            Body::Retract { .. } => Kind::Retract,
            Body::Severity { .. } => Kind::Severity,
            Body::Stage { .. } => Kind::Stage,
            Body::Role { .. } => Kind::Role,
            Body::Situation => Kind::Situation,
            Body::Update { .. } => Kind::Update,
            Body::Escalation { .. } => Kind::Escalation,
            Body::Summary => Kind::Summary,
            Body::Cadence { .. } => Kind::Cadence,
        }
    }

    /// Points every link at the label `to` gives it: how links follow a renumbering.
    pub fn relink(&mut self, to: impl Fn(Label) -> Label) {
        let each =
            |labels: &mut Vec<Label>| labels.iter_mut().for_each(|label| *label = to(*label));
        match self {
            Body::Hypothesis { explains } => each(explains),
            Body::Test { targets } => each(targets),
            Body::Result {
                test,
                rules_out,
                confirms,
                ..
            } => {
                *test = to(*test);
                each(rules_out);
                each(confirms);
            }
            Body::Decision { option } => *option = to(*option),
            Body::Done { actions } => each(actions),
            Body::Cause {
                hypothesis: Some(hypothesis),
                ..
            } => *hypothesis = to(*hypothesis),
            Body::Amend { target, change } => {
                *target = to(*target);
                if let Some(explains) = &mut change.explains {
                    each(explains);
                }
                if let Some(situation) = &mut change.situation {
                    *situation = to(*situation);
                }
            }
            Body::Retract { target, .. } => *target = to(*target),
            Body::Option {
                situation: Some(situation),
                ..
            } => *situation = to(*situation),
            Body::Symptom
            | Body::Note
            | Body::Action { .. }
            | Body::Option { .. }
            | Body::Situation
            | Body::Update { .. }
            | Body::Escalation { .. }
            | Body::Summary
            | Body::Cadence { .. }
            | Body::Severity { .. }
            | Body::Stage { .. }
            | Body::Role { .. }
            | Body::Retitle
            | Body::Impact { .. }
            | Body::Cause { .. }
            | Body::Lesson { .. } => {}
        }
    }

    /// The names this entry holds beside its author: an action's owner, a correction's new
    /// owner, a role and its holder; each with the field it is stored in.
    pub fn names(&self) -> Vec<(&'static str, &str)> {
        match self {
            Body::Action {
                owner: Some(owner), ..
            }
            | Body::Amend {
                change: Amendment {
                    owner: Some(owner), ..
                },
                ..
            } => vec![("owner", owner)],
            Body::Role { role, holder } => vec![("role", role), ("holder", holder)],
            Body::Escalation { name } => vec![("name", name)],
            Body::Update { to } => vec![("to", to)],
            Body::Action { owner: None, .. }
            | Body::Amend { .. }
            | Body::Situation
            | Body::Summary
            | Body::Cadence { .. }
            | Body::Symptom
            | Body::Hypothesis { .. }
            | Body::Test { .. }
            | Body::Result { .. }
            | Body::Note
            | Body::Done { .. }
            | Body::Impact { .. }
            | Body::Cause { .. }
            | Body::Lesson { .. }
            | Body::Option { .. }
            | Body::Decision { .. }
            | Body::Retitle
            | Body::Retract { .. }
            | Body::Severity { .. }
            | Body::Stage { .. } => Vec::new(),
        }
    }

    /// The entries this one points at, each with the kind it must have (`None`: any entry
    /// that is not itself a change).
    pub fn links(&self) -> Vec<(Label, Option<Kind>)> {
        match self {
            Body::Hypothesis { explains } => of(explains, Kind::Symptom).collect(),
            Body::Test { targets } => of(targets, Kind::Hypothesis).collect(),
            Body::Result {
                test,
                rules_out,
                confirms,
                ..
            } => std::iter::once((*test, Some(Kind::Test)))
                .chain(of(rules_out, Kind::Hypothesis))
                .chain(of(confirms, Kind::Hypothesis))
                .collect(),
            Body::Decision { option } => vec![(*option, Some(Kind::Option))],
            Body::Done { actions } => of(actions, Kind::Action).collect(),
            Body::Cause {
                hypothesis: Some(hypothesis),
                ..
            } => vec![(*hypothesis, Some(Kind::Hypothesis))],
            // Which entries can be corrected is the record's rule, not a link kind.
            Body::Amend { target, change } => std::iter::once((*target, None))
                .chain(
                    change
                        .explains
                        .iter()
                        .flat_map(|explains| of(explains, Kind::Symptom)),
                )
                .chain(
                    change
                        .situation
                        .map(|situation| (situation, Some(Kind::Situation))),
                )
                .collect(),
            Body::Retract { target, .. } => vec![(*target, None)],
            Body::Option {
                situation: Some(situation),
                ..
            } => vec![(*situation, Some(Kind::Situation))],
            Body::Symptom
            | Body::Note
            | Body::Action { .. }
            | Body::Option { .. }
            | Body::Situation
            | Body::Update { .. }
            | Body::Escalation { .. }
            | Body::Summary
            | Body::Cadence { .. }
            | Body::Severity { .. }
            | Body::Stage { .. }
            | Body::Role { .. }
            | Body::Retitle
            | Body::Impact { .. }
            | Body::Cause { .. }
            | Body::Lesson { .. } => Vec::new(),
        }
    }
}

/// One line of the log. Never changed once recorded.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "StoredEntry")]
pub struct Entry {
    pub id: Label,
    #[serde(flatten)]
    pub body: Body,
    pub uuid: Uuid,
    /// When it happened, as the user said, to the second.
    #[serde(serialize_with = "super::utc::serialize")]
    pub at: DateTime<Utc>,
    /// When it was typed in.
    #[serde(serialize_with = "super::utc::serialize")]
    pub recorded_at: DateTime<Utc>,
    pub by: String,
    pub text: String,
    /// A key event: one a reader outside the team needs (`--key`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub key: bool,
}

impl Entry {
    pub fn kind(&self) -> Kind {
        self.body.kind()
    }
}

/// An entry about to be recorded: what the user typed, before it gets its label.
pub struct NewEntry {
    pub body: Body,
    pub at: DateTime<Utc>,
    pub by: String,
    pub text: String,
    pub uuid: Uuid,
    pub recorded_at: DateTime<Utc>,
    pub key: bool,
}

/// An entry as stored: every field any kind may have. Unknown fields, or fields that do
/// not belong to the entry's kind, make the document unreadable rather than being
/// dropped on the next save.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredEntry {
    id: Label,
    kind: Kind,
    explains: Option<Vec<Label>>,
    #[serde(rename = "for")]
    targets: Option<Vec<Label>>,
    test: Option<Label>,
    rules_out: Option<Vec<Label>>,
    confirms: Option<Vec<Label>>,
    #[serde(default, deserialize_with = "present")]
    owner: Option<Option<String>>,
    target: Option<Label>,
    #[serde(default, deserialize_with = "present")]
    consequence: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::utc::deserialize_option")]
    time: Option<DateTime<Utc>>,
    due: Option<NaiveDate>,
    link: Option<String>,
    actions: Option<Vec<Label>>,
    #[serde(default, deserialize_with = "super::utc::deserialize_option")]
    from: Option<DateTime<Utc>>,
    /// An impact's end (a time), or an update's audience.
    to: Option<String>,
    cause: Option<CauseKind>,
    hypothesis: Option<Label>,
    went: Option<Went>,
    undo: Option<bool>,
    option: Option<Label>,
    severity: Option<Severity>,
    stage: Option<Stage>,
    role: Option<String>,
    holder: Option<String>,
    situation: Option<Label>,
    name: Option<String>,
    every: Option<u64>,
    key: Option<bool>,
    command: Option<String>,
    #[serde(default, deserialize_with = "present")]
    exit_code: Option<Option<i32>>,
    timed_out: Option<bool>,
    duration_ms: Option<u64>,
    output: Option<String>,
    uuid: Uuid,
    #[serde(deserialize_with = "super::utc::deserialize")]
    at: DateTime<Utc>,
    #[serde(deserialize_with = "super::utc::deserialize")]
    recorded_at: DateTime<Utc>,
    by: String,
    text: String,
}

/// A field that is there, even as `null`: `Some(None)`, where a missing one is `None`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

impl TryFrom<StoredEntry> for Entry {
    type Error = String;

    fn try_from(stored: StoredEntry) -> std::result::Result<Entry, String> {
        let StoredEntry {
            id,
            kind,
            mut explains,
            mut targets,
            mut test,
            mut rules_out,
            mut confirms,
            mut owner,
            mut target,
            mut consequence,
            mut time,
            mut due,
            mut link,
            mut actions,
            mut from,
            mut to,
            mut cause,
            mut hypothesis,
            mut went,
            mut undo,
            mut option,
            mut severity,
            mut stage,
            mut role,
            mut holder,
            mut situation,
            mut name,
            mut every,
            key,
            mut command,
            mut exit_code,
            mut timed_out,
            mut duration_ms,
            mut output,
            uuid,
            at,
            recorded_at,
            by,
            text,
        } = stored;
        fn required<T>(field: &mut Option<T>, id: Label, name: &str) -> Result<T, String> {
            field
                .take()
                .ok_or_else(|| format!("entry {id} has no `{name}`"))
        }
        fn time_of(field: &mut Option<String>, id: Label) -> Result<Option<DateTime<Utc>>, String> {
            field
                .take()
                .map(|text| {
                    super::utc::parse(&text)
                        .ok_or_else(|| format!("entry {id}: `to` {text:?} is not an RFC 3339 time"))
                })
                .transpose()
        }
        let body = match kind {
            Kind::Symptom => Body::Symptom,
            Kind::Hypothesis => Body::Hypothesis {
                explains: explains.take().unwrap_or_default(),
            },
            Kind::Test => Body::Test {
                targets: targets.take().unwrap_or_default(),
            },
            Kind::Result => Body::Result {
                test: required(&mut test, id, "test")?,
                rules_out: rules_out.take().unwrap_or_default(),
                confirms: confirms.take().unwrap_or_default(),
                run: match command.take() {
                    Some(command) => Some(Run {
                        command,
                        exit_code: required(&mut exit_code, id, "exit_code")?,
                        timed_out: required(&mut timed_out, id, "timed_out")?,
                        duration_ms: required(&mut duration_ms, id, "duration_ms")?,
                        output: required(&mut output, id, "output")?,
                    }),
                    None => None,
                },
            },
            Kind::Note => Body::Note,
            Kind::Action => Body::Action {
                owner: owner.take().flatten(),
                due: due.take(),
                link: link.take(),
            },
            Kind::Done => Body::Done {
                actions: required(&mut actions, id, "actions")?,
            },
            Kind::Impact => Body::Impact {
                from: from.take(),
                to: time_of(&mut to, id)?,
            },
            Kind::Cause => Body::Cause {
                cause: required(&mut cause, id, "cause")?,
                hypothesis: hypothesis.take(),
            },
            Kind::Lesson => Body::Lesson {
                went: required(&mut went, id, "went")?,
            },
            Kind::Option => Body::Option {
                consequence: consequence.take().flatten(),
                situation: situation.take(),
            },
            Kind::Decision => Body::Decision {
                option: required(&mut option, id, "option")?,
            },
            Kind::Amend => Body::Amend {
                target: required(&mut target, id, "target")?,
                change: Amendment {
                    time: time.take(),
                    owner: owner.take().flatten(),
                    due: due.take(),
                    link: link.take(),
                    consequence: consequence.take().flatten(),
                    situation: situation.take(),
                    from: from.take(),
                    to: time_of(&mut to, id)?,
                    cause: cause.take(),
                    went: went.take(),
                    explains: explains.take(),
                    key,
                },
            },
            Kind::Retitle => Body::Retitle,
            Kind::Retract => Body::Retract {
                target: required(&mut target, id, "target")?,
                undo: undo.take().unwrap_or(false),
            },
            Kind::Severity => Body::Severity {
                severity: required(&mut severity, id, "severity")?,
            },
            Kind::Stage => Body::Stage {
                stage: required(&mut stage, id, "stage")?,
            },
            Kind::Role => Body::Role {
                role: required(&mut role, id, "role")?,
                holder: required(&mut holder, id, "holder")?,
            },
            Kind::Situation => Body::Situation,
            Kind::Update => Body::Update {
                to: required(&mut to, id, "to")?,
            },
            Kind::Escalation => Body::Escalation {
                name: required(&mut name, id, "name")?,
            },
            Kind::Summary => Body::Summary,
            Kind::Cadence => Body::Cadence {
                every: required(&mut every, id, "every")?,
            },
        };
        let stray = [
            ("explains", explains.is_some()),
            ("for", targets.is_some()),
            ("test", test.is_some()),
            ("rules_out", rules_out.is_some()),
            ("confirms", confirms.is_some()),
            ("owner", owner.is_some()),
            ("target", target.is_some()),
            ("consequence", consequence.is_some()),
            ("time", time.is_some()),
            ("due", due.is_some()),
            ("link", link.is_some()),
            ("actions", actions.is_some()),
            ("from", from.is_some()),
            ("to", to.is_some()),
            ("cause", cause.is_some()),
            ("hypothesis", hypothesis.is_some()),
            ("went", went.is_some()),
            ("undo", undo.is_some()),
            ("option", option.is_some()),
            ("severity", severity.is_some()),
            ("stage", stage.is_some()),
            ("role", role.is_some()),
            ("holder", holder.is_some()),
            ("situation", situation.is_some()),
            ("name", name.is_some()),
            ("every", every.is_some()),
            ("exit_code", exit_code.is_some()),
            ("timed_out", timed_out.is_some()),
            ("duration_ms", duration_ms.is_some()),
            ("output", output.is_some()),
        ];
        if let Some((field, _)) = stray.iter().find(|(_, present)| *present) {
            return Err(format!(
                "entry {id} is a {} but has the field `{field}`",
                body.kind().name()
            ));
        }
        // On a correction, `key` is what it sets on its target; on any other entry, whether
        // the entry itself is a key event.
        let key = match body {
            Body::Amend { .. } => false,
            _ => key.unwrap_or(false),
        };
        Ok(Entry {
            id,
            body,
            uuid,
            at,
            recorded_at,
            by,
            text,
            key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::label::Series;

    /// `relink` and `links` walk the same fields: a link `links` reports and `relink`
    /// missed would point at the wrong entry after a sync or a merge renumbered it.
    #[test]
    fn relink_moves_every_link_that_links_reports() {
        let l = |series, number| Label::new(series, number);
        let bodies = [
            Body::Hypothesis {
                explains: vec![l(Series::S, 1)],
            },
            Body::Test {
                targets: vec![l(Series::H, 1), l(Series::H, 2)],
            },
            Body::Result {
                test: l(Series::T, 1),
                rules_out: vec![l(Series::H, 1)],
                confirms: vec![l(Series::H, 2)],
                run: None,
            },
            Body::Decision {
                option: l(Series::O, 1),
            },
            Body::Done {
                actions: vec![l(Series::A, 1)],
            },
            Body::Cause {
                cause: CauseKind::Root,
                hypothesis: Some(l(Series::H, 2)),
            },
            Body::Amend {
                target: l(Series::S, 1),
                change: Amendment::default(),
            },
            Body::Amend {
                target: l(Series::H, 1),
                change: Amendment {
                    explains: Some(vec![l(Series::S, 2)]),
                    ..Amendment::default()
                },
            },
            Body::Option {
                consequence: None,
                situation: Some(l(Series::Q, 1)),
            },
            Body::Retract {
                target: l(Series::N, 1),
                undo: false,
            },
        ];
        for body in bodies {
            let before = body.links();
            assert!(!before.is_empty(), "{body:?} has links");
            let mut moved = body.clone();
            moved.relink(|label| Label::new(label.series, label.number + 100));
            let expected: Vec<(Label, Option<Kind>)> = before
                .iter()
                .map(|(label, kind)| (Label::new(label.series, label.number + 100), *kind))
                .collect();
            assert_eq!(moved.links(), expected, "{body:?}");
        }
    }
}
