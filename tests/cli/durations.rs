//! Durations read as people say them, the same in every view: GitHub's outage of 21
//! October 2018 lasted "24 hours 11 minutes", and a report that says "1d" must be edited
//! by hand before it is pasted into a ticket.

use crate::env::TestEnv;

/// Degraded for 24h 11m, from the first symptom at the opening to the close, which is
/// now (the harness's clock, 2026-11-21 03:30 UTC).
const STARTED: &str = "2026-11-20T03:19:00Z";

fn the_long_night(env: &TestEnv) -> String {
    let id = env.quiet(&["open", "Replication lag after a partition", "--at", STARTED]);
    env.quiet(&["symptom", "webhooks delayed", "--at", STARTED]);
    id
}

#[test]
fn a_night_of_24h_11m_reads_24h_11m_from_the_board_to_the_report_and_stats() {
    let env = TestEnv::new();
    let id = the_long_night(&env);
    // Open, the board counts it.
    let board = env.ok(&["status"]);
    assert!(
        board.contains("opened 2026-11-20 03:19 UTC (24h 11m ago)"),
        "{board}"
    );

    env.quiet(&["close", "replicas in sync, backlog drained"]);
    let report = env.ok(&["report"]);
    assert!(report.contains("| Duration | 24h 11m |\n"), "{report}");
    assert!(
        report.contains("- Time to resolve (from the impact start): 24h 11m\n"),
        "{report}"
    );
    let json = env.json(&["report", "--format", "json"]);
    assert_eq!(json["metrics"]["time_to_resolve"], 24 * 3600 + 11 * 60);
    for template in ["google", "pagerduty"] {
        let laid_out = env.ok(&["report", "--template", template]);
        assert!(
            laid_out.contains("| Duration | 24h 11m |\n"),
            "{template}: {laid_out}"
        );
        assert!(!laid_out.contains("1d"), "{template}: {laid_out}");
    }
    let pagerduty = env.ok(&["report", "--template", "pagerduty"]);
    assert!(
        pagerduty.contains("- Time to resolve (from the impact start): 24h 11m\n"),
        "{pagerduty}"
    );
    assert!(!report.contains("1d"), "{report}");

    // A second, longer one: past two days, days and hours.
    env.quiet(&[
        "open",
        "Storage cluster degraded",
        "--at",
        "2026-11-15T00:00:00Z",
    ]);
    env.quiet(&["symptom", "writes stall", "--at", "2026-11-15T00:00:00Z"]);
    env.quiet(&["close", "rebalanced", "--at", "2026-11-18T04:00:00Z"]);
    // Nearest rank over two values: the median is the shorter, the p90 the longer.
    let text = env.ok(&["stats"]);
    let row = text
        .lines()
        .find(|line| line.trim_start().starts_with("time to resolve"))
        .unwrap_or_else(|| panic!("no time to resolve in {text}"));
    let figures: Vec<&str> = row
        .split("  ")
        .map(str::trim)
        .filter(|cell| !cell.is_empty())
        .collect();
    assert_eq!(
        figures[..4],
        ["time to resolve", "24h 11m", "3d 4h", "2"],
        "{row}"
    );
    assert!(text.contains("spread: <1m … >24h"), "{text}");
    let markdown = env.ok(&["stats", "--format", "markdown"]);
    assert!(
        markdown.contains("| time to resolve | 24h 11m | 3d 4h | 2 |"),
        "{markdown}"
    );
    // The other incident's report, and this one's board once closed, say the same.
    let other = env.ok(&["report", "-i", "storage"]);
    assert!(other.contains("| Duration | 3d 4h |\n"), "{other}");
    let handover = env.ok(&["-i", &id, "status", "--format", "can"]);
    assert!(!handover.contains("1d"), "{handover}");
}
