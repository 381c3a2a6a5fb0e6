//! The team's directory of whom to call, shared beside the incidents: `contacts.json` at
//! the top of the team's branch. A sync reads it as strictly as any received document
//! (a regular file, no larger than a directory may be, every record checked), joins it
//! with the one here record by record (`model::Directory::join`: the later change of each
//! contact wins), saves the result here under the directory's lock and pushes it with
//! the incidents when the branch lacks anything. A directory that fails a check is
//! refused by name and blocks only itself: it never reaches the file here, and the
//! incidents still sync.

use std::path::PathBuf;

use super::super::Store;
use super::super::directory::{
    DIRECTORY_FILE, MAX_DIRECTORY_BYTES, directory_bytes, parse_directory,
};
use super::Round;
use super::git::{Git, Reader};
use super::held::{Held, SharedDirectory};
use crate::error::{Error, Result};
use crate::model::{Directory, DirectoryJoined};
use crate::sharing::Synced;

/// The directory on the fetched branch, as a sync found it.
pub(super) enum Theirs {
    /// The same on both sides as the last sync left it: nothing to read or join.
    Unchanged(SharedDirectory),
    /// The branch has none.
    Absent,
    /// It failed a check, and why: it blocks only itself.
    Refused(String),
    Read {
        directory: Directory,
        bytes: Vec<u8>,
        blob: String,
    },
}

/// What the branch holds of the directory after a sync, for `held.rs`.
pub(super) enum Landed {
    /// As the last sync left it, on both sides.
    Unchanged(SharedDirectory),
    /// This blob (`None`: no directory) with these bytes.
    Holds {
        blob: Option<String>,
        bytes: Option<Vec<u8>>,
    },
    /// Not known to be shared: the next sync reads it again.
    Unknown,
}

impl Theirs {
    /// What the branch holds when nothing is pushed.
    pub(super) fn landed(&self) -> Landed {
        match self {
            Theirs::Unchanged(shared) => Landed::Unchanged(shared.clone()),
            Theirs::Absent => Landed::Holds {
                blob: None,
                bytes: None,
            },
            Theirs::Refused(_) => Landed::Unknown,
            Theirs::Read { bytes, blob, .. } => Landed::Holds {
                blob: Some(blob.clone()),
                bytes: Some(bytes.clone()),
            },
        }
    }
}

impl Store {
    /// The directory on the branch at `tip`, checked; not read at all when neither side
    /// changed it since the last sync.
    pub(super) fn read_team_directory(
        &self,
        reader: &mut Reader,
        tip: Option<&str>,
        url: &str,
        held: &Held,
    ) -> Result<Theirs> {
        let file = match tip {
            Some(tip) => Git::root_file(reader, tip, DIRECTORY_FILE)?,
            None => None,
        };
        let blob = file.as_ref().map(|file| file.object.clone());
        if let Some(shared) = &held.directory
            && shared.blob == blob
            && shared.key == self.directory_key()
        {
            return Ok(Theirs::Unchanged(shared.clone()));
        }
        let Some(file) = file else {
            return Ok(Theirs::Absent);
        };
        let shown = PathBuf::from(format!("{url} {DIRECTORY_FILE}"));
        let refuse = |reason: &str| {
            Theirs::Refused(
                Error::Damaged {
                    path: shown.clone(),
                    reason: reason.to_string(),
                }
                .to_string(),
            )
        };
        if file.mode != "100644" {
            return Ok(refuse("it is not a regular file"));
        }
        match reader.size(&file.object)? {
            Some(size) if size <= MAX_DIRECTORY_BYTES => {}
            _ => return Ok(refuse("it is larger than any directory of contacts")),
        }
        let bytes = reader.contents(&file.object)?;
        Ok(match parse_directory(&bytes, &shown) {
            Ok(directory) => Theirs::Read {
                directory,
                bytes,
                blob: file.object,
            },
            Err(error) => Theirs::Refused(error.to_string()),
        })
    }

    /// Joins the branch's directory with the one here, saves the result here, and stages
    /// it to push when the branch lacks anything of it.
    pub(super) fn join_directory(
        &self,
        theirs: &Theirs,
        synced: &mut Synced,
        round: &mut Round,
    ) -> Result<()> {
        round.directory = None;
        round.directory_sending = 0;
        let (there, there_bytes) = match theirs {
            Theirs::Unchanged(_) => return Ok(()),
            Theirs::Refused(reason) => {
                round.problems.push(reason.clone());
                return Ok(());
            }
            Theirs::Absent => (None, None),
            Theirs::Read {
                directory, bytes, ..
            } => (Some(directory), Some(bytes.as_slice())),
        };
        let lock = self.lock_directory()?;
        let here = match self.raw_directory().and_then(|bytes| {
            bytes
                .map(|bytes| parse_directory(&bytes, &self.directory_path()))
                .transpose()
        }) {
            Ok(here) => here,
            // A file here that cannot be read is never replaced: it blocks only itself.
            Err(
                error @ (Error::Damaged { .. }
                | Error::NewerSchema { .. }
                | Error::NotRegularFile { .. }
                | Error::TooLarge { .. }),
            ) => {
                round.problems.push(error.to_string());
                return Ok(());
            }
            Err(error) => return Err(error),
        };
        let mut joined = here.clone().unwrap_or_default();
        let counts = match there {
            Some(there) => joined.join(there),
            None => DirectoryJoined {
                taken: 0,
                given: joined.records().len(),
            },
        };
        let changed_here = match &here {
            Some(here) => *here != joined,
            None => joined != Directory::default(),
        };
        if changed_here {
            match self.save_directory_locked(&joined, &lock) {
                Ok(()) => {}
                // Joined, it would be more than a directory may hold: it stays as it is
                // on both sides, said so, and the incidents still sync.
                Err(error @ Error::NotReadableBack { .. }) => {
                    round.problems.push(error.to_string());
                    return Ok(());
                }
                Err(error) => return Err(error),
            }
        }
        drop(lock);
        synced.contacts.received += counts.taken;
        let bytes = directory_bytes(&joined);
        if !joined.records().is_empty() && there_bytes != Some(bytes.as_slice()) {
            round.directory = Some(bytes);
            round.directory_sending = counts.given;
        }
        Ok(())
    }

    /// The directory as the branch now holds it, if the file here holds the same: what
    /// `held.rs` keeps, so that the next sync need not read it. Read under its lock, so
    /// that no change falls between the comparison and the key.
    pub(super) fn settled_directory(&self, landed: Landed) -> Option<SharedDirectory> {
        let (blob, bytes) = match landed {
            Landed::Unchanged(shared) => return Some(shared),
            Landed::Unknown => return None,
            Landed::Holds { blob, bytes } => (blob, bytes),
        };
        let _lock = self.lock_directory().ok()?;
        let here = self.raw_directory().ok()?;
        (here == bytes).then(|| SharedDirectory {
            blob,
            key: self.directory_key(),
        })
    }
}
