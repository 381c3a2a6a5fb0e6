//! `<data dir>/contacts.json`: the team's directory of whom to call (`model::Directory`),
//! beside the incidents folder, never in it. Read as any file of ours and checked as
//! strictly as a received one; changed under its own lock, `contacts.lock` (never
//! replaced), and written by the one atomic helper: a reader sees the old directory or
//! the new one, and two commands changing it at once never lose each other's change.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use super::atomic::{AtomicWrite, Durability, Placement, read_regular};
use super::cache::FileKey;
use super::{FILE_MODE, Store};
use crate::error::{Error, Result};
use crate::model::{DIRECTORY_SCHEMA, Directory};

/// The directory's file in the data directory, and on the team's branch.
pub const DIRECTORY_FILE: &str = "contacts.json";
const LOCK_FILE: &str = "contacts.lock";
/// A save in progress; one name, since saves take turns under the lock.
const TEMP_FILE: &str = ".contacts.tmp";

/// The largest directory read or written: ten thousand contacts of a few hundred bytes
/// each fit many times over, and a planted file cannot eat the memory.
pub const MAX_DIRECTORY_BYTES: u64 = 16 * 1024 * 1024;

impl Store {
    pub(super) fn directory_path(&self) -> PathBuf {
        self.root.join(DIRECTORY_FILE)
    }

    /// The team's directory as kept here; empty when there is none yet.
    pub fn directory(&self) -> Result<Directory> {
        Ok(self.read_directory()?.unwrap_or_default())
    }

    /// The directory's bytes as stored, if there is a file.
    pub(super) fn raw_directory(&self) -> Result<Option<Vec<u8>>> {
        match read_regular(&self.directory_path(), MAX_DIRECTORY_BYTES) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    fn read_directory(&self) -> Result<Option<Directory>> {
        self.raw_directory()?
            .map(|bytes| parse_directory(&bytes, &self.directory_path()))
            .transpose()
    }

    /// What tells the directory's file changed, if there is one.
    pub(super) fn directory_key(&self) -> Option<FileKey> {
        let metadata = std::fs::symlink_metadata(self.directory_path()).ok()?;
        metadata.is_file().then(|| FileKey::of(&metadata))
    }

    /// Takes the directory's lock, held until the returned file is dropped.
    pub(super) fn lock_directory(&self) -> Result<File> {
        self.ensure_dirs()?;
        let path = self.root.join(LOCK_FILE);
        let lock = super::lock::open(&path)?;
        super::lock::acquire(&lock, &path, "the directory of contacts", &self.waiting)?;
        Ok(lock)
    }

    /// Reads, changes and saves the directory under its lock, and returns what `change`
    /// returned. Saved only when it changed; if `change` fails, nothing is written. A
    /// file that cannot be read is never replaced.
    pub fn change_directory<T, E: From<Error>>(
        &self,
        change: impl FnOnce(&mut Directory) -> Result<T, E>,
    ) -> Result<T, E> {
        let lock = self.lock_directory()?;
        let before = self.read_directory()?;
        let mut directory = before.clone().unwrap_or_default();
        let value = change(&mut directory)?;
        let changed = match &before {
            Some(before) => *before != directory,
            None => directory != Directory::default(),
        };
        if changed {
            self.save_directory(&directory)?;
        }
        drop(lock);
        Ok(value)
    }

    /// Writes the directory, its lock held (`_held`).
    pub(super) fn save_directory_locked(&self, directory: &Directory, _held: &File) -> Result<()> {
        self.save_directory(directory)
    }

    /// Writes the directory, unless the reader would refuse it (too many contacts, too
    /// many bytes): a save never locks the team out of its directory.
    fn save_directory(&self, directory: &Directory) -> Result<()> {
        let path = self.directory_path();
        let bytes = directory_bytes(directory);
        let refused = directory.too_many().or_else(|| {
            (bytes.len() as u64 > MAX_DIRECTORY_BYTES).then(|| {
                format!(
                    "it would be larger than the {} MiB a directory may be",
                    MAX_DIRECTORY_BYTES / (1024 * 1024)
                )
            })
        });
        if let Some(reason) = refused {
            return Err(Error::NotReadableBack { path, reason });
        }
        let write = AtomicWrite {
            target: &path,
            temp: self.root.join(TEMP_FILE),
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

/// The directory as saved, and as pushed: compact JSON and a newline, its records in the
/// order of their keys, so that machines holding the same records hold the same bytes.
pub(super) fn directory_bytes(directory: &Directory) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(directory).expect("a directory holds only strings");
    bytes.push(b'\n');
    bytes
}

/// Reads a directory from a file or the team's branch, telling apart the ways it can be
/// unusable; whatever it holds is checked (`Directory::validate`) before it is used.
pub(super) fn parse_directory(bytes: &[u8], path: &Path) -> Result<Directory> {
    let damaged = |reason: String| Error::Damaged {
        path: path.to_path_buf(),
        reason,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(damaged("the file is empty".into()));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|error| damaged(format!("the file is not UTF-8 text ({error})")))?;
    // The version first: a newer build's directory may hold what this one cannot read.
    let schema = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|value| value.get("schema").and_then(serde_json::Value::as_u64));
    if let Some(found) = schema.filter(|found| *found > u64::from(DIRECTORY_SCHEMA)) {
        return Err(Error::NewerSchema {
            path: path.to_path_buf(),
            found,
            known: DIRECTORY_SCHEMA,
        });
    }
    let mut directory = match serde_json::from_str::<Directory>(text) {
        Ok(directory) => directory,
        Err(error) if error.is_eof() => {
            return Err(damaged(format!("the file is truncated ({error})")));
        }
        Err(error) if error.is_syntax() => {
            return Err(damaged(format!("the file is not JSON ({error})")));
        }
        Err(error) => {
            return Err(damaged(format!("not a directory of contacts ({error})")));
        }
    };
    directory.validate().map_err(damaged)?;
    Ok(directory)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic_the_reader(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse_directory(&bytes, Path::new("contacts.json"));
        }
    }

    #[test]
    fn a_directory_reads_back_what_it_wrote_and_refuses_what_it_could_not() {
        let path = Path::new("contacts.json");
        let mut directory = Directory::default();
        directory
            .set(
                "Ana",
                Some("+1 555 0100"),
                Some(vec!["database".into()]),
                crate::model::Edit {
                    at: "2026-11-21T03:00:00Z".parse().expect("a time"),
                    by: "ana".into(),
                    uuid: uuid::Uuid::nil(),
                },
            )
            .expect("set");
        let bytes = directory_bytes(&directory);
        assert_eq!(parse_directory(&bytes, path).expect("reads"), directory);
        let said = |text: &str| match parse_directory(text.as_bytes(), path) {
            Err(error) => error.to_string(),
            Ok(_) => panic!("{text} was read"),
        };
        assert!(said("").contains("empty"));
        assert!(said("{\"schema\": 1, \"contacts\"").contains("truncated"));
        assert!(said("{\"schema\": 9, \"contacts\": 7}").contains("newer version"));
        assert!(said("{\"schema\": 1, \"contacts\": 7}").contains("not a directory"));
        assert!(said("{\"schema\": 1, \"contacts\": [], \"hooks\": 1}").contains("unknown field"));
    }
}
