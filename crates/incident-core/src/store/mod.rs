//! Where incidents live on disk, and every read and write of them. Nothing here prints:
//! what a user should hear about (a folder that could not be synced, a damaged file
//! skipped) is collected as warnings, which the command hands to the `Ui`.
//!
//! Layout under the data directory:
//!
//! ```text
//! current                     the current incident's id            (current.rs)
//! list-cache                  summaries for `list`, `stats` and "seen before", never
//!                             trusted  (cache.rs)
//! search-index                folded text for `search`, never trusted  (index.rs)
//! synonyms                    synonyms kept by hand, one group a line, not shared
//!                             (synonyms.rs)
//! synonyms.json               the team's own synonyms, shared  (synonyms.rs, shared.rs)
//! synonyms.lock               held across every change of it; never replaced
//! .synonyms.tmp               a save of it in progress
//! contacts.json               the team's directory of whom to call, shared  (directory.rs,
//!                             shared.rs)
//! contacts.lock               held across every change of it; never replaced
//! .contacts.tmp               a save of it in progress
//! hooks/on-record             run after every recorded entry, if executable  (hooks.rs)
//! incidents/<id>.json         one document per incident            (documents.rs)
//! incidents/<id>.lock         held across every read-modify-write; never replaced
//! incidents/.<id>.tmp         a save in progress; never ends in .json
//! .current.<…>.tmp            a write of `current` or the cache in progress, or left by
//! .list-cache.<…>.tmp         a kill; swept a minute later (atomic.rs, `temp_path`);
//! .search-index.<…>.tmp       the same for the search index
//! sync/remote                 the git remote incidents are shared through   (sync/)
//! sync/repo.git               a bare repository: the team's branch as last fetched
//! sync/state.json             the last sync, and what the remote held then (the board)
//! sync/run.lock               held by the running sync; sync/queue.lock by the next
//! sync/news                   what syncs renumbered and renamed, until told and heeded
//! sync/news.lock              held across every change of sync/news
//! sync/log                    what background syncs said
//! ```
//!
//! Every file of ours is read by one helper too (`atomic::read_regular`): only a regular
//! file, opened without blocking or following links, and never more than a cap.
//!
//! Every file is written by one helper (`atomic.rs`): a temp file in the same folder,
//! synced, renamed over the target, the folder synced. `output.rs` writes the files a
//! user names (`report -o`), which must never land inside the data directory.

mod atomic;
mod cache;
mod current;
mod directory;
mod documents;
mod hooks;
mod index;
mod lock;
mod output;
mod shared;
mod sync;
mod synonyms;

use std::cell::RefCell;
use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::PathBuf;

pub use directory::{DIRECTORY_FILE, MAX_DIRECTORY_BYTES};
pub use hooks::IN_HOOK;
pub use output::write_file_atomically;
pub use sync::{Typed, spawn_background_sync};
pub use synonyms::{MAX_SYNONYMS_BYTES, SYNONYMS_FILE};

use crate::error::{Error, Result};

const DIR_MODE: u32 = 0o700;
pub(crate) const FILE_MODE: u32 = 0o600;

pub struct Store {
    root: PathBuf,
    /// What the user should hear about but that did not stop the command.
    warnings: RefCell<Vec<String>>,
    /// Whether this process saved an incident document or a shared list, which a sync
    /// then shares.
    saved: std::cell::Cell<bool>,
    /// Told when a lock is slow to come.
    waiting: lock::Waiting,
    /// What the command typed that a sync may have renumbered or renamed (`sync/news.rs`).
    typed: RefCell<sync::Typed>,
    /// The news this process's sync journaled, by key.
    journaled: RefCell<Vec<(uuid::Uuid, String)>>,
}

/// An incident as a change left it on disk, and what the change returned.
pub struct Saved<T> {
    pub incident: crate::model::Incident,
    pub value: T,
}

impl Store {
    /// The platform's data directory for `incident`, where incidents live unless the user
    /// chose another.
    pub fn default_root() -> Result<PathBuf> {
        Ok(directories::ProjectDirs::from("", "", "incident")
            .ok_or(Error::NoDataDir)?
            .data_dir()
            .to_path_buf())
    }

    /// The data directory.
    pub fn root(&self) -> &std::path::Path {
        &self.root
    }

    pub fn at(root: PathBuf) -> Store {
        Store {
            root,
            warnings: RefCell::new(Vec::new()),
            saved: std::cell::Cell::new(false),
            waiting: None,
            typed: RefCell::new(sync::Typed::default()),
            journaled: RefCell::new(Vec::new()),
        }
    }

    /// Calls `tell` with a line (escaped) when a lock has been waited on for a second.
    pub fn on_waiting(mut self, tell: impl Fn(&str) + Send + Sync + 'static) -> Store {
        self.waiting = Some(std::sync::Arc::new(tell));
        self
    }

    /// The warnings gathered so far, for the command to show; each is shown once.
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut self.warnings.borrow_mut())
    }

    /// Whether an incident document or a shared list was saved since this store was
    /// opened.
    pub fn saved_any(&self) -> bool {
        self.saved.get()
    }

    fn warn(&self, warning: String) {
        self.warnings.borrow_mut().push(warning);
    }

    fn incidents_dir(&self) -> PathBuf {
        self.root.join("incidents")
    }

    /// Creates the data directory and its incidents folder, private to the user.
    fn ensure_dirs(&self) -> Result<()> {
        self.check_incidents_dir()?;
        for dir in [&self.root, &self.incidents_dir()] {
            if dir.is_dir() {
                continue;
            }
            fs::DirBuilder::new()
                .recursive(true)
                .mode(DIR_MODE)
                .create(dir)
                .map_err(|source| Error::io(dir, source))?;
            // The umask may have taken bits away; the mode is ours to set.
            fs::set_permissions(dir, fs::Permissions::from_mode(DIR_MODE))
                .map_err(|source| Error::io(dir, source))?;
        }
        Ok(())
    }

    /// The incidents folder must be a real folder: a symlink there could send writes
    /// outside the data directory.
    fn check_incidents_dir(&self) -> Result<()> {
        let dir = self.incidents_dir();
        match fs::symlink_metadata(&dir) {
            Ok(metadata) if metadata.file_type().is_symlink() => Err(Error::io(
                &dir,
                io::Error::other("is a symlink; incident does not write through symlinks"),
            )),
            _ => Ok(()),
        }
    }
}

/// Crash testing, only in a build with the `failpoints` feature (the tests' build):
/// `INCIDENT_FAILPOINT=<step>` kills the process the first time it reaches that step, as a
/// power cut or `kill -9` would, and `<step>:<n>` the n-th time (the second save of a
/// merge is `before-rename:2`); `…:pause` instead stops there until standard input
/// closes, so a test can change the disk at that very moment. The steps:
/// `after-temp-write`, `before-rename` and `after-rename` in every save; `between-saves`
/// of a change of two incidents (a merge); in a sync `sync-after-fetch`,
/// `sync-after-rename-save`, `sync-after-rename-current`, `sync-after-rename-remove`,
/// `sync-before-push` and `sync-after-push`; `background-sync-start` as a recording
/// command starts a background sync; `search-index-read` once a search has read its
/// index. `panic` panics before any work, to test that a bug still ends in one line.
///
/// The line on stderr first lets a test tell this stop from any other.
#[cfg(feature = "failpoints")]
pub fn failpoint(step: &str) {
    use std::sync::atomic::{AtomicU32, Ordering};
    struct Chosen {
        step: String,
        nth: u32,
        pause: bool,
    }
    static CHOSEN: std::sync::OnceLock<Option<Chosen>> = std::sync::OnceLock::new();
    static REACHED: AtomicU32 = AtomicU32::new(0);
    let chosen = CHOSEN.get_or_init(|| {
        let value = std::env::var("INCIDENT_FAILPOINT").ok()?;
        let mut parts = value.split(':');
        let mut chosen = Chosen {
            step: parts.next()?.to_string(),
            nth: 1,
            pause: false,
        };
        for part in parts {
            match part {
                "pause" => chosen.pause = true,
                nth => chosen.nth = nth.parse().ok()?,
            }
        }
        Some(chosen)
    });
    let Some(chosen) = chosen.as_ref().filter(|chosen| chosen.step == step) else {
        return;
    };
    if step == "panic" {
        panic!("the panic failpoint");
    }
    if REACHED.fetch_add(1, Ordering::SeqCst) + 1 != chosen.nth {
        return;
    }
    if chosen.pause {
        eprintln!("failpoint {step}:{}: paused", chosen.nth);
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
    } else {
        eprintln!("failpoint {step}:{}: aborting", chosen.nth);
        std::process::abort();
    }
}

/// Without the `failpoints` feature there are none: nothing to check, nothing to abort.
#[cfg(not(feature = "failpoints"))]
#[inline(always)]
pub fn failpoint(_step: &str) {}
