//! `<data dir>/list-cache`: what `list` shows of each incident, and what `stats` and
//! "seen before" need of it, keyed by what tells its document changed. Never trusted over
//! a document: a summary is used only for a document with the same inode, size,
//! modification and change times, and only if it could be what a document says.
//!
//! Its own compact format (`crate::bytes`), because parsing it as JSON was most of `list`'s
//! time: a header line, the version, the count and the length of the first two sections;
//! then three sections, each holding every incident in the order of their ids: the rows
//! (id, file key and what `list` shows), what the statistics count, and what each is
//! remembered by. A reader reads the file only as far as the sections it needs
//! (`Detail::SECTIONS`): `list` reads the rows alone, a third of the file. Anything else,
//! or a file that ends early, is ignored and rebuilt.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fs;

use chrono::{DateTime, Datelike, Utc};
use uuid::Uuid;

use super::atomic::{
    AtomicWrite, Durability, Placement, read_regular, read_regular_prefix, sweep_stale_temps,
    temp_path,
};
use super::documents::Listing;
use super::{FILE_MODE, Store};
use crate::bytes::{Reader, push_block, push_bool, push_i64, push_option, push_u32};
use crate::error::{Error, Result};
use crate::id;
use crate::model::{Facts, Measure, PerMeasure, Severity, Stage, Status, check_text};
use crate::search::Memory;
use crate::summary::{Summarized, Summary};

const MAGIC: &[u8] = b"incident list cache\n";
/// 3: the facts hold the time to the first update, which a cache of 2 lacks. 4: a past
/// incident's memory holds the pairs of words it says side by side.
const VERSION: u32 = 4;
const FILE_NAME: &str = "list-cache";
/// Where earlier versions kept it, as JSON: removed when the cache is written, with any
/// temp file a kill left of it.
const OLD_FILE_NAME: &str = "list-cache.json";

/// Fewer bytes than the smallest entry a document can hold (its label, kind, uuid, two
/// times, author and text fields alone take more).
const MIN_ENTRY_BYTES: u64 = 64;

/// The largest cache read: 10,000 incidents make about 5 MB. A bigger one is ignored.
const MAX_CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// Whether a cached row could be what `Summary::of` made for the document filed under
/// `id`: the cache is a file anyone with the folder can write, so what it says is held
/// to what a document could say before `list` shows it (and each `Detail` holds its own
/// part to the same).
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
}

/// What tells a document changed: a save replaces the file (new inode), and an edit in
/// place changes its size or modification time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// How far into the cache a reader reads: the rows, then what the statistics count, then
/// what each incident is remembered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sections {
    Rows,
    Facts,
    All,
}

/// What a reader of the summaries needs of each incident beyond its row: nothing (`()`,
/// for `list`), what the statistics count (`Facts`) or what "seen before" compares
/// (`Option<Memory>`). The cache is read as far as its section, and decodes that alone.
pub trait Detail: Sized {
    /// The sections of the cache it is read from.
    const SECTIONS: Sections;

    /// The part as the cache holds it, or `None` when it could not be what a document
    /// says of an incident with this row: the document is read again.
    fn from_cache(summary: &Summary, blocks: &Blocks<'_>) -> Option<Self>;

    /// The part, from a document just read.
    fn from_document(summarized: &Summarized) -> Self;
}

impl Detail for () {
    const SECTIONS: Sections = Sections::Rows;

    fn from_cache(_: &Summary, _: &Blocks<'_>) -> Option<()> {
        Some(())
    }

    fn from_document(_: &Summarized) {}
}

impl Detail for Facts {
    const SECTIONS: Sections = Sections::Facts;

    fn from_cache(summary: &Summary, blocks: &Blocks<'_>) -> Option<Facts> {
        let mut reader = Reader::new(&blocks.facts);
        let mut durations = PerMeasure::default();
        for _ in 0..reader.u8()? {
            let measure = Measure::by_key(reader.str()?)?;
            let seconds = reader.i64()?;
            if !Measure::ACROSS_INCIDENTS.contains(&measure)
                || seconds < 0
                || durations[measure].replace(seconds).is_some()
            {
                return None;
            }
        }
        let facts = Facts {
            durations,
            hypotheses: reader.u32()? as usize,
            tests: reader.u32()? as usize,
            root_cause_recorded: reader.bool()?,
        };
        (reader.at_end() && facts.hypotheses + facts.tests <= summary.entries).then_some(facts)
    }

    fn from_document(summarized: &Summarized) -> Facts {
        summarized.facts.clone()
    }
}

impl Detail for Option<Memory> {
    const SECTIONS: Sections = Sections::All;

    fn from_cache(summary: &Summary, blocks: &Blocks<'_>) -> Option<Option<Memory>> {
        let mut reader = Reader::new(&blocks.memory);
        let text = |reader: &mut Reader<'_>| reader.str().map(str::to_string);
        let memory = reader.option(|reader| {
            Some(Memory {
                terms: text(reader)?,
                length: reader.u32()?,
            })
        })?;
        (reader.at_end() && (summary.status == Status::Closed) == memory.is_some())
            .then_some(memory)
    }

    fn from_document(summarized: &Summarized) -> Option<Memory> {
        summarized.memory.clone()
    }
}

/// What the statistics count and what the incident is remembered by, encoded, as the
/// cache holds them: read from it (empty when its section was not read), or encoded from
/// a document just read.
pub struct Blocks<'a> {
    facts: Cow<'a, [u8]>,
    memory: Cow<'a, [u8]>,
}

impl Blocks<'_> {
    fn of(summarized: &Summarized) -> Blocks<'static> {
        let mut facts = Vec::with_capacity(64);
        let durations: Vec<(Measure, &i64)> = summarized.facts.durations.iter().collect();
        facts.push(durations.len() as u8);
        for (measure, seconds) in durations {
            push_block(&mut facts, measure.key().as_bytes());
            push_i64(&mut facts, *seconds);
        }
        push_u32(&mut facts, summarized.facts.hypotheses);
        push_u32(&mut facts, summarized.facts.tests);
        push_bool(&mut facts, summarized.facts.root_cause_recorded);
        let mut memory = Vec::new();
        let text = |out: &mut Vec<u8>, text: &String| push_block(out, text.as_bytes());
        push_option(&mut memory, summarized.memory.as_ref(), |out, memory| {
            text(out, &memory.terms);
            push_u32(out, memory.length as usize);
        });
        Blocks {
            facts: Cow::Owned(facts),
            memory: Cow::Owned(memory),
        }
    }
}

/// Every readable incident's summary with the detail asked for, and an error for each
/// incident that could not be read.
pub type Summaries<D> = (Vec<(Summary, D)>, Vec<Error>);

/// One incident as the cache holds it.
struct Cached<'a> {
    id: &'a str,
    key: FileKey,
    summary: Summary,
    blocks: Blocks<'a>,
}

fn read_time(reader: &mut Reader<'_>) -> Option<DateTime<Utc>> {
    let seconds = reader.i64()?;
    let nanos = reader.u32()?;
    DateTime::from_timestamp(seconds, nanos)
}

fn push_time(out: &mut Vec<u8>, time: DateTime<Utc>) {
    push_i64(out, time.timestamp());
    push_u32(out, time.timestamp_subsec_nanos() as usize);
}

fn read_severity(reader: &mut Reader<'_>) -> Option<Option<Severity>> {
    match reader.u8()? {
        0 => Some(None),
        number => Severity::new(number).map(Some),
    }
}

fn push_severity(out: &mut Vec<u8>, severity: Option<Severity>) {
    out.push(severity.map_or(0, Severity::number));
}

/// One incident's row, its blocks not yet read.
fn read_row<'a>(reader: &mut Reader<'a>) -> Option<Cached<'a>> {
    let id = reader.str()?;
    let key = FileKey::from_bytes(reader.array()?);
    let summary = Summary {
        id: id.to_string(),
        uuid: Uuid::from_bytes(reader.array()?),
        title: reader.str()?.to_string(),
        status: if reader.bool()? {
            Status::Closed
        } else {
            Status::Open
        },
        opened_at: read_time(reader)?,
        closed_at: reader.option(read_time)?,
        severity: read_severity(reader)?,
        peak_severity: read_severity(reader)?,
        stage: *Stage::ALL.get(usize::from(reader.u8()?))?,
        entries: reader.u32()? as usize,
        merged_into: reader.option(|reader| reader.str().map(str::to_string))?,
        discarded: reader.bool()?,
    };
    let blocks = Blocks {
        facts: Cow::Borrowed(&[]),
        memory: Cow::Borrowed(&[]),
    };
    Some(Cached {
        id,
        key,
        summary,
        blocks,
    })
}

fn push_row(out: &mut Vec<u8>, key: FileKey, summary: &Summary) {
    push_block(out, summary.id.as_bytes());
    out.extend_from_slice(&key.to_bytes());
    out.extend_from_slice(summary.uuid.as_bytes());
    push_block(out, summary.title.as_bytes());
    push_bool(out, summary.status == Status::Closed);
    push_time(out, summary.opened_at);
    push_option(out, summary.closed_at, push_time);
    push_severity(out, summary.severity);
    push_severity(out, summary.peak_severity);
    let stage = Stage::ALL.iter().position(|stage| *stage == summary.stage);
    out.push(stage.unwrap_or(0) as u8);
    push_u32(out, summary.entries);
    push_option(out, summary.merged_into.as_ref(), |out, into| {
        push_block(out, into.as_bytes())
    });
    push_bool(out, summary.discarded);
}

/// The bytes of the first header fields: the magic line, the version, the count and the
/// lengths of the rows and of the facts.
const HEADER: usize = MAGIC.len() + 16;

/// How many bytes from the start of the file hold `sections`, as its header says; `None`
/// for a header that is not ours.
fn extent(header: &[u8], sections: Sections) -> Option<u64> {
    let mut reader = Reader::new(header);
    if reader.take(MAGIC.len())? != MAGIC || reader.u32()? != VERSION {
        return None;
    }
    let _count = reader.u32()?;
    let (rows, facts) = (u64::from(reader.u32()?), u64::from(reader.u32()?));
    match sections {
        Sections::Rows => Some(HEADER as u64 + rows),
        Sections::Facts => Some(HEADER as u64 + rows + facts),
        Sections::All => None,
    }
}

/// A cache file holding `records`, each with its key and blocks, in the order given.
fn encode(records: &[(&Summary, FileKey, &Blocks<'_>)]) -> Vec<u8> {
    let mut rows = Vec::with_capacity(records.len() * 160);
    let mut facts = Vec::with_capacity(records.len() * 64);
    let mut memory = Vec::with_capacity(records.len() * 256);
    for (summary, key, blocks) in records {
        push_row(&mut rows, *key, summary);
        push_block(&mut facts, &blocks.facts);
        push_block(&mut memory, &blocks.memory);
    }
    let mut out = Vec::with_capacity(HEADER + rows.len() + facts.len() + memory.len());
    out.extend_from_slice(MAGIC);
    push_u32(&mut out, VERSION as usize);
    push_u32(&mut out, records.len());
    push_u32(&mut out, rows.len());
    push_u32(&mut out, facts.len());
    out.extend_from_slice(&rows);
    out.extend_from_slice(&facts);
    out.extend_from_slice(&memory);
    out
}

/// The records of a cache file, or of its start as far as `sections`, sorted by id as
/// written, or nothing if it is not one of ours (or not sorted: the merge with the
/// folder's listing needs the order).
fn parse(bytes: &[u8], sections: Sections) -> Option<Vec<Cached<'_>>> {
    let mut reader = Reader::new(bytes);
    if reader.take(MAGIC.len())? != MAGIC || reader.u32()? != VERSION {
        return None;
    }
    let count = reader.u32()? as usize;
    let (rows_length, facts_length) = (reader.u32()? as usize, reader.u32()? as usize);
    let mut rows = Reader::new(reader.take(rows_length)?);
    // Each row takes well over 64 bytes: a count the file has no room for is a lie.
    let mut records = Vec::with_capacity(count.min(rows_length / 64));
    for _ in 0..count {
        records.push(read_row(&mut rows)?);
    }
    if !rows.at_end() || !records.is_sorted_by(|a, b| a.id < b.id) {
        return None;
    }
    if sections >= Sections::Facts {
        let mut facts = Reader::new(reader.take(facts_length)?);
        for record in &mut records {
            record.blocks.facts = Cow::Borrowed(facts.block()?);
        }
        if !facts.at_end() {
            return None;
        }
    }
    if sections == Sections::All {
        for record in &mut records {
            record.blocks.memory = Cow::Borrowed(reader.block()?);
        }
        if !reader.at_end() {
            return None;
        }
    }
    Some(records)
}

/// The summaries, when the cache holds every document unchanged: the common case, with
/// no document to read and nothing to write.
fn unchanged<'a, D: Detail>(
    cached: Vec<Cached<'a>>,
    documents: &[(String, Option<FileKey>)],
) -> Option<Vec<(Summary, D)>> {
    if cached.len() != documents.len() {
        return None;
    }
    cached
        .into_iter()
        .zip(documents)
        .map(|(record, (id, key))| {
            let holds = record.id == id
                && Some(record.key) == *key
                && could_describe(&record.summary, id, &record.key);
            let detail = D::from_cache(&record.summary, &record.blocks).filter(|_| holds)?;
            Some((record.summary, detail))
        })
        .collect()
}

impl Store {
    /// What `list` shows of every readable incident, and an error for each one that is
    /// not. Summaries come from the cache for documents unchanged since they were
    /// summarized; any other document is read again. A cache that cannot be read is
    /// simply rebuilt.
    pub fn summaries(&self) -> Result<(Vec<Summary>, Vec<Error>)> {
        let (summaries, failures) = self.summaries_with::<()>()?;
        let summaries = summaries.into_iter().map(|(summary, ())| summary).collect();
        Ok((summaries, failures))
    }

    /// [`Store::summaries`], each with the `Detail` asked for.
    pub fn summaries_with<D: Detail>(&self) -> Result<Summaries<D>> {
        let path = self.root.join(FILE_NAME);
        // Reading the cache and checking every document's key (thousands of stats) are
        // done side by side when there are many. A cache that is not a regular file, too
        // big or unreadable is ignored, and the rename of the rebuilt one replaces it.
        let read = || {
            read_regular_prefix(&path, MAX_CACHE_BYTES, HEADER, |header| {
                extent(header, D::SECTIONS)
            })
            .unwrap_or_default()
        };
        let listing = self.listing()?;
        let (bytes, documents) = if listing.len() < Listing::PARALLEL_FROM {
            (read(), listing.keyed())
        } else {
            std::thread::scope(|scope| {
                let reading = scope.spawn(read);
                let documents = listing.keyed();
                (reading.join().unwrap_or_default(), documents)
            })
        };
        if let Some(summaries) =
            parse(&bytes, D::SECTIONS).and_then(|cached| unchanged::<D>(cached, &documents))
        {
            return Ok((summaries, Vec::new()));
        }
        // Some document changed: what still holds is kept, every section of it, so the
        // cache is read whole (as it is now: it may have been rewritten meanwhile).
        let bytes = match D::SECTIONS {
            Sections::All => bytes,
            _ => read_regular(&path, MAX_CACHE_BYTES).unwrap_or_default(),
        };
        let cached = parse(&bytes, Sections::All).unwrap_or_default();
        let mut changed = cached.len() != documents.len();
        let mut summaries = Vec::with_capacity(documents.len());
        let mut kept = Vec::with_capacity(documents.len());
        let mut failures = Vec::new();
        let mut cached = cached.into_iter().peekable();
        for (id, key) in documents {
            // Both are sorted by id: this document's record, if the cache has one, is next.
            while cached.next_if(|record| record.id < id.as_str()).is_some() {}
            let hit = cached
                .next_if(|record| record.id == id)
                .filter(|record| {
                    Some(record.key) == key && could_describe(&record.summary, &id, &record.key)
                })
                .and_then(|record| {
                    let detail = D::from_cache(&record.summary, &record.blocks)?;
                    Some((record, detail))
                });
            if let Some((record, detail)) = hit {
                summaries.push((record.summary, detail));
                kept.push(Some((record.key, record.blocks)));
                continue;
            }
            changed = true;
            match self.load(&id) {
                Ok(incident) => {
                    let summarized = Summary::of(&incident);
                    let detail = D::from_document(&summarized);
                    kept.push(key.map(|key| (key, Blocks::of(&summarized))));
                    summaries.push((summarized.summary, detail));
                }
                Err(error) => failures.push(error),
            }
        }
        if changed && self.incidents_dir().is_dir() {
            self.write_cache(&summaries, &kept);
        }
        Ok((summaries, failures))
    }

    /// A failure to write the cache only costs the next `list`.
    fn write_cache<D>(&self, summaries: &[(Summary, D)], kept: &[Option<(FileKey, Blocks<'_>)>]) {
        let records: Vec<(&Summary, FileKey, &Blocks<'_>)> = summaries
            .iter()
            .zip(kept)
            .filter_map(|((summary, _), kept)| {
                let (key, blocks) = kept.as_ref()?;
                Some((summary, *key, blocks))
            })
            .collect();
        let out = encode(&records);
        let purpose = OsStr::new(FILE_NAME);
        sweep_stale_temps(&self.root, purpose);
        let write = AtomicWrite {
            target: &self.root.join(FILE_NAME),
            temp: temp_path(&self.root, purpose),
            mode: FILE_MODE,
            placement: Placement::Replace,
            durability: Durability::Cache,
        };
        if write.write(&out).is_ok() {
            let _ = fs::remove_file(self.root.join(OLD_FILE_NAME));
            sweep_stale_temps(&self.root, OsStr::new(OLD_FILE_NAME));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Incident, Stamp};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic_the_reader(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let mut file = MAGIC.to_vec();
            file.extend_from_slice(&VERSION.to_le_bytes());
            file.extend_from_slice(&bytes);
            for sections in [Sections::Rows, Sections::Facts, Sections::All] {
                let _ = parse(&file, sections);
                let _ = parse(&bytes, sections);
                let _ = extent(&file, sections);
            }
        }
    }

    /// A store holding one open incident, "db down", with its cache written.
    fn store_with_one_incident() -> (tempfile::TempDir, Store, String) {
        let folder = tempfile::tempdir().expect("a temp folder");
        let store = Store::at(folder.path().join("data"));
        let at = "2026-11-21T03:30:00Z".parse().expect("a time");
        let stamp = Stamp {
            uuid: Uuid::nil(),
            at,
            recorded_at: at,
            by: "ana".into(),
            key: false,
        };
        let incident = Incident::new("2026-11-21-db-down".into(), "db down".into(), stamp);
        store.create(&incident).expect("created");
        store.summaries().expect("listed");
        (folder, store, incident.id)
    }

    /// Rewrites the one record of the cache as `forge` makes it, the document's key kept.
    fn forge(store: &Store, forge: impl FnOnce(&mut Summary, &mut Blocks<'static>)) {
        let path = store.root.join(FILE_NAME);
        let bytes = fs::read(&path).expect("the cache");
        let mut records = parse(&bytes, Sections::All).expect("a cache of ours");
        let record = records.pop().expect("one record");
        let mut summary = record.summary;
        let mut blocks = Blocks {
            facts: Cow::Owned(record.blocks.facts.into_owned()),
            memory: Cow::Owned(record.blocks.memory.into_owned()),
        };
        forge(&mut summary, &mut blocks);
        fs::write(&path, encode(&[(&summary, record.key, &blocks)])).expect("forged");
    }

    #[track_caller]
    fn tells_the_truth(store: &Store, id: &str) {
        let (summaries, failures) = store.summaries().expect("listed");
        assert!(failures.is_empty());
        let [summary] = &summaries[..] else {
            panic!("one summary: {summaries:?}")
        };
        assert_eq!(summary.id, id);
        assert_eq!(summary.title, "db down");
        assert_eq!(summary.status, Status::Open);
        assert_eq!(summary.closed_at, None);
        assert_eq!((summary.severity, summary.peak_severity), (None, None));
        assert_eq!(summary.stage, Stage::Investigating);
        assert_eq!(summary.entries, 0);
    }

    #[test]
    fn a_written_cache_reads_back_with_every_part() {
        let (_folder, store, id) = store_with_one_incident();
        tells_the_truth(&store, &id);
        let (with_facts, _) = store.summaries_with::<Facts>().expect("listed");
        assert_eq!(with_facts[0].1, Facts::default());
        let (with_memory, _) = store.summaries_with::<Option<Memory>>().expect("listed");
        assert_eq!(with_memory[0].1, None);
    }

    #[test]
    fn the_json_cache_of_earlier_versions_goes_when_the_cache_is_written() {
        let (_folder, store, id) = store_with_one_incident();
        let old = store.root.join(OLD_FILE_NAME);
        fs::write(&old, "{}").expect("an old cache");
        fs::remove_file(store.root.join(FILE_NAME)).expect("the cache");
        tells_the_truth(&store, &id);
        assert!(store.root.join(FILE_NAME).is_file());
        assert!(!old.exists());
    }

    #[test]
    fn a_cache_rewritten_by_list_keeps_every_section_of_what_still_holds() {
        let (_folder, store, _) = store_with_one_incident();
        let at = "2026-11-21T04:00:00Z".parse().expect("a time");
        let stamp = Stamp {
            uuid: Uuid::nil(),
            at,
            recorded_at: at,
            by: "ben".into(),
            key: false,
        };
        store
            .create(&Incident::new("2026-11-21-api".into(), "api".into(), stamp))
            .expect("created");
        // `list` reads the rows alone; a new document makes it write the cache again.
        let (summaries, _) = store.summaries().expect("listed");
        assert_eq!(summaries.len(), 2);
        let bytes = fs::read(store.root.join(FILE_NAME)).expect("the cache");
        let records = parse(&bytes, Sections::All).expect("a cache of ours");
        assert_eq!(records.len(), 2);
        for record in &records {
            assert!(Facts::from_cache(&record.summary, &record.blocks).is_some());
            assert!(<Option<Memory>>::from_cache(&record.summary, &record.blocks).is_some());
        }
        // And `list` reads no further than the rows.
        let rows = extent(&bytes, Sections::Rows).expect("a header of ours");
        assert!(rows < extent(&bytes, Sections::Facts).expect("a header of ours"));
        assert_eq!(
            parse(&bytes[..rows as usize], Sections::Rows).map(|rows| rows.len()),
            Some(2)
        );
    }

    #[test]
    fn a_forged_cache_cannot_make_list_lie_or_reach_the_terminal() {
        let (_folder, store, id) = store_with_one_incident();
        forge(&store, |summary, _| {
            summary.id = "\u{1b}]0;pwned\u{7}\u{1b}[2J".into();
            summary.title = "all good, nothing happened".into();
            summary.status = Status::Closed;
            summary.closed_at = Some(summary.opened_at);
        });
        tells_the_truth(&store, &id);

        // The right id, a different story: a title no document could hold.
        forge(&store, |summary, _| summary.title = "  ".into());
        tells_the_truth(&store, &id);

        // Plausible fields in an impossible combination: a severity with no peak, a peak
        // with no severity, more entries than the document has room for.
        type Forgery = fn(&mut Summary);
        let forgeries: [Forgery; 3] = [
            |summary| summary.severity = Severity::new(1),
            |summary| summary.peak_severity = Severity::new(2),
            |summary| summary.entries = 999,
        ];
        for forgery in forgeries {
            forge(&store, |summary, _| {
                summary.title = "db fine".into();
                forgery(summary);
            });
            tells_the_truth(&store, &id);
        }
    }

    #[test]
    fn a_forged_part_is_read_from_the_document_instead() {
        let (_folder, store, _) = store_with_one_incident();
        // More hypotheses than entries.
        forge(&store, |summary, blocks| {
            let summarized = Summarized {
                summary: summary.clone(),
                facts: Facts {
                    hypotheses: 3,
                    ..Facts::default()
                },
                memory: None,
            };
            blocks.facts = Blocks::of(&summarized).facts;
        });
        let (with_facts, _) = store.summaries_with::<Facts>().expect("listed");
        assert_eq!(with_facts[0].1, Facts::default());

        // A memory for an incident still open.
        forge(&store, |summary, blocks| {
            let summarized = Summarized {
                summary: summary.clone(),
                facts: Facts::default(),
                memory: Some(Memory::default()),
            };
            blocks.memory = Blocks::of(&summarized).memory;
        });
        let (with_memory, _) = store.summaries_with::<Option<Memory>>().expect("listed");
        assert_eq!(with_memory[0].1, None);
    }
}
