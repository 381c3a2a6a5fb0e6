//! Beyond the notebook: severity, stages, roles, decisions, evidence from the terminal,
//! handovers and report templates.

use serde_json::{Value, json};

use crate::env::{TestEnv, entry};

fn replay(env: &TestEnv) -> String {
    let id = env.quiet(&[
        "open",
        "Payments API 5xx",
        "--severity",
        "3",
        "--at",
        "02:00",
    ]);
    env.ok(&["symptom", "5xx rate 12% on /pay", "--at", "01:55"]);
    env.ok(&["role", "primary", "ana", "--at", "02:01"]);
    env.ok(&["role", "comms", "Ben", "Ng", "--at", "02:02", "--by", "ben"]);
    env.ok(&["hypothesis", "bad config push", "--at", "02:05"]);
    env.ok(&["hypothesis", "db failover", "--at", "02:06"]);
    env.ok(&["severity", "2", "EU card payments failing", "--at", "02:10"]);
    env.ok(&["stage", "identified", "--at", "02:20"]);
    env.ok(&[
        "option",
        "roll back config",
        "--consequence",
        "lose",
        "the",
        "new",
        "rate",
        "limits",
        "--at",
        "02:21",
    ]);
    env.ok(&[
        "option",
        "restart pods",
        "--consequence",
        "two minutes of outage",
        "--at",
        "02:22",
    ]);
    env.ok(&["option", "wait for auto-heal", "--at", "02:23"]);
    env.ok(&[
        "decide", "O1", "safest", "and", "fastest", "--at", "02:24", "--by", "cara",
    ]);
    env.ok(&["role", "primary", "cara", "--at", "02:25"]);
    env.ok(&["stage", "mitigated", "--at", "02:30"]);
    env.ok(&["close", "config rolled back", "--at", "02:45"]);
    id
}

#[test]
fn the_json_document_carries_severity_stage_roles_and_metrics_to_the_second() {
    let env = TestEnv::new();
    replay(&env);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(report["severity"], 2);
    assert_eq!(report["stage"], "resolved", "close implies resolved");
    assert_eq!(
        report["roles"],
        json!({"comms": "Ben Ng", "primary": "cara"})
    );
    assert_eq!(
        report["metrics"],
        json!({
            "time_to_detect": 300,
            "time_to_first_hypothesis": 300,
            // Detect, identify, mitigate and resolve count from the impact start, the
            // first symptom here, five minutes before the opening.
            "time_to_identify": 1500,
            "time_to_mitigate": 2100,
            "time_to_resolve": 3000,
            "time_to_root_cause": null,
            "time_to_first_update": null,
        })
    );
    let labels: Vec<&str> = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "E1", "S1", "E2", "E3", "H1", "H2", "E4", "E5", "O1", "O2", "O3", "D1", "E6", "E7"
        ]
    );
    assert_eq!(entry(&report, "E1")["kind"], "severity");
    assert_eq!(entry(&report, "E1")["severity"], 3);
    assert_eq!(entry(&report, "E3")["kind"], "role");
    assert_eq!(entry(&report, "E3")["holder"], "Ben Ng");
    assert_eq!(entry(&report, "E3")["by"], "ben");
    assert_eq!(entry(&report, "E5")["stage"], "identified");
    assert_eq!(
        entry(&report, "O1")["consequence"],
        "lose the new rate limits"
    );
    assert_eq!(entry(&report, "O1")["chosen_by"], json!(["D1"]));
    assert_eq!(entry(&report, "D1")["kind"], "decision");
    assert_eq!(entry(&report, "D1")["option"], "O1");
    assert_eq!(entry(&report, "D1")["text"], "safest and fastest");
    assert_eq!(entry(&report, "D1")["by"], "cara");
    assert_eq!(entry(&report, "D1")["at"], "2026-11-21T02:24:00Z");
}

#[test]
fn an_open_incident_has_null_metrics_until_things_happen() {
    let env = TestEnv::new();
    env.open("Quiet");
    let report = env.json(&["status"]);
    assert_eq!(report["severity"], Value::Null);
    assert_eq!(report["stage"], "investigating");
    assert_eq!(report["roles"], json!({}));
    for metric in [
        "time_to_detect",
        "time_to_identify",
        "time_to_mitigate",
        "time_to_resolve",
    ] {
        assert_eq!(report["metrics"][metric], Value::Null, "{metric}");
    }
}

#[test]
fn new_entries_take_quiet_json_at_and_by_like_any_other() {
    let env = TestEnv::new();
    env.open("Scripted");
    assert_eq!(env.quiet(&["severity", "1"]), "E1");
    assert_eq!(env.quiet(&["stage", "identified"]), "E2");
    assert_eq!(env.quiet(&["role", "commander", "ana"]), "E3");
    assert_eq!(env.quiet(&["option", "fail over"]), "O1");
    assert_eq!(env.quiet(&["decide", "o1"]), "D1");
    let decided = env.json(&[
        "decide",
        "O1",
        "still the best",
        "--at",
        "5m ago",
        "--by",
        "ben",
    ]);
    assert_eq!(decided["id"], "D2");
    assert_eq!(decided["at"], "2026-11-21T03:25:00Z");
    assert_eq!(decided["by"], "ben");
    env.fails(&["severity", "6"], 2);
    env.fails(&["severity", "high"], 2);
    env.fails(&["stage", "panicking"], 2);
    env.fails(&["decide", "O9"], 1);
    env.fails(&["decide", "H1"], 1);
    env.fails(&["role", "comms"], 2);
    env.fails(&["open", "x", "--severity", "0"], 2);
}

#[test]
fn run_records_evidence_and_leaves_the_verdict_to_the_engineer() {
    let env = TestEnv::new();
    env.open("Evidence");
    env.ok(&["hypothesis", "the API is down"]);
    let out = env.run(&[
        "test",
        "is the API up",
        "--for",
        "H1",
        "--run",
        "echo up; echo warn >&2; exit 0",
        "-q",
    ]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "T1 R1\n");
    assert!(
        out.stderr.contains("up\n") && out.stderr.contains("warn\n"),
        "shown live: {}",
        out.stderr
    );

    let out = env.run(&[
        "test",
        "failing check",
        "--run",
        "echo partial; echo broken >&2; exit 3",
        "-q",
    ]);
    assert_eq!(
        out.code, 0,
        "the command's failure is evidence, not an error"
    );
    assert_eq!(out.stdout, "T2 R2\n");

    let out = env.run(&["test", "hangs", "--run", "sleep 30", "--timeout", "1", "-q"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "T3 R3\n"));

    let out = env.run(&[
        "test",
        "escapes",
        "--run",
        r"printf '\033]0;pwned\007\033[31mred\n'",
        "-q",
    ]);
    assert!(
        !out.stderr.contains('\u{1b}') && out.stderr.contains(r"\x1b[31mred"),
        "{:?}",
        out.stderr
    );

    let report = env.json(&["report", "--format", "json"]);
    let r1 = entry(&report, "R1");
    assert_eq!(r1["test"], "T1");
    assert_eq!(r1["command"], "echo up; echo warn >&2; exit 0");
    assert_eq!(r1["exit_code"], 0);
    assert_eq!(r1["timed_out"], false);
    assert_eq!(
        r1["output"], "up\nwarn\n",
        "stdout and stderr interleaved as printed"
    );
    assert_eq!(r1["rules_out"], json!([]), "no verdict");
    assert_eq!(r1["confirms"], json!([]));
    assert!(r1["duration_ms"].as_u64().unwrap() < 10_000);
    assert_eq!(entry(&report, "H1")["status"], "open");
    let r2 = entry(&report, "R2");
    assert_eq!(
        (r2["exit_code"].as_i64(), r2["output"].as_str()),
        (Some(3), Some("partial\nbroken\n"))
    );
    let r3 = entry(&report, "R3");
    assert_eq!(r3["exit_code"], Value::Null);
    assert_eq!(r3["timed_out"], true);
    assert!(r3["duration_ms"].as_u64().unwrap() >= 1000);
    assert_eq!(
        entry(&report, "R4")["output"],
        "\u{1b}]0;pwned\u{7}\u{1b}[31mred\n",
        "kept exactly"
    );

    // The verdict stays the engineer's.
    env.ok(&["result", "T1", "API answered", "--rules-out"]);
    assert_eq!(
        entry(&env.json(&["report", "--format", "json"]), "H1")["status"],
        "ruled-out"
    );
    let markdown = env.ok(&["report"]);
    assert!(
        markdown.contains("```text\n$ sleep 30\n[timed out after"),
        "{markdown}"
    );
    assert!(
        markdown.contains("\\x1b]0;pwned\\x07\\x1b[31mred"),
        "{markdown}"
    );
    assert!(!markdown.contains('\u{1b}'));
}

#[test]
fn changes_of_state_can_be_taken_back_but_not_rewritten() {
    let env = TestEnv::new();
    env.quiet(&["open", "Corrections", "--severity", "3", "--at", "03:00"]);
    env.ok(&["stage", "identified", "--at", "03:10"]);
    env.ok(&["role", "primary", "ana"]);
    env.ok(&["role", "primary", "ben"]);
    assert_eq!(
        env.quiet(&["retract", "E2", "--why", "typed too soon"]),
        "E5"
    );
    env.ok(&["retract", "E4"]);
    let report = env.json(&["status"]);
    assert_eq!(report["stage"], "investigating");
    assert_eq!(report["metrics"]["time_to_identify"], Value::Null);
    assert_eq!(report["roles"], json!({"primary": "ana"}));
    // A change of state is corrected in its time (and its note); its value changes by a
    // new change of state, and an option it does not have is refused.
    let stderr = env.fails(&["amend", "E1", "--owner", "ben"], 2);
    assert!(
        stderr.contains("does not apply to E1, which is a severity"),
        "{stderr}"
    );
    // A retraction taken back brings back what it took: E2's stage counts again.
    env.ok(&["retract", "E5"]);
    assert_eq!(env.json(&["status"])["stage"], "identified");
    env.ok(&["undo"]);
    assert_eq!(env.json(&["status"])["stage"], "investigating");

    env.ok(&["option", "fail over"]);
    env.ok(&["decide", "O1", "fastest"]);
    env.ok(&["retract", "D1", "--why", "reconsidered"]);
    let markdown = env.ok(&["report"]);
    assert!(!markdown.contains("**Chosen.**"), "{markdown}");
    assert!(
        markdown.contains("**E9** retract of **D1**, a decision, by ana: reconsidered"),
        "{markdown}"
    );
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "O1")["chosen_by"], json!([]));

    env.ok(&["hypothesis", "dns"]);
    env.ok(&["retract", "H1"]);
    let stderr = env.fails(&["test", "dig", "--for", "H1"], 1);
    assert!(stderr.contains("H1 was retracted by E10"), "{stderr}");
    env.ok(&["close"]);
    env.fails(&["stage", "investigating"], 1);
    env.fails(&["test", "x", "--run", "true", "--timeout", "0"], 2);
}

#[test]
fn run_keeps_the_last_fifty_lines() {
    let env = TestEnv::new();
    env.open("Long output");
    assert_eq!(
        env.run(&["test", "count", "--run", "seq 1 200", "-q"]).code,
        0
    );
    let report = env.json(&["report", "--format", "json"]);
    let output = entry(&report, "R1")["output"].as_str().unwrap().to_string();
    assert_eq!(output.lines().count(), 50);
    assert!(
        output.starts_with("151\n") && output.ends_with("200\n"),
        "{output}"
    );
}

#[test]
fn run_on_a_closed_incident_runs_nothing() {
    let env = TestEnv::new();
    env.open("Closed");
    env.ok(&["close"]);
    let marker = env.home().join("ran");
    let stderr = env.fails(
        &[
            "test",
            "x",
            "--run",
            &format!("touch '{}'", marker.display()),
        ],
        1,
    );
    assert!(stderr.contains("is closed"), "{stderr}");
    assert!(!marker.exists());
}

#[test]
fn the_can_handover_is_ready_to_paste() {
    let env = TestEnv::new();
    env.quiet(&["open", "Payments API 5xx", "--severity", "2"]);
    env.ok(&["role", "primary", "ana"]);
    env.ok(&["symptom", "5xx rate 12%"]);
    env.ok(&["hypothesis", "bad config push"]);
    env.ok(&["test", "diff the config", "--for", "H1"]);
    env.ok(&["option", "roll back"]);
    env.ok(&["decide", "O1", "safest"]);
    env.ok(&["action", "add a config canary", "--owner", "ben"]);
    let can = env.ok(&["status", "--format", "can"]);
    assert!(can.starts_with("# Handover: Payments API 5xx\n"), "{can}");
    for needle in [
        "## Condition\n",
        "- Severity 2; stage investigating",
        "- Roles: primary ana",
        "- Hypothesis H1: bad config push",
        "## Actions\n",
        "- Test in progress T1 (for H1): diff the config",
        "- Decision in force D1: O1 (roll back), by ana",
        "## Needs\n",
        "- Action A1: add a config canary (owner: ben)",
    ] {
        assert!(can.contains(needle), "{needle:?} missing from\n{can}");
    }
}

#[test]
fn the_templates_have_their_sections() {
    let env = TestEnv::new();
    replay(&env);
    let google = env.ok(&["report", "--template", "google"]);
    let headings: Vec<&str> = google
        .lines()
        .filter(|line| line.starts_with("## "))
        .collect();
    assert_eq!(
        headings,
        [
            "## Summary",
            "## Key events",
            "## Impact",
            "## Root Causes",
            "## Trigger",
            "## Resolution",
            "## Detection",
            "## Action Items",
            "## Lessons Learned",
            "## Timeline",
        ]
    );
    assert!(
        !google.contains("To be completed by the author"),
        "{google}"
    );
    let pagerduty = env.ok(&["report", "--template", "pagerduty"]);
    let headings: Vec<&str> = pagerduty
        .lines()
        .filter(|line| line.starts_with("## "))
        .collect();
    assert_eq!(
        headings,
        [
            "## Summary",
            "## Key events",
            "## What Happened",
            "## Contributing Factors",
            "## Resolution",
            "## Impact",
            "## Responders",
            "## Timeline",
            "## How'd We Do?",
            "## Action Items",
        ]
    );
    let ddx = env.ok(&["report"]);
    assert_eq!(ddx, env.ok(&["report", "--template", "ddx"]));
    assert!(ddx.contains("## Decisions\n\n### D1\n\nSituation at 2026-11-21 02:24 UTC: severity 2, stage identified; standing hypotheses: H1 (bad config push), H2 (db failover)."), "{ddx}");
    assert!(ddx.contains("- primary: ana from 2026-11-21 02:01 UTC to 2026-11-21 02:25 UTC; cara from 2026-11-21 02:25 UTC"), "{ddx}");
    env.fails(&["report", "--format", "json", "--template", "google"], 2);

    let can = env.ok(&["status", "--format", "can"]);
    assert!(can.starts_with("# Handover: "), "{can}");
}

#[test]
#[ignore = "needs markdownlint-cli2; .ci/run installs it"]
fn every_template_and_the_handover_pass_markdownlint() {
    let env = TestEnv::new();
    replay(&env);
    let ddx = env.ok(&["report"]);
    let google = env.ok(&["report", "--template", "google"]);
    let pagerduty = env.ok(&["report", "--template", "pagerduty"]);
    let can = env.ok(&["status", "--format", "can"]);
    let files = [
        ("ddx.md", &ddx),
        ("google.md", &google),
        ("pagerduty.md", &pagerduty),
        ("can.md", &can),
    ];
    for (name, text) in files {
        std::fs::write(env.home().join(name), text).unwrap();
    }
    crate::env::lint_markdown(env.home(), &files.map(|(name, _)| name));
}

#[test]
fn run_returns_by_its_timeout_even_if_something_keeps_the_output_open() {
    let env = TestEnv::new();
    env.open("Daemons");
    let started = std::time::Instant::now();
    let out = env.run(&[
        "test",
        "daemon",
        "--run",
        "setsid sleep 30 & echo started",
        "--timeout",
        "2",
        "-q",
    ]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "T1 R1\n"));
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "R1")["output"], "started\n");
}

/// Whether `pid` is a live process (a zombie waiting to be reaped is not).
fn is_alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        // The state follows the command name, which ends at the last `)`.
        let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
        !state.is_some_and(|rest| rest.starts_with('Z') || rest.starts_with('X'))
    })
}

/// Every process in the process group `group`.
fn group_members(group: i32) -> Vec<i32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|item| item.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                // Fields after the name: state, ppid, pgrp.
                let fields: Vec<&str> = stat
                    .rsplit_once(')')
                    .map_or("", |(_, rest)| rest)
                    .split_whitespace()
                    .collect();
                fields.get(2) == Some(&group.to_string().as_str())
            })
        })
        .filter(|&pid| is_alive(pid))
        .collect()
}

#[test]
fn an_interrupted_run_stops_the_command_and_records_nothing() {
    let env = TestEnv::new();
    let id = env.open("Interrupted");
    env.ok(&["symptom", "checkout slow"]);
    let before = std::fs::read(env.document_path(&id)).unwrap();
    let marker = env.home().join("running");
    let finished = env.home().join("finished");
    // The command says it runs, with the pid of its shell, which leads its process group,
    // then starts a second process in that group and would run for a minute.
    let command = format!(
        "echo $$ > '{}.tmp' && mv '{0}.tmp' '{0}'; echo running; sleep 60 & wait; touch '{}'",
        marker.display(),
        finished.display()
    );
    let mut process = env
        .process(&["test", "slow check", "--run", &command])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !marker.exists() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the command never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let group: i32 = std::fs::read_to_string(&marker)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // Wait for the `sleep`, so the group holds more than the shell that started it.
    while group_members(group).len() < 2 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the command's sleep never started: {:?}",
            group_members(group)
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        process.try_wait().unwrap().is_none(),
        "incident was still running the command when interrupted"
    );
    // Ctrl-C at a terminal reaches incident only: the command has its own group.
    // SAFETY: kill(2) on a child we spawned and have not reaped.
    assert_eq!(
        unsafe { libc::kill(process.id() as libc::pid_t, libc::SIGINT) },
        0
    );
    let output = process.wait_with_output().unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "incident waited for the command instead of stopping it"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "");
    assert!(
        stderr.contains("running\n"),
        "the output was shown live: {stderr}"
    );
    assert!(
        stderr.contains("error: interrupted: the command was stopped and nothing was recorded"),
        "{stderr}"
    );
    assert!(!is_alive(group), "the command's shell {group} still runs");
    // SIGKILL is delivered at once, but a process takes a moment to finish dying.
    let killed = std::time::Instant::now();
    while !group_members(group).is_empty() {
        assert!(
            killed.elapsed() < std::time::Duration::from_secs(10),
            "the command's process group {group} outlived incident: {:?}",
            group_members(group)
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!finished.exists(), "the command never ran to its end");
    assert_eq!(
        std::fs::read(env.document_path(&id)).unwrap(),
        before,
        "nothing was recorded"
    );
}

#[test]
fn the_command_itself_is_shown_escaped() {
    let env = TestEnv::new();
    env.open("Hostile command");
    let out = env.run(&[
        "test",
        "t",
        "--run",
        "printf ok #\u{1b}]0;pwned\u{7}\techo\t\"x\"",
        "-q",
    ]);
    assert_eq!(out.code, 0);
    let markdown = env.ok(&["report"]);
    assert!(
        !markdown.contains('\u{1b}') && !markdown.contains('\u{7}') && !markdown.contains('\t')
    );
    assert!(
        markdown.contains("$ printf ok #\\x1b]0;pwned\\x07"),
        "{markdown}"
    );
}
