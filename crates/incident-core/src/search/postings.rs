//! The search index as bytes: for every term, where each incident says it (its postings),
//! so that a search reads the postings of its own terms, not every incident's text.
//! Pure: the store keeps these bytes in a file (`store/index.rs`) and hands back a way to
//! read ranges of them; a search of a handful of texts (`who.rs`) builds them in memory.
//!
//! The layout, numbers little-endian, `v` a LEB128 varint:
//!
//! - the head, read whole and checked by its checksum: `MAGIC`, `VERSION` u32, the head's
//!   length u64, its checksum u64, the count of incidents u32 and of terms u32; per
//!   incident its id (`v` length, bytes), its stamp (what the store knows its document
//!   by: `v` length, bytes), how many lines (searchable items with a term) and terms it
//!   has (`v` each), whether its first line is its title (a byte), and where its lines
//!   are (offset u64, length u32, checksum u64); then per term the end of its name in the
//!   names (u32), the end of its postings (u64) and their checksum (u64); then the names,
//!   sorted, one after the other;
//! - the lines of each incident: per line its marker (`v` length, bytes) and its count of
//!   terms (`v`);
//! - the postings of each term: per incident saying it (in order), the step from the last
//!   one (`v`), how many times it says it less one (`v`), and for each, in order, the step
//!   from the last line (`v`) and the place in the line (`v`: from the last place plus
//!   one in the same line, else from the line's start).
//!
//! Nothing read is trusted: a range that is short, a checksum that differs or a number
//! out of range reads as `None`, and the store rebuilds the index from the documents.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use crate::bytes::{Reader, push_varint};

const MAGIC: &[u8] = b"incident search index\n";
const VERSION: u32 = 3;
/// Magic, version, head length, checksum.
const PREAMBLE: usize = MAGIC.len() + 4 + 8 + 8;
/// A term's entry in the head: the end of its name, of its postings, and their checksum.
const TERM_ENTRY: usize = 4 + 8 + 8;
/// The fewest bytes an incident takes in the head: lengths of an empty id and stamp, its
/// counts, its title byte, where its lines are.
const RECORD_AT_LEAST: usize = 1 + 1 + 1 + 1 + 1 + 8 + 4 + 8;

/// How many bytes of the file tell the length of the head.
pub const HEAD_LENGTH_BYTES: usize = PREAMBLE;

/// Where a term is said: the incident (its position among those indexed), the line
/// (its position among the incident's lines) and the place in the line.
pub type Posting = (u32, u32, u32);

/// A fast checksum of bytes (a multiply-rotate hash of 8-byte words): the index is a
/// cache, checked against damage, not against an adversary.
pub fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut hash = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        hash = (hash.rotate_left(5) ^ word).wrapping_mul(K);
    }
    let mut tail = [0u8; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    hash = (hash.rotate_left(5) ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    hash ^ (hash >> 29)
}

/// Builds the bytes of an index, one incident after the other, in order.
pub struct Builder {
    /// Each term's number, and its name by number.
    numbers: HashMap<String, u32>,
    names: Vec<String>,
    /// By term: its postings so far, and the incident after the last one that says it.
    postings: Vec<(Vec<u8>, u32)>,
    /// By term: where the incident being added says it.
    places: Vec<Vec<(u32, u32)>>,
    touched: Vec<u32>,
    incidents: Vec<Added>,
    lines: Vec<u8>,
}

struct Added {
    id: String,
    stamp: Vec<u8>,
    lines: u32,
    terms: u32,
    title: bool,
    range: Range<usize>,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}

fn number(numbers: &mut HashMap<String, u32>, names: &mut Vec<String>, term: &str) -> u32 {
    if let Some(number) = numbers.get(term) {
        return *number;
    }
    let number = names.len() as u32;
    numbers.insert(term.to_string(), number);
    names.push(term.to_string());
    number
}

impl Builder {
    pub fn new() -> Builder {
        Builder {
            numbers: HashMap::new(),
            names: Vec::new(),
            postings: Vec::new(),
            places: Vec::new(),
            touched: Vec::new(),
            incidents: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// Adds an incident: its searchable texts in order, each with its marker, cut into
    /// terms by `terms` (a text with no term is left out). Its first line is its title
    /// when its marker is `TITLE_MARKER`.
    pub fn add<'t>(
        &mut self,
        id: &str,
        stamp: &[u8],
        texts: impl IntoIterator<Item = (&'t str, &'t str)>,
        terms: impl Fn(&str, &mut dyn FnMut(&str)),
    ) {
        let mut numbered: Vec<u32> = Vec::new();
        let mut shape: Vec<(&'t str, usize)> = Vec::new();
        for (marker, text) in texts {
            let before = numbered.len();
            terms(text, &mut |term| {
                numbered.push(number(&mut self.numbers, &mut self.names, term));
            });
            if numbered.len() > before {
                shape.push((marker, numbered.len() - before));
            }
        }
        self.add_numbered(id, stamp, &shape, &numbered);
    }

    /// Adds an incident whose terms are numbered already: `shape` gives each line's marker
    /// and how many of `terms` it has.
    fn add_numbered(&mut self, id: &str, stamp: &[u8], shape: &[(&str, usize)], terms: &[u32]) {
        self.postings
            .resize_with(self.names.len(), Default::default);
        self.places.resize_with(self.names.len(), Vec::new);
        let incident = self.incidents.len() as u32;
        let start = self.lines.len();
        let mut at = 0;
        for (line, (marker, count)) in shape.iter().enumerate() {
            push_varint(&mut self.lines, marker.len() as u64);
            self.lines.extend_from_slice(marker.as_bytes());
            push_varint(&mut self.lines, *count as u64);
            for (place, term) in terms[at..at + count].iter().enumerate() {
                let places = &mut self.places[*term as usize];
                if places.is_empty() {
                    self.touched.push(*term);
                }
                places.push((line as u32, place as u32));
            }
            at += count;
        }
        self.touched.sort_unstable();
        for term in self.touched.drain(..) {
            let places = std::mem::take(&mut self.places[term as usize]);
            let (out, next) = &mut self.postings[term as usize];
            push_varint(out, u64::from(incident - *next));
            push_varint(out, places.len() as u64 - 1);
            let mut last: Option<(u32, u32)> = None;
            for (line, place) in places.iter().copied() {
                match last {
                    Some((last_line, last_place)) if last_line == line => {
                        push_varint(out, 0);
                        push_varint(out, u64::from(place - last_place - 1));
                    }
                    _ => {
                        push_varint(out, u64::from(line - last.map_or(0, |(l, _)| l)));
                        push_varint(out, u64::from(place));
                    }
                }
                last = Some((line, place));
            }
            *next = incident + 1;
            // The vector's room is kept for the next incident.
            self.places[term as usize] = places;
            self.places[term as usize].clear();
        }
        self.incidents.push(Added {
            id: id.to_string(),
            stamp: stamp.to_vec(),
            lines: shape.len() as u32,
            terms: terms.len() as u32,
            title: shape
                .first()
                .is_some_and(|(marker, _)| *marker == super::index::TITLE_MARKER),
            range: start..self.lines.len(),
        });
    }

    /// The index as bytes.
    pub fn finish(self) -> Vec<u8> {
        let (parts, terms) = self.pieces();
        assemble(&parts, &terms)
    }

    /// What the index's bytes are assembled from: each incident's part, and each term
    /// with its postings, in the terms' order.
    fn pieces(&self) -> (Vec<Part<'_>>, Vec<Term<'_>>) {
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        order.sort_unstable_by(|a, b| self.names[*a as usize].cmp(&self.names[*b as usize]));
        let parts = self
            .incidents
            .iter()
            .map(|added| Part {
                id: &added.id,
                stamp: &added.stamp,
                lines: added.lines,
                terms: added.terms,
                title: added.title,
                bytes: &self.lines[added.range.clone()],
                checksum: checksum(&self.lines[added.range.clone()]),
            })
            .collect();
        let terms = order
            .iter()
            .map(|term| {
                let term = *term as usize;
                (
                    self.names[term].as_bytes(),
                    Cow::Borrowed(self.postings[term].0.as_slice()),
                )
            })
            .collect();
        (parts, terms)
    }
}

/// A term as the index's bytes hold it: its name, and its postings.
type Term<'b> = (&'b [u8], Cow<'b, [u8]>);

/// An incident as the index's bytes hold it: its lines as bytes, with their checksum.
struct Part<'b> {
    id: &'b str,
    stamp: &'b [u8],
    lines: u32,
    terms: u32,
    title: bool,
    bytes: &'b [u8],
    checksum: u64,
}

/// The bytes of an index: its incidents in order, and its terms in order with their
/// postings.
fn assemble(incidents: &[Part], terms: &[Term]) -> Vec<u8> {
    let mut head = Vec::new();
    head.extend_from_slice(&(incidents.len() as u32).to_le_bytes());
    head.extend_from_slice(&(terms.len() as u32).to_le_bytes());
    let mut lines_end = 0u64;
    for part in incidents {
        push_varint(&mut head, part.id.len() as u64);
        head.extend_from_slice(part.id.as_bytes());
        push_varint(&mut head, part.stamp.len() as u64);
        head.extend_from_slice(part.stamp);
        push_varint(&mut head, u64::from(part.lines));
        push_varint(&mut head, u64::from(part.terms));
        head.push(u8::from(part.title));
        head.extend_from_slice(&lines_end.to_le_bytes());
        head.extend_from_slice(&(part.bytes.len() as u32).to_le_bytes());
        head.extend_from_slice(&part.checksum.to_le_bytes());
        lines_end += part.bytes.len() as u64;
    }
    let mut name_end = 0u32;
    let mut postings_end = lines_end;
    for (name, postings) in terms {
        name_end += name.len() as u32;
        postings_end += postings.len() as u64;
        head.extend_from_slice(&name_end.to_le_bytes());
        head.extend_from_slice(&postings_end.to_le_bytes());
        head.extend_from_slice(&checksum(postings).to_le_bytes());
    }
    for (name, _) in terms {
        head.extend_from_slice(name);
    }
    let head_length = (PREAMBLE + head.len()) as u64;
    let mut out = Vec::with_capacity(head_length as usize + postings_end as usize);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&head_length.to_le_bytes());
    out.extend_from_slice(&checksum(&head).to_le_bytes());
    out.extend_from_slice(&head);
    for part in incidents {
        out.extend_from_slice(part.bytes);
    }
    for (_, postings) in terms {
        out.extend_from_slice(postings);
    }
    out
}

/// Where an incident of a merged index comes from: an index read, or the index of the
/// incidents read again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Kept(usize),
    Fresh(usize),
}

/// Each incident's postings of a term in turn: the incident, and the bytes that say
/// where (how many times less one, then each place), as they are.
fn blocks(bytes: &[u8]) -> impl Iterator<Item = Option<(u32, &[u8])>> {
    let mut reader = Reader::new(bytes);
    let mut incident = 0u32;
    std::iter::from_fn(move || {
        if reader.at_end() {
            return None;
        }
        let mut block = || {
            incident = incident.checked_add(reader.small()?)?;
            let start = reader.position();
            let count = reader.varint()?.checked_add(1)?;
            for _ in 0..count.checked_mul(2)? {
                reader.varint()?;
            }
            let found = (incident, &bytes[start..reader.position()]);
            incident = incident.checked_add(1)?;
            Some(found)
        };
        let found = block();
        if found.is_none() {
            // Damaged: nothing after it is read.
            reader.give_up();
        }
        Some(found)
    })
}

/// The bytes of the index of the incidents `order` names, in that order, each as `kept`
/// or `fresh` holds it: the postings of the incidents kept copied as they are, only
/// their incidents renumbered, so that a few documents changed cost a pass over the
/// bytes, not a rebuild of every incident. The same bytes as the index built afresh.
/// `None` when a part of `kept` it reads is damaged.
pub fn merge(kept: &Index, fresh: &Index, order: &[Origin]) -> Option<Vec<u8>> {
    let kept_rest = kept.rest.read(0..kept.rest.length())?;
    let fresh_rest = fresh.rest.read(0..fresh.rest.length())?;
    let mut numbers = [
        vec![u32::MAX; kept.incidents.len()],
        vec![u32::MAX; fresh.incidents.len()],
    ];
    let mut parts = Vec::with_capacity(order.len());
    for (number, origin) in order.iter().enumerate() {
        let (index, rest, at, side) = match *origin {
            Origin::Kept(at) => (kept, &kept_rest, at, 0),
            Origin::Fresh(at) => (fresh, &fresh_rest, at, 1),
        };
        let record = index.incidents.get(at)?;
        let start = usize::try_from(record.at).ok()?;
        let bytes = rest.get(start..start.checked_add(record.length as usize)?)?;
        if checksum(bytes) != record.checksum || numbers[side][at] != u32::MAX {
            return None;
        }
        numbers[side][at] = number as u32;
        parts.push(Part {
            id: std::str::from_utf8(&index.head[record.id.clone()]).ok()?,
            stamp: &index.head[record.stamp.clone()],
            lines: record.lines,
            terms: record.terms,
            title: record.title,
            bytes,
            checksum: record.checksum,
        });
    }
    let postings = |index: &Index, rest: &[u8], term: u32| -> Option<(usize, usize, u64)> {
        let start = usize::try_from(index.entry(term).1).ok()?;
        let (_, end, sum) = index.entry(term + 1);
        let end = usize::try_from(end).ok()?;
        (start <= end && end <= rest.len()).then_some((start, end, sum))
    };
    let mut terms: Vec<Term> = Vec::new();
    let (mut a, mut b) = (0u32, 0u32);
    let (kept_terms, fresh_terms) = (kept.term_count as u32, fresh.term_count as u32);
    while a < kept_terms || b < fresh_terms {
        let kept_name = (a < kept_terms).then(|| kept.name_bytes(a)).flatten();
        let fresh_name = (b < fresh_terms).then(|| fresh.name_bytes(b)).flatten();
        let (name, from_kept, from_fresh) = match (kept_name, fresh_name) {
            (Some(k), Some(f)) if k == f => (k, Some(a), Some(b)),
            (Some(k), Some(f)) if k < f => (k, Some(a), None),
            (Some(k), None) => (k, Some(a), None),
            (_, Some(f)) => (f, None, Some(b)),
            (None, None) => return None,
        };
        a += u32::from(from_kept.is_some());
        b += u32::from(from_fresh.is_some());
        // Each side's blocks, renumbered, the dropped left out; then the two in order.
        let mut sides: [Vec<(u32, &[u8])>; 2] = [Vec::new(), Vec::new()];
        for (side, (index, rest, term)) in [
            (kept, &kept_rest, from_kept),
            (fresh, &fresh_rest, from_fresh),
        ]
        .into_iter()
        .enumerate()
        {
            let Some(term) = term else { continue };
            let (start, end, sum) = postings(index, rest, term)?;
            let bytes = &rest[start..end];
            if checksum(bytes) != sum {
                return None;
            }
            for block in blocks(bytes) {
                let (incident, block) = block?;
                let number = *numbers[side].get(incident as usize)?;
                if number != u32::MAX {
                    sides[side].push((number, block));
                }
            }
        }
        let [kept_blocks, fresh_blocks] = sides;
        if kept_blocks.is_empty() && fresh_blocks.is_empty() {
            continue;
        }
        let mut out = Vec::new();
        let mut next = 0u32;
        let mut merged = Vec::with_capacity(kept_blocks.len() + fresh_blocks.len());
        merged.extend(kept_blocks);
        merged.extend(fresh_blocks);
        merged.sort_unstable_by_key(|(number, _)| *number);
        for (number, block) in merged {
            push_varint(&mut out, u64::from(number.checked_sub(next)?));
            out.extend_from_slice(block);
            next = number + 1;
        }
        terms.push((name, Cow::Owned(out)));
    }
    Some(assemble(&parts, &terms))
}

/// The length of the head a file's first `HEAD_LENGTH_BYTES` say, if they are ours.
pub fn head_length(start: &[u8]) -> Option<u64> {
    let mut reader = Reader::new(start);
    if reader.take(MAGIC.len())? != MAGIC || reader.u32()? != VERSION {
        return None;
    }
    reader.u64()
}

/// How the bytes after the head are read: from memory, or from the file a head was read
/// from (offsets counted from the end of the head).
pub trait Source: Send + Sync {
    fn read(&self, range: Range<u64>) -> Option<Cow<'_, [u8]>>;
    /// How many bytes there are: an index whose rest is not as long as its head says
    /// was cut short, or written over.
    fn length(&self) -> u64;
}

impl Source for Vec<u8> {
    fn length(&self) -> u64 {
        Vec::len(self) as u64
    }

    fn read(&self, range: Range<u64>) -> Option<Cow<'_, [u8]>> {
        let range = usize::try_from(range.start).ok()?..usize::try_from(range.end).ok()?;
        self.get(range).map(Cow::Borrowed)
    }
}

struct Record {
    id: Range<usize>,
    stamp: Range<usize>,
    lines: u32,
    terms: u32,
    title: bool,
    at: u64,
    length: u32,
    checksum: u64,
}

/// An index read: its head checked, the rest read when a search needs it.
pub struct Index {
    head: Vec<u8>,
    incidents: Vec<Record>,
    /// Where the incidents' lines end after the head, and the postings begin.
    lines_end: u64,
    /// Where the term entries and the names begin in the head.
    terms: usize,
    term_count: usize,
    names: usize,
    rest: Box<dyn Source>,
}

impl fmt::Debug for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Index")
            .field("incidents", &self.incidents.len())
            .field("terms", &self.term_count)
            .finish()
    }
}

impl Index {
    /// Reads the head of an index (`head`, its first bytes up to the length they say),
    /// with `rest` for what follows it; `None` unless it is whole and ours.
    pub fn read(head: Vec<u8>, rest: Box<dyn Source>) -> Option<Index> {
        let mut reader = Reader::new(&head);
        let length = head_length(reader.take(PREAMBLE - 8)?)?;
        let sum = reader.u64()?;
        if length != head.len() as u64 || checksum(&head[PREAMBLE..]) != sum {
            return None;
        }
        let count = reader.u32()? as usize;
        let term_count = reader.u32()? as usize;
        // A crafted head may claim any count: room is made for no more than it can hold.
        let mut incidents = Vec::with_capacity(count.min(head.len() / RECORD_AT_LEAST));
        // Each incident's lines follow the last one's, each line at least two bytes.
        let mut lines_end = 0u64;
        for _ in 0..count {
            let id = reader.varint_block()?;
            let id_end = reader.position();
            let stamp = reader.varint_block()?;
            let stamp_end = reader.position();
            let record = Record {
                id: id_end - id.len()..id_end,
                stamp: stamp_end - stamp.len()..stamp_end,
                lines: reader.small()?,
                terms: reader.small()?,
                title: reader.take(1)?[0] == 1,
                at: reader.u64()?,
                length: reader.u32()?,
                checksum: reader.u64()?,
            };
            std::str::from_utf8(&head[record.id.clone()]).ok()?;
            if record.at != lines_end || u64::from(record.lines) * 2 > u64::from(record.length) {
                return None;
            }
            lines_end = lines_end.checked_add(u64::from(record.length))?;
            incidents.push(record);
        }
        let terms = reader.position();
        reader.take(term_count.checked_mul(TERM_ENTRY)?)?;
        let names = reader.position();
        let index = Index {
            head,
            incidents,
            lines_end,
            terms,
            term_count,
            names,
            rest,
        };
        // The names fill the rest of the head, in order, each lower case letters and digits;
        // each term's postings follow the last one's (a term is in the index because an
        // incident says it: none are empty), the last ending the file.
        let mut last: &[u8] = &[];
        for term in 0..term_count as u32 {
            let name = index.name_bytes(term)?;
            if name.is_empty() || name <= last || !name.iter().all(u8::is_ascii_alphanumeric) {
                return None;
            }
            last = name;
            if index.entry(term + 1).1 <= index.entry(term).1 {
                return None;
            }
        }
        let (names_end, rest_end, _) = index.entry(term_count as u32);
        (index.names + names_end as usize == index.head.len() && index.rest.length() == rest_end)
            .then_some(index)
    }

    /// Reads an index whole in memory.
    pub fn from_bytes(mut bytes: Vec<u8>) -> Option<Index> {
        let length = usize::try_from(head_length(&bytes)?).ok()?;
        let rest = bytes.get(length..)?.to_vec();
        bytes.truncate(length);
        Index::read(bytes, Box::new(rest))
    }

    /// Builds an index in memory.
    pub fn built(builder: Builder) -> Index {
        Index::from_bytes(builder.finish()).expect("an index just built reads back")
    }

    pub fn len(&self) -> usize {
        self.incidents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
    }

    pub fn id(&self, incident: usize) -> &str {
        std::str::from_utf8(&self.head[self.incidents[incident].id.clone()]).unwrap_or("")
    }

    pub fn stamp(&self, incident: usize) -> &[u8] {
        &self.head[self.incidents[incident].stamp.clone()]
    }

    /// How many lines (items) and terms an incident has, and whether its first line is
    /// its title.
    pub fn shape(&self, incident: usize) -> (usize, usize, bool) {
        let record = &self.incidents[incident];
        (record.lines as usize, record.terms as usize, record.title)
    }

    /// The end of a term's name among the names, and of its postings after the head
    /// (`term` may be the count of terms: the ends of the last one).
    fn entry(&self, term: u32) -> (u32, u64, u64) {
        if term == 0 {
            return (0, self.lines_end, 0);
        }
        let at = self.terms + (term as usize - 1) * TERM_ENTRY;
        let bytes = &self.head[at..at + TERM_ENTRY];
        let word = |range: Range<usize>| {
            let mut out = [0u8; 8];
            out[..range.len()].copy_from_slice(&bytes[range]);
            u64::from_le_bytes(out)
        };
        (word(0..4) as u32, word(4..12), word(12..20))
    }

    fn name_bytes(&self, term: u32) -> Option<&[u8]> {
        if term as usize >= self.term_count {
            return None;
        }
        let start = self.entry(term).0 as usize;
        let end = self.entry(term + 1).0 as usize;
        self.head.get(self.names + start..self.names + end)
    }

    pub fn name(&self, term: u32) -> Option<&str> {
        std::str::from_utf8(self.name_bytes(term)?).ok()
    }

    pub fn term_count(&self) -> usize {
        self.term_count
    }

    /// The number of a term, if any incident says it.
    pub fn term(&self, name: &str) -> Option<u32> {
        let (mut low, mut high) = (0u32, self.term_count as u32);
        while low < high {
            let middle = low + (high - low) / 2;
            match self.name_bytes(middle)?.cmp(name.as_bytes()) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(middle),
            }
        }
        None
    }

    /// The terms longer than `prefix` that begin with it.
    pub fn longer(&self, prefix: &str) -> Vec<u32> {
        let (mut low, mut high) = (0u32, self.term_count as u32);
        while low < high {
            let middle = low + (high - low) / 2;
            if self
                .name_bytes(middle)
                .is_some_and(|name| name <= prefix.as_bytes())
            {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        (low..self.term_count as u32)
            .take_while(|term| {
                self.name_bytes(*term)
                    .is_some_and(|name| name.starts_with(prefix.as_bytes()))
            })
            .collect()
    }

    /// Every incident's line markers and counts of terms, read and checked.
    pub fn lines(&self, incident: usize) -> Option<Vec<(String, u32)>> {
        let record = self.incidents.get(incident)?;
        let bytes = self
            .rest
            .read(record.at..record.at + u64::from(record.length))?;
        if checksum(&bytes) != record.checksum {
            return None;
        }
        let mut reader = Reader::new(&bytes);
        let mut lines = Vec::with_capacity(record.lines as usize);
        for _ in 0..record.lines {
            let marker = std::str::from_utf8(reader.varint_block()?)
                .ok()?
                .to_string();
            lines.push((marker, reader.small()?));
        }
        reader.at_end().then_some(lines)
    }

    /// Where a term is said, in order, read and checked.
    pub fn postings(&self, term: u32) -> Option<Vec<Posting>> {
        if term as usize >= self.term_count {
            return None;
        }
        let start = self.entry(term).1;
        let (_, end, sum) = self.entry(term + 1);
        let bytes = self.rest.read(start..end.max(start))?;
        if start > end || checksum(&bytes) != sum {
            return None;
        }
        let mut reader = Reader::new(&bytes);
        let mut postings = Vec::new();
        let mut incident = 0u32;
        while !reader.at_end() {
            incident = incident.checked_add(reader.small()?)?;
            let record = self.incidents.get(incident as usize)?;
            let count = reader.small()?.checked_add(1)?;
            let mut line = 0u32;
            let mut place = 0u32;
            for at in 0..count {
                let step = reader.small()?;
                let value = reader.small()?;
                if step == 0 && at > 0 {
                    place = place.checked_add(value)?.checked_add(1)?;
                } else {
                    line = line.checked_add(step)?;
                    place = value;
                }
                if line >= record.lines || place >= record.terms {
                    return None;
                }
                postings.push((incident, line, place));
            }
            incident += 1;
        }
        Some(postings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str, emit: &mut dyn FnMut(&str)) {
        text.split(' ').filter(|t| !t.is_empty()).for_each(emit);
    }

    fn builder(incidents: &[(&str, &[(&str, &str)])]) -> Builder {
        let mut builder = Builder::new();
        for (id, lines) in incidents {
            builder.add(id, b"key", lines.iter().copied(), split);
        }
        builder
    }

    const TWO: &[(&str, &[(&str, &str)])] = &[
        ("a", &[("#", "db down"), ("S1", "db db slow")]),
        ("b", &[("S1", "slow"), ("S2", ""), ("N1", "down db")]),
    ];

    #[test]
    fn postings_say_where_each_term_is_and_read_back_whole() {
        let index = Index::built(builder(TWO));
        assert_eq!(index.len(), 2);
        assert_eq!(index.shape(0), (2, 5, true));
        assert_eq!(index.shape(1), (2, 3, false));
        let db = index.term("db").unwrap();
        assert_eq!(
            index.postings(db).unwrap(),
            [(0, 0, 0), (0, 1, 0), (0, 1, 1), (1, 1, 1)]
        );
        assert_eq!(index.term("dow"), None);
        let longer: Vec<&str> = index
            .longer("dow")
            .into_iter()
            .map(|t| index.name(t).unwrap())
            .collect();
        assert_eq!(longer, ["down"]);
        assert!(index.longer("down").is_empty());
        assert_eq!(
            index.lines(1).unwrap(),
            [("S1".to_string(), 1), ("N1".to_string(), 2)]
        );
    }

    #[test]
    fn a_merge_is_the_index_built_afresh() {
        let old_bytes = builder(&[
            ("a", &[("#", "db down"), ("S1", "db db slow")]),
            ("b", &[("#", "dns"), ("S1", "dns servfail")]),
            ("c", &[("S1", "slow"), ("N1", "down db")]),
            ("d", &[("#", "gone")]),
        ])
        .finish();
        let old = Index::from_bytes(old_bytes.clone()).unwrap();
        // `b` changed, `d` went, `bb` and `e` came.
        let changed: &[(&str, &[(&str, &str)])] = &[
            ("b", &[("#", "dns again"), ("S1", "resolver down")]),
            ("bb", &[("#", "new one"), ("N1", "db")]),
            ("e", &[("S1", "zebra db")]),
        ];
        let fresh = Index::built(builder(changed));
        let order = [
            Origin::Kept(0),
            Origin::Fresh(0),
            Origin::Fresh(1),
            Origin::Kept(2),
            Origin::Fresh(2),
        ];
        let merged = merge(&old, &fresh, &order).unwrap();
        let afresh = builder(&[
            ("a", &[("#", "db down"), ("S1", "db db slow")]),
            changed[0],
            changed[1],
            ("c", &[("S1", "slow"), ("N1", "down db")]),
            changed[2],
        ])
        .finish();
        assert_eq!(merged, afresh);
        let merged = Index::from_bytes(merged).unwrap();
        assert_eq!(merged.term("gone"), None);
        assert_eq!(merged.term("servfail"), None);
        let db = merged.term("db").unwrap();
        assert_eq!(
            merged.postings(db).unwrap(),
            [
                (0, 0, 0),
                (0, 1, 0),
                (0, 1, 1),
                (2, 1, 0),
                (3, 1, 1),
                (4, 0, 1)
            ]
        );
        // Nothing changed: the same bytes.
        let same: Vec<Origin> = (0..4).map(Origin::Kept).collect();
        let empty = Index::built(Builder::new());
        assert_eq!(merge(&old, &empty, &same).unwrap(), old_bytes);
    }

    /// An index's bytes with its head edited by `edit` (given the head and where the
    /// term entries begin in it) and sealed again by its checksum: what a crafted file,
    /// not an accident, looks like.
    fn resealed(bytes: &[u8], edit: impl FnOnce(&mut [u8], usize)) -> Vec<u8> {
        let index = Index::from_bytes(bytes.to_vec()).unwrap();
        let length = index.head.len();
        let mut out = bytes.to_vec();
        edit(&mut out[..length], index.terms);
        let sum = checksum(&out[PREAMBLE..length]);
        out[PREAMBLE - 8..PREAMBLE].copy_from_slice(&sum.to_le_bytes());
        out
    }

    #[test]
    fn a_crafted_head_claiming_more_than_the_file_holds_reads_as_no_index() {
        let built = builder(TWO);
        let (parts, terms) = built.pieces();
        let whole = assemble(&parts, &terms);
        assert!(Index::from_bytes(whole.clone()).is_some());
        // An incident claiming four billion lines in a few bytes: reading its lines
        // would reserve room for them all.
        let mut lying = Vec::new();
        for part in &parts {
            lying.push(Part {
                lines: u32::MAX,
                ..*part
            });
        }
        let crafted = assemble(&lying, &terms);
        assert!(Index::from_bytes(crafted).is_none(), "four billion lines");
        // A term in the middle whose postings end a terabyte past the file: reading them
        // would reserve the terabyte.
        let crafted = resealed(&whole, |head, entries| {
            let end = entries + 4;
            head[end..end + 8].copy_from_slice(&(1u64 << 40).to_le_bytes());
        });
        assert!(
            Index::from_bytes(crafted).is_none(),
            "postings past the end"
        );
        // Postings that end before they begin.
        let crafted = resealed(&whole, |head, entries| {
            let end = entries + TERM_ENTRY + 4;
            head[end..end + 8].copy_from_slice(&0u64.to_le_bytes());
        });
        assert!(Index::from_bytes(crafted).is_none(), "postings end first");
        // A term no incident says: its postings end where they begin.
        let crafted = resealed(&whole, |head, entries| {
            let (first, second) = (entries + 4, entries + TERM_ENTRY + 4);
            let end: [u8; 8] = head[first..first + 8].try_into().unwrap();
            head[second..second + 8].copy_from_slice(&end);
        });
        assert!(Index::from_bytes(crafted).is_none(), "postings empty");
        // An incident's lines at an offset whose end overflows, or not where the last
        // one's end.
        for at in [u64::MAX - 2, 1] {
            let crafted = resealed(&whole, |head, _| {
                // The last incident's offset: after its counts (a byte each, small) and
                // its title byte.
                let index = Index::from_bytes(whole.clone()).unwrap();
                let last = index.incidents.last().unwrap();
                let offset = last.stamp.end + 3;
                head[offset..offset + 8].copy_from_slice(&at.to_le_bytes());
            });
            assert!(Index::from_bytes(crafted).is_none(), "lines at {at}");
        }
    }

    #[test]
    fn any_byte_changed_or_cut_reads_as_no_index_or_as_damage() {
        let bytes = builder(TWO).finish();
        let length = head_length(&bytes).unwrap() as usize;
        for at in 0..bytes.len() {
            for cut in [false, true] {
                let mut damaged = bytes.clone();
                if cut {
                    damaged.truncate(at);
                } else {
                    damaged[at] ^= 0x10;
                }
                let head = damaged[..length.min(damaged.len())].to_vec();
                let rest = damaged.get(length..).unwrap_or_default().to_vec();
                let Some(index) = Index::read(head, Box::new(rest)) else {
                    continue;
                };
                // The head read: what follows it is damaged, and reads as such.
                assert!(at >= length, "a damaged head read at {at}");
                let whole = (0..index.term_count() as u32).all(|t| index.postings(t).is_some())
                    && (0..index.len()).all(|i| index.lines(i).is_some());
                assert!(!whole, "damage at {at} (cut: {cut}) went unseen");
                let order: Vec<Origin> = (0..index.len()).map(Origin::Kept).collect();
                let empty = Index::built(Builder::new());
                assert_eq!(merge(&index, &empty, &order), None, "merged damage at {at}");
            }
        }
    }
}
