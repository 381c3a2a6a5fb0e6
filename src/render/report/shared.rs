//! `Report`: the incident and its state, read once for a whole report, and the pieces
//! its sections share: a list item, the corrections noted after it, the retracted
//! entries a section leaves out, the result that confirmed a hypothesis.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::Options;
use super::text::{ITEM, text};
use crate::render::escape::{self, Place};
use crate::render::utc_time;
use incident_core::model::{Body, Entry, Incident, Kind, Label, State, join_labels};

pub(super) struct Report<'a> {
    pub(super) incident: &'a Incident,
    pub(super) state: State<'a>,
    pub(super) now: DateTime<Utc>,
    pub(super) options: Options,
}

impl<'a> Report<'a> {
    pub(super) fn new(incident: &'a Incident, now: DateTime<Utc>, options: Options) -> Report<'a> {
        let state = incident.state();
        Report {
            incident,
            state,
            now,
            options,
        }
    }

    /// `**S1** 2026-11-21 02:47 UTC: text (by ana)`, for a list item, with its
    /// corrections noted.
    pub(super) fn item(&self, entry: &'a Entry) -> String {
        format!(
            "**{}** {} UTC: {} (by {}){}",
            entry.id,
            utc_time(self.state.at(entry)),
            text(self.state.text(entry), ITEM),
            text(&entry.by, ITEM),
            self.corrections(entry, ITEM)
        )
    }

    /// ` (amended by E1)` and `. **Retracted** by E2: why`, or nothing.
    pub(super) fn corrections(&self, entry: &'a Entry, place: Place<'_>) -> String {
        let mut notes = String::new();
        let amendments = self.state.amendments(entry.id);
        if !amendments.is_empty() {
            let _ = write!(notes, " (amended by {})", join_labels(amendments));
        }
        if let Some(retraction) = self.state.retraction(entry.id) {
            let _ = write!(notes, ". **Retracted** by {}", retraction.id);
            if !retraction.text.trim().is_empty() {
                let _ = write!(notes, ": {}", escape::markdown(&retraction.text, place));
            }
        }
        notes
    }

    /// `Retracted and left out: L4 (E9).` for the entries of a kind taken back, which a
    /// section of facts no longer shows.
    pub(super) fn left_out(&self, out: &mut String, kind: Kind) {
        self.left_out_of(out, kind, |_| true);
    }

    /// `left_out` for the entries of a kind that `belongs` keeps: the causes of one
    /// section, when the causes are split over several.
    pub(super) fn left_out_of(
        &self,
        out: &mut String,
        kind: Kind,
        belongs: impl Fn(&Entry) -> bool,
    ) {
        let retracted: Vec<String> = self
            .incident
            .entries_of(kind)
            .filter(|entry| belongs(entry))
            .filter_map(|entry| {
                self.state
                    .retraction(entry.id)
                    .map(|retraction| format!("{} ({})", entry.id, retraction.id))
            })
            .collect();
        if !retracted.is_empty() {
            let _ = writeln!(out, "Retracted and left out: {}.\n", retracted.join(", "));
        }
    }

    pub(super) fn confirming_result(&self, hypothesis: Label) -> Option<&'a Entry> {
        self.state.confirmed_by(hypothesis)
    }

    /// `R2 (result of T1, 03:12 UTC): text`, for use in a list item.
    pub(super) fn result_reference(&self, result: &'a Entry) -> String {
        let Body::Result { test, .. } = &result.body else {
            return result.id.to_string();
        };
        format!(
            "{} (result of {test}, {} UTC): {}",
            result.id,
            utc_time(self.state.at(result)),
            text(self.state.text(result), ITEM)
        )
    }
}
