//! `--at` in every form of the contract, read in the user's time zone.

use crate::env::{TestEnv, entry};

fn at_of(env: &TestEnv, label: &str) -> String {
    let report = env.json(&["report", "--format", "json"]);
    entry(&report, label)["at"].as_str().unwrap().to_string()
}

#[test]
fn every_form_of_time_is_accepted() {
    let env = TestEnv::new();
    env.open("Times");
    let cases = [
        ("2026-11-21T02:47:00Z", "2026-11-21T02:47:00Z"),
        ("2026-11-21 02:48", "2026-11-21T02:48:00Z"),
        ("2026-11-21 02:49:30", "2026-11-21T02:49:30Z"),
        ("02:50", "2026-11-21T02:50:00Z"),
        ("04:00", "2026-11-20T04:00:00Z"),
        ("15m ago", "2026-11-21T03:15:00Z"),
        ("-15m", "2026-11-21T03:15:00Z"),
        ("-2h", "2026-11-21T01:30:00Z"),
        ("90s ago", "2026-11-21T03:28:30Z"),
        ("1d ago", "2026-11-20T03:30:00Z"),
    ];
    for (number, (typed, stored)) in cases.iter().enumerate() {
        let label = env.quiet(&["note", typed, "--at", typed]);
        assert_eq!(label, format!("N{}", number + 1));
        assert_eq!(at_of(&env, &label), *stored, "--at {typed}");
    }
}

#[test]
fn local_times_are_read_in_the_local_time_zone() {
    let env = TestEnv::new().with_tz("America/New_York");
    env.open("New York");
    env.ok(&["note", "local", "--at", "2026-11-20 21:47"]);
    assert_eq!(at_of(&env, "N1"), "2026-11-21T02:47:00Z");
    env.ok(&["note", "clock", "--at", "22:15"]);
    assert_eq!(at_of(&env, "N2"), "2026-11-21T03:15:00Z");
}

#[test]
fn the_id_carries_the_local_opening_date() {
    let env = TestEnv::new().with_tz("America/New_York");
    // 03:30 UTC is still the 20th in New York.
    assert_eq!(env.open("Late night"), "2026-11-20-late-night");
}

#[test]
fn future_times_are_refused() {
    let env = TestEnv::new();
    let id = env.open("Future");
    let before = std::fs::read(env.document_path(&id)).unwrap();
    let stderr = env.fails(&["note", "x", "--at", "2026-11-21T03:31:00Z"], 2);
    assert!(stderr.contains("future"), "{stderr}");
    env.fails(&["note", "x", "--at", "2027-01-01 00:00"], 2);
    env.fails(&["open", "x", "--at", "2026-11-22T00:00:00Z"], 2);
    assert_eq!(std::fs::read(env.document_path(&id)).unwrap(), before);
}

#[test]
fn malformed_times_are_usage_errors_with_a_hint() {
    let env = TestEnv::new();
    env.open("Malformed");
    for bad in ["yesterday", "25:00", "15x ago", "2026-13-01 00:00"] {
        let stderr = env.fails(&["note", "x", "--at", bad], 2);
        assert!(stderr.contains("hint: try"), "{stderr}");
    }
}

#[test]
fn daylight_saving_overlaps_mean_the_latest_past_moment_and_gaps_are_refused() {
    // New York falls back on 2026-11-01 at 02:00 EDT to 01:00 EST, so 01:30 happens twice:
    // 05:30 UTC (EDT) and 06:30 UTC (EST).
    let mut env = TestEnv::new().with_tz("America/New_York");
    env.set_now("2026-11-01T06:15:00Z"); // 01:15 EST: only the EDT 01:30 has passed.
    env.open("Fall back");
    env.ok(&["note", "clock", "--at", "01:30"]);
    assert_eq!(at_of(&env, "N1"), "2026-11-01T05:30:00Z");
    env.ok(&["note", "date", "--at", "2026-11-01 01:30"]);
    assert_eq!(
        at_of(&env, "N2"),
        "2026-11-01T05:30:00Z",
        "the earlier of the two"
    );
    env.set_now("2026-11-01T07:00:00Z"); // 02:00 EST: both have passed.
    env.ok(&["note", "later", "--at", "01:30"]);
    assert_eq!(at_of(&env, "N3"), "2026-11-01T06:30:00Z");

    // Spring forward on 2026-03-08: 02:30 does not exist.
    env.set_now("2026-03-08T12:00:00Z");
    let stderr = env.fails(&["note", "gap", "--at", "2026-03-08 02:30"], 2);
    assert!(stderr.contains("daylight-saving"), "{stderr}");
}

#[test]
fn huge_durations_are_refused_not_a_crash() {
    let env = TestEnv::new();
    env.open("Huge");
    for huge in ["100000000d ago", "-9999999999h"] {
        let stderr = env.fails(&["note", "x", "--at", huge], 2);
        assert!(!stderr.contains("internal error"), "{stderr}");
    }
}

#[test]
fn unquoted_times_at_the_end_of_the_text_belong_to_the_time() {
    // Every unit the time parser knows, spelt out, without quotes: the argument sorter
    // must not know a shorter list of time words than the parser does.
    let env = TestEnv::new();
    env.open("Unquoted");
    let cases = [
        (&["--at", "1", "minute", "ago"][..], "2026-11-21T03:29:00Z"),
        (&["--at", "2", "seconds", "ago"], "2026-11-21T03:29:58Z"),
        (&["--at", "1", "second", "ago"], "2026-11-21T03:29:59Z"),
        (&["--at", "1h", "30m", "ago"], "2026-11-21T02:00:00Z"),
        (&["--at", "2026-11-21", "02:47"], "2026-11-21T02:47:00Z"),
        (&["--at", "2026-11-21", "02:47:30"], "2026-11-21T02:47:30Z"),
    ];
    for (number, (at, stored)) in cases.iter().enumerate() {
        let mut args = vec!["note", "paged", "the", "DBA"];
        args.extend_from_slice(at);
        let label = env.quiet(&args);
        assert_eq!(label, format!("N{}", number + 1));
        let report = env.json(&["report", "--format", "json"]);
        assert_eq!(entry(&report, &label)["text"], "paged the DBA", "{at:?}");
        assert_eq!(entry(&report, &label)["at"], *stored, "{at:?}");
    }
}

#[test]
fn words_after_a_complete_time_stay_text() {
    let env = TestEnv::new();
    env.open("Not a time");
    env.ok(&["note", "--at", "10m", "30m", "later", "it", "recovered"]);
    env.ok(&["note", "--at", "2", "hours", "later", "it", "recovered"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "N1")["text"], "30m later it recovered");
    assert_eq!(entry(&report, "N1")["at"], "2026-11-21T03:20:00Z");
    assert_eq!(entry(&report, "N2")["text"], "later it recovered");
    assert_eq!(entry(&report, "N2")["at"], "2026-11-21T01:30:00Z");
}
