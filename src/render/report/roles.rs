//! `## Roles`: who held which role, and from when to when.

use std::fmt::Write;

use super::shared::Report;
use super::text::{ITEM, text};
use crate::render::utc_time;
use incident_core::model::{Body, Entry, Kind};

impl Report<'_> {
    pub(super) fn has_roles(&self) -> bool {
        self.incident.entries_of(Kind::Role).next().is_some()
    }

    /// Who held which role and when: each holder from their assignment to the next.
    pub(super) fn roles(&self, out: &mut String) {
        let changes = self.state.role_changes();
        let mut roles: Vec<&str> = Vec::new();
        for change in &changes {
            if let Body::Role { role, .. } = &change.body
                && !roles.contains(&role.as_str())
            {
                roles.push(role);
            }
        }
        for role in roles {
            let held: Vec<(&Entry, &str)> = changes
                .iter()
                .filter_map(|change| match &change.body {
                    Body::Role { role: of, holder } if of == role => {
                        Some((*change, holder.as_str()))
                    }
                    _ => None,
                })
                .collect();
            let spans: Vec<String> = held
                .iter()
                .enumerate()
                .map(|(position, (change, holder))| {
                    let until = held
                        .get(position + 1)
                        .map_or_else(String::new, |(next, _)| {
                            format!(" to {} UTC", utc_time(self.state.at(next)))
                        });
                    format!(
                        "{} from {} UTC{until}",
                        text(holder, ITEM),
                        utc_time(self.state.at(change))
                    )
                })
                .collect();
            let _ = writeln!(out, "- {}: {}", text(role, ITEM), spans.join("; "));
        }
        out.push('\n');
    }
}
