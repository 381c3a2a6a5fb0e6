//! `<data dir>/search-index`: for every term of every incident's searchable texts, where
//! each incident says it (`search::postings`), each incident keyed like the list cache
//! by what tells its document changed, so `search` reads the postings of its own terms
//! instead of parsing thousands of documents or scanning all their text. Never trusted
//! over a document: the index is used only when every incident in it has a document with
//! the same inode, size, modification and change times, and no other document exists;
//! what a search shows is read from the documents themselves.
//!
//! Only the head (the incidents, their keys, the terms) is read whole; the postings a
//! search needs are read from the same open file as it needs them, each checked by its
//! checksum. A file that is not one of ours, or damaged, or cut short, is rebuilt from
//! the documents (`rebuilt_search_index`).

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fs::File;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::atomic::{
    AtomicWrite, Durability, Placement, open_regular, sweep_stale_temps, temp_path,
};
use super::cache::FileKey;
use super::documents::Listing;
use super::{FILE_MODE, Store};
use crate::error::{Error, Result};
use crate::search::add_incident;
use crate::search::postings::{
    Builder, HEAD_LENGTH_BYTES, Index, Origin, Source, head_length, merge,
};

const FILE_NAME: &str = "search-index";

/// The largest index read: 10,000 incidents of 100 entries make about 30 MB.
const MAX_INDEX_BYTES: u64 = 1024 * 1024 * 1024;

/// What follows the head of an index file, read from the file opened for the head: a
/// file put in its place since is not mixed in.
struct Rest {
    file: File,
    from: u64,
    length: u64,
}

impl Source for Rest {
    fn length(&self) -> u64 {
        self.length
    }

    fn read(&self, range: Range<u64>) -> Option<Cow<'_, [u8]>> {
        // Only what the file holds: room is made for what is read.
        if range.end > self.length {
            return None;
        }
        let length = usize::try_from(range.end.checked_sub(range.start)?).ok()?;
        let mut bytes = vec![0; length];
        self.file
            .read_exact_at(&mut bytes, self.from.checked_add(range.start)?)
            .ok()?;
        Some(Cow::Owned(bytes))
    }
}

/// The head of the index file and the file, or nothing if there is none of ours.
fn read_head(path: &Path) -> Option<Index> {
    let (file, length) = open_regular(path, MAX_INDEX_BYTES).ok()?;
    let mut start = vec![0; HEAD_LENGTH_BYTES];
    file.read_exact_at(&mut start, 0).ok()?;
    let head_length = head_length(&start)?;
    if head_length > length as u64 {
        return None;
    }
    let mut head = vec![0; usize::try_from(head_length).ok()?];
    file.read_exact_at(&mut head, 0).ok()?;
    Index::read(
        head,
        Box::new(Rest {
            file,
            from: head_length,
            length: length as u64 - head_length,
        }),
    )
}

impl Store {
    /// The search index of every readable incident, and an error for each one that is
    /// not. When any document changed since the index was written (or it is missing or
    /// damaged), the index is rebuilt, reading again only the documents that changed, and
    /// rewritten.
    pub fn search_index(&self) -> Result<(Index, Vec<Error>)> {
        // Reading the index's head and checking every document's key (thousands of
        // stats) are done side by side when there are many documents.
        let path = self.root.join(FILE_NAME);
        let listing = self.listing()?;
        let (read, documents) = if listing.len() < Listing::PARALLEL_FROM {
            (read_head(&path), listing.keyed())
        } else {
            std::thread::scope(|scope| {
                let reading = scope.spawn(|| read_head(&path));
                let documents = listing.keyed();
                (reading.join().ok().flatten(), documents)
            })
        };
        super::failpoint("search-index-read");
        if let Some(index) = &read {
            let fresh = index.len() == documents.len()
                && documents.iter().enumerate().all(|(at, (id, key))| {
                    index.id(at) == id && key.is_some_and(|key| index.stamp(at) == key.to_bytes())
                });
            if fresh {
                return Ok((read.expect("checked above"), Vec::new()));
            }
        }
        Ok(self.rebuild_search_index(read.as_ref(), documents))
    }

    /// The search index rebuilt from the documents alone, for an index found damaged
    /// while searching it.
    pub fn rebuilt_search_index(&self) -> Result<(Index, Vec<Error>)> {
        let documents = self.listing()?.keyed();
        Ok(self.rebuild_search_index(None, documents))
    }

    /// Builds the index of `documents` and writes it: the incidents unchanged since
    /// `old` was written are merged from it as they are there, the others read again
    /// from their documents (all of them when `old` turns out damaged). A failure to
    /// write it only costs the next search.
    fn rebuild_search_index(
        &self,
        old: Option<&Index>,
        documents: Vec<(String, Option<FileKey>)>,
    ) -> (Index, Vec<Error>) {
        let mut fresh = Builder::new();
        let mut order = Vec::with_capacity(documents.len());
        let mut failures = Vec::new();
        let mut reread = 0;
        let mut at = 0;
        for (id, key) in &documents {
            // Both are sorted by id.
            if let Some(old) = old {
                while at < old.len() && old.id(at) < id.as_str() {
                    at += 1;
                }
                if at < old.len()
                    && old.id(at) == id
                    && key.is_some_and(|key| old.stamp(at) == key.to_bytes())
                {
                    order.push(Origin::Kept(at));
                    continue;
                }
            }
            match self.load(id) {
                Ok(incident) => {
                    let stamp = key.map(|key| key.to_bytes());
                    add_incident(&mut fresh, &incident, stamp.as_ref().map_or(&[], |s| s));
                    order.push(Origin::Fresh(reread));
                    reread += 1;
                }
                Err(error) => failures.push(error),
            }
        }
        let merged = match old {
            Some(old) if reread < order.len() => {
                merge(old, &Index::built(fresh), &order).map(|bytes| (bytes, failures))
            }
            _ => Some((fresh.finish(), failures)),
        };
        // An old index found damaged on the way: every document is read again.
        let (bytes, failures) = match merged {
            Some(merged) => merged,
            None => return self.rebuild_search_index(None, documents),
        };
        if self.incidents_dir().is_dir() {
            self.write_search_index(&bytes);
        }
        let index = Index::from_bytes(bytes).expect("an index just built reads back");
        (index, failures)
    }

    fn write_search_index(&self, bytes: &[u8]) {
        let purpose = OsStr::new(FILE_NAME);
        sweep_stale_temps(&self.root, purpose);
        let write = AtomicWrite {
            target: &self.root.join(FILE_NAME),
            temp: temp_path(&self.root, purpose),
            mode: FILE_MODE,
            placement: Placement::Replace,
            durability: Durability::Cache,
        };
        let _ = write.write(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A range past the file's end is none of it, and no room is made for it first: a
    /// crafted head may name a terabyte.
    #[test]
    fn a_range_past_the_end_of_the_file_reads_as_none_without_room_made_for_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, b"headrest").unwrap();
        let rest = Rest {
            file: File::open(&path).unwrap(),
            from: 4,
            length: 4,
        };
        assert_eq!(rest.read(1..3).as_deref(), Some(&b"es"[..]));
        assert_eq!(rest.read(0..5), None);
        #[allow(clippy::reversed_empty_ranges)]
        let backwards = 3..2;
        assert_eq!(rest.read(backwards), None);
        assert_eq!(rest.read(0..1 << 40), None);
        assert_eq!(rest.read(0..u64::MAX), None);
    }
}
