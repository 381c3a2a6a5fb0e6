//! The team's own synonyms, added to the built-in table for search, "seen before" and the
//! directory's search, from two places in the data directory:
//!
//! - `synonyms.json`: the groups the team shares through its remote (`search::TeamSynonyms`),
//!   a shared list (`shared.rs` reads, checks, locks and saves it), with its lock
//!   `synonyms.lock`;
//! - `synonyms`: a file kept by hand, one group a line (`search::parse_file`), read on this
//!   machine only, as it always was: a file too big, or not a regular file, is left out and
//!   said so; a line that cannot be used is left out and said so, the others count.
//!
//! Both add groups: a word in groups of both joins them. Neither can stop a search: a
//! shared list here that cannot be read is left out of it, said so, as the file is.
//!
//! Nothing cached depends on them: the search index keeps each text's terms and the list
//! cache's memory of a past incident only the built-in phrases (`search::Memory`); the
//! team's groups are read whenever a search, `who` or the board asks, so a group added or
//! received counts from the next command on, and no cache needs rebuilding.

use std::io;

use super::Store;
use super::atomic::read_regular;
use super::shared::Kept;
use crate::error::{Error, Result};
use crate::search::{Synonyms, TeamSynonyms, parse_file};

/// The file of synonyms kept by hand in the data directory.
pub const SYNONYMS_FILE: &str = "synonyms";
/// The largest file of synonyms kept by hand that is read; a bigger one is left out, said
/// so.
pub const MAX_SYNONYMS_BYTES: u64 = 64 * 1024;

impl Kept for TeamSynonyms {
    const FILE: &'static str = "synonyms.json";
    const LOCK: &'static str = "synonyms.lock";
    const TEMP: &'static str = ".synonyms.tmp";
    /// Five thousand groups of a few hundred bytes fit.
    const MAX_BYTES: u64 = 4 * 1024 * 1024;
    const WHAT: &'static str = "list of synonyms";
    const NAME: &'static str = "synonyms";
}

impl Store {
    /// The team's shared synonyms as kept here; none when there are none yet.
    pub fn team_synonyms(&self) -> Result<TeamSynonyms> {
        Ok(self.read_shared::<TeamSynonyms>()?.unwrap_or_default())
    }

    /// Reads, changes and saves the team's shared synonyms under their lock
    /// (`Store::change_shared`).
    pub fn change_team_synonyms<T, E: From<Error>>(
        &self,
        change: impl FnOnce(&mut TeamSynonyms) -> Result<T, E>,
    ) -> Result<T, E> {
        self.change_shared(change)
    }

    /// The groups of the file kept by hand, each its words and phrases as written; a
    /// warning for what was left out.
    pub fn synonyms_file(&self) -> Vec<Vec<String>> {
        let path = self.root.join(SYNONYMS_FILE);
        match read_regular(&path, MAX_SYNONYMS_BYTES) {
            Ok(bytes) => {
                let (groups, warnings) = parse_file(&String::from_utf8_lossy(&bytes));
                for warning in warnings {
                    self.warn(format!("{}: {warning}", path.display()));
                }
                groups
            }
            Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(error) => {
                self.warn(format!("{error}; its synonyms are left out"));
                Vec::new()
            }
        }
    }

    /// The built-in synonyms, the team's shared ones and those of the file kept by hand,
    /// with a warning for what was left out.
    pub fn synonyms(&self) -> Synonyms {
        let team = self.team_synonyms().unwrap_or_else(|error| {
            self.warn(format!("{error}; the team's shared synonyms are left out"));
            TeamSynonyms::default()
        });
        let file = self.synonyms_file();
        Synonyms::extended(
            team.groups()
                .map(|group| group.words.as_slice())
                .chain(file.iter().map(Vec::as_slice)),
        )
    }
}
