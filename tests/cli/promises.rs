//! Promises of the contract that no other test held to its word: each test here would
//! fail if the promise were broken.

use serde_json::json;

use crate::env::{TestEnv, entry, section};

/// `stats --format json` is the form the contract names; the suite read only `--json`.
/// One closed incident: opened 02:00 at severity 1, first update 02:15, closed 03:00.
#[test]
fn stats_format_json_is_the_promised_object_with_time_to_first_update() {
    let env = TestEnv::new();
    env.quiet(&[
        "open",
        "Checkout returns 502s",
        "--severity",
        "1",
        "--at",
        "2026-11-21 02:00",
    ]);
    env.quiet(&["symptom", "502s on checkout", "--at", "2026-11-21 02:05"]);
    env.quiet(&["update", "checkout degraded", "--at", "2026-11-21 02:15"]);
    env.quiet(&["close", "rolled back", "--at", "2026-11-21 03:00"]);

    let out = env.ok(&["stats", "--format", "json"]);
    let stats: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|error| panic!("not JSON ({error}): {out}"));
    assert_eq!(
        stats,
        env.json(&["stats"]),
        "--format json and --json differ"
    );
    assert_eq!(stats["incidents"], 1);
    assert_eq!(stats["by_severity"], json!({"1": 1}));
    assert_eq!(stats["by_month"], json!({"2026-11": 1}));
    assert_eq!(
        stats["time_to_first_update"],
        json!({"median": 900, "p90": 900, "n": 1})
    );
    for key in [
        "time_to_detect",
        "time_to_identify",
        "time_to_mitigate",
        "time_to_resolve",
    ] {
        let metric = stats[key]
            .as_object()
            .unwrap_or_else(|| panic!("{key}: {stats}"));
        let mut names: Vec<&str> = metric.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["median", "n", "p90"], "{key}");
    }
    // Resolve is measured from the impact start, the first symptom at 02:05: 55 minutes.
    assert_eq!(
        stats["time_to_resolve"],
        json!({"median": 3300, "p90": 3300, "n": 1})
    );
}

/// `summary`: "the latest counts", in the JSON and in `## Summary` of every template.
#[test]
fn the_latest_summary_is_the_one_every_report_shows() {
    let env = TestEnv::new();
    env.quiet(&["open", "Checkout returns 502s", "--at", "2026-11-21 02:00"]);
    env.quiet(&["summary", "first draft of what happened"]);
    env.quiet(&["summary", "a deploy drained the worker pool for 40 minutes"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(
        report["summary"],
        "a deploy drained the worker pool for 40 minutes"
    );
    for template in ["ddx", "google", "pagerduty"] {
        let markdown = env.ok(&["report", "--template", template]);
        let summary = section(&markdown, "## Summary");
        assert!(
            summary.starts_with("a deploy drained the worker pool for 40 minutes"),
            "{template}: {summary}"
        );
        assert!(
            !markdown.contains("first draft of what happened"),
            "{template}: {markdown}"
        );
    }
}

/// `amend` of a cause's kind: the suite amended `--trigger` only.
#[test]
fn amend_moves_a_cause_to_root_and_to_contributing() {
    let env = TestEnv::new();
    env.quiet(&["open", "Checkout returns 502s", "--at", "2026-11-21 02:00"]);
    env.quiet(&["cause", "a deploy drained the worker pool", "--trigger"]);
    assert_eq!(env.quiet(&["amend", "C1", "--root"]), "E1");
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "C1")["current_cause"], "root");
    let causes = env.ok(&["report"]);
    let causes = section(&causes, "## Causes");
    // C1 stands under "Root causes:", no longer under "Trigger:".
    let (trigger, rest) = causes.split_once("Root causes:").expect(causes);
    let (roots, _contributing) = rest.split_once("Contributing factors:").expect(causes);
    assert!(roots.contains("**C1**"), "{causes}");
    assert!(!trigger.contains("**C1**"), "{causes}");

    assert_eq!(env.quiet(&["amend", "C1", "--contributing"]), "E2");
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "C1")["current_cause"], "contributing");
    let causes = env.ok(&["report"]);
    let causes = section(&causes, "## Causes");
    let (_, contributing) = causes.split_once("Contributing factors:").expect(causes);
    assert!(contributing.contains("**C1**"), "{causes}");
}

/// A misspelling by one letter counts from five letters on: the boundary itself.
#[test]
fn a_five_letter_word_misspelt_by_one_letter_is_found_a_four_letter_one_is_not() {
    let env = TestEnv::new();
    let id = env.quiet(&[
        "open",
        "Kafka consumer lag on orders",
        "--at",
        "2026-11-21 02:00",
    ]);
    env.quiet(&["symptom", "orders page slow"]);
    let out = env.run(&["search", "kafke", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let hits: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(hits[0]["incident"], id.as_str());
    assert_eq!(hits[0]["kind"], "title");
    assert!(out.stderr.contains("did you mean kafka?"), "{}", out.stderr);
    // `slaw` is four letters: no `slow`.
    env.fails(&["search", "slaw"], 1);
}
