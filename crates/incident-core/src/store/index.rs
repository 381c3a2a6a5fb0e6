//! `<data dir>/search-index`: every incident's searchable text, folded into terms
//! (`search::Folded`), keyed like the list cache by what tells its document
//! changed, so `search` reads one file instead of parsing thousands of documents. Never
//! trusted over a document: an incident's folded text is used only for a document with
//! the same inode, size, modification and change times, and what a search shows is read
//! from the documents themselves.
//!
//! Its own compact format, because parsing 10,000 incidents' text as JSON would cost more
//! than reading the documents: a header line and version, then per incident its id, file
//! key, item and term counts and folded text (ASCII), lengths little-endian. Anything
//! else, or a file that ends early, is ignored and rebuilt.

use std::collections::HashMap;
use std::ffi::OsStr;

use super::atomic::{
    AtomicWrite, Durability, Placement, read_regular, sweep_stale_temps, temp_path,
};
use super::bytes::{Reader, push_u32};
use super::cache::FileKey;
use super::documents::Listing;
use super::{FILE_MODE, Store};
use crate::error::{Error, Result};
use crate::id;
use crate::search::Folded;

const MAGIC: &[u8] = b"incident search index\n";
const VERSION: u32 = 2;
const FILE_NAME: &str = "search-index";

/// The largest index read: 10,000 incidents of 100 entries make about 80 MB.
const MAX_INDEX_BYTES: u64 = 1024 * 1024 * 1024;

/// One incident's folded text: in the file as read, or folded afresh.
enum Text {
    Read(std::ops::Range<usize>),
    Fresh(String),
}

pub struct Indexed {
    pub id: String,
    pub items: usize,
    pub terms: usize,
    text: Text,
}

/// Every readable incident's folded text.
pub struct SearchIndex {
    /// The index file as read. Read, never mapped: a mapped file that something truncates
    /// in place (an editor, `> search-index`, a full disk's repair) kills the process
    /// with SIGBUS on the next access, while a read file is only a short one, which
    /// `parse` refuses and the search rebuilds.
    bytes: Vec<u8>,
    pub incidents: Vec<Indexed>,
}

impl SearchIndex {
    pub fn text<'a>(&'a self, indexed: &'a Indexed) -> &'a str {
        match &indexed.text {
            // Checked to be ASCII when read.
            Text::Read(range) => std::str::from_utf8(&self.bytes[range.clone()]).unwrap_or(""),
            Text::Fresh(text) => text,
        }
    }
}

/// Reads the records of an index file, or nothing if it is not one of ours.
fn parse(bytes: &[u8]) -> Option<HashMap<String, (FileKey, Indexed)>> {
    let mut reader = Reader::new(bytes);
    if reader.take(MAGIC.len())? != MAGIC || reader.u32()? != VERSION {
        return None;
    }
    let count = reader.u32()? as usize;
    let mut records = HashMap::with_capacity(count.min(1 << 20));
    for _ in 0..count {
        let id_length = reader.u32()? as usize;
        let id = std::str::from_utf8(reader.take(id_length)?).ok()?;
        let key = FileKey::from_bytes(reader.take(FileKey::BYTES)?.try_into().ok()?);
        let items = reader.u32()? as usize;
        let terms = reader.u32()? as usize;
        let length = reader.u32()? as usize;
        let start = reader.at();
        if !id::is_valid(id) || !reader.take(length)?.is_ascii() {
            return None;
        }
        let indexed = Indexed {
            id: id.to_string(),
            items,
            terms,
            text: Text::Read(start..start + length),
        };
        records.insert(id.to_string(), (key, indexed));
    }
    reader.at_end().then_some(records)
}

impl Store {
    /// Every readable incident's folded text, and an error for each one that is not.
    /// Incidents whose documents changed since the index was written are read and folded
    /// again, and the index rewritten.
    pub fn search_index(&self) -> Result<(SearchIndex, Vec<Error>)> {
        let path = self.root.join(FILE_NAME);
        // Reading the index (tens of MB) and checking every document's key (thousands
        // of stats) are each most of a search's time: done side by side when there are
        // many documents.
        let read = || read_regular(&path, MAX_INDEX_BYTES).unwrap_or_default();
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
        super::failpoint("search-index-read");
        let mut read = parse(&bytes).unwrap_or_default();
        let mut changed = read.len() != documents.len();
        let mut incidents = Vec::with_capacity(documents.len());
        let mut keys = Vec::with_capacity(documents.len());
        let mut failures = Vec::new();
        for (id, key) in documents {
            match (read.remove(&id), key) {
                (Some((read_key, indexed)), Some(key)) if read_key == key => {
                    incidents.push(indexed);
                    keys.push(Some(key));
                }
                (_, key) => {
                    changed = true;
                    match self.load(&id) {
                        Ok(incident) => {
                            let folded = Folded::of(&incident);
                            incidents.push(Indexed {
                                id,
                                items: folded.items,
                                terms: folded.terms,
                                text: Text::Fresh(folded.text),
                            });
                            keys.push(key);
                        }
                        Err(error) => failures.push(error),
                    }
                }
            }
        }
        let index = SearchIndex { bytes, incidents };
        if changed && self.incidents_dir().is_dir() {
            self.write_search_index(&index, &keys);
        }
        Ok((index, failures))
    }

    /// A failure to write the index only costs the next search.
    fn write_search_index(&self, index: &SearchIndex, keys: &[Option<FileKey>]) {
        let kept: Vec<(&Indexed, FileKey)> = index
            .incidents
            .iter()
            .zip(keys)
            .filter_map(|(indexed, key)| key.map(|key| (indexed, key)))
            .collect();
        let size: usize = kept
            .iter()
            .map(|(indexed, _)| index.text(indexed).len() + indexed.id.len() + 64)
            .sum();
        let mut out = Vec::with_capacity(MAGIC.len() + 8 + size);
        out.extend_from_slice(MAGIC);
        push_u32(&mut out, VERSION as usize);
        push_u32(&mut out, kept.len());
        for (indexed, key) in kept {
            push_u32(&mut out, indexed.id.len());
            out.extend_from_slice(indexed.id.as_bytes());
            out.extend_from_slice(&key.to_bytes());
            push_u32(&mut out, indexed.items);
            push_u32(&mut out, indexed.terms);
            let text = index.text(indexed);
            push_u32(&mut out, text.len());
            out.extend_from_slice(text.as_bytes());
        }
        let purpose = OsStr::new(FILE_NAME);
        sweep_stale_temps(&self.root, purpose);
        let write = AtomicWrite {
            target: &self.root.join(FILE_NAME),
            temp: temp_path(&self.root, purpose),
            mode: FILE_MODE,
            placement: Placement::Replace,
            durability: Durability::Cache,
        };
        let _ = write.write(&out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic_the_reader(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let mut file = MAGIC.to_vec();
            file.extend_from_slice(&VERSION.to_le_bytes());
            file.extend_from_slice(&bytes);
            let _ = parse(&file);
            let _ = parse(&bytes);
        }
    }
}
