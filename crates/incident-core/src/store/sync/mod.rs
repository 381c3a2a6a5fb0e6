//! Sharing incidents through a git remote: the documents live as `incidents/<id>.json` on
//! the branch `incidents`, and a sync joins them with the local ones.
//!
//! A sync, under a lock so that one runs at a time in a data directory:
//! 1. fetches the branch and reads every document on it that changed since the last
//!    sync (`held.rs`: nothing at all when neither side changed), each checked as
//!    strictly as a local file (`receive.rs`); one that fails is refused, named, and
//!    blocks only its own incident, and so does a merge that would close a cycle or names
//!    no incident (`merges.rs`);
//! 2. renames a local incident whose id the remote gives to another incident (same id,
//!    other UUID) to the next free id, and finishes any rename a kill interrupted
//!    (`rename.rs`);
//! 3. joins each local document with the remote copy of the same incident: the remote's
//!    entries first, as they are, then the local entries it lacks, relabeled where
//!    another machine took the label first (`model::join`); saves the result locally
//!    under the incident's lock, and stages it to push when the remote lacked anything
//!    (`join.rs`); every renumbering and rename is journaled first (`news.rs`);
//! 4. saves the documents only the remote has (`receive.rs`), and joins each list the
//!    team shares (the directory of contacts, the team's synonyms) with the one here,
//!    checked and refused like a document (`shared.rs`);
//! 5. commits the staged documents (and lists) on top of the fetched tip and pushes,
//!    never forced. A rejected push means someone pushed first: back to 1, with
//!    their entries.
//!
//! Every local save is atomic and a join never drops an entry, so a kill at any instant
//! leaves documents that the next sync completes. What is pushed is exactly what was
//! saved, so machines that synced since the last change hold byte-identical documents.
//!
//! Here: the loop and its locks. The remote's URL and the sync folder are `remote.rs`'s,
//! the git processes `git.rs`'s, what the board shows `state.rs`'s.

mod background;
mod git;
mod held;
mod join;
mod leftover;
mod merges;
mod news;
mod receive;
mod remote;
mod rename;
mod shared;
mod state;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;

use uuid::Uuid;

pub use background::spawn_background_sync;
pub use news::Typed;

use super::Store;
use super::cache::FileKey;
use crate::error::{Error, Result};
use crate::model::Incident;
use crate::sharing::Synced;
use git::{Git, Pushed};
use held::Held;
use receive::Team;

/// Pushes rejected in a row before a sync gives up: each rejection means another
/// machine's push landed, so this many means a remote that refuses us, not a busy one.
const MAX_ATTEMPTS: u32 = 60;

impl Store {
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
                let local = self.listing().map(|listing| listing.keyed());
                (fetching.join(), local)
            });
            fetched.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            let local = local?;
            super::failpoint("sync-after-fetch");
            if held.clean
                && held.tip.is_some()
                && git.tip_as_written() == held.tip
                && unchanged_here(&held, &local)
                && self.lists_unchanged(&held)
            {
                // Neither side changed since the last sync.
                return Ok((synced, HashMap::new()));
            }
            let (tip, mut reader) = git.read_tip()?;
            let lists = self.read_team_lists(&mut reader, tip.as_deref(), url, &held)?;
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
            self.join_lists(&lists, &mut synced, &mut round)?;
            // Entries that came into an incident already merged away belong in the one
            // it was merged into: folded in there, then read and sent afresh.
            if self.fold_late_entries(&team, author, now, &mut synced)? {
                continue;
            }
            held_there.extend(round.held_there.drain());
            if round.outgoing.is_empty() && round.lists.is_empty() {
                synced.problems.extend(std::mem::take(&mut round.problems));
                let landed = lists.landed();
                let tip = team.tip.clone();
                self.keep_held(&held, &team, &round, tip, &team.blobs, landed, &synced)?;
                return Ok((synced, round.shared));
            }
            let mut names: Vec<&str> = round.sending.keys().map(String::as_str).collect();
            let mut files: Vec<(String, Vec<u8>)> = round
                .outgoing
                .iter()
                .map(|(name, bytes)| (format!("{}/{name}", git::FOLDER), bytes.clone()))
                .collect();
            for sending in &round.lists {
                names.push(sending.name);
                files.push((sending.file.to_string(), sending.bytes.clone()));
            }
            let message = format!("incident sync by {author}: {}", names.join(", "));
            super::failpoint("sync-before-push");
            let commit = git.commit(team.tip.as_deref(), &files, author, &message, now)?;
            match git.push(&commit)? {
                Pushed::Accepted => {
                    super::failpoint("sync-after-push");
                    for (id, sent) in &round.sending {
                        synced.sent += sent;
                        synced.incidents.entry(id.clone()).or_default().sent += sent;
                    }
                    for sending in &round.lists {
                        synced.lists.entry(sending.name).or_default().sent += sending.records;
                    }
                    synced.problems.extend(std::mem::take(&mut round.problems));
                    let mut reader = git.reader()?;
                    let blobs = Git::files(&mut reader, &commit)?
                        .into_iter()
                        .filter_map(|file| {
                            let id = file.name.strip_suffix(".json")?.to_string();
                            Some((id, file.object))
                        })
                        .collect();
                    let landed = lists.landed_after(&round.lists, &mut reader, &commit)?;
                    drop(reader);
                    let tip = Some(commit);
                    self.keep_held(&held, &team, &round, tip, &blobs, landed, &synced)?;
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
}

/// One attempt at a sync: what to push, and what is known shared if the push lands.
#[derive(Default)]
pub(super) struct Round {
    pub(super) outgoing: Vec<(String, Vec<u8>)>,
    /// Entries each incident sends, if the push lands.
    pub(super) sending: BTreeMap<String, usize>,
    pub(super) shared: HashMap<String, usize>,
    /// What the remote holds of each incident joined here, push or no push.
    pub(super) held_there: HashMap<String, usize>,
    /// Of each document in `outgoing`: its incident's UUID and merge.
    pub(super) landing: HashMap<String, (Uuid, Option<String>)>,
    pub(super) problems: Vec<String>,
    /// The shared lists to push, each because the branch lacks something of it.
    pub(super) lists: Vec<shared::Sending>,
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
