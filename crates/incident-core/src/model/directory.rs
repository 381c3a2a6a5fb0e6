//! The team's directory of whom to call: each contact's name, how to reach them (a phone,
//! a chat channel, a pager) and the services, teams and skills they cover. Pure data and
//! its rules; the store keeps it beside the incidents and shares it the way it shares them.
//!
//! Every machine edits its own copy, offline at times, so the directory is a shared list
//! (`shared.rs`): one record per contact, known by its name, joined with another copy
//! record by record.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::check::{MAX_NAME_BYTES, check_name, check_text};
use super::error::{Error, Result};
use super::shared::{Edit, SharedList, SharedRecord, check_change};
use super::utc;

/// The directory's format version.
pub const DIRECTORY_SCHEMA: u32 = 1;

/// The most records a directory holds, removals included: far beyond any team's, small
/// enough that a planted directory cannot make every command slow.
pub const MAX_CONTACTS: usize = 10_000;

/// The most words one contact covers.
pub const MAX_COVERS: usize = 64;

/// Every contact ever recorded, the removed ones as tombstones, in the order of their keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    pub schema: u32,
    contacts: Vec<Record>,
}

impl Default for Directory {
    fn default() -> Directory {
        Directory {
            schema: DIRECTORY_SCHEMA,
            contacts: Vec::new(),
        }
    }
}

/// One contact as its last change left it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub name: String,
    /// How to reach them; `None` once removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<String>,
    /// A tombstone: the contact was taken out of the directory.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removed: bool,
    #[serde(
        serialize_with = "utc::serialize",
        deserialize_with = "utc::deserialize"
    )]
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
    /// The change's own id: which of two changes made in the same second wins.
    pub change: Uuid,
}

/// A contact in the directory, as the views show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contact<'a> {
    pub name: &'a str,
    pub reach: &'a str,
    pub covers: &'a [String],
    pub changed_at: DateTime<Utc>,
    pub changed_by: &'a str,
}

/// What setting a contact did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Set {
    Added,
    Updated,
    /// It already said exactly that: nothing was changed.
    Unchanged,
}

/// What identifies a contact across machines: its name with the spaces evened out and
/// ASCII letters in lower case (`Ana  Lima` is `ana lima`). ASCII only, so that every
/// build, whatever its Unicode tables, finds the same key.
pub fn key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

/// The words a contact covers, from what was typed: split at spaces and commas, each
/// once (in any case), as many as `MAX_COVERS`, each no longer than a name.
pub fn covers_of(text: &str) -> Result<Vec<String>> {
    let mut covers: Vec<String> = Vec::new();
    for word in text.split(|c: char| c == ',' || c.is_whitespace()) {
        if word.is_empty() || covers.iter().any(|known| known.eq_ignore_ascii_case(word)) {
            continue;
        }
        covers.push(check_name(word)?.to_string());
    }
    check_covers(&covers)?;
    Ok(covers)
}

/// No more than `MAX_COVERS` words.
fn check_covers(covers: &[String]) -> Result<()> {
    if covers.len() > MAX_COVERS {
        return Err(Error::Invalid(format!(
            "a contact covers at most {MAX_COVERS} words; {} were given",
            covers.len()
        )));
    }
    Ok(())
}

impl Record {
    fn contact(&self) -> Option<Contact<'_>> {
        Some(Contact {
            name: &self.name,
            reach: self.reach.as_deref().filter(|_| !self.removed)?,
            covers: &self.covers,
            changed_at: self.changed_at,
            changed_by: &self.changed_by,
        })
    }
    /// The order of two records of one contact (`SharedRecord::wins_over`): the later
    /// change, then the greater change id, then the content.
    #[allow(clippy::type_complexity)]
    fn precedence(
        &self,
    ) -> (
        DateTime<Utc>,
        Uuid,
        &str,
        Option<&str>,
        &[String],
        bool,
        &str,
    ) {
        (
            self.changed_at,
            self.change,
            &self.name,
            self.reach.as_deref(),
            &self.covers,
            self.removed,
            &self.changed_by,
        )
    }
}

impl SharedRecord for Record {
    fn key(&self) -> String {
        key(&self.name)
    }

    fn wins_over(&self, other: &Record) -> bool {
        self.precedence() > other.precedence()
    }

    fn check(&self) -> std::result::Result<(), String> {
        let name_ok = |name: &str| check_name(name).is_ok_and(|checked| checked == name);
        if !name_ok(&self.name) {
            return Err("a contact's name is empty, too long or not trimmed".into());
        }
        let who = key(&self.name);
        let said = |what: &str| format!("contact {who:?} {what}");
        match (&self.reach, self.removed) {
            (None, false) => return Err(said("has no way to reach them")),
            (Some(_), true) => return Err(said("is removed but still has a way to reach them")),
            (Some(reach), false) => check_text(reach)
                .map_err(|error| said(&format!("has a reach that is refused: {error}")))?,
            (None, true) => {}
        }
        if self.removed && !self.covers.is_empty() {
            return Err(said("is removed but still covers words"));
        }
        check_covers(&self.covers).map_err(|error| said(&format!("covers too much: {error}")))?;
        if let Some(word) = self.covers.iter().find(|word| !name_ok(word)) {
            return Err(said(&format!(
                "covers a word that is empty, not trimmed or longer than {MAX_NAME_BYTES} \
                 bytes ({} bytes)",
                word.len()
            )));
        }
        check_change(self.changed_at, &self.changed_by).map_err(said)
    }
}

impl SharedList for Directory {
    type Record = Record;
    const SCHEMA: u32 = DIRECTORY_SCHEMA;
    const MAX_RECORDS: usize = MAX_CONTACTS;
    const ONE: &'static str = "contact";
    const MANY: &'static str = "contacts";
    const HOLDER: &'static str = "a directory";

    fn schema(&self) -> u32 {
        self.schema
    }

    fn records(&self) -> &[Record] {
        &self.contacts
    }

    fn records_mut(&mut self) -> &mut Vec<Record> {
        &mut self.contacts
    }
}

impl Directory {
    /// The contacts, removed ones left out, in the order of their names.
    pub fn contacts(&self) -> impl Iterator<Item = Contact<'_>> {
        self.contacts.iter().filter_map(Record::contact)
    }

    /// The contact of this name (in any case and spacing), unless removed.
    pub fn get(&self, name: &str) -> Option<Contact<'_>> {
        self.record(&key(name)).and_then(Record::contact)
    }

    /// How many of the first words name a contact, the longest such name first:
    /// `Dana DBA pool exhausted` starts with the contact Dana DBA, two words. Words are
    /// compared as names are, in any case and spacing.
    pub fn name_at_start(&self, words: &[&str]) -> Option<usize> {
        (1..=words.len())
            .rev()
            .find(|count| self.get(&words[..*count].join(" ")).is_some())
    }

    /// Whether no contact is in it (removed ones do not count).
    pub fn is_empty(&self) -> bool {
        self.contacts().next().is_none()
    }

    /// Adds a contact or changes one: how to reach them (required for a new contact) and
    /// what they cover, each kept as it was when not given. A new contact's name is kept
    /// as typed (its spaces evened out); a known one keeps the name it has, however the
    /// name was typed this time (`ana` changes `Ana`).
    pub fn set(
        &mut self,
        name: &str,
        reach: Option<&str>,
        covers: Option<Vec<String>>,
        edit: Edit,
    ) -> Result<Set> {
        let name = check_name(name)?
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let reach = reach.map(str::trim).map(str::to_string);
        if let Some(reach) = &reach {
            check_text(reach)?;
        }
        if let Some(covers) = &covers {
            check_covers(covers)?;
        }
        let key = key(&name);
        let at = self.position(&key);
        let before = at.ok().and_then(|at| {
            let known = self.contacts[at].contact()?;
            Some((
                known.name.to_string(),
                known.reach.to_string(),
                known.covers.to_vec(),
            ))
        });
        let (name, reach, covers) = match (&before, reach) {
            (None, None) => return Err(Error::NewContactWithoutReach { name }),
            (None, Some(reach)) => (name, reach, covers.unwrap_or_default()),
            (Some((known_name, known_reach, known_covers)), reach) => (
                known_name.clone(),
                reach.unwrap_or_else(|| known_reach.clone()),
                covers.unwrap_or_else(|| known_covers.clone()),
            ),
        };
        if before == Some((name.clone(), reach.clone(), covers.clone())) {
            return Ok(Set::Unchanged);
        }
        let record = Record {
            name,
            reach: Some(reach),
            covers,
            removed: false,
            changed_at: edit.at,
            changed_by: edit.by,
            change: edit.uuid,
        };
        Ok(match at {
            Ok(at) => {
                self.contacts[at] = record;
                if before.is_some() {
                    Set::Updated
                } else {
                    Set::Added
                }
            }
            Err(at) => {
                self.contacts.insert(at, record);
                Set::Added
            }
        })
    }

    /// Takes a contact out: its record becomes a tombstone, which travels to the other
    /// machines. Returns the name as it was kept.
    pub fn remove(&mut self, name: &str, edit: Edit) -> Result<String> {
        let key = key(name);
        let Some(at) = self
            .position(&key)
            .ok()
            .filter(|at| self.contacts[*at].contact().is_some())
        else {
            return Err(Error::NoSuchContact {
                name: name.trim().to_string(),
            });
        };
        let name = self.contacts[at].name.clone();
        self.contacts[at] = Record {
            name: name.clone(),
            reach: None,
            covers: Vec::new(),
            removed: true,
            changed_at: edit.at,
            changed_by: edit.by,
            change: edit.uuid,
        };
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::super::shared::{Joined, joins_agree};
    use super::*;
    use proptest::prelude::*;

    fn edit(at: &str, uuid: u128) -> Edit {
        Edit {
            at: at.parse().expect("a time"),
            by: "ana".into(),
            uuid: Uuid::from_u128(uuid),
        }
    }

    fn shown(directory: &Directory) -> Vec<(&str, &str, Vec<&str>)> {
        directory
            .contacts()
            .map(|contact| {
                let covers = contact.covers.iter().map(String::as_str).collect();
                (contact.name, contact.reach, covers)
            })
            .collect()
    }

    #[test]
    fn a_contact_is_added_updated_and_removed_by_its_name_in_any_case() {
        let mut directory = Directory::default();
        let covers = covers_of("database, postgres  Database").expect("words");
        assert_eq!(covers, ["database", "postgres"]);
        let set = directory.set(
            "Ana  Lima",
            Some(" +1 555 0100 "),
            Some(covers),
            edit("2026-11-21T03:00:00Z", 1),
        );
        assert_eq!(set.expect("added"), Set::Added);
        let set = directory.set(
            "ana lima",
            Some("#dba"),
            None,
            edit("2026-11-21T03:01:00Z", 2),
        );
        assert_eq!(set.expect("updated"), Set::Updated);
        assert_eq!(
            shown(&directory),
            [("Ana Lima", "#dba", vec!["database", "postgres"])]
        );
        let set = directory.set(
            "ana lima",
            Some("#dba"),
            None,
            edit("2026-11-21T03:02:00Z", 3),
        );
        assert_eq!(set.expect("unchanged"), Set::Unchanged);
        assert!(matches!(
            directory.set("Ben", None, None, edit("2026-11-21T03:02:00Z", 4)),
            Err(Error::NewContactWithoutReach { .. })
        ));
        assert_eq!(
            directory
                .remove("ANA LIMA", edit("2026-11-21T03:03:00Z", 5))
                .expect("removed"),
            "Ana Lima"
        );
        assert!(directory.is_empty());
        assert!(matches!(
            directory.remove("ana lima", edit("2026-11-21T03:04:00Z", 6)),
            Err(Error::NoSuchContact { .. })
        ));
        // The tombstone stays, to travel; a new change brings the contact back.
        assert_eq!(directory.records().len(), 1);
        let set = directory.set(
            "Ana Lima",
            Some("+1 555 0199"),
            None,
            edit("2026-11-21T03:05:00Z", 7),
        );
        assert_eq!(set.expect("added again"), Set::Added);
        assert_eq!(shown(&directory), [("Ana Lima", "+1 555 0199", vec![])]);
    }

    #[test]
    fn the_later_change_of_a_contact_wins_and_the_change_id_breaks_a_tie() {
        let mut here = Directory::default();
        let mut there = Directory::default();
        here.set("ana", Some("here"), None, edit("2026-11-21T03:00:00Z", 1))
            .expect("set");
        there
            .set("ana", Some("there"), None, edit("2026-11-21T03:01:00Z", 2))
            .expect("set");
        there
            .set("ben", Some("pager"), None, edit("2026-11-21T03:01:00Z", 3))
            .expect("set");
        here.set("cara", Some("phone"), None, edit("2026-11-21T03:01:00Z", 4))
            .expect("set");
        let joined = here.join(&there);
        assert_eq!(joined, Joined { taken: 2, given: 1 });
        assert_eq!(
            shown(&here),
            [
                ("ana", "there", vec![]),
                ("ben", "pager", vec![]),
                ("cara", "phone", vec![])
            ]
        );
        // The same second: the greater change id.
        let mut a = Directory::default();
        let mut b = Directory::default();
        a.set("dan", Some("a"), None, edit("2026-11-21T03:00:00Z", 9))
            .expect("set");
        b.set("dan", Some("b"), None, edit("2026-11-21T03:00:00Z", 8))
            .expect("set");
        let mut ab = a.clone();
        ab.join(&b);
        let mut ba = b.clone();
        ba.join(&a);
        assert_eq!(ab, ba);
        assert_eq!(shown(&ab), [("dan", "a", vec![])]);
    }

    #[test]
    fn a_received_directory_is_checked_record_by_record() {
        let record = |name: &str| Record {
            name: name.into(),
            reach: Some("x".into()),
            covers: vec![],
            removed: false,
            changed_at: "2026-11-21T03:00:00Z".parse().expect("a time"),
            changed_by: "ana".into(),
            change: Uuid::nil(),
        };
        let check = |records: Vec<Record>, schema: u32| {
            let mut directory = Directory {
                schema,
                contacts: records,
            };
            directory.validate()
        };
        assert!(check(vec![record("b"), record("a")], 1).is_ok());
        assert!(
            check(vec![record("a")], 2)
                .unwrap_err()
                .contains("schema 2")
        );
        assert!(
            check(vec![record("Ana"), record("ana")], 1)
                .unwrap_err()
                .contains("twice")
        );
        assert!(check(vec![record(" ana")], 1).is_err());
        assert!(check(vec![record(&"x".repeat(MAX_NAME_BYTES + 1))], 1).is_err());
        let mut removed = record("ana");
        removed.removed = true;
        assert!(
            check(vec![removed], 1)
                .unwrap_err()
                .contains("still has a way")
        );
        let mut silent = record("ana");
        silent.reach = None;
        assert!(check(vec![silent], 1).unwrap_err().contains("no way"));
        let mut long = record("ana");
        long.reach = Some("x".repeat(crate::model::MAX_TEXT_BYTES + 1));
        assert!(check(vec![long], 1).is_err());
        let mut wide = record("ana");
        wide.covers = (0..=MAX_COVERS).map(|n| format!("w{n}")).collect();
        assert!(check(vec![wide], 1).is_err());
    }

    fn arbitrary_change() -> impl Strategy<Value = (u8, bool, u8, u8, u8)> {
        // Which of four contacts, removed or set, the reach, the minute, the change id.
        (0u8..4, any::<bool>(), 0u8..3, 0u8..5, any::<u8>())
    }

    fn apply(
        directory: &mut Directory,
        (who, removed, reach, minute, uuid): (u8, bool, u8, u8, u8),
    ) {
        let name = ["ana", "Ben", "cara", "Dan Ng"][who as usize];
        let edit = edit(&format!("2026-11-21T03:{minute:02}:00Z"), u128::from(uuid));
        if removed {
            let _ = directory.remove(name, edit);
        } else {
            let _ = directory.set(name, Some(&format!("reach {reach}")), None, edit);
        }
    }

    proptest! {
        /// Machines that joined the same changes hold the same directory, whatever the
        /// order they joined them in, and joining again changes nothing.
        #[test]
        fn joins_agree_whatever_the_order(
            one in prop::collection::vec(arbitrary_change(), 0..8),
            two in prop::collection::vec(arbitrary_change(), 0..8),
            three in prop::collection::vec(arbitrary_change(), 0..8),
        ) {
            let machine = |changes: &[(u8, bool, u8, u8, u8)]| {
                let mut directory = Directory::default();
                for change in changes {
                    apply(&mut directory, *change);
                }
                directory
            };
            joins_agree(&machine(&one), &machine(&two), &machine(&three))?;
        }
    }
}
