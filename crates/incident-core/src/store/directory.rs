//! `<data dir>/contacts.json`: the team's directory of whom to call (`model::Directory`),
//! a list the team shares (`shared.rs` reads, checks, locks and saves it, as it does every
//! such list), and its lock `contacts.lock`.

use super::Store;
use super::shared::Kept;
use crate::error::{Error, Result};
use crate::model::Directory;

/// The directory's file in the data directory, and on the team's branch.
pub const DIRECTORY_FILE: &str = "contacts.json";

/// The largest directory read or written: ten thousand contacts of a few hundred bytes
/// each fit many times over, and a planted file cannot eat the memory.
pub const MAX_DIRECTORY_BYTES: u64 = 16 * 1024 * 1024;

impl Kept for Directory {
    const FILE: &'static str = DIRECTORY_FILE;
    const LOCK: &'static str = "contacts.lock";
    const TEMP: &'static str = ".contacts.tmp";
    const MAX_BYTES: u64 = MAX_DIRECTORY_BYTES;
    const WHAT: &'static str = "directory of contacts";
    const NAME: &'static str = "contacts";
}

impl Store {
    /// The team's directory as kept here; empty when there is none yet.
    pub fn directory(&self) -> Result<Directory> {
        Ok(self.read_shared::<Directory>()?.unwrap_or_default())
    }

    /// Reads, changes and saves the directory under its lock (`Store::change_shared`).
    pub fn change_directory<T, E: From<Error>>(
        &self,
        change: impl FnOnce(&mut Directory) -> Result<T, E>,
    ) -> Result<T, E> {
        self.change_shared(change)
    }
}

#[cfg(test)]
mod tests {
    use super::super::shared::{parse_shared, shared_bytes};
    use super::*;
    use proptest::prelude::*;
    use std::path::Path;

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic_the_reader(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse_shared::<Directory>(&bytes, Path::new("contacts.json"));
        }
    }

    #[test]
    fn a_directory_reads_back_what_it_wrote_and_refuses_what_it_could_not() {
        let path = Path::new("contacts.json");
        let mut directory = Directory::default();
        directory
            .set(
                "Ana",
                Some("+1 555 0100"),
                Some(vec!["database".into()]),
                crate::model::Edit {
                    at: "2026-11-21T03:00:00Z".parse().expect("a time"),
                    by: "ana".into(),
                    uuid: uuid::Uuid::nil(),
                },
            )
            .expect("set");
        let bytes = shared_bytes(&directory);
        assert_eq!(
            parse_shared::<Directory>(&bytes, path).expect("reads"),
            directory
        );
        let said = |text: &str| match parse_shared::<Directory>(text.as_bytes(), path) {
            Err(error) => error.to_string(),
            Ok(_) => panic!("{text} was read"),
        };
        assert!(said("").contains("empty"));
        assert!(said("{\"schema\": 1, \"contacts\"").contains("truncated"));
        assert!(said("{\"schema\": 9, \"contacts\": 7}").contains("newer version"));
        assert!(said("{\"schema\": 1, \"contacts\": 7}").contains("not a directory"));
        assert!(said("{\"schema\": 1, \"contacts\": [], \"hooks\": 1}").contains("unknown field"));
    }
}
