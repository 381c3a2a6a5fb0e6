//! Times as users type them (`--at`), and the clock, which tests can fix with
//! `INCIDENT_NOW`.

use chrono::{
    DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
};

use crate::error::{Error, Result};

/// Now, to the second, from `INCIDENT_NOW` (RFC 3339) when it is set.
pub fn now() -> Result<DateTime<Utc>> {
    let now = match std::env::var("INCIDENT_NOW") {
        Ok(fixed) if !fixed.is_empty() => DateTime::parse_from_rfc3339(fixed.trim())
            .map_err(|_| Error::Usage(format!("INCIDENT_NOW={fixed:?} is not an RFC 3339 time")))?
            .with_timezone(&Utc),
        _ => Utc::now(),
    };
    Ok(truncate_to_second(now))
}

fn truncate_to_second(time: DateTime<Utc>) -> DateTime<Utc> {
    time.with_nanosecond(0).unwrap_or(time)
}

/// Whether `word` alone is a time in one of the forms `--at` takes, whenever it is.
pub fn is_time(word: &str) -> bool {
    !matches!(
        parse_at(word, DateTime::<Utc>::MAX_UTC, &Utc),
        Err(Error::MalformedTime { .. })
    )
}

/// A day, as `--due` takes it: `YYYY-MM-DD`. Any day, past or future.
pub fn parse_date(input: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d").map_err(|_| {
        Error::Usage(format!(
            "{input:?} is not a date: use YYYY-MM-DD, such as 2026-12-04"
        ))
    })
}

/// Parses a `--at` value against `now` in the time zone `zone`:
/// RFC 3339; `YYYY-MM-DD HH:MM[:SS]` local; `HH:MM[:SS]`, the latest such local moment
/// not in the future; or a duration ago (`15m ago`, `-15m`, `1h30m ago`, `now`).
/// A time in the future is refused.
pub fn parse_at<Tz: TimeZone>(input: &str, now: DateTime<Utc>, zone: &Tz) -> Result<DateTime<Utc>> {
    let malformed = || Error::MalformedTime {
        input: input.to_string(),
    };
    let time = match read(input).ok_or_else(malformed)? {
        Form::Instant(time) => time,
        Form::Ago(ago) => now.checked_sub_signed(ago).ok_or_else(malformed)?,
        // In a daylight-saving overlap the earlier of the two moments is meant.
        Form::Local(time) => local_moments(zone, time)
            .into_iter()
            .min()
            .ok_or_else(|| no_such_local_time(input))?,
        Form::Clock(time) => {
            latest_at_or_before(zone, time, now).ok_or_else(|| no_such_local_time(input))?
        }
    };
    let time = truncate_to_second(time);
    // Incidents of before 1970 are typing mistakes (`800000d ago`), and ids need a
    // four-digit year.
    if time < DateTime::UNIX_EPOCH {
        return Err(malformed());
    }
    if time > now {
        return Err(Error::FutureTime {
            input: input.to_string(),
        });
    }
    Ok(time)
}

/// The forms of the contract, read without a clock or a time zone.
enum Form {
    Instant(DateTime<Utc>),
    Ago(Duration),
    Local(NaiveDateTime),
    Clock(NaiveTime),
}

fn read(input: &str) -> Option<Form> {
    let text = input.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        Some(Form::Instant(time.with_timezone(&Utc)))
    } else if let Some(ago) = parse_ago(text) {
        Some(Form::Ago(ago))
    } else if let Some(time) = parse_local_date_time(text) {
        Some(Form::Local(time))
    } else {
        parse_clock(text).map(Form::Clock)
    }
}

/// How many of `rest` continue a time that begins with `first`, typed without quotes
/// after `--at`: 2 for `1h` + `30m ago` and for `1` + `minute ago`, 1 for `2026-11-21` +
/// `02:47`, 0 for `10m` + `30m later`. Words are taken while they make a time this parser
/// reads, and only where the time could not have ended before them: `first` alone is no
/// time (`2` + `hours`, a date + its clock), or they end in `ago`. The command-line sorter
/// asks this instead of knowing time words itself.
pub fn words_continuing(first: &str, rest: &[String]) -> usize {
    // `1 h 30 m 15 s ago` is the longest a typed time gets.
    const LONGEST: usize = 8;
    let first_is_a_time = read(first).is_some();
    let mut value = first.to_string();
    let mut taken = 0;
    for (count, word) in rest.iter().take(LONGEST).enumerate() {
        value.push(' ');
        value.push_str(word);
        if read(&value).is_some() && (!first_is_a_time || word.eq_ignore_ascii_case(AGO)) {
            taken = count + 1;
        }
    }
    taken
}

const AGO: &str = "ago";

fn parse_local_date_time(text: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
}

fn parse_clock(text: &str) -> Option<NaiveTime> {
    ["%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|format| NaiveTime::parse_from_str(text, format).ok())
}

fn no_such_local_time(input: &str) -> Error {
    Error::Usage(format!(
        "{input:?} does not exist in the local time zone (it falls in a daylight-saving gap)"
    ))
}

/// The moments a local time names: none in a daylight-saving gap, two in an overlap.
fn local_moments<Tz: TimeZone>(zone: &Tz, time: NaiveDateTime) -> Vec<DateTime<Utc>> {
    match zone.from_local_datetime(&time) {
        LocalResult::Single(time) => vec![time.with_timezone(&Utc)],
        LocalResult::Ambiguous(one, other) => {
            vec![one.with_timezone(&Utc), other.with_timezone(&Utc)]
        }
        LocalResult::None => Vec::new(),
    }
}

fn latest_at_or_before<Tz: TimeZone>(
    zone: &Tz,
    time: NaiveTime,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let today: NaiveDate = now.with_timezone(zone).date_naive();
    // Two days back covers yesterday even across a daylight-saving gap at that hour.
    (0..3)
        .filter_map(|days_back| today.checked_sub_signed(Duration::days(days_back)))
        .flat_map(|date| local_moments(zone, date.and_time(time)))
        .filter(|candidate| *candidate <= now)
        .max()
}

/// How often, as `cadence` takes it: a duration in the units `--at` knows (`30m`,
/// `1h30m`, `1 hour`, `90 minutes`), longer than nothing; `off` is the caller's.
pub fn parse_every(input: &str) -> Result<u64> {
    let malformed = || {
        Error::Usage(format!(
            "{input:?} is not a duration: use 30m, 1h, 1h30m (units s, m, h, d) or off"
        ))
    };
    let span = parse_span(&input.trim().to_ascii_lowercase()).ok_or_else(malformed)?;
    match u64::try_from(span.num_seconds()) {
        Ok(0) => Err(Error::Usage(format!(
            "{input:?} is no time at all: to stop updates falling due, use off"
        ))),
        Ok(seconds) => Ok(seconds),
        Err(_) => Err(malformed()),
    }
}

/// `15m ago`, `-15m`, `15m`, `1h 30m ago`, `90 s ago`, `2 hours ago`, `now`.
fn parse_ago(text: &str) -> Option<Duration> {
    let lower = text.to_ascii_lowercase();
    if lower == "now" {
        return Some(Duration::zero());
    }
    let body = lower.strip_suffix(AGO).unwrap_or(&lower).trim_end();
    let body = body.strip_prefix('-').unwrap_or(body).trim_start();
    parse_span(body)
}

/// A duration in lower case, as amounts and units: `15m`, `1h 30m`, `90 s`, `2 hours`.
/// The one place the units of time are known.
fn parse_span(body: &str) -> Option<Duration> {
    if body.is_empty() {
        return None;
    }
    let mut total = Duration::zero();
    let mut rest = body;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let amount: i64 = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let seconds_per_unit = match &rest[..unit_len] {
            "s" | "sec" | "secs" | "second" | "seconds" => 1,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600,
            "d" | "day" | "days" => 86_400,
            _ => return None,
        };
        total = total.checked_add(&Duration::try_seconds(
            amount.checked_mul(seconds_per_unit)?,
        )?)?;
        rest = rest[unit_len..].trim_start();
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn now() -> DateTime<Utc> {
        "2026-11-21T03:10:00Z".parse().unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn parse(text: &str) -> Result<DateTime<Utc>> {
        parse_at(text, now(), &Utc)
    }

    #[test]
    fn every_form_of_the_contract_parses() {
        assert_eq!(
            parse("2026-11-21T02:47:00Z").unwrap(),
            utc("2026-11-21T02:47:00Z")
        );
        assert_eq!(
            parse("2026-11-21T03:47:00+01:00").unwrap(),
            utc("2026-11-21T02:47:00Z")
        );
        assert_eq!(
            parse("2026-11-21 02:47").unwrap(),
            utc("2026-11-21T02:47:00Z")
        );
        assert_eq!(
            parse("2026-11-21 02:47:30").unwrap(),
            utc("2026-11-21T02:47:30Z")
        );
        assert_eq!(parse("02:47").unwrap(), utc("2026-11-21T02:47:00Z"));
        assert_eq!(parse("03:10").unwrap(), utc("2026-11-21T03:10:00Z"));
        assert_eq!(parse("15m ago").unwrap(), utc("2026-11-21T02:55:00Z"));
        assert_eq!(parse("-15m").unwrap(), utc("2026-11-21T02:55:00Z"));
        assert_eq!(parse("15m").unwrap(), utc("2026-11-21T02:55:00Z"));
        assert_eq!(parse("1h30m ago").unwrap(), utc("2026-11-21T01:40:00Z"));
        assert_eq!(parse("2 hours ago").unwrap(), utc("2026-11-21T01:10:00Z"));
        assert_eq!(parse("90s ago").unwrap(), utc("2026-11-21T03:08:30Z"));
        assert_eq!(parse("1d ago").unwrap(), utc("2026-11-20T03:10:00Z"));
        assert_eq!(parse("now").unwrap(), now());
    }

    #[test]
    fn huge_durations_are_malformed_not_a_crash() {
        for huge in [
            "100000000d ago",
            "-9999999999h",
            "99999999999999999999s ago",
            "800000d ago",
            "1969-12-31T23:59:59Z",
        ] {
            assert!(
                matches!(parse(huge), Err(Error::MalformedTime { .. })),
                "{huge}"
            );
        }
    }

    #[test]
    fn a_clock_time_later_than_now_means_yesterday() {
        assert_eq!(parse("23:50").unwrap(), utc("2026-11-20T23:50:00Z"));
    }

    #[test]
    fn local_forms_use_the_time_zone() {
        let new_york = FixedOffset::west_opt(5 * 3600).unwrap();
        let parsed = parse_at("2026-11-20 21:47", now(), &new_york).unwrap();
        assert_eq!(parsed, utc("2026-11-21T02:47:00Z"));
        // 22:00 in New York is 03:00 UTC, before now: today, New York time.
        let parsed = parse_at("22:00", now(), &new_york).unwrap();
        assert_eq!(parsed, utc("2026-11-21T03:00:00Z"));
        // 22:30 there is after now, so it is the day before.
        let parsed = parse_at("22:30", now(), &new_york).unwrap();
        assert_eq!(parsed, utc("2026-11-20T03:30:00Z"));
    }

    #[test]
    fn future_times_are_refused() {
        for future in ["2026-11-21T03:10:01Z", "2027-01-01 00:00"] {
            assert!(
                matches!(parse(future), Err(Error::FutureTime { .. })),
                "{future}"
            );
        }
        assert_eq!(parse("-0m").unwrap(), now(), "now itself is not the future");
    }

    #[test]
    fn nonsense_is_malformed() {
        for bad in [
            "",
            "yesterday",
            "15x ago",
            "m ago",
            "25:00",
            "2026-13-01 00:00",
            "ago",
            "-",
        ] {
            assert!(
                matches!(parse(bad), Err(Error::MalformedTime { .. })),
                "{bad:?} parsed"
            );
        }
    }

    #[test]
    fn a_cadence_is_a_duration_in_the_units_of_at() {
        for (typed, seconds) in [
            ("30m", 1800),
            ("1h", 3600),
            ("1h30m", 5400),
            ("1h 30m", 5400),
            ("90 minutes", 5400),
            (" 2 Hours ", 7200),
            ("45s", 45),
        ] {
            assert_eq!(parse_every(typed).unwrap(), seconds, "{typed}");
        }
        for bad in [
            "", "off", "0m", "-30m", "30m ago", "now", "30", "soon", "1x",
        ] {
            assert!(
                matches!(parse_every(bad), Err(Error::Usage(_))),
                "{bad:?} parsed"
            );
        }
    }

    fn continuing(first: &str, rest: &[&str]) -> usize {
        let rest: Vec<String> = rest.iter().map(|word| word.to_string()).collect();
        words_continuing(first, &rest)
    }

    #[test]
    fn unquoted_times_take_the_words_that_continue_them() {
        assert_eq!(continuing("1h", &["30m", "ago", "x"]), 2);
        assert_eq!(continuing("1", &["minute", "ago"]), 2);
        assert_eq!(continuing("2", &["seconds", "ago", "later"]), 2);
        assert_eq!(continuing("2", &["hours", "later"]), 1);
        assert_eq!(continuing("5m", &["ago"]), 1);
        assert_eq!(continuing("5m", &["AGO"]), 1);
        assert_eq!(continuing("2026-11-21", &["02:47", "x"]), 1);
        assert_eq!(continuing("2026-11-21", &["02:47:30"]), 1);
        assert_eq!(continuing("10m", &["30m", "later"]), 0);
        assert_eq!(continuing("02:47", &["db-1", "paged"]), 0);
        assert_eq!(continuing("10m", &[]), 0);
        assert_eq!(continuing("soon", &["ago"]), 0);
    }
}
