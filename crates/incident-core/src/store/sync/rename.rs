//! Giving each local incident the id it has, or will have, on the remote: a clash moves
//! the local one to the next free id, and a rename a kill cut short is finished. Every
//! move is journaled before it is saved, and merge marks follow before the old document
//! goes.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::super::Store;
use super::news;
use super::receive::Team;
use crate::error::{Error, Result};
use crate::id;
use crate::model::Incident;
use crate::sharing::{Renamed, Synced};

impl Store {
    /// Gives each local incident the id it has, or will have, on the remote: a local
    /// incident whose id the remote gives to another incident moves to the next free id,
    /// and one the remote holds under another id (a rename a kill interrupted) moves
    /// there. The new document is saved before the old one is removed, and the current
    /// pointer follows.
    pub(super) fn rename_clashes(&self, team: &Team, synced: &mut Synced) -> Result<()> {
        let team_ids: HashMap<Uuid, &str> = team
            .documents
            .iter()
            .map(|(id, received)| (received.incident.uuid, id.as_str()))
            .chain(
                team.unchanged
                    .iter()
                    .map(|(id, shared)| (shared.uuid, id.as_str())),
            )
            .collect();
        let ids = self.ids()?;
        let mut local: Vec<Incident> = Vec::new();
        for id in &ids {
            // The same incident on both sides, and as it was at the last sync.
            if team.unchanged.contains_key(id) {
                continue;
            }
            // Byte for byte the remote's copy: the same incident, under the same id.
            if let Some(received) = team.documents.get(id)
                && self.raw_document(id).ok().as_deref() == Some(received.bytes.as_slice())
            {
                continue;
            }
            // An unreadable local document is reported by `join_each`.
            if let Ok(incident) = self.load(id) {
                local.push(incident);
            }
        }
        let mut taken: HashSet<String> = ids.into_iter().collect();
        taken.extend(team.documents.keys().cloned());
        taken.extend(team.refused.keys().cloned());
        // Where each incident lives here: a UUID under two ids is a rename cut short.
        let mut homes: HashMap<Uuid, Vec<String>> = HashMap::new();
        for incident in &local {
            homes
                .entry(incident.uuid)
                .or_default()
                .push(incident.id.clone());
        }
        // Where this sync moved each incident: another copy of it follows it there.
        let mut moved_to: HashMap<Uuid, String> = HashMap::new();
        for incident in &local {
            let other_here = homes[&incident.uuid]
                .iter()
                .find(|id| **id != incident.id)
                .cloned();
            let clashes = |id: &str| {
                team.refused.contains_key(id)
                    || team
                        .documents
                        .get(id)
                        .is_some_and(|received| received.incident.uuid != incident.uuid)
            };
            let (target, by) = match team_ids.get(&incident.uuid) {
                Some(there) if *there == incident.id => continue,
                _ if moved_to.contains_key(&incident.uuid) => {
                    (moved_to[&incident.uuid].clone(), None)
                }
                Some(there) => ((*there).to_string(), None),
                None if !clashes(&incident.id) => continue,
                None => {
                    if team.refused.contains_key(&incident.id) {
                        // Whether the refused document is this incident cannot be told.
                        continue;
                    }
                    let by = team
                        .documents
                        .get(&incident.id)
                        .map(|received| received.incident.opened_by.clone());
                    let target = match other_here.filter(|id| !clashes(id)) {
                        Some(id) => id,
                        None => id::next_free(&incident.id, |id| taken.contains(id)),
                    };
                    (target, by)
                }
            };
            if target == incident.id {
                // Where the rest of this incident moved: nothing to move.
                continue;
            }
            if local
                .iter()
                .any(|other| other.id == target && other.uuid != incident.uuid)
            {
                synced.problems.push(format!(
                    "incident {} could not be renamed to {target}: that id is taken here",
                    incident.id
                ));
                continue;
            }
            self.move_incident(&incident.id, &target, by.clone())?;
            taken.insert(target.clone());
            moved_to.insert(incident.uuid, target.clone());
            homes
                .entry(incident.uuid)
                .or_default()
                .retain(|id| *id != incident.id);
            synced.incidents.entry(target.clone()).or_default();
            synced.renamed.push(Renamed {
                from: incident.id.clone(),
                to: target,
                by,
            });
        }
        Ok(())
    }

    /// Moves an incident to another id: joined into the document there if one exists
    /// (a rename cut short), else saved there; then the current pointer follows, then
    /// the merges that name the old id, and only then does the old document go: a kill
    /// before that leaves the incident under both ids, which the next sync finds by its
    /// UUID and finishes. The news of the rename is journaled first. The old id's lock
    /// is held from its last read to its removal, so an entry recorded meanwhile waits,
    /// and then finds it gone, rather than being saved into a document about to be
    /// removed.
    fn move_incident(&self, id: &str, target: &str, by: Option<String>) -> Result<()> {
        let held = self.lock(id)?;
        let mut moved = self.load(id)?;
        self.journal(vec![news::rename(&moved, target, by)])?;
        moved.id = target.to_string();
        if self.exists(target) {
            self.replace(target, |mut there| {
                let joined = there.join(&moved);
                Ok(joined.changed().then_some(there))
            })?;
        } else {
            self.create(&moved)?;
        }
        super::super::failpoint("sync-after-rename-save");
        if self.current().ok().flatten().as_deref() == Some(id) {
            self.set_current(target)?;
        }
        super::super::failpoint("sync-after-rename-current");
        // A merge made here before this first sync named the old id: it follows. Such a
        // mark was never sent, since the incident it names never was.
        for other_id in self.ids()? {
            if other_id == id {
                // Its lock is held here; it is about to go.
                continue;
            }
            let followed = self.replace(&other_id, |mut other| {
                Ok(other.follow_rename(id, target).then_some(other))
            });
            match followed {
                Ok(_) | Err(Error::Damaged { .. } | Error::NewerSchema { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        super::super::failpoint("sync-mid-rename");
        self.remove(id, &held)?;
        drop(held);
        super::super::failpoint("sync-after-rename-remove");
        Ok(())
    }
}
