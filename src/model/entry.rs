//! Entries: the immutable lines of an incident's log, and how they are stored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::label::{Kind, Label};

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
    },
    Note,
    Action {
        owner: Option<String>,
    },
    /// A correction: the target's text is this entry's text from now on.
    Amend {
        target: Label,
    },
    /// The target no longer counts; this entry's text says why (may be empty).
    Retract {
        target: Label,
    },
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
            Body::Amend { .. } => Kind::Amend,
            Body::Retract { .. } => Kind::Retract,
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
            } => std::iter::once((*test, Some(Kind::Test)))
                .chain(of(rules_out, Kind::Hypothesis))
                .chain(of(confirms, Kind::Hypothesis))
                .collect(),
            Body::Amend { target } | Body::Retract { target } => vec![(*target, None)],
            Body::Symptom | Body::Note | Body::Action { .. } => Vec::new(),
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
    /// When it happened, as the user said (`--at`), to the second.
    pub at: DateTime<Utc>,
    /// When it was typed in.
    pub recorded_at: DateTime<Utc>,
    pub by: String,
    pub text: String,
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
}

/// An entry as stored: every field any kind may have. Unknown fields, or fields that do
/// not belong to the entry's kind, make the document unreadable rather than being
/// dropped on the next save.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredEntry {
    id: Label,
    kind: StoredKind,
    explains: Option<Vec<Label>>,
    #[serde(rename = "for")]
    targets: Option<Vec<Label>>,
    test: Option<Label>,
    rules_out: Option<Vec<Label>>,
    confirms: Option<Vec<Label>>,
    #[serde(default)]
    owner: Option<Option<String>>,
    target: Option<Label>,
    uuid: Uuid,
    at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
    by: String,
    text: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum StoredKind {
    Symptom,
    Hypothesis,
    Test,
    Result,
    Note,
    Action,
    Amend,
    Retract,
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
            uuid,
            at,
            recorded_at,
            by,
            text,
        } = stored;
        let required = |field: &mut Option<Label>, name: &str| {
            field
                .take()
                .ok_or_else(|| format!("entry {id} has no `{name}`"))
        };
        let body = match kind {
            StoredKind::Symptom => Body::Symptom,
            StoredKind::Hypothesis => Body::Hypothesis {
                explains: explains.take().unwrap_or_default(),
            },
            StoredKind::Test => Body::Test {
                targets: targets.take().unwrap_or_default(),
            },
            StoredKind::Result => Body::Result {
                test: required(&mut test, "test")?,
                rules_out: rules_out.take().unwrap_or_default(),
                confirms: confirms.take().unwrap_or_default(),
            },
            StoredKind::Note => Body::Note,
            StoredKind::Action => Body::Action {
                owner: owner.take().flatten(),
            },
            StoredKind::Amend => Body::Amend {
                target: required(&mut target, "target")?,
            },
            StoredKind::Retract => Body::Retract {
                target: required(&mut target, "target")?,
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
        ];
        if let Some((field, _)) = stray.iter().find(|(_, present)| *present) {
            return Err(format!(
                "entry {id} is a {} but has the field `{field}`",
                body.kind().name()
            ));
        }
        Ok(Entry {
            id,
            body,
            uuid,
            at,
            recorded_at,
            by,
            text,
        })
    }
}
