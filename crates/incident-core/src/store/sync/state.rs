//! `sync/state.json`: when the last sync succeeded or failed, and how many entries of
//! each incident the remote held then. Only the board reads it, to say how far this
//! machine is from the team without asking the network; a sync never trusts it.

use std::collections::HashMap;
use std::io;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::super::atomic::read_regular;
use super::count;
use crate::error::{Error, Result};
use crate::model::Incident;
use crate::sharing::{Relabeled, Sharing, Synced};
use crate::store::Store;

pub const FILE: &str = "state.json";
/// Far more than a state of 10,000 incidents needs.
const MAX_STATE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Default, Serialize, Deserialize)]
struct State {
    #[serde(
        default,
        serialize_with = "crate::model::utc::serialize_option",
        deserialize_with = "crate::model::utc::deserialize_option"
    )]
    last_success: Option<DateTime<Utc>>,
    #[serde(
        default,
        serialize_with = "crate::model::utc::serialize_option",
        deserialize_with = "crate::model::utc::deserialize_option"
    )]
    last_failure: Option<DateTime<Utc>>,
    #[serde(default)]
    last_error: Option<String>,
    /// Entries, closes and reopens of each incident the remote held after the last sync.
    #[serde(default)]
    shared: HashMap<String, usize>,
}

impl Store {
    fn read_state(&self) -> State {
        let path = self.sync_dir().join(FILE);
        match read_regular(&path, MAX_STATE_BYTES) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
            Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                State::default()
            }
            Err(_) => State::default(),
        }
    }

    /// Written like a cache, not synced to the disk: after a power cut the board may
    /// show an older last sync, and the next sync writes it again. Syncing it cost a
    /// sync with nothing to do half its time.
    fn write_state(&self, state: &State) -> Result<()> {
        let bytes = serde_json::to_vec(state).expect("the state serializes");
        self.write_sync_cache(FILE, &bytes)
    }

    pub(super) fn forget_sharing(&self) -> Result<()> {
        self.forget_held();
        match std::fs::remove_file(self.sync_dir().join(FILE)) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(Error::io(self.sync_dir().join(FILE), source)),
        }
    }

    /// A sync that reached the remote; `problem` says what it still could not share.
    pub(super) fn note_success(
        &self,
        now: DateTime<Utc>,
        shared: HashMap<String, usize>,
        problem: Option<String>,
    ) -> Result<()> {
        let mut state = self.read_state();
        state.last_success = Some(now);
        state.last_failure = problem.is_some().then_some(now);
        state.last_error = problem;
        state.shared.extend(shared);
        self.write_state(&state)
    }

    /// A sync that failed; `held_there` is what the remote was seen to hold of each
    /// incident before it did (what was received from it is not unsent).
    pub(super) fn note_failure(
        &self,
        now: DateTime<Utc>,
        error: &str,
        held_there: HashMap<String, usize>,
    ) -> Result<()> {
        let mut state = self.read_state();
        state.last_failure = Some(now);
        state.last_error = Some(error.to_string());
        state.shared.extend(held_there);
        self.write_state(&state)
    }

    /// How far `incident` here is from the team, or `None` when nothing is shared.
    /// Reads two small files and never the network.
    pub fn sharing(&self, incident: &Incident) -> Option<Sharing> {
        let url = self.remote().ok().flatten()?;
        let state = self.read_state();
        let unsent = state
            .shared
            .get(&incident.id)
            .map(|shared| count(incident).saturating_sub(*shared));
        Some(Sharing {
            url,
            last_success: state.last_success,
            failure: state.last_failure.zip(state.last_error),
            unsent,
        })
    }
}

impl Synced {
    /// Labels renumbered twice in one sync (a push rejected after the first) are told
    /// once, from the label the user typed to the one it ended up with, naming who
    /// recorded the typed label first.
    pub fn collapse_relabels(&mut self) {
        let mut collapsed: Vec<Relabeled> = Vec::new();
        for moved in std::mem::take(&mut self.relabeled) {
            match collapsed
                .iter_mut()
                .find(|earlier| earlier.incident == moved.incident && earlier.to == moved.from)
            {
                // Whoever took the label the user typed is the one to name.
                Some(earlier) => earlier.to = moved.to,
                None => collapsed.push(moved),
            }
        }
        self.relabeled = collapsed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(from: &str, to: &str, by: &str) -> Relabeled {
        Relabeled {
            incident: "2026-11-21-dns".into(),
            from: from.into(),
            to: to.into(),
            by: by.into(),
        }
    }

    /// Alice's H2 clashed with Carol's, became H5, the push was rejected, and Bob had
    /// taken H5 meanwhile: Alice hears of H2 once, now H8, taken first by Carol.
    #[test]
    fn a_label_renumbered_twice_is_told_once_naming_who_took_it_first() {
        let mut synced = Synced {
            relabeled: vec![moved("H2", "H5", "carol"), moved("H5", "H8", "bob")],
            ..Synced::default()
        };
        synced.collapse_relabels();
        let told: Vec<(&str, &str, &str)> = synced
            .relabeled
            .iter()
            .map(|moved| (moved.from.as_str(), moved.to.as_str(), moved.by.as_str()))
            .collect();
        assert_eq!(told, [("H2", "H8", "carol")]);
    }
}
