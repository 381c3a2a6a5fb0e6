//! `sync/held.json`: what the last sync left the same on both sides, so that the next one
//! reads only what changed since. For each list the team shares (the directory of
//! contacts, the team's synonyms), its blob on the branch and the key of the file here.
//! For each incident whose document here was byte for
//! byte the one on the branch: the blob id on the branch, what tells the local document
//! changed (inode, size, times: `cache::FileKey`), its UUID and the incident it is merged
//! into; and the branch's tip then. A sync whose fetch brings the same tip, with no local
//! document changed, has nothing to do; otherwise it reads only the blobs whose id
//! changed and the local documents whose key did. The cost of a sync with nothing new
//! then grows with the number of incidents (a stat each), not with their history.
//!
//! Never trusted over the documents: an entry is written only after comparing the bytes
//! on both sides, under the incident's lock, and any change of either side since shows
//! as a new blob id or a new key. A file that cannot be read, or holds anything a sync
//! could not have written, is ignored: the next sync reads everything, as the first did.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::super::atomic::read_regular;
use super::super::cache::FileKey;
use super::super::documents::{document_bytes, parse_document};
use super::Round;
use super::receive::Team;
use super::shared::LandedLists;
use crate::error::Result;
use crate::id;
use crate::model::SCHEMA;
use crate::sharing::Synced;
use crate::store::Store;

const FILE: &str = "held.json";
const VERSION: u32 = 2;
/// Far more than 100,000 incidents take.
const MAX_HELD_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Held {
    version: u32,
    /// The branch's tip after the last sync.
    pub tip: Option<String>,
    /// The last sync shared every document on the branch (none was refused), so a tip
    /// unchanged since holds nothing new to read.
    pub clean: bool,
    pub incidents: HashMap<String, Shared>,
    /// Each shared list the same on both sides, by its file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lists: BTreeMap<String, Settled>,
}

/// A shared list as the last sync left it the same on both sides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Settled {
    /// Its blob on the branch; `None` when the branch had none.
    pub blob: Option<String>,
    /// What tells the file here changed; `None` when there was none.
    pub key: Option<FileKey>,
}

/// One incident the same on both sides after the last sync.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Shared {
    pub blob: String,
    pub key: FileKey,
    pub uuid: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub into: Option<String>,
}

impl Held {
    pub fn new(
        tip: Option<String>,
        clean: bool,
        incidents: HashMap<String, Shared>,
        lists: BTreeMap<String, Settled>,
    ) -> Held {
        Held {
            version: VERSION,
            tip,
            clean,
            incidents,
            lists,
        }
    }

    /// Whether it could have been written by a sync: ids that name files, object ids.
    fn is_sound(&self) -> bool {
        let object = |name: &str| {
            (40..=64).contains(&name.len()) && name.bytes().all(|byte| byte.is_ascii_hexdigit())
        };
        self.version == VERSION
            && self.tip.as_deref().is_none_or(object)
            && self
                .lists
                .values()
                .all(|settled| settled.blob.as_deref().is_none_or(object))
            && self.incidents.iter().all(|(id, shared)| {
                id::is_valid(id)
                    && object(&shared.blob)
                    && shared
                        .into
                        .as_deref()
                        .is_none_or(|into| id::is_valid(into) && into != id)
            })
    }
}

impl Store {
    /// What the last sync left shared, or nothing known.
    pub(super) fn read_held(&self) -> Held {
        read_regular(&self.sync_dir().join(FILE), MAX_HELD_BYTES)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Held>(&bytes).ok())
            .filter(Held::is_sound)
            .unwrap_or_default()
    }

    /// Keeps what this sync left shared. Written like a cache: losing it (a power cut)
    /// costs only a full read on the next sync.
    pub(super) fn write_held(&self, held: &Held) -> Result<()> {
        let bytes = serde_json::to_vec(held).expect("what is held serializes");
        self.write_sync_cache(FILE, &bytes)
    }

    /// Forgets what was shared: another remote shares nothing yet.
    pub(super) fn forget_held(&self) {
        let _ = std::fs::remove_file(self.sync_dir().join(FILE));
    }

    /// The key of the document `id` if it holds what `bytes` hold, read under its lock
    /// so that no save falls between the read and the key. Byte for byte, or else the
    /// same incident written otherwise (an older build's schema number, a script's
    /// layout): what matters is that neither side has anything the other lacks.
    pub(super) fn settled_key(&self, id: &str, bytes: &[u8]) -> Option<FileKey> {
        let _lock = self.lock(id).ok()?;
        let here = self.raw_document(id).ok()?;
        if here != bytes && !same_incident(id, &here, bytes) {
            return None;
        }
        let path = self.incidents_dir().join(format!("{id}.json"));
        let metadata = std::fs::symlink_metadata(path).ok()?;
        metadata.is_file().then(|| FileKey::of(&metadata))
    }
}

/// Whether two documents of `id` hold the same incident, whatever their layout and
/// schema number.
fn same_incident(id: &str, a: &[u8], b: &[u8]) -> bool {
    let read = |bytes: &[u8]| {
        let mut incident = parse_document(bytes, Path::new(id), id).ok()?;
        incident.schema = SCHEMA;
        Some(document_bytes(&incident))
    };
    matches!((read(a), read(b)), (Some(a), Some(b)) if a == b)
}

impl Store {
    /// After a sync that succeeded: every incident now the same on both sides, the
    /// branch's tip (`tip`, its files' `blobs`), each shared list that is the same on both
    /// sides (`lists`: what the branch holds of them), and whether nothing was refused.
    /// Written only when it changed.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn keep_held(
        &self,
        old: &Held,
        team: &Team,
        round: &Round,
        tip: Option<String>,
        blobs: &HashMap<String, String>,
        lists: LandedLists,
        synced: &Synced,
    ) -> Result<()> {
        let mut incidents = team.unchanged.clone();
        let mut keep = |id: &str, bytes: &[u8], uuid: Uuid, into: Option<String>| {
            if let Some(blob) = blobs.get(id)
                && let Some(key) = self.settled_key(id, bytes)
            {
                incidents.insert(
                    id.to_string(),
                    Shared {
                        blob: blob.clone(),
                        key,
                        uuid,
                        into,
                    },
                );
            }
        };
        let mut sent = std::collections::HashSet::new();
        for (name, bytes) in &round.outgoing {
            let Some(id) = name.strip_suffix(".json") else {
                continue;
            };
            if let Some((uuid, into)) = round.landing.get(id) {
                keep(id, bytes, *uuid, into.clone());
                sent.insert(id);
            }
        }
        for (id, received) in &team.documents {
            if !sent.contains(id.as_str()) {
                let into = received
                    .incident
                    .merged_into()
                    .map(|mark| mark.other().to_string());
                keep(id, &received.bytes, received.incident.uuid, into);
            }
        }
        let lists = self.settled_lists(lists);
        let held = Held::new(tip, synced.problems.is_empty(), incidents, lists);
        if held != *old {
            self.write_held(&held)?;
        }
        Ok(())
    }
}
