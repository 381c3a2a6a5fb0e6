//! What the model refuses, and why. The store's error wraps it, and the command line
//! attaches what to do next; the model knows nothing of files, terminals or the command line.

use super::label::{Kind, Label, MalformedLabel, join_labels};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    // Exit 2: the command was typed wrong.
    #[error("{0}")]
    Invalid(String),
    #[error("the text is empty")]
    EmptyText,
    #[error("the text is {len} bytes long; the limit is {limit} bytes")]
    TextTooLong { len: usize, limit: usize },
    #[error("the name is empty")]
    EmptyName,
    #[error("the name is {len} bytes long; a name is at most {limit} bytes")]
    NameTooLong { len: usize, limit: usize },
    #[error(transparent)]
    MalformedLabel(#[from] MalformedLabel),
    #[error("one result cannot both rule out and confirm {label}")]
    RulesOutAndConfirms { label: Label },
    #[error(
        "the result names no hypotheses it rules out, and test {test} was designed to rule out none"
    )]
    RulesOutWithoutTargets { test: Label },
    #[error(
        "the result names no hypotheses it rules out, and every hypothesis test {test} was \
         designed to rule out has been retracted ({})",
        join_labels(retracted)
    )]
    TargetsRetracted { test: Label, retracted: Vec<Label> },
    #[error(
        "the close time {} is before the incident was opened ({})",
        at.format("%Y-%m-%d %H:%M:%S UTC"),
        since.format("%Y-%m-%d %H:%M:%S UTC")
    )]
    CloseBeforeOpen {
        at: chrono::DateTime<chrono::Utc>,
        since: chrono::DateTime<chrono::Utc>,
    },
    #[error("{what} does not apply to {label}, which is {}", kind.with_article())]
    DoesNotApply {
        what: &'static str,
        label: Label,
        kind: Kind,
    },
    #[error("{name} is not in the directory yet, and a new contact needs a way to reach them")]
    NewContactWithoutReach { name: String },

    // Exit 1: anything else.
    #[error("no such entry: {label}{}", expected_kind(*.expected))]
    NoSuchEntry {
        label: Label,
        expected: Option<Kind>,
    },
    #[error("{label} is {}, not {}", found.with_article(), expected.with_article())]
    WrongKind {
        label: Label,
        found: Kind,
        expected: Kind,
    },
    #[error("incident {id} is closed")]
    Closed { id: String },
    #[error("incident {id} is already closed")]
    AlreadyClosed { id: String },
    #[error("incident {id} is not closed")]
    NotClosed { id: String },
    #[error("{label} cannot be a cause: {by_result} ruled it out")]
    RootCauseRuledOut { label: Label, by_result: Label },
    #[error("{label} is {}, which cannot be {verb}", kind.with_article())]
    NotCorrectable {
        label: Label,
        kind: Kind,
        verb: &'static str,
    },
    #[error("{label} is already done ({by})")]
    AlreadyDone { label: Label, by: Label },
    #[error("{label} was retracted by {by}")]
    Retracted { label: Label, by: Label },
    #[error("no labels left for another {}", kind.name())]
    LabelsExhausted { kind: Kind },
    #[error("nothing to undo: {by} has recorded nothing in this incident that still counts")]
    NothingToUndo { by: String },
    #[error("no contact named {name} in the directory")]
    NoSuchContact { name: String },
    #[error("no group of the team's synonyms holds {word:?}")]
    NoSuchSynonym { word: String },

    // Merges and discards.
    #[error("incident {id} was merged into {into}; it is kept read-only")]
    MergedAway { id: String, into: String },
    #[error("incident {id} was discarded as opened by mistake; it is kept read-only")]
    Discarded { id: String },
    #[error("cannot merge incident {id} into itself")]
    MergeIntoItself { id: String },
    #[error("incident {id} was merged into {into}: merge {other} into {into} instead")]
    MergeIntoMerged {
        id: String,
        into: String,
        other: String,
    },
    /// `here` is the incident that was to take `id`'s entries.
    #[error("incident {id} was already merged into {into}")]
    AlreadyMerged {
        id: String,
        into: String,
        here: String,
    },
    #[error("incident {other} is still open and {id} is closed")]
    MergeOpenIntoClosed { id: String, other: String },
    #[error("incident {id} is already discarded")]
    AlreadyDiscarded { id: String },
    #[error("incident {id} is not discarded")]
    NotDiscarded { id: String },
    #[error(
        "incident {id} was merged into {into}: it is out of the list already, and its entries \
         live on there"
    )]
    DiscardMerged { id: String, into: String },
    #[error("incident {id} was merged into {into}, not discarded; a merge is never undone")]
    RestoreMerged { id: String, into: String },
}

fn expected_kind(expected: Option<Kind>) -> String {
    expected
        .map(|kind| format!(" (expected {})", kind.with_article()))
        .unwrap_or_default()
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_)
            | Error::EmptyText
            | Error::TextTooLong { .. }
            | Error::EmptyName
            | Error::NameTooLong { .. }
            | Error::MalformedLabel(_)
            | Error::RulesOutAndConfirms { .. }
            | Error::RulesOutWithoutTargets { .. }
            | Error::TargetsRetracted { .. }
            | Error::CloseBeforeOpen { .. }
            | Error::DoesNotApply { .. }
            | Error::NewContactWithoutReach { .. } => 2,
            _ => 1,
        }
    }
}
