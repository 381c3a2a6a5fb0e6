//! What became of an incident as a whole, beside its log: its entries merged into another
//! incident (one outage opened twice), another incident's entries merged into it, or
//! discarded as opened by mistake and perhaps restored.
//!
//! Each mark is a record with a UUID, like an entry, so a sync joins the marks made on
//! every machine. They are kept apart from the closes and reopens of `lifecycle`: whether
//! an incident is open follows from those alone, so a restore brings back exactly the
//! status it had. Nothing is ever deleted: a merged or discarded incident keeps its log,
//! read-only.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::{Error, Result};
use super::join::Relabel;
use super::label::{Kind, Label};
use super::{Incident, Stamp, Status, check_text, utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkKind {
    /// This incident's entries went into `incident`, which carries on; this one is
    /// read-only from then on.
    MergedInto,
    /// The entries of `incident` came into this one.
    MergedIn,
    /// Opened by mistake: hidden from `list`, read-only.
    Discarded,
    /// A discard taken back.
    Restored,
}

impl MarkKind {
    pub fn name(self) -> &'static str {
        match self {
            MarkKind::MergedInto => "merged into",
            MarkKind::MergedIn => "merged in",
            MarkKind::Discarded => "discarded",
            MarkKind::Restored => "restored",
        }
    }
}

/// A merge, a discard or a restore: who, when, why, and the other incident of a merge.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mark {
    pub mark: MarkKind,
    /// The other incident of a merge: the survivor, or the incident merged in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
    pub uuid: Uuid,
    #[serde(
        serialize_with = "utc::serialize",
        deserialize_with = "utc::deserialize"
    )]
    pub at: DateTime<Utc>,
    #[serde(
        serialize_with = "utc::serialize",
        deserialize_with = "utc::deserialize"
    )]
    pub recorded_at: DateTime<Utc>,
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// Of a merge in: the retitles that came with the other incident's entries. They name
    /// that incident, so they never retitle this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retitles: Vec<Uuid>,
}

impl Mark {
    fn new(mark: MarkKind, incident: Option<String>, stamp: Stamp, why: Option<String>) -> Mark {
        Mark {
            mark,
            incident,
            uuid: stamp.uuid,
            at: stamp.at,
            recorded_at: stamp.recorded_at,
            by: stamp.by,
            why,
            retitles: Vec::new(),
        }
    }

    /// The other incident of a merge.
    pub fn other(&self) -> &str {
        self.incident.as_deref().unwrap_or_default()
    }
}

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
    /// The incident this one was merged into, if it was: the first merge made, should
    /// two machines each have merged it into another.
    pub fn merged_into(&self) -> Option<&Mark> {
        self.marks
            .iter()
            .find(|mark| mark.mark == MarkKind::MergedInto)
    }

    /// The discard in force: the latest discard or restore, if it is a discard.
    pub fn discarded(&self) -> Option<&Mark> {
        self.marks
            .iter()
            .rev()
            .find(|mark| matches!(mark.mark, MarkKind::Discarded | MarkKind::Restored))
            .filter(|mark| mark.mark == MarkKind::Discarded)
    }

    /// The incidents merged into this one, in the order they were merged.
    pub fn merged_in(&self) -> impl Iterator<Item = &Mark> {
        self.marks
            .iter()
            .filter(|mark| mark.mark == MarkKind::MergedIn)
    }

    /// Whether it still takes entries and changes: not once merged away or discarded.
    pub fn check_active(&self) -> Result<()> {
        if let Some(merged) = self.merged_into() {
            return Err(Error::MergedAway {
                id: self.id.clone(),
                into: merged.other().to_string(),
            });
        }
        if self.discarded().is_some() {
            return Err(Error::Discarded {
                id: self.id.clone(),
            });
        }
        Ok(())
    }

    /// Retitles that came in with another incident's entries: they do not name this one.
    pub(super) fn merged_retitles(&self) -> HashSet<Uuid> {
        self.merged_in()
            .flat_map(|mark| mark.retitles.iter().copied())
            .collect()
    }

    /// Marks this incident as opened by mistake. Nothing is deleted.
    pub fn discard(&mut self, stamp: Stamp, why: Option<String>) -> Result<()> {
        if let Some(merged) = self.merged_into() {
            return Err(Error::DiscardMerged {
                id: self.id.clone(),
                into: merged.other().to_string(),
            });
        }
        if self.discarded().is_some() {
            return Err(Error::AlreadyDiscarded {
                id: self.id.clone(),
            });
        }
        if let Some(why) = &why {
            check_text(why)?;
        }
        self.marks
            .push(Mark::new(MarkKind::Discarded, None, stamp, why));
        Ok(())
    }

    /// Takes back a discard: the incident is as it was, open or closed.
    pub fn restore(&mut self, stamp: Stamp) -> Result<()> {
        if self.discarded().is_none() {
            return Err(match self.merged_into() {
                Some(merged) => Error::RestoreMerged {
                    id: self.id.clone(),
                    into: merged.other().to_string(),
                },
                None => Error::NotDiscarded {
                    id: self.id.clone(),
                },
            });
        }
        self.marks
            .push(Mark::new(MarkKind::Restored, None, stamp, None));
        Ok(())
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
                },
                why.clone(),
            );
            mark.retitles = retitles;
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
        }
        Ok(())
    }
}
