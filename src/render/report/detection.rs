//! `## Detection` (Google's template): the first symptom, when it was seen, and the time
//! undetected: the model's time to detect (impact start to opening), worded, never
//! computed here.

use std::fmt::Write;

use super::shared::Report;
use super::text::{PARAGRAPH, how_to_record, text};
use crate::render::{human_duration, utc_time};
use incident_core::model::{Kind, Measure};

impl Report<'_> {
    pub(super) fn detection(&self, out: &mut String) {
        // The earliest symptom still standing: the one the model's time to detect is
        // measured from.
        match self.state.first(Kind::Symptom) {
            Some(symptom) => {
                let _ = writeln!(
                    out,
                    "The first symptom, {}, was observed at {} UTC: {}\n",
                    symptom.id,
                    utc_time(self.state.at(symptom)),
                    text(self.state.text(symptom), PARAGRAPH)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "Nothing recorded yet. {}\n",
                    how_to_record(&["incident symptom TEXT --at TIME"])
                );
            }
        }
        match self.state.metrics()[Measure::Detect] {
            Some(detect) if detect.clamped => {
                let _ = writeln!(
                    out,
                    "{} (impact start to opening): 0s; the impact started after the incident \
                     was opened.\n",
                    Measure::Detect.title()
                );
            }
            Some(detect) => {
                let _ = writeln!(
                    out,
                    "{} (impact start to opening): {}.\n",
                    Measure::Detect.title(),
                    human_duration(detect.seconds)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "Nothing recorded yet. {}\n",
                    how_to_record(&["incident impact TEXT --from TIME"])
                );
            }
        }
    }
}
