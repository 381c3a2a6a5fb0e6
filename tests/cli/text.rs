//! Entry text: words joined by single spaces, options anywhere, dashes kept as text,
//! `--` ending options, `-` for standard input.

use crate::env::{TestEnv, entry};

fn text_of(env: &TestEnv, label: &str) -> String {
    let report = env.json(&["report", "--format", "json"]);
    entry(&report, label)["text"].as_str().unwrap().to_string()
}

#[test]
fn a_leading_dash_is_text() {
    let env = TestEnv::new();
    env.open("Dashes");
    assert_eq!(env.quiet(&["symptom", "- not a list"]), "S1");
    assert_eq!(text_of(&env, "S1"), "- not a list");
    env.ok(&["symptom", "-15%", "conversions", "---", "-x"]);
    assert_eq!(text_of(&env, "S2"), "-15% conversions --- -x");
}

#[test]
fn options_may_follow_the_text() {
    let env = TestEnv::new();
    env.open("Options after text");
    env.ok(&["symptom", "502s", "on", "checkout", "--at", "10m ago"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "S1")["text"], "502s on checkout");
    assert_eq!(entry(&report, "S1")["at"], "2026-11-21T03:20:00Z");
    env.ok(&["symptom", "paged", "--at", "1h", "30m", "ago"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "S2")["text"], "paged");
    assert_eq!(entry(&report, "S2")["at"], "2026-11-21T02:00:00Z");
    // Unquoted, `ago` still belongs to the time.
    env.ok(&["symptom", "slow", "--at", "5m", "ago", "--by", "ben"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "S3")["text"], "slow");
    assert_eq!(entry(&report, "S3")["at"], "2026-11-21T03:25:00Z");
    assert_eq!(entry(&report, "S3")["by"], "ben");
}

#[test]
fn a_double_dash_ends_the_options() {
    let env = TestEnv::new();
    env.open("Double dash");
    assert_eq!(
        env.ok(&["symptom", "-q", "--", "--dry-run", "was", "on"]),
        "S1\n"
    );
    assert_eq!(text_of(&env, "S1"), "--dry-run was on");
    env.ok(&["note", "-q", "--", "-q", "--at", "now"]);
    assert_eq!(text_of(&env, "N1"), "-q --at now");
}

#[test]
fn words_are_joined_by_single_spaces() {
    let env = TestEnv::new();
    env.open("Spaces");
    env.ok(&["note", "two  spaces", "kept", "inside"]);
    assert_eq!(text_of(&env, "N1"), "two  spaces kept inside");
}

#[test]
fn a_lone_dash_reads_standard_input() {
    let env = TestEnv::new();
    env.open("Stdin");
    let out = env.run_with_stdin(&["symptom", "-", "-q"], "line one\n  line two\n\n");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "S1\n");
    assert_eq!(
        text_of(&env, "S1"),
        "line one\n  line two\n",
        "only one newline dropped"
    );
    let out = env.run_with_stdin(&["open", "-", "-q"], "Title from stdin\n");
    assert_eq!(out.stdout, "2026-11-21-title-from-stdin\n");
}

#[test]
fn empty_text_is_a_usage_error() {
    let env = TestEnv::new();
    let id = env.open("Empty");
    let before = std::fs::read(env.document_path(&id)).unwrap();
    let stderr = env.fails(&["symptom"], 2);
    assert!(stderr.contains("empty"), "{stderr}");
    env.fails(&["symptom", "  "], 2);
    let out = env.run_with_stdin(&["note", "-"], "\n");
    assert_eq!(out.code, 2);
    env.fails(&["open"], 2);
    assert_eq!(std::fs::read(env.document_path(&id)).unwrap(), before);
}

#[test]
fn invalid_utf8_on_stdin_is_refused() {
    let env = TestEnv::new();
    env.open("Bytes");
    let mut command = env.command(&["note", "-"]);
    command.write_stdin(vec![0x66, 0xff, 0x6f]);
    let out = command.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("UTF-8"));
}

#[test]
fn short_flags_at_the_end_of_the_text_are_text() {
    let env = TestEnv::new();
    env.open("Flags");
    assert_eq!(
        env.ok(&["note", "checked", "disk", "with", "df", "-h", "-q"]),
        "N1\n"
    );
    assert_eq!(env.quiet(&["note", "grep", "logs", "-i"]), "N2");
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "N1")["text"], "checked disk with df -h");
    assert_eq!(entry(&report, "N2")["text"], "grep logs -i");
    // A known option inside the text is refused, not recorded as text with a warning.
    let stderr = env.fails(&["test", "check", "--for", "H1", "pool"], 2);
    assert!(
        stderr.starts_with("error: `--for` stands inside the text"),
        "{stderr}"
    );
    env.ok(&["retract", "N1", "--why", "dup", "of", "-15%", "-q"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "E1")["text"], "dup of -15%");
}

#[test]
fn a_text_of_many_short_flags_is_kept_whole() {
    // Each `-q` could begin the options after the text, until the last word says
    // otherwise: 20,000 of them took 40 s when every start was tried afresh.
    let env = TestEnv::new();
    env.open("Many flags");
    let mut args = vec!["note", "ran"];
    args.extend(std::iter::repeat_n("-q", 20_000));
    args.push("done");
    env.ok(&args);
    let expected = format!("ran {}done", "-q ".repeat(20_000));
    assert_eq!(text_of(&env, "N1"), expected);
}
