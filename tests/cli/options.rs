//! Mistyped options are refused, never recorded as text: at 3AM a log that silently took
//! `--timout 5` as part of a test's description, or recorded an entry "now" because
//! `--bye bob` swallowed the `--at` before it, is a log nobody can trust.

use crate::env::{TestEnv, entry};

/// Runs a command that must be refused as typed wrong (exit 2) and leave the incident's
/// document byte-identical; returns stderr.
#[track_caller]
fn refused(env: &TestEnv, id: &str, args: &[&str]) -> String {
    let before = std::fs::read(env.document_path(id)).expect("the document exists");
    let stderr = env.fails(args, 2);
    assert_eq!(
        stderr
            .lines()
            .filter(|line| line.starts_with("error: "))
            .count(),
        1,
        "one error line: {stderr}"
    );
    assert_eq!(
        std::fs::read(env.document_path(id)).expect("the document exists"),
        before,
        "`incident {}` recorded something",
        args.join(" ")
    );
    stderr
}

#[test]
fn a_mistyped_timeout_after_run_is_refused_with_the_nearest_option() {
    let env = TestEnv::new();
    let id = env.open("Disk full on db-1");
    env.quiet(&["hypothesis", "logs filled the disk"]);
    let stderr = refused(
        &env,
        &id,
        &[
            "test", "check", "disk", "--for", "H1", "--run", "df -h", "--timout", "5",
        ],
    );
    assert!(stderr.contains("`--timout`"), "names the word: {stderr}");
    assert!(
        stderr.contains("hint: did you mean `--timeout`?"),
        "{stderr}"
    );
}

#[test]
fn a_mistyped_by_after_the_time_is_refused_and_nothing_is_recorded_at_the_wrong_time() {
    let env = TestEnv::new();
    let id = env.open("Disk full on db-1");
    let stderr = refused(
        &env,
        &id,
        &["symptom", "disk", "full", "--at", "10:00", "--bye", "bob"],
    );
    assert!(stderr.contains("`--bye`"), "{stderr}");
    assert!(stderr.contains("hint: did you mean `--by`?"), "{stderr}");
}

#[test]
fn a_mistyped_option_is_refused_before_inside_and_after_the_text() {
    let env = TestEnv::new();
    let id = env.open("Payments down");
    env.quiet(&["hypothesis", "bad deploy"]);
    env.quiet(&["test", "roll back", "--for", "H1"]);
    for args in [
        &["result", "T1", "--rule-out", "H1", "502s", "go", "on"][..],
        &["result", "T1", "502s", "--rule-out", "go", "on"],
        &["result", "T1", "502s", "go", "on", "--rule-out", "H1"],
        &["result", "T1", "502s", "go", "on", "--rule-out=H1"],
    ] {
        let stderr = refused(&env, &id, args);
        assert!(stderr.contains("--rule-out"), "{stderr}");
        assert!(
            stderr.contains("hint: did you mean `--rules-out`?"),
            "{stderr}"
        );
    }
    let stderr = refused(
        &env,
        &id,
        &[
            "action",
            "alert",
            "on",
            "pool",
            "saturation",
            "--ownr",
            "ben",
        ],
    );
    assert!(stderr.contains("hint: did you mean `--owner`?"), "{stderr}");
}

#[test]
fn a_global_option_is_among_the_suggestions() {
    let env = TestEnv::new();
    let id = env.open("Checkout 502s");
    let stderr = refused(&env, &id, &["note", "paged", "the", "DBA", "--quite"]);
    assert!(stderr.contains("hint: did you mean `--quiet`?"), "{stderr}");
}

#[test]
fn a_word_far_from_every_option_is_refused_without_a_guess() {
    let env = TestEnv::new();
    let id = env.open("Checkout 502s");
    let stderr = refused(&env, &id, &["note", "--dry-run", "was", "on"]);
    assert!(stderr.contains("`--dry-run`"), "{stderr}");
    assert!(!stderr.contains("did you mean"), "{stderr}");
    assert!(stderr.contains("hint: "), "says how to keep it: {stderr}");
}

#[test]
fn after_a_double_dash_every_word_is_text() {
    let env = TestEnv::new();
    env.open("Checkout 502s");
    assert_eq!(
        env.ok(&["note", "-q", "--", "--force", "was", "used"]),
        "N1\n"
    );
    assert_eq!(
        env.ok(&[
            "note", "-q", "deploy", "--at", "10:00", "--", "--timout", "set"
        ]),
        "N2\n"
    );
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "N1")["text"], "--force was used");
    assert_eq!(entry(&report, "N2")["text"], "deploy --timout set");
    assert_eq!(entry(&report, "N2")["at"], "2026-11-20T10:00:00Z");
}

#[test]
fn dashed_words_that_are_not_option_shaped_stay_text() {
    let env = TestEnv::new();
    env.open("Conversions down");
    env.ok(&["symptom", "-15%", "conversions", "---", "- not a list"]);
    env.ok(&[
        "note", "ran", "kubectl", "exec", "-it", "pod", "then", "df", "-h",
    ]);
    env.ok(&["note", "grep", "-i", "error", "logs", "--", "-q"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(
        entry(&report, "S1")["text"],
        "-15% conversions --- - not a list"
    );
    assert_eq!(
        entry(&report, "N1")["text"],
        "ran kubectl exec -it pod then df -h"
    );
    assert_eq!(entry(&report, "N2")["text"], "grep -i error logs -q");
}

#[test]
fn a_known_option_inside_the_text_is_refused_with_a_hint_to_move_it_or_use_double_dash() {
    let env = TestEnv::new();
    let id = env.open("Checkout 502s");
    let stderr = refused(&env, &id, &["note", "deploy", "--at", "10:00", "failed"]);
    assert!(stderr.contains("`--at`"), "{stderr}");
    assert!(stderr.contains("inside the text"), "{stderr}");
    let hint = stderr
        .lines()
        .find(|line| line.starts_with("hint: "))
        .unwrap_or_else(|| panic!("a hint: {stderr}"));
    assert!(
        hint.contains("before or after the text") && hint.contains("`--`"),
        "{hint}"
    );
    // A global option too, and one with its value attached.
    refused(&env, &id, &["note", "curl", "--json", "was", "used"]);
    refused(&env, &id, &["note", "paged", "--by=ben", "at", "once"]);
    // Moved after the text, or kept as text with `--`, it works.
    assert_eq!(
        env.quiet(&["note", "deploy", "failed", "--at", "10:00"]),
        "N1"
    );
    assert_eq!(
        env.ok(&["note", "-q", "--", "deploy", "--at", "10:00", "failed"]),
        "N2\n"
    );
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "N1")["at"], "2026-11-20T10:00:00Z");
    assert_eq!(entry(&report, "N2")["text"], "deploy --at 10:00 failed");
}

#[test]
fn a_flag_given_a_value_is_refused() {
    let env = TestEnv::new();
    let id = env.open("Checkout 502s");
    let stderr = refused(&env, &id, &["note", "paged", "--quiet=yes"]);
    assert!(stderr.contains("--quiet"), "{stderr}");
}

#[test]
fn the_forgiving_forms_still_work() {
    let env = TestEnv::new();
    env.open("Pool exhausted");
    env.quiet(&["hypothesis", "bad deploy"]);
    env.quiet(&["hypothesis", "pool exhausted"]);
    let out = env.run(&[
        "test",
        "check",
        "disk",
        "--for",
        "H1",
        "H2",
        "--run",
        "true",
        "--timeout",
        "5",
        "-q",
    ]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "T1 R1\n"),
        "{}",
        out.stderr
    );
    env.ok(&["note", "paged", "again", "--at", "1h", "30m", "ago"]);
    env.ok(&["note", "deploy", "--at", "2026-11-21", "02:47"]);
    env.ok(&["note", "checked", "with", "df", "-h"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "T1")["for"], serde_json::json!(["H1", "H2"]));
    assert_eq!(entry(&report, "T1")["text"], "check disk");
    assert_eq!(entry(&report, "N1")["at"], "2026-11-21T02:00:00Z");
    assert_eq!(entry(&report, "N1")["text"], "paged again");
    assert_eq!(entry(&report, "N2")["at"], "2026-11-21T02:47:00Z");
    assert_eq!(entry(&report, "N2")["text"], "deploy");
    assert_eq!(entry(&report, "N3")["text"], "checked with df -h");
}
