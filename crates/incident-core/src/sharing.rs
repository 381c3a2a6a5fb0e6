//! What sharing with the team did and where it stands, as plain data: what a sync did
//! (`Synced`), how far one incident here is from the team (`Sharing`), and a label or
//! id a sync changed, which the next command tells or refuses once (`Moved`). The store's sync
//! returns these; the command line words them. Nothing here is worded.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::model::Label;

/// What a sync did.
#[derive(Debug, Default)]
pub struct Synced {
    /// Entries (and closes and reopens) the remote did not have before.
    pub sent: usize,
    /// Entries this machine did not have before.
    pub received: usize,
    /// Incidents whose documents changed here or on the remote, and by how much.
    pub incidents: BTreeMap<String, Exchanged>,
    pub relabeled: Vec<Relabeled>,
    pub renamed: Vec<Renamed>,
    /// Of each list the team shares, by what a sync says it moved (`contacts`,
    /// `synonyms`): its records (things added, changed or removed) sent and received.
    pub lists: BTreeMap<&'static str, Exchanged>,
    /// Incidents that could not be shared, and why: the sync went on without them.
    pub problems: Vec<String>,
}

/// What a sync sent and received: entries of one incident, or records of a shared list.
#[derive(Debug, Default, Clone, Copy)]
pub struct Exchanged {
    pub sent: usize,
    pub received: usize,
}

impl Exchanged {
    /// Whether nothing was sent or received.
    pub fn is_empty(&self) -> bool {
        self.sent == 0 && self.received == 0
    }
}

/// A label renumbered by a sync, because another machine took it first.
#[derive(Debug, Clone)]
pub struct Relabeled {
    pub incident: String,
    pub from: String,
    pub to: String,
    /// Who recorded `from` first, elsewhere.
    pub by: String,
}

/// An incident renamed by a sync, because the team holds another under its id.
#[derive(Debug, Clone)]
pub struct Renamed {
    pub from: String,
    pub to: String,
    /// Who opened the other incident with that id, if another one has it.
    pub by: Option<String>,
}

/// How far this machine is from the team, for one incident.
pub struct Sharing {
    pub url: String,
    pub last_success: Option<DateTime<Utc>>,
    /// The last sync failed (after the last success), and why.
    pub failure: Option<(DateTime<Utc>, String)>,
    /// Entries recorded here the remote did not have at the last sync; `None` when this
    /// incident has never been shared.
    pub unsent: Option<usize>,
}

/// A label or an incident id that a sync changed, as it stands now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Moved {
    /// Label `from` of `incident` names another entry now; the entry it named is `to`.
    /// `by` recorded `from` first.
    Label {
        incident: String,
        from: Label,
        to: Label,
        by: String,
    },
    /// Incident `from` is `to` now; `by`, when known, opened `from` first.
    Id {
        from: String,
        to: String,
        by: Option<String>,
    },
}
