//! The compact binary formats of our caches, written and read: the list cache
//! (`store/cache.rs`: lengths and numbers little-endian, strings as their length and UTF-8
//! bytes) and the search index (`search/postings.rs`: varints and varint-long blocks).
//! Reading never trusts the file: anything short or out of range is `None`, and the cache
//! is rebuilt.

/// Reads a cache's bytes from the front.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    pub(crate) fn at_end(&self) -> bool {
        self.at == self.bytes.len()
    }

    /// How far it has read.
    pub(crate) fn position(&self) -> usize {
        self.at
    }

    /// Reads nothing more: what follows is not to be trusted.
    pub(crate) fn give_up(&mut self) {
        self.at = self.bytes.len();
    }

    pub(crate) fn take(&mut self, length: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(length)?;
        let taken = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(taken)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        Some(self.array::<1>()?[0])
    }

    pub(crate) fn bool(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.array()?))
    }

    /// A number of up to 64 bits, seven to a byte, the lowest first (`push_varint`).
    pub(crate) fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(value);
            }
        }
        None
    }

    /// A varint that fits 32 bits.
    pub(crate) fn small(&mut self) -> Option<u32> {
        u32::try_from(self.varint()?).ok()
    }

    /// A varint length, then that many bytes.
    pub(crate) fn varint_block(&mut self) -> Option<&'a [u8]> {
        let length = usize::try_from(self.varint()?).ok()?;
        self.take(length)
    }

    pub(crate) fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.array()?))
    }

    /// A length, then that many bytes.
    pub(crate) fn block(&mut self) -> Option<&'a [u8]> {
        let length = self.u32()? as usize;
        self.take(length)
    }

    pub(crate) fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.block()?).ok()
    }

    /// `Some` as a 1 and the value, `None` as a 0.
    pub(crate) fn option<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        match self.bool()? {
            false => Some(None),
            true => read(self).map(Some),
        }
    }
}

pub(crate) fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub(crate) fn push_u32(out: &mut Vec<u8>, value: usize) {
    out.extend_from_slice(&u32::try_from(value).unwrap_or(u32::MAX).to_le_bytes());
}

pub(crate) fn push_i64(out: &mut Vec<u8>, value: i64) {
    out.extend_from_slice(&value.to_le_bytes());
}

pub(crate) fn push_bool(out: &mut Vec<u8>, value: bool) {
    out.push(u8::from(value));
}

/// A length, then the bytes.
pub(crate) fn push_block(out: &mut Vec<u8>, bytes: &[u8]) {
    push_u32(out, bytes.len());
    out.extend_from_slice(bytes);
}

pub(crate) fn push_option<T>(
    out: &mut Vec<u8>,
    value: Option<T>,
    push: impl FnOnce(&mut Vec<u8>, T),
) {
    push_bool(out, value.is_some());
    if let Some(value) = value {
        push(out, value);
    }
}
