//! `sync/news`: what syncs renumbered and renamed, kept so that a label or an incident id
//! this tool printed never comes to name a teammate's entry or incident unwarned.
//!
//! An item is written in the same locked step that saves the change it tells of: under
//! the incident's lock, before the document is saved, by every sync (in the background
//! or not, whatever its push then does). A kill can fall between the two, so an item is
//! checked against the documents when read: a relabel is in force only while the entry
//! with its UUID carries another label than `from`; a rename only while the incident with
//! its UUID lives at another id than `from`. An item not (yet) in force is kept, not told.
//!
//! After every command that succeeds (`heed_news`), each item in force not told yet is
//! told, once. A change is refused when the command typed an item's `from` (a label of
//! the incident it changes, or the id of the incident it changes or makes current): the
//! check runs under the incident's lock, right before the change (`check_typed`), so a
//! sync that renumbers between the command's start and its change is caught too; the
//! item is then used up. The refusal happens once, in whichever terminal first types
//! the old label or id into a change, however many commands ran in between; a command
//! that only reads is never refused (it would use up the refusal on nothing), and is
//! told.
//!
//! The journal is one small JSON document, rewritten whole under `sync/news.lock` by the
//! store's atomic write, and bounded: the oldest items go first.

use std::collections::HashMap;
use std::io;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::super::atomic::read_regular;
use crate::error::{Error, Result};
use crate::id;
use crate::model::{Incident, Label, MAX_NAME_BYTES, Relabel};
use crate::sharing::Moved;
use crate::store::Store;

const FILE: &str = "news";
const LOCK: &str = "news.lock";
/// A damaged journal is moved here, not overwritten.
const DAMAGED: &str = "news.damaged";
const VERSION: u32 = 1;
/// Items kept, the oldest dropped first: a machine offline for days need not hear of
/// every label of the week.
const MAX_ITEMS: usize = 500;
/// Far more than `MAX_ITEMS` items take.
const MAX_NEWS_BYTES: u64 = 1024 * 1024;

/// One change a sync made to what a person may type.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "item", rename_all = "kebab-case", deny_unknown_fields)]
pub(super) enum Item {
    /// The entry `entry_uuid` of an incident was labelled `from` here and is `to` now:
    /// `by` recorded `from` first, elsewhere.
    Relabel {
        incident: String,
        incident_uuid: Uuid,
        entry_uuid: Uuid,
        from: Label,
        to: Label,
        by: String,
        #[serde(default)]
        noted: bool,
    },
    /// The incident `incident_uuid` was `from` here and is `to` now: `by`, when known,
    /// opened `from` first.
    Rename {
        from: String,
        to: String,
        incident_uuid: Uuid,
        #[serde(default)]
        by: Option<String>,
        #[serde(default)]
        noted: bool,
    },
}

impl Item {
    /// What makes two items the same news: a sync that is killed and run again writes
    /// the same renumbering again.
    fn key(&self) -> (Uuid, String) {
        match self {
            Item::Relabel {
                entry_uuid, from, ..
            } => (*entry_uuid, from.to_string()),
            Item::Rename {
                incident_uuid,
                from,
                ..
            } => (*incident_uuid, from.clone()),
        }
    }

    fn noted(&mut self) -> &mut bool {
        match self {
            Item::Relabel { noted, .. } | Item::Rename { noted, .. } => noted,
        }
    }

    /// What a journal written by us holds: ids that name a file, names of a sane size.
    fn is_valid(&self) -> bool {
        match self {
            Item::Relabel {
                incident,
                from,
                to,
                by,
                ..
            } => id::is_valid(incident) && by.len() <= MAX_NAME_BYTES && from.series == to.series,
            Item::Rename { from, to, by, .. } => {
                id::is_valid(from)
                    && id::is_valid(to)
                    && by.as_ref().is_none_or(|by| by.len() <= MAX_NAME_BYTES)
            }
        }
    }
}

/// The relabels of `incident` (about to be saved with these labels) as news.
pub(super) fn relabels(incident: &Incident, moves: &[Relabel]) -> Vec<Item> {
    moves
        .iter()
        .filter_map(|moved| {
            let entry = incident.entry(moved.to)?;
            Some(Item::Relabel {
                incident: incident.id.clone(),
                incident_uuid: incident.uuid,
                entry_uuid: entry.uuid,
                from: moved.from,
                to: moved.to,
                by: moved.by.clone(),
                noted: false,
            })
        })
        .collect()
}

/// A rename of `incident` from its id to `to`, as news.
pub(super) fn rename(incident: &Incident, to: &str, by: Option<String>) -> Item {
    Item::Rename {
        from: incident.id.clone(),
        to: to.to_string(),
        incident_uuid: incident.uuid,
        by,
        noted: false,
    }
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Journal {
    version: u32,
    items: Vec<Item>,
}

/// What a command typed that a sync may have changed: the labels among its words, and
/// the words that may name an incident.
#[derive(Clone, Debug, Default)]
pub struct Typed {
    pub labels: Vec<Label>,
    pub references: Vec<String>,
}

impl Typed {
    fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.references.is_empty()
    }
}

/// The label the entry `entry_uuid` carries now, if it is not `from`.
fn relabeled_now(incident: &Incident, entry_uuid: Uuid, from: Label) -> Option<Label> {
    let now = incident
        .entries
        .iter()
        .find(|entry| entry.uuid == entry_uuid)?
        .id;
    (now != from).then_some(now)
}

/// Documents read while deciding what is in force, each once.
#[derive(Default)]
struct Documents(HashMap<String, Option<Incident>>);

impl Documents {
    fn get(&mut self, store: &Store, id: &str) -> Option<&Incident> {
        self.0
            .entry(id.to_string())
            .or_insert_with(|| store.load(id).ok())
            .as_ref()
    }

    /// Where the incident `uuid` lives now: at `hint`, or where a rename in the journal
    /// took it.
    fn locate(&mut self, store: &Store, uuid: Uuid, hint: &str, items: &[Item]) -> Option<String> {
        let mut candidates = vec![hint.to_string()];
        for item in items {
            if let Item::Rename {
                to, incident_uuid, ..
            } = item
                && *incident_uuid == uuid
            {
                candidates.push(to.clone());
            }
        }
        candidates
            .into_iter()
            .find(|id| self.get(store, id).is_some_and(|found| found.uuid == uuid))
    }

    /// The item as it stands, if it is in force.
    fn in_force(&mut self, store: &Store, item: &Item, items: &[Item]) -> Option<Moved> {
        match item {
            Item::Relabel {
                incident,
                incident_uuid,
                entry_uuid,
                from,
                by,
                ..
            } => {
                let home = self.locate(store, *incident_uuid, incident, items)?;
                let now = relabeled_now(self.get(store, &home)?, *entry_uuid, *from)?;
                Some(Moved::Label {
                    incident: home,
                    from: *from,
                    to: now,
                    by: by.clone(),
                })
            }
            Item::Rename {
                from,
                to,
                incident_uuid,
                by,
                ..
            } => {
                let home = self.locate(store, *incident_uuid, to, items)?;
                (home != *from).then(|| Moved::Id {
                    from: from.clone(),
                    to: home,
                    by: by.clone(),
                })
            }
        }
    }
}

impl Store {
    /// What the command about to run typed, for the checks made before it changes an
    /// incident or the current pointer.
    pub fn watch_typed(&self, typed: Typed) {
        *self.typed.borrow_mut() = typed;
    }

    /// The incident a command is about to change, however it was chosen (typed, a
    /// prefix, the current one): if a sync moves it away from this id while the command
    /// waits for its lock, the change is refused rather than made in whatever incident
    /// holds the id by then.
    pub fn watch_target(&self, id: &str) {
        let mut typed = self.typed.borrow_mut();
        if !typed.references.iter().any(|reference| reference == id) {
            typed.references.push(id.to_string());
        }
    }

    /// After a command: the changes made by syncs that are in force and not told yet,
    /// each told once from now on.
    pub fn heed_news(&self) -> Result<Vec<Moved>> {
        if !self.news_exists() {
            return Ok(Vec::new());
        }
        let _lock = self.news_lock()?;
        let mut journal = self.read_journal()?;
        let mut documents = Documents::default();
        let mut told = Vec::new();
        let all = journal.items.clone();
        for item in &mut journal.items {
            if *item.noted() {
                continue;
            }
            if let Some(moved) = documents.in_force(self, item, &all) {
                told.push(moved);
                *item.noted() = true;
            }
        }
        if !told.is_empty() {
            self.write_journal(&journal)?;
        }
        Ok(told)
    }

    /// Before `id` is made the current incident: refused if the command typed `id` and a
    /// sync moved the incident that was `id` here away from it (the item is used up).
    pub(crate) fn check_reference(&self, id: &str) -> Result<()> {
        let typed = self.typed.borrow().clone();
        if !typed.references.iter().any(|typed| typed == id) || !self.news_exists() {
            return Ok(());
        }
        let _lock = self.news_lock()?;
        let mut journal = self.read_journal()?;
        let mut documents = Documents::default();
        let found = journal.items.iter().enumerate().find_map(|(index, item)| {
            match item {
                Item::Rename { from, .. } if from == id => {}
                _ => return None,
            }
            documents
                .in_force(self, item, &journal.items)
                .map(|moved| (index, moved))
        });
        let Some((index, moved)) = found else {
            return Ok(());
        };
        journal.items.remove(index);
        self.write_journal(&journal)?;
        Err(Error::Moved { moved })
    }

    /// Under the lock of `id`, whose document was read just now to be changed (`None`: it
    /// is gone): refuses the change if the command typed a label that a sync renumbered
    /// in it, or chose the id a sync moved its incident away from, since the news was
    /// heeded (the item is used up, as there).
    pub(crate) fn check_typed(&self, id: &str, incident: Option<&Incident>) -> Result<()> {
        let typed = self.typed.borrow().clone();
        if typed.is_empty() || !self.news_exists() {
            return Ok(());
        }
        let _lock = self.news_lock()?;
        let mut journal = self.read_journal()?;
        let mut documents = Documents::default();
        let found = journal.items.iter().enumerate().find_map(|(index, item)| {
            let moved = match item {
                Item::Relabel {
                    from,
                    incident_uuid,
                    entry_uuid,
                    by,
                    ..
                } if incident.is_some_and(|incident| *incident_uuid == incident.uuid)
                    && typed.labels.contains(from) =>
                {
                    let incident = incident?;
                    let now = relabeled_now(incident, *entry_uuid, *from)?;
                    Moved::Label {
                        incident: incident.id.clone(),
                        from: *from,
                        to: now,
                        by: by.clone(),
                    }
                }
                Item::Rename {
                    from,
                    incident_uuid,
                    ..
                } if *from == id
                    && incident.is_none_or(|incident| *incident_uuid != incident.uuid)
                    && typed.references.contains(from) =>
                {
                    documents.in_force(self, item, &journal.items)?
                }
                _ => return None,
            };
            Some((index, moved))
        });
        let Some((index, moved)) = found else {
            return Ok(());
        };
        journal.items.remove(index);
        self.write_journal(&journal)?;
        Err(Error::Moved { moved })
    }

    /// Adds items to the journal, before the change they tell of is saved.
    pub(super) fn journal(&self, items: Vec<Item>) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        self.ensure_sync_dir()?;
        let _lock = self.news_lock()?;
        let mut journal = self.read_journal()?;
        for item in items {
            let key = item.key();
            journal.items.retain(|kept| kept.key() != key);
            self.journaled.borrow_mut().push(key);
            journal.items.push(item);
        }
        let excess = journal.items.len().saturating_sub(MAX_ITEMS);
        journal.items.drain(..excess);
        self.write_journal(&journal)?;
        super::super::failpoint("sync-after-news");
        Ok(())
    }

    /// A sync in the foreground printed what it changed: what it journaled is told.
    pub(super) fn note_journaled(&self) -> Result<()> {
        let keys = std::mem::take(&mut *self.journaled.borrow_mut());
        if keys.is_empty() {
            return Ok(());
        }
        let _lock = self.news_lock()?;
        let mut journal = self.read_journal()?;
        for item in &mut journal.items {
            if keys.contains(&item.key()) {
                *item.noted() = true;
            }
        }
        self.write_journal(&journal)
    }

    fn news_exists(&self) -> bool {
        std::fs::symlink_metadata(self.sync_dir().join(FILE)).is_ok()
    }

    fn news_lock(&self) -> Result<std::fs::File> {
        Ok(self
            .sync_lock(LOCK, true)?
            .expect("a lock waited for is taken"))
    }

    /// The journal; one that cannot be read is moved aside, with a warning, and the
    /// journal starts afresh.
    fn read_journal(&self) -> Result<Journal> {
        let path = self.sync_dir().join(FILE);
        let bytes = match read_regular(&path, MAX_NEWS_BYTES) {
            Ok(bytes) => bytes,
            Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                return Ok(Journal {
                    version: VERSION,
                    items: Vec::new(),
                });
            }
            Err(error) => return Err(error),
        };
        match serde_json::from_slice::<Journal>(&bytes) {
            Ok(journal)
                if journal.version == VERSION && journal.items.iter().all(Item::is_valid) =>
            {
                Ok(journal)
            }
            _ => {
                let aside = self.sync_dir().join(DAMAGED);
                std::fs::rename(&path, &aside).map_err(|source| Error::io(&path, source))?;
                self.warn(format!(
                    "{} could not be read, so what syncs renumbered before now is not told; \
                     it was moved to {}",
                    path.display(),
                    aside.display()
                ));
                Ok(Journal {
                    version: VERSION,
                    items: Vec::new(),
                })
            }
        }
    }

    fn write_journal(&self, journal: &Journal) -> Result<()> {
        let bytes = serde_json::to_vec(journal).expect("the journal serializes");
        self.write_sync_file(&self.sync_dir().join(FILE), &bytes)
    }
}
