//! The lists a team shares beside its incidents (`model::SharedList`: the directory of
//! contacts, the team's synonyms), each one file at the top of the data directory, never in
//! the incidents folder. Read as any file of ours and checked as strictly as a received
//! one; changed under its own lock (never replaced), and written by the one atomic helper:
//! a reader sees the old list or the new one, and two commands changing it at once never
//! lose each other's change. Here for every such list alike; what is each one's is its
//! `Kept`.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::atomic::{AtomicWrite, Durability, Placement, read_regular};
use super::cache::FileKey;
use super::{FILE_MODE, Store};
use crate::error::{Error, Result};
use crate::model::SharedList;

/// A shared list as the store keeps it: its files, its cap, and how it is named.
pub trait Kept: SharedList + Serialize + DeserializeOwned {
    /// Its file in the data directory, and on the team's branch.
    const FILE: &'static str;
    /// Held across every change of it; never replaced.
    const LOCK: &'static str;
    /// A save in progress; one name, since saves take turns under the lock.
    const TEMP: &'static str;
    /// The largest file read or written: the most records fit many times over, and a
    /// planted file cannot eat the memory.
    const MAX_BYTES: u64;
    /// What it is, as messages say it: `directory of contacts`.
    const WHAT: &'static str;
    /// What a sync says it moved, and its commits name: `contacts`.
    const NAME: &'static str;
}

impl Store {
    pub(super) fn shared_path<L: Kept>(&self) -> PathBuf {
        self.root.join(L::FILE)
    }

    /// The list as kept here, if there is a file.
    pub(super) fn read_shared<L: Kept>(&self) -> Result<Option<L>> {
        self.raw_shared::<L>()?
            .map(|bytes| parse_shared(&bytes, &self.shared_path::<L>()))
            .transpose()
    }

    /// The list's bytes as stored, if there is a file.
    pub(super) fn raw_shared<L: Kept>(&self) -> Result<Option<Vec<u8>>> {
        match read_regular(&self.shared_path::<L>(), L::MAX_BYTES) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// What tells the list's file changed, if there is one.
    pub(super) fn shared_key<L: Kept>(&self) -> Option<FileKey> {
        let metadata = std::fs::symlink_metadata(self.shared_path::<L>()).ok()?;
        metadata.is_file().then(|| FileKey::of(&metadata))
    }

    /// Takes the list's lock, held until the returned file is dropped.
    pub(super) fn lock_shared<L: Kept>(&self) -> Result<File> {
        self.ensure_dirs()?;
        let path = self.root.join(L::LOCK);
        let lock = super::lock::open(&path)?;
        let what = format!("the {}", L::WHAT);
        super::lock::acquire(&lock, &path, &what, &self.waiting)?;
        Ok(lock)
    }

    /// Reads, changes and saves the list under its lock, and returns what `change`
    /// returned. Saved only when it changed; if `change` fails, nothing is written. A
    /// file that cannot be read is never replaced.
    pub(super) fn change_shared<L: Kept, T, E: From<Error>>(
        &self,
        change: impl FnOnce(&mut L) -> Result<T, E>,
    ) -> Result<T, E> {
        let lock = self.lock_shared::<L>()?;
        let before = self.read_shared::<L>()?;
        let mut list = before.clone().unwrap_or_default();
        let value = change(&mut list)?;
        let changed = match &before {
            Some(before) => *before != list,
            None => list != L::default(),
        };
        if changed {
            self.save_shared(&list, &lock)?;
        }
        drop(lock);
        Ok(value)
    }

    /// Writes the list, its lock held (`_held`), unless the reader would refuse it (too
    /// many records, too many bytes): a save never locks the team out of its list.
    pub(super) fn save_shared<L: Kept>(&self, list: &L, _held: &File) -> Result<()> {
        let path = self.shared_path::<L>();
        let bytes = shared_bytes(list);
        let refused = list.too_many().or_else(|| {
            (bytes.len() as u64 > L::MAX_BYTES).then(|| {
                format!(
                    "it would be larger than the {} MiB a {} may be",
                    L::MAX_BYTES / (1024 * 1024),
                    L::WHAT
                )
            })
        });
        if let Some(reason) = refused {
            return Err(Error::NotReadableBack { path, reason });
        }
        let write = AtomicWrite {
            target: &path,
            temp: self.root.join(L::TEMP),
            mode: FILE_MODE,
            placement: Placement::Replace,
            durability: Durability::Synced,
        };
        if let Some(warning) = write.write(&bytes)? {
            self.warn(warning);
        }
        // A change a sync then shares, as an incident saved is.
        self.saved.set(true);
        Ok(())
    }
}

/// A list as saved, and as pushed: compact JSON and a newline, its records in the order of
/// their keys, so that machines holding the same records hold the same bytes.
pub(super) fn shared_bytes<L: Kept>(list: &L) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(list).expect("a shared list holds only strings");
    bytes.push(b'\n');
    bytes
}

/// Reads a list from a file or the team's branch, telling apart the ways it can be
/// unusable; whatever it holds is checked (`SharedList::validate`) before it is used.
pub(super) fn parse_shared<L: Kept>(bytes: &[u8], path: &Path) -> Result<L> {
    let damaged = |reason: String| Error::Damaged {
        path: path.to_path_buf(),
        reason,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(damaged("the file is empty".into()));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|error| damaged(format!("the file is not UTF-8 text ({error})")))?;
    // The version first: a newer build's list may hold what this one cannot read.
    let schema = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|value| value.get("schema").and_then(serde_json::Value::as_u64));
    if let Some(found) = schema.filter(|found| *found > u64::from(L::SCHEMA)) {
        return Err(Error::NewerSchema {
            path: path.to_path_buf(),
            found,
            known: L::SCHEMA,
        });
    }
    let mut list = match serde_json::from_str::<L>(text) {
        Ok(list) => list,
        Err(error) if error.is_eof() => {
            return Err(damaged(format!("the file is truncated ({error})")));
        }
        Err(error) if error.is_syntax() => {
            return Err(damaged(format!("the file is not JSON ({error})")));
        }
        Err(error) => {
            return Err(damaged(format!("not a {} ({error})", L::WHAT)));
        }
    };
    list.validate().map_err(damaged)?;
    Ok(list)
}
