//! What a sync says: one line per incident changed, one per label renumbered and per
//! incident renamed.

use serde_json::json;

use incident_core::sanitize;
use incident_core::store::{Moved, Synced};

pub fn lines(synced: &Synced) -> String {
    if synced.incidents.is_empty() && synced.renamed.is_empty() && synced.problems.is_empty() {
        return "up to date: nothing to send or receive\n".to_string();
    }
    let mut out = String::new();
    for renamed in &synced.renamed {
        let reason = match &renamed.by {
            Some(by) => format!("{} opened {} first", sanitize::one_line(by), renamed.from),
            None => "the team holds it under that id".to_string(),
        };
        out.push_str(&format!(
            "{} is now {}: {reason}\n",
            renamed.from, renamed.to
        ));
    }
    for (id, exchanged) in &synced.incidents {
        out.push_str(&format!(
            "{id}: sent {}, received {}\n",
            exchanged.sent, exchanged.received
        ));
        for moved in synced
            .relabeled
            .iter()
            .filter(|moved| moved.incident == *id)
        {
            out.push_str(&format!(
                "  {} is now {}: {} recorded {} first\n",
                moved.from,
                moved.to,
                sanitize::one_line(&moved.by),
                moved.from
            ));
        }
    }
    out
}

pub fn ids(synced: &Synced) -> String {
    synced
        .incidents
        .keys()
        .map(|id| format!("{id}\n"))
        .collect()
}

pub fn json(synced: &Synced) -> String {
    let value = json!({
        "sent": synced.sent,
        "received": synced.received,
        "incidents": synced.incidents.keys().collect::<Vec<_>>(),
        "relabeled": synced.relabeled.iter().map(|moved| json!({
            "incident": moved.incident,
            "from": moved.from,
            "to": moved.to,
            "by": moved.by,
        })).collect::<Vec<_>>(),
        "renamed": synced.renamed.iter().map(|renamed| json!({
            "from": renamed.from,
            "to": renamed.to,
        })).collect::<Vec<_>>(),
    });
    crate::render::json::to_json(&value)
}

/// A label or id a sync changed, as the next command tells it or refuses it:
/// `H1 is now H3 in 2026-11-21-dns: bob recorded H1 first`.
pub fn moved(moved: &Moved) -> String {
    match moved {
        Moved::Label {
            incident,
            from,
            to,
            by,
        } => format!(
            "{from} is now {to} in {incident}: {} recorded {from} first",
            sanitize::one_line(by)
        ),
        Moved::Id { from, to, by } => match by {
            Some(by) => format!(
                "{from} is now {to}: {} opened {from} first",
                sanitize::one_line(by)
            ),
            None => format!("{from} is now {to}: the team holds it under that id"),
        },
    }
}
