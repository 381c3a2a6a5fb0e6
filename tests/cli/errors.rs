//! Every way a command can go wrong: the right exit code, one clear line on stderr, and
//! nothing stored changed.

use crate::env::TestEnv;

/// Runs `args`, which must fail with `code`, and checks the incident file is untouched.
#[track_caller]
fn refused(env: &TestEnv, id: &str, args: &[&str], code: i32) -> String {
    let before = std::fs::read(env.document_path(id)).unwrap();
    let stderr = env.fails(args, code);
    assert_eq!(
        std::fs::read(env.document_path(id)).unwrap(),
        before,
        "`incident {}` changed the file",
        args.join(" ")
    );
    stderr
}

fn investigation(env: &TestEnv) -> String {
    let id = env.open("Errors");
    env.ok(&["symptom", "502s"]);
    env.ok(&["hypothesis", "bad deploy"]);
    env.ok(&["test", "check deploys", "--for", "H1"]);
    env.ok(&["test", "look around"]);
    id
}

#[test]
fn labels_that_name_no_entry_or_the_wrong_kind() {
    let env = TestEnv::new();
    let id = investigation(&env);
    let stderr = refused(&env, &id, &["result", "T9", "x"], 1);
    assert!(stderr.starts_with("error: no such entry: T9"), "{stderr}");
    let stderr = refused(&env, &id, &["result", "H1", "x"], 1);
    assert!(
        stderr.starts_with("error: H1 is a hypothesis, not a test\n"),
        "{stderr}"
    );
    refused(&env, &id, &["test", "x", "--for", "S1"], 1);
    refused(&env, &id, &["test", "x", "--for", "H1,H2"], 1);
    refused(&env, &id, &["result", "T1", "x", "--rules-out", "H7"], 1);
    refused(&env, &id, &["result", "T1", "x", "--confirms", "S1"], 1);
    refused(&env, &id, &["close", "--root-cause", "T1"], 1);
}

#[test]
fn malformed_labels_are_usage_errors() {
    let env = TestEnv::new();
    let id = investigation(&env);
    let stderr = refused(&env, &id, &["result", "X1", "x"], 2);
    assert!(stderr.contains("\"X1\" is not a label"), "{stderr}");
    refused(&env, &id, &["result", "T0", "x"], 2);
    refused(&env, &id, &["test", "x", "--for", "one"], 2);
    refused(&env, &id, &["result", "T1", "x", "--confirms", "H"], 2);
    refused(&env, &id, &["close", "--root-cause", "cause"], 2);
}

#[test]
fn a_result_cannot_rule_out_and_confirm_the_same_hypothesis() {
    let env = TestEnv::new();
    let id = investigation(&env);
    let stderr = refused(
        &env,
        &id,
        &["result", "T1", "x", "--rules-out", "H1", "--confirms", "h1"],
        2,
    );
    assert!(stderr.contains("both rule out and confirm H1"), "{stderr}");
}

#[test]
fn rules_out_alone_needs_a_test_with_targets() {
    let env = TestEnv::new();
    let id = investigation(&env);
    let stderr = refused(&env, &id, &["result", "T2", "nothing", "--rules-out"], 2);
    assert!(stderr.contains("--rules-out"), "{stderr}");
    assert!(stderr.contains("hint: "), "{stderr}");
}

#[test]
fn a_closed_incident_refuses_diagnosis_but_takes_notes_and_actions() {
    let env = TestEnv::new();
    let id = investigation(&env);
    assert_eq!(env.quiet(&["close", "rolled back"]), id);
    for args in [
        &["symptom", "late symptom"][..],
        &["hypothesis", "late idea"],
        &["test", "late test"],
        &["result", "T1", "late result"],
    ] {
        let stderr = refused(&env, &id, args, 1);
        assert!(stderr.contains("is closed"), "{stderr}");
        assert!(stderr.contains("hint: `incident reopen`"), "{stderr}");
    }
    assert_eq!(env.quiet(&["note", "postmortem on Monday"]), "N1");
    assert_eq!(env.quiet(&["action", "add a deploy freeze alert"]), "A1");
    refused(&env, &id, &["close", "again"], 1);

    assert_eq!(env.quiet(&["reopen"]), id);
    refused(&env, &id, &["reopen"], 1);
    assert_eq!(env.quiet(&["symptom", "it came back"]), "S2");
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(report["status"], "open");
    assert_eq!(report["closed_at"], serde_json::Value::Null);
    assert_eq!(report["resolution"], serde_json::Value::Null);
}

#[test]
fn typing_mistakes_are_usage_errors() {
    let env = TestEnv::new();
    let id = investigation(&env);
    let stderr = refused(&env, &id, &["frobnicate"], 2);
    assert!(stderr.contains("unrecognized subcommand"), "{stderr}");
    refused(&env, &id, &["list", "--bogus"], 2);
    refused(&env, &id, &["status", "extra"], 2);
    refused(&env, &id, &["report", "--format", "pdf"], 2);
    refused(&env, &id, &["test", "x", "--for"], 2);
    refused(&env, &id, &["note", "x", "--at"], 2);
    refused(&env, &id, &["note", "x", "--by", " "], 2);
    refused(&env, &id, &["open", "x", "--id", "Bad_Id"], 2);
    refused(&env, &id, &["open", "x", "--id", "../escape"], 2);
    refused(&env, &id, &["open", "x", "--id", "-x"], 2);
}

#[test]
fn an_explicit_id_that_exists_is_refused() {
    let env = TestEnv::new();
    let id = env.quiet(&["open", "First", "--id", "db-outage"]);
    assert_eq!(id, "db-outage");
    let stderr = refused(&env, &id, &["open", "Second", "--id", "db-outage"], 1);
    assert!(stderr.contains("already exists"), "{stderr}");
}

#[test]
fn help_and_version_succeed() {
    let env = TestEnv::new();
    let help = env.ok(&["--help"]);
    assert!(help.contains("symptom"), "{help}");
    let help = env.ok(&["symptom", "--help"]);
    assert!(help.contains("--at <TIME>"), "{help}");
    assert!(env.ok(&["--version"]).starts_with("incident "));
}

#[test]
fn a_damaged_document_is_reported_and_never_rewritten() {
    let env = TestEnv::new();
    let id = env.open("Damaged");
    let path = env.document_path(&id);
    for damage in [
        &b""[..],
        b"{\"schema\": 1, \"id\"",
        b"\0\0\0\0",
        b"not json",
        b"[1, 2]",
    ] {
        std::fs::write(&path, damage).unwrap();
        let stderr = env.fails(&["note", "x"], 1);
        assert!(stderr.contains(&format!("{}", path.display())), "{stderr}");
        assert!(stderr.contains("damaged"), "{stderr}");
        assert_eq!(std::fs::read(&path).unwrap(), damage);
        env.fails(&["report"], 1);
    }
}

#[test]
fn a_newer_schema_is_refused_for_reading_and_writing() {
    let env = TestEnv::new();
    let id = env.open("Newer");
    let path = env.document_path(&id);
    let mut document = env.document(&id);
    document["schema"] = 99.into();
    document["something_new"] = "x".into();
    let text = serde_json::to_string(&document).unwrap();
    std::fs::write(&path, &text).unwrap();
    let stderr = env.fails(&["note", "x"], 1);
    assert!(stderr.contains("newer"), "{stderr}");
    env.fails(&["report"], 1);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let env = TestEnv::new();
    env.open("Pipe");
    // Well past a pipe's buffer, so the write really meets the closed pipe.
    let long_note = "words ".repeat(10_000);
    for _ in 0..4 {
        assert_eq!(env.run_with_stdin(&["note", "-"], &long_note).code, 0);
    }
    let output = env
        .shell(r#""$BIN" report | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}""#)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr, "", "nothing on stderr for a closed pipe");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "0");
}

#[test]
fn a_closed_incident_is_reported_before_anything_about_rules_out() {
    let env = TestEnv::new();
    let id = env.open("Closed first");
    env.ok(&["test", "look around"]);
    env.ok(&["close"]);
    let stderr = refused(&env, &id, &["result", "T1", "x", "--rules-out"], 1);
    assert!(stderr.contains("is closed"), "{stderr}");
    assert!(stderr.contains("hint: `incident reopen`"), "{stderr}");
}

#[test]
fn a_close_before_the_opening_or_on_a_ruled_out_cause_is_refused() {
    let env = TestEnv::new();
    let id = env.quiet(&["open", "Close checks", "--at", "10m ago"]);
    refused(&env, &id, &["close", "--at", "1h ago"], 2);
    env.ok(&["hypothesis", "bad deploy"]);
    env.ok(&["test", "roll back", "--for", "H1"]);
    env.ok(&["result", "T1", "still failing", "--rules-out"]);
    let stderr = refused(&env, &id, &["close", "--root-cause", "H1"], 1);
    assert!(stderr.contains("R1 ruled it out"), "{stderr}");
}

#[test]
fn clap_errors_are_one_line_with_hints() {
    let env = TestEnv::new();
    for args in [
        &["list", "--bogus"][..],
        &["report", "--format", "html"],
        &["use"],
        &["frobnicate"],
    ] {
        let stderr = env.fails(args, 2);
        for line in stderr.lines() {
            assert!(
                line.starts_with("error: ") || line.starts_with("hint: "),
                "{stderr}"
            );
        }
        assert_eq!(
            stderr
                .lines()
                .filter(|line| line.starts_with("error: "))
                .count(),
            1
        );
    }
}

/// `incident` alone in a script opens no prompt and shows no board: it says how to start,
/// as help does, whatever the output mode, and exits 0 (contract: "A prompt of its own").
#[test]
fn scripts_get_how_to_start_whatever_the_output_mode() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let said = env.ok(&[]);
    assert!(said.contains("incident open TITLE"), "{said}");
    assert_eq!(env.ok(&["--json"]), said);
    assert_eq!(env.ok(&["-q"]), said);
}

#[test]
fn dashed_words_of_other_tools_stay_in_the_text() {
    let env = TestEnv::new();
    env.open("Checkout");
    env.open("Database");
    let out = env.ok(&[
        "note", "-q", "ran", "kubectl", "exec", "-it", "web-1", "--", "-q",
    ]);
    assert_eq!(out, "N1\n");
    let report = env.json(&["report"]);
    assert_eq!(
        report["id"], "2026-11-21-database",
        "-it did not pick another incident"
    );
    assert_eq!(
        report["entries"][0]["text"],
        "ran kubectl exec -it web-1 -q"
    );
}

#[test]
fn clap_errors_keep_what_is_missing_and_the_possible_values() {
    let env = TestEnv::new();
    let stderr = env.fails(&["open"], 2);
    assert!(
        stderr.starts_with("error: the following required arguments were not provided: <TITLE>"),
        "{stderr}"
    );
    let stderr = env.fails(&["report", "--format", "html"], 2);
    assert!(
        stderr.contains("[possible values: markdown, json]"),
        "{stderr}"
    );
}

#[test]
fn absurd_times_and_empty_label_lists_are_usage_errors() {
    let env = TestEnv::new();
    env.fails(&["open", "Payments down", "--at", "800000d ago"], 2);
    assert!(!env.data_dir().exists(), "nothing was created");
    env.open("Payments down");
    env.ok(&["hypothesis", "x"]);
    env.fails(&["test", "y", "--for", ","], 2);
    assert_eq!(env.quiet(&["test", "y", "--for", "H1,"]), "T1");
}
