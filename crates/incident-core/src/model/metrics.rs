//! The durations of the response: time to detect, to the first hypothesis, to identify,
//! to the root cause, to mitigate, to resolve and to the first stakeholder update. Each measure's JSON key, its name and
//! where it counts from are said here, once; `State::metrics` is the only place any of
//! them is computed. The JSON shows these numbers, reports format them, statistics
//! compare them across incidents.

use std::fmt;
use std::ops::{Index, IndexMut};

use chrono::{DateTime, Utc};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::entry::{Body, Stage};
use super::label::Kind;
use super::state::State;

/// A duration of the response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Measure {
    /// From the impact start to the opening: how long the users were hit before anyone
    /// knew.
    Detect,
    /// To the earliest hypothesis still counting (standing or ruled out, not retracted).
    FirstHypothesis,
    /// To the first stage `identified` or later.
    Identify,
    /// To the moment the recorded root cause became known: the result that confirmed it,
    /// or, when no result did, when the cause was recorded. None while no root cause is
    /// recorded, however many hypotheses are confirmed, and None when it became known only
    /// after the close (`State::root_cause_known_after_close`): that is the write-up's time.
    RootCause,
    /// To the first stage `mitigated` or later.
    Mitigate,
    /// To the close.
    Resolve,
    /// To the first stakeholder update sent that still counts: how long the people
    /// waiting on the response waited to hear of it.
    FirstUpdate,
}

/// Where a measure counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// When the users were hit: the earliest impact's start, else the earliest symptom.
    ImpactStart,
    /// When the incident was opened.
    Opening,
}

impl Measure {
    /// Every measure, in the order reports list them (and `Measure`'s own order).
    pub const ALL: [Measure; 7] = [
        Measure::Detect,
        Measure::FirstHypothesis,
        Measure::Identify,
        Measure::RootCause,
        Measure::Mitigate,
        Measure::Resolve,
        Measure::FirstUpdate,
    ];

    /// The measures statistics compare across incidents: the milestones of the response
    /// as users lived it, each counted from the impact (MTTD, MTTI, MTTM, MTTR), and how
    /// soon the stakeholders heard of it, from the opening.
    pub const ACROSS_INCIDENTS: [Measure; 5] = [
        Measure::Detect,
        Measure::Identify,
        Measure::Mitigate,
        Measure::Resolve,
        Measure::FirstUpdate,
    ];

    /// Its name in JSON: in reports, statistics and the list cache.
    pub fn key(self) -> &'static str {
        match self {
            Measure::Detect => "time_to_detect",
            Measure::FirstHypothesis => "time_to_first_hypothesis",
            Measure::Identify => "time_to_identify",
            Measure::RootCause => "time_to_root_cause",
            Measure::Mitigate => "time_to_mitigate",
            Measure::Resolve => "time_to_resolve",
            Measure::FirstUpdate => "time_to_first_update",
        }
    }

    /// What people call it: `time to detect`.
    pub fn name(self) -> &'static str {
        match self {
            Measure::Detect => "time to detect",
            Measure::FirstHypothesis => "time to first hypothesis",
            Measure::Identify => "time to identify",
            Measure::RootCause => "time to root cause",
            Measure::Mitigate => "time to mitigate",
            Measure::Resolve => "time to resolve",
            Measure::FirstUpdate => "time to first update",
        }
    }

    /// The name at the start of a line: `Time to detect`.
    pub fn title(self) -> String {
        let name = self.name();
        name[..1].to_ascii_uppercase() + &name[1..]
    }

    /// Where it counts from when everything is known. Detection ends at the opening;
    /// the first hypothesis and the root cause are the investigation's, and the first
    /// update the communication's, from the opening; the rest are the users', from the
    /// impact start.
    pub fn origin(self) -> Origin {
        match self {
            Measure::Detect | Measure::Identify | Measure::Mitigate | Measure::Resolve => {
                Origin::ImpactStart
            }
            Measure::FirstHypothesis | Measure::RootCause | Measure::FirstUpdate => Origin::Opening,
        }
    }

    fn position(self) -> usize {
        self as usize
    }

    pub(crate) fn by_key(key: &str) -> Option<Measure> {
        Measure::ALL
            .into_iter()
            .find(|measure| measure.key() == key)
    }
}

/// One value for each measure, found by the measure itself: nothing positional to keep in
/// step with `Measure::ALL`. Stored as an object keyed by `Measure::key`, leaving out the
/// measures that have no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PerMeasure<T>([Option<T>; Measure::ALL.len()]);

impl<T> Default for PerMeasure<T> {
    fn default() -> PerMeasure<T> {
        PerMeasure(std::array::from_fn(|_| None))
    }
}

impl<T> PerMeasure<T> {
    pub fn from_fn(mut value: impl FnMut(Measure) -> Option<T>) -> PerMeasure<T> {
        PerMeasure(Measure::ALL.map(&mut value))
    }

    /// The measures that have a value, in `Measure::ALL` order.
    pub fn iter(&self) -> impl Iterator<Item = (Measure, &T)> {
        Measure::ALL
            .into_iter()
            .filter_map(|measure| Some((measure, self[measure].as_ref()?)))
    }
}

impl<T> Index<Measure> for PerMeasure<T> {
    type Output = Option<T>;

    fn index(&self, measure: Measure) -> &Option<T> {
        &self.0[measure.position()]
    }
}

impl<T> IndexMut<Measure> for PerMeasure<T> {
    fn index_mut(&mut self, measure: Measure) -> &mut Option<T> {
        &mut self.0[measure.position()]
    }
}

impl<T: Serialize> Serialize for PerMeasure<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (measure, value) in self.iter() {
            map.serialize_entry(measure.key(), value)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for PerMeasure<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<PerMeasure<T>, D::Error> {
        struct Keyed<T>(std::marker::PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for Keyed<T> {
            type Value = PerMeasure<T>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("durations keyed by measure")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PerMeasure<T>, A::Error> {
                let mut values = PerMeasure::default();
                while let Some(key) = map.next_key::<String>()? {
                    let measure = Measure::by_key(&key).ok_or_else(|| {
                        serde::de::Error::custom(format!("{key:?} is not a measure"))
                    })?;
                    values[measure] = Some(map.next_value()?);
                }
                Ok(values)
            }
        }

        deserializer.deserialize_map(Keyed(std::marker::PhantomData))
    }
}

/// One duration of the response, in whole seconds, never negative. JSON shows only the
/// number; `clamped` says the moment came on the other side of the opening (before it, or
/// for detection after it), so the number is 0 and a report can say why. The JSON reader
/// can derive the same fact from the entries' `current_at` and `opened_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Span {
    pub seconds: i64,
    #[serde(skip)]
    pub clamped: bool,
}

impl Span {
    /// From `from` to `to`, or 0 (clamped) when `to` comes first.
    pub(super) fn between(from: DateTime<Utc>, to: DateTime<Utc>) -> Span {
        let seconds = (to - from).num_seconds();
        Span {
            seconds: seconds.max(0),
            clamped: seconds < 0,
        }
    }
}

/// How long the response took to reach each point, by the entries' current times; `None`
/// until it happens. Shown in JSON as every measure's key, `null` where there is none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Metrics {
    spans: PerMeasure<Span>,
    /// Whether the impact start is known: without it, what counts from the impact start
    /// counts from the opening.
    impact_known: bool,
}

impl Metrics {
    /// Where `measure` counts from for this incident: its own origin, or the opening when
    /// that is the impact start and no impact or symptom is recorded (detection then has
    /// no value at all).
    pub fn counted_from(&self, measure: Measure) -> Origin {
        match measure.origin() {
            Origin::ImpactStart if self.impact_known => Origin::ImpactStart,
            _ => Origin::Opening,
        }
    }

    /// The whole seconds of each measure that has a value.
    pub fn seconds(&self) -> PerMeasure<i64> {
        PerMeasure::from_fn(|measure| self[measure].map(|span| span.seconds))
    }
}

impl Index<Measure> for Metrics {
    type Output = Option<Span>;

    fn index(&self, measure: Measure) -> &Option<Span> {
        &self.spans[measure]
    }
}

impl Serialize for Metrics {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Measure::ALL.len()))?;
        for measure in Measure::ALL {
            map.serialize_entry(measure.key(), &self[measure])?;
        }
        map.end()
    }
}

impl State<'_> {
    /// How long the incident has lasted: to its close, or, merged into another, to the
    /// merge (its log goes on there), or so far at `now`.
    pub fn elapsed(&self, now: DateTime<Utc>) -> i64 {
        let incident = self.incident();
        let end = incident
            .closed_at()
            .or_else(|| incident.merged_into().map(|merge| merge.at))
            .unwrap_or(now);
        Span::between(incident.opened_at, end).seconds
    }

    pub fn metrics(&self) -> Metrics {
        let opened = self.incident().opened_at;
        let impact_started = self.impact_started_at();
        let mut metrics = Metrics {
            impact_known: impact_started.is_some(),
            ..Metrics::default()
        };
        let first_stage = |reached: Stage| {
            self.live(Kind::Stage)
                .filter(|entry| matches!(entry.body, Body::Stage { stage } if stage >= reached))
                .map(|entry| self.at(entry))
                .min()
        };
        for measure in Measure::ALL {
            let from = match metrics.counted_from(measure) {
                Origin::ImpactStart => impact_started.unwrap_or(opened),
                Origin::Opening => opened,
            };
            let to = match measure {
                Measure::Detect => impact_started.map(|_| opened),
                Measure::FirstHypothesis => self
                    .first(Kind::Hypothesis)
                    .map(|hypothesis| self.at(hypothesis)),
                Measure::Identify => first_stage(Stage::Identified),
                Measure::RootCause => self
                    .root_cause_known_at()
                    .filter(|_| self.root_cause_known_after_close().is_none()),
                Measure::Mitigate => first_stage(Stage::Mitigated),
                Measure::Resolve => self.incident().closed_at(),
                Measure::FirstUpdate => self.first(Kind::Update).map(|update| self.at(update)),
            };
            metrics.spans[measure] = to.map(|to| Span::between(from, to));
        }
        metrics
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::*;

    #[test]
    fn measures_are_found_by_themselves_and_keyed_by_their_names() {
        for (position, measure) in Measure::ALL.into_iter().enumerate() {
            assert_eq!(measure.position(), position, "ALL is in `Measure`'s order");
            assert_eq!(Measure::by_key(measure.key()), Some(measure));
            assert_eq!(measure.key(), measure.name().replace(' ', "_"));
        }
        assert_eq!(Measure::Detect.title(), "Time to detect");
        let mut seconds = PerMeasure::default();
        seconds[Measure::Resolve] = Some(3600);
        seconds[Measure::Detect] = Some(120);
        let json = serde_json::to_string(&seconds).unwrap();
        assert_eq!(json, r#"{"time_to_detect":120,"time_to_resolve":3600}"#);
        assert_eq!(
            serde_json::from_str::<PerMeasure<i64>>(&json).unwrap(),
            seconds
        );
        assert!(serde_json::from_str::<PerMeasure<i64>>(r#"{"mttr":1}"#).is_err());
    }

    #[test]
    fn the_response_counts_from_the_impact_start_once_one_is_known() {
        let mut incident = incident();
        incident
            .record(new(hypothesis(), "pool exhausted"))
            .unwrap();
        let metrics = incident.state().metrics();
        assert_eq!(metrics.counted_from(Measure::Resolve), Origin::Opening);
        assert_eq!(metrics[Measure::Detect], None);
        let json = serde_json::to_value(metrics).unwrap();
        assert_eq!(json["time_to_detect"], serde_json::Value::Null);
        assert_eq!(json["time_to_first_hypothesis"], 60);

        // Users were hit ten minutes before the opening.
        let mut symptom = new(Body::Symptom, "502s");
        symptom.at = at(0) - chrono::Duration::minutes(10);
        incident.record(symptom).unwrap();
        incident.close(stamp(30), None, None).unwrap();
        let metrics = incident.state().metrics();
        for measure in Measure::ALL {
            assert_eq!(
                metrics.counted_from(measure),
                measure.origin(),
                "{measure:?}"
            );
        }
        let minutes = |measure| metrics[measure].map(|span: Span| span.seconds / 60);
        assert_eq!(minutes(Measure::Detect), Some(10));
        assert_eq!(minutes(Measure::FirstHypothesis), Some(1));
        assert_eq!(minutes(Measure::Resolve), Some(40));
        assert_eq!(minutes(Measure::Mitigate), None);
        assert_eq!(metrics.seconds()[Measure::Resolve], Some(2400));
    }
}
