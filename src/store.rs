//! Where incidents live on disk, and every read and write of them.
//!
//! Layout under the data directory:
//!
//! ```text
//! current                     the current incident's id
//! incidents/<id>.json         one document per incident
//! incidents/<id>.lock         held across every read-modify-write; never replaced
//! incidents/.<id>.tmp          a save in progress; never ends in .json
//! ```
//!
//! A save writes a temp file in the same folder, syncs it, renames it over the document
//! and syncs the folder, all while holding the incident's lock: a reader sees the old
//! document or the new one, and concurrent writers never lose each other's entries.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::id;
use crate::model::{Incident, SCHEMA, Status};

const DIR_MODE: u32 = 0o700;
const FILE_MODE: u32 = 0o600;

pub struct Store {
    root: PathBuf,
}

impl Store {
    /// The data directory, the first that applies: `--dir`, `INCIDENT_DIR`, the platform's
    /// data directory for `incident`.
    pub fn locate(flag: Option<PathBuf>) -> Result<Store> {
        let root = match flag {
            Some(dir) => dir,
            None => match std::env::var_os("INCIDENT_DIR") {
                Some(dir) if !dir.is_empty() => PathBuf::from(dir),
                _ => directories::ProjectDirs::from("", "", "incident")
                    .ok_or(Error::NoDataDir)?
                    .data_dir()
                    .to_path_buf(),
            },
        };
        Ok(Store { root })
    }

    fn incidents_dir(&self) -> PathBuf {
        self.root.join("incidents")
    }

    fn document_path(&self, id: &str) -> PathBuf {
        debug_assert!(id::is_valid(id), "ids are checked before they name a file");
        self.incidents_dir().join(format!("{id}.json"))
    }

    fn lock_path(&self, id: &str) -> PathBuf {
        self.incidents_dir().join(format!("{id}.lock"))
    }

    fn current_path(&self) -> PathBuf {
        self.root.join("current")
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

    /// Every incident id in the store, sorted.
    pub fn ids(&self) -> Result<Vec<String>> {
        Ok(self.listing(false)?.into_iter().map(|(id, _)| id).collect())
    }

    /// Every incident id in the store, sorted, with what tells its document changed.
    fn documents(&self) -> Result<Vec<(String, Option<FileKey>)>> {
        self.listing(true)
    }

    /// The folder's documents; `with_keys` stats each, relative to the folder, which is
    /// much cheaper than by full path when there are thousands.
    fn listing(&self, with_keys: bool) -> Result<Vec<(String, Option<FileKey>)>> {
        let dir = self.incidents_dir();
        let listing = match fs::read_dir(&dir) {
            Ok(listing) => listing,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(Error::io(dir, source)),
        };
        let mut items = Vec::new();
        for item in listing {
            let item = item.map_err(|source| Error::io(&dir, source))?;
            let name = item.file_name();
            let Some(id) = name.to_str().and_then(|name| name.strip_suffix(".json")) else {
                continue;
            };
            if id::is_valid(id) {
                items.push((id.to_string(), item));
            }
        }
        items.sort_by(|a, b| a.0.cmp(&b.0));
        if !with_keys {
            return Ok(items.into_iter().map(|(id, _)| (id, None)).collect());
        }
        // Thousands of stats are most of `list`'s time: share them among the cores.
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let chunk = items.len().div_ceil(threads).max(1);
        let keyed = std::thread::scope(|scope| {
            let workers: Vec<_> = items
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|(id, item)| {
                                // A symlinked document is keyed by what it points at.
                                let metadata = match item.file_type() {
                                    Ok(kind) if kind.is_symlink() => fs::metadata(item.path()),
                                    _ => item.metadata(),
                                };
                                let key = metadata.ok().map(|metadata| FileKey::of(&metadata));
                                (id.clone(), key)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|worker| worker.join().unwrap_or_default())
                .collect()
        });
        Ok(keyed)
    }

    /// Reads one incident. Saves replace documents atomically, so no lock is needed.
    pub fn load(&self, id: &str) -> Result<Incident> {
        let path = self.document_path(id);
        let bytes = fs::read(&path).map_err(|source| Error::io(&path, source))?;
        parse_document(&bytes, &path, id)
    }

    /// What `list` shows of every readable incident, and an error for each one that is
    /// not. Summaries come from `list-cache.json` for documents unchanged since they were
    /// summarized (same inode, size and modification time: every save replaces the file,
    /// so its inode changes); any other document is read again. The cache is never
    /// trusted over a document, and a cache that cannot be read is simply rebuilt.
    pub fn summaries(&self) -> Result<(Vec<Summary>, Vec<Error>)> {
        let cache_path = self.root.join("list-cache.json");
        let mut cache: ListCache = fs::read(&cache_path)
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
            let cached = cache
                .documents
                .remove(&id)
                .filter(|(cached_key, _)| Some(*cached_key) == key);
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
            // A cache: no fsync, and a failure to write it only costs the next `list`.
            let temp = self.root.join(format!(".list-cache.{}", unique_suffix()));
            let bytes = serde_json::to_vec(&cache).expect("summaries always serialize");
            if write_plain(&temp, &bytes).is_ok() && fs::rename(&temp, &cache_path).is_err() {
                let _ = fs::remove_file(&temp);
            }
        }
        Ok((summaries, failures))
    }

    /// Takes the incident's lock, held until the returned file is dropped. The lock file
    /// is never replaced or followed through a symlink.
    fn lock(&self, id: &str) -> Result<File> {
        let path = self.lock_path(id);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(FILE_MODE)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&path)
            .map_err(|source| Error::io(&path, source))?;
        lock.lock().map_err(|source| Error::io(&path, source))?;
        Ok(lock)
    }

    /// Reads, changes and saves one incident under its lock. If `change` fails, nothing
    /// is written.
    pub fn update<T>(
        &self,
        id: &str,
        change: impl FnOnce(&mut Incident) -> Result<T>,
    ) -> Result<T> {
        self.check_incidents_dir()?;
        let lock = self.lock(id)?;
        let mut incident = self.load(id)?;
        let outcome = change(&mut incident)?;
        self.write_replacing(&incident)?;
        // Dropping the file releases the lock, after the rename is durable.
        drop(lock);
        Ok(outcome)
    }

    /// Saves a new incident. Never replaces an existing document: the new one is linked
    /// into place, which fails if the name is taken.
    pub fn create(&self, incident: &Incident) -> Result<()> {
        self.ensure_dirs()?;
        let lock = self.lock(&incident.id)?;
        let path = self.document_path(&incident.id);
        let temp = self.write_temp(incident)?;
        let linked = link_without_replacing(&temp, &path);
        let _ = fs::remove_file(&temp);
        let outcome = match linked {
            Ok(()) => sync_dir(&self.incidents_dir()),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                Err(Error::IncidentExists {
                    id: incident.id.clone(),
                })
            }
            Err(source) => Err(Error::io(path, source)),
        };
        drop(lock);
        outcome
    }

    fn write_replacing(&self, incident: &Incident) -> Result<()> {
        let path = self.document_path(&incident.id);
        let temp = self.write_temp(incident)?;
        failpoint("before-rename");
        if let Err(source) = fs::rename(&temp, &path) {
            let _ = fs::remove_file(&temp);
            return Err(Error::io(path, source));
        }
        failpoint("after-rename");
        // The new document is in place; failing now would invite a retry that records
        // the entry twice. Say that its durability is in doubt instead.
        if let Err(error) = sync_dir(&self.incidents_dir()) {
            let _ = writeln!(
                io::stderr(),
                "warning: saved, but the folder could not be synced, so the save may not \
                 survive a power cut: {}",
                crate::sanitize::one_line(&error.to_string())
            );
        }
        Ok(())
    }

    /// Writes the document to a fresh temp file beside it and syncs it to disk.
    fn write_temp(&self, incident: &Incident) -> Result<PathBuf> {
        // Compact: half the bytes to write and sync of a pretty document. People read
        // incidents through `report --format json`, which is pretty.
        let mut bytes = serde_json::to_vec(incident)
            .expect("an incident always serializes: it holds only strings, numbers and lists");
        bytes.push(b'\n');
        // One temp name per incident: saves of it take turns under its lock, and one
        // left by a killed writer is simply replaced by the next save.
        let temp = self.incidents_dir().join(format!(".{}.tmp", incident.id));
        match fs::remove_file(&temp) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::io(temp, source)),
        }
        write_synced(&temp, &bytes)?;
        Ok(temp)
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

    /// The current incident's id, if one was set.
    pub fn current(&self) -> Result<Option<String>> {
        let path = self.current_path();
        match fs::read_to_string(&path) {
            Ok(text) => {
                let id = text.trim();
                if id::is_valid(id) {
                    Ok(Some(id.to_string()))
                } else {
                    Err(Error::Damaged {
                        path,
                        reason: "it does not hold an incident id".into(),
                    })
                }
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::io(path, source)),
        }
    }

    pub fn set_current(&self, id: &str) -> Result<()> {
        self.ensure_dirs()?;
        let path = self.current_path();
        let temp = self.root.join(format!(".current.{}", unique_suffix()));
        write_synced(&temp, format!("{id}\n").as_bytes())?;
        if let Err(source) = fs::rename(&temp, &path) {
            let _ = fs::remove_file(&temp);
            return Err(Error::io(path, source));
        }
        sync_dir(&self.root)
    }

    /// Whether a path the user gave lands inside the data directory, through any links.
    pub fn contains(&self, path: &Path) -> bool {
        let Ok(root) = fs::canonicalize(&self.root) else {
            return false;
        };
        let target = follow_symlinks(path).unwrap_or_else(|_| path.to_path_buf());
        // The file may not exist yet: resolve its folder, then add its name.
        let resolved = match (target.parent(), target.file_name()) {
            (Some(parent), Some(name)) => {
                let parent = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
                fs::canonicalize(parent).map(|parent| parent.join(name))
            }
            _ => fs::canonicalize(&target),
        };
        resolved.is_ok_and(|resolved| resolved.starts_with(&root))
    }

    pub fn exists(&self, id: &str) -> bool {
        self.document_path(id).exists()
    }
}

/// Crash testing: `INCIDENT_FAILPOINT=after-temp-write|before-rename|after-rename` kills
/// the process at that step of a save, as a power cut or `kill -9` would; `panic` panics
/// before any work, to test that a bug still ends in one line.
pub fn failpoint(step: &str) {
    static CHOSEN: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let chosen = CHOSEN.get_or_init(|| std::env::var("INCIDENT_FAILPOINT").ok());
    match chosen.as_deref() {
        Some("panic") if step == "panic" => panic!("the panic failpoint"),
        Some(chosen) if chosen == step => std::process::abort(),
        _ => {}
    }
}

/// Where a chain of symlinks ends, even if nothing is there yet.
fn follow_symlinks(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..16 {
        match fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let target =
                    fs::read_link(&current).map_err(|source| Error::io(&current, source))?;
                current = match current.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(Error::io(
        path,
        io::Error::other("too many levels of symbolic links"),
    ))
}

const LIST_CACHE_VERSION: u32 = 2;

/// An incident as `list` shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Summary {
    pub id: String,
    pub uuid: Uuid,
    pub title: String,
    pub status: Status,
    #[serde(deserialize_with = "crate::model::utc::deserialize")]
    pub opened_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::model::utc::deserialize_option")]
    pub closed_at: Option<DateTime<Utc>>,
    pub entries: usize,
}

impl Summary {
    fn of(incident: &Incident) -> Summary {
        Summary {
            id: incident.id.clone(),
            uuid: incident.uuid,
            title: incident.title.clone(),
            status: incident.status(),
            opened_at: incident.opened_at,
            closed_at: incident.closed_at(),
            entries: incident.entries.len(),
        }
    }
}

/// What tells a document changed: a save replaces the file (new inode), and an edit in
/// place changes its size or modification time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct FileKey {
    inode: u64,
    size: u64,
    modified_ns: i128,
    /// The inode's change time, which no one can set back: it moves on every write even
    /// when the size and modification time are made to stay.
    changed_ns: i128,
}

impl FileKey {
    fn of(metadata: &fs::Metadata) -> FileKey {
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
}

#[derive(Default, Serialize, Deserialize)]
struct ListCache {
    version: u32,
    documents: HashMap<String, (FileKey, Summary)>,
}

fn write_plain(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)?;
    file.write_all(bytes)
}

/// Puts `temp` at `path` unless something is there already: a hard link (the caller then
/// removes `temp`), or where the file system has none, a rename that refuses to replace
/// (Linux's RENAME_NOREPLACE).
fn link_without_replacing(temp: &Path, path: &Path) -> io::Result<()> {
    match fs::hard_link(temp, path) {
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::Unsupported | io::ErrorKind::PermissionDenied
            ) || error.raw_os_error() == Some(libc::EXDEV) =>
        {
            use std::os::unix::ffi::OsStrExt;
            let from = std::ffi::CString::new(temp.as_os_str().as_bytes())?;
            let to = std::ffi::CString::new(path.as_os_str().as_bytes())?;
            // SAFETY: two NUL-terminated paths that outlive the call.
            let renamed = unsafe {
                libc::renameat2(
                    libc::AT_FDCWD,
                    from.as_ptr(),
                    libc::AT_FDCWD,
                    to.as_ptr(),
                    libc::RENAME_NOREPLACE,
                )
            };
            if renamed == 0 {
                Ok(())
            } else {
                Err(io::Error::last_os_error())
            }
        }
        other => other,
    }
}

/// A temp-file suffix no other process or save uses; never `.json`.
fn unique_suffix() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    format!(
        "{}.{}.{nanos}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Writes a new file and syncs it. If anything fails, including the sync, the file is
/// removed: a save whose data may not be on disk is abandoned, never renamed into place.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(FILE_MODE)
            .open(path)?;
        file.set_permissions(fs::Permissions::from_mode(FILE_MODE))?;
        file.write_all(bytes)?;
        failpoint("after-temp-write");
        file.sync_all()
    })();
    written.map_err(|source| {
        let _ = fs::remove_file(path);
        Error::io(path, source)
    })
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|dir| dir.sync_all())
        .map_err(|source| Error::io(dir, source))
}

/// Reads a document, telling apart the ways a file can be unusable so the user knows
/// what happened to it.
fn parse_document(bytes: &[u8], path: &Path, id: &str) -> Result<Incident> {
    let damaged = |reason: String| Error::Damaged {
        path: path.to_path_buf(),
        reason,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(damaged("the file is empty".into()));
    }
    if bytes.iter().all(|byte| *byte == 0) {
        return Err(damaged("the file holds only NUL bytes".into()));
    }
    // Checking the UTF-8 once, for the whole file, is faster than string by string.
    let text = std::str::from_utf8(bytes)
        .map_err(|error| damaged(format!("the file is not UTF-8 text ({error})")))?;
    match serde_json::from_str::<Incident>(text) {
        Ok(incident) => {
            if incident.schema > SCHEMA {
                return Err(newer(path, u64::from(incident.schema)));
            }
            incident.validate().map_err(damaged)?;
            if incident.id != id {
                return Err(damaged(format!(
                    "it holds incident {:?}, not {id:?}",
                    incident.id
                )));
            }
            Ok(incident)
        }
        Err(error) => {
            let schema = serde_json::from_slice::<serde_json::Value>(bytes)
                .ok()
                .and_then(|value| value.get("schema").and_then(serde_json::Value::as_u64));
            match schema {
                Some(found) if found > u64::from(SCHEMA) => Err(newer(path, found)),
                _ if error.is_eof() => Err(damaged(format!("the file is truncated ({error})"))),
                _ if error.is_syntax() => Err(damaged(format!("the file is not JSON ({error})"))),
                _ => Err(damaged(format!("not an incident document ({error})"))),
            }
        }
    }
}

fn newer(path: &Path, found: u64) -> Error {
    Error::NewerSchema {
        path: path.to_path_buf(),
        found,
        known: SCHEMA,
    }
}

/// Writes a file the user named (`report -o`) so that it is either the old file or the
/// complete new one, never a partial report. A symlink is written through to its target;
/// a FIFO or device is written to directly, as a shell redirection would.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    // Whatever the kernel finds at the end of the links: a device (`/dev/null`,
    // `/dev/stdout`) or a FIFO is written to, never replaced.
    if fs::metadata(path).is_ok_and(|metadata| !metadata.is_file() && !metadata.is_dir()) {
        return OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut file| file.write_all(bytes))
            .map_err(|source| Error::io(path, source));
    }
    let path = &follow_symlinks(path)?;
    let name = path
        .file_name()
        .ok_or_else(|| Error::Usage(format!("{} is not a file name", path.display())))?;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}", unique_suffix()));
    let temp = dir.join(temp_name);
    // A replaced file keeps its mode; a new one is 0644, whatever the umask.
    let mode = fs::metadata(path).map_or(0o644, |metadata| metadata.permissions().mode());
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.set_permissions(fs::Permissions::from_mode(mode))?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(source) = written.and_then(|()| fs::rename(&temp, path)) {
        let _ = fs::remove_file(&temp);
        return Err(Error::io(path, source));
    }
    sync_dir(&dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Stamp;
    use proptest::prelude::*;

    fn store() -> Store {
        Store {
            root: PathBuf::from("/data"),
        }
    }

    fn sample_document() -> Vec<u8> {
        let at = "2026-11-21T03:30:00Z".parse().expect("a time");
        let stamp = Stamp {
            uuid: uuid::Uuid::nil(),
            at,
            recorded_at: at,
            by: "ana".into(),
        };
        let mut incident = Incident::new("2026-11-21-x".into(), "X".into(), stamp);
        for body in [
            crate::model::Body::Symptom,
            crate::model::Body::Hypothesis { explains: vec![] },
            crate::model::Body::Test {
                targets: vec!["H1".parse().expect("a label")],
            },
        ] {
            incident
                .record(crate::model::NewEntry {
                    body,
                    at,
                    by: "ana".into(),
                    text: "text".into(),
                    uuid: uuid::Uuid::nil(),
                    recorded_at: at,
                })
                .expect("a valid entry");
        }
        serde_json::to_vec_pretty(&incident).expect("serializes")
    }

    proptest! {
        #[test]
        fn an_accepted_id_names_a_file_inside_the_incidents_folder(id in "\\PC{0,70}") {
            if id::validate(&id).is_ok() {
                let path = store().document_path(&id);
                prop_assert_eq!(path.parent(), Some(Path::new("/data/incidents")));
                let file_name = format!("{id}.json");
                prop_assert_eq!(path.file_name().and_then(|name| name.to_str()), Some(file_name.as_str()));
                prop_assert!(path.components().all(|part| !matches!(part, std::path::Component::ParentDir)));
            }
        }

        #[test]
        fn a_reference_only_ever_names_an_existing_id(reference in "\\PC{0,30}|\\.\\./[a-z/.]{0,20}") {
            let ids = vec!["2026-11-21-a".to_string(), "2026-11-21-db".to_string()];
            if let Ok(found) = id::resolve(&reference, &ids) {
                prop_assert!(ids.contains(&found));
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic_the_reader(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse_document(&bytes, Path::new("/data/incidents/x.json"), "2026-11-21-x");
        }

        #[test]
        fn damaged_documents_are_errors_not_panics(
            cut in 0usize..2000,
            flips in prop::collection::vec((0usize..2000, any::<u8>()), 0..8),
        ) {
            let mut bytes = sample_document();
            for (at, byte) in flips {
                let at = at % bytes.len();
                bytes[at] = byte;
            }
            bytes.truncate(cut.min(bytes.len()));
            let _ = parse_document(&bytes, Path::new("/data/incidents/x.json"), "2026-11-21-x");
        }
    }

    #[test]
    fn the_sample_document_reads_back() {
        let bytes = sample_document();
        parse_document(&bytes, Path::new("x.json"), "2026-11-21-x").expect("valid");
    }
}
