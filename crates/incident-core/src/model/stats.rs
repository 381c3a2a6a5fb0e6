//! Statistics across incidents: what they need of each one (its facts, from the model's
//! own metrics and state) and the order statistics of durations.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::incident::Status;
use super::label::Kind;
use super::metrics::{Measure, PerMeasure};
use super::severity::Severity;
use super::state::State;

/// What statistics need of one incident, from the model's own metrics and state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// The measures statistics compare (`Measure::ACROSS_INCIDENTS`), in whole seconds.
    pub durations: PerMeasure<i64>,
    pub hypotheses: usize,
    pub tests: usize,
    pub root_cause_recorded: bool,
}

impl Facts {
    pub fn of(state: &State<'_>) -> Facts {
        let seconds = state.metrics().seconds();
        Facts {
            durations: PerMeasure::from_fn(|measure| {
                Measure::ACROSS_INCIDENTS
                    .contains(&measure)
                    .then(|| seconds[measure])
                    .flatten()
            }),
            hypotheses: state.live(Kind::Hypothesis).count(),
            tests: state.live(Kind::Test).count(),
            root_cause_recorded: state.has_root_cause(),
        }
    }
}

/// Below this many values, a median and a p90 are too few to go by.
pub const FEW: usize = 5;

/// A distribution told by its order statistics only: durations are skewed, and one long
/// night would drag any sum-based summary far from a typical incident.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Distribution {
    pub median: Option<i64>,
    pub p90: Option<i64>,
    pub n: usize,
    /// The values, ascending, for charts.
    #[serde(skip)]
    pub values: Vec<i64>,
}

impl Distribution {
    pub fn of(mut values: Vec<i64>) -> Distribution {
        values.sort_unstable();
        Distribution {
            median: nearest_rank(&values, 50),
            p90: nearest_rank(&values, 90),
            n: values.len(),
            values,
        }
    }

    pub fn too_few(&self) -> bool {
        self.n < FEW
    }
}

/// The `percent`th percentile by nearest rank: the value at rank ⌈percent × n / 100⌉
/// (from 1) of the values in ascending order. Always one of the values, never a blend
/// of two; for an even count the median is the lower of the middle two.
pub fn nearest_rank(sorted: &[i64], percent: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// One incident as statistics count it.
pub struct Counted<'a> {
    pub opened_at: DateTime<Utc>,
    pub status: Status,
    pub peak_severity: Option<Severity>,
    pub facts: &'a Facts,
}

/// The figures of statistics over the incidents given.
#[derive(Debug, Default)]
pub struct Stats {
    pub incidents: usize,
    pub closed: usize,
    /// By the most severe severity each reached (`None`: never set).
    pub by_severity: Vec<(Option<Severity>, usize)>,
    /// By the UTC month each was opened in, `YYYY-MM`, in order.
    pub by_month: Vec<(String, usize)>,
    /// Over the closed incidents that have each, in `Measure::ACROSS_INCIDENTS` order.
    pub durations: Vec<(Measure, Distribution)>,
    pub hypotheses: Distribution,
    pub tests: Distribution,
    /// Closed incidents with a root cause recorded.
    pub root_cause_recorded: usize,
}

/// `YYYY-MM`, the UTC month a time is in: by hand for the years a document holds, which
/// is most of `stats` saved over chrono's formatter; any other through chrono, as before.
fn month(time: DateTime<Utc>) -> String {
    use chrono::Datelike;
    let (year, month) = (time.year(), time.month());
    if !(0..=9999).contains(&year) {
        return time.format("%Y-%m").to_string();
    }
    let mut text = String::with_capacity(7);
    for (value, width) in [(year as u32, 4), (month, 2)] {
        if !text.is_empty() {
            text.push('-');
        }
        for place in (0..width).rev() {
            text.push(char::from(b'0' + (value / 10u32.pow(place) % 10) as u8));
        }
    }
    text
}

impl Stats {
    pub fn of(incidents: &[Counted<'_>]) -> Stats {
        let mut by_severity = std::collections::BTreeMap::new();
        let mut by_month = std::collections::BTreeMap::new();
        for incident in incidents {
            // Unset sorts last: the most severe first, then none.
            let severity = incident.peak_severity;
            *by_severity
                .entry((severity.is_none(), severity))
                .or_insert(0) += 1;
            let month = month(incident.opened_at);
            *by_month.entry(month).or_insert(0) += 1;
        }
        let closed: Vec<&Counted> = incidents
            .iter()
            .filter(|incident| incident.status == Status::Closed)
            .collect();
        let durations = Measure::ACROSS_INCIDENTS
            .into_iter()
            .map(|measure| {
                let values = closed
                    .iter()
                    .filter_map(|incident| incident.facts.durations[measure])
                    .collect();
                (measure, Distribution::of(values))
            })
            .collect();
        let per_incident = |count: fn(&Facts) -> usize| {
            Distribution::of(
                incidents
                    .iter()
                    .map(|incident| count(incident.facts) as i64)
                    .collect(),
            )
        };
        Stats {
            incidents: incidents.len(),
            closed: closed.len(),
            by_severity: by_severity
                .into_iter()
                .map(|((_, severity), count)| (severity, count))
                .collect(),
            by_month: by_month.into_iter().collect(),
            durations,
            hypotheses: per_incident(|facts| facts.hypotheses),
            tests: per_incident(|facts| facts.tests),
            root_cause_recorded: closed
                .iter()
                .filter(|incident| incident.facts.root_cause_recorded)
                .count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_written_as_chrono_writes_it() {
        for (year, month) in [
            (2026, 11),
            (2026, 1),
            (0, 12),
            (999, 3),
            (9999, 12),
            (10000, 1),
            (-1, 6),
        ] {
            let time = chrono::NaiveDate::from_ymd_opt(year, month, 28)
                .expect("a date")
                .and_hms_opt(23, 59, 59)
                .expect("a time")
                .and_utc();
            assert_eq!(super::month(time), time.format("%Y-%m").to_string());
        }
    }

    #[test]
    fn nearest_rank_percentiles_are_values_of_the_data() {
        let values = [60, 120, 300, 600, 3600];
        assert_eq!(nearest_rank(&values, 50), Some(300));
        assert_eq!(nearest_rank(&values, 90), Some(3600));
        let even = [10, 20, 30, 40];
        assert_eq!(nearest_rank(&even, 50), Some(20));
        assert_eq!(nearest_rank(&even, 90), Some(40));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(&ten, 90), Some(9));
        assert_eq!(nearest_rank(&[7], 50), Some(7));
        assert_eq!(nearest_rank(&[], 50), None);
        let distribution = Distribution::of(vec![5, 1, 3]);
        assert_eq!(
            (distribution.median, distribution.p90, distribution.n),
            (Some(3), Some(5), 3)
        );
        assert!(distribution.too_few());
    }
}
