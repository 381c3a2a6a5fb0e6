//! `<data dir>/hooks/on-record`: how a team posts each entry to a chat channel. It gets
//! the entry as `--json` prints it, at most ten seconds, and its failure is a warning.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::env::{Output, TestEnv};

/// Installs `script` as the hook, executable.
fn install_hook(env: &TestEnv, script: &str) -> PathBuf {
    let hooks = env.data_dir().join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let hook = hooks.join("on-record");
    std::fs::write(&hook, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    hook
}

/// Runs the binary with `vars` added to the test environment.
fn run_with(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut command = env.command(args);
    for (name, value) in vars {
        command.env(name, value);
    }
    let out = command.output().expect("the binary runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    }
}

#[test]
fn the_hook_gets_the_entry_as_json_prints_it_with_the_incident_id() {
    let env = TestEnv::new();
    let id = env.open("Checkout returns 502s");
    let got = env.home().join("got");
    install_hook(
        &env,
        &format!(
            "cat > '{0}.json'; echo \"$INCIDENT_ID $INCIDENT_EVENT\" >> '{0}.log'",
            got.display()
        ),
    );
    let printed = env.ok(&["symptom", "5% of POST /checkout return 502", "--json"]);
    assert_eq!(
        std::fs::read_to_string(got.with_extension("json")).unwrap(),
        printed
    );
    // Whatever the output mode, the hook reads the same JSON, and stdout stays ours.
    assert_eq!(env.ok(&["note", "paged the DBA", "-q"]), "N1\n");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(got.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(json["id"], "N1");
    assert_eq!(json["kind"], "note");
    assert_eq!(json["incident"], id.as_str());
    // Open, close and reopen run it too, with what their `--json` prints.
    env.ok(&["close", "fixed"]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(got.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(json["status"], "closed");
    let log = std::fs::read_to_string(got.with_extension("log")).unwrap();
    assert_eq!(log, format!("{id} entry\n{id} entry\n{id} close\n"));
}

#[test]
fn a_failing_hook_is_a_warning_and_the_entry_stays_recorded() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    install_hook(&env, "echo 'curl: (6) could not resolve host' >&2; exit 3");
    let out = env.run(&["symptom", "p99 latency 4s", "-q"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "S1\n");
    let hook = env.data_dir().join("hooks/on-record");
    assert_eq!(
        out.stderr,
        format!(
            "hook: curl: (6) could not resolve host\n\
             warning: hook {} failed (exit status 3); what was recorded stays recorded\n",
            hook.display()
        )
    );
    assert_eq!(
        env.document("2026-11-21-checkout-returns-502s")["entries"][0]["id"],
        "S1"
    );
}

#[test]
fn a_hook_that_hangs_is_stopped_with_everything_it_started() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let pid = env.home().join("sleeper.pid");
    // A child of its own that keeps the output open, then a hang.
    install_hook(
        &env,
        &format!("sleep 60 & echo $! > '{}'; sleep 60", pid.display()),
    );
    let started = Instant::now();
    let out = run_with(
        &env,
        &["symptom", "p99 latency 4s", "-q"],
        &[("INCIDENT_HOOK_TIMEOUT", "1")],
    );
    let took = started.elapsed();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "S1\n");
    // Not the minute the hook and its child would take: the bound is far from both.
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert!(
        out.stderr
            .ends_with("took longer than 1s and was stopped; what was recorded stays recorded\n"),
        "{}",
        out.stderr
    );
    let sleeper = std::fs::read_to_string(&pid).unwrap();
    // Killed, it may take a moment to die, then linger as a zombie until something reaps
    // it: that is not alive.
    let alive = || {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", sleeper.trim()));
        stat.is_ok_and(|stat| !stat.contains(") Z "))
    };
    let killed = Instant::now();
    while alive() {
        assert!(
            killed.elapsed() < Duration::from_secs(10),
            "the hook's own child {sleeper} outlived it"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The limit is ten seconds at most, however long the variable asks for: the hook is
    // stopped then, and not after its own minute.
    install_hook(&env, "sleep 60");
    let started = Instant::now();
    let out = run_with(
        &env,
        &["note", "x", "-q"],
        &[("INCIDENT_HOOK_TIMEOUT", "3600")],
    );
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(10) && took < Duration::from_secs(50),
        "took {took:?}"
    );
    assert!(
        out.stderr.contains("took longer than 10s and was stopped"),
        "{}",
        out.stderr
    );
}

#[test]
fn what_a_hook_prints_is_escaped_and_never_reaches_stdout() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    install_hook(
        &env,
        r"printf 'posted \033[31mred\033]0;owned\007\n'; printf 'to stderr\n' >&2",
    );
    let out = env.run(&["symptom", "x", "-q"]);
    assert_eq!(out.stdout, "S1\n");
    assert_eq!(
        out.stderr,
        "hook: posted \\x1b[31mred\\x1b]0;owned\\x07\nhook: to stderr\n"
    );
}

#[test]
fn a_hook_that_is_not_a_runnable_file_is_a_warning_and_never_hangs() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let hook = install_hook(&env, "exit 0");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.run(&["symptom", "a", "-q"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "S1\n"));
    assert!(
        out.stderr.starts_with("warning: hook ") && out.stderr.contains("is not executable"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(&hook).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&hook)
        .status()
        .unwrap();
    assert!(made.success());
    let out = env.run(&["symptom", "b", "-q"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "S2\n"));
    assert!(
        out.stderr
            .contains("is a FIFO, not a regular file; not run"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(&hook).unwrap();
    std::fs::create_dir(&hook).unwrap();
    let out = env.run(&["symptom", "c", "-q"]);
    assert!(
        out.stderr.contains("is a folder, not a regular file"),
        "{}",
        out.stderr
    );
    // No hooks folder at all: nothing said.
    std::fs::remove_dir(&hook).unwrap();
    assert_eq!(env.ok(&["symptom", "d", "-q"]), "S4\n");
}

#[test]
fn a_hook_may_record_without_a_deadlock_or_a_loop() {
    let env = TestEnv::new();
    let id = env.open("Checkout returns 502s");
    let log = env.home().join("runs");
    // The incident's lock is free while the hook runs, and the entry it records runs no
    // hook of its own.
    install_hook(
        &env,
        &format!(
            "echo run >> '{}'; [ \"$INCIDENT_EVENT\" = entry ] && \"$BIN\" note posted to chat -i \"$INCIDENT_ID\" -q >/dev/null",
            log.display()
        ),
    );
    let out = run_with(
        &env,
        &["symptom", "x", "-q"],
        &[("BIN", crate::env::binary().to_str().unwrap())],
    );
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "S1\n", "")
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "run\n");
    let report = env.json(&["report", "-i", &id, "--format", "json"]);
    assert_eq!(crate::env::labels(&report), ["S1", "N1"]);
}
