//! What a team shares beside its incidents and edits on every machine, offline at times: the
//! directory of whom to call (`directory.rs`) and the team's own synonyms
//! (`search::TeamSynonyms`). Each is a list of records, one per thing it lists (a contact,
//! a group of synonyms), each the thing as its last change left it, with the time of that
//! change, who made it and the change's UUID; a removal is a record too (a tombstone), so
//! that it travels like any change. Two copies join record by record, the later change
//! winning and the UUID breaking a tie: the join is the same whatever the order, so
//! machines that joined the same records hold the same list, byte for byte once written.
//!
//! Here: that join, and what every such list is held to when it is read or received. What
//! a record holds, and what identifies it, is each list's own.

use chrono::{DateTime, Datelike, Utc};
use uuid::Uuid;

use super::check::check_name;

/// Who changes a shared list, when, and the change's id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub at: DateTime<Utc>,
    pub by: String,
    pub uuid: Uuid,
}

/// What joining another copy of a list did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Joined {
    /// Records taken from the other copy: things added, changed or removed here.
    pub taken: usize,
    /// Records the other copy lacks, or holds an older change of, after the join.
    pub given: usize,
}

/// One record of a shared list.
pub trait SharedRecord: Clone + PartialEq {
    /// What identifies the thing across machines: the same on every build, whatever its
    /// Unicode tables.
    fn key(&self) -> String;

    /// Which of two records of one thing wins: the later change, then the greater change
    /// id, then (for records no build would write, the same change twice) the content, so
    /// that the order is total and every machine picks the same one.
    fn wins_over(&self, other: &Self) -> bool;

    /// What a record read or received must hold to: the rules of a typed one, and nothing
    /// a build could not have written.
    fn check(&self) -> Result<(), String>;
}

/// A list of records, one per key, kept in the order of their keys.
pub trait SharedList: Default + Clone + PartialEq {
    type Record: SharedRecord;
    /// The format version this build writes, and the newest it reads.
    const SCHEMA: u32;
    /// The most records it holds, removals included: far beyond any team's, small enough
    /// that a planted list cannot make every command slow.
    const MAX_RECORDS: usize;
    /// One record and several, and what holds them, as messages say them: `contact`,
    /// `contacts`, `a directory`.
    const ONE: &'static str;
    const MANY: &'static str;
    const HOLDER: &'static str;

    fn schema(&self) -> u32;
    /// Every record, removals included: what a sync counts.
    fn records(&self) -> &[Self::Record];
    fn records_mut(&mut self) -> &mut Vec<Self::Record>;

    /// Where the record of `key` is, or would go.
    fn position(&self, key: &str) -> Result<usize, usize> {
        self.records()
            .binary_search_by(|record| record.key().as_str().cmp(key))
    }

    /// The record of `key`, if there is one (a tombstone included).
    fn record(&self, key: &str) -> Option<&Self::Record> {
        self.position(key).ok().map(|at| &self.records()[at])
    }

    /// Puts `record` in: in place of the record of its key, or where its key goes.
    fn put(&mut self, record: Self::Record) {
        match self.position(&record.key()) {
            Ok(at) => self.records_mut()[at] = record,
            Err(at) => self.records_mut().insert(at, record),
        }
    }

    /// Joins another copy into this one, record by record: of two records of one thing,
    /// the one that wins.
    fn join(&mut self, other: &Self) -> Joined {
        let mut joined = Joined::default();
        for theirs in other.records() {
            match self.position(&theirs.key()) {
                Ok(at) => {
                    if theirs.wins_over(&self.records()[at]) {
                        self.records_mut()[at] = theirs.clone();
                        joined.taken += 1;
                    }
                }
                Err(at) => {
                    self.records_mut().insert(at, theirs.clone());
                    joined.taken += 1;
                }
            }
        }
        joined.given = self
            .records()
            .iter()
            .filter(|mine| other.record(&mine.key()) != Some(*mine))
            .count();
        joined
    }

    /// Why the list holds more records than it may (`MAX_RECORDS`, removed ones
    /// included), if it does: what a save must refuse, since it could not be read back.
    fn too_many(&self) -> Option<String> {
        let count = self.records().len();
        (count > Self::MAX_RECORDS).then(|| {
            format!(
                "{count} {} are more than the {} {} may hold (removed ones included)",
                Self::MANY,
                Self::MAX_RECORDS,
                Self::HOLDER
            )
        })
    }

    /// Checks what serde cannot, on a list read from a file or received: the format
    /// version, each record by the rules of a typed one, each thing once, and no more
    /// than `MAX_RECORDS`. The records are then put in the order of their keys.
    fn validate(&mut self) -> Result<(), String> {
        if self.schema() == 0 || self.schema() > Self::SCHEMA {
            return Err(format!(
                "its schema {} is not one this build knows",
                self.schema()
            ));
        }
        if let Some(reason) = self.too_many() {
            return Err(reason);
        }
        for record in self.records() {
            record.check()?;
        }
        self.records_mut().sort_by_cached_key(SharedRecord::key);
        if let Some(pair) = self
            .records()
            .windows(2)
            .find(|pair| pair[0].key() == pair[1].key())
        {
            return Err(format!("{} {:?} is there twice", Self::ONE, pair[0].key()));
        }
        Ok(())
    }
}

/// What the stamp of a record's last change must hold to: someone made it, by a name as an
/// entry's author has, in a year a stored time can say.
pub(crate) fn check_change(
    changed_at: DateTime<Utc>,
    changed_by: &str,
) -> Result<(), &'static str> {
    if check_name(changed_by).ok() != Some(changed_by) {
        return Err("was changed by no one, or by a name too long");
    }
    if !(0..=9999).contains(&changed_at.year()) {
        return Err("was changed outside the years 0000 to 9999");
    }
    Ok(())
}

/// The property every shared list must have, for the lists' own property tests: machines
/// that joined the same copies hold the same list, whatever the order they joined them in;
/// joining again changes nothing; the result passes the checks a received list must pass
/// and reads back unchanged.
#[cfg(test)]
pub(crate) fn joins_agree<L: SharedList + std::fmt::Debug>(
    a: &L,
    b: &L,
    c: &L,
) -> Result<(), proptest::test_runner::TestCaseError> {
    use proptest::{prop_assert, prop_assert_eq};
    let joined = |first: &L, second: &L, third: &L| {
        let mut list = first.clone();
        list.join(second);
        list.join(third);
        list
    };
    let mut abc = joined(a, b, c);
    prop_assert_eq!(&abc, &joined(c, b, a));
    prop_assert_eq!(&abc, &joined(b, c, a));
    let again = abc.clone();
    prop_assert_eq!(abc.join(&again), Joined::default());
    prop_assert_eq!(&abc, &again);
    let mut checked = abc.clone();
    prop_assert!(checked.validate().is_ok());
    prop_assert_eq!(checked, abc);
    Ok(())
}
