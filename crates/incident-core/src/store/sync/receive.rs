//! Reading the team's branch: every document on it checked as strictly as a local file
//! (and more: it was written by a machine we do not control), those that fail refused by
//! name; and saving the incidents only the remote has.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::super::Store;
use super::super::cache::FileKey;
use super::super::documents::{MAX_DOCUMENT_BYTES, parse_document};
use super::git::{self, Git, Reader};
use super::held::{Held, Shared};
use super::{Round, count};
use crate::error::{Error, Result};
use crate::id;
use crate::model::{Incident, MAX_NAME_BYTES, MAX_TEXT_BYTES};
use crate::sharing::Synced;
use uuid::Uuid;

/// Far past the labels any incident reaches (a million hypotheses); a received label
/// beyond it was planted.
const MAX_RECEIVED_LABEL: u32 = 1_000_000;

/// A document on the branch that passed every check.
pub(super) struct Received {
    pub(super) incident: Incident,
    pub(super) bytes: Vec<u8>,
}

/// The branch as read: documents that passed, and the ids whose documents did not;
/// documents the same on both sides as after the last sync are not read again.
pub(super) struct Team {
    pub(super) tip: Option<String>,
    pub(super) documents: HashMap<String, Received>,
    pub(super) refused: HashMap<String, String>,
    /// Incidents unchanged on both sides since the last sync (`held.rs`).
    pub(super) unchanged: HashMap<String, Shared>,
    /// The blob id of each document on the branch, by incident id.
    pub(super) blobs: HashMap<String, String>,
}

impl Store {
    /// Every document on the fetched branch that changed on either side since the last
    /// sync, checked; those that fail are refused.
    pub(super) fn read_team(
        &self,
        reader: &mut Reader,
        tip: Option<String>,
        url: &str,
        held: &Held,
        local: &[(String, Option<FileKey>)],
    ) -> Result<Team> {
        let mut files = match &tip {
            Some(tip) => Git::files(reader, tip)?,
            None => Vec::new(),
        };
        let mut team = Team {
            tip,
            documents: HashMap::new(),
            refused: HashMap::new(),
            unchanged: HashMap::new(),
            blobs: HashMap::new(),
        };
        let keys: HashMap<&str, FileKey> = local
            .iter()
            .filter_map(|(id, key)| Some((id.as_str(), (*key)?)))
            .collect();
        for file in &files {
            if let Some(id) = file.name.strip_suffix(".json")
                && let Some(shared) = held.incidents.get(id)
                && file.mode == "100644"
                && shared.blob == file.object
                && keys.get(id) == Some(&shared.key)
            {
                team.unchanged.insert(id.to_string(), shared.clone());
            }
        }
        let mut uuids: HashSet<Uuid> = team.unchanged.values().map(|shared| shared.uuid).collect();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        for file in files {
            // Only `.json` files are documents; anything else on the branch is not ours
            // to read, and stays as it is.
            let Some(id) = file.name.strip_suffix(".json") else {
                continue;
            };
            if id::is_valid(id) {
                team.blobs.insert(id.to_string(), file.object.clone());
            }
            if team.unchanged.contains_key(id) {
                continue;
            }
            let shown = PathBuf::from(format!("{url} {}/{}", git::FOLDER, file.name));
            let refuse = |team: &mut Team, reason: String| {
                let key = if id::is_valid(id) {
                    id.to_string()
                } else {
                    file.name.clone()
                };
                team.refused.insert(
                    key,
                    Error::Damaged {
                        path: shown.clone(),
                        reason,
                    }
                    .to_string(),
                );
            };
            if !id::is_valid(id) {
                refuse(&mut team, "its name is not an incident id".into());
                continue;
            }
            if file.mode != "100644" {
                refuse(&mut team, "it is not a regular file".into());
                continue;
            }
            match reader.size(&file.object)? {
                Some(size) if size <= MAX_DOCUMENT_BYTES => {}
                _ => {
                    refuse(&mut team, "it is larger than any incident document".into());
                    continue;
                }
            }
            let bytes = reader.contents(&file.object)?;
            let incident = match parse_document(&bytes, &shown, id)
                .and_then(|incident| check_received(&incident).map(|()| incident))
            {
                Ok(incident) => incident,
                Err(Error::Damaged { reason, .. }) => {
                    refuse(&mut team, reason);
                    continue;
                }
                Err(error) => {
                    team.refused.insert(id.to_string(), error.to_string());
                    continue;
                }
            };
            if !uuids.insert(incident.uuid) {
                refuse(
                    &mut team,
                    "another document on the remote is the same incident".into(),
                );
                continue;
            }
            team.documents
                .insert(id.to_string(), Received { incident, bytes });
        }
        Ok(team)
    }

    /// Saves the incidents only the remote has.
    pub(super) fn receive_new(
        &self,
        team: &Team,
        synced: &mut Synced,
        round: &mut Round,
    ) -> Result<()> {
        let mut ids: Vec<&String> = team.documents.keys().collect();
        ids.sort();
        for id in ids {
            let received = &team.documents[id];
            if self.exists(id) {
                continue;
            }
            let mut incident = received.incident.clone();
            incident.schema = crate::model::SCHEMA;
            match self.create(&incident) {
                Ok(()) => {
                    synced.received += count(&incident);
                    synced.incidents.entry(id.clone()).or_default().received += count(&incident);
                    round.shared.insert(id.clone(), count(&incident));
                    round.held_there.insert(id.clone(), count(&incident));
                }
                // Opened here a moment ago with the same id: the next sync renames it.
                Err(Error::IncidentExists { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }
}

/// What a received document must hold to beyond what a local file is checked for: it
/// was written by a machine we do not control, so each entry and change is there once,
/// and no text or name is larger than this build would ever record.
fn check_received(incident: &Incident) -> Result<()> {
    let damaged = |reason: String| Error::Damaged {
        path: PathBuf::new(),
        reason,
    };
    let mut seen = HashSet::new();
    for entry in &incident.entries {
        if !seen.insert(entry.uuid) {
            return Err(damaged(format!("entry {} is there twice", entry.id)));
        }
        // A clash is renumbered past the highest label in use: past this one there would
        // be no number left.
        if entry.id.number > MAX_RECEIVED_LABEL {
            return Err(damaged(format!(
                "its label {} is beyond any label recorded",
                entry.id
            )));
        }
    }
    for change in &incident.lifecycle {
        if !seen.insert(change.uuid) {
            return Err(damaged("a close or reopen is there twice".into()));
        }
    }
    for mark in &incident.marks {
        if !seen.insert(mark.uuid) {
            return Err(damaged("a merge or discard is there twice".into()));
        }
    }
    let longer = |field: &str| damaged(format!("its `{field}` is longer than incident records"));
    // Names by the model's own list of them; any other string is held to a text's limit.
    if let Some((field, _)) = incident
        .names()
        .find(|(_, name)| name.len() > MAX_NAME_BYTES)
    {
        return Err(longer(field));
    }
    let document = serde_json::to_value(incident).expect("an incident serializes");
    if let Some(field) = oversized(&document, None) {
        return Err(longer(&field));
    }
    Ok(())
}

/// The first field holding a string longer than any text this build records.
fn oversized(value: &serde_json::Value, field: Option<&str>) -> Option<String> {
    match value {
        serde_json::Value::String(text) => {
            (text.len() > MAX_TEXT_BYTES).then(|| field.unwrap_or("text").to_string())
        }
        serde_json::Value::Array(items) => items.iter().find_map(|item| oversized(item, field)),
        serde_json::Value::Object(fields) => fields
            .iter()
            .find_map(|(name, item)| oversized(item, Some(name))),
        _ => None,
    }
}
