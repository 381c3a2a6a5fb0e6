//! `<data dir>/synonyms`: the team's own synonyms, added to the built-in table for search
//! and "seen before" (`search::Synonyms` says the format). Read as any file of ours, and
//! held to the same caps: a file too big, or not a regular file, is left out and said so;
//! a line that cannot be used is left out and said so, the others count.

use std::io;

use super::Store;
use super::atomic::read_regular;
use crate::error::Error;
use crate::search::{MAX_SYNONYMS_BYTES, SYNONYMS_FILE, Synonyms};

impl Store {
    /// The built-in synonyms and the team's, with a warning for what was left out.
    pub fn synonyms(&self) -> Synonyms {
        let path = self.root.join(SYNONYMS_FILE);
        match read_regular(&path, MAX_SYNONYMS_BYTES) {
            Ok(bytes) => {
                let (synonyms, warnings) = Synonyms::with_file(&String::from_utf8_lossy(&bytes));
                for warning in warnings {
                    self.warn(format!("{}: {warning}", path.display()));
                }
                synonyms
            }
            Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                Synonyms::built_in()
            }
            Err(error) => {
                self.warn(format!("{error}; only the built-in synonyms are used"));
                Synonyms::built_in()
            }
        }
    }
}
