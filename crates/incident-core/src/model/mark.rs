//! What became of an incident as a whole, beside its log: its entries merged into another
//! incident (one outage opened twice), another incident's entries merged into it, or
//! discarded as opened by mistake and perhaps restored.
//!
//! Each mark is a record with a UUID, like an entry, so a sync joins the marks made on
//! every machine. They are kept apart from the closes and reopens of `lifecycle`: whether
//! an incident is open follows from those alone, so a restore brings back exactly the
//! status it had. Nothing is ever deleted: a merged or discarded incident keeps its log,
//! read-only. The marks themselves are part of the document (`incident.rs`); the rules
//! of merging, and which marks apply, are here.
//!
//! Two machines can merge one pair both ways before either hears of the other's merge;
//! joined, each incident then holds both. The merge made first stands and the later one
//! is void, by a rule each document decides alone, the same on every machine: among one
//! incident's merge marks naming the same other incident, the earliest by (time recorded,
//! survivor's id) gives the direction, and a mark of the other direction does not apply
//! (`applies`). Both documents of a merge hold its time and both ids, so they agree.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::check::check_text;
use super::error::{Error, Result};
use super::incident::{Incident, Mark, MarkKind, Presence, Stamp, Status};
use super::join::Relabel;
use super::label::{Kind, Label};

/// How a merge went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeOutcome {
    /// Merged now.
    Merged,
    /// A merge cut short after the survivor was saved (a kill, a full disk) is finished:
    /// the other incident is marked merged now.
    Completed,
    /// Merged before; `added` counts entries the other incident received since (a sync
    /// from a machine that recorded there before it heard of the merge).
    Again,
}

/// What `merge` did.
#[derive(Debug)]
pub struct Merge {
    pub outcome: MergeOutcome,
    /// Entries of the other incident added to the survivor.
    pub added: usize,
    /// The other incident's labels that were taken here, and the labels they have now.
    pub relabeled: Vec<Relabel>,
}

impl Incident {
    pub fn presence(&self) -> Presence {
        Presence {
            status: self.status(),
            merged_away: self.merged_into().is_some(),
            discarded: self.discarded().is_some(),
        }
    }

    /// `Presence::is_history`.
    pub fn is_history(&self) -> bool {
        self.presence().is_history()
    }

    /// The incident this one was merged into, if it was: the first merge made, should
    /// two machines each have merged it into another; never a merge made void by the
    /// same pair merged the other way first.
    pub fn merged_into(&self) -> Option<&Mark> {
        merged_into_among(&self.id, &self.marks)
    }

    /// Whether a mark is in force: every mark is but a merge made void by the same pair
    /// merged the other way first (module doc).
    pub fn applies(&self, mark: &Mark) -> bool {
        applies(&self.id, &self.marks, mark)
    }

    /// The discard in force: the latest discard or restore, if it is a discard.
    pub fn discarded(&self) -> Option<&Mark> {
        self.marks
            .iter()
            .rev()
            .find(|mark| matches!(mark.mark, MarkKind::Discarded | MarkKind::Restored))
            .filter(|mark| mark.mark == MarkKind::Discarded)
    }

    /// The incidents merged into this one, in the order they were merged (not a merge
    /// made void by the same pair merged the other way first).
    pub fn merged_in(&self) -> impl Iterator<Item = &Mark> {
        self.marks
            .iter()
            .filter(|mark| mark.mark == MarkKind::MergedIn && self.applies(mark))
    }

    /// Retitles that came in with another incident's entries: they do not name this one,
    /// even when that merge was made void (the entries came in all the same).
    pub fn merged_retitles(&self) -> HashSet<Uuid> {
        self.marks
            .iter()
            .filter(|mark| mark.mark == MarkKind::MergedIn)
            .flat_map(|mark| mark.retitles.iter().copied())
            .collect()
    }

    /// Entries that came in with another incident merged in and say only how that
    /// incident stood at its opening: its severity then.
    pub(super) fn merged_openings(&self) -> HashSet<Uuid> {
        self.marks
            .iter()
            .filter(|mark| mark.mark == MarkKind::MergedIn)
            .filter_map(|mark| mark.opening_severity)
            .collect()
    }

    /// The entry that set this incident's severity at its opening (`open --severity`, or
    /// one set for a moment at or before it), if one still counts: the earliest.
    fn opening_severity(&self) -> Option<Uuid> {
        let state = self.state();
        state
            .live(Kind::Severity)
            .filter(|entry| state.at(entry) <= self.opened_at)
            .min_by_key(|entry| state.at(entry))
            .map(|entry| entry.uuid)
    }

    /// Merges `other`, the same outage opened as another incident, into this one: every
    /// entry of `other` this log lacks (by UUID) is added with its author, times,
    /// corrections and retractions, labels that clash renumbered and links following
    /// (`join_entries`); this incident records the merge, and `other` is marked merged
    /// into this one. On error neither is changed.
    ///
    /// Saved in that order (this one, then `other`), a merge cut short between the two
    /// saves is finished by merging again: the entries are found here already and the
    /// merge recorded, so only `other` is marked. Merging again after that adds only what
    /// `other` received since, and records nothing new.
    ///
    /// `stamp` is the merge as this incident records it; `other_uuid` the mark `other`
    /// gets.
    pub fn merge(
        &mut self,
        other: &mut Incident,
        stamp: Stamp,
        other_uuid: Uuid,
        why: Option<String>,
    ) -> Result<Merge> {
        if self.id == other.id {
            return Err(Error::MergeIntoItself {
                id: self.id.clone(),
            });
        }
        if let Some(merged) = self.merged_into() {
            return Err(Error::MergeIntoMerged {
                id: self.id.clone(),
                into: merged.other().to_string(),
                other: other.id.clone(),
            });
        }
        if self.discarded().is_some() {
            return Err(Error::Discarded {
                id: self.id.clone(),
            });
        }
        let marked = match other.merged_into() {
            Some(merged) if merged.other() != self.id => {
                return Err(Error::AlreadyMerged {
                    id: other.id.clone(),
                    into: merged.other().to_string(),
                    here: self.id.clone(),
                });
            }
            Some(_) => true,
            None => false,
        };
        if !marked && other.discarded().is_some() {
            return Err(Error::Discarded {
                id: other.id.clone(),
            });
        }
        let recorded = self.merged_in().any(|mark| mark.other() == other.id);
        if !recorded && !marked {
            // Closing the survivor ended the diagnosis: an investigation still going on
            // in `other` would end with it, unseen.
            if self.status() == Status::Closed && other.status() == Status::Open {
                return Err(Error::MergeOpenIntoClosed {
                    id: self.id.clone(),
                    other: other.id.clone(),
                });
            }
        }
        if let Some(why) = &why {
            check_text(why)?;
        }

        let joined = self.join_entries(&other.entries);
        let came = &self.entries[self.entries.len() - joined.added..];
        let retitles: Vec<Uuid> = came
            .iter()
            .filter(|entry| entry.kind() == Kind::Retitle)
            .map(|entry| entry.uuid)
            .collect();
        if !recorded {
            let mut mark = Mark::new(
                MarkKind::MergedIn,
                Some(other.id.clone()),
                Stamp {
                    uuid: stamp.uuid,
                    at: stamp.at,
                    recorded_at: stamp.recorded_at,
                    by: stamp.by.clone(),
                    key: false,
                },
                why.clone(),
            );
            mark.retitles = retitles;
            mark.opening_severity = other.opening_severity();
            self.marks.push(mark);
        }
        if !marked {
            other.marks.push(Mark::new(
                MarkKind::MergedInto,
                Some(self.id.clone()),
                Stamp {
                    uuid: other_uuid,
                    ..stamp
                },
                why,
            ));
        }
        let (outcome, relabeled) = match (recorded, marked) {
            (_, true) => (MergeOutcome::Again, joined.relabeled),
            // The renumbering was made when the survivor was saved, and never said.
            (true, false) => (MergeOutcome::Completed, self.relabels_of(other)),
            (false, false) => (MergeOutcome::Merged, joined.relabeled),
        };
        Ok(Merge {
            outcome,
            added: joined.added,
            relabeled,
        })
    }

    /// The labels `other`'s entries have in this log where they differ from their own.
    fn relabels_of(&self, other: &Incident) -> Vec<Relabel> {
        let here: HashMap<Uuid, Label> = self
            .entries
            .iter()
            .map(|entry| (entry.uuid, entry.id))
            .collect();
        other
            .entries
            .iter()
            .filter_map(|entry| {
                let to = *here.get(&entry.uuid)?;
                (to != entry.id).then(|| Relabel {
                    from: entry.id,
                    to,
                    by: self
                        .entry(entry.id)
                        .map(|taken| taken.by.clone())
                        .unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Points the merges that name incident `from` at `to`, its new id (a sync renames an
    /// incident whose id the team gave to another). Returns whether any did.
    pub fn follow_rename(&mut self, from: &str, to: &str) -> bool {
        let mut followed = false;
        for mark in &mut self.marks {
            if mark.incident.as_deref() == Some(from) {
                mark.incident = Some(to.to_string());
                followed = true;
            }
        }
        followed
    }

    /// Adds the marks of `other` that this incident lacks (by UUID), in the order they
    /// were made: what a sync joins beside the entries.
    pub fn join_marks(&mut self, other: &[Mark]) -> usize {
        let mut here: HashSet<Uuid> = self.marks.iter().map(|mark| mark.uuid).collect();
        let before = self.marks.len();
        for mark in other {
            if here.insert(mark.uuid) {
                self.marks.push(mark.clone());
            }
        }
        let added = self.marks.len() - before;
        if added > 0 {
            self.marks
                .sort_by(|a, b| a.recorded_at.cmp(&b.recorded_at).then(a.uuid.cmp(&b.uuid)));
        }
        added
    }

    /// What `validate` holds marks to: a merge names another incident, nothing else does.
    pub(super) fn validate_marks(&self) -> std::result::Result<(), String> {
        for mark in &self.marks {
            let merge = matches!(mark.mark, MarkKind::MergedInto | MarkKind::MergedIn);
            match &mark.incident {
                Some(other) if !merge => {
                    return Err(format!("a {} mark names {other:?}", mark.mark.name()));
                }
                None if merge => {
                    return Err(format!("a {} mark names no incident", mark.mark.name()));
                }
                Some(other) if *other == self.id => {
                    return Err("a merge mark names the incident itself".into());
                }
                _ => {}
            }
            if !mark.retitles.is_empty() && mark.mark != MarkKind::MergedIn {
                return Err(format!("a {} mark lists retitles", mark.mark.name()));
            }
            if mark.opening_severity.is_some() && mark.mark != MarkKind::MergedIn {
                return Err(format!("a {} mark names a severity", mark.mark.name()));
            }
        }
        Ok(())
    }
}

/// Whether a merge mark is the merge `incident` made into another, or of another into it.
fn is_merge(mark: &Mark) -> bool {
    matches!(mark.mark, MarkKind::MergedInto | MarkKind::MergedIn)
}

/// The order in which two merges of one pair were made, the same in both documents: the
/// time it was recorded, then the survivor's id (a second alone cannot tell them apart).
fn made<'a>(incident: &'a str, mark: &'a Mark) -> (DateTime<Utc>, &'a str) {
    let survivor = match mark.mark {
        MarkKind::MergedInto => mark.other(),
        _ => incident,
    };
    (mark.recorded_at, survivor)
}

/// `Incident::applies` for the incident `id` holding `marks`.
pub fn applies(id: &str, marks: &[Mark], mark: &Mark) -> bool {
    if !is_merge(mark) {
        return true;
    }
    marks
        .iter()
        .filter(|first| is_merge(first) && first.other() == mark.other())
        .min_by(|a, b| made(id, a).cmp(&made(id, b)))
        .is_none_or(|first| first.mark == mark.mark)
}

/// `Incident::merged_into` for the incident `id` holding `marks` (a sync asks it of the
/// marks a join would give, before joining).
pub fn merged_into_among<'a>(id: &str, marks: &'a [Mark]) -> Option<&'a Mark> {
    marks
        .iter()
        .find(|mark| mark.mark == MarkKind::MergedInto && applies(id, marks, mark))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::{Body, HypothesisStatus, NewEntry};

    fn at(minute: u32) -> DateTime<Utc> {
        format!("2026-11-21T03:{minute:02}:00Z")
            .parse()
            .expect("a time")
    }

    fn stamp(minute: u32) -> Stamp {
        Stamp {
            uuid: Uuid::now_v7(),
            at: at(minute),
            recorded_at: at(minute),
            by: "ana".into(),
            key: false,
        }
    }

    fn opened(id: &str) -> Incident {
        Incident::new(id.into(), id.into(), stamp(0))
    }

    fn record(incident: &mut Incident, body: Body, text: &str) -> Label {
        incident
            .record(NewEntry {
                body,
                at: at(1),
                by: "ana".into(),
                text: text.into(),
                uuid: Uuid::now_v7(),
                recorded_at: at(1),
                key: false,
            })
            .expect("a valid entry")
            .id
    }

    /// A log of notes, and hypotheses each with a test and a result that rules it out or
    /// confirms it.
    fn diagnosis(id: &str, steps: &[u8]) -> Incident {
        let mut incident = opened(id);
        for (step, what) in steps.iter().enumerate() {
            let text = format!("{id} {step}");
            if what % 2 == 0 {
                record(&mut incident, Body::Note, &text);
                continue;
            }
            let h = record(&mut incident, Body::Hypothesis { explains: vec![] }, &text);
            let t = record(&mut incident, Body::Test { targets: vec![h] }, &text);
            let (rules_out, confirms) = if what % 4 == 1 {
                (vec![h], vec![])
            } else {
                (vec![], vec![h])
            };
            let result = Body::Result {
                test: t,
                rules_out,
                confirms,
                run: None,
            };
            record(&mut incident, result, &text);
        }
        incident
    }

    /// Each entry's label, and each hypothesis's status, by UUID.
    fn standing(incident: &Incident) -> HashMap<Uuid, (Label, Option<HypothesisStatus>)> {
        let state = incident.state();
        incident
            .entries
            .iter()
            .map(|entry| {
                let status = (entry.kind() == Kind::Hypothesis).then(|| state.status(entry.id));
                (entry.uuid, (entry.id, status))
            })
            .collect()
    }

    proptest! {
        /// Whatever the two logs, a merge keeps every entry once, the survivor's labels,
        /// and every verdict; merging again adds nothing.
        #[test]
        fn a_merge_keeps_every_entry_once_and_every_verdict(
            here in prop::collection::vec(0u8..8, 0..8),
            there in prop::collection::vec(0u8..8, 0..8),
        ) {
            let mut survivor = diagnosis("checkout", &here);
            let mut other = diagnosis("payments", &there);
            let (before, theirs) = (standing(&survivor), standing(&other));
            let merge = survivor.merge(&mut other, stamp(5), Uuid::now_v7(), None).expect("merges");
            prop_assert_eq!(merge.outcome, MergeOutcome::Merged);
            prop_assert_eq!(merge.added, theirs.len());
            survivor.validate().map_err(TestCaseError::fail)?;
            let after = standing(&survivor);
            prop_assert_eq!(after.len(), before.len() + theirs.len());
            for (uuid, (label, status)) in &before {
                prop_assert_eq!(&after[uuid], &(*label, *status));
            }
            for (uuid, (label, status)) in &theirs {
                let (now, now_status) = after[uuid];
                prop_assert_eq!(now_status, *status);
                let moved = merge.relabeled.iter().find(|moved| moved.from == *label);
                prop_assert_eq!(now, moved.map_or(*label, |moved| moved.to));
            }
            let document = serde_json::to_string(&survivor).expect("serializes");
            let again = survivor.merge(&mut other, stamp(6), Uuid::now_v7(), None).expect("merges");
            prop_assert_eq!(again.outcome, MergeOutcome::Again);
            prop_assert_eq!(again.added, 0);
            prop_assert_eq!(serde_json::to_string(&survivor).expect("serializes"), document);
        }
    }

    fn severity(incident: &mut Incident, number: u8, minute: u32) -> Label {
        let severity = crate::model::Severity::new(number).expect("a severity");
        let label = record(incident, Body::Severity { severity }, "");
        let position = incident.entries.len() - 1;
        incident.entries[position].at = at(minute);
        label
    }

    /// The duplicate was opened at severity 3 while this one was at 2 and going to 1: its
    /// opening severity says how it was opened, and is no downgrade of this incident.
    #[test]
    fn the_severity_an_incident_merged_in_was_opened_at_is_no_change() {
        let mut survivor = opened("github");
        severity(&mut survivor, 2, 0);
        severity(&mut survivor, 1, 20);
        let mut duplicate = opened("status-yellow");
        duplicate.opened_at = at(9);
        severity(&mut duplicate, 3, 9);
        survivor
            .merge(&mut duplicate, stamp(30), Uuid::now_v7(), None)
            .expect("merges");
        let state = survivor.state();
        let changes: Vec<String> = state
            .severity_changes()
            .iter()
            .map(|entry| entry.id.to_string())
            .collect();
        assert_eq!(changes, ["E1", "E2"], "E3 came in with the duplicate");
        let merged = state.entry("E3".parse().expect("a label")).expect("E3");
        assert!(state.is_merged_opening(merged) && !state.is_event(merged));
        assert_eq!(state.severity().map(|s| s.to_string()), Some("1".into()));
        assert_eq!(
            state.peak_severity().map(|s| s.to_string()),
            Some("1".into())
        );

        // Merged into an incident that never had a severity, it is the only one known.
        let mut unrated = opened("github-2");
        let mut duplicate = opened("status-red");
        severity(&mut duplicate, 3, 0);
        severity(&mut duplicate, 2, 5);
        unrated
            .merge(&mut duplicate, stamp(30), Uuid::now_v7(), None)
            .expect("merges");
        let state = unrated.state();
        assert_eq!(state.severity_changes().len(), 1, "its later change is one");
        assert_eq!(state.severity().map(|s| s.to_string()), Some("2".into()));
        let mut never = opened("github-3");
        let mut duplicate = opened("status-amber");
        severity(&mut duplicate, 3, 0);
        never
            .merge(&mut duplicate, stamp(30), Uuid::now_v7(), None)
            .expect("merges");
        assert_eq!(
            never.state().severity().map(|s| s.to_string()),
            Some("3".into())
        );
    }

    #[test]
    fn a_merge_cut_short_is_finished_by_merging_again() {
        let mut survivor = diagnosis("checkout", &[1, 0, 3]);
        let mut other = diagnosis("payments", &[1, 1, 0]);
        let untouched = other.clone();
        let first = survivor
            .merge(
                &mut other,
                stamp(5),
                Uuid::now_v7(),
                Some("one outage".into()),
            )
            .expect("merges");
        // Killed after the survivor was saved: the other is read back as it was.
        let mut other = untouched;
        let finished = survivor
            .merge(&mut other, stamp(6), Uuid::now_v7(), None)
            .expect("finishes");
        assert_eq!(finished.outcome, MergeOutcome::Completed);
        assert_eq!(finished.added, 0);
        assert_eq!(finished.relabeled, first.relabeled);
        assert_eq!(survivor.merged_in().count(), 1);
        assert_eq!(
            other.merged_into().map(Mark::other),
            Some("checkout"),
            "only the other is marked now"
        );
    }

    #[test]
    fn merges_that_cannot_be_done_change_nothing() {
        let mut checkout = diagnosis("checkout", &[1]);
        let mut payments = diagnosis("payments", &[1]);
        let mut dns = diagnosis("dns", &[0]);
        let mut itself = checkout.clone();
        assert!(matches!(
            checkout.merge(&mut itself, stamp(5), Uuid::now_v7(), None),
            Err(Error::MergeIntoItself { .. })
        ));
        checkout
            .merge(&mut payments, stamp(5), Uuid::now_v7(), None)
            .expect("merges");
        let (dns_before, payments_before) = (dns.clone(), payments.clone());
        assert!(matches!(
            dns.merge(&mut payments, stamp(6), Uuid::now_v7(), None),
            Err(Error::AlreadyMerged { into, .. }) if into == "checkout"
        ));
        assert!(matches!(
            payments.merge(&mut dns, stamp(6), Uuid::now_v7(), None),
            Err(Error::MergeIntoMerged { into, .. }) if into == "checkout"
        ));
        checkout.close(stamp(7), None, None).expect("closes");
        assert!(matches!(
            checkout.merge(&mut dns, stamp(8), Uuid::now_v7(), None),
            Err(Error::MergeOpenIntoClosed { .. })
        ));
        let unchanged = |a: &Incident, b: &Incident| {
            serde_json::to_string(a).expect("serializes")
                == serde_json::to_string(b).expect("serializes")
        };
        assert!(unchanged(&dns, &dns_before));
        assert!(unchanged(&payments, &payments_before));
        // A closed one into an open one comes in.
        dns.close(stamp(9), None, None).expect("closes");
        checkout.reopen(stamp(9)).expect("reopens");
        checkout
            .merge(&mut dns, stamp(10), Uuid::now_v7(), None)
            .expect("merges");
        // Three of its own, three of payments, and the closed one's note.
        assert_eq!(checkout.entries.len(), 3 + 3 + dns_before.entries.len());
    }

    #[test]
    fn merged_away_or_discarded_is_neither_listed_nor_history() {
        let presence = |status, merged_away, discarded| Presence {
            status,
            merged_away,
            discarded,
        };
        assert!(presence(Status::Open, false, false).is_listed());
        assert!(!presence(Status::Closed, false, false).is_listed());
        assert!(presence(Status::Closed, false, false).is_history());
        for (merged_away, discarded) in [(true, false), (false, true)] {
            let away = presence(Status::Open, merged_away, discarded);
            assert!(!away.is_listed() && !away.is_history());
        }
        let mut merged = opened("dns");
        let mut survivor = opened("checkout");
        assert!(merged.presence().is_listed());
        survivor
            .merge(&mut merged, stamp(5), Uuid::now_v7(), None)
            .expect("merges");
        assert_eq!(merged.presence(), presence(Status::Open, true, false));
        assert!(survivor.is_history());
    }

    #[test]
    fn marks_made_on_two_machines_join_once_in_the_order_they_were_made() {
        let mut alice = opened("oops");
        let mut bob = alice.clone();
        alice.discard(stamp(2), None).expect("discards");
        bob.discard(stamp(3), None).expect("discards");
        bob.restore(stamp(4)).expect("restores");
        let mut team = alice.clone();
        assert_eq!(team.join_marks(&bob.marks), 2);
        assert_eq!(team.join_marks(&bob.marks), 0);
        assert!(team.discarded().is_none(), "the restore came last");
        let mut other_way = bob.clone();
        other_way.join_marks(&alice.marks);
        assert_eq!(
            serde_json::to_string(&team).expect("serializes"),
            serde_json::to_string(&other_way).expect("serializes")
        );
    }

    /// Alice merges resolver into dns while Bob merges dns into resolver; each document
    /// then holds both merges. Joined in any order, on any machine, the merge made first
    /// stands: one survivor that takes entries, the other merged into it. In the same
    /// second, the survivor's id decides, the same way in both documents.
    #[test]
    fn a_pair_merged_both_ways_keeps_the_merge_made_first_in_both_documents() {
        for (alices_minute, bobs_minute, survivor) in
            [(5, 6, "dns"), (6, 5, "resolver"), (5, 5, "dns")]
        {
            let (dns, resolver) = (diagnosis("dns", &[0]), diagnosis("resolver", &[0]));
            let (mut alices_dns, mut alices_resolver) = (dns.clone(), resolver.clone());
            alices_dns
                .merge(
                    &mut alices_resolver,
                    stamp(alices_minute),
                    Uuid::now_v7(),
                    None,
                )
                .expect("merges");
            let (mut bobs_dns, mut bobs_resolver) = (dns, resolver);
            bobs_resolver
                .merge(&mut bobs_dns, stamp(bobs_minute), Uuid::now_v7(), None)
                .expect("merges");
            alices_dns.join_marks(&bobs_dns.marks);
            alices_resolver.join_marks(&bobs_resolver.marks);
            bobs_dns.join_marks(&alices_dns.marks);
            bobs_resolver.join_marks(&alices_resolver.marks);
            for (dns, resolver) in [(&alices_dns, &alices_resolver), (&bobs_dns, &bobs_resolver)] {
                let (kept, away) = if survivor == "dns" {
                    (dns, resolver)
                } else {
                    (resolver, dns)
                };
                assert!(kept.check_active().is_ok(), "{survivor} takes entries");
                assert_eq!(away.merged_into().map(Mark::other), Some(survivor));
                assert_eq!(kept.merged_in().count(), 1);
                assert_eq!(away.merged_in().count(), 0);
                assert_eq!(
                    kept.marks.iter().filter(|mark| !kept.applies(mark)).count(),
                    1
                );
            }
        }
    }
}
