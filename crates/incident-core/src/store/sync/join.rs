//! Joining each local incident with its copy on the remote (`model::join`: the union by
//! UUID, clashing labels renumbered, every link following), saving the result here and
//! staging it to push; and folding entries that reached an incident after it was merged
//! away into its survivor.

use std::collections::HashSet;

use uuid::Uuid;

use super::super::Store;
use super::super::documents::document_bytes;
use super::receive::Team;
use super::{Round, count, landing, news, uuids};
use crate::error::{Error, Result};
use crate::model::Incident;
use crate::sharing::{Relabeled, Synced};

impl Store {
    /// Joins each local incident with its copy on the remote, saves the result here, and
    /// stages it to push when the remote lacked anything.
    pub(super) fn join_each(
        &self,
        team: &Team,
        synced: &mut Synced,
        round: &mut Round,
    ) -> Result<()> {
        for id in self.ids()? {
            if team.unchanged.contains_key(&id) {
                continue;
            }
            if team.refused.contains_key(&id) {
                // Told once, with every refused document.
                continue;
            }
            let received = team.documents.get(&id);
            // Unchanged on both sides: nothing to read or write.
            if let Some(received) = received
                && self.raw_document(&id).ok().as_deref() == Some(received.bytes.as_slice())
            {
                round.shared.insert(id.clone(), count(&received.incident));
                round.held_there.insert(id, count(&received.incident));
                continue;
            }
            let mut outcome = Outcome::Unreadable;
            let saved = self.replace(&id, |here| {
                let Some(received) = received else {
                    outcome = Outcome::OnlyHere(count(&here));
                    return Ok(None);
                };
                if received.incident.uuid != here.uuid {
                    outcome = Outcome::Clash;
                    return Ok(None);
                }
                if let Some(reason) = here.disagreement(&received.incident) {
                    outcome = Outcome::Refused(reason);
                    return Ok(None);
                }
                let before = document_bytes(&here);
                let mut log = received.incident.clone();
                let new_here = uuids(&log).difference(&uuids(&here)).count();
                let joined = log.join(&here);
                log.schema = crate::model::SCHEMA;
                // What both sides hold agrees; what they add must still fit together.
                if let Err(reason) = log.validate() {
                    outcome = Outcome::Refused(format!("joined with the entries here, {reason}"));
                    return Ok(None);
                }
                let changed_here = document_bytes(&log) != before;
                if changed_here {
                    // Told before it is saved: a kill between the two leaves news not
                    // in force, never a renumbering untold.
                    let moves: Vec<_> = joined
                        .relabeled
                        .iter()
                        .chain(&joined.followed)
                        .cloned()
                        .collect();
                    self.journal(news::relabels(&log, &moves))?;
                }
                outcome = Outcome::Joined {
                    joined,
                    new_here,
                    log: Box::new(log.clone()),
                };
                Ok(changed_here.then_some(log))
            });
            match saved {
                Ok(_) => {}
                Err(error @ (Error::Damaged { .. } | Error::NewerSchema { .. })) => {
                    round.problems.push(error.to_string());
                    continue;
                }
                Err(error) => return Err(error),
            }
            match outcome {
                Outcome::Unreadable => {}
                Outcome::Clash => round.problems.push(format!(
                    "incident {id} was not shared: the remote holds another incident with that id"
                )),
                Outcome::Refused(reason) => round.problems.push(format!(
                    "incident {id} was not synced: the remote's copy is refused: {reason}"
                )),
                Outcome::OnlyHere(number) => {
                    // Read again: the lock was released, and entries may have come since.
                    let here = self.load(&id)?;
                    round.sending.insert(id.clone(), number.max(count(&here)));
                    round.shared.insert(id.clone(), count(&here));
                    round.landing.insert(id.clone(), landing(&here));
                    round
                        .outgoing
                        .push((format!("{id}.json"), document_bytes(&here)));
                }
                Outcome::Joined {
                    joined,
                    new_here,
                    log,
                } => {
                    if new_here > 0 {
                        synced.received += new_here;
                        synced.incidents.entry(id.clone()).or_default().received += new_here;
                    }
                    if !joined.followed.is_empty() {
                        // The remote's labels won: said, as any renumbering is.
                        synced.incidents.entry(id.clone()).or_default();
                    }
                    synced
                        .relabeled
                        .extend(
                            joined
                                .relabeled
                                .iter()
                                .chain(&joined.followed)
                                .map(|moved| Relabeled {
                                    incident: id.clone(),
                                    from: moved.from.to_string(),
                                    to: moved.to.to_string(),
                                    by: moved.by.clone(),
                                }),
                        );
                    round.shared.insert(id.clone(), count(&log));
                    if let Some(received) = received {
                        round
                            .held_there
                            .insert(id.clone(), count(&received.incident));
                    }
                    if joined.changed() {
                        round.sending.insert(id.clone(), joined.added);
                        round.landing.insert(id.clone(), landing(&log));
                        round
                            .outgoing
                            .push((format!("{id}.json"), document_bytes(&log)));
                    }
                }
            }
        }
        Ok(())
    }

    /// Merges again each incident merged away here whose survivor here lacks some of its
    /// entries (recorded elsewhere before that machine heard of the merge): what
    /// a merge does when run again. Returns whether anything was folded in.
    pub(super) fn fold_late_entries(
        &self,
        team: &Team,
        author: &str,
        now: chrono::DateTime<chrono::Utc>,
        synced: &mut Synced,
    ) -> Result<bool> {
        let mut folded = false;
        for id in self.ids()? {
            // Unchanged on both sides since the last sync, which folded what it could.
            if team.unchanged.contains_key(&id) {
                continue;
            }
            let Ok(merged) = self.load(&id) else {
                continue;
            };
            let Some(survivor) = merged.merged_into().map(|mark| mark.other().to_string()) else {
                continue;
            };
            let Ok(there) = self.load(&survivor) else {
                continue;
            };
            // Only into an incident that recorded this merge: an id that names another
            // incident now (a rename cut short) never takes these entries.
            if !there.merged_in().any(|mark| mark.other() == id) {
                continue;
            }
            let have: HashSet<Uuid> = there.entries.iter().map(|entry| entry.uuid).collect();
            if merged
                .entries
                .iter()
                .all(|entry| have.contains(&entry.uuid))
            {
                continue;
            }
            let stamp = crate::model::Stamp {
                uuid: Uuid::now_v7(),
                at: now,
                recorded_at: now,
                by: author.to_string(),
                key: false,
            };
            let outcome = self.update_both(&survivor, &id, |survivor, merged| {
                let merge = survivor.merge(merged, stamp, Uuid::now_v7(), None)?;
                self.journal(news::relabels(survivor, &merge.relabeled))?;
                Ok::<_, Error>(merge)
            });
            // A merge refused now (the survivor discarded since, say) leaves both as
            // they are; the merge says why.
            let Ok((_, _, merge)) = outcome else {
                continue;
            };
            folded |= merge.added > 0;
            synced
                .relabeled
                .extend(merge.relabeled.iter().map(|moved| Relabeled {
                    incident: survivor.clone(),
                    from: moved.from.to_string(),
                    to: moved.to.to_string(),
                    by: moved.by.clone(),
                }));
        }
        Ok(folded)
    }
}

/// What joining one local incident found.
enum Outcome {
    /// The local document could not be read; the error is the problem reported.
    Unreadable,
    /// The remote has another incident under this id, and the rename could not be made.
    Clash,
    /// The remote's copy contradicts this one, or cannot be joined with it.
    Refused(String),
    /// Not on the remote yet: all of its entries go out.
    OnlyHere(usize),
    Joined {
        joined: crate::model::Joined,
        /// Entries the remote had that this machine did not.
        new_here: usize,
        log: Box<Incident>,
    },
}
