//! `## Communication`: the stakeholder updates sent (when, to whom, what), the cadences
//! set, and everyone called in with how long until they engaged. Every number is the
//! model's: the first update's is `metrics.time_to_first_update`, an engagement's the
//! model's time to engage.

use std::fmt::Write;

use super::shared::Report;
use super::text::{ITEM, how_to_record, text};
use crate::render::{human_duration, update, utc_time};
use incident_core::model::{Body, Kind, Measure};

impl Report<'_> {
    /// Whether anything about communication was recorded: an update, a cadence or an
    /// escalation, even one taken back since.
    pub(super) fn has_communication(&self) -> bool {
        [Kind::Update, Kind::Cadence, Kind::Escalation]
            .into_iter()
            .any(|kind| self.incident.entries_of(kind).next().is_some())
    }

    pub(super) fn communication(&self, out: &mut String) {
        self.updates_sent(out);
        self.cadences(out);
        self.escalations(out);
        for kind in [Kind::Update, Kind::Cadence, Kind::Escalation] {
            self.left_out(out, kind);
        }
    }

    /// Each update that still counts, in order of time, and how long the first took.
    fn updates_sent(&self, out: &mut String) {
        out.push_str("Updates sent:\n\n");
        let updates = self.state.updates();
        if updates.is_empty() {
            let _ = writeln!(
                out,
                "Nothing recorded yet. {}\n",
                how_to_record(&["incident update TEXT --to AUDIENCE"])
            );
            return;
        }
        for update in &updates {
            let Body::Update { to } = &update.body else {
                continue;
            };
            let _ = writeln!(
                out,
                "- **{}** {} UTC, to {}: {} (by {}){}",
                update.id,
                utc_time(self.state.at(update)),
                text(to, ITEM),
                text(self.state.text(update), ITEM),
                text(&update.by, ITEM),
                self.corrections(update, ITEM)
            );
        }
        out.push('\n');
        if let Some(span) = self.state.metrics()[Measure::FirstUpdate] {
            let when = if span.clamped {
                "before the incident was opened".to_string()
            } else {
                format!("{} after the opening", human_duration(span.seconds))
            };
            let _ = writeln!(out, "The first went out {when}.\n");
        }
    }

    /// The cadences set by hand, in order of time.
    fn cadences(&self, out: &mut String) {
        let mut cadences: Vec<_> = self.state.live(Kind::Cadence).collect();
        if cadences.is_empty() {
            return;
        }
        cadences.sort_by_key(|cadence| self.state.at(cadence));
        out.push_str("Cadence set:\n\n");
        for cadence in cadences {
            let Body::Cadence { every } = cadence.body else {
                continue;
            };
            let set = match every {
                0 => "cadence off, no update due".to_string(),
                every => format!("an update due every {}", update::every(Some(every))),
            };
            let _ = writeln!(
                out,
                "- **{}** {} UTC: {set} (by {}){}",
                cadence.id,
                utc_time(self.state.at(cadence)),
                text(&cadence.by, ITEM),
                self.corrections(cadence, ITEM)
            );
        }
        out.push('\n');
    }

    /// Everyone called in, why, and how long until they first recorded an entry.
    fn escalations(&self, out: &mut String) {
        let escalations = self.state.escalations();
        if escalations.is_empty() {
            return;
        }
        out.push_str("Escalations:\n\n");
        for escalation in escalations {
            let call = escalation.entry;
            let why = self.state.text(call);
            let why = if why.trim().is_empty() {
                String::new()
            } else {
                format!(": {}", text(why, ITEM))
            };
            let engaged = match (escalation.engaged, escalation.time_to_engage) {
                (Some(first), Some(span)) => format!(
                    "engaged after {} ({}, {} UTC)",
                    human_duration(span.seconds),
                    first.id,
                    utc_time(self.state.at(first))
                ),
                _ => "not yet engaged".to_string(),
            };
            let _ = writeln!(
                out,
                "- **{}** {} UTC: called in {} (by {}){why}; {engaged}{}",
                call.id,
                utc_time(escalation.at),
                text(escalation.name, ITEM),
                text(&call.by, ITEM),
                self.corrections(call, ITEM)
            );
        }
        out.push('\n');
    }
}
