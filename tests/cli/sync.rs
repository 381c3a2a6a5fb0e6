//! A team shares incidents through a real bare git repository: responders offline with
//! clashing labels, the same title opened twice, many machines at once, kills mid-sync,
//! an unreachable remote and a hostile push.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use crate::env::{Output, TestEnv, entry, labels, require_tool};

/// A bare repository in a temp dir: the team's remote.
pub struct Remote {
    dir: TempDir,
}

impl Remote {
    #[track_caller]
    pub fn new() -> Remote {
        let dir = tempfile::tempdir().expect("a temp dir");
        git(dir.path(), &["init", "--quiet", "--bare", "team.git"]);
        Remote { dir }
    }

    pub fn url(&self) -> String {
        self.dir.path().join("team.git").display().to_string()
    }

    /// The files on the team's branch, as `git ls-tree` names them.
    pub fn files(&self) -> Vec<String> {
        let out = git_output(
            Path::new(&self.url()),
            &["ls-tree", "-r", "--name-only", "incidents"],
        );
        out.lines().map(str::to_string).collect()
    }

    /// Commits on the team's branch.
    pub fn commits(&self) -> usize {
        git_output(
            Path::new(&self.url()),
            &["rev-list", "--count", "incidents"],
        )
        .trim()
        .parse()
        .expect("a count")
    }
}

/// Runs the real git; fails the test, naming git, when it is missing.
#[track_caller]
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new(require_tool("git"))
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .args(["-c", "user.name=mallory", "-c", "user.email=m@example.com"])
        .args(args)
        .stdout(Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed in {}", dir.display());
}

#[track_caller]
fn git_output(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(require_tool("git"))
        .arg("--git-dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?} failed");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Runs `incident ARGS` with the failpoint `step` (`before-rename`, `before-rename:2`),
/// which must kill it there: a kill at a chosen instant, never by chance.
#[track_caller]
pub fn killed_at(env: &mut TestEnv, args: &[&str], step: &str) {
    env.set_var("INCIDENT_FAILPOINT", step);
    let out = env.run(args);
    env.set_var("INCIDENT_FAILPOINT", "none");
    let nth = nth(step);
    assert!(
        out.code == -1
            && out
                .stderr
                .ends_with(&format!("failpoint {nth}: aborting\n")),
        "`incident {}` was not killed at {nth} (exit {}):\n{}",
        args.join(" "),
        out.code,
        out.stderr
    );
}

/// `step`, or `step:1` for the first time it is reached: as a failpoint names itself.
fn nth(step: &str) -> String {
    if step.contains(':') {
        step.to_string()
    } else {
        format!("{step}:1")
    }
}

/// A command started in the background, at a known point: stopped at a failpoint, or
/// waiting for a lock.
pub struct Started {
    child: Child,
    stderr: BufReader<ChildStderr>,
}

impl Started {
    /// Lets it go on (a failpoint's pause ends when standard input closes), to its end.
    pub fn finish(mut self) -> Output {
        drop(self.child.stdin.take());
        let mut stderr = String::new();
        self.stderr
            .read_to_string(&mut stderr)
            .expect("stderr is UTF-8");
        let out = self.child.wait_with_output().expect("it ends");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr,
        }
    }
}

#[track_caller]
fn start(mut command: std::process::Command, first_line: &str) -> Started {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("stderr is UTF-8");
    assert!(
        line.starts_with(first_line),
        "expected {first_line:?} first on stderr, got {line:?}"
    );
    Started { child, stderr }
}

/// Starts `incident ARGS` and returns once it has stopped at the failpoint `step`, where
/// it waits until `finish`: the moment to change something under it.
#[track_caller]
pub fn paused_at(env: &TestEnv, args: &[&str], step: &str) -> Started {
    let mut command = env.process(args);
    command.env("INCIDENT_FAILPOINT", format!("{step}:pause"));
    start(command, &format!("failpoint {}: paused\n", nth(step)))
}

/// Starts `incident ARGS` and returns once it says it is waiting for a lock.
#[track_caller]
pub fn waiting_for_a_lock(env: &TestEnv, args: &[&str]) -> Started {
    start(env.process(args), "waiting for the lock of ")
}

/// A responder's laptop: its own data directory, sharing through `remote`, with no git
/// identity configured and automatic sync off unless a test turns it on.
#[track_caller]
pub fn machine(remote: &Remote, user: &str) -> TestEnv {
    require_tool("git");
    let mut env = TestEnv::new();
    let home = env.home().join("home");
    std::fs::create_dir_all(&home).expect("a home");
    env.set_var("PATH", std::env::var_os("PATH").unwrap_or_default());
    env.set_var("HOME", home);
    env.set_var("GIT_CONFIG_NOSYSTEM", "1");
    env.set_var("USER", user);
    env.set_var("INCIDENT_SYNC", "off");
    assert_eq!(env.ok(&["remote", &remote.url()]).trim(), remote.url());
    env
}

fn report_json(env: &TestEnv, id: &str) -> String {
    env.ok(&["report", "-i", id, "--format", "json"])
}

fn report_markdown(env: &TestEnv, id: &str) -> String {
    env.ok(&["report", "-i", id])
}

#[track_caller]
pub fn assert_converged(machines: &[&TestEnv], id: &str) -> Value {
    let first_json = report_json(machines[0], id);
    let first_markdown = report_markdown(machines[0], id);
    let first_document = std::fs::read(machines[0].document_path(id)).expect("the document");
    for other in &machines[1..] {
        assert_eq!(report_json(other, id), first_json, "JSON reports differ");
        assert_eq!(report_markdown(other, id), first_markdown, "reports differ");
        let document = std::fs::read(other.document_path(id)).expect("the document");
        assert!(document == first_document, "documents differ");
    }
    let report: Value = serde_json::from_str(&first_json).expect("JSON");
    let all = labels(&report);
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), all.len(), "labels are not unique: {all:?}");
    report
}

#[test]
fn two_responders_offline_both_record_h1_and_h2_and_every_link_follows_its_own_entry() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let id = alice.open("DNS flapping");
    alice.quiet(&["symptom", "resolv timeouts on 10% of pods"]);
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    bob.ok(&["use", &id]);

    // The network is down; each works on alone.
    alice.quiet(&["hypothesis", "coredns is OOM-killed"]);
    alice.quiet(&["hypothesis", "the upstream resolver flaps"]);
    alice.quiet(&["test", "count coredns restarts", "--for", "H2"]);
    alice.quiet(&["result", "T1", "no restarts in 6h", "--rules-out"]);
    bob.quiet(&["hypothesis", "conntrack table is full"]);
    bob.quiet(&["hypothesis", "node-local DNS cache is stale"]);
    bob.quiet(&[
        "test",
        "flush the node-local cache on one node",
        "--for",
        "H2",
    ]);
    bob.quiet(&[
        "result",
        "T1",
        "errors stop on that node",
        "--confirms",
        "H2",
    ]);

    alice.ok(&["sync"]);
    let said = bob.ok(&["sync"]);
    assert!(
        said.contains(&format!("{id}: sent 4, received 4")),
        "{said}"
    );
    for line in [
        "H1 is now H3: alice recorded H1 first",
        "H2 is now H4: alice recorded H2 first",
        "T1 is now T2: alice recorded T1 first",
        "R1 is now R2: alice recorded R1 first",
    ] {
        assert!(said.contains(line), "missing {line:?} in:\n{said}");
    }
    alice.ok(&["sync"]);

    let report = assert_converged(&[&alice, &bob], &id);
    assert_eq!(
        labels(&report),
        ["S1", "H1", "H2", "T1", "R1", "H3", "H4", "T2", "R2"]
    );
    // Each result still points at its own side's test and hypothesis.
    assert_eq!(entry(&report, "R1")["test"], "T1");
    assert_eq!(entry(&report, "R1")["rules_out"], serde_json::json!(["H2"]));
    assert_eq!(entry(&report, "T1")["for"], serde_json::json!(["H2"]));
    assert_eq!(entry(&report, "R2")["test"], "T2");
    assert_eq!(entry(&report, "R2")["confirms"], serde_json::json!(["H4"]));
    assert_eq!(entry(&report, "T2")["for"], serde_json::json!(["H4"]));
    assert_eq!(entry(&report, "H2")["status"], "ruled-out");
    assert_eq!(entry(&report, "H2")["text"], "the upstream resolver flaps");
    assert_eq!(entry(&report, "H4")["status"], "confirmed");
    assert_eq!(
        entry(&report, "H4")["text"],
        "node-local DNS cache is stale"
    );
    assert_eq!(entry(&report, "H4")["by"], "bob");

    // A label, once shared, holds: nothing changes on a sync with nothing new.
    let again = bob.json(&["sync"]);
    assert_eq!(
        again,
        serde_json::json!({"sent": 0, "received": 0, "incidents": [], "relabeled": [], "renamed": []})
    );
}

#[test]
fn sync_json_names_every_label_renumbered() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let id = alice.open("Queue backlog");
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    bob.ok(&["use", &id]);
    alice.quiet(&["note", "paged the data team"]);
    bob.quiet(&["note", "consumer lag is 2h"]);
    alice.ok(&["sync"]);
    let synced = bob.json(&["sync"]);
    assert_eq!(synced["sent"], 1);
    assert_eq!(synced["received"], 1);
    assert_eq!(synced["incidents"], serde_json::json!([id]));
    assert_eq!(
        synced["relabeled"],
        serde_json::json!([{"incident": id, "from": "N1", "to": "N2", "by": "alice"}])
    );
    assert_eq!(synced["renamed"], serde_json::json!([]));
    assert!(bob.ok(&["show", "N2"]).contains("consumer lag is 2h"));
}

#[test]
fn the_same_title_opened_on_two_machines_stays_two_incidents() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let id = alice.open("DNS flapping");
    assert_eq!(bob.open("DNS flapping"), id);
    alice.quiet(&["symptom", "alice's pager fired"]);
    bob.quiet(&["symptom", "bob's pager fired"]);
    alice.ok(&["sync"]);
    let synced = bob.json(&["sync"]);
    let renamed = format!("{id}-2");
    assert_eq!(
        synced["renamed"],
        serde_json::json!([{"from": id, "to": renamed}])
    );
    assert_eq!(
        bob.ok(&["sync"]),
        "up to date: nothing to send or receive\n"
    );
    alice.ok(&["sync"]);
    // Bob goes on with his own incident: the current pointer followed it.
    assert_eq!(bob.quiet(&["symptom", "still firing"]), "S2");
    assert_eq!(bob.json(&["status"])["id"], renamed);
    bob.ok(&["sync"]);
    alice.ok(&["sync"]);
    for env in [&alice, &bob] {
        let list = env.json(&["list", "--all"]);
        let ids: Vec<&str> = list
            .as_array()
            .expect("a list")
            .iter()
            .map(|item| item["incident"].as_str().expect("an id"))
            .collect();
        assert_eq!(ids.len(), 2, "{ids:?}");
        assert!(ids.contains(&id.as_str()) && ids.contains(&renamed.as_str()));
    }
    let alices = assert_converged(&[&alice, &bob], &id);
    assert_eq!(entry(&alices, "S1")["text"], "alice's pager fired");
    let bobs = assert_converged(&[&alice, &bob], &renamed);
    assert_eq!(entry(&bobs, "S1")["text"], "bob's pager fired");
    assert_eq!(entry(&bobs, "S2")["text"], "still firing");
    assert_eq!(
        remote.files(),
        [
            format!("incidents/{renamed}.json"),
            format!("incidents/{id}.json")
        ]
    );
}

#[test]
fn a_kill_between_saving_the_renamed_incident_and_removing_the_old_loses_and_doubles_nothing() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let mut bob = machine(&remote, "bob");
    let id = alice.open("Disk full");
    bob.open("Disk full");
    bob.quiet(&["note", "cleaned /var/log"]);
    alice.ok(&["sync"]);
    bob.set_var("INCIDENT_FAILPOINT", "sync-after-rename-save");
    let killed = bob.run(&["sync"]);
    assert_ne!(killed.code, 0, "the failpoint kills the sync");
    bob.set_var("INCIDENT_FAILPOINT", "none");
    bob.ok(&["sync"]);
    alice.ok(&["sync"]);
    let renamed = format!("{id}-2");
    assert_eq!(
        bob.json(&["list", "--all"]).as_array().map(Vec::len),
        Some(2)
    );
    let report = assert_converged(&[&alice, &bob], &renamed);
    assert_eq!(labels(&report), ["N1"]);
}

#[test]
fn eight_machines_recording_and_syncing_at_once_all_succeed_and_converge() {
    let remote = Remote::new();
    let first = machine(&remote, "m0");
    let id = first.open("Checkout 502s");
    first.ok(&["sync"]);
    let machines: Vec<TestEnv> = (0..8)
        .map(|number| {
            let env = machine(&remote, &format!("m{number}"));
            env.ok(&["sync"]);
            env.ok(&["use", &id]);
            env
        })
        .collect();
    let running: Vec<_> = machines
        .iter()
        .enumerate()
        .map(|(number, env)| {
            env.shell(&format!(
                "for step in 1 2 3; do \"$BIN\" -q note m{number} step $step || exit 9; done; \
                 \"$BIN\" sync >/dev/null"
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("a machine runs")
        })
        .collect();
    for child in running {
        let out = child.wait_with_output().expect("it ends");
        assert!(
            out.status.success(),
            "a concurrent sync failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for env in machines.iter().chain([&first]) {
        env.ok(&["sync"]);
    }
    let all: Vec<&TestEnv> = machines.iter().chain([&first]).collect();
    let report = assert_converged(&all, &id);
    let mut texts: Vec<String> = report["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| entry["text"].as_str().expect("text").to_string())
        .collect();
    texts.sort();
    let mut expected: Vec<String> = (0..8)
        .flat_map(|number| (1..=3).map(move |step| format!("m{number} step {step}")))
        .collect();
    expected.sort();
    assert_eq!(texts, expected, "every note once");
}

/// Bob's sync is killed at each step where a kill could cost something: with the fetch
/// done, while the joined document (Alice's entries, Bob's relabeled) is being saved,
/// just before the push, and with the push landed but not yet noted. Alice goes on
/// meanwhile. Nothing is lost or doubled, and the next syncs converge.
#[test]
fn a_sync_killed_at_each_step_loses_nothing_and_the_next_one_completes() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let mut bob = machine(&remote, "bob");
    let id = alice.open("Cache stampede");
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    bob.ok(&["use", &id]);
    let steps = [
        "sync-after-fetch",
        "after-temp-write",
        "before-rename",
        "after-rename",
        "sync-before-push",
        "sync-after-push",
    ];
    let mut texts = Vec::new();
    for step in steps {
        // Alice's entry reaches the remote first, so Bob's sync has a document to save.
        let alices = format!("alice before bob's sync killed {step}");
        alice.quiet(&["note", &alices]);
        alice.ok(&["sync"]);
        let bobs = format!("bob before his sync killed {step}");
        bob.quiet_told(&["note", &bobs]);
        let idea = format!("bob's idea before {step}");
        bob.quiet_told(&["hypothesis", &idea]);
        killed_at(&mut bob, &["sync"], step);
        let after = format!("alice after bob's sync killed {step}");
        alice.quiet_told(&["note", &after]);
        alice.ok(&["sync"]);
        texts.extend([alices, bobs, idea, after]);
    }
    assert_eq!(bob.run(&["sync"]).code, 0);
    alice.ok(&["sync"]);
    let report = assert_converged(&[&alice, &bob], &id);
    for text in texts {
        let found = report["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|entry| entry["text"] == text.as_str())
            .count();
        assert_eq!(found, 1, "{text:?} is there {found} times");
    }
}

#[test]
fn an_unreachable_remote_fails_the_sync_changes_nothing_and_the_board_says_what_is_unsent() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let id = alice.open("Network partition");
    alice.quiet(&["symptom", "eu-west unreachable"]);
    alice.ok(&["sync"]);
    alice.quiet(&["note", "failing over"]);
    alice.quiet(&["note", "failover done"]);
    alice.ok(&["remote", "/nonexistent/team.git"]);
    let before = std::fs::read(alice.document_path(&id)).expect("the document");
    let error = alice.fails(&["sync"], 1);
    assert!(error.starts_with("error: sync failed: "), "{error}");
    assert!(
        error.lines().count() <= 2,
        "one error line and a hint: {error}"
    );
    assert_eq!(
        std::fs::read(alice.document_path(&id)).expect("the document"),
        before
    );
    let board = alice.ok(&["status"]);
    assert!(
        board.contains("Shared through /nonexistent/team.git"),
        "{board}"
    );
    assert!(board.contains("not synced yet"), "{board}");
    assert!(board.contains("sync failed"), "{board}");
    assert!(board.contains("this incident is not shared yet"), "{board}");

    // Back on the right remote, the next sync catches up.
    alice.ok(&["remote", &remote.url()]);
    alice.ok(&["sync"]);
    let board = alice.ok(&["status"]);
    assert!(board.contains("everything sent"), "{board}");
    assert!(!board.contains("sync failed"), "{board}");
}

#[test]
fn the_board_counts_entries_not_yet_sent_since_the_last_sync() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    alice.open("Slow logins");
    alice.quiet(&["symptom", "p99 login 9s"]);
    alice.ok(&["sync"]);
    let board = alice.ok(&["status"]);
    assert!(
        board.contains("last sync 2026-11-21 03:30 UTC (0s ago) · everything sent"),
        "{board}"
    );
    alice.quiet(&["hypothesis", "ldap is slow"]);
    alice.quiet(&["note", "paged identity team"]);
    assert!(alice.ok(&["status"]).contains("2 entries not yet sent"));
    // The board never asks the network: it answers with the remote unreachable.
    alice.ok(&["remote", "/nonexistent/team.git"]);
    assert!(alice.ok(&["status"]).contains("not synced yet"));
}

#[test]
fn a_hostile_push_is_refused_by_name_and_blocks_only_itself() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let id = alice.open("Login outage");
    alice.quiet(&["symptom", "SSO returns 500"]);
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);

    // Mallory pushes straight into the remote: a damaged document, a document that
    // names another id, a file named as no id, a symlink, a hook, a current pointer, and
    // a valid incident full of terminal escapes.
    let scratch = tempfile::tempdir().expect("a temp dir");
    let work = scratch.path().join("work");
    git(
        scratch.path(),
        &["clone", "--quiet", "-b", "incidents", &remote.url(), "work"],
    );
    let folder = work.join("incidents");
    std::fs::write(
        folder.join("2026-11-21-damaged.json"),
        "{\"schema\": 2, \"id\"",
    )
    .expect("write");
    let mut escaping: Value =
        serde_json::from_slice(&std::fs::read(folder.join(format!("{id}.json"))).expect("doc"))
            .expect("JSON");
    escaping["id"] = "../../../../tmp/escaped".into();
    std::fs::write(
        folder.join("2026-11-21-escape.json"),
        serde_json::to_vec(&escaping).expect("JSON"),
    )
    .expect("write");
    std::fs::write(folder.join("EVIL..json"), "{}").expect("write");
    std::os::unix::fs::symlink("/etc/passwd", folder.join("2026-11-21-link.json"))
        .expect("a symlink");
    let mut loud = escaping.clone();
    loud["id"] = "2026-11-21-loud".into();
    loud["uuid"] = "0190b7a2-0000-7000-8000-000000000001".into();
    loud["title"] = "\u{1b}]0;pwned\u{7}\u{1b}[31mred title".into();
    loud["entries"] = serde_json::json!([]);
    std::fs::write(
        folder.join("2026-11-21-loud.json"),
        serde_json::to_vec(&loud).expect("JSON"),
    )
    .expect("write");
    std::fs::create_dir_all(work.join("hooks")).expect("a folder");
    std::fs::write(
        work.join("hooks/on-record"),
        "#!/bin/sh\ntouch /tmp/pwned\n",
    )
    .expect("write");
    std::fs::write(work.join("current"), "2026-11-21-loud\n").expect("write");
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "--quiet", "-m", "hostile"]);
    git(&work, &["push", "--quiet", "origin", "incidents"]);

    // Alice goes on working; her entries still reach Bob.
    alice.quiet(&["note", "rolled back the IdP config"]);
    let out = alice.run(&["sync"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let out = bob.run(&["sync"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    for name in [
        "2026-11-21-damaged.json",
        "2026-11-21-escape.json",
        "EVIL..json",
        "2026-11-21-link.json",
    ] {
        assert!(
            out.stderr.contains(name),
            "{name} not named in:\n{}",
            out.stderr
        );
    }
    assert!(
        out.stderr
            .starts_with("error: 4 documents could not be shared")
    );
    for stream in [&out.stdout, &out.stderr] {
        assert!(
            !stream.contains('\u{1b}'),
            "a raw escape reached the terminal"
        );
    }
    assert!(
        bob.ok(&["show", "-i", &id, "N1"])
            .contains("rolled back the IdP config")
    );

    // Only documents were written, and only valid ones, inside the data directory.
    let data = bob.data_dir();
    assert!(!data.join("hooks").exists());
    assert!(!Path::new("/tmp/escaped.json").exists());
    assert_eq!(std::fs::read_to_string(data.join("current")).ok(), None);
    let mut stored: Vec<String> = std::fs::read_dir(data.join("incidents"))
        .expect("the folder")
        .map(|item| {
            item.expect("an item")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".json"))
        .collect();
    stored.sort();
    assert_eq!(
        stored,
        [format!("{id}.json").as_str(), "2026-11-21-loud.json"]
    );
    let list = bob.ok(&["list", "--all"]);
    assert!(!list.contains('\u{1b}'), "{list:?}");
    assert!(list.contains("red title"), "{list}");

    // The remote keeps Mallory's files as they are: nothing is deleted by a sync.
    let files = remote.files();
    assert!(files.contains(&"incidents/2026-11-21-damaged.json".to_string()));
    assert!(files.contains(&"hooks/on-record".to_string()));
}

#[test]
fn a_recording_command_returns_before_a_slow_remote_answers_and_the_entry_arrives() {
    let remote = Remote::new();
    let mut alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let id = alice.open("Search is slow");
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    // A git that takes 1.5 s per exchange, as a far remote over SSH does.
    let slow = alice.home().join("slow-bin");
    std::fs::create_dir_all(&slow).expect("a folder");
    let real_git = require_tool("git");
    std::fs::write(
        slow.join("git"),
        format!(
            "#!/bin/sh\ncase \"$*\" in *fetch*|*push*) sleep 1.5;; esac\nexec '{}' \"$@\"\n",
            real_git.display()
        ),
    )
    .expect("write");
    std::fs::set_permissions(
        slow.join("git"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    let path = std::env::join_paths(std::iter::once(slow.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("a PATH");
    alice.set_var("PATH", path);
    alice.set_var("INCIDENT_SYNC", "on");
    alice.quiet(&["note", "reindex started"]);
    // The command is back, and its entry is not on the remote yet: the exchange runs
    // after it, in the background.
    assert_eq!(
        remote.commits(),
        1,
        "the recording command waited for the network"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        bob.ok(&["sync"]);
        if bob
            .run(&["log", "-i", &id])
            .stdout
            .contains("reindex started")
        {
            break;
        }
        assert!(Instant::now() < deadline, "the entry never arrived");
        std::thread::sleep(Duration::from_millis(200));
    }
    let log = std::fs::read_to_string(alice.data_dir().join("sync/log")).expect("the log");
    assert!(log.contains(&format!("{id}: sent 1")), "{log}");
}

/// With `INCIDENT_SYNC=off` a recording command starts no sync: the failpoint where a
/// background sync starts would kill it, and does once sharing is on again.
#[test]
fn incident_sync_off_keeps_a_recording_command_to_itself() {
    let remote = Remote::new();
    let mut alice = machine(&remote, "alice");
    alice.open("Cron storm");
    alice.ok(&["sync"]);
    alice.set_var("INCIDENT_FAILPOINT", "background-sync-start");
    alice.quiet(&["note", "disabled the job"]);
    assert_eq!(remote.commits(), 1);
    assert!(!alice.data_dir().join("sync/log").exists());
    alice.set_var("INCIDENT_SYNC", "on");
    killed_at(
        &mut alice,
        &["note", "re-enabled the job"],
        "background-sync-start",
    );
}

#[test]
fn remote_shows_sets_and_removes_the_url() {
    let remote = Remote::new();
    let mut alice = machine(&remote, "alice");
    assert_eq!(alice.ok(&["remote"]).trim(), remote.url());
    assert_eq!(alice.json(&["remote"])["remote"], remote.url());
    assert_eq!(alice.ok(&["remote", "--remove"]), "");
    let error = alice.fails(&["remote"], 1);
    assert!(error.contains("no remote is set"), "{error}");
    let error = alice.fails(&["sync"], 1);
    assert!(
        error.contains("hint: share through a git remote"),
        "{error}"
    );
    // A relative path is kept absolute: syncs run from wherever a command was typed.
    let relative = PathBuf::from(remote.url());
    alice.set_var("PWD", relative.parent().expect("a parent"));
    let out = alice
        .command(&["remote", "team.git"])
        .current_dir(relative.parent().expect("a parent"))
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), remote.url());
    let error = alice.fails(&["remote", "--upload-pack=touch /tmp/x"], 2);
    assert!(error.starts_with("error: "), "{error}");
    let error = alice.fails(&["remote", "--", "-oProxyCommand=x"], 2);
    assert!(error.contains("starts with `-`"), "{error}");
}

#[test]
fn a_sync_works_with_an_empty_remote_and_no_git_identity() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    // Nothing to share yet: no branch is made.
    assert_eq!(
        alice.ok(&["sync"]),
        "up to date: nothing to send or receive\n"
    );
    let id = alice.open("First incident");
    alice.ok(&["sync"]);
    assert_eq!(remote.files(), [format!("incidents/{id}.json")]);
    let author = git_output(
        Path::new(&remote.url()),
        &["log", "-1", "--format=%an|%s", "incidents"],
    );
    assert_eq!(author.trim(), format!("alice|incident sync by alice: {id}"));
}

/// Mallory rewrites, on the remote, an entry everyone already holds: entries never
/// change once recorded, so the document is refused and the local one kept as it was.
#[test]
fn a_remote_copy_that_rewrites_a_shared_entry_is_refused_and_the_local_log_kept() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let id = alice.open("Login outage");
    alice.quiet(&["symptom", "SSO returns 500"]);
    alice.ok(&["sync"]);
    let scratch = tempfile::tempdir().expect("a temp dir");
    let work = scratch.path().join("work");
    git(
        scratch.path(),
        &["clone", "--quiet", "-b", "incidents", &remote.url(), "work"],
    );
    let path = work.join(format!("incidents/{id}.json"));
    let mut document: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("doc")).expect("JSON");
    document["entries"][0]["text"] = "REWRITTEN BY MALLORY".into();
    std::fs::write(&path, serde_json::to_vec(&document).expect("JSON")).expect("write");
    git(&work, &["commit", "--quiet", "-am", "rewrite"]);
    git(&work, &["push", "--quiet", "origin", "incidents"]);

    alice.quiet(&["note", "failover done"]);
    let before = std::fs::read(alice.document_path(&id)).expect("the document");
    let out = alice.run(&["sync"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("its entry S1 differs from S1 recorded here"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read(alice.document_path(&id)).expect("the document"),
        before
    );
    let board = alice.ok(&["status"]);
    assert!(board.contains("sync failed"), "{board}");
    assert!(board.contains("1 entry not yet sent"), "{board}");
}

/// Bob's incident is renamed by a sync, since Alice took its id first, and the sync is
/// killed at each step of the rename: the renamed copy being written, written, the
/// current pointer moved, the old document removed. Bob records on each time, and the
/// next sync finishes the rename: every note Bob was told was recorded is kept, once.
#[test]
fn entries_recorded_while_a_sync_renames_the_incident_are_never_lost() {
    for step in [
        "after-temp-write",
        "before-rename",
        "after-rename",
        "sync-after-rename-save",
        "sync-after-rename-current",
        "sync-after-rename-remove",
    ] {
        let remote = Remote::new();
        let alice = machine(&remote, "alice");
        let mut bob = machine(&remote, "bob");
        let id = alice.open("Race");
        alice.ok(&["sync"]);
        bob.open("Race");
        let texts = [
            format!("before the sync killed {step}"),
            format!("after the sync killed {step}"),
            format!("after the next sync, {step}"),
        ];
        bob.quiet_told(&["note", &texts[0]]);
        killed_at(&mut bob, &["sync"], step);
        bob.quiet_told(&["note", &texts[1]]);
        bob.ok(&["sync"]);
        bob.quiet_told(&["note", &texts[2]]);
        bob.ok(&["sync"]);
        alice.ok(&["sync"]);
        let renamed = format!("{id}-2");
        assert_eq!(
            bob.ok(&["list", "--all", "-q"]),
            format!("{renamed}\n{id}\n"),
            "killed {step}"
        );
        let report = assert_converged(&[&alice, &bob], &renamed);
        let kept: Vec<&str> = report["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|entry| entry["text"].as_str().expect("text"))
            .collect();
        assert_eq!(kept, texts, "killed {step}");
        assert_eq!(
            labels(&assert_converged(&[&alice, &bob], &id)),
            [] as [&str; 0]
        );
    }
}

/// Bob's note, on the incident he just opened (the current one: no id typed), waits for
/// its lock while his sync renames that incident away, because Alice opened the
/// same id first: once the lock is free, the id is Alice's incident. The note is refused,
/// naming where Bob's incident went, and Alice's incident gets nothing.
#[test]
fn a_note_waiting_while_a_sync_renames_its_incident_never_lands_in_a_teammates() {
    {
        let remote = Remote::new();
        let alice = machine(&remote, "alice");
        let bob = machine(&remote, "bob");
        let id = alice.open("Race");
        alice.ok(&["sync"]);
        bob.open("Race");
        // The sync holds the lock of Bob's `id`, its renamed copy saved.
        let sync = paused_at(&bob, &["sync"], "sync-after-rename-save");
        let note = waiting_for_a_lock(&bob, &["note", "typed during the rename"]);
        let synced = sync.finish();
        assert_eq!(synced.code, 0, "{}", synced.stderr);
        let refused = note.finish();
        assert_eq!(refused.code, 1, "{}", refused.stderr);
        assert!(
            refused
                .stderr
                .contains(&format!("{id} is now {id}-2: alice opened {id} first")),
            "{}",
            refused.stderr
        );
        assert!(refused.stdout.is_empty(), "{}", refused.stdout);
        let alices = bob.json(&["report", "-i", &id, "--format", "json"]);
        assert_eq!(labels(&alices), [] as [&str; 0]);
        let bobs = bob.json(&["report", "-i", &format!("{id}-2"), "--format", "json"]);
        assert_eq!(labels(&bobs), [] as [&str; 0]);
    }
}

/// A sync of Bob's is killed mid-rename; Carol meanwhile takes the next ids too. The
/// next sync finishes the rename into one incident, never two copies of it.
#[test]
fn a_rename_cut_short_then_clashing_again_still_leaves_one_copy() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let mut bob = machine(&remote, "bob");
    let carol = machine(&remote, "carol");
    let id = alice.open("X");
    alice.quiet(&["note", "a"]);
    alice.ok(&["sync"]);
    bob.open("X");
    bob.quiet(&["note", "b"]);
    bob.set_var("INCIDENT_FAILPOINT", "sync-after-rename-save");
    assert_ne!(bob.run(&["sync"]).code, 0);
    bob.set_var("INCIDENT_FAILPOINT", "none");
    carol.open("X");
    carol.quiet(&["note", "c1"]);
    carol.open("X");
    carol.quiet(&["note", "c2"]);
    carol.ok(&["sync"]);
    bob.ok(&["sync"]);
    alice.ok(&["sync"]);
    carol.ok(&["sync"]);
    bob.ok(&["sync"]);
    let files = remote.files();
    assert_eq!(files.len(), 4, "{files:?}");
    assert!(
        files.contains(&format!("incidents/{id}-4.json")),
        "{files:?}"
    );
    let report = assert_converged(&[&alice, &bob, &carol], &format!("{id}-4"));
    assert_eq!(entry(&report, "N1")["text"], "b");
    assert_eq!(labels(&report), ["N1"]);
}

/// Alice's H1 is renumbered by a sync she did not watch (the one after her note): her
/// next command that types H1 is refused once, with the news, instead of amending Bob's.
#[test]
fn a_label_a_background_sync_renumbered_is_refused_once_with_the_news() {
    let remote = Remote::new();
    let mut alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let id = alice.open("Redis evictions");
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    bob.ok(&["use", &id]);
    alice.quiet(&["hypothesis", "maxmemory too low"]);
    bob.quiet(&["hypothesis", "big keys from the batch job"]);
    bob.ok(&["sync"]);
    alice.set_var("INCIDENT_SYNC", "on");
    alice.quiet(&["note", "checking INFO memory"]);
    let news = alice.data_dir().join("sync/news");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !news.exists() {
        assert!(Instant::now() < deadline, "the background sync never told");
        std::thread::sleep(Duration::from_millis(100));
    }
    alice.set_var("INCIDENT_SYNC", "off");
    let out = alice.run(&["amend", "h1", "maxmemory set to 2GB, too low"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("H1 is now H2 in {id}: bob recorded H1 first")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was done"), "{}", out.stderr);
    // Told once: the label she means now works, and Bob's H1 is untouched.
    assert_eq!(
        alice.quiet(&["amend", "H2", "maxmemory set to 2GB, too low"]),
        "E1"
    );
    let report: Value = serde_json::from_str(&report_json(&alice, &id)).expect("JSON");
    assert_eq!(entry(&report, "H1")["text"], "big keys from the batch job");
    assert_eq!(
        entry(&report, "H2")["current_text"],
        "maxmemory set to 2GB, too low"
    );
}

/// The board never asks the network: with a remote set, `status` (human and JSON) runs
/// no git at all, so a hung remote cannot hang it.
#[test]
fn status_never_runs_git() {
    let remote = Remote::new();
    let mut alice = machine(&remote, "alice");
    alice.open("Slow logins");
    alice.quiet(&["symptom", "p99 login 9s"]);
    alice.ok(&["sync"]);
    let spy = alice.home().join("spy-bin");
    std::fs::create_dir_all(&spy).expect("a folder");
    let called = alice.home().join("git-was-called");
    std::fs::write(
        spy.join("git"),
        format!("#!/bin/sh\ntouch '{}'\nsleep 60\n", called.display()),
    )
    .expect("write");
    std::fs::set_permissions(
        spy.join("git"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    alice.set_var("PATH", &spy);
    assert!(alice.ok(&["status"]).contains("Shared through"));
    alice.json(&["status"]);
    alice.ok(&["list"]);
    assert!(!called.exists(), "status ran git");
}
