//! The postmortem facts, derived like everything else: the impact window, the causes,
//! the lessons and which action items are done. Only entries that still count are read,
//! with their current (corrected) values.

use chrono::{DateTime, Utc};

use super::entry::{CauseKind, Entry, Went};
use super::label::Kind;
use super::metrics::Span;
use super::state::State;

/// Where the impact window ends, as far as it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImpactEnd {
    /// An impact entry says when it ended.
    Recorded(DateTime<Utc>),
    /// No end is recorded, and the incident closed then: the impact lasted at most until.
    Closed(DateTime<Utc>),
    /// No end is recorded and the incident is open: the impact goes on, now.
    Ongoing(DateTime<Utc>),
}

impl ImpactEnd {
    pub fn at(self) -> DateTime<Utc> {
        match self {
            ImpactEnd::Recorded(at) | ImpactEnd::Closed(at) | ImpactEnd::Ongoing(at) => at,
        }
    }
}

impl<'a> State<'a> {
    /// When the impact began: the earliest impact's start (as last corrected), else the
    /// earliest symptom.
    pub fn impact_started_at(&self) -> Option<DateTime<Utc>> {
        let from = self
            .live(Kind::Impact)
            .filter_map(|impact| self.window(impact).0)
            .min();
        from.or_else(|| {
            self.live(Kind::Symptom)
                .map(|symptom| self.at(symptom))
                .min()
        })
    }

    /// When the impact ended: the latest impact's end (as last corrected), if any impact
    /// says.
    pub fn impact_ended_at(&self) -> Option<DateTime<Utc>> {
        self.live(Kind::Impact)
            .filter_map(|impact| self.window(impact).1)
            .max()
    }

    /// How long the impact lasted, in whole seconds (never negative), when its start and
    /// its end are both recorded: the figure a postmortem's reader looks for first.
    pub fn impact_lasted(&self) -> Option<i64> {
        let (start, end) = (self.impact_started_at()?, self.impact_ended_at()?);
        Some(Span::between(start, end).seconds)
    }

    /// Where the impact ends, for every view that shows how long it lasted: its recorded
    /// end, else the close, else `now` while the incident is open.
    pub fn impact_end(&self, now: DateTime<Utc>) -> ImpactEnd {
        match (self.impact_ended_at(), self.incident().closed_at()) {
            (Some(ended), _) => ImpactEnd::Recorded(ended),
            (None, Some(closed)) => ImpactEnd::Closed(closed),
            (None, None) => ImpactEnd::Ongoing(now),
        }
    }

    /// The causes of one kind that still count, in order of time.
    pub fn causes(&self, kind: CauseKind) -> Vec<&'a Entry> {
        let mut causes: Vec<&Entry> = self
            .live(Kind::Cause)
            .filter(|entry| self.cause_kind(entry) == Some(kind))
            .collect();
        causes.sort_by_key(|entry| self.at(entry));
        causes
    }

    /// The lessons of one kind that still count, in order of time.
    pub fn lessons(&self, kind: Went) -> Vec<&'a Entry> {
        let mut lessons: Vec<&Entry> = self
            .live(Kind::Lesson)
            .filter(|entry| self.went(entry) == Some(kind))
            .collect();
        lessons.sort_by_key(|entry| self.at(entry));
        lessons
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Body;
    use crate::model::testing::*;

    #[test]
    fn the_impact_ends_where_recorded_else_at_the_close_else_now() {
        let mut incident = incident();
        incident.record(new(Body::Symptom, "502s")).unwrap();
        let now = at(50);
        assert_eq!(incident.state().impact_end(now), ImpactEnd::Ongoing(now));
        incident.close(stamp(40), None, None).unwrap();
        assert_eq!(incident.state().impact_end(now), ImpactEnd::Closed(at(40)));
        let impact = Body::Impact {
            from: Some(at(1)),
            to: Some(at(30)),
        };
        incident.record(new(impact, "checkout down")).unwrap();
        let end = incident.state().impact_end(now);
        assert_eq!(end, ImpactEnd::Recorded(at(30)));
        assert_eq!(end.at(), at(30));
    }
}
