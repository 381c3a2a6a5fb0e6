//! The incident and its log: pure data and the rules of the method. Nothing here touches
//! the disk or the terminal.
//!
//! Entries are immutable once recorded; corrections are entries of their own. Everything
//! that changes as the investigation goes on (a hypothesis's status, whether a test awaits
//! a result, the current text of a corrected entry, the root cause, whether the incident is
//! open) is derived by `State`, never stored twice.
//!
//! Where each part lives:
//! - `incident.rs`: the document (entries, closes, reopens, marks) and lookups in it;
//! - `entry.rs`, `label.rs`: the entries and their labels;
//! - `record.rs`: the rules an entry is recorded by;
//! - `check.rs`: what typed text, names and links must hold to; `severity.rs`: severity;
//! - `shared.rs`: what a team shares beside its incidents as records, and the join of two
//!   copies; `directory.rs`: the directory of whom to call, one such list;
//! - `lifecycle.rs`: close, reopen, discard, restore; `mark.rs`: merges;
//! - `join.rs`: joining the logs of several machines;
//! - `state.rs`: everything derived from the log; `decisions.rs`: situations, options and
//!   decisions; `postmortem.rs`: the postmortem facts; `events.rs`: which entries are
//!   events of the story a report tells, and key events;
//!   `metrics.rs`: the durations of the response; `communication.rs`: updates on a
//!   cadence and escalations;
//! - `stats.rs`: statistics across incidents.
//!
//! Search and "seen before" are `crate::search`'s.

mod check;
mod communication;
mod decisions;
mod directory;
mod entry;
mod error;
mod events;
mod incident;
mod join;
mod label;
mod lifecycle;
mod mark;
mod metrics;
mod postmortem;
mod record;
mod severity;
mod shared;
mod state;
mod stats;
#[cfg(test)]
mod testing;
pub mod utc;

pub use check::{MAX_NAME_BYTES, MAX_TEXT_BYTES, check_link, check_name, check_text};
pub use communication::{Cadence, CadenceSource, Escalation};
pub use decisions::{Choice, Situation};
pub use directory::{
    Contact, DIRECTORY_SCHEMA, Directory, MAX_CONTACTS, MAX_COVERS, Record, Set, covers_of,
    key as contact_key,
};
pub use entry::{Amendment, Body, CauseKind, Entry, NewEntry, Run, Stage, Went};
pub use error::{Error, Result};
pub use incident::{Change, Incident, Mark, MarkKind, Presence, SCHEMA, Stamp, Status, Transition};
pub use join::{Joined, Relabel};
pub use label::{Kind, Label, LabelMap, MalformedLabel, join_labels, parse_labels};
pub use lifecycle::RootCause;
pub use mark::{Merge, MergeOutcome, merged_into_among};
pub use metrics::{Measure, Metrics, Origin, PerMeasure, Span};
pub use postmortem::ImpactEnd;
pub use severity::Severity;
pub(crate) use shared::check_change;
#[cfg(test)]
pub(crate) use shared::joins_agree;
pub use shared::{Edit, Joined as ListJoined, SharedList, SharedRecord};
pub use state::{HypothesisStatus, State, Warning};
pub use stats::{Counted, Distribution, FEW, Facts, Stats, nearest_rank};
