//! A postmortem a team accepts unedited: a replay of GitHub's 2018-10-21 outage (a 43
//! second partition between coasts, a cross-coast MySQL failover, hours of restoring from
//! backup), with every postmortem fact, then the reports as a ticket reader sees them.

use crate::env::{TestEnv, lint_markdown, require_tool};

/// A test with `--run`, whose output is shown on stderr as it comes.
#[track_caller]
fn ran(env: &TestEnv, args: &[&str]) {
    let output = env.run(args);
    assert_eq!(output.code, 0, "{}", output.stderr);
}

/// The whole outage, recorded as it happened and then in the review after the close.
fn replay() -> TestEnv {
    let mut env = TestEnv::new();
    env.set_now("2026-11-21T23:59:00Z");
    env.ok(&[
        "open",
        "GitHub.com degraded: stale data and failed writes",
        "--at",
        "22:54",
        "--severity",
        "2",
    ]);
    env.ok(&[
        "symptom",
        "webhooks delayed and Pages builds queued",
        "--at",
        "22:52",
    ]);
    env.ok(&[
        "symptom",
        "users see stale repository data after pushes",
        "--at",
        "22:55",
    ]);
    env.ok(&["role", "commander", "Ana", "Ruiz", "--at", "22:56"]);
    env.ok(&[
        "hypothesis",
        "network partition between US East Coast and West Coast data centres",
        "--at",
        "23:00",
    ]);
    env.ok(&[
        "hypothesis",
        "bad deploy of the web front end",
        "--at",
        "23:01",
    ]);
    env.ok(&[
        "hypothesis",
        "MySQL primary failed over to the West Coast",
        "--at",
        "23:02",
    ]);
    ran(
        &env,
        &[
            "test",
            "check recent deploys",
            "--for",
            "H2",
            "--run",
            "echo \"last deploy 21:10, none since\"; exit 0",
            "--at",
            "23:03",
        ],
    );
    env.ok(&[
        "result",
        "T1",
        "no deploy in the last 2 hours",
        "--rules-out",
        "--at",
        "23:05",
    ]);
    env.ok(&[
        "test",
        "read the orchestrator topology",
        "--for",
        "H3",
        "--at",
        "23:06",
    ]);
    env.ok(&[
        "result",
        "T2",
        "primaries for several clusters now in US West; East has writes not replicated",
        "--confirms",
        "H3",
        "--at",
        "23:09",
    ]);
    env.ok(&[
        "severity",
        "1",
        "writes lost between regions",
        "--at",
        "23:10",
    ]);
    env.ok(&[
        "stage",
        "identified",
        "cross-coast failover with divergent writes",
        "--at",
        "23:11",
    ]);
    ran(
        &env,
        &[
            "test",
            "check link health between coasts",
            "--for",
            "H1",
            "--run",
            "echo \"43s of packet loss at 22:52, link restored\"; exit 0",
            "--at",
            "23:12",
        ],
    );
    env.ok(&[
        "result",
        "T3",
        "a 43 second partition at 22:52 during optical equipment maintenance",
        "--confirms",
        "H1",
        "--at",
        "23:13",
    ]);
    env.ok(&[
        "option",
        "fail back to the East Coast now",
        "--consequence",
        "lose writes taken in the West",
        "--at",
        "23:14",
    ]);
    env.ok(&[
        "option",
        "restore from backups, then replay West writes",
        "--consequence",
        "hours of degraded service, no data lost",
        "--at",
        "23:15",
    ]);
    env.ok(&[
        "decide",
        "O2",
        "data integrity over availability",
        "--at",
        "23:16",
    ]);
    env.ok(&[
        "note",
        "status page set to red; webhooks and Pages paused",
        "--at",
        "23:17",
    ]);
    env.ok(&[
        "amend",
        "N1",
        "status page set to red; webhooks and Pages builds paused",
    ]);
    env.ok(&["note", "paged the database on-call", "--at", "23:18"]);
    env.ok(&["retract", "N2", "--why", "typed in the wrong incident"]);
    env.ok(&[
        "stage",
        "mitigated",
        "backups restored, replication caught up",
        "--at",
        "23:40",
    ]);
    env.ok(&[
        "severity",
        "3",
        "read-only degradation only",
        "--at",
        "23:41",
    ]);
    env.ok(&["impact", "Users saw out-of-date data and could not write reliably; webhooks and Pages builds were delayed", "--from", "22:52", "--to", "23:50"]);
    env.ok(&[
        "cause",
        "optical equipment maintenance cut the East-West link for 43 seconds",
        "--trigger",
    ]);
    env.ok(&[
        "cause",
        "orchestrator promoted West Coast primaries without accounting for cross-coast latency",
        "--root",
        "--hypothesis",
        "H3",
    ]);
    env.ok(&[
        "cause",
        "applications were not built for cross-coast write latency",
        "--contributing",
    ]);
    env.ok(&["cause", "status page updates were manual", "--contributing"]);
    env.ok(&[
        "lesson",
        "the incident commander paused webhooks early, which kept the backlog bounded",
        "--went",
        "well",
    ]);
    env.ok(&[
        "lesson",
        "failover crossed coasts and nobody was alerted it could",
        "--went",
        "wrong",
    ]);
    env.ok(&[
        "lesson",
        "backups were recent enough to restore within hours",
        "--went",
        "lucky",
    ]);
    env.ok(&["lesson", "the status page was fast", "--went", "well"]);
    env.ok(&["retract", "L4", "--why", "it was not: 20 minutes late"]);
    env.ok(&[
        "action",
        "make orchestrator failover region-aware",
        "--owner",
        "kim",
        "--due",
        "2026-12-15",
        "--link",
        "https://tracker.example.com/OPS-42",
    ]);
    env.ok(&[
        "action",
        "alert on cross-region primary promotion",
        "--owner",
        "ben",
        "--due",
        "2026-12-01",
        "--link",
        "OPS-43",
    ]);
    env.ok(&[
        "action",
        "document the restore runbook",
        "--owner",
        "cara",
        "--due",
        "2026-11-30",
    ]);
    env.ok(&["action", "wrong action", "--owner", "ben"]);
    env.ok(&["retract", "A4", "--why", "duplicate of A2"]);
    env.ok(&[
        "close",
        "failed back to East Coast primaries after restoring from backup; replication caught up",
        "--root-cause",
        "H3",
        "--at",
        "23:50",
    ]);
    env.set_now("2026-11-23T10:00:00Z");
    env.ok(&[
        "done",
        "A3",
        "runbook merged",
        "--at",
        "2026-11-23 09:00",
        "--by",
        "cara",
    ]);
    env
}

/// The text of a `## ` section, up to the next one.
fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let start = markdown
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no {heading} in:\n{markdown}"));
    let rest = &markdown[start + heading.len() + 2..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

fn reports(env: &TestEnv) -> [(&'static str, String); 3] {
    [
        ("report.md", env.ok(&["report"])),
        ("google.md", env.ok(&["report", "--template", "google"])),
        (
            "pagerduty.md",
            env.ok(&["report", "--template", "pagerduty"]),
        ),
    ]
}

/// Snapshots with `after 5ms`, `after 1.2s` read as `after [duration]`: how long a `--run`
/// command took varies from run to run.
fn steady() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r" after \d+(?:\.\d+)?(?:ms|s|m)", " after [duration]");
    settings
}

#[test]
fn the_replayed_outage_reports() {
    let env = replay();
    let [(_, report), (_, google), (_, pagerduty)] = reports(&env);
    steady().bind(|| {
        insta::assert_snapshot!("postmortem_report", report);
        insta::assert_snapshot!("postmortem_google", google);
        insta::assert_snapshot!("postmortem_pagerduty", pagerduty);
    });
}

#[test]
fn the_default_report_leads_with_what_a_ticket_needs() {
    let env = replay();
    let report = env.ok(&["report"]);
    let headings: Vec<&str> = report
        .lines()
        .filter(|line| line.starts_with("## "))
        .collect();
    assert_eq!(
        headings,
        [
            "## Summary",
            "## Key events",
            "## Impact",
            "## Causes",
            "## Roles",
            "## Symptoms",
            "## Hypotheses",
            "## Tests and results",
            "## Decisions",
            "## Timeline",
            "## Action items",
            "## Lessons learned",
            "## Metrics",
            "## Record",
        ]
    );
    // Told from the facts in sentences, as a person would write it: no labels, no hard
    // line breaks, nothing of the record's bookkeeping.
    let summary = section(&report, "## Summary");
    let told = summary.trim_start().lines().next().expect("a first line");
    assert_eq!(
        told,
        "From 2026-11-21 22:52 to 23:50 UTC (58m, severity 1 at its peak), Users saw \
         out-of-date data and could not write reliably; webhooks and Pages builds were \
         delayed. The root cause: orchestrator promoted West Coast primaries without \
         accounting for cross-coast latency. The trigger: optical equipment maintenance cut \
         the East-West link for 43 seconds. It was resolved at 2026-11-21 23:50 UTC: failed \
         back to East Coast primaries after restoring from backup; replication caught up."
    );
    assert!(!summary.contains('\\'), "no hard line breaks: {summary}");
    assert!(
        report.contains("| Severity | 1 at its peak, 3 at the end"),
        "{report}"
    );
}

#[test]
fn ruled_out_hypotheses_are_never_causes() {
    let env = replay();
    let [(_, report), (_, google), (_, pagerduty)] = reports(&env);
    for causes in [
        section(&report, "## Causes"),
        section(&google, "## Root Causes"),
        section(&google, "## Trigger"),
        section(&pagerduty, "## Contributing Factors"),
    ] {
        assert!(!causes.contains("H2"), "{causes}");
        assert!(!causes.contains("bad deploy"), "{causes}");
        assert!(
            causes.contains("C") && !causes.contains("To be completed"),
            "{causes}"
        );
    }
    // Each kind of cause is where it belongs.
    let causes = section(&report, "## Causes");
    let trigger = causes.find("- **C1**").expect("the trigger");
    let root = causes.find("- **C2**").expect("the root cause");
    let contributing = causes.find("- **C3**").expect("a contributing factor");
    assert!(trigger < root && root < contributing, "{causes}");
    assert!(
        causes.contains("established by H3 (confirmed by R3)"),
        "{causes}"
    );
}

#[test]
fn lessons_in_three_parts_without_the_retracted_one() {
    let env = replay();
    for (_, markdown) in reports(&env) {
        assert!(!markdown.contains("the status page was fast"), "{markdown}");
        for part in ["What went well:", "What went wrong:", "Where we got lucky:"] {
            assert!(markdown.contains(part), "{part}: {markdown}");
        }
        assert!(
            markdown.contains("- **L3** backups were recent enough"),
            "{markdown}"
        );
        assert!(
            !markdown.contains("To be completed by the author"),
            "{markdown}"
        );
    }
}

#[test]
fn action_items_are_tracked_and_done_ones_checked() {
    let env = replay();
    for (_, markdown) in reports(&env) {
        assert!(
            markdown.contains(
                "- [ ] **A1** make orchestrator failover region-aware (owner: kim; due \
                 2026-12-15; ticket <https://tracker.example.com/OPS-42>)"
            ),
            "{markdown}"
        );
        // A ticket that is not a URL stays text.
        assert!(
            markdown.contains("due 2026-12-01; ticket OPS-43)"),
            "{markdown}"
        );
        assert!(
            markdown.contains(
                "- [x] **A3** document the restore runbook (owner: cara; due 2026-11-30)\\\n      \
                 Done by cara at 2026-11-23 09:00 UTC (E11): runbook merged"
            ),
            "{markdown}"
        );
        assert!(!markdown.contains("wrong action"), "{markdown}");
    }
}

#[test]
fn a_ticket_link_is_a_link_only_when_it_is_a_plain_web_address() {
    let env = TestEnv::new();
    env.open("Links");
    env.ok(&["action", "one", "--link", "javascript:alert(1)"]);
    env.ok(&["action", "two", "--link", "https://x.example/a_b*c"]);
    env.ok(&["action", "three", "--link", "http://x.example/<b>"]);
    let report = env.ok(&["report"]);
    // Only a web address's scheme would link; this one stays text as typed.
    assert!(report.contains("ticket javascript:alert(1))"), "{report}");
    assert!(
        report.contains("ticket <https://x.example/a_b*c>)"),
        "{report}"
    );
    assert!(!report.contains("<http://x.example/<b>"), "{report}");
}

#[test]
fn the_timeline_tells_the_story_and_keeps_every_label() {
    let env = replay();
    let report = env.ok(&["report"]);
    let timeline = section(&report, "## Timeline");
    // Noise folded into what it belongs to.
    assert!(
        timeline
            .contains("**T1** test: check recent deploys (by ana); ran it, **R1**: exited with 0"),
        "{timeline}"
    );
    assert!(!timeline.contains("**R1** result"), "{timeline}");
    // Each line shows its current text; the correction is the Record's.
    assert!(
        timeline.contains("status page set to red; webhooks and Pages builds paused (by ana)\n"),
        "{timeline}"
    );
    assert!(!timeline.contains("E5"), "{timeline}");
    assert!(
        !timeline.contains("paged the database on-call"),
        "{timeline}"
    );
    assert!(!timeline.contains("E6"), "{timeline}");
    assert!(timeline.contains("impact started (I1)"), "{timeline}");
    assert!(timeline.contains("impact ended (I1)"), "{timeline}");
    // Nothing the JSON holds is lost from the report.
    let json = env.json(&["report", "--format", "json"]);
    for label in crate::env::labels(&json) {
        let bold = format!("**{label}**");
        let plain = format!("{label} ");
        let cited = [
            bold,
            plain,
            format!("{label})"),
            format!("{label},"),
            format!("{label}."),
            format!("{label}\n"),
        ];
        assert!(
            cited.iter().any(|cite| report.contains(cite.as_str())),
            "{label} lost"
        );
    }
}

#[test]
#[ignore = "needs markdownlint-cli2 and pandoc; .ci/run installs them"]
fn every_report_passes_markdownlint_and_pandoc() {
    let env = replay();
    let dir = tempfile::tempdir().expect("a temp dir");
    let reports = reports(&env);
    for (name, markdown) in &reports {
        std::fs::write(dir.path().join(name), markdown).expect("the report is written");
    }
    lint_markdown(dir.path(), &["report.md", "google.md", "pagerduty.md"]);
    let pandoc = require_tool("pandoc");
    for (name, _) in &reports {
        let plain = std::process::Command::new(&pandoc)
            .args(["-f", "gfm", "-t", "plain"])
            .arg(dir.path().join(name))
            .output()
            .expect("pandoc runs");
        assert!(plain.status.success(), "{name}");
        let plain = String::from_utf8_lossy(&plain.stdout);
        assert!(
            plain.contains("optical equipment maintenance"),
            "{name}: {plain}"
        );
        assert!(
            !plain.contains("the status page was fast"),
            "{name}: {plain}"
        );
    }
}

/// The root cause recorded with `cause --root --hypothesis H1`, then named again at the
/// close: one root cause, not a second copy of it.
#[test]
fn closing_with_the_root_cause_already_recorded_records_it_once() {
    let env = TestEnv::new();
    env.open("Checkout 502s");
    env.quiet(&["hypothesis", "pool exhausted"]);
    env.quiet(&[
        "cause",
        "pool of 50 for 400 workers",
        "--root",
        "--hypothesis",
        "H1",
    ]);
    env.quiet(&["close", "pool raised", "--root-cause", "H1"]);
    let report = env.json(&["report", "--format", "json"]);
    let causes: Vec<&serde_json::Value> = report["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|entry| entry["kind"] == "cause")
        .collect();
    assert_eq!(causes.len(), 1, "{causes:?}");
    assert_eq!(causes[0]["text"], "pool of 50 for 400 workers");
}
