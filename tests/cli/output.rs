//! What commands print: human lines, `-q` ids and labels, `--json` shapes.

use serde_json::Value;

use crate::env::{TestEnv, a_night_on_checkout};

#[test]
fn quiet_prints_only_the_id_or_label() {
    let env = TestEnv::new();
    let id = env.quiet(&["open", "Quiet"]);
    assert_eq!(env.ok(&["-q", "symptom", "x"]), "S1\n");
    assert_eq!(env.ok(&["hypothesis", "y", "--quiet"]), "H1\n");
    assert_eq!(env.ok(&["test", "z", "--for", "H1", "-q"]), "T1\n");
    assert_eq!(
        env.ok(&["result", "T1", "fine", "--rules-out", "-q"]),
        "R1\n"
    );
    assert_eq!(env.ok(&["note", "n", "-q"]), "N1\n");
    assert_eq!(env.ok(&["action", "a", "-q"]), "A1\n");
    assert_eq!(env.ok(&["use", "quiet", "-q"]), format!("{id}\n"));
    assert_eq!(env.ok(&["close", "-q"]), format!("{id}\n"));
    assert_eq!(env.ok(&["reopen", "-q"]), format!("{id}\n"));
    assert_eq!(env.ok(&["list", "-q"]), format!("{id}\n"));
}

#[test]
fn human_output_leads_with_the_label() {
    let env = TestEnv::new();
    let opened = env.ok(&["open", "Human"]);
    assert_eq!(
        opened,
        "2026-11-21-human opened; it is now the current incident\n"
    );
    env.ok(&["hypothesis", "bad deploy"]);
    env.ok(&["test", "roll back", "--for", "H1"]);
    let result = env.ok(&["result", "T1", "still failing", "--rules-out"]);
    assert_eq!(
        result,
        "R1 recorded: still failing\n  H1 ruled out: bad deploy\n"
    );
    let backdated = env.ok(&["symptom", "errors", "--at", "03:00"]);
    assert_eq!(
        backdated,
        "S1 recorded: errors (at 2026-11-21 03:00 +00:00)\n"
    );
}

#[test]
fn json_entries_carry_the_incident_label_and_kind() {
    let env = TestEnv::new();
    let id = env.open("Json");
    let symptom = env.json(&["symptom", "502s"]);
    assert_eq!(symptom["incident"], id.as_str());
    assert_eq!(symptom["id"], "S1");
    assert_eq!(symptom["kind"], "symptom");
    assert_eq!(symptom["text"], "502s");
    assert_eq!(symptom["at"], "2026-11-21T03:30:00Z");
    assert_eq!(symptom["by"], "ana");
    let hypothesis = env.json(&["hypothesis", "pool"]);
    assert_eq!(hypothesis["status"], "open");
    let test = env.json(&["test", "gauges", "--for", "H1"]);
    assert_eq!(test["kind"], "test");
    assert_eq!(test["for"], serde_json::json!(["H1"]));
    let result = env.json(&["result", "T1", "full", "--confirms", "H1"]);
    assert_eq!(result["kind"], "result");
    assert_eq!(result["test"], "T1");
    assert_eq!(result["confirms"], serde_json::json!(["H1"]));
    assert_eq!(result["rules_out"], serde_json::json!([]));
    let action = env.json(&["action", "alert"]);
    assert_eq!(action["owner"], Value::Null);
    let note = env.json(&["note", "n"]);
    assert_eq!(note["kind"], "note");
}

#[test]
fn json_for_open_close_reopen_use_and_list() {
    let env = TestEnv::new();
    let opened = env.json(&["open", "Json lifecycle"]);
    let id = opened["incident"].as_str().unwrap().to_string();
    assert_eq!(opened["status"], "open");
    let closed = env.json(&["close", "fixed"]);
    assert_eq!(closed["incident"], id.as_str());
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["resolution"], "fixed");
    assert_eq!(env.json(&["reopen"])["status"], "open");
    assert_eq!(env.json(&["use", &id])["incident"], id.as_str());
    let list = env.json(&["list"]);
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    for field in ["incident", "title", "status", "opened_at"] {
        assert!(rows[0].get(field).is_some(), "{field} missing: {list}");
    }
    assert_eq!(rows[0]["opened_at"], "2026-11-21T03:30:00Z");
}

#[test]
fn status_json_is_the_json_report() {
    let env = TestEnv::new();
    env.open("Board");
    env.ok(&["symptom", "x"]);
    assert_eq!(
        env.json(&["status"]),
        env.json(&["report", "--format", "json"])
    );
    assert_eq!(
        env.json(&["report"]),
        env.json(&["report", "--format", "json"])
    );
}

#[test]
fn list_shows_open_incidents_newest_first_and_all_with_all() {
    let mut env = TestEnv::new();
    env.set_now("2026-11-19T10:00:00Z");
    env.open("Oldest");
    env.set_now("2026-11-20T10:00:00Z");
    env.open("Middle");
    env.ok(&["close"]);
    env.set_now("2026-11-21T03:30:00Z");
    env.open("Newest");
    assert_eq!(
        env.ok(&["list", "-q"]),
        "2026-11-21-newest\n2026-11-19-oldest\n"
    );
    assert_eq!(
        env.ok(&["list", "--all", "-q"]),
        "2026-11-21-newest\n2026-11-20-middle\n2026-11-19-oldest\n"
    );
    let human = env.ok(&["list", "--all"]);
    let lines: Vec<&str> = human.lines().collect();
    assert_eq!(lines.len(), 3, "{human}");
    assert!(lines[0].starts_with("* 2026-11-21-newest"), "{human}");
    assert!(
        lines[1].contains("closed") && lines[1].ends_with("Middle"),
        "{human}"
    );
}

#[test]
fn the_board_shows_symptoms_hypotheses_and_waiting_tests() {
    let env = TestEnv::new();
    env.open("Board");
    env.ok(&["symptom", "502s on checkout", "--at", "03:00"]);
    env.ok(&["hypothesis", "bad deploy"]);
    env.ok(&["hypothesis", "pool exhausted"]);
    env.ok(&["test", "roll back", "--for", "H1", "--at", "03:18"]);
    env.ok(&["test", "pool gauges", "--for", "H2"]);
    env.ok(&["result", "T1", "still failing", "--rules-out"]);
    let board = env.ok(&["status"]);
    assert!(board.starts_with("Board\n2026-11-21-board"), "{board}");
    assert!(board.contains("S1  502s on checkout"), "{board}");
    assert!(board.contains("H1  ruled out  bad deploy  (R1)"), "{board}");
    assert!(board.contains("H2  open       pool exhausted"), "{board}");
    assert!(
        board.contains("T2  pool gauges  (for H2; 0s ago)"),
        "{board}"
    );
    assert!(
        !board.contains("T1  roll back"),
        "T1 has its result: {board}"
    );
    assert!(!board.contains('\x1b'), "no colour into a pipe");
    let coloured = env.ok(&["status", "--color", "always"]);
    assert!(coloured.contains("\x1b[9mbad deploy\x1b[0m"), "{coloured}");
}

#[test]
fn stored_control_characters_never_reach_the_terminal_raw() {
    let env = TestEnv::new();
    env.open("Escapes");
    let hostile = "ok\x1b]0;pwned\x07 \u{202e}gnp.exe";
    let out = env.ok(&["symptom", hostile]);
    assert!(
        !out.contains('\x1b') && !out.contains('\u{202e}'),
        "{out:?}"
    );
    let board = env.ok(&["status"]);
    assert!(
        board.contains(r"ok\x1b]0;pwned\x07 \u{202e}gnp.exe"),
        "{board}"
    );
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(
        report["entries"][0]["text"], hostile,
        "stored exactly as typed"
    );
}

#[test]
fn receipts_name_the_incident_when_another_is_open_or_it_was_chosen() {
    let env = TestEnv::new();
    env.open("First");
    assert_eq!(
        env.ok(&["note", "x"]),
        "N1 recorded: x\n",
        "only one incident"
    );
    env.open("Second");
    assert_eq!(
        env.ok(&["note", "x"]),
        "N1 recorded in 2026-11-21-second: x\n",
        "two terminals, two incidents: which one got it"
    );
    assert_eq!(
        env.ok(&["note", "y", "-i", "first"]),
        "N2 recorded in 2026-11-21-first: y\n"
    );
    env.ok(&["close", "-i", "first"]);
    assert_eq!(
        env.ok(&["note", "z"]),
        "N2 recorded: z\n",
        "the other one is closed: no doubt left"
    );
}

#[test]
fn authors_come_from_by_then_incident_user_then_user() {
    let env = TestEnv::new();
    env.open("Authors");
    let mut command = env.command(&["note", "from env", "-q"]);
    command.env("INCIDENT_USER", "oncall-ben");
    assert!(command.output().unwrap().status.success());
    let mut command = env.command(&["note", "from flag", "-q", "--by", "cat"]);
    command.env("INCIDENT_USER", "oncall-ben");
    assert!(command.output().unwrap().status.success());
    env.ok(&["note", "from user"]);
    let report = env.json(&["report"]);
    let authors: Vec<&str> = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["by"].as_str().unwrap())
        .collect();
    assert_eq!(authors, ["oncall-ben", "cat", "ana"]);
}

#[test]
fn json_output_never_carries_raw_control_characters() {
    let env = TestEnv::new();
    env.open("Json escapes");
    let hostile = "c1\u{9b}31m del\u{7f} bidi\u{202e} esc\u{1b}";
    let out = env.run(&["symptom", hostile, "--json"]);
    assert_eq!(out.code, 0);
    for raw in ['\u{9b}', '\u{7f}', '\u{202e}', '\u{1b}'] {
        assert!(!out.stdout.contains(raw), "{:?}", out.stdout);
    }
    let parsed: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(parsed["text"], hostile, "the same text once parsed");
    let report = env.run(&["report", "--format", "json"]).stdout;
    assert!(
        !report.contains('\u{9b}') && report.contains("\\u009b"),
        "{report}"
    );
}

#[test]
fn report_to_dash_is_standard_output_and_format_must_agree_with_json() {
    let env = TestEnv::new();
    env.open("Dash");
    assert_eq!(env.ok(&["report", "-o", "-"]), env.ok(&["report"]));
    assert!(!env.home().join("-").exists());
    env.fails(&["report", "--json", "--format", "markdown"], 2);
    assert_eq!(env.json(&["report", "--format", "json"])["title"], "Dash");
}

#[test]
fn incidents_opened_in_the_same_second_list_newest_first() {
    let env = TestEnv::new();
    for title in ["Alpha", "Bravo", "Charlie"] {
        env.open(title);
    }
    assert_eq!(
        env.ok(&["list", "-q"]),
        "2026-11-21-charlie\n2026-11-21-bravo\n2026-11-21-alpha\n"
    );
}

#[test]
fn colour_follows_the_terminal_and_no_color() {
    let env = TestEnv::new();
    env.open("Colour");
    env.ok(&["hypothesis", "bad deploy"]);
    let on_terminal = |no_color: Option<&str>| {
        let mut command = env.at_terminal(&["status"]);
        if let Some(value) = no_color {
            command.env("NO_COLOR", value);
        }
        let output = command.output().unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let board = on_terminal(None);
    assert!(board.contains("bad deploy"), "{board:?}");
    assert!(board.contains("\u{1b}["), "colour on a terminal: {board:?}");
    let board = on_terminal(Some("1"));
    assert!(board.contains("bad deploy"), "{board:?}");
    assert!(
        !board.contains("\u{1b}["),
        "NO_COLOR turns it off: {board:?}"
    );
    assert!(!env.ok(&["status"]).contains('\u{1b}'), "never into a pipe");
}

#[test]
fn titles_and_references_with_control_characters_are_escaped_everywhere() {
    let env = TestEnv::new();
    env.ok(&["open", "evil\u{1b}]0;pwned\u{7} \u{202e}title"]);
    let listed = env.ok(&["list"]);
    assert!(
        listed.contains(r"evil\x1b]0;pwned\x07 \u{202e}title"),
        "{listed}"
    );
    let board = env.ok(&["status"]);
    assert!(
        !board.contains('\u{1b}') && !board.contains('\u{202e}'),
        "{board:?}"
    );
    let stderr = env.fails(&["note", "x", "-i", "no\u{1b}[2Jsuch"], 1);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    let stderr = env.fails(&["result", "\u{1b}[31mT1", "x"], 2);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

#[test]
fn the_board_snapshot() {
    let env = TestEnv::new();
    a_night_on_checkout(&env);
    insta::assert_snapshot!(env.ok(&["status"]));
}

#[test]
fn the_list_snapshots() {
    let env = TestEnv::new();
    for args in [
        &["open", "Disk full on db-3", "--at", "2026-11-19 09:12"][..],
        &[
            "close",
            "rotated the logs, added an alert",
            "--at",
            "2026-11-19 10:05",
        ],
        &["open", "Search latency doubled", "--at", "2026-11-20 14:00"],
        &["close", "reindexed", "--at", "2026-11-20 15:10"],
        &["open", "Checkout returns 502s", "--at", "02:40"],
        &["stage", "mitigated", "--at", "03:10"],
        &["open", "Login emails delayed", "--at", "03:12"],
    ] {
        env.quiet(args);
    }
    insta::assert_snapshot!("list", env.ok(&["list"]));
    insta::assert_snapshot!("list_all", env.ok(&["list", "--all"]));
}
