//! `<data dir>/list-cache.json`: what `list` shows of each incident, and what `stats` and
//! "seen before" need of it, keyed by what tells its document changed. Never trusted over
//! a document: a summary is used only for a document with the same inode, size,
//! modification and change times.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use super::atomic::{
    AtomicWrite, Durability, Placement, read_regular, sweep_stale_temps, temp_path,
};
use super::{FILE_MODE, Store};
use crate::error::{Error, Result};
use crate::id;
use crate::model::{Stage, Status, check_text};
use crate::summary::Summary;

const LIST_CACHE_VERSION: u32 = 7;

/// Fewer bytes than the smallest entry a document can hold (its label, kind, uuid, two
/// times, author and text fields alone take more).
const MIN_ENTRY_BYTES: u64 = 64;

/// The largest cache read: 10,000 incidents make about 3 MB. A bigger one is ignored.
const MAX_CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// Whether a cached summary could be what `Summary::of` made for the document filed under
/// `id`: the cache is a file anyone with the folder can write, so what it says is held
/// to what a document could say before `list` shows it.
fn could_describe(summary: &Summary, id: &str, key: &FileKey) -> bool {
    let year_ok = |time: &DateTime<Utc>| (0..=9999).contains(&time.year());
    summary.id == id
        && id::is_valid(&summary.id)
        && summary
            .merged_into
            .as_deref()
            .is_none_or(|into| id::is_valid(into) && into != id)
        && check_text(&summary.title).is_ok()
        && year_ok(&summary.opened_at)
        && match (summary.severity, summary.peak_severity) {
            (None, None) => true,
            (Some(now), Some(peak)) => peak <= now,
            _ => false,
        }
        && (summary.status == Status::Open) != (summary.stage == Stage::Resolved && summary.closed_at.is_some())
        // Every entry takes well over this many bytes of the document.
        && summary.entries as u64 * MIN_ENTRY_BYTES <= key.size
        && match (summary.status, &summary.closed_at) {
            (Status::Open, None) => true,
            (Status::Closed, Some(closed_at)) => year_ok(closed_at),
            _ => false,
        }
        && (summary.status == Status::Closed) == summary.memory.is_some()
        && summary.facts.hypotheses + summary.facts.tests <= summary.entries
        && summary.facts.durations.iter().all(|(_, seconds)| *seconds >= 0)
}

/// What tells a document changed: a save replaces the file (new inode), and an edit in
/// place changes its size or modification time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileKey {
    inode: u64,
    size: u64,
    modified_ns: i128,
    /// The inode's change time, which no one can set back: it moves on every write even
    /// when the size and modification time are made to stay.
    changed_ns: i128,
}

impl FileKey {
    pub(super) fn of(metadata: &fs::Metadata) -> FileKey {
        use std::os::unix::fs::MetadataExt;
        let nanos =
            |seconds: i64, nanos: i64| i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
        FileKey {
            inode: metadata.ino(),
            size: metadata.size(),
            modified_ns: nanos(metadata.mtime(), metadata.mtime_nsec()),
            changed_ns: nanos(metadata.ctime(), metadata.ctime_nsec()),
        }
    }

    /// The key as bytes, for the search index's own format.
    pub(super) fn to_bytes(self) -> [u8; FileKey::BYTES] {
        let mut bytes = [0; FileKey::BYTES];
        bytes[..8].copy_from_slice(&self.inode.to_le_bytes());
        bytes[8..16].copy_from_slice(&self.size.to_le_bytes());
        bytes[16..32].copy_from_slice(&self.modified_ns.to_le_bytes());
        bytes[32..].copy_from_slice(&self.changed_ns.to_le_bytes());
        bytes
    }

    pub(super) fn from_bytes(bytes: [u8; FileKey::BYTES]) -> FileKey {
        let u64_at = |at: usize| {
            u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 of the 48 bytes"))
        };
        let i128_at = |at: usize| {
            i128::from_le_bytes(bytes[at..at + 16].try_into().expect("16 of the 48 bytes"))
        };
        FileKey {
            inode: u64_at(0),
            size: u64_at(8),
            modified_ns: i128_at(16),
            changed_ns: i128_at(32),
        }
    }

    pub(super) const BYTES: usize = 48;
}

#[derive(Default, Serialize, Deserialize)]
struct ListCache {
    version: u32,
    documents: HashMap<String, (FileKey, Summary)>,
}

impl Store {
    /// What `list` shows of every readable incident, and an error for each one that is
    /// not. Summaries come from the cache for documents unchanged since they were
    /// summarized; any other document is read again. A cache that cannot be read is
    /// simply rebuilt.
    pub fn summaries(&self) -> Result<(Vec<Summary>, Vec<Error>)> {
        let cache_path = self.root.join("list-cache.json");
        // A cache that is not a regular file, too big or unreadable is ignored, and the
        // rename of the rebuilt one replaces it.
        let mut cache: ListCache = read_regular(&cache_path, MAX_CACHE_BYTES)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .filter(|cache: &ListCache| cache.version == LIST_CACHE_VERSION)
            .unwrap_or_default();
        let documents = self.documents()?;
        let mut changed = cache.documents.len() != documents.len();
        let mut summaries = Vec::with_capacity(documents.len());
        let mut failures = Vec::new();
        let mut fresh = HashMap::with_capacity(documents.len());
        for (id, key) in documents {
            let cached = cache.documents.remove(&id).filter(|(cached_key, summary)| {
                Some(*cached_key) == key && could_describe(summary, &id, cached_key)
            });
            let summary = match (cached, key) {
                (Some((_, summary)), _) => summary,
                (None, key) => {
                    changed = true;
                    match self.load(&id) {
                        Ok(incident) => {
                            let summary = Summary::of(&incident);
                            if let Some(key) = key {
                                fresh.insert(id.clone(), (key, summary.clone()));
                            }
                            summaries.push(summary);
                            continue;
                        }
                        Err(error) => {
                            failures.push(error);
                            continue;
                        }
                    }
                }
            };
            fresh.insert(
                id,
                (
                    key.expect("a cached summary matched a key"),
                    summary.clone(),
                ),
            );
            summaries.push(summary);
        }
        if changed && self.incidents_dir().is_dir() {
            let cache = ListCache {
                version: LIST_CACHE_VERSION,
                documents: fresh,
            };
            let bytes = serde_json::to_vec(&cache).expect("summaries always serialize");
            let purpose = OsStr::new("list-cache.json");
            sweep_stale_temps(&self.root, purpose);
            let write = AtomicWrite {
                target: &cache_path,
                temp: temp_path(&self.root, purpose),
                mode: FILE_MODE,
                placement: Placement::Replace,
                durability: Durability::Cache,
            };
            // A failure to write the cache only costs the next `list`.
            let _ = write.write(&bytes);
        }
        Ok((summaries, failures))
    }
}
