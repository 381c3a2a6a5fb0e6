//! Sharing incidents through a git remote: the documents live as `incidents/<id>.json` on
//! the branch `incidents`, and a sync joins them with the local ones.
//!
//! A sync, under a lock so that one runs at a time in a data directory:
//! 1. fetches the branch and reads every document on it that changed since the last
//!    sync (`held.rs`: nothing at all when neither side changed), each checked as
//!    strictly as a local file; one that fails is refused, named, and blocks only its
//!    own incident, and so does a merge that would close a cycle or names no incident
//!    (`merges.rs`);
//! 2. renames a local incident whose id the remote gives to another incident (same id,
//!    other UUID) to the next free id, and finishes any rename a kill interrupted;
//! 3. joins each local document with the remote copy of the same incident: the remote's
//!    entries first, as they are, then the local entries it lacks, relabeled where
//!    another machine took the label first (`model::join`); saves the result locally
//!    under the incident's lock, and stages it to push when the remote lacked anything;
//! 4. saves the documents only the remote has;
//! 5. commits the staged documents on top of the fetched tip and pushes, never forced. A
//!    rejected push means someone pushed first: back to 1, with their entries.
//!
//! Every local save is atomic and a join never drops an entry, so a kill at any instant
//! leaves documents that the next sync completes. What is pushed is exactly what was
//! saved, so machines that synced since the last change hold byte-identical documents.

mod background;
mod git;
mod held;
mod leftover;
mod merges;
mod news;
mod state;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use uuid::Uuid;

pub use background::spawn_background_sync;
pub use news::{Moved, Typed};

use super::atomic::{AtomicWrite, Durability, Placement, read_regular};
use super::cache::FileKey;
use super::documents::{MAX_DOCUMENT_BYTES, document_bytes, parse_document};
use super::{FILE_MODE, Store};
use crate::error::{Error, Result};
use crate::id;
use crate::model::{Incident, MAX_NAME_BYTES, MAX_TEXT_BYTES};
use crate::sharing::{Relabeled, Renamed, Synced};
use git::{Git, Pushed, Reader};
use held::{Held, Shared};

/// Pushes rejected in a row before a sync gives up: each rejection means another
/// machine's push landed, so this many means a remote that refuses us, not a busy one.
const MAX_ATTEMPTS: u32 = 60;
/// A URL is a line; a longer one is not a URL.
const MAX_URL_BYTES: u64 = 4096;
/// Far past the labels any incident reaches (a million hypotheses); a received label
/// beyond it was planted.
const MAX_RECEIVED_LABEL: u32 = 1_000_000;

/// A document on the branch that passed every check.
struct Received {
    incident: Incident,
    bytes: Vec<u8>,
}

/// The branch as read: documents that passed, and the ids whose documents did not;
/// documents the same on both sides as after the last sync are not read again.
struct Team {
    tip: Option<String>,
    documents: HashMap<String, Received>,
    refused: HashMap<String, String>,
    /// Incidents unchanged on both sides since the last sync (`held.rs`).
    unchanged: HashMap<String, Shared>,
    /// The blob id of each document on the branch, by incident id.
    blobs: HashMap<String, String>,
}

impl Store {
    fn sync_dir(&self) -> PathBuf {
        self.root.join("sync")
    }

    fn remote_path(&self) -> PathBuf {
        self.sync_dir().join("remote")
    }

    /// The URL incidents are shared through, if one is set.
    pub fn remote(&self) -> Result<Option<String>> {
        let path = self.remote_path();
        match read_regular(&path, MAX_URL_BYTES) {
            Ok(bytes) => {
                let url = String::from_utf8_lossy(&bytes).trim().to_string();
                check_url(&url).map_err(|reason| Error::Damaged { path, reason })?;
                Ok(Some(url))
            }
            Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Shares this data directory's incidents through `url` from now on. A path is made
    /// absolute, since syncs run from wherever a command was typed.
    pub fn set_remote(&self, url: &str) -> Result<String> {
        let url = url.trim();
        check_url(url).map_err(Error::Invalid)?;
        // A path, not a URL (`host:path` is scp-like ssh; `./a:b` is a path again).
        let scp_like = url
            .split_once(':')
            .is_some_and(|(host, _)| !host.is_empty() && !host.contains('/'));
        let url = if !url.contains("://") && !scp_like {
            std::path::absolute(url)
                .map_err(|source| Error::io(url, source))?
                .to_string_lossy()
                .into_owned()
        } else {
            url.to_string()
        };
        self.ensure_sync_dir()?;
        if self.remote()?.as_deref() != Some(url.as_str()) {
            // What was shared with another remote says nothing about this one.
            self.forget_sharing()?;
        }
        self.write_sync_file(&self.remote_path(), format!("{url}\n").as_bytes())?;
        Ok(url)
    }

    /// Stops sharing. Nothing is deleted: the documents stay, and so does the remote.
    /// Returns whether a remote was set.
    pub fn remove_remote(&self) -> Result<bool> {
        let had = self.remote()?.is_some();
        self.forget_held();
        for path in [self.remote_path(), self.sync_dir().join(state::FILE)] {
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(source) => return Err(Error::io(path, source)),
            }
        }
        Ok(had)
    }

    fn ensure_sync_dir(&self) -> Result<()> {
        self.ensure_dirs()?;
        let dir = self.sync_dir();
        if let Ok(metadata) = fs::symlink_metadata(&dir) {
            if metadata.is_dir() {
                return Ok(());
            }
            return Err(Error::NotRegularFile {
                path: dir,
                found: "not a folder",
            });
        }
        std::fs::DirBuilder::new()
            .mode(super::DIR_MODE)
            .create(&dir)
            .or_else(|error| {
                if error.kind() == io::ErrorKind::AlreadyExists {
                    Ok(())
                } else {
                    Err(error)
                }
            })
            .map_err(|source| Error::io(&dir, source))
    }

    fn write_sync_file(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let name = path
            .file_name()
            .unwrap_or_else(|| OsStr::new("sync"))
            .to_owned();
        let write = AtomicWrite {
            target: path,
            temp: super::atomic::temp_path(&self.sync_dir(), &name),
            mode: FILE_MODE,
            placement: Placement::Replace,
            durability: Durability::Synced,
        };
        if let Some(warning) = write.write(bytes)? {
            self.warn(warning);
        }
        Ok(())
    }

    /// A lock of the sync folder, taken waiting (`wait`, saying after a second who
    /// holds it) or only if free.
    fn sync_lock(&self, name: &str, wait: bool) -> Result<Option<File>> {
        let path = self.sync_dir().join(name);
        let file = super::lock::open(&path)?;
        if wait {
            super::lock::acquire(&file, &path, "the sync", &self.waiting)?;
            Ok(Some(file))
        } else {
            Ok(super::lock::try_acquire(&file, &path)?.then_some(file))
        }
    }

    /// Sends what was recorded here and receives what others recorded, for every
    /// incident. `author` names the commits; `now` is when, for the board. In the
    /// background nobody can answer a prompt, and a sync already waiting to run will
    /// send what this one would: then this one returns `None` at once.
    pub fn sync(
        &self,
        author: &str,
        now: chrono::DateTime<chrono::Utc>,
        background: bool,
    ) -> Result<Option<Synced>> {
        let url = self.remote()?.ok_or(Error::NoRemote)?;
        self.ensure_sync_dir()?;
        let queued = if background {
            match self.sync_lock("queue.lock", false)? {
                Some(queued) => Some(queued),
                None => return Ok(None),
            }
        } else {
            None
        };
        let _running = self.sync_lock("run.lock", true)?;
        // Running now, and reading the documents afresh: whatever is recorded from here
        // on needs the next sync, which may now queue.
        drop(queued);
        // What the remote holds of each incident, as far as this sync got: after a push
        // that failed, the entries received are shared all the same.
        let mut held_there = HashMap::new();
        match self.sync_locked(&url, author, now, background, &mut held_there) {
            Ok((mut synced, shared)) => {
                synced.collapse_relabels();
                let problem = match synced.problems.as_slice() {
                    [] => None,
                    [one] => Some(one.clone()),
                    [first, rest @ ..] => Some(format!("{first} (and {} more)", rest.len())),
                };
                self.note_success(now, shared, problem)?;
                if !background {
                    // Printed by the caller: only a command typing an old label or id
                    // still needs the news, to be refused once.
                    self.note_journaled()?;
                }
                Ok(Some(synced))
            }
            Err(error) => {
                let reason = match &error {
                    Error::Sync { reason } => reason.clone(),
                    other => other.to_string(),
                };
                self.note_failure(now, &reason, held_there)?;
                Err(error)
            }
        }
    }

    fn sync_locked(
        &self,
        url: &str,
        author: &str,
        now: chrono::DateTime<chrono::Utc>,
        background: bool,
        held_there: &mut HashMap<String, usize>,
    ) -> Result<(Synced, HashMap<String, usize>)> {
        let git = Git::open(self.sync_dir().join("repo.git"), url, background)?;
        let held = self.read_held();
        let mut synced = Synced::default();
        for attempt in 0..MAX_ATTEMPTS {
            // The local documents are looked at while the network is waited on.
            let (fetched, local) = std::thread::scope(|scope| {
                let fetching = scope.spawn(|| git.fetch());
                let local = self.documents();
                (fetching.join(), local)
            });
            fetched.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            let local = local?;
            super::failpoint("sync-after-fetch");
            if held.clean
                && held.tip.is_some()
                && git.tip_as_written() == held.tip
                && unchanged_here(&held, &local)
            {
                // Neither side changed since the last sync.
                return Ok((synced, HashMap::new()));
            }
            let (tip, mut reader) = git.read_tip()?;
            let mut team = self.read_team(&mut reader, tip, url, &held, &local)?;
            let here = self.merges_here(&team)?;
            merges::refuse_impossible(&mut team, &here, url);
            let mut round = Round::default();
            let mut refused: Vec<&String> = team.refused.keys().collect();
            refused.sort();
            round.problems = refused
                .into_iter()
                .map(|name| team.refused[name].clone())
                .collect();
            self.rename_clashes(&team, &mut synced)?;
            self.join_each(&team, &mut synced, &mut round)?;
            self.receive_new(&team, &mut synced, &mut round)?;
            // Entries that came into an incident already merged away belong in the one
            // it was merged into: folded in there, then read and sent afresh.
            if self.fold_late_entries(&team, author, now, &mut synced)? {
                continue;
            }
            held_there.extend(round.held_there.drain());
            if round.outgoing.is_empty() {
                synced.problems.extend(std::mem::take(&mut round.problems));
                self.keep_held(&held, &team, &round, team.tip.clone(), &team.blobs, &synced)?;
                return Ok((synced, round.shared));
            }
            let names: Vec<&str> = round.sending.keys().map(String::as_str).collect();
            let message = format!("incident sync by {author}: {}", names.join(", "));
            super::failpoint("sync-before-push");
            let commit = git.commit(team.tip.as_deref(), &round.outgoing, author, &message, now)?;
            match git.push(&commit)? {
                Pushed::Accepted => {
                    super::failpoint("sync-after-push");
                    for (id, sent) in &round.sending {
                        synced.sent += sent;
                        synced.incidents.entry(id.clone()).or_default().sent += sent;
                    }
                    synced.problems.extend(std::mem::take(&mut round.problems));
                    let blobs = Git::files(&mut git.reader()?, &commit)?
                        .into_iter()
                        .filter_map(|file| {
                            let id = file.name.strip_suffix(".json")?.to_string();
                            Some((id, file.object))
                        })
                        .collect();
                    self.keep_held(&held, &team, &round, Some(commit), &blobs, &synced)?;
                    return Ok((synced, round.shared));
                }
                Pushed::Raced => back_off(attempt),
            }
        }
        Err(Error::Sync {
            reason: format!("the remote rejected {MAX_ATTEMPTS} pushes in a row"),
        })
    }

    /// The merges of the local incidents, for what the remote's would make of them.
    fn merges_here(&self, team: &Team) -> Result<merges::Here> {
        let mut here = merges::Here::default();
        for id in self.ids()? {
            if let Some(shared) = team.unchanged.get(&id) {
                here.into.insert(id, shared.into.clone());
                continue;
            }
            // An unreadable document is reported by `join_each`.
            let incident = self.load(&id).ok();
            let into = incident
                .as_ref()
                .and_then(Incident::merged_into)
                .map(|mark| mark.other().to_string());
            if let Some(incident) = incident
                && team.documents.contains_key(&id)
            {
                here.marks.insert(id.clone(), incident.marks);
            }
            here.into.insert(id, into);
        }
        Ok(here)
    }

    /// Every document on the fetched branch that changed on either side since the last
    /// sync, checked; those that fail are refused.
    fn read_team(
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

    /// Gives each local incident the id it has, or will have, on the remote: a local
    /// incident whose id the remote gives to another incident moves to the next free id,
    /// and one the remote holds under another id (a rename a kill interrupted) moves
    /// there. The new document is saved before the old one is removed, and the current
    /// pointer follows.
    fn rename_clashes(&self, team: &Team, synced: &mut Synced) -> Result<()> {
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
        super::failpoint("sync-after-rename-save");
        if self.current().ok().flatten().as_deref() == Some(id) {
            self.set_current(target)?;
        }
        super::failpoint("sync-after-rename-current");
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
        super::failpoint("sync-mid-rename");
        self.remove(id, &held)?;
        drop(held);
        super::failpoint("sync-after-rename-remove");
        Ok(())
    }

    /// Joins each local incident with its copy on the remote, saves the result here, and
    /// stages it to push when the remote lacked anything.
    fn join_each(&self, team: &Team, synced: &mut Synced, round: &mut Round) -> Result<()> {
        for id in self.ids()? {
            if team.unchanged.contains_key(&id) {
                continue;
            }
            if team.refused.contains_key(&id) {
                // Told once, with every refused document.
                continue;
            }
            let received = team.documents.get(&id);
            // Unchanged on both sides: nothing to read or write.
            if let Some(received) = received
                && self.raw_document(&id).ok().as_deref() == Some(received.bytes.as_slice())
            {
                round.shared.insert(id.clone(), count(&received.incident));
                round.held_there.insert(id, count(&received.incident));
                continue;
            }
            let mut outcome = Outcome::Unreadable;
            let saved = self.replace(&id, |here| {
                let Some(received) = received else {
                    outcome = Outcome::OnlyHere(count(&here));
                    return Ok(None);
                };
                if received.incident.uuid != here.uuid {
                    outcome = Outcome::Clash;
                    return Ok(None);
                }
                if let Some(reason) = here.disagreement(&received.incident) {
                    outcome = Outcome::Refused(reason);
                    return Ok(None);
                }
                let before = document_bytes(&here);
                let mut log = received.incident.clone();
                let new_here = uuids(&log).difference(&uuids(&here)).count();
                let joined = log.join(&here);
                log.schema = crate::model::SCHEMA;
                // What both sides hold agrees; what they add must still fit together.
                if let Err(reason) = log.validate() {
                    outcome = Outcome::Refused(format!("joined with the entries here, {reason}"));
                    return Ok(None);
                }
                let changed_here = document_bytes(&log) != before;
                if changed_here {
                    // Told before it is saved: a kill between the two leaves news not
                    // in force, never a renumbering untold.
                    let moves: Vec<_> = joined
                        .relabeled
                        .iter()
                        .chain(&joined.followed)
                        .cloned()
                        .collect();
                    self.journal(news::relabels(&log, &moves))?;
                }
                outcome = Outcome::Joined {
                    joined,
                    new_here,
                    log: Box::new(log.clone()),
                };
                Ok(changed_here.then_some(log))
            });
            match saved {
                Ok(_) => {}
                Err(error @ (Error::Damaged { .. } | Error::NewerSchema { .. })) => {
                    round.problems.push(error.to_string());
                    continue;
                }
                Err(error) => return Err(error),
            }
            match outcome {
                Outcome::Unreadable => {}
                Outcome::Clash => round.problems.push(format!(
                    "incident {id} was not shared: the remote holds another incident with that id"
                )),
                Outcome::Refused(reason) => round.problems.push(format!(
                    "incident {id} was not synced: the remote's copy is refused: {reason}"
                )),
                Outcome::OnlyHere(number) => {
                    // Read again: the lock was released, and entries may have come since.
                    let here = self.load(&id)?;
                    round.sending.insert(id.clone(), number.max(count(&here)));
                    round.shared.insert(id.clone(), count(&here));
                    round.landing.insert(id.clone(), landing(&here));
                    round
                        .outgoing
                        .push((format!("{id}.json"), document_bytes(&here)));
                }
                Outcome::Joined {
                    joined,
                    new_here,
                    log,
                } => {
                    if new_here > 0 {
                        synced.received += new_here;
                        synced.incidents.entry(id.clone()).or_default().received += new_here;
                    }
                    if !joined.followed.is_empty() {
                        // The remote's labels won: said, as any renumbering is.
                        synced.incidents.entry(id.clone()).or_default();
                    }
                    synced
                        .relabeled
                        .extend(
                            joined
                                .relabeled
                                .iter()
                                .chain(&joined.followed)
                                .map(|moved| Relabeled {
                                    incident: id.clone(),
                                    from: moved.from.to_string(),
                                    to: moved.to.to_string(),
                                    by: moved.by.clone(),
                                }),
                        );
                    round.shared.insert(id.clone(), count(&log));
                    if let Some(received) = received {
                        round
                            .held_there
                            .insert(id.clone(), count(&received.incident));
                    }
                    if joined.changed() {
                        round.sending.insert(id.clone(), joined.added);
                        round.landing.insert(id.clone(), landing(&log));
                        round
                            .outgoing
                            .push((format!("{id}.json"), document_bytes(&log)));
                    }
                }
            }
        }
        Ok(())
    }

    /// Merges again each incident merged away here whose survivor here lacks some of its
    /// entries (recorded elsewhere before that machine heard of the merge): what
    /// a merge does when run again. Returns whether anything was folded in.
    fn fold_late_entries(
        &self,
        team: &Team,
        author: &str,
        now: chrono::DateTime<chrono::Utc>,
        synced: &mut Synced,
    ) -> Result<bool> {
        let mut folded = false;
        for id in self.ids()? {
            // Unchanged on both sides since the last sync, which folded what it could.
            if team.unchanged.contains_key(&id) {
                continue;
            }
            let Ok(merged) = self.load(&id) else {
                continue;
            };
            let Some(survivor) = merged.merged_into().map(|mark| mark.other().to_string()) else {
                continue;
            };
            let Ok(there) = self.load(&survivor) else {
                continue;
            };
            // Only into an incident that recorded this merge: an id that names another
            // incident now (a rename cut short) never takes these entries.
            if !there.merged_in().any(|mark| mark.other() == id) {
                continue;
            }
            let have: HashSet<Uuid> = there.entries.iter().map(|entry| entry.uuid).collect();
            if merged
                .entries
                .iter()
                .all(|entry| have.contains(&entry.uuid))
            {
                continue;
            }
            let stamp = crate::model::Stamp {
                uuid: Uuid::now_v7(),
                at: now,
                recorded_at: now,
                by: author.to_string(),
            };
            let outcome = self.update_both(&survivor, &id, |survivor, merged| {
                let merge = survivor.merge(merged, stamp, Uuid::now_v7(), None)?;
                self.journal(news::relabels(survivor, &merge.relabeled))?;
                Ok::<_, Error>(merge)
            });
            // A merge refused now (the survivor discarded since, say) leaves both as
            // they are; the merge says why.
            let Ok((_, _, merge)) = outcome else {
                continue;
            };
            folded |= merge.added > 0;
            synced
                .relabeled
                .extend(merge.relabeled.iter().map(|moved| Relabeled {
                    incident: survivor.clone(),
                    from: moved.from.to_string(),
                    to: moved.to.to_string(),
                    by: moved.by.clone(),
                }));
        }
        Ok(folded)
    }

    /// Saves the incidents only the remote has.
    fn receive_new(&self, team: &Team, synced: &mut Synced, round: &mut Round) -> Result<()> {
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

/// What joining one local incident found.
enum Outcome {
    /// The local document could not be read; the error is the problem reported.
    Unreadable,
    /// The remote has another incident under this id, and the rename could not be made.
    Clash,
    /// The remote's copy contradicts this one, or cannot be joined with it.
    Refused(String),
    /// Not on the remote yet: all of its entries go out.
    OnlyHere(usize),
    Joined {
        joined: crate::model::Joined,
        /// Entries the remote had that this machine did not.
        new_here: usize,
        log: Box<Incident>,
    },
}

/// One attempt at a sync: what to push, and what is known shared if the push lands.
#[derive(Default)]
struct Round {
    outgoing: Vec<(String, Vec<u8>)>,
    /// Entries each incident sends, if the push lands.
    sending: BTreeMap<String, usize>,
    shared: HashMap<String, usize>,
    /// What the remote holds of each incident joined here, push or no push.
    held_there: HashMap<String, usize>,
    /// Of each document in `outgoing`: its incident's UUID and merge.
    landing: HashMap<String, (Uuid, Option<String>)>,
    problems: Vec<String>,
}

/// What `held.rs` keeps of an incident sent: its UUID and the incident it is merged into.
fn landing(incident: &Incident) -> (Uuid, Option<String>) {
    (
        incident.uuid,
        incident.merged_into().map(|mark| mark.other().to_string()),
    )
}

/// Whether every local document is as the last sync left it, and no other is here.
fn unchanged_here(held: &Held, local: &[(String, Option<FileKey>)]) -> bool {
    local.len() == held.incidents.len()
        && local.iter().all(|(id, key)| {
            held.incidents
                .get(id)
                .is_some_and(|shared| Some(shared.key) == *key)
        })
}

/// Entries, closes and reopens, merges and discards: what a sync counts.
fn count(incident: &Incident) -> usize {
    incident.entries.len() + incident.lifecycle.len() + incident.marks.len()
}

fn uuids(incident: &Incident) -> HashSet<Uuid> {
    incident
        .entries
        .iter()
        .map(|entry| entry.uuid)
        .chain(incident.lifecycle.iter().map(|change| change.uuid))
        .chain(incident.marks.iter().map(|mark| mark.uuid))
        .collect()
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

/// What `remote URL` accepts: one line, no option for git to mistake it for.
fn check_url(url: &str) -> std::result::Result<(), String> {
    if url.is_empty() {
        return Err("the remote URL is empty".into());
    }
    if url.starts_with('-') {
        return Err(format!("{url:?} is not a URL (it starts with `-`)"));
    }
    if url.chars().any(char::is_control) {
        return Err("the remote URL holds control characters".into());
    }
    if url.len() as u64 > MAX_URL_BYTES {
        return Err("the remote URL is too long".into());
    }
    // `<transport>::<address>` runs a helper: `ext::` runs any command, and `fd::` talks
    // over file descriptors, which a sync in the background does not have.
    if let Some((transport, _)) = url.split_once("::")
        && ["ext", "fd"].contains(&transport.to_ascii_lowercase().as_str())
    {
        return Err(format!(
            "{url:?} names git's `{transport}::` transport, which runs a command or reads \
             file descriptors, not a remote"
        ));
    }
    Ok(())
}

/// A pause before trying again after a rejected push, growing and jittered, so that
/// machines that collided do not collide again in step.
fn back_off(attempt: u32) {
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| {
            u64::from(since.subsec_nanos()) ^ u64::from(std::process::id())
        });
    let ceiling = 20 + 40 * u64::from(attempt.min(20));
    std::thread::sleep(std::time::Duration::from_millis(jitter % ceiling));
}
