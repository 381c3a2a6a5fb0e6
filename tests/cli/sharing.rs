//! Sharing a team can trust (issue 20), with real git and a real bare remote: a label or
//! id this tool printed never comes to name a teammate's entry or incident, whatever the
//! push does; merges never cycle; a remote that lost history strands no machine; a push
//! the remote refuses fails at once, saying why; and four machines recording into one
//! incident at once, with background syncs killed or not, keep every link on its own side.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::env::{TestEnv, require_tool};
use crate::sync::{Remote, machine};

/// Runs the real git in `dir` as Mallory, with no system configuration.
#[track_caller]
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(require_tool("git"))
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .args(["-c", "user.name=mallory", "-c", "user.email=m@example.com"])
        .args(args)
        .stderr(Stdio::piped())
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Runs git on the remote's bare repository itself, as its administrator would.
#[track_caller]
fn on_remote(remote: &Remote, args: &[&str]) -> String {
    let url = remote.url();
    let mut all = vec!["--git-dir", url.as_str()];
    all.extend_from_slice(args);
    git(Path::new("/"), &all)
}

/// Mallory (or a careless script) changes the team's branch straight on the remote:
/// `change` edits a clone of it, and the result is pushed.
#[track_caller]
fn push_straight(remote: &Remote, change: impl FnOnce(&Path)) {
    let scratch = tempfile::tempdir().expect("a temp dir");
    git(
        scratch.path(),
        &["clone", "--quiet", "-b", "incidents", &remote.url(), "work"],
    );
    let work = scratch.path().join("work");
    change(&work);
    git(&work, &["add", "-A"]);
    git(
        &work,
        &["commit", "--quiet", "-m", "straight onto the remote"],
    );
    git(&work, &["push", "--quiet", "origin", "incidents"]);
}

/// Reads, changes and writes a JSON document in a clone.
#[track_caller]
fn edit_json(path: &Path, change: impl FnOnce(&mut Value)) {
    let mut document: Value =
        serde_json::from_slice(&std::fs::read(path).expect("the document")).expect("JSON");
    change(&mut document);
    std::fs::write(path, serde_json::to_vec(&document).expect("JSON")).expect("write");
}

/// A `git` ahead of the real one on the machine's PATH: `script` runs first (`sh`, with
/// the arguments in `"$@"`), then the real git unless the script exits.
#[track_caller]
fn wrap_git(env: &mut TestEnv, script: &str) {
    let dir = env.home().join("wrapped-bin");
    std::fs::create_dir_all(&dir).expect("a folder");
    let real = require_tool("git");
    std::fs::write(
        dir.join("git"),
        format!("#!/bin/sh\n{script}\nexec '{}' \"$@\"\n", real.display()),
    )
    .expect("write");
    std::fs::set_permissions(
        dir.join("git"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    env.set_var("PATH", path_with(Some(dir)));
}

/// The real git again.
fn unwrap_git(env: &mut TestEnv) {
    env.set_var("PATH", path_with(None));
}

fn path_with(first: Option<PathBuf>) -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(first.into_iter().chain(std::env::split_paths(&path))).expect("a PATH")
}

/// Waits (up to 30 s) for what a background process does.
#[track_caller]
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The label the entry with this text has in a document or report.
fn label_of(document: &Value, text: &str) -> Option<String> {
    document["entries"]
        .as_array()?
        .iter()
        .find(|entry| entry["text"] == text)
        .and_then(|entry| entry["id"].as_str())
        .map(str::to_string)
}

/// The one entry with this text.
#[track_caller]
fn by_text<'a>(report: &'a Value, text: &str) -> &'a Value {
    let found: Vec<&Value> = report["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|entry| entry["text"] == text)
        .collect();
    assert_eq!(found.len(), 1, "{text:?} is there {} times", found.len());
    found[0]
}

fn report(env: &TestEnv, id: &str) -> Value {
    env.json(&["report", "-i", id, "--format", "json"])
}

/// A teammate plants `N4294967295`: the next number after it does not exist, so the
/// document is refused as damaged, naming the label, instead of clashing as "used twice".
#[test]
fn a_received_label_beyond_any_real_number_is_refused_as_damaged() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let id = alice.open("Slow checkout");
    alice.quiet(&["note", "alice first"]);
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    bob.ok(&["use", &id]);
    alice.quiet(&["note", "alice second"]);
    alice.ok(&["sync"]);
    push_straight(&remote, |work| {
        edit_json(&work.join(format!("incidents/{id}.json")), |document| {
            let mut planted = document["entries"][0].clone();
            planted["id"] = "N4294967295".into();
            planted["uuid"] = "0190b7a2-0000-7000-8000-00000000beef".into();
            planted["text"] = "planted".into();
            document["entries"]
                .as_array_mut()
                .expect("entries")
                .push(planted);
        });
    });
    assert_eq!(bob.quiet(&["note", "bob second"]), "N2");
    let out = bob.run(&["sync"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("N4294967295"), "{}", out.stderr);
    assert!(!out.stderr.contains("used twice"), "{}", out.stderr);
    assert_eq!(
        label_of(&bob.document(&id), "bob second").as_deref(),
        Some("N2")
    );
}

/// `-i a merge b`, with `b` already merged into `c` and `c` the current incident: the
/// hint names the incident to merge into, never `incident merge c` (c into itself).
#[test]
fn the_hint_after_merging_an_incident_merged_elsewhere_never_suggests_a_self_merge() {
    let env = TestEnv::new();
    for id in ["a", "b", "c"] {
        env.ok(&["open", &format!("Outage {id}"), "--id", id, "-q"]);
    }
    env.ok(&["-i", "c", "merge", "b", "-q"]);
    env.ok(&["use", "c"]);
    let error = env.fails(&["-i", "a", "merge", "b"], 1);
    assert!(error.contains("already merged into c"), "{error}");
    assert!(error.contains("`incident -i a merge c`"), "{error}");
}

/// Under `ulimit -f` the write fails with "File too large", said in one line, and nothing
/// is recorded: not a silent death by SIGXFSZ.
#[test]
fn a_file_size_limit_is_reported_not_a_silent_death() {
    let env = TestEnv::new();
    let id = env.open("Disk quota");
    let big = "x".repeat(4000);
    let out = env
        .shell(&format!("ulimit -f 2; \"$BIN\" note {big}"))
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");
    assert_eq!(env.document(&id)["entries"], json!([]));
}

/// `fd::` and `ext::` are git transports that run commands or read stdin, not remotes:
/// refused, where `fd::0` used to hang every sync for a minute.
#[test]
fn remotes_that_are_git_transports_running_commands_are_refused() {
    let env = TestEnv::new();
    for url in ["fd::0", "ext::sh -c touch% /tmp/pwned", "EXT::ssh host"] {
        let error = env.fails(&["remote", url], 2);
        assert!(error.contains("transport"), "{error}");
    }
    assert_eq!(env.run(&["remote"]).code, 1, "no remote was set");
}

/// A sync killed mid-fetch leaves its git running, holding its lock on our repository; the
/// next sync stops the leftover and succeeds instead of failing on `cannot lock ref`.
#[test]
fn a_git_left_running_by_a_killed_sync_does_not_block_the_next_one() {
    let remote = Remote::new();
    let mut alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let id = alice.open("Cache stampede");
    alice.ok(&["sync"]);
    alice.quiet(&["note", "raised the TTL"]);
    // Bob pushes meanwhile, so the next fetch has a ref to update.
    bob.ok(&["sync"]);
    bob.quiet(&["-i", &id, "note", "bob warmed the cache"]);
    bob.ok(&["sync"]);
    let started = alice.home().join("hung-fetch-started");
    // A fetch that hangs, holding git's lock on the tracking ref, as a stuck transfer does.
    wrap_git(
        &mut alice,
        &format!(
            "if [ \"$1\" = --git-dir ]; then case \"$*\" in *' fetch '*) \
             touch '{}'; i=0; while [ $i -lt 4000 ]; do mkdir -p \"$2/refs/sync\"; \
             : > \"$2/refs/sync/incidents.lock\"; sleep 0.01; i=$((i+1)); done; exit 1;; esac; fi",
            started.display()
        ),
    );
    let mut sync = alice
        .process(&["sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sync starts");
    wait_for("the fetch hangs", || started.exists());
    sync.kill().expect("kill");
    sync.wait().expect("reaped");
    unwrap_git(&mut alice);
    let out = alice.run(&["sync"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = report(&alice, &id);
    by_text(&report, "raised the TTL");
    by_text(&report, "bob warmed the cache");
}

/// Only the team's branch is fetched: not `incidents-old`, or any other branch whose name
/// starts the same way.
#[test]
fn only_the_incidents_branch_is_fetched() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    alice.open("Cache stampede");
    alice.ok(&["sync"]);
    on_remote(&remote, &["branch", "incidents-old", "incidents"]);
    alice.ok(&["sync"]);
    let refs = git(
        Path::new("/"),
        &[
            "--git-dir",
            &alice.data_dir().join("sync/repo.git").display().to_string(),
            "for-each-ref",
            "--format=%(refname)",
        ],
    );
    assert!(!refs.contains("incidents-old"), "{refs}");
}

/// A git older than 2.36 lacks `cat-file --batch-command`: the sync says which git it
/// found and which it needs.
#[test]
fn a_git_too_old_for_sharing_is_named() {
    let remote = Remote::new();
    let mut alice = machine(&remote, "alice");
    alice.open("Cache stampede");
    wrap_git(
        &mut alice,
        "case \"$*\" in version|--version) echo 'git version 2.30.2'; exit 0;; \
         *'cat-file --batch-command'*) echo \"error: unknown option \\`batch-command'\" >&2; exit 129;; esac",
    );
    let error = alice.fails(&["sync"], 1);
    assert!(error.contains("2.36"), "{error}");
    assert!(error.contains("2.30.2"), "{error}");
}

/// The commit a sync makes is dated by the same clock as the entries (`INCIDENT_NOW`).
#[test]
fn the_commit_is_dated_by_the_commands_clock() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    alice.open("Cache stampede");
    alice.ok(&["sync"]);
    let dates = on_remote(&remote, &["log", "-1", "--format=%ct %at", "incidents"]);
    assert_eq!(dates.trim(), "1795231800 1795231800");
}
