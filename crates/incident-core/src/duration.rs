//! How a duration reads, the one rule for every view and message: as people say it, exact
//! to the minute up to two days (`45s`, `9m 30s`, `24h 11m`, `47h 59m`), in days and hours
//! beyond (`3d 4h`). A postmortem's headline figure is "24 hours 11 minutes", never "1d".
//! It lives in the core because the store's own messages say durations too (a hook
//! stopped after `10s`); the views read it from here.

/// Up to this many seconds a duration is exact to the minute; from here on it is days and
/// hours.
const EXACT_UP_TO: u64 = 2 * DAY;
const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

/// A duration in seconds as people say it: `45s`, `9m 30s`, `1h`, `24h 11m`, `47h 59m`,
/// `2d`, `3d 4h`; under an hour to the second, under two days to the minute, beyond in
/// days and hours. A negative one reads the same after a `-`.
pub fn human_duration(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let seconds = seconds.unsigned_abs();
    let (large, large_unit, small, small_unit) = if seconds >= EXACT_UP_TO {
        (seconds / DAY, 'd', seconds % DAY / HOUR, 'h')
    } else if seconds >= HOUR {
        (seconds / HOUR, 'h', seconds % HOUR / MINUTE, 'm')
    } else if seconds >= MINUTE {
        (seconds / MINUTE, 'm', seconds % MINUTE, 's')
    } else {
        return format!("{sign}{seconds}s");
    };
    if small == 0 {
        format!("{sign}{large}{large_unit}")
    } else {
        format!("{sign}{large}{large_unit} {small}{small_unit}")
    }
}

/// A duration measured in milliseconds (how long a test's command ran, how long a hook may
/// take): under a second in milliseconds (`12ms`, `500ms`), from a second on as
/// `human_duration` says it, to the second below (`1s`, `30s`).
pub fn human_duration_ms(milliseconds: u64) -> String {
    if milliseconds < 1000 {
        return format!("{milliseconds}ms");
    }
    human_duration(i64::try_from(milliseconds / 1000).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: i64 = 60;
    const H: i64 = 60 * M;
    const D: i64 = 24 * H;

    #[test]
    fn under_an_hour_a_duration_is_exact_to_the_second() {
        assert_eq!(human_duration(0), "0s");
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(59), "59s");
        assert_eq!(human_duration(60), "1m");
        assert_eq!(human_duration(12 * M + 5), "12m 5s");
        assert_eq!(human_duration(9 * M + 30), "9m 30s");
        assert_eq!(human_duration(H - 1), "59m 59s");
    }

    #[test]
    fn up_to_two_days_a_duration_is_exact_to_the_minute() {
        assert_eq!(human_duration(H), "1h");
        assert_eq!(human_duration(H + 7 * M), "1h 7m");
        // Seconds no longer count once there are hours.
        assert_eq!(human_duration(H + 7 * M + 59), "1h 7m");
        assert_eq!(human_duration(2 * H), "2h");
        assert_eq!(human_duration(D), "24h");
        // GitHub's 21 October 2018: the defect read this "1d".
        assert_eq!(human_duration(D + 11 * M), "24h 11m");
        assert_eq!(human_duration(D + 11 * M + 30), "24h 11m");
        assert_eq!(human_duration(47 * H + 59 * M), "47h 59m");
        assert_eq!(human_duration(2 * D - 1), "47h 59m");
    }

    #[test]
    fn beyond_two_days_a_duration_is_days_and_hours() {
        assert_eq!(human_duration(2 * D), "2d");
        assert_eq!(human_duration(2 * D + 59 * M), "2d");
        assert_eq!(human_duration(2 * D + 3 * H + M), "2d 3h");
        assert_eq!(human_duration(3 * D + 4 * H), "3d 4h");
        assert_eq!(human_duration(400 * D + 23 * H), "400d 23h");
    }

    #[test]
    fn a_negative_duration_reads_the_same_after_a_minus() {
        assert_eq!(human_duration(-300), "-5m");
        assert_eq!(human_duration(-(D + 11 * M)), "-24h 11m");
        assert_eq!(human_duration(i64::MIN), "-106751991167300d 15h");
    }

    #[test]
    fn milliseconds_count_only_under_a_second() {
        assert_eq!(human_duration_ms(0), "0ms");
        assert_eq!(human_duration_ms(12), "12ms");
        assert_eq!(human_duration_ms(999), "999ms");
        assert_eq!(human_duration_ms(1000), "1s");
        assert_eq!(human_duration_ms(1999), "1s");
        assert_eq!(human_duration_ms(30_004), "30s");
        assert_eq!(human_duration_ms(95_000), "1m 35s");
        assert_eq!(human_duration_ms(u64::MAX), "213503982334d 14h");
    }
}
