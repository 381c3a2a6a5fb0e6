//! Corrections and review: `undo` takes back your own last entry and nobody else's, `log`
//! shows the night in order of time, `show` one entry in full.

use serde_json::Value;

use crate::env::TestEnv;

/// A night with mistakes in it: an amended symptom and time, a retracted note, a
/// hypothesis ruled out, another confirmed, a second author, a `--run` result.
fn night(env: &mut TestEnv) -> String {
    let steps: &[(&str, &[&str])] = &[
        ("02:47", &["open", "Checkout returns 502s", "--at", "02:47"]),
        (
            "02:48",
            &[
                "symptom",
                "5% of POST /checkout return 502",
                "--at",
                "02:41",
            ],
        ),
        ("02:50", &["severity", "2", "EU card payments failing"]),
        (
            "02:51",
            &["hypothesis", "bad deploy of payments-api at 02:30"],
        ),
        (
            "02:52",
            &[
                "hypothesis",
                "DB connection pool exhausted",
                "--explains",
                "S1",
                "--by",
                "ben",
            ],
        ),
        ("02:53", &["test", "roll back the canary", "--for", "H1"]),
        ("02:55", &["note", "paged the DBA"]),
        (
            "02:58",
            &[
                "result",
                "T1",
                "502s continue after rollback",
                "--rules-out",
            ],
        ),
        (
            "03:00",
            &[
                "test",
                "read pool gauges on db-1",
                "--for",
                "H2",
                "--by",
                "ben",
            ],
        ),
        (
            "03:02",
            &[
                "result",
                "T2",
                "pool at 100/100, waiters 340",
                "--confirms",
                "H2",
                "--by",
                "ben",
            ],
        ),
        (
            "03:04",
            &[
                "amend",
                "S1",
                "7% of POST /checkout return 502",
                "--time",
                "02:40",
            ],
        ),
        (
            "03:05",
            &["retract", "N1", "--why", "meant for another incident"],
        ),
        (
            "03:06",
            &["action", "alert on pool saturation", "--owner", "ben"],
        ),
    ];
    for (now, args) in steps {
        env.set_now(&format!("2026-11-21T{now}:00Z"));
        env.ok(args);
    }
    env.set_now(crate::env::NOW);
    "2026-11-21-checkout-returns-502s".to_string()
}

fn array_labels(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|entry| entry["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn the_log_snapshot() {
    let mut env = TestEnv::new();
    night(&mut env);
    insta::assert_snapshot!(env.ok(&["log"]));
}

#[test]
fn the_show_snapshots() {
    let mut env = TestEnv::new();
    night(&mut env);
    insta::assert_snapshot!("show_amended_symptom", env.ok(&["show", "s1"]));
    insta::assert_snapshot!("show_confirmed_hypothesis", env.ok(&["show", "H2"]));
    insta::assert_snapshot!("show_retracted_note", env.ok(&["show", "N1"]));
}

#[test]
fn undo_takes_back_only_your_own_latest_entry() {
    let env = TestEnv::new();
    env.open("Queue backlog");
    env.ok(&["symptom", "consumer lag 40k", "--by", "ana"]);
    env.ok(&["note", "ben paged kafka on-call", "--by", "ben"]);
    // Backdated, but recorded last: "latest" is the last one typed.
    env.ok(&[
        "hypothesis",
        "broker disk full",
        "--at",
        "03:00",
        "--by",
        "ana",
    ]);
    env.ok(&["note", "kafka on-call joined", "--by", "ben"]);

    let receipt = env.ok(&["undo", "--by", "ana"]);
    assert_eq!(
        receipt,
        "E1 recorded: H1 retracted\n  took back H1 hypothesis: broker disk full\n"
    );
    // INCIDENT_USER names the author when --by does not.
    let mut command = env.command(&["undo", "-q"]);
    command.env("INCIDENT_USER", "ana");
    let out = command.output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "E2\n");

    let report = env.json(&["report"]);
    assert_eq!(crate::env::entry(&report, "H1")["retracted_by"], "E1");
    assert_eq!(crate::env::entry(&report, "S1")["retracted_by"], "E2");
    for ben in ["N1", "N2"] {
        assert!(
            crate::env::entry(&report, ben)
                .get("retracted_by")
                .is_none(),
            "ana's undo took back ben's {ben}"
        );
    }
    // ana has nothing left that counts; her retractions are not undone in turn.
    let stderr = env.fails(&["undo", "--by", "ana"], 1);
    assert!(
        stderr.contains("nothing to undo: ana has recorded nothing"),
        "{stderr}"
    );
    assert!(stderr.contains("\nhint: "), "{stderr}");
    // ben's undo takes his latest, as JSON like any entry command.
    let json = env.json(&["undo", "--by", "ben"]);
    assert_eq!(json["kind"], "retract");
    assert_eq!(json["target"], "N2");
    assert_eq!(json["incident"], report["id"]);
}

#[test]
fn undo_until_nothing_is_left() {
    let env = TestEnv::new();
    env.open("Disk full on db-1");
    env.ok(&["symptom", "db-1 at 100% disk"]);
    env.ok(&["hypothesis", "WAL not archived"]);
    env.ok(&["amend", "S1", "db-1 at 99% disk"]);
    // The amendment goes first, then the hypothesis, then the symptom.
    assert_eq!(env.quiet(&["undo"]), "E2");
    assert_eq!(env.quiet(&["undo"]), "E3");
    assert_eq!(env.quiet(&["undo"]), "E4");
    let stderr = env.fails(&["undo"], 1);
    assert!(stderr.starts_with("error: nothing to undo"), "{stderr}");
    let report = env.json(&["report"]);
    assert_eq!(crate::env::entry(&report, "E1")["retracted_by"], "E2");
    assert_eq!(crate::env::entry(&report, "H1")["retracted_by"], "E3");
    assert_eq!(crate::env::entry(&report, "S1")["retracted_by"], "E4");
    // What was retracted still shows in the log, marked.
    let log = env.ok(&["log"]);
    assert!(log.contains("db-1 at 100% disk (retracted)"), "{log}");
}

#[test]
fn two_terminals_undoing_at_once_never_take_back_the_same_entry() {
    let env = TestEnv::new();
    env.open("Flapping health checks");
    for n in 1..=6 {
        env.ok(&["note", &format!("check {n} failed")]);
    }
    let children: Vec<_> = (0..6)
        .map(|_| {
            let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("incident"));
            command
                .env_clear()
                .env("INCIDENT_DIR", env.data_dir())
                .env("INCIDENT_NOW", crate::env::NOW)
                .env("TZ", "UTC")
                .env("USER", "ana")
                .args(["undo", "-q"]);
            command.spawn().unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let report = env.json(&["report"]);
    let mut targets: Vec<String> = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["kind"] == "retract")
        .map(|entry| entry["target"].as_str().unwrap().to_string())
        .collect();
    targets.sort();
    assert_eq!(targets, ["N1", "N2", "N3", "N4", "N5", "N6"]);
}

#[test]
fn log_shows_the_latest_entries_in_order_of_time() {
    let mut env = TestEnv::new();
    night(&mut env);
    // S1 was amended to 02:40 and the severity recorded at 02:50: time, not typing order.
    let all = env.ok(&["log", "--all", "-q"]);
    assert_eq!(all, "S1\nE1\nH1\nH2\nT1\nN1\nR1\nT2\nR2\nE2\nE3\nA1\n");
    // Three entries on stdout, and the hint that there are more on stderr.
    let out = env.run(&["log", "-n", "3"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let last3 = out.stdout;
    let lines: Vec<&str> = last3.lines().collect();
    assert_eq!(lines.len(), 3, "{last3}");
    assert!(lines[0].starts_with("E2  amend "), "{last3}");
    assert!(
        lines[0].ends_with(
            "S1: now reads: 7% of POST /checkout return 502; time now 2026-11-21 02:40 UTC"
        ),
        "{last3}"
    );
    assert!(lines[1].starts_with("E3  retract "), "{last3}");
    assert!(lines[2].starts_with("A1  action "), "{last3}");
    assert_eq!(
        out.stderr,
        "hint: 9 earlier entries not shown: `incident log --all` shows every one\n"
    );
    let json = env.json(&["log", "-n", "3"]);
    assert_eq!(array_labels(&json), ["E2", "E3", "A1"]);
    assert_eq!(json[0]["target"], "S1");
    let json = env.json(&["log", "--all"]);
    assert_eq!(array_labels(&json).len(), 12);
    let s1 = &json[0];
    assert_eq!(s1["current_text"], "7% of POST /checkout return 502");
    assert_eq!(s1["current_at"], "2026-11-21T02:40:00Z");
    // The default is the latest 20: all twelve here, with no "earlier" line.
    assert_eq!(env.ok(&["log"]).lines().count(), 12);
    // N is a positive count.
    for bad in ["0", "-1", "many"] {
        env.fails(&["log", "-n", bad], 2);
    }
    env.fails(&["log", "-n", "3", "--all"], 2);
}

#[test]
fn log_strikes_retracted_entries_through_in_colour() {
    let mut env = TestEnv::new();
    night(&mut env);
    let log = env.ok(&["log", "--color", "always"]);
    let n1 = log.lines().find(|line| line.starts_with("N1")).unwrap();
    assert!(n1.contains("\u{1b}[9mpaged the DBA\u{1b}[0m"), "{n1:?}");
    let plain = env.ok(&["log", "--color", "never"]);
    assert!(!plain.contains('\u{1b}'));
}

#[test]
fn show_a_hypothesis_with_its_evidence() {
    let mut env = TestEnv::new();
    night(&mut env);
    let shown = env.ok(&["show", "H1"]);
    assert!(shown.starts_with("H1 hypothesis\nbad deploy of payments-api at 02:30\n"));
    assert!(
        shown.contains("  status       ruled out by R1\n"),
        "{shown}"
    );
    assert!(
        shown.contains("tests it      T1 test: roll back the canary"),
        "{shown}"
    );
    assert!(
        shown.contains("rules it out  R1 result: 502s continue after rollback"),
        "{shown}"
    );
    let h2 = env.ok(&["show", "H2"]);
    assert!(h2.contains("  by           ben\n"), "{h2}");
    assert!(h2.contains("confirmed by R2"), "{h2}");
    assert!(h2.contains("explains     S1 (7% of POST"), "{h2}");

    let json = env.json(&["show", "h1"]);
    assert_eq!(json["id"], "H1");
    assert_eq!(json["status"], "ruled-out");
    assert_eq!(json["evidence"], serde_json::json!(["R1"]));
    assert_eq!(json["referred_by"], serde_json::json!(["T1", "R1"]));
    assert_eq!(json["corrections"], serde_json::json!([]));
    assert_eq!(env.quiet(&["show", "H1"]), "H1");

    let s1 = env.json(&["show", "S1"]);
    assert_eq!(array_labels(&s1["corrections"]), ["E2"]);
    assert_eq!(s1["referred_by"], serde_json::json!(["H2"]));
}

#[test]
fn show_a_run_result_and_hostile_text() {
    let env = TestEnv::new();
    env.open("API down");
    env.ok(&["hypothesis", "API process crashed"]);
    // The command's output is shown on stderr as it runs; what matters is what was kept.
    let run = env.run(&[
        "test",
        "is the API up",
        "--for",
        "H1",
        "--run",
        "printf 'first\\n\\033[31msecond\\n'; exit 3",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = env.ok(&["show", "R1"]);
    assert!(shown.contains("  exit code    3\n"), "{shown}");
    assert!(
        shown.contains("  output       first\n               \\x1b[31msecond\n"),
        "{shown}"
    );
    assert!(shown.contains("  command      printf"), "{shown}");
    let multi = env.run_with_stdin(&["note", "-"], "line one\nline \u{202e}two\n");
    assert_eq!(multi.code, 0, "{}", multi.stderr);
    let shown = env.ok(&["show", "N1"]);
    assert!(
        shown.starts_with("N1 note\nline one\nline \\u{202e}two\n"),
        "{shown}"
    );
}

#[test]
fn show_refuses_what_is_not_there() {
    let env = TestEnv::new();
    env.open("Nothing much");
    let stderr = env.fails(&["show", "H7"], 1);
    assert!(stderr.starts_with("error: no such entry: H7\n"), "{stderr}");
    env.fails(&["show", "nonsense"], 2);
}

#[test]
fn the_review_commands_have_help_with_examples() {
    let env = TestEnv::new();
    let help = env.ok(&["--help"]);
    for command in ["undo", "log", "show"] {
        assert!(help.contains(&format!("  {command} ")), "{help}");
        let own = env.ok(&[command, "--help"]);
        assert!(own.contains("\nExample"), "{own}");
        assert!(
            own.trim_end().lines().last().unwrap().contains("incident "),
            "{own}"
        );
    }
}
