//! Merges that cannot stand, refused as a received document is: a merge into an incident
//! that does not exist, and merges that close a cycle (`a` into `b`, `b` into `a`: both
//! refuse entries, and `list` shows neither, so the outage disappears).
//!
//! A pair merged both ways on two machines is no cycle: the model voids the later merge,
//! the same way on every machine (`model/mark.rs`). What that rule cannot resolve (a ring
//! of three, or marks a hostile push planted with no merge behind them) is refused: each
//! received document whose merge closes the cycle is refused by name, and blocks only
//! itself. The local documents never hold a cycle (a merge into an incident merged away
//! is refused here), so every cycle found has a merge from the remote in it.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use super::receive::Team;
use crate::error::Error;
use crate::model::{Mark, merged_into_among};

/// The merges as they stand here, before a sync joins the remote's.
#[derive(Default)]
pub(super) struct Here {
    /// The incident each local incident is merged into, if any.
    pub into: HashMap<String, Option<String>>,
    /// The marks of each local incident the remote also has a copy of.
    pub marks: HashMap<String, Vec<Mark>>,
}

/// Moves to `team.refused` every received document whose merge, once joined, names an
/// incident that does not exist here or on the remote, or closes a cycle of merges.
pub(super) fn refuse_impossible(team: &mut Team, here: &Here, url: &str) {
    loop {
        let into = joined(team, here);
        let exists = |id: &str| here.into.contains_key(id) || team.documents.contains_key(id);
        let mut received: Vec<&String> = team.documents.keys().collect();
        received.sort();
        let missing = received.into_iter().find_map(|id| {
            let target = into.get(id)?.as_deref()?;
            (!exists(target)).then(|| (id.clone(), target.to_string()))
        });
        if let Some((id, target)) = missing {
            refuse(
                team,
                &id,
                url,
                format!("its merge into {target} names an incident that does not exist"),
            );
            continue;
        }
        let Some(cycle) = first_cycle(&into) else {
            return;
        };
        let ring = cycle
            .iter()
            .chain(cycle.first())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" -> ");
        let mut refused_any = false;
        for id in &cycle {
            let came = into.get(id).cloned().flatten();
            let had = here.into.get(id).cloned().flatten();
            if team.documents.contains_key(id) && came != had {
                let target = came.unwrap_or_default();
                refuse(
                    team,
                    id,
                    url,
                    format!("its merge into {target} would close a cycle of merges ({ring})"),
                );
                refused_any = true;
            }
        }
        if !refused_any {
            // A cycle held here already (an older build's): nothing received closes it.
            return;
        }
    }
}

/// Where each incident would be merged into once the remote's marks are joined.
fn joined(team: &Team, here: &Here) -> HashMap<String, Option<String>> {
    let mut into = here.into.clone();
    for (id, received) in &team.documents {
        let mut marks = here.marks.get(id).cloned().unwrap_or_default();
        for mark in &received.incident.marks {
            if !marks.iter().any(|held| held.uuid == mark.uuid) {
                marks.push(mark.clone());
            }
        }
        marks.sort_by(|a, b| a.recorded_at.cmp(&b.recorded_at).then(a.uuid.cmp(&b.uuid)));
        let target = merged_into_among(id, &marks).map(|mark| mark.other().to_string());
        into.insert(id.clone(), target);
    }
    into
}

/// The first cycle of merges, by the smallest id in it, its ids in order.
fn first_cycle(into: &HashMap<String, Option<String>>) -> Option<Vec<String>> {
    let ids: BTreeSet<&String> = into.keys().collect();
    for start in ids {
        let mut path = vec![start.clone()];
        let mut at = start;
        while let Some(Some(next)) = into.get(at) {
            if next == start {
                return Some(path);
            }
            if path.contains(next) || path.len() > into.len() {
                break;
            }
            path.push(next.clone());
            at = next;
        }
    }
    None
}

fn refuse(team: &mut Team, id: &str, url: &str, reason: String) {
    team.documents.remove(id);
    let path = PathBuf::from(format!("{url} {}/{id}.json", super::git::FOLDER));
    team.refused
        .insert(id.to_string(), Error::Damaged { path, reason }.to_string());
}
