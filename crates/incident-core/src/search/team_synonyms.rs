//! The team's own synonyms, beside the built-in table: groups of words and phrases that
//! mean one thing to this team (`wal` and `write-ahead log`, `pgb` and `pgbouncer`). Every
//! machine edits its own copy, offline at times, so they are a shared list
//! (`model::SharedList`): one record per group, known by its words, with the time of its
//! last change, who made it and the change's UUID; a group taken out stays as a tombstone,
//! so that the removal travels. Two copies join record by record, the later change of a
//! group winning: a group added on one laptop and another on a second both survive.
//!
//! A group is changed by taking it out and adding what remains, so that two machines that
//! each took a different word out of one group both keep their change: the group is gone
//! everywhere, and what each left of it is there beside.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::synonyms::{Synonyms, group_of, typed_group};
use super::terms::{for_each_term, terms};
use crate::model::utc;
use crate::model::{Edit, Error, Result, SharedList, SharedRecord};
use crate::sanitize::one_line;

/// The format version of the team's synonyms.
pub const TEAM_SYNONYMS_SCHEMA: u32 = 1;

/// The most records the team's synonyms hold, removals included.
pub const MAX_TEAM_SYNONYMS: usize = 5_000;

/// Every group the team ever added, the removed ones as tombstones, in the order of their
/// keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamSynonyms {
    pub schema: u32,
    groups: Vec<Group>,
}

impl Default for TeamSynonyms {
    fn default() -> TeamSynonyms {
        TeamSynonyms {
            schema: TEAM_SYNONYMS_SCHEMA,
            groups: Vec::new(),
        }
    }
}

/// One group as its last change left it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Its words and phrases as typed, spaces evened out, in the order given; a removed
    /// group keeps them, for they are what identifies it.
    pub words: Vec<String>,
    /// A tombstone: the group was taken out.
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

/// What adding a group did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    Added,
    /// The team has that group already: nothing was changed.
    Unchanged,
    /// One group of the built-in table holds every word of it already: nothing was
    /// changed.
    BuiltIn,
}

/// A group that taking words out changed: what it held, and what remains of it as a group
/// (nothing when fewer than two words remained).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    pub was: Vec<String>,
    pub now: Option<Vec<String>>,
}

/// What identifies a group across machines: its words with the spaces evened out and
/// ASCII letters in lower case, sorted, each once. ASCII only, so that every build,
/// whatever its Unicode tables and stemmer, finds the same key.
pub fn key(words: &[String]) -> String {
    let mut words: Vec<String> = words
        .iter()
        .map(|word| {
            word.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_ascii_lowercase()
        })
        .collect();
    words.sort();
    words.dedup();
    words.join(", ")
}

/// A key as a message shows it: cut short, since a received group's words may be long.
fn shown_key(key: &str) -> String {
    const SHOWN: usize = 80;
    match key.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}…", &key[..at]),
        None => key.to_string(),
    }
}

/// What a group means, whatever the form and order of its words: the terms of each.
fn meaning(words: &[String]) -> Vec<Vec<String>> {
    let mut meaning: Vec<Vec<String>> = words.iter().map(|word| terms(word)).collect();
    meaning.sort();
    meaning.dedup();
    meaning
}

impl Group {
    fn new(words: Vec<String>, removed: bool, edit: &Edit) -> Group {
        Group {
            words,
            removed,
            changed_at: edit.at,
            changed_by: edit.by.clone(),
            change: edit.uuid,
        }
    }

    /// Whether one of its words or phrases is `phrase` in some form (its terms).
    fn says(&self, phrase: &[String]) -> bool {
        self.words.iter().any(|word| terms(word) == phrase)
    }
}

impl SharedRecord for Group {
    fn key(&self) -> String {
        key(&self.words)
    }

    fn wins_over(&self, other: &Group) -> bool {
        let order = |group: &Group| {
            (
                group.changed_at,
                group.change,
                group.removed,
                group.words.clone(),
                group.changed_by.clone(),
            )
        };
        order(self) > order(other)
    }

    fn check(&self) -> std::result::Result<(), String> {
        let said = |what: &str| format!("group {:?} {what}", one_line(&shown_key(&self.key())));
        match group_of(self.words.iter().map(String::as_str)) {
            Ok(group) if group == self.words => {}
            Ok(_) => {
                return Err(said(
                    "holds a word twice, or one with its spaces not evened out",
                ));
            }
            Err(why) => return Err(said(&format!("is refused: {why}"))),
        }
        crate::model::check_change(self.changed_at, &self.changed_by).map_err(said)
    }
}

impl SharedList for TeamSynonyms {
    type Record = Group;
    const SCHEMA: u32 = TEAM_SYNONYMS_SCHEMA;
    const MAX_RECORDS: usize = MAX_TEAM_SYNONYMS;
    const ONE: &'static str = "group";
    const MANY: &'static str = "groups of synonyms";
    const HOLDER: &'static str = "the team's synonyms";

    fn schema(&self) -> u32 {
        self.schema
    }

    fn records(&self) -> &[Group] {
        &self.groups
    }

    fn records_mut(&mut self) -> &mut Vec<Group> {
        &mut self.groups
    }
}

impl TeamSynonyms {
    /// The groups in force, removed ones left out, in the order of their keys.
    pub fn groups(&self) -> impl Iterator<Item = &Group> {
        self.groups.iter().filter(|group| !group.removed)
    }

    /// The group in force of these words (in any order and case), if the team has it.
    pub fn group(&self, words: &[String]) -> Option<&Group> {
        self.record(&key(words)).filter(|group| !group.removed)
    }

    /// Adds a group, its words and phrases as typed on one line (`typed_group`; `group_of`
    /// checks them). A group the team has already (its words in any case, order and
    /// form), or that the built-in table holds together, changes nothing. Returns what it did, and the group's words: as the team
    /// has them, or as checked.
    pub fn add(&mut self, text: &str, edit: Edit) -> Result<(Added, Vec<String>)> {
        let words = group_of(typed_group(text)).map_err(Error::Invalid)?;
        if Synonyms::built_in_table().holds_together(&words) {
            return Ok((Added::BuiltIn, words));
        }
        let said = meaning(&words);
        if let Some(known) = self.groups().find(|known| meaning(&known.words) == said) {
            return Ok((Added::Unchanged, known.words.clone()));
        }
        self.put(Group::new(words.clone(), false, &edit));
        Ok((Added::Added, words))
    }

    /// Takes words and phrases out of the team's groups: `text` is read as the words and
    /// phrases of the team's groups it says (in any form, the longest phrase first, as a
    /// search reads synonyms: `write-ahead log` is one phrase), each group that says one is
    /// taken out, and what remains of it, if two words or more, is added as a group of its
    /// own. Every word of `text` must belong to some group of the team's, or nothing is
    /// changed. Returns the groups changed, in the order of their keys.
    pub fn remove(&mut self, text: &str, edit: Edit) -> Result<Vec<Changed>> {
        let team = Synonyms::of(self.groups().map(|group| group.words.as_slice()));
        let mut words: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        for_each_term(text, |range, term| words.push((range, term.to_string())));
        if words.is_empty() {
            return Err(Error::Invalid(
                "name a word or phrase to take out of the team's synonyms".into(),
            ));
        }
        let said: Vec<&str> = words.iter().map(|(_, term)| term.as_str()).collect();
        let mut phrases: Vec<Vec<String>> = Vec::new();
        let mut at = 0;
        while at < said.len() {
            let Some((length, _)) = team.phrase_at(&said[at..]) else {
                return Err(Error::NoSuchSynonym {
                    word: one_line(&text[words[at].0.clone()]),
                });
            };
            phrases.push(
                said[at..at + length]
                    .iter()
                    .map(|term| term.to_string())
                    .collect(),
            );
            at += length;
        }
        let touched: Vec<Group> = self
            .groups()
            .filter(|group| phrases.iter().any(|phrase| group.says(phrase)))
            .cloned()
            .collect();
        let mut changed = Vec::with_capacity(touched.len());
        for group in touched {
            let remaining: Vec<String> = group
                .words
                .iter()
                .filter(|word| !phrases.contains(&terms(word)))
                .cloned()
                .collect();
            self.put(Group::new(group.words.clone(), true, &edit));
            let now = (remaining.len() >= 2).then_some(remaining);
            if let Some(now) = &now
                && self.group(now).is_none()
            {
                self.put(Group::new(now.clone(), false, &edit));
            }
            changed.push(Changed {
                was: group.words,
                now,
            });
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::joins_agree;
    use proptest::prelude::*;

    fn edit(at: &str, uuid: u128) -> Edit {
        Edit {
            at: at.parse().expect("a time"),
            by: "ana".into(),
            uuid: Uuid::from_u128(uuid),
        }
    }

    fn shown(team: &TeamSynonyms) -> Vec<String> {
        team.groups().map(|group| group.words.join(", ")).collect()
    }

    #[test]
    fn a_group_is_added_once_and_words_are_taken_out_in_any_form() {
        let mut team = TeamSynonyms::default();
        let added = team.add(
            "wal,  write-ahead  log, xlog",
            edit("2026-11-21T03:00:00Z", 1),
        );
        assert_eq!(added.expect("added").0, Added::Added);
        // The same group in another order and case: the team has it.
        let again = team.add(
            "XLOG, wal, write-ahead log",
            edit("2026-11-21T03:01:00Z", 2),
        );
        assert_eq!(
            again.expect("unchanged"),
            (
                Added::Unchanged,
                vec!["wal".into(), "write-ahead log".into(), "xlog".into()]
            )
        );
        // The built-in table holds these together already.
        let built_in = team.add("db databases", edit("2026-11-21T03:01:00Z", 3));
        assert_eq!(built_in.expect("built in").0, Added::BuiltIn);
        assert!(matches!(
            team.add("lonely", edit("2026-11-21T03:01:00Z", 4)),
            Err(Error::Invalid(_))
        ));
        team.add("pgb pgbouncer", edit("2026-11-21T03:02:00Z", 5))
            .expect("added");
        assert_eq!(
            shown(&team),
            ["pgb, pgbouncer", "wal, write-ahead log, xlog"]
        );

        // One word out: the group goes, what remains is a group of its own.
        let changed = team
            .remove("xlogs", edit("2026-11-21T03:03:00Z", 6))
            .expect("removed");
        assert_eq!(
            changed,
            [Changed {
                was: vec!["wal".into(), "write-ahead log".into(), "xlog".into()],
                now: Some(vec!["wal".into(), "write-ahead log".into()]),
            }]
        );
        assert_eq!(shown(&team), ["pgb, pgbouncer", "wal, write-ahead log"]);
        // A word no group of the team's says: nothing changes.
        let before = team.clone();
        assert!(matches!(
            team.remove("pgb database", edit("2026-11-21T03:04:00Z", 7)),
            Err(Error::NoSuchSynonym { word }) if word == "database"
        ));
        assert_eq!(team, before);
        // Fewer than two left: the group is gone; its tombstone stays, to travel.
        team.remove("pgbouncer", edit("2026-11-21T03:05:00Z", 8))
            .expect("removed");
        assert_eq!(shown(&team), ["wal, write-ahead log"]);
        assert_eq!(team.records().len(), 3);
        // Added again, it is back.
        team.add("pgb pgbouncer", edit("2026-11-21T03:06:00Z", 9))
            .expect("added");
        assert_eq!(shown(&team), ["pgb, pgbouncer", "wal, write-ahead log"]);
    }

    fn record(words: &[&str]) -> Group {
        Group {
            words: words.iter().map(|word| word.to_string()).collect(),
            removed: false,
            changed_at: "2026-11-21T03:00:00Z".parse().expect("a time"),
            changed_by: "mallory".into(),
            change: Uuid::nil(),
        }
    }

    #[test]
    fn received_groups_are_checked_record_by_record() {
        let check = |groups: Vec<Group>, schema: u32| {
            let mut team = TeamSynonyms { schema, groups };
            team.validate()
        };
        assert!(check(vec![record(&["b", "c"]), record(&["a", "b"])], 1).is_ok());
        assert!(
            check(vec![record(&["a", "b"])], 2)
                .unwrap_err()
                .contains("schema 2")
        );
        assert!(
            check(vec![record(&["a", "b"]), record(&["B", "A"])], 1)
                .unwrap_err()
                .contains("group \"a, b\" is there twice")
        );
        for (words, says) in [
            (&["a"][..], "two words or phrases or more"),
            (&["a", "a"], "two words or phrases or more"),
            (&["a", "b", "A"], "holds a word twice"),
            (
                &[" a", "b"],
                "holds a word twice, or one with its spaces not evened out",
            ),
            (&["a\u{1b}]0;x\u{7}", "b"], "control or invisible"),
            (&["a\u{202e}", "b"], "control or invisible"),
            (&["%%", "b"], "no letter or digit"),
            (&["a,b", "c"], "comma"),
        ] {
            let refused = check(vec![record(words)], 1).unwrap_err();
            assert!(refused.contains(says), "{words:?}: {refused}");
            assert!(
                !refused.chars().any(crate::sanitize::is_hidden),
                "{refused:?}"
            );
        }
        let mut nobody = record(&["a", "b"]);
        nobody.changed_by = String::new();
        assert!(
            check(vec![nobody], 1)
                .unwrap_err()
                .contains("changed by no one")
        );
        let many: Vec<Group> = (0..=MAX_TEAM_SYNONYMS)
            .map(|n| record(&[&format!("w{n}"), "x"]))
            .collect();
        assert!(
            check(many, 1)
                .unwrap_err()
                .contains("5001 groups of synonyms are more than the 5000")
        );
    }

    /// A change on one machine: which of four groups, added or a word taken out, the
    /// minute, the change id.
    fn arbitrary_change() -> impl Strategy<Value = (u8, bool, u8, u8)> {
        (0u8..4, any::<bool>(), 0u8..5, any::<u8>())
    }

    fn apply(team: &mut TeamSynonyms, (which, remove, minute, uuid): (u8, bool, u8, u8)) {
        let (group, word) = [
            ("wal, xlog, redo", "wal"),
            ("pgb, pgbouncer", "pgbouncer"),
            ("redo, replay", "redo"),
            ("wal, write-ahead log", "write-ahead log"),
        ][which as usize];
        let edit = edit(&format!("2026-11-21T03:{minute:02}:00Z"), u128::from(uuid));
        if remove {
            let _ = team.remove(word, edit);
        } else {
            let _ = team.add(group, edit);
        }
    }

    proptest! {
        /// Machines that joined the same changes hold the same groups, whatever the order
        /// they joined them in; joining again changes nothing; the result reads back.
        #[test]
        fn joins_agree_whatever_the_order(
            one in prop::collection::vec(arbitrary_change(), 0..8),
            two in prop::collection::vec(arbitrary_change(), 0..8),
            three in prop::collection::vec(arbitrary_change(), 0..8),
        ) {
            let machine = |changes: &[(u8, bool, u8, u8)]| {
                let mut team = TeamSynonyms::default();
                for change in changes {
                    apply(&mut team, *change);
                }
                team
            };
            joins_agree(&machine(&one), &machine(&two), &machine(&three))?;
        }
    }
}
