//! Sharing a team can trust (issue 20), with real git and a real bare remote: a label or
//! id this tool printed never comes to name a teammate's entry or incident, whatever the
//! push does; merges never cycle; a remote that lost history strands no machine; a push
//! the remote refuses fails at once, saying why; and four machines recording into one
//! incident at once, with background syncs killed or not, keep every link on its own side.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::env::{TestEnv, entry, require_tool};
use crate::sync::{Remote, assert_converged, machine};

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
pub fn push_straight(remote: &Remote, change: impl FnOnce(&Path)) {
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
pub fn wrap_git(env: &mut TestEnv, script: &str) {
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
pub fn unwrap_git(env: &mut TestEnv) {
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

/// The stored document as it is now, if it can be read whole.
fn stored(env: &TestEnv, id: &str) -> Option<Value> {
    let bytes = std::fs::read(env.document_path(id)).ok()?;
    serde_json::from_slice(&bytes).ok()
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

/// A sync that must succeed; the news of earlier syncs it tells on stderr is not checked.
#[track_caller]
fn sync_ok(env: &TestEnv) {
    let out = env.run(&["sync"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// A recording command that must succeed, `-q`: its label. The news of syncs it tells on
/// stderr is not checked.
#[track_caller]
fn record(env: &TestEnv, args: &[&str]) -> String {
    let mut words = args.to_vec();
    words.push("-q");
    let out = env.run(&words);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    out.stdout.trim().to_string()
}

fn report(env: &TestEnv, id: &str) -> Value {
    env.json(&["report", "-i", id, "--format", "json"])
}

/// The ids `list` (or `list --all`) shows.
fn listed(env: &TestEnv, all: bool) -> Vec<String> {
    let mut args = vec!["list"];
    if all {
        args.push("--all");
    }
    let list = env.json(&args);
    let mut ids: Vec<String> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|item| item["incident"].as_str().expect("an id").to_string())
        .collect();
    ids.sort();
    ids
}

/// What an error says `typed` became: `… H1 is now H3 in …` gives `H3`.
fn moved_to(stderr: &str, typed: &str) -> Option<String> {
    let said = format!("{typed} is now ");
    let at = stderr.find(&said)? + said.len();
    let rest = &stderr[at..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == ':' || c == ')')
        .unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

/// Alice and Bob share one incident; Alice has recorded and pushed H1, and Bob, who has
/// not heard of it, records a hypothesis of his own: his H1 too.
fn both_recorded_h1() -> (Remote, TestEnv, TestEnv, String) {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let id = alice.open("DNS flapping");
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    bob.ok(&["use", &id]);
    assert_eq!(alice.quiet(&["hypothesis", "coredns is OOM-killed"]), "H1");
    alice.ok(&["sync"]);
    (remote, alice, bob, id)
}

/// Repro 1: Bob's `hypothesis` prints H1; his background sync renumbers it to H2 and is
/// still pushing when he types `test --for H1`. The test is refused, naming H2, before the
/// push ends, and nothing is recorded; typed again with H2, it is.
#[test]
fn a_label_renumbered_while_the_push_is_still_going_is_refused_at_once() {
    let (_remote, alice, mut bob, id) = both_recorded_h1();
    // Bob's pushes take six seconds, as over a far VPN.
    wrap_git(&mut bob, "case \"$*\" in *' push '*) sleep 6;; esac");
    bob.set_var("INCIDENT_SYNC", "on");
    assert_eq!(bob.quiet(&["hypothesis", "conntrack table is full"]), "H1");
    wait_for("the background sync saves the renumbering", || {
        stored(&bob, &id).and_then(|doc| label_of(&doc, "conntrack table is full"))
            == Some("H2".into())
    });
    bob.set_var("INCIDENT_SYNC", "off");
    let started = Instant::now();
    let error = bob.fails(&["test", "count conntrack drops", "--for", "H1"], 1);
    assert!(
        error.contains(&format!("H1 is now H2 in {id}: alice recorded H1 first")),
        "{error}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(4500),
        "it waited on the push"
    );
    assert_eq!(label_of(&bob.document(&id), "count conntrack drops"), None);
    assert_eq!(
        bob.quiet(&["test", "count conntrack drops", "--for", "H2"]),
        "T1"
    );
    unwrap_git(&mut bob);
    // The background sync may still be pushing: this one waits for it, and says so.
    sync_ok(&bob);
    alice.ok(&["sync"]);
    let report = assert_converged(&[&alice, &bob], &id);
    assert_eq!(
        by_text(&report, "count conntrack drops")["for"],
        json!([label_of(&report, "conntrack table is full")])
    );
}

/// Repro 1, and the board: Bob's push fails (`unable to access`). The renumbering his
/// sync saved stays and is told by his next command; `test --for H1` is refused; the
/// board counts his own hypothesis as unsent, not Alice's that he received.
#[test]
fn a_push_that_fails_keeps_the_renumbering_tells_it_and_counts_only_what_is_unsent() {
    let (_remote, alice, mut bob, id) = both_recorded_h1();
    assert_eq!(bob.quiet(&["hypothesis", "conntrack table is full"]), "H1");
    wrap_git(
        &mut bob,
        "case \"$*\" in *' push '*) echo \"fatal: unable to access 'https://git.example.com/team.git/': Could not resolve host\" >&2; exit 128;; esac",
    );
    let error = bob.fails(&["sync"], 1);
    assert!(error.contains("unable to access"), "{error}");
    let status = bob.run(&["status"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(
        status
            .stderr
            .contains(&format!("H1 is now H2 in {id}: alice recorded H1 first")),
        "the next command tells the renumbering: {}",
        status.stderr
    );
    assert!(
        status.stdout.contains("1 entry not yet sent"),
        "{}",
        status.stdout
    );
    let error = bob.fails(&["test", "count conntrack drops", "--for", "H1"], 1);
    assert!(error.contains("H1 is now H2"), "{error}");
    assert_eq!(label_of(&bob.document(&id), "count conntrack drops"), None);
    assert_eq!(
        bob.quiet(&["test", "count conntrack drops", "--for", "H2"]),
        "T1"
    );
    unwrap_git(&mut bob);
    bob.ok(&["sync"]);
    alice.ok(&["sync"]);
    let report = assert_converged(&[&alice, &bob], &id);
    assert_eq!(
        by_text(&report, "count conntrack drops")["for"],
        json!(["H2"])
    );
    assert_eq!(by_text(&report, "conntrack table is full")["id"], "H2");
}

/// Repro 1: the background sync dies on its way to the push. The renumbering it saved is
/// told once by the next command, in any terminal; the first command that types the old
/// label is refused, however many commands ran in between.
#[test]
fn a_renumbering_by_a_background_sync_killed_before_its_push_is_told_and_refused_once() {
    let (_remote, alice, mut bob, id) = both_recorded_h1();
    bob.set_var("INCIDENT_SYNC", "on");
    bob.set_var("INCIDENT_FAILPOINT", "sync-before-push");
    assert_eq!(bob.quiet(&["hypothesis", "conntrack table is full"]), "H1");
    wait_for("the background sync saves the renumbering", || {
        stored(&bob, &id).and_then(|doc| label_of(&doc, "conntrack table is full"))
            == Some("H2".into())
    });
    bob.set_var("INCIDENT_SYNC", "off");
    bob.set_var("INCIDENT_FAILPOINT", "none");
    let status = bob.run(&["status"]);
    assert!(
        status.stderr.contains("H1 is now H2"),
        "told by the next command: {}",
        status.stderr
    );
    let again = bob.run(&["log"]);
    assert!(!again.stderr.contains("H1 is now H2"), "told once");
    let error = bob.fails(&["amend", "H1", "conntrack table is full on node 3"], 1);
    assert!(
        error.contains(&format!("H1 is now H2 in {id}: alice recorded H1 first")),
        "{error}"
    );
    assert!(error.contains("nothing was done"), "{error}");
    assert_eq!(
        bob.quiet(&["amend", "H2", "conntrack table is full on node 3"]),
        "E1"
    );
    bob.ok(&["sync"]);
    alice.ok(&["sync"]);
    let report = assert_converged(&[&alice, &bob], &id);
    assert_eq!(entry(&report, "H1")["text"], "coredns is OOM-killed");
    assert_eq!(
        entry(&report, "H2")["current_text"],
        "conntrack table is full on node 3"
    );
}

/// Repro 1, at every step: Bob's sync is killed at each failpoint of a renumbering, and
/// then he types the label he was shown. Whatever the step, the test he records ends up
/// on his own hypothesis: refused and typed again with the new label, or recorded on his
/// H1 while it was still his.
#[test]
fn a_sync_killed_at_any_step_of_a_renumbering_never_lets_the_old_label_name_a_teammates_entry() {
    for failpoint in ["sync-after-news", "sync-before-push"] {
        let (_remote, alice, mut bob, id) = both_recorded_h1();
        assert_eq!(bob.quiet(&["hypothesis", "conntrack table is full"]), "H1");
        bob.set_var("INCIDENT_FAILPOINT", failpoint);
        let killed = bob.run(&["sync"]);
        assert_ne!(killed.code, 0, "{failpoint} kills the sync");
        bob.set_var("INCIDENT_FAILPOINT", "none");
        let out = bob.run(&["test", "count conntrack drops", "--for", "H1", "-q"]);
        if out.code != 0 {
            assert_eq!(out.code, 1, "{failpoint}: {}", out.stderr);
            let to = moved_to(&out.stderr, "H1").expect("the new label is named");
            record(&bob, &["test", "count conntrack drops", "--for", &to]);
        } else {
            assert_eq!(
                failpoint, "sync-after-news",
                "after the renumbering was saved the old label is refused"
            );
        }
        sync_ok(&bob);
        sync_ok(&alice);
        let report = assert_converged(&[&alice, &bob], &id);
        assert_eq!(
            by_text(&report, "count conntrack drops")["for"],
            json!([label_of(&report, "conntrack table is full")]),
            "{failpoint}: the test is on Bob's hypothesis"
        );
    }
}

/// Repro 4, at every step: Bob's incident takes the id Alice's has on the remote, so his
/// sync renames it `…-2`, and is killed at each step of the rename. Whatever the step,
/// what he then records with `-i` and the old id never lands in Alice's incident.
#[test]
fn a_sync_killed_at_any_step_of_a_rename_never_lets_the_old_id_name_a_teammates_incident() {
    for failpoint in [
        "sync-after-news",
        "sync-after-rename-save",
        "sync-mid-rename",
        "sync-before-push",
    ] {
        let remote = Remote::new();
        let alice = machine(&remote, "alice");
        let mut bob = machine(&remote, "bob");
        alice.ok(&["open", "Payments down", "--id", "payments", "-q"]);
        alice.quiet(&["note", "alice paged the PSP"]);
        alice.ok(&["sync"]);
        bob.ok(&["open", "Payments down", "--id", "payments", "-q"]);
        bob.quiet(&["note", "bob rolled back"]);
        bob.set_var("INCIDENT_FAILPOINT", failpoint);
        let killed = bob.run(&["sync"]);
        assert_ne!(killed.code, 0, "{failpoint} kills the sync");
        bob.set_var("INCIDENT_FAILPOINT", "none");
        let out = bob.run(&["-i", "payments", "note", "bob drained the queue", "-q"]);
        if out.code != 0 {
            assert_eq!(out.code, 1, "{failpoint}: {}", out.stderr);
            assert!(
                out.stderr
                    .contains("payments is now payments-2: alice opened payments first"),
                "{failpoint}: {}",
                out.stderr
            );
            record(&bob, &["-i", "payments-2", "note", "bob drained the queue"]);
        }
        sync_ok(&bob);
        sync_ok(&alice);
        sync_ok(&bob);
        // Told by the sync, the rename still refuses the old id once, if nothing typed it
        // yet: then it names Alice's incident.
        let once = bob.run(&["-i", "payments", "log"]);
        if once.code != 0 {
            assert!(
                once.stderr.contains("payments is now payments-2"),
                "{}",
                once.stderr
            );
        }
        let alices = assert_converged(&[&alice, &bob], "payments");
        let texts: Vec<&str> = alices["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|entry| entry["text"].as_str().expect("text"))
            .collect();
        assert_eq!(texts, ["alice paged the PSP"], "{failpoint}");
        let bobs = assert_converged(&[&alice, &bob], "payments-2");
        by_text(&bobs, "bob rolled back");
        by_text(&bobs, "bob drained the queue");
    }
}

/// Repro 4: a background sync renames Bob's incident (Alice opened that id first).
/// `INCIDENT=<old id>` is refused once, naming the new id; so is `-i <old id>` on Carol's
/// machine after a foreground sync that printed the rename itself.
#[test]
fn an_id_a_sync_renamed_is_refused_once_under_incident_and_dash_i() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let mut bob = machine(&remote, "bob");
    let carol = machine(&remote, "carol");
    let id = alice.open("Payments down");
    alice.quiet(&["note", "alice paged the PSP"]);
    alice.ok(&["sync"]);
    assert_eq!(bob.open("Payments down"), id);
    assert_eq!(carol.open("Payments down"), id);
    let renamed = format!("{id}-2");
    bob.set_var("INCIDENT_SYNC", "on");
    bob.quiet(&["note", "bob rolled back"]);
    // Renamed here, and pushed: Carol's sync below must find Bob's new id taken, or she
    // would take it too and be renamed twice over.
    wait_for(
        "the background sync renames Bob's incident and pushes it",
        || {
            bob.document_path(&renamed).exists()
                && stored(&bob, &id)
                    .is_some_and(|doc| label_of(&doc, "alice paged the PSP").is_some())
                && remote.files().iter().any(|file| file.contains(&renamed))
        },
    );
    bob.set_var("INCIDENT_SYNC", "off");
    bob.set_var("INCIDENT", &id);
    let error = bob.fails(&["note", "bob drained the queue"], 1);
    assert!(
        error.contains(&format!("{id} is now {renamed}: alice opened {id} first")),
        "{error}"
    );
    bob.set_var("INCIDENT", &renamed);
    bob.quiet(&["note", "bob drained the queue"]);
    assert_eq!(
        label_of(&bob.document(&id), "bob drained the queue"),
        None,
        "nothing of Bob's is in Alice's incident"
    );

    let said = carol.ok(&["sync"]);
    assert!(said.contains(&format!("{id} is now {id}-")), "{said}");
    let carols = said
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{id} is now ")))
        .and_then(|rest| rest.split(':').next())
        .expect("Carol's new id")
        .to_string();
    let error = carol.fails(&["-i", &id, "note", "carol checked the PSP status page"], 1);
    assert!(error.contains(&format!("{id} is now {carols}")), "{error}");
    carol.quiet(&["-i", &carols, "note", "carol checked the PSP status page"]);
    for env in [&alice, &bob, &carol, &alice, &bob] {
        sync_ok(env);
    }
    let alices = assert_converged(&[&alice, &bob, &carol], &id);
    assert_eq!(alices["entries"].as_array().map(Vec::len), Some(1));
}

/// Repro 2: one pair merged both ways on two machines before either synced. Every
/// machine ends with the same survivor: the merge made first stands, the later one is
/// void (marked so in the log). Exactly one of the two is listed, it takes entries, the
/// other refuses them naming it; the outage never leaves `list`. Made in the same second,
/// the two merges still resolve the same way everywhere.
#[test]
fn a_pair_merged_both_ways_on_two_machines_ends_with_one_survivor_on_every_machine() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let mut bob = machine(&remote, "bob");
    for (id, title) in [
        ("dns", "DNS down"),
        ("resolver", "Resolver errors"),
        ("cache", "Cache misses"),
        ("redis", "Redis evictions"),
    ] {
        alice.ok(&["open", title, "--id", id, "-q"]);
        alice.quiet(&["note", &format!("paged for {id}")]);
    }
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    // Alice merges first; Bob, a minute later, the other way round.
    alice.ok(&["-i", "dns", "merge", "resolver", "-q"]);
    bob.set_now("2026-11-21T03:31:00Z");
    bob.ok(&["-i", "resolver", "merge", "dns", "-q"]);
    // In the same second, both ways.
    alice.ok(&["-i", "cache", "merge", "redis", "-q"]);
    bob.set_now("2026-11-21T03:30:00Z");
    bob.ok(&["-i", "redis", "merge", "cache", "-q"]);
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    alice.ok(&["sync"]);

    let survivors: Vec<Vec<String>> = [&alice, &bob]
        .into_iter()
        .map(|env| listed(env, false))
        .collect();
    assert_eq!(survivors[0], survivors[1], "the same survivors everywhere");
    let listed_now = &survivors[0];
    assert_eq!(listed_now.len(), 2, "{listed_now:?}");
    assert!(listed_now.contains(&"dns".to_string()), "{listed_now:?}");
    let second = if listed_now.contains(&"cache".to_string()) {
        ("cache", "redis")
    } else {
        ("redis", "cache")
    };
    for env in [&alice, &bob] {
        for (survivor, away) in [("dns", "resolver"), second] {
            env.quiet(&["-i", survivor, "note", "still going"]);
            let error = env.fails(&["-i", away, "note", "wrong place"], 1);
            assert!(
                error.contains(&format!("merged into {survivor}")),
                "{error}"
            );
            assert!(error.contains(&format!("-i {survivor}")), "{error}");
            let log = env.ok(&["-i", survivor, "log", "--all"]);
            assert!(log.contains("not applied"), "{log}");
        }
        assert_eq!(listed(env, true).len(), 4);
    }
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    alice.ok(&["sync"]);
    for id in ["dns", "resolver", "cache", "redis"] {
        assert_converged(&[&alice, &bob], id);
    }
}

/// Repro 2: what a hostile push plants is refused by name: two incidents merged into each
/// other, three in a ring, a merge into an incident that does not exist. Every one of
/// them stays listed, and takes entries, on every machine.
#[test]
fn merges_planted_on_the_remote_that_cycle_or_name_no_incident_are_refused_by_name() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let ids = ["a", "b", "c", "x", "y", "z"];
    for id in ids {
        alice.ok(&["open", &format!("Outage {id}"), "--id", id, "-q"]);
        alice.quiet(&["note", &format!("first look at {id}")]);
    }
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    let planted = [
        ("a", "b"),
        ("b", "a"),
        ("x", "y"),
        ("y", "z"),
        ("z", "x"),
        ("c", "ghost"),
    ];
    push_straight(&remote, |work| {
        for (number, (id, into)) in planted.iter().enumerate() {
            edit_json(&work.join(format!("incidents/{id}.json")), |document| {
                document["marks"] = json!([{
                    "mark": "merged-into",
                    "incident": into,
                    "uuid": format!("0190b7a2-0000-7000-8000-00000000000{number}"),
                    "at": "2026-11-21T03:00:00Z",
                    "recorded_at": "2026-11-21T03:00:00Z",
                    "by": "mallory",
                }]);
            });
        }
    });
    alice.quiet(&["-i", "a", "note", "alice goes on"]);
    for env in [&alice, &bob] {
        let out = env.run(&["sync"]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        for id in ids {
            assert!(
                out.stderr.contains(&format!("incidents/{id}.json")),
                "{id} not named: {}",
                out.stderr
            );
        }
        assert_eq!(listed(env, false), ids);
        for id in ids {
            env.quiet(&["-i", id, "note", "still taking entries"]);
        }
    }
}

/// Repro 3: the remote is rewound under three machines (a force-push of older history),
/// then restored from an old backup, then replaced by a new empty one. Bob, holding
/// Alice's H2 that the rewound remote lacks, renumbers it H3 behind Carol's new H2; Alice
/// joins that instead of refusing it forever, is told once, and every link follows.
/// Every machine keeps syncing, and all end identical.
#[test]
fn a_remote_rewound_restored_or_replaced_leaves_no_machine_unable_to_sync() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let carol = machine(&remote, "carol");
    let id = alice.open("Queue backlog");
    assert_eq!(alice.quiet(&["hypothesis", "consumer lag"]), "H1");
    alice.ok(&["sync"]);
    for env in [&bob, &carol] {
        env.ok(&["sync"]);
        env.ok(&["use", &id]);
    }
    let old_tip = on_remote(&remote, &["rev-parse", "incidents"]);
    let backup = tempfile::tempdir().expect("a temp dir");
    let copy = Command::new("cp")
        .arg("-a")
        .arg(remote.url())
        .arg(backup.path().join("team.git"))
        .status()
        .expect("cp runs");
    assert!(copy.success());
    assert_eq!(alice.quiet(&["hypothesis", "a poison message"]), "H2");
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);

    // Someone force-pushes the branch back to before Alice's H2.
    on_remote(
        &remote,
        &["update-ref", "refs/heads/incidents", old_tip.trim()],
    );
    assert_eq!(carol.quiet(&["hypothesis", "broker disk full"]), "H2");
    carol.ok(&["sync"]);
    bob.ok(&["sync"]);
    let out = alice.run(&["sync"]);
    assert_eq!(out.code, 0, "Alice is not stranded: {}", out.stderr);
    let error = alice.fails(&["test", "replay the poison message", "--for", "H2"], 1);
    assert!(
        error.contains(&format!("H2 is now H3 in {id}: carol recorded H2 first")),
        "{error}"
    );
    assert_eq!(
        alice.quiet(&["test", "replay the poison message", "--for", "H3"]),
        "T1"
    );
    for env in [&alice, &bob, &carol, &alice, &bob] {
        sync_ok(env);
    }
    let report = assert_converged(&[&alice, &bob, &carol], &id);
    assert_eq!(by_text(&report, "a poison message")["id"], "H3");
    assert_eq!(by_text(&report, "broker disk full")["id"], "H2");
    assert_eq!(
        by_text(&report, "replay the poison message")["for"],
        json!(["H3"])
    );

    // Restored from last night's backup: everything since is gone from the remote.
    std::fs::remove_dir_all(remote.url()).expect("remove");
    let copy = Command::new("cp")
        .arg("-a")
        .arg(backup.path().join("team.git"))
        .arg(remote.url())
        .status()
        .expect("cp runs");
    assert!(copy.success());
    for (env, name) in [(&alice, "alice"), (&bob, "bob"), (&carol, "carol")] {
        env.quiet(&["note", &format!("{name} after the restore")]);
    }
    for env in [&carol, &bob, &alice, &carol, &bob] {
        sync_ok(env);
    }
    let report = assert_converged(&[&alice, &bob, &carol], &id);
    for name in ["alice", "bob", "carol"] {
        by_text(&report, &format!("{name} after the restore"));
    }

    // Moved to a new, empty remote.
    let new = Remote::new();
    for env in [&alice, &bob, &carol] {
        env.ok(&["remote", &new.url()]);
        env.quiet(&["note", "on the new remote"]);
    }
    for env in [&bob, &alice, &carol, &bob, &alice] {
        sync_ok(env);
    }
    let report = assert_converged(&[&alice, &bob, &carol], &id);
    let moved = report["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|entry| entry["text"] == "on the new remote")
        .count();
    assert_eq!(moved, 3);
}

/// Repro 5: the remote refuses the push (a pre-receive hook declines, as a protected
/// branch does). The sync fails at once, in one attempt, with the remote's reason; the
/// renumbering it saved stays and is refused once like any other.
#[test]
fn a_push_the_remote_refuses_fails_at_once_with_its_reason() {
    let (remote, _alice, bob, id) = both_recorded_h1();
    assert_eq!(bob.quiet(&["hypothesis", "conntrack table is full"]), "H1");
    let calls = bob.home().join("hook-calls");
    let hook = PathBuf::from(remote.url()).join("hooks/pre-receive");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\necho called >> '{}'\necho 'GL-HOOK-ERR: pushes to incidents need a review' >&2\nexit 1\n",
            calls.display()
        ),
    )
    .expect("write");
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let started = Instant::now();
    let error = bob.fails(&["sync"], 1);
    assert!(started.elapsed() < Duration::from_secs(10), "it retried");
    assert!(error.contains("pre-receive hook declined"), "{error}");
    assert!(
        error.contains("GL-HOOK-ERR: pushes to incidents need a review"),
        "{error}"
    );
    assert!(
        error.lines().count() <= 2,
        "one error line and a hint: {error}"
    );
    let tries = std::fs::read_to_string(&calls).expect("the hook ran");
    assert_eq!(tries.lines().count(), 1, "one attempt");
    let error = bob.fails(&["test", "count conntrack drops", "--for", "H1"], 1);
    assert!(
        error.contains(&format!("H1 is now H2 in {id}: alice recorded H1 first")),
        "{error}"
    );
}

/// Repro 6: Bob's sync renames his `payments` (Alice opened that id first) while his `dup`
/// is merged into it, and is killed between pointing the merge at the new id and removing
/// the old document. The next sync never folds Bob's `dup` into Alice's `payments`.
#[test]
fn a_rename_killed_halfway_never_folds_a_merged_incident_into_a_teammates() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let mut bob = machine(&remote, "bob");
    alice.ok(&["open", "Payments down", "--id", "payments", "-q"]);
    alice.quiet(&["note", "alice paged the PSP"]);
    alice.ok(&["sync"]);
    bob.ok(&["open", "Payments down", "--id", "payments", "-q"]);
    bob.quiet(&["note", "bob rolled back"]);
    bob.ok(&["open", "Card declines", "--id", "dup", "-q"]);
    bob.quiet(&["note", "bob saw declines"]);
    bob.ok(&["-i", "payments", "merge", "dup", "-q"]);
    bob.set_var("INCIDENT_FAILPOINT", "sync-mid-rename");
    assert_ne!(bob.run(&["sync"]).code, 0, "the failpoint kills the sync");
    bob.set_var("INCIDENT_FAILPOINT", "none");
    sync_ok(&bob);
    sync_ok(&alice);
    sync_ok(&bob);
    let alices = assert_converged(&[&alice, &bob], "payments");
    assert_eq!(alices["entries"].as_array().map(Vec::len), Some(1));
    let bobs = assert_converged(&[&alice, &bob], "payments-2");
    by_text(&bobs, "bob saw declines");
    let dup = assert_converged(&[&alice, &bob], "dup");
    assert_eq!(dup["merged_into"], "payments-2");
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

/// A sync with nothing new on either side costs what the fetch costs: it runs no git but
/// the fetch, and reads no document. When a teammate changed one incident, that one is
/// received; a file of what was shared that cannot be read costs only a full read.
#[test]
fn a_sync_with_nothing_new_runs_only_the_fetch() {
    let remote = Remote::new();
    let mut alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let ids: Vec<String> = ["DNS flapping", "Disk full", "Cert expired"]
        .iter()
        .map(|title| {
            let id = alice.open(title);
            alice.quiet(&["note", &format!("first look at {title}")]);
            id
        })
        .collect();
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    let calls = alice.home().join("git-calls");
    wrap_git(&mut alice, &format!("echo \"$*\" >> '{}'", calls.display()));
    assert_eq!(
        alice.ok(&["sync"]),
        "up to date: nothing to send or receive\n"
    );
    let ran = std::fs::read_to_string(&calls).expect("git ran");
    assert_eq!(ran.lines().count(), 1, "{ran}");
    assert!(ran.contains(" fetch "), "{ran}");

    bob.quiet(&["-i", &ids[1], "note", "bob freed 20 GB"]);
    bob.ok(&["sync"]);
    let said = alice.ok(&["sync"]);
    assert_eq!(said, format!("{}: sent 0, received 1\n", ids[1]));
    assert_eq!(
        alice.ok(&["sync"]),
        "up to date: nothing to send or receive\n"
    );

    std::fs::write(
        alice.data_dir().join("sync/held.json"),
        "{\"version\": 1, \"tip\": 7",
    )
    .expect("write");
    assert_eq!(
        alice.ok(&["sync"]),
        "up to date: nothing to send or receive\n"
    );
    for id in &ids {
        assert_converged(&[&alice, &bob], id);
    }
}

const MACHINES: [&str; 4] = ["alice", "bob", "carol", "dave"];
const ROUNDS: usize = 4;
/// Runs of each variant: a race missed once is caught another time.
const RUNS: usize = 3;
/// Where a background sync is made to die, chosen per command.
const FAILPOINTS: [&str; 5] = [
    "none",
    "sync-after-news",
    "sync-before-push",
    "none",
    "sync-after-fetch",
];

/// Records `args(label)`, `-q`; when a sync moved `label` meanwhile, reads the new
/// label from the refusal and types the command again, as a person would.
#[track_caller]
fn record_following(env: &TestEnv, args: impl Fn(&str) -> Vec<String>, typed: &str) -> String {
    let mut label = typed.to_string();
    for _ in 0..20 {
        let mut words = args(&label);
        words.push("-q".into());
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let out = env.run(&words);
        if out.code == 0 {
            return out.stdout.trim().to_string();
        }
        assert_eq!(out.code, 1, "{words:?}: {}", out.stderr);
        label = moved_to(&out.stderr, &label)
            .unwrap_or_else(|| panic!("{words:?} failed: {}", out.stderr));
    }
    panic!("{typed} kept moving");
}

/// One responder's part: a hypothesis, a test meant to rule it out (`--for` the label just
/// printed), and its result ruling it out (`--rules-out`, the test's own), round after round.
fn respond(number: usize, env: &mut TestEnv, kills: bool) {
    let name = MACHINES[number];
    for round in 1..=ROUNDS {
        // Before each command: a moment to read what the last one printed (so commands
        // fall inside the background syncs' steps), and where its sync is to die.
        let die = |env: &mut TestEnv, step: usize| {
            // Hypotheses at once (labels clash), then long enough for the background
            // syncs to renumber them before the label printed is typed again.
            let think = if step == 0 {
                0
            } else {
                60 + 40 * ((number * 7 + round * 13 + step * 5) % 5)
            };
            std::thread::sleep(Duration::from_millis(think as u64));
            if kills {
                let at = FAILPOINTS[(number + round * 3 + step) % FAILPOINTS.len()];
                env.set_var("INCIDENT_FAILPOINT", at);
            }
        };
        die(env, 0);
        let hypothesis = record(env, &["hypothesis", &format!("{name}-h{round}")]);
        die(env, 1);
        let test = record_following(
            env,
            |label| {
                vec![
                    "test".into(),
                    format!("test for {name}-h{round}"),
                    "--for".into(),
                    label.into(),
                ]
            },
            &hypothesis,
        );
        die(env, 2);
        record_following(
            env,
            |label| {
                vec![
                    "result".into(),
                    label.into(),
                    format!("result of {name}-t{round}"),
                    "--rules-out".into(),
                ]
            },
            &test,
        );
    }
}

/// Four machines record into one incident at once, each a real process after another,
/// with background syncs on (and, with `kills`, dying at named points). After a final
/// quiet sync everywhere, every test is for its own machine's hypothesis, every result is
/// of its own test and rules out that hypothesis, and every machine is byte-identical.
fn four_machines_recording_at_once(kills: bool) {
    let remote = Remote::new();
    let mut machines: Vec<TestEnv> = MACHINES.iter().map(|name| machine(&remote, name)).collect();
    let id = machines[0].open("Checkout 502s");
    machines[0].ok(&["sync"]);
    for env in &mut machines {
        env.ok(&["sync"]);
        env.ok(&["use", &id]);
        env.set_var("INCIDENT_SYNC", "on");
    }
    std::thread::scope(|scope| {
        for (number, env) in machines.iter_mut().enumerate() {
            scope.spawn(move || respond(number, env, kills));
        }
    });
    for env in &mut machines {
        env.set_var("INCIDENT_SYNC", "off");
        env.set_var("INCIDENT_FAILPOINT", "none");
    }
    for _ in 0..2 {
        for env in &machines {
            sync_ok(env);
        }
    }
    let all: Vec<&TestEnv> = machines.iter().collect();
    let report = assert_converged(&all, &id);
    for name in MACHINES {
        for round in 1..=ROUNDS {
            let hypothesis = by_text(&report, &format!("{name}-h{round}"));
            let test = by_text(&report, &format!("test for {name}-h{round}"));
            let result = by_text(&report, &format!("result of {name}-t{round}"));
            assert_eq!(
                test["for"],
                json!([hypothesis["id"]]),
                "{name} round {round}"
            );
            assert_eq!(result["test"], test["id"], "{name} round {round}");
            assert_eq!(
                result["rules_out"],
                json!([hypothesis["id"]]),
                "{name} round {round}"
            );
        }
    }
    let entries = report["entries"].as_array().map(Vec::len);
    assert_eq!(entries, Some(MACHINES.len() * ROUNDS * 3));
}

#[test]
fn four_machines_recording_at_once_keep_every_link_on_their_own_side() {
    for _ in 0..RUNS {
        four_machines_recording_at_once(false);
    }
}

#[test]
fn four_machines_recording_at_once_with_background_syncs_killed_keep_every_link() {
    for _ in 0..RUNS {
        four_machines_recording_at_once(true);
    }
}
