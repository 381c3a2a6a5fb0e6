//! A whole incident, as an on-call engineer lives it at 3AM.

use crate::env::{TestEnv, entry, labels};

#[test]
fn checkout_502s_from_page_to_report() {
    let env = TestEnv::new();
    let id = env.quiet(&["open", "Checkout", "returns", "502s", "--at", "03:02"]);
    assert_eq!(id, "2026-11-21-checkout-returns-502s");

    assert_eq!(
        env.quiet(&[
            "symptom",
            "5% of POST /checkout return 502",
            "--at",
            "02:58"
        ]),
        "S1"
    );
    assert_eq!(
        env.quiet(&["symptom", "p99 latency on payments 4s", "--by", "ben"]),
        "S2"
    );
    assert_eq!(
        env.quiet(&["hypothesis", "bad deploy of payments at 02:40"]),
        "H1"
    );
    assert_eq!(
        env.quiet(&["hypothesis", "DB connection pool exhausted"]),
        "H2"
    );
    assert_eq!(
        env.quiet(&["hypothesis", "upstream card processor slow"]),
        "H3"
    );
    assert_eq!(
        env.quiet(&["test", "roll back payments canary", "--for", "H1"]),
        "T1"
    );
    assert_eq!(
        env.quiet(&["test", "check pool gauges", "--for", "H2,H3"]),
        "T2"
    );
    assert_eq!(
        env.quiet(&[
            "result",
            "T1",
            "502s continue after rollback",
            "--rules-out"
        ]),
        "R1"
    );
    assert_eq!(
        env.quiet(&[
            "result",
            "t2",
            "pool at 100/100, processor p99 normal",
            "--confirms",
            "h2",
            "--rules-out",
            "H3"
        ]),
        "R2"
    );
    assert_eq!(env.quiet(&["note", "paged the DBA"]), "N1");
    assert_eq!(
        env.quiet(&["action", "alert on pool saturation", "--owner", "ben"]),
        "A1"
    );
    assert_eq!(
        env.quiet(&[
            "close",
            "raised pool to 200; errors stopped",
            "--root-cause",
            "H2"
        ]),
        id
    );

    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(report["schema"], 3);
    assert_eq!(report["id"], id.as_str());
    assert_eq!(report["title"], "Checkout returns 502s");
    assert_eq!(report["status"], "closed");
    assert_eq!(report["opened_at"], "2026-11-21T03:02:00Z");
    assert_eq!(report["closed_at"], "2026-11-21T03:30:00Z");
    assert_eq!(report["resolution"], "raised pool to 200; errors stopped");
    assert_eq!(report["root_cause"], "H2");
    assert_eq!(
        labels(&report),
        [
            "S1", "S2", "H1", "H2", "H3", "T1", "T2", "R1", "R2", "N1", "A1", "C1"
        ]
    );
    assert_eq!(entry(&report, "S1")["at"], "2026-11-21T02:58:00Z");
    assert_eq!(entry(&report, "S1")["by"], "ana");
    assert_eq!(entry(&report, "S2")["by"], "ben");
    assert_eq!(entry(&report, "H1")["status"], "ruled-out");
    assert_eq!(entry(&report, "H2")["status"], "confirmed");
    assert_eq!(entry(&report, "H3")["status"], "ruled-out");
    assert_eq!(entry(&report, "T2")["for"], serde_json::json!(["H2", "H3"]));
    assert_eq!(entry(&report, "R1")["test"], "T1");
    assert_eq!(entry(&report, "R1")["rules_out"], serde_json::json!(["H1"]));
    assert_eq!(entry(&report, "R2")["confirms"], serde_json::json!(["H2"]));
    assert_eq!(entry(&report, "R2")["rules_out"], serde_json::json!(["H3"]));
    assert_eq!(entry(&report, "A1")["owner"], "ben");
    // `close --root-cause H2` recorded the root cause as a cause, in H2's words.
    assert_eq!(entry(&report, "C1")["cause"], "root");
    assert_eq!(entry(&report, "C1")["hypothesis"], "H2");
    for entry in report["entries"].as_array().unwrap() {
        for field in ["id", "kind", "at", "by", "text"] {
            assert!(entry.get(field).is_some(), "{field} missing from {entry}");
        }
    }

    // The stored document holds the log, not the derived state.
    let stored = env.document(&id);
    assert_eq!(stored["schema"], 3);
    assert_eq!(stored["entries"].as_array().unwrap().len(), 12);
    assert!(
        stored["entries"][2].get("status").is_none(),
        "status is derived, not stored"
    );
    for entry in stored["entries"].as_array().unwrap() {
        let uuid = entry["uuid"].as_str().unwrap();
        assert_eq!(uuid.as_bytes()[14], b'7', "uuid v7: {uuid}");
    }

    let markdown = env.ok(&["report"]);
    assert!(
        markdown.starts_with("# Checkout returns 502s\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| H1 | ~~bad deploy of payments at 02:40~~ | Ruled out |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| H2 | **DB connection pool exhausted** | **Confirmed** |"),
        "{markdown}"
    );
}

#[test]
fn going_back_to_hypotheses_when_all_are_ruled_out() {
    let env = TestEnv::new();
    env.open("Queue backlog");
    env.ok(&["hypothesis", "consumer crashed"]);
    env.ok(&["test", "check consumer pods", "--for", "H1"]);
    env.ok(&["result", "T1", "all pods running", "--rules-out"]);
    let status = env.ok(&["status"]);
    assert!(
        status.contains("H1  ruled out  consumer crashed  (R1)"),
        "{status}"
    );
    // A new hypothesis gets the next label; nothing is reused.
    assert_eq!(
        env.quiet(&["hypothesis", "partition rebalancing loop"]),
        "H2"
    );
    assert_eq!(
        env.quiet(&["test", "read broker logs", "--for", "H2"]),
        "T2"
    );
    let status = env.ok(&["status"]);
    assert!(
        status.contains("H2  open       partition rebalancing loop"),
        "{status}"
    );
    assert!(
        status.contains("T2  read broker logs  (for H2; 0s ago)"),
        "{status}"
    );
}

#[test]
fn new_evidence_overrides_an_earlier_verdict() {
    let env = TestEnv::new();
    env.open("Disk full on db-1");
    env.ok(&["hypothesis", "log rotation broken"]);
    env.ok(&["test", "inspect logrotate", "--for", "H1"]);
    env.ok(&["result", "T1", "logrotate ran", "--rules-out"]);
    env.ok(&[
        "result",
        "T1",
        "logrotate ran but skipped /var/log/pg",
        "--confirms",
        "H1",
    ]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "H1")["status"], "confirmed");
    assert_eq!(
        report["root_cause"],
        serde_json::Value::Null,
        "confirmed is not the root cause until one is recorded"
    );
}
