//! What a sync says: one line per incident changed, one per label renumbered and per
//! incident renamed, one for each list the team shares (contacts, synonyms) that moved;
//! and the same events told as news after a background sync. The one wording of each event is
//! here; the store only returns them.

use serde_json::json;

use incident_core::sanitize;
use incident_core::sharing::Moved;
use incident_core::sharing::{Exchanged, Relabeled, Renamed, Synced};

/// The shared lists that moved, by name (`contacts`), with what was sent and received.
fn lists_moved(synced: &Synced) -> impl Iterator<Item = (&str, &Exchanged)> {
    synced
        .lists
        .iter()
        .filter(|(_, exchanged)| !exchanged.is_empty())
        .map(|(name, exchanged)| (*name, exchanged))
}

pub fn lines(synced: &Synced) -> String {
    if synced.incidents.is_empty()
        && synced.renamed.is_empty()
        && synced.problems.is_empty()
        && lists_moved(synced).next().is_none()
    {
        return "up to date: nothing to send or receive\n".to_string();
    }
    let mut out = String::new();
    for renamed in &synced.renamed {
        out.push_str(&format!("{}\n", renamed_line(renamed)));
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
            // Under its incident's line, which names it.
            out.push_str(&format!("  {}\n", relabeled_line(moved, "")));
        }
    }
    for (name, exchanged) in lists_moved(synced) {
        out.push_str(&format!(
            "{name}: sent {}, received {}\n",
            exchanged.sent, exchanged.received
        ));
    }
    out
}

/// A label or id a sync changed, as the next command tells it or refuses it: the same
/// words as a sync's own lines, the relabeled label's incident named, as no line above
/// names it (`H1 is now H3 in 2026-11-21-dns: bob recorded H1 first`).
pub fn moved(moved: &Moved) -> String {
    match moved {
        Moved::Label {
            incident,
            from,
            to,
            by,
        } => relabeled_line(
            &Relabeled {
                incident: incident.clone(),
                from: from.to_string(),
                to: to.to_string(),
                by: by.clone(),
            },
            &format!(" in {incident}"),
        ),
        Moved::Id { from, to, by } => renamed_line(&Renamed {
            from: from.clone(),
            to: to.clone(),
            by: by.clone(),
        }),
    }
}

/// `H2 is now H5: carol recorded H2 first`, with `place` (` in 2026-…`) after the new
/// label when nothing else names the incident.
fn relabeled_line(moved: &Relabeled, place: &str) -> String {
    format!(
        "{} is now {}{place}: {} recorded {} first",
        moved.from,
        moved.to,
        sanitize::one_line(&moved.by),
        moved.from
    )
}

/// `2026-11-21-dns is now 2026-11-21-dns-2: bob opened 2026-11-21-dns first`.
fn renamed_line(renamed: &Renamed) -> String {
    let reason = match &renamed.by {
        Some(by) => format!("{} opened {} first", sanitize::one_line(by), renamed.from),
        None => "the team holds it under that id".to_string(),
    };
    format!("{} is now {}: {reason}", renamed.from, renamed.to)
}

pub fn ids(synced: &Synced) -> String {
    synced
        .incidents
        .keys()
        .map(|id| format!("{id}\n"))
        .collect()
}

pub fn json(synced: &Synced) -> String {
    let mut value = json!({
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
    // Only the lists that moved: a sync of incidents alone prints what it always did.
    for (name, exchanged) in lists_moved(synced) {
        value[name] = json!({
            "sent": exchanged.sent,
            "received": exchanged.received,
        });
    }
    crate::render::json::to_json(&value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved() -> Relabeled {
        Relabeled {
            incident: "2026-11-21-dns".into(),
            from: "H2".into(),
            to: "H5".into(),
            by: "carol".into(),
        }
    }

    fn renamed(by: Option<&str>) -> Renamed {
        Renamed {
            from: "2026-11-21-dns".into(),
            to: "2026-11-21-dns-2".into(),
            by: by.map(String::from),
        }
    }

    /// A sync and the news of a background one word the same event the same way.
    #[test]
    fn a_sync_and_its_news_say_the_same() {
        let mut synced = Synced {
            relabeled: vec![moved()],
            renamed: vec![renamed(Some("bob"))],
            ..Synced::default()
        };
        synced
            .incidents
            .insert("2026-11-21-dns".into(), Default::default());
        assert_eq!(
            lines(&synced),
            "2026-11-21-dns is now 2026-11-21-dns-2: bob opened 2026-11-21-dns first\n\
             2026-11-21-dns: sent 0, received 0\n  \
             H2 is now H5: carol recorded H2 first\n"
        );
        let label = |text: &str| text.parse().expect("a label");
        assert_eq!(
            super::moved(&Moved::Label {
                incident: "2026-11-21-dns".into(),
                from: label("H2"),
                to: label("H5"),
                by: "carol".into(),
            }),
            "H2 is now H5 in 2026-11-21-dns: carol recorded H2 first"
        );
        for (by, reason) in [
            (Some("bob"), "bob opened 2026-11-21-dns first"),
            (None, "the team holds it under that id"),
        ] {
            assert_eq!(
                super::moved(&Moved::Id {
                    from: "2026-11-21-dns".into(),
                    to: "2026-11-21-dns-2".into(),
                    by: by.map(String::from),
                }),
                format!("2026-11-21-dns is now 2026-11-21-dns-2: {reason}")
            );
        }
    }
}
