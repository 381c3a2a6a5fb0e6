//! Incident documents: listing, reading, and every change under the incident's lock.
//!
//! A save writes a temp file in the same folder, syncs it, renames it over the document
//! and syncs the folder, all while holding the incident's lock: a reader sees the old
//! document or the new one, and concurrent writers never lose each other's entries.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Utc};

use super::atomic::{AtomicWrite, Durability, Placement, read_regular};
use super::cache::FileKey;
use super::{FILE_MODE, Saved, Store};
use crate::error::{Error, Result};
use crate::id;
use crate::model::{Incident, SCHEMA};

/// The largest document read: far beyond any real incident (10,000 entries are about
/// 2.4 MB), small enough that a runaway file or `/dev/zero` cannot eat the memory.
pub(super) const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// The documents of the incidents folder, sorted by id, each with its folder entry: a
/// stat relative to the folder is much cheaper than by full path when there are
/// thousands.
pub(super) struct Listing(Vec<(String, fs::DirEntry)>);

impl Listing {
    /// From how many documents a listing is worth more than one core: below, a thread
    /// costs more than the stats it would share, and on a busy machine waiting for one to
    /// be scheduled costs more still.
    pub(super) const PARALLEL_FROM: usize = 256;

    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    /// Each id with what tells its document changed.
    pub(super) fn keyed(self) -> Vec<(String, Option<FileKey>)> {
        // Only a regular file gets a key: anything else (a symlink, which `load` refuses,
        // a FIFO) is read, so its error shows.
        let key = |item: &fs::DirEntry| {
            item.metadata()
                .ok()
                .filter(fs::Metadata::is_file)
                .map(|metadata| FileKey::of(&metadata))
        };
        let items = self.0;
        if items.len() < Listing::PARALLEL_FROM {
            return items
                .into_iter()
                .map(|(id, item)| (id, key(&item)))
                .collect();
        }
        // Thousands of stats are most of `list`'s time: share them among the cores.
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let chunk = items.len().div_ceil(threads).max(1);
        let keys: Vec<Option<FileKey>> = std::thread::scope(|scope| {
            let workers: Vec<_> = items
                .chunks(chunk)
                .map(|part| {
                    let worker = scope
                        .spawn(move || part.iter().map(|(_, item)| key(item)).collect::<Vec<_>>());
                    (part.len(), worker)
                })
                .collect();
            // A worker that died keyed none of its part: those documents are read, as any
            // unkeyed one is.
            workers
                .into_iter()
                .flat_map(|(length, worker)| worker.join().unwrap_or_else(|_| vec![None; length]))
                .collect()
        });
        items.into_iter().map(|(id, _)| id).zip(keys).collect()
    }
}

impl Store {
    fn document_path(&self, id: &str) -> PathBuf {
        debug_assert!(id::is_valid(id), "ids are checked before they name a file");
        self.incidents_dir().join(format!("{id}.json"))
    }

    fn lock_path(&self, id: &str) -> PathBuf {
        self.incidents_dir().join(format!("{id}.lock"))
    }

    /// Every incident id in the store, sorted.
    pub fn ids(&self) -> Result<Vec<String>> {
        Ok(self.listing()?.0.into_iter().map(|(id, _)| id).collect())
    }

    /// The folder's documents, by id.
    pub(super) fn listing(&self) -> Result<Listing> {
        let dir = self.incidents_dir();
        let listing = match fs::read_dir(&dir) {
            Ok(listing) => listing,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Ok(Listing(Vec::new()));
            }
            Err(source) => return Err(Error::io(dir, source)),
        };
        let mut items = Vec::new();
        for item in listing {
            let item = item.map_err(|source| Error::io(&dir, source))?;
            // The name's own allocation becomes the id's.
            let Ok(mut id) = item.file_name().into_string() else {
                continue;
            };
            let Some(length) = id.strip_suffix(".json").map(str::len) else {
                continue;
            };
            id.truncate(length);
            if id::is_valid(&id) {
                items.push((id, item));
            }
        }
        // Names in a folder are distinct: no order among equals to keep.
        items.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Ok(Listing(items))
    }

    /// Reads one incident. Saves replace documents atomically, so no lock is needed.
    /// A symlinked document is refused, for reading and so for saving: a save renames a
    /// new file over the name, which would silently detach the link from its target.
    pub fn load(&self, id: &str) -> Result<Incident> {
        let path = self.document_path(id);
        let bytes = read_regular(&path, MAX_DOCUMENT_BYTES)?;
        parse_document(&bytes, &path, id)
    }

    /// Takes the incident's lock, held until the returned file is dropped.
    pub(super) fn lock(&self, id: &str) -> Result<File> {
        let path = self.lock_path(id);
        let lock = super::lock::open(&path)?;
        super::lock::acquire(&lock, &path, id, &self.waiting)?;
        Ok(lock)
    }

    /// Reads, changes and saves one incident under its lock, and returns it as saved
    /// with what `change` returned. If `change` fails, nothing is written.
    pub fn update<T, E: From<Error>>(
        &self,
        id: &str,
        change: impl FnOnce(&mut Incident) -> Result<T, E>,
    ) -> Result<Saved<T>, E> {
        self.check_incidents_dir()?;
        let lock = self.lock(id)?;
        let mut incident = match self.load(id) {
            Ok(incident) => incident,
            // Gone while this waited for its lock: a sync renamed it, perhaps.
            Err(error) => {
                self.check_typed(id, None)?;
                return Err(error.into());
            }
        };
        self.check_typed(id, Some(&incident))?;
        let value = change(&mut incident)?;
        // Written in this build's format, which reads every older one.
        incident.schema = SCHEMA;
        self.save(&incident, Placement::Replace)?;
        // Dropping the file releases the lock, after the rename is durable.
        drop(lock);
        Ok(Saved { incident, value })
    }

    /// Changes two incidents together (a merge): both locks are taken in the order of
    /// their ids, so a change of the same two the other way round cannot deadlock with
    /// this one; both documents are read, `change` is applied, and each document that
    /// changed is saved, `first` before `second`. If `change` fails nothing is written. A
    /// kill between the two saves leaves `first` saved and `second` as it was, so the
    /// caller puts first what makes running it again finish the change.
    pub fn update_both<T, E: From<Error>>(
        &self,
        first: &str,
        second: &str,
        change: impl FnOnce(&mut Incident, &mut Incident) -> Result<T, E>,
    ) -> Result<(Incident, Incident, T), E> {
        self.check_incidents_dir()?;
        let mut ids = [first, second];
        ids.sort_unstable();
        let mut locks = Vec::with_capacity(2);
        for id in ids {
            // The same id twice is one lock: a second would wait on the first forever.
            if locks.is_empty() || ids[0] != id {
                locks.push(self.lock(id)?);
            }
        }
        let (mut one, mut two) = (self.load(first)?, self.load(second)?);
        self.check_typed(first, Some(&one))?;
        self.check_typed(second, Some(&two))?;
        let before = (document_bytes(&one), document_bytes(&two));
        let value = change(&mut one, &mut two)?;
        self.save_if_changed(&mut one, &before.0)?;
        super::failpoint("between-saves");
        self.save_if_changed(&mut two, &before.1)?;
        // Dropping the files releases the locks, after both renames are durable.
        drop(locks);
        Ok((one, two, value))
    }

    fn save_if_changed(&self, incident: &mut Incident, before: &[u8]) -> Result<()> {
        if document_bytes(incident) == before {
            return Ok(());
        }
        incident.schema = SCHEMA;
        self.save(incident, Placement::Replace)
    }

    /// Saves a new incident. Never replaces an existing document: the new one is linked
    /// into place, which fails if the name is taken.
    pub fn create(&self, incident: &Incident) -> Result<()> {
        self.ensure_dirs()?;
        let lock = self.lock(&incident.id)?;
        let saved = self.save(incident, Placement::New);
        drop(lock);
        match saved {
            Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::AlreadyExists => {
                Err(Error::IncidentExists {
                    id: incident.id.clone(),
                })
            }
            other => other,
        }
    }

    fn save(&self, incident: &Incident, placement: Placement) -> Result<()> {
        let path = self.document_path(&incident.id);
        check_readable_back(incident).map_err(|reason| Error::NotReadableBack {
            path: path.clone(),
            reason,
        })?;
        let bytes = document_bytes(incident);
        let write = AtomicWrite {
            target: &path,
            // One temp name per incident: saves of it take turns under its lock, and one
            // left by a killed writer is simply replaced by the next save.
            temp: self.incidents_dir().join(format!(".{}.tmp", incident.id)),
            mode: FILE_MODE,
            placement,
            durability: Durability::Synced,
        };
        if let Some(warning) = write.write(&bytes)? {
            self.warn(warning);
        }
        self.saved.set(true);
        Ok(())
    }

    pub fn exists(&self, id: &str) -> bool {
        self.document_path(id).exists()
    }

    /// A document's bytes as stored, unparsed.
    pub(super) fn raw_document(&self, id: &str) -> Result<Vec<u8>> {
        read_regular(&self.document_path(id), MAX_DOCUMENT_BYTES)
    }

    /// Like `update`, but `change` decides from the incident as it is now whether to
    /// write anything: `None` leaves the document as it was.
    pub(super) fn replace(
        &self,
        id: &str,
        change: impl FnOnce(Incident) -> Result<Option<Incident>>,
    ) -> Result<Option<Incident>> {
        self.check_incidents_dir()?;
        let lock = self.lock(id)?;
        let current = self.load(id)?;
        let Some(mut incident) = change(current)? else {
            return Ok(None);
        };
        incident.schema = SCHEMA;
        self.save(&incident, Placement::Replace)?;
        drop(lock);
        Ok(Some(incident))
    }

    /// Removes a document whose every entry is safely saved under another id (a sync
    /// renaming an incident), with its lock held (`_held`) since it was last read. The
    /// lock file stays: it is never replaced or removed.
    pub(super) fn remove(&self, id: &str, _held: &File) -> Result<()> {
        let path = self.document_path(id);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::io(path, source)),
        }
        super::atomic::sync_dir(&self.incidents_dir())
    }
}

/// A document as saved: compact JSON and a newline. The same bytes are pushed to a
/// remote, so every machine that synced holds byte-identical documents.
pub(super) fn document_bytes(incident: &Incident) -> Vec<u8> {
    // Compact: half the bytes to write and sync of a pretty document. People read
    // incidents through the JSON report, which is pretty.
    let mut bytes = serde_json::to_vec(incident)
        .expect("an incident always serializes: it holds only strings, numbers and lists");
    bytes.push(b'\n');
    bytes
}

/// What a save must check so that `load` reads back what it writes, without a second
/// full parse (that would double the cost of a save at 10,000 entries, and `bench/run`
/// holds a save at 50 entries within a third of a millisecond of the bare minimum).
/// Serializing an `Incident` and parsing it back is the identity for everything but one
/// thing: strings, numbers, uuids and labels round-trip as they are, `validate`'s label
/// rules are kept by the model on every change, and the id names the file. Times are the
/// exception: a time before year 0 or after 9999 (a time typed, or a test command's result at the
/// edge of the calendar) is written as `+10000-…`, which RFC 3339 and so `load` refuse.
fn check_readable_back(incident: &Incident) -> std::result::Result<(), String> {
    let readable = |time: &DateTime<Utc>| (0..=9999).contains(&time.year());
    let times = std::iter::once(&incident.opened_at)
        .chain(
            incident
                .lifecycle
                .iter()
                .flat_map(|change| [&change.at, &change.recorded_at]),
        )
        .chain(
            incident
                .marks
                .iter()
                .flat_map(|mark| [&mark.at, &mark.recorded_at]),
        )
        .chain(
            incident
                .entries
                .iter()
                .flat_map(|entry| [&entry.at, &entry.recorded_at]),
        );
    for time in times {
        if !readable(time) {
            return Err(format!(
                "the time {} is outside the years 0000 to 9999 that a document can hold",
                time.to_rfc3339()
            ));
        }
    }
    if !id::is_valid(&incident.id) {
        return Err(format!("{:?} is not a valid incident id", incident.id));
    }
    Ok(())
}

/// Reads a document, telling apart the ways a file can be unusable so the user knows
/// what happened to it.
pub(super) fn parse_document(bytes: &[u8], path: &Path, id: &str) -> Result<Incident> {
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
            // A merge names the other incident, which a command may then read.
            if let Some(other) = (incident.marks.iter())
                .filter_map(|mark| mark.incident.as_deref())
                .find(|other| !id::is_valid(other))
            {
                return Err(damaged(format!(
                    "a merge names {other:?}, not an incident id"
                )));
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Stamp;
    use proptest::prelude::*;

    fn store() -> Store {
        Store::at(PathBuf::from("/data"))
    }

    fn sample_document() -> Vec<u8> {
        let at = "2026-11-21T03:30:00Z".parse().expect("a time");
        let stamp = Stamp {
            uuid: uuid::Uuid::nil(),
            at,
            recorded_at: at,
            by: "ana".into(),
            key: false,
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
                    key: false,
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
