//! Joining logs: the entries of one log added to another, each once, with labels that
//! clash renumbered and every link following. A sync joins this machine's log of an
//! incident into the team's; a merge of two incidents joins one into the other. Entries
//! are immutable and carry UUIDs, so the union by UUID loses nothing and adds nothing
//! twice, whatever the order or repetition of joins.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::entry::Entry;
use super::incident::{Incident, Transition};
use super::label::{Label, Series};

/// A label an added entry could not keep: `from` was taken by an entry `by` recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relabel {
    pub from: Label,
    pub to: Label,
    pub by: String,
}

/// What a join added.
#[derive(Debug, Default)]
pub struct Joined {
    /// Entries and lifecycle changes added.
    pub added: usize,
    pub relabeled: Vec<Relabel>,
    /// Entries both logs hold under different labels (a remote that lost history, where
    /// another machine renumbered one): each keeps this log's label, and `other`'s copy
    /// follows, from its label to this log's.
    pub followed: Vec<Relabel>,
    /// The label each entry of `other` has in this log.
    labels: HashMap<Label, Label>,
}

impl Joined {
    pub fn changed(&self) -> bool {
        self.added > 0
    }
}

impl Incident {
    /// Adds every entry of `other` that this log does not hold (by UUID), after its own
    /// and in `other`'s order. An added entry keeps its label unless an entry here holds
    /// it: then it takes the next number past every label in use on either side, so no
    /// label that is not clashing moves. Links of the added entries follow their targets:
    /// to the new label, or to the label this log gives an entry both logs hold (which
    /// may differ from `other`'s: `followed`).
    pub fn join_entries(&mut self, other: &[Entry]) -> Joined {
        let here: HashMap<Uuid, Label> = self
            .entries
            .iter()
            .map(|entry| (entry.uuid, entry.id))
            .collect();
        let taken: HashMap<Label, &str> = self
            .entries
            .iter()
            .map(|entry| (entry.id, entry.by.as_str()))
            .collect();
        let mut highest: HashMap<Series, u32> = HashMap::new();
        for label in self.entries.iter().chain(other).map(|entry| entry.id) {
            let number = highest.entry(label.series).or_default();
            *number = (*number).max(label.number);
        }
        let mut labels: HashMap<Label, Label> = HashMap::new();
        let mut relabeled = Vec::new();
        let mut seen = HashSet::new();
        let mut added = Vec::new();
        let mut followed = Vec::new();
        for entry in other {
            if let Some(label) = here.get(&entry.uuid) {
                labels.insert(entry.id, *label);
                if *label != entry.id {
                    followed.push(Relabel {
                        from: entry.id,
                        to: *label,
                        by: taken
                            .get(&entry.id)
                            .map_or_else(|| "another machine".to_string(), |by| (*by).to_string()),
                    });
                }
                continue;
            }
            if !seen.insert(entry.uuid) {
                continue;
            }
            let label = match taken.get(&entry.id) {
                None => entry.id,
                Some(by) => {
                    let number = highest
                        .get_mut(&entry.id.series)
                        .expect("every series in use has a highest number");
                    *number = number.saturating_add(1);
                    let to = Label::new(entry.id.series, *number);
                    relabeled.push(Relabel {
                        from: entry.id,
                        to,
                        by: (*by).to_string(),
                    });
                    to
                }
            };
            labels.insert(entry.id, label);
            added.push(entry);
        }
        let count = added.len();
        for entry in added {
            let mut entry = entry.clone();
            entry.id = labels[&entry.id];
            entry
                .body
                .relink(|label| labels.get(&label).copied().unwrap_or(label));
            self.entries.push(entry);
        }
        Joined {
            added: count,
            relabeled,
            followed,
            labels,
        }
    }

    /// Adds the closes and reopens of `other` that this log does not hold, with the
    /// labels `joined` gave their root causes, and orders them by when they were made:
    /// the status follows the last change made, on whichever machine.
    pub fn join_lifecycle(&mut self, other: &[Transition], joined: &Joined) -> usize {
        let mut here: HashSet<Uuid> = self.lifecycle.iter().map(|change| change.uuid).collect();
        let mut added = 0;
        for change in other {
            if !here.insert(change.uuid) {
                continue;
            }
            let mut change = change.clone();
            if let Some(label) = change.root_cause
                && let Some(to) = joined.labels.get(&label)
            {
                change.root_cause = Some(*to);
            }
            self.lifecycle.push(change);
            added += 1;
        }
        if added > 0 {
            self.lifecycle
                .sort_by(|a, b| a.recorded_at.cmp(&b.recorded_at).then(a.uuid.cmp(&b.uuid)));
        }
        added
    }

    /// The first thing `other`, the same incident as recorded elsewhere, says otherwise
    /// than this log about what both hold. Entries, closes and reopens never change once
    /// recorded, so any difference is damage or tampering: a join would carry it into
    /// this log. Labels are the exception: a remote that lost history (rewound, restored,
    /// replaced) can come back with an entry another machine renumbered, so an entry both
    /// hold may carry another label there, and its links other labels for the same
    /// entries; that is no disagreement, and the join follows this log's labels.
    pub fn disagreement(&self, other: &Incident) -> Option<String> {
        if (self.uuid, self.opened_at, &self.opened_by, &self.title)
            != (other.uuid, other.opened_at, &other.opened_by, &other.title)
        {
            return Some("its opening (title, time or who) differs from the one here".into());
        }
        let here: HashMap<Uuid, &Entry> = self
            .entries
            .iter()
            .map(|entry| (entry.uuid, entry))
            .collect();
        // `other`'s label of each entry both hold, to this log's.
        let labels: HashMap<Label, Label> = other
            .entries
            .iter()
            .filter_map(|entry| Some((entry.id, here.get(&entry.uuid)?.id)))
            .collect();
        let same_labels = labels.iter().all(|(theirs, mine)| theirs == mine);
        for entry in &other.entries {
            let Some(mine) = here.get(&entry.uuid) else {
                continue;
            };
            let alike = if same_labels {
                stored_alike(*mine, entry)
            } else {
                let mut theirs = entry.clone();
                theirs.id = mine.id;
                theirs
                    .body
                    .relink(|label| labels.get(&label).copied().unwrap_or(label));
                stored_alike(*mine, &theirs)
            };
            if !alike {
                return Some(format!(
                    "its entry {} differs from {} recorded here",
                    entry.id, mine.id
                ));
            }
        }
        let changes: HashMap<Uuid, &Transition> = self
            .lifecycle
            .iter()
            .map(|change| (change.uuid, change))
            .collect();
        for change in &other.lifecycle {
            let Some(mine) = changes.get(&change.uuid) else {
                continue;
            };
            let mut theirs = change.clone();
            theirs.root_cause = theirs
                .root_cause
                .map(|label| labels.get(&label).copied().unwrap_or(label));
            if !stored_alike(*mine, &theirs) {
                return Some("one of its closes or reopens differs from the one here".into());
            }
        }
        let marks: HashMap<Uuid, &super::incident::Mark> =
            self.marks.iter().map(|mark| (mark.uuid, mark)).collect();
        for mark in &other.marks {
            if let Some(mine) = marks.get(&mark.uuid)
                && !stored_alike(*mine, mark)
            {
                return Some("one of its merges or discards differs from the one here".into());
            }
        }
        None
    }

    /// Everything of `other`, the same incident as recorded elsewhere, joined into this
    /// one: entries, then closes and reopens, then merges and discards.
    pub fn join(&mut self, other: &Incident) -> Joined {
        let mut joined = self.join_entries(&other.entries);
        joined.added += self.join_lifecycle(&other.lifecycle, &joined);
        joined.added += self.join_marks(&other.marks);
        joined
    }
}

/// Whether two records store the same thing, field for field.
fn stored_alike<T: serde::Serialize>(a: &T, b: &T) -> bool {
    let json = |value: &T| serde_json::to_string(value).expect("records serialize");
    json(a) == json(b)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use proptest::prelude::*;

    use super::*;
    use crate::model::{Body, NewEntry, Stamp};

    fn at(minute: u32) -> DateTime<Utc> {
        format!("2026-11-21T03:{minute:02}:00Z")
            .parse()
            .expect("a time")
    }

    fn opened() -> Incident {
        let stamp = Stamp {
            uuid: Uuid::from_u128(1),
            at: at(0),
            recorded_at: at(0),
            by: "ana".into(),
            key: false,
        };
        Incident::new("2026-11-21-dns".into(), "DNS".into(), stamp)
    }

    fn record(incident: &mut Incident, body: Body, by: &str, text: &str) -> Label {
        incident
            .record(NewEntry {
                body,
                at: at(1),
                by: by.into(),
                text: text.into(),
                uuid: Uuid::now_v7(),
                recorded_at: at(1),
                key: false,
            })
            .expect("a valid entry")
            .id
    }

    fn label(text: &str) -> Label {
        text.parse().expect("a label")
    }

    /// Alice and Bob both start from S1, and offline each records a hypothesis, a test
    /// of it and a result.
    fn two_offline() -> (Incident, Incident) {
        let mut shared = opened();
        record(&mut shared, Body::Symptom, "ana", "502s");
        let mut alice = shared.clone();
        let mut bob = shared;
        for (log, who) in [(&mut alice, "alice"), (&mut bob, "bob")] {
            record(log, Body::Hypothesis { explains: vec![] }, who, "h1");
            let h2 = record(log, Body::Hypothesis { explains: vec![] }, who, "h2");
            let t1 = record(log, Body::Test { targets: vec![h2] }, who, "t");
            record(
                log,
                Body::Result {
                    test: t1,
                    rules_out: vec![h2],
                    confirms: vec![],
                    run: None,
                },
                who,
                "r",
            );
        }
        (alice, bob)
    }

    #[test]
    fn clashing_labels_are_renumbered_and_links_follow() {
        let (alice, bob) = two_offline();
        let mut team = alice.clone();
        let joined = team.join(&bob);
        assert_eq!(joined.added, 4);
        let moves: Vec<(String, String, String)> = joined
            .relabeled
            .iter()
            .map(|moved| {
                (
                    moved.from.to_string(),
                    moved.to.to_string(),
                    moved.by.clone(),
                )
            })
            .collect();
        assert_eq!(
            moves,
            [
                ("H1".into(), "H3".into(), "alice".into()),
                ("H2".into(), "H4".into(), "alice".into()),
                ("T1".into(), "T2".into(), "alice".into()),
                ("R1".into(), "R2".into(), "alice".into()),
            ]
        );
        team.validate().expect("the joined log is valid");
        let bobs_result = team.entry(label("R2")).expect("bob's result");
        assert_eq!(
            bobs_result.body,
            Body::Result {
                test: label("T2"),
                rules_out: vec![label("H4")],
                confirms: vec![],
                run: None,
            }
        );
        let alices_result = team.entry(label("R1")).expect("alice's result");
        assert_eq!(alices_result.by, "alice");
    }

    #[test]
    fn joining_twice_or_joining_back_adds_nothing() {
        let (alice, bob) = two_offline();
        let mut team = alice.clone();
        team.join(&bob);
        let once = serde_json::to_string(&team).expect("serializes");
        assert_eq!(team.join(&bob).added, 0);
        assert_eq!(team.join(&alice).added, 0);
        assert_eq!(serde_json::to_string(&team).expect("serializes"), once);
        // Bob receives the team's log: his entries keep the labels the team gave them.
        let mut bob_after = team.clone();
        assert_eq!(bob_after.join(&bob).added, 0);
        assert_eq!(serde_json::to_string(&bob_after).expect("serializes"), once);
    }

    #[test]
    fn a_label_that_does_not_clash_keeps_its_number() {
        let mut shared = opened();
        record(
            &mut shared,
            Body::Hypothesis { explains: vec![] },
            "ana",
            "h1",
        );
        let mut alice = shared.clone();
        let mut bob = shared;
        record(
            &mut alice,
            Body::Hypothesis { explains: vec![] },
            "alice",
            "a",
        );
        record(&mut bob, Body::Hypothesis { explains: vec![] }, "bob", "b2");
        record(&mut bob, Body::Hypothesis { explains: vec![] }, "bob", "b3");
        let mut team = alice.clone();
        let joined = team.join(&bob);
        // Bob's H3 was nobody else's: it stays H3, and his H2 goes past it.
        assert_eq!(joined.relabeled.len(), 1);
        assert_eq!(joined.relabeled[0].to, label("H4"));
        assert_eq!(team.entry(label("H3")).expect("H3").text, "b3");
        assert_eq!(team.entry(label("H4")).expect("H4").text, "b2");
    }

    /// The remote lost Alice's H2, Carol took H2, and Bob, holding Alice's, pushed it back
    /// as H3. Alice's copy of the remote is no disagreement: joined, her entry is H3 as
    /// the remote has it, Carol's is H2, and Alice's test follows her entry to H3.
    #[test]
    fn an_entry_renumbered_on_a_remote_that_lost_history_is_joined_and_links_follow() {
        let mut shared = opened();
        record(
            &mut shared,
            Body::Hypothesis { explains: vec![] },
            "ana",
            "h1",
        );
        let mut alice = shared.clone();
        let h2 = record(
            &mut alice,
            Body::Hypothesis { explains: vec![] },
            "alice",
            "alice's",
        );
        record(
            &mut alice,
            Body::Test { targets: vec![h2] },
            "alice",
            "test of alice's",
        );
        let mut remote = shared;
        record(
            &mut remote,
            Body::Hypothesis { explains: vec![] },
            "carol",
            "carol's",
        );
        let mut renumbered = alice.entry(h2).expect("alice's H2").clone();
        renumbered.id = label("H3");
        remote.entries.push(renumbered);
        assert_eq!(alice.disagreement(&remote), None);
        let mut log = remote.clone();
        let joined = log.join(&alice);
        assert_eq!(
            joined.followed,
            [Relabel {
                from: label("H2"),
                to: label("H3"),
                by: "carol".into(),
            }]
        );
        log.validate().expect("the joined log is valid");
        let test = log
            .entries
            .iter()
            .find(|entry| entry.text == "test of alice's")
            .expect("the test");
        assert_eq!(
            test.body,
            Body::Test {
                targets: vec![label("H3")]
            }
        );
        assert_eq!(log.entry(label("H2")).expect("H2").text, "carol's");
        // A real difference is still one.
        let mut rewritten = remote.clone();
        rewritten.entries.last_mut().expect("an entry").text = "rewritten".into();
        assert!(alice.disagreement(&rewritten).is_some());
    }

    proptest! {
        /// However many machines record offline, joining all their logs in any order
        /// keeps every entry once, labels unique, and each link on its own side's entry.
        #[test]
        fn any_order_of_joins_keeps_every_entry_once(
            machines in prop::collection::vec(prop::collection::vec(0u8..4, 0..6), 1..5),
            order in prop::collection::vec(any::<prop::sample::Index>(), 1..10),
        ) {
            let mut shared = opened();
            record(&mut shared, Body::Symptom, "ana", "s");
            let logs: Vec<Incident> = machines
                .iter()
                .enumerate()
                .map(|(machine, steps)| {
                    let mut log = shared.clone();
                    for (step, what) in steps.iter().enumerate() {
                        let text = format!("m{machine} e{step}");
                        match what {
                            0 => { record(&mut log, Body::Symptom, "m", &text); }
                            1 => { record(&mut log, Body::Hypothesis { explains: vec![label("S1")] }, "m", &text); }
                            2 => {
                                let h = record(&mut log, Body::Hypothesis { explains: vec![] }, "m", &format!("{text} h"));
                                record(&mut log, Body::Test { targets: vec![h] }, "m", &text);
                            }
                            _ => { record(&mut log, Body::Note, "m", &text); }
                        }
                    }
                    log
                })
                .collect();
            let mut team = shared.clone();
            for index in &order {
                team.join(&logs[index.index(logs.len())]);
            }
            for log in &logs {
                team.join(log);
            }
            team.validate().map_err(TestCaseError::fail)?;
            let texts: HashSet<&str> = team.entries.iter().map(|entry| entry.text.as_str()).collect();
            let total: usize = 1 + logs.iter().map(|log| log.entries.len() - 1).sum::<usize>();
            prop_assert_eq!(team.entries.len(), total);
            prop_assert_eq!(texts.len(), total);
            // Each test still targets the hypothesis recorded beside it.
            for entry in &team.entries {
                if let Body::Test { targets } = &entry.body {
                    let hypothesis = team.entry(targets[0]).expect("the target");
                    prop_assert_eq!(&hypothesis.text, &format!("{} h", entry.text));
                }
            }
        }
    }
}
