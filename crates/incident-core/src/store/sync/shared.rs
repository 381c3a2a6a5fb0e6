//! The lists a team shares beside the incidents (`store::shared`: the directory of
//! contacts, `contacts.json`, and the team's synonyms, `synonyms.json`), each one file at
//! the top of the team's branch. A sync reads each as strictly as any received document (a
//! regular file, no larger than that list may be, every record checked), joins it with the
//! one here record by record (`model::SharedList::join`: the later change of each thing
//! wins), saves the result here under the list's lock and pushes it with the incidents when
//! the branch lacks anything of it. A list that fails a check is refused by name and blocks
//! only itself: it never reaches the file here, and the incidents and the other list still
//! sync.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::super::Store;
use super::super::shared::{Kept, parse_shared, shared_bytes};
use super::Round;
use super::git::{Git, Reader};
use super::held::{Held, Settled};
use crate::error::{Error, Result};
use crate::model::{Directory, ListJoined};
use crate::search::TeamSynonyms;
use crate::sharing::Synced;

/// One list on the fetched branch, as a sync found it.
pub(super) enum Theirs<L> {
    /// The same on both sides as the last sync left it: nothing to read or join.
    Unchanged(Settled),
    /// The branch has none.
    Absent,
    /// It failed a check, and why: it blocks only itself.
    Refused(String),
    Read {
        list: L,
        bytes: Vec<u8>,
        blob: String,
    },
}

/// Every list the team shares, as a sync found it on the branch. The one place that names
/// them all.
pub(super) struct Lists {
    contacts: Theirs<Directory>,
    synonyms: Theirs<TeamSynonyms>,
}

/// What the branch holds of one list after a sync, for `held.rs`.
pub(super) enum Landed {
    /// As the last sync left it, on both sides.
    Unchanged(Settled),
    /// This blob (`None`: no file) with these bytes.
    Holds {
        blob: Option<String>,
        bytes: Option<Vec<u8>>,
    },
    /// Not known to be shared: the next sync reads it again.
    Unknown,
}

/// What the branch holds of each list after a sync.
pub(super) struct LandedLists {
    contacts: Landed,
    synonyms: Landed,
}

/// A list to push, because the branch lacks something of it.
pub(in crate::store) struct Sending {
    /// Its file on the branch.
    pub file: &'static str,
    /// What a sync says it moved: `contacts`.
    pub name: &'static str,
    pub bytes: Vec<u8>,
    /// Its records the branch lacks, if the push lands.
    pub records: usize,
}

impl<L> Theirs<L> {
    /// What the branch holds when this sync pushes nothing of it.
    fn landed(&self) -> Landed {
        match self {
            Theirs::Unchanged(settled) => Landed::Unchanged(settled.clone()),
            Theirs::Absent => Landed::Holds {
                blob: None,
                bytes: None,
            },
            Theirs::Refused(_) => Landed::Unknown,
            Theirs::Read { bytes, blob, .. } => Landed::Holds {
                blob: Some(blob.clone()),
                bytes: Some(bytes.clone()),
            },
        }
    }
}

impl Lists {
    /// What the branch holds of each list when nothing is pushed.
    pub(super) fn landed(&self) -> LandedLists {
        LandedLists {
            contacts: self.contacts.landed(),
            synonyms: self.synonyms.landed(),
        }
    }

    /// What the branch holds of each list once `commit`, which sent `sent`, landed.
    pub(super) fn landed_after(
        &self,
        sent: &[Sending],
        reader: &mut Reader,
        commit: &str,
    ) -> Result<LandedLists> {
        let mut after = |theirs: Landed, file: &str| -> Result<Landed> {
            let Some(sending) = sent.iter().find(|sending| sending.file == file) else {
                return Ok(theirs);
            };
            Ok(Landed::Holds {
                blob: Git::root_file(reader, commit, file)?.map(|file| file.object),
                bytes: Some(sending.bytes.clone()),
            })
        };
        Ok(LandedLists {
            contacts: after(self.contacts.landed(), Directory::FILE)?,
            synonyms: after(self.synonyms.landed(), TeamSynonyms::FILE)?,
        })
    }
}

impl Store {
    /// Whether every list here and on the branch is as the last sync left it.
    pub(super) fn lists_unchanged(&self, held: &Held) -> bool {
        self.list_unchanged::<Directory>(held) && self.list_unchanged::<TeamSynonyms>(held)
    }

    fn list_unchanged<L: Kept>(&self, held: &Held) -> bool {
        held.lists
            .get(L::FILE)
            .is_some_and(|settled| settled.key == self.shared_key::<L>())
    }

    /// Every list on the branch at `tip`, each checked; one is not read at all when
    /// neither side changed it since the last sync.
    pub(super) fn read_team_lists(
        &self,
        reader: &mut Reader,
        tip: Option<&str>,
        url: &str,
        held: &Held,
    ) -> Result<Lists> {
        Ok(Lists {
            contacts: self.read_team_list(reader, tip, url, held)?,
            synonyms: self.read_team_list(reader, tip, url, held)?,
        })
    }

    fn read_team_list<L: Kept>(
        &self,
        reader: &mut Reader,
        tip: Option<&str>,
        url: &str,
        held: &Held,
    ) -> Result<Theirs<L>> {
        let file = match tip {
            Some(tip) => Git::root_file(reader, tip, L::FILE)?,
            None => None,
        };
        let blob = file.as_ref().map(|file| file.object.clone());
        if let Some(settled) = held.lists.get(L::FILE)
            && settled.blob == blob
            && settled.key == self.shared_key::<L>()
        {
            return Ok(Theirs::Unchanged(settled.clone()));
        }
        let Some(file) = file else {
            return Ok(Theirs::Absent);
        };
        let shown = PathBuf::from(format!("{url} {}", L::FILE));
        let refuse = |reason: String| {
            Theirs::Refused(
                Error::Damaged {
                    path: shown.clone(),
                    reason,
                }
                .to_string(),
            )
        };
        if file.mode != "100644" {
            return Ok(refuse("it is not a regular file".into()));
        }
        match reader.size(&file.object)? {
            Some(size) if size <= L::MAX_BYTES => {}
            _ => return Ok(refuse(format!("it is larger than any {}", L::WHAT))),
        }
        let bytes = reader.contents(&file.object)?;
        Ok(match parse_shared::<L>(&bytes, &shown) {
            Ok(list) => Theirs::Read {
                list,
                bytes,
                blob: file.object,
            },
            Err(error) => Theirs::Refused(error.to_string()),
        })
    }

    /// Joins each list on the branch with the one here, saves the result here, and stages
    /// it to push when the branch lacks anything of it.
    pub(super) fn join_lists(
        &self,
        lists: &Lists,
        synced: &mut Synced,
        round: &mut Round,
    ) -> Result<()> {
        round.lists.clear();
        self.join_list(&lists.contacts, synced, round)?;
        self.join_list(&lists.synonyms, synced, round)
    }

    fn join_list<L: Kept>(
        &self,
        theirs: &Theirs<L>,
        synced: &mut Synced,
        round: &mut Round,
    ) -> Result<()> {
        let (there, there_bytes) = match theirs {
            Theirs::Unchanged(_) => return Ok(()),
            Theirs::Refused(reason) => {
                round.problems.push(reason.clone());
                return Ok(());
            }
            Theirs::Absent => (None, None),
            Theirs::Read { list, bytes, .. } => (Some(list), Some(bytes.as_slice())),
        };
        let lock = self.lock_shared::<L>()?;
        let here = match self.read_shared::<L>() {
            Ok(here) => here,
            // A file here that cannot be read is never replaced: it blocks only itself.
            Err(
                error @ (Error::Damaged { .. }
                | Error::NewerSchema { .. }
                | Error::NotRegularFile { .. }
                | Error::TooLarge { .. }),
            ) => {
                round.problems.push(error.to_string());
                return Ok(());
            }
            Err(error) => return Err(error),
        };
        let mut joined = here.clone().unwrap_or_default();
        let counts = match there {
            Some(there) => joined.join(there),
            None => ListJoined {
                taken: 0,
                given: joined.records().len(),
            },
        };
        let changed_here = match &here {
            Some(here) => *here != joined,
            None => joined != L::default(),
        };
        if changed_here {
            match self.save_shared(&joined, &lock) {
                Ok(()) => {}
                // Joined, it would be more than the list may hold: it stays as it is on
                // both sides, said so, and the incidents still sync.
                Err(error @ Error::NotReadableBack { .. }) => {
                    round.problems.push(error.to_string());
                    return Ok(());
                }
                Err(error) => return Err(error),
            }
        }
        drop(lock);
        if counts.taken > 0 {
            synced.lists.entry(L::NAME).or_default().received += counts.taken;
        }
        let bytes = shared_bytes(&joined);
        if !joined.records().is_empty() && there_bytes != Some(bytes.as_slice()) {
            round.lists.push(Sending {
                file: L::FILE,
                name: L::NAME,
                bytes,
                records: counts.given,
            });
        }
        Ok(())
    }

    /// Each list as the branch now holds it, if the file here holds the same: what
    /// `held.rs` keeps, so that the next sync need not read it.
    pub(super) fn settled_lists(&self, landed: LandedLists) -> BTreeMap<String, Settled> {
        let mut settled = BTreeMap::new();
        for (file, list) in [
            (
                Directory::FILE,
                self.settled_list::<Directory>(landed.contacts),
            ),
            (
                TeamSynonyms::FILE,
                self.settled_list::<TeamSynonyms>(landed.synonyms),
            ),
        ] {
            if let Some(list) = list {
                settled.insert(file.to_string(), list);
            }
        }
        settled
    }

    /// One list as the branch holds it, if the file here holds the same. Read under its
    /// lock, so that no change falls between the comparison and the key.
    fn settled_list<L: Kept>(&self, landed: Landed) -> Option<Settled> {
        let (blob, bytes) = match landed {
            Landed::Unchanged(settled) => return Some(settled),
            Landed::Unknown => return None,
            Landed::Holds { blob, bytes } => (blob, bytes),
        };
        let _lock = self.lock_shared::<L>().ok()?;
        let here = self.raw_shared::<L>().ok()?;
        (here == bytes).then(|| Settled {
            blob,
            key: self.shared_key::<L>(),
        })
    }
}
