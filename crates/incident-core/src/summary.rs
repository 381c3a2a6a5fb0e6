//! An incident as the list shows it, and what the statistics and "seen before" need of
//! it besides: one row per incident, derived from its document. The store keeps all of
//! it in its list cache, and reads of it only what the caller asks for: `list` reads the
//! rows alone.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{Facts, Incident, Presence, Severity, Stage, Status};
use crate::search::{Memory, Past};

/// An incident as the list shows it: one row.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Summary {
    pub id: String,
    pub uuid: Uuid,
    pub title: String,
    pub status: Status,
    #[serde(deserialize_with = "crate::model::utc::deserialize")]
    pub opened_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::model::utc::deserialize_option")]
    pub closed_at: Option<DateTime<Utc>>,
    /// The current severity, and the most severe it reached.
    pub severity: Option<Severity>,
    pub peak_severity: Option<Severity>,
    pub stage: Stage,
    pub entries: usize,
    /// The incident its entries were merged into; the list shows it only when asked for every incident.
    pub merged_into: Option<String>,
    /// Opened by mistake; the list shows it only when asked for every incident.
    pub discarded: bool,
}

/// Everything the list cache keeps of one incident: its row, what the statistics count
/// and what a closed incident is remembered by.
#[derive(Clone, Debug)]
pub struct Summarized {
    pub summary: Summary,
    /// What the statistics count.
    pub facts: Facts,
    /// What a closed incident is remembered by, for "seen before"; `None` while open.
    pub memory: Option<Memory>,
}

impl Summary {
    /// The incident's row, what the statistics count and what it is remembered by, from
    /// one reading of its state.
    pub fn of(incident: &Incident) -> Summarized {
        let state = incident.state();
        let summary = Summary {
            id: incident.id.clone(),
            uuid: incident.uuid,
            title: state.title().to_string(),
            status: incident.status(),
            opened_at: incident.opened_at,
            closed_at: incident.closed_at(),
            severity: state.severity(),
            peak_severity: state.peak_severity(),
            stage: state.stage(),
            entries: incident.entries.len(),
            merged_into: incident
                .merged_into()
                .map(|merged| merged.other().to_string()),
            discarded: incident.discarded().is_some(),
        };
        Summarized {
            summary,
            facts: Facts::of(&state),
            memory: (incident.status() == Status::Closed).then(|| Memory::of(incident, &state)),
        }
    }

    /// A closed incident, remembered by `memory`, as "seen before" compares it; `None`
    /// while it is open.
    pub fn as_past<'a>(&'a self, memory: Option<&'a Memory>) -> Option<Past<'a>> {
        if !self.is_history() {
            return None;
        }
        Some(Past {
            incident: &self.id,
            title: &self.title,
            opened_at: self.opened_at,
            closed_at: self.closed_at?,
            memory: memory?,
        })
    }

    /// Where the incident stands for the team, as its document would say.
    pub fn presence(&self) -> Presence {
        Presence {
            status: self.status,
            merged_away: self.merged_into.is_some(),
            discarded: self.discarded,
        }
    }

    /// `Presence::is_history`.
    pub fn is_history(&self) -> bool {
        self.presence().is_history()
    }

    /// `Presence::is_listed`.
    pub fn is_listed(&self) -> bool {
        self.presence().is_listed()
    }
}
