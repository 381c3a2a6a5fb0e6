//! Every fact a view shows is the model's current one: retractions never count, amended
//! entries show their current text and time, decisions are read in the situation of their
//! time, the header shows the peak severity, a root cause is only what was recorded, and
//! each metric is one number in JSON and Markdown alike.

use crate::env::{TestEnv, entry};

/// The section of a Markdown report that starts at `heading`, up to the next `## `.
#[track_caller]
fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let start = markdown
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no {heading} in {markdown}"));
    let body = &markdown[start + heading.len() + 2..];
    body.find("\n## ").map_or(body, |end| &body[..end])
}

/// The three Markdown reports: the default, Google's and PagerDuty's.
fn reports(env: &TestEnv) -> Vec<String> {
    vec![
        env.ok(&["report"]),
        env.ok(&["report", "--template", "google"]),
        env.ok(&["report", "--template", "pagerduty"]),
    ]
}

#[test]
fn what_was_taken_back_is_never_counted_and_always_marked() {
    let env = TestEnv::new();
    env.ok(&["open", "Queue backlog", "--at", "02:00"]);
    env.ok(&["symptom", "consumer lag 40k", "--at", "02:05"]);
    env.ok(&["symptom", "lag alert flapping", "--at", "02:06"]);
    env.ok(&["action", "page the Kafka team", "--owner", "ben"]);
    env.ok(&["option", "restart consumers", "--consequence", "5m of lag"]);
    env.ok(&["decide", "O1", "fastest", "--at", "02:20"]);
    // The action was a mistake, the decision never happened, S2 was noise.
    env.ok(&["retract", "A1", "--why", "already paged"]);
    env.ok(&["retract", "D1", "--why", "typed in the wrong incident"]);
    env.ok(&["retract", "S2", "--why", "noise"]);

    for markdown in reports(&env) {
        assert!(!markdown.contains("- [ ] **A1**"), "{markdown}");
        assert!(markdown.contains("No action items recorded."), "{markdown}");
        assert!(!markdown.contains("### D1"), "{markdown}");
        assert!(!markdown.contains("**Chosen.**"), "{markdown}");
        assert!(!markdown.contains("Solution: O1"), "{markdown}");
    }
    let markdown = env.ok(&["report"]);
    // What was taken back is no event: the Timeline leaves it out, the Record tells it.
    let timeline = section(&markdown, "## Timeline");
    for taken in ["**A1**", "**D1**", "**S2**", "lag alert flapping"] {
        assert!(!timeline.contains(taken), "{taken}: {timeline}");
    }
    let record = section(&markdown, "## Record");
    assert!(
        record.contains("**E1** retract of **A1**, an action, by ana: already paged\n"),
        "{record}"
    );
    assert!(
        record.contains(
            "**E2** retract of **D1**, a decision, by ana: typed in the wrong incident\n"
        ),
        "{record}"
    );
    assert!(
        record.contains("**E3** retract of **S2**, a symptom, by ana: noise\n"),
        "{record}"
    );
    assert!(
        !section(&markdown, "## Summary").contains("lag alert flapping"),
        "{markdown}"
    );
    let board = env.ok(&["status"]);
    assert!(board.contains("page the Kafka team"), "{board}");
    assert!(board.contains("(retracted)"), "{board}");
    assert!(!board.contains("chosen"), "{board}");
    let handover = env.ok(&["status", "--format", "can"]);
    assert!(!handover.contains("A1"), "{handover}");
    assert!(!handover.contains("S2"), "{handover}");
    assert!(handover.contains("- No decision in force"), "{handover}");
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "O1")["chosen_by"], serde_json::json!([]));
    assert_eq!(report["metrics"]["time_to_detect"], 0);
}

#[test]
fn amended_entries_show_their_current_text_time_owner_and_consequence_everywhere() {
    let env = TestEnv::new();
    env.ok(&["open", "Queue backlog", "--at", "02:00"]);
    env.ok(&["symptom", "consumer lag 40k", "--at", "02:50"]);
    env.ok(&["test", "read the lag gauge", "--at", "02:55"]);
    env.ok(&["action", "alert on lag", "--owner", "ben"]);
    env.ok(&["option", "restart consumers", "--consequence", "5m of lag"]);
    env.ok(&["decide", "O1", "fastest", "--at", "03:00"]);
    // Each fact corrected: the lag was seen earlier, and bigger; the rest changed hands.
    env.ok(&["amend", "S1", "consumer lag 45k", "--time", "02:40"]);
    env.ok(&["amend", "T1", "--time", "02:45"]);
    env.ok(&["amend", "A1", "--owner", "kim"]);
    env.ok(&["amend", "O1", "--consequence", "an hour of lag"]);
    env.ok(&["amend", "D1", "--time", "02:58"]);

    for markdown in reports(&env) {
        assert!(markdown.contains("(owner: kim)"), "{markdown}");
        assert!(!markdown.contains("owner: ben"), "{markdown}");
    }
    let markdown = env.ok(&["report"]);
    assert!(
        markdown
            .contains("- **S1** 2026-11-21 02:40 UTC: consumer lag 45k (by ana) (amended by E1)"),
        "{markdown}"
    );
    let timeline = section(&markdown, "## Timeline");
    assert!(
        timeline.contains("- 2026-11-21 02:40 UTC, **S1** symptom: consumer lag 45k (by ana)\n"),
        "{timeline}"
    );
    assert!(
        !timeline.contains("E1"),
        "corrections are the Record's: {timeline}"
    );
    assert!(
        section(&markdown, "## Record").contains(
            "**E1** amend of **S1** by ana: now reads: consumer lag 45k; time now 2026-11-21 \
             02:40 UTC\n"
        ),
        "{markdown}"
    );
    assert!(!timeline.contains("02:50 UTC, **S1**"), "{timeline}");
    assert!(
        timeline.contains("- 2026-11-21 02:45 UTC, **T1** test"),
        "{timeline}"
    );
    assert!(
        markdown.contains("Consequence: an hour of lag"),
        "{markdown}"
    );
    assert!(
        markdown.contains("Solution: O1, chosen by ana at 2026-11-21 02:58 UTC (D1): fastest"),
        "{markdown}"
    );
    let google = env.ok(&["report", "--template", "google"]);
    assert!(
        google.contains("The first symptom, S1, was observed at 2026-11-21 02:40 UTC"),
        "{google}"
    );

    let board = env.ok(&["status"]);
    assert!(board.contains("(owner: kim)"), "{board}");
    // The decision in force, at its corrected time; its options are off the table.
    assert!(
        board.contains("D1  O1 restart consumers  (32m ago)"),
        "{board}"
    );
    assert!(board.contains("(45m ago)"), "T1 started at 02:45: {board}");
    let handover = env.ok(&["status", "--format", "can"]);
    assert!(handover.contains("(owner: kim)"), "{handover}");
    assert!(
        handover.contains("started 2026-11-21 02:45 UTC"),
        "{handover}"
    );
    assert!(
        handover.contains("by ana at 2026-11-21 02:58 UTC"),
        "{handover}"
    );
}

#[test]
fn a_decision_is_read_in_the_situation_of_its_time_not_of_its_typing() {
    let env = TestEnv::new();
    env.ok(&["open", "Checkout down", "--at", "02:00"]);
    env.ok(&["severity", "2", "--at", "02:01"]);
    env.ok(&["hypothesis", "bad deploy", "--at", "02:02"]);
    env.ok(&["hypothesis", "DB pool exhausted", "--at", "02:20"]);
    env.ok(&["severity", "1", "--at", "02:25"]);
    env.ok(&["stage", "mitigated", "--at", "02:30"]);
    env.ok(&["option", "roll back", "--at", "02:04"]);
    // Typed last, decided at 02:05: before the stage, the new severity and H2.
    env.ok(&["decide", "O1", "--at", "02:05"]);
    let expected = "Situation at 2026-11-21 02:05 UTC: severity 2, stage investigating; \
                    standing hypotheses: H1 (bad deploy).";
    for markdown in reports(&env) {
        assert!(markdown.contains(expected), "{markdown}");
    }
}

#[test]
fn a_report_with_thousands_of_decisions_renders() {
    let env = TestEnv::new();
    let id = env.quiet(&["open", "Flapping", "--at", "02:00"]);
    env.ok(&["hypothesis", "noisy neighbour", "--at", "02:01"]);
    env.ok(&["option", "drain the node", "--at", "02:02"]);
    env.ok(&["decide", "O1", "--at", "02:03"]);
    // Thousands of decisions, written straight into the document: recording them one
    // command at a time would take minutes.
    let mut document = env.document(&id);
    let entries = document["entries"].as_array_mut().expect("entries");
    let first = entries.last().expect("D1").clone();
    for number in 2..=3000 {
        let mut decision = first.clone();
        decision["id"] = format!("D{number}").into();
        decision["uuid"] = format!("01900000-0000-7000-8000-{number:012x}").into();
        decision["text"] = format!("round {number}").into();
        entries.push(decision);
    }
    std::fs::write(
        env.document_path(&id),
        serde_json::to_string(&document).unwrap(),
    )
    .unwrap();
    let markdown = env.ok(&["report"]);
    assert!(markdown.contains("### D3000\n"), "{}", markdown.len());
    assert_eq!(markdown.matches("standing hypotheses: H1").count(), 3000);
}

#[test]
fn the_header_shows_the_peak_severity_and_the_json_both() {
    let env = TestEnv::new();
    env.ok(&["open", "EU cards failing", "--at", "02:00"]);
    env.ok(&["severity", "1", "--at", "02:05"]);
    env.ok(&["severity", "3", "--at", "02:40"]);
    for markdown in reports(&env) {
        assert!(
            markdown.contains("| Severity | 1 at its peak, 3 at the end (1 is the most severe) |"),
            "{markdown}"
        );
    }
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(report["peak_severity"], 1);
    assert_eq!(report["severity"], 3);
    let handover = env.ok(&["status", "--format", "can"]);
    assert!(handover.contains("- Severity 3 (peak 1)"), "{handover}");
    // A retracted severity never happened.
    env.ok(&["retract", "E1"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(report["peak_severity"], 3);
    assert!(
        env.ok(&["report"])
            .contains("| Severity | 3 (1 is the most severe) |")
    );
}

#[test]
fn confirmed_is_not_the_root_cause_until_one_is_recorded() {
    let env = TestEnv::new();
    env.ok(&["open", "Checkout down", "--at", "02:00"]);
    env.ok(&["hypothesis", "bad deploy", "--at", "02:02"]);
    env.ok(&["hypothesis", "DB pool exhausted", "--at", "02:03"]);
    env.ok(&[
        "test",
        "read pool gauges",
        "--for",
        "H1,H2",
        "--at",
        "02:04",
    ]);
    env.ok(&[
        "result",
        "T1",
        "both look guilty",
        "--confirms",
        "H1,H2",
        "--at",
        "02:10",
    ]);
    let board = env.ok(&["status"]);
    assert!(!board.contains("Root cause"), "{board}");
    assert!(board.contains("confirmed  bad deploy"), "{board}");
    let handover = env.ok(&["status", "--format", "can"]);
    assert!(!handover.contains("Root cause"), "{handover}");
    assert!(
        handover.contains("- Hypothesis H1 (confirmed): bad deploy"),
        "{handover}"
    );
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(report["root_cause"], serde_json::Value::Null);

    // Closed without naming one: the report does not pick one of the two for us.
    env.ok(&["close", "rolled back and raised the pool", "--at", "02:30"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(report["root_cause"], serde_json::Value::Null);
    assert_eq!(
        report["metrics"]["time_to_root_cause"],
        serde_json::Value::Null
    );
    let [report, google, pagerduty] = &reports(&env)[..] else {
        unreachable!("three reports")
    };
    // Said in a sentence, never as the cause, with what records the cause: which of the
    // two it was is the responders' call.
    let summary = section(report, "## Summary");
    assert!(
        summary.contains(
            "Confirmed, not yet recorded as the root cause: bad deploy; DB pool exhausted."
        ),
        "{summary}"
    );
    assert!(!summary.contains("The root cause"), "{summary}");
    assert!(
        summary.contains("\"incident cause TEXT --root --hypothesis LABEL\""),
        "{summary}"
    );
    for causes in [
        section(google, "## Root Causes"),
        section(pagerduty, "## Contributing Factors"),
    ] {
        assert!(
            causes.contains(
                "Confirmed, not yet recorded as the root cause:\n\n- **H1** bad deploy; \
                 confirmed by R1 (result of T1, 2026-11-21 02:10 UTC): both look guilty\n- \
                 **H2** DB pool exhausted;"
            ),
            "{causes}"
        );
        assert!(
            causes.contains("To record it, run \"incident cause TEXT --root --hypothesis LABEL\"."),
            "{causes}"
        );
    }
    assert!(
        env.ok(&["report"])
            .contains("- Time to root cause (from the opening): no root cause recorded"),
    );

    // Recorded as the hint says: the root cause, known since R1, the times unchanged.
    env.ok(&[
        "cause",
        "the pool of 50 was too small for 400 workers",
        "--root",
        "--hypothesis",
        "H2",
    ]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(report["root_cause"], "H2");
    assert_eq!(report["metrics"]["time_to_root_cause"], 600);
    assert_eq!(report["metrics"]["time_to_resolve"], 1800);
    let markdown = env.ok(&["report"]);
    assert!(
        markdown.contains("The root cause: the pool of 50 was too small for 400 workers."),
        "{markdown}"
    );
    assert!(
        markdown.contains("- Time to root cause (from the opening): 10m\n"),
        "{markdown}"
    );
}

#[test]
fn each_metric_is_the_same_number_in_json_and_markdown() {
    let env = TestEnv::new();
    env.ok(&["open", "Late ticket", "--at", "03:00"]);
    // Noticed by a customer before anyone opened the incident.
    env.ok(&["symptom", "orders stuck", "--at", "02:30"]);
    env.ok(&["hypothesis", "cache stampede", "--at", "02:40"]);
    env.ok(&["test", "cache hit rate", "--for", "H1", "--at", "03:02"]);
    env.ok(&[
        "result",
        "T1",
        "hit rate 3%",
        "--confirms",
        "H1",
        "--at",
        "03:10",
    ]);
    env.ok(&[
        "close",
        "warmed the cache",
        "--root-cause",
        "H1",
        "--at",
        "03:20",
    ]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(
        report["metrics"],
        serde_json::json!({
            "time_to_detect": 1800,
            "time_to_first_hypothesis": 0,
            "time_to_identify": null,
            "time_to_root_cause": 600,
            "time_to_mitigate": null,
            "time_to_resolve": 3000,
            "time_to_first_update": null,
        })
    );
    let markdown = env.ok(&["report"]);
    let metrics = section(&markdown, "## Metrics");
    assert_eq!(
        metrics.trim_end(),
        "\n- Time to detect (impact start to opening): 30m\n\
         - Time to first hypothesis (from the opening): 0s (the first hypothesis came before \
         the incident was opened)\n\
         - Time to identify (from the impact start): not identified\n\
         - Time to root cause (from the opening): 10m\n\
         - Time to mitigate (from the impact start): not mitigated\n\
         - Time to resolve (from the impact start): 50m\n\
         - Time to first update (from the opening): no update sent"
    );
    let pagerduty = env.ok(&["report", "--template", "pagerduty"]);
    assert!(pagerduty.contains(metrics), "{pagerduty}");

    // The result happened earlier than typed: the metric follows, in both.
    env.ok(&["amend", "R1", "--time", "03:05"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(report["metrics"]["time_to_root_cause"], 300);
    assert!(
        env.ok(&["report"])
            .contains("- Time to root cause (from the opening): 5m\n")
    );
}
