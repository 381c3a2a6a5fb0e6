//! The postmortem facts, derived like everything else: the impact window, the causes,
//! the lessons and which action items are done. Only entries that still count are read,
//! with their current (corrected) values.

use chrono::{DateTime, Utc};

use super::entry::{Body, CauseKind, Entry, Went};
use super::label::Kind;
use super::state::State;

impl<'a> State<'a> {
    /// When the impact began: the earliest impact's start, else the earliest symptom.
    pub fn impact_started_at(&self) -> Option<DateTime<Utc>> {
        let from = self
            .live(Kind::Impact)
            .filter_map(|impact| match impact.body {
                Body::Impact { from, .. } => from,
                _ => None,
            })
            .min();
        from.or_else(|| {
            self.live(Kind::Symptom)
                .map(|symptom| self.at(symptom))
                .min()
        })
    }

    /// When the impact ended: the latest impact's end, if any impact says.
    pub fn impact_ended_at(&self) -> Option<DateTime<Utc>> {
        self.live(Kind::Impact)
            .filter_map(|impact| match impact.body {
                Body::Impact { to, .. } => to,
                _ => None,
            })
            .max()
    }

    /// The causes of one kind that still count, in order of time.
    pub fn causes(&self, kind: CauseKind) -> Vec<&'a Entry> {
        let mut causes: Vec<&Entry> = self
            .live(Kind::Cause)
            .filter(|entry| matches!(entry.body, Body::Cause { cause, .. } if cause == kind))
            .collect();
        causes.sort_by_key(|entry| self.at(entry));
        causes
    }

    /// The lessons of one kind that still count, in order of time.
    pub fn lessons(&self, kind: Went) -> Vec<&'a Entry> {
        let mut lessons: Vec<&Entry> = self
            .live(Kind::Lesson)
            .filter(|entry| matches!(entry.body, Body::Lesson { went } if went == kind))
            .collect();
        lessons.sort_by_key(|entry| self.at(entry));
        lessons
    }
}
