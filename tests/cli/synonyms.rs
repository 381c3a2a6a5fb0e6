//! The team's own synonyms (issue 23): a group added, listed and taken apart with
//! `incident synonyms`; the file kept by hand still read beside them; two laptops editing
//! them offline and syncing through a real bare git repository until they hold the same
//! bytes, `search`, `who` and "Seen before" on one laptop using a group added on the other;
//! and hostile synonyms pushed straight into the remote, refused by name without stopping
//! the incidents or the contacts, and nothing raw on the terminal.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::directory::{assert_sync_refuses, raw_control};
use crate::env::TestEnv;
use crate::sharing::push_straight;
use crate::sync::{Remote, machine};

fn synonyms_file(env: &TestEnv) -> Vec<u8> {
    std::fs::read(env.data_dir().join("synonyms.json")).expect("the team's synonyms are stored")
}

/// The team's groups as `synonyms --json` lists them, each its words joined by commas.
#[track_caller]
fn team_groups(env: &TestEnv) -> Vec<String> {
    env.json(&["synonyms"])
        .as_array()
        .expect("an array")
        .iter()
        .filter(|group| group["source"] == "team")
        .map(|group| {
            let words: Vec<&str> = group["words"]
                .as_array()
                .expect("words")
                .iter()
                .map(|word| word.as_str().expect("a word"))
                .collect();
            words.join(", ")
        })
        .collect()
}

/// The incidents `search WORDS` finds saying every word, best first.
#[track_caller]
fn found(env: &TestEnv, words: &[&str]) -> Vec<String> {
    let mut args = vec!["search"];
    args.extend_from_slice(words);
    let out = env.run(&[&args[..], &["--json"]].concat());
    if out.code == 1 {
        return Vec::new();
    }
    assert_eq!(out.code, 0, "{}", out.stderr);
    let hits: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let mut incidents: Vec<String> = Vec::new();
    for hit in hits.as_array().expect("an array") {
        let incident = hit["incident"].as_str().expect("an id").to_string();
        if hit["partial"] == false && !incidents.contains(&incident) {
            incidents.push(incident);
        }
    }
    incidents
}

/// The names `who WORDS` finds, best first; none when it finds no one.
#[track_caller]
fn who(env: &TestEnv, words: &[&str]) -> Vec<String> {
    let mut args = vec!["who"];
    args.extend_from_slice(words);
    args.push("-q");
    let out = env.run(&args);
    match out.code {
        0 => out.stdout.lines().map(str::to_string).collect(),
        1 if out.stderr.contains("error: no contact matches") => Vec::new(),
        _ => panic!("{args:?}: {}", out.stderr),
    }
}

/// The incidents "Seen before" shows on the board of the current incident.
#[track_caller]
fn seen_before(env: &TestEnv) -> Vec<String> {
    env.json(&["status"])["seen_before"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|seen| seen["incident"].as_str().expect("an id").to_string())
        .collect()
}

/// Runs `sync --json` and returns its `synonyms` counts, which it has only when they moved.
#[track_caller]
fn synced_synonyms(env: &TestEnv) -> (u64, u64) {
    let out = env.json(&["sync"]);
    let Some(counts) = out.get("synonyms") else {
        return (0, 0);
    };
    let count = |key: &str| counts[key].as_u64().expect("a count");
    (count("sent"), count("received"))
}

/// A database whose write-ahead log filled its volume, months ago: its words are
/// `write-ahead log`, never `xlog` or `wal`.
const LEDGER: &str = "2026-09-10-ledger-database-stops-accepting-writes";

fn a_history(env: &TestEnv) {
    for args in [
        &[
            "open",
            "Ledger database stops accepting writes",
            "--at",
            "2026-09-10 02:00",
        ][..],
        &["symptom", "ledger writes fail: write-ahead log volume full"],
        &["hypothesis", "write-ahead log archiving stuck"],
        &[
            "cause",
            "write-ahead log archiving stuck behind a full bucket",
            "--root",
        ],
        &[
            "close",
            "archived the write-ahead log by hand and grew the volume",
        ],
        &["open", "Checkout returns 502s", "--at", "2026-09-11 02:00"],
        &["symptom", "checkout 502 from the gateway"],
        &["close", "rolled back"],
    ] {
        env.quiet(args);
    }
}

#[test]
fn the_team_adds_lists_and_takes_words_out_of_its_synonyms() {
    let env = TestEnv::new();
    // A group, its phrases separated by commas; printed as kept.
    assert_eq!(
        env.ok(&["synonyms", "wal,", "write-ahead  log,", "xlog"]),
        "wal, write-ahead log, xlog\n"
    );
    // Words separated by spaces are a group too.
    assert_eq!(
        env.quiet(&["synonyms", "pgb", "PgBouncer"]),
        "pgb, PgBouncer"
    );
    std::fs::write(
        env.data_dir().join("synonyms"),
        "# by hand\nledger, billing\n",
    )
    .expect("write");
    // Every group, the team's first, then the file's, then the built-in ones.
    let listed = env.ok(&["synonyms"]);
    assert!(
        listed.starts_with(
            "team      pgb, PgBouncer\n\
             team      wal, write-ahead log, xlog\n\
             file      ledger, billing\n\
             built-in  db, dbs, database\n"
        ),
        "{listed}"
    );
    assert!(
        listed.contains("built-in  k8s, kubernetes, kube\n"),
        "{listed}"
    );
    let all = env.json(&["synonyms"]);
    assert_eq!(
        all[0],
        json!({
            "words": ["pgb", "PgBouncer"],
            "source": "team",
            "changed_at": "2026-11-21T03:30:00Z",
            "changed_by": "ana",
        })
    );
    assert_eq!(
        all[2],
        json!({"words": ["ledger", "billing"], "source": "file"})
    );
    assert_eq!(all[3]["source"], "built-in");
    assert_eq!(
        env.quiet(&["synonyms"]).lines().take(3).collect::<Vec<_>>(),
        [
            "pgb, PgBouncer",
            "wal, write-ahead log, xlog",
            "ledger, billing"
        ]
    );

    // Saying a group again, in any order, case or form, changes nothing; nor does a group
    // the built-in table holds together already, which says so.
    let before = synonyms_file(&env);
    let again = env.json(&["synonyms", "XLOG,", "wals,", "write-ahead logs"]);
    assert_eq!(again["change"], "unchanged");
    assert_eq!(again["words"], json!(["wal", "write-ahead log", "xlog"]));
    let out = env.run(&["synonyms", "db", "databases"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "db, databases\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("one built-in group holds these"),
        "{}",
        out.stderr
    );
    assert_eq!(synonyms_file(&env), before);

    // Words taken out, in any form: what remains of a group stays a group; a group left
    // with one word is gone. A phrase is taken out whole.
    assert_eq!(
        env.ok(&["synonyms", "--remove", "xlogs"]),
        "wal, write-ahead log, xlog: now wal, write-ahead log\n"
    );
    assert_eq!(
        env.json(&["synonyms", "--remove", "write-ahead", "log"]),
        json!([{"was": ["wal", "write-ahead log"], "now": null, "change": "removed"}])
    );
    assert_eq!(team_groups(&env), ["pgb, PgBouncer"]);

    // Refusals change nothing stored.
    let before = synonyms_file(&env);
    let error = env.fails(&["synonyms", "--remove", "pgb", "ledger"], 1);
    assert!(
        error.starts_with("error: no group of the team's synonyms holds \"ledger\"\n"),
        "{error}"
    );
    assert!(
        error.contains("hint: `incident synonyms` lists every group"),
        "{error}"
    );
    env.fails(&["synonyms", "--remove", "database"], 1);
    let error = env.fails(&["synonyms", "lonely"], 2);
    assert!(error.contains("two words or phrases or more"), "{error}");
    env.fails(&["synonyms", "--remove"], 2);
    env.fails(&["synonyms", "a", "b", "--remvoe"], 2);
    env.fails(&["synonyms", "%%", "b"], 2);
    env.fails(&["synonyms", "one two three four five,", "b"], 2);
    let error = env.fails(&["synonyms", "pay\u{1b}[31mments", "billing"], 2);
    assert!(error.contains("control or invisible"), "{error}");
    assert!(!raw_control(&error), "{error:?}");
    assert_eq!(synonyms_file(&env), before);

    // Beside the incidents folder, never in it, private to the user.
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(env.data_dir().join("synonyms.json"))
            .expect("the file")
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    assert!(
        !env.data_dir()
            .join("incidents")
            .join("synonyms.json")
            .exists()
    );
}

#[test]
fn search_who_and_seen_before_use_the_teams_groups_and_the_file_together() {
    let env = TestEnv::new();
    a_history(&env);
    env.quiet(&["contact", "Dana", "--reach", "#dba", "--covers", "wal"]);
    env.quiet(&["open", "Ledger xlog growing without bound", "--at", "03:00"]);
    env.quiet(&["symptom", "xlog partition at 97% and rising"]);
    // Nobody says xlog yet but this incident: no past text says xlog and archiving, no one
    // to call, nothing seen before.
    assert_eq!(found(&env, &["xlog", "archiving"]), Vec::<String>::new());
    assert_eq!(who(&env, &["xlog"]), Vec::<String>::new());
    assert_eq!(seen_before(&env), Vec::<String>::new());

    // A group of the team's: all three find it.
    env.quiet(&["synonyms", "wal, write-ahead log, xlog"]);
    assert_eq!(found(&env, &["xlog", "archiving"]), [LEDGER]);
    assert_eq!(who(&env, &["xlog"]), ["Dana"]);
    assert_eq!(seen_before(&env), [LEDGER]);
    let shared = &env.json(&["status"])["seen_before"][0]["shared"];
    assert!(
        shared.as_array().expect("words").contains(&json!("xlog")),
        "{shared}"
    );

    // Taken out, xlog is no synonym of anything in all three.
    env.quiet(&["synonyms", "--remove", "xlog"]);
    assert_eq!(found(&env, &["xlog", "archiving"]), Vec::<String>::new());
    assert_eq!(who(&env, &["xlog"]), Vec::<String>::new());
    assert_eq!(seen_before(&env), Vec::<String>::new());

    // The file kept by hand counts the same, beside the team's groups.
    std::fs::write(
        env.data_dir().join("synonyms"),
        "xlog, write-ahead log, wal\n",
    )
    .expect("write");
    env.quiet(&["synonyms", "journal", "wal"]);
    assert_eq!(found(&env, &["xlog", "archiving"]), [LEDGER]);
    assert_eq!(who(&env, &["xlog"]), ["Dana"]);
    assert_eq!(who(&env, &["journal"]), ["Dana"]);
    assert_eq!(seen_before(&env), [LEDGER]);

    // A list of the team's synonyms here that cannot be read stops none of them: it is
    // left out, said so; listing and changing it are refused, and it is never replaced.
    let damaged = "{\"schema\": 1, \"gro";
    std::fs::write(env.data_dir().join("synonyms.json"), damaged).expect("write");
    let out = env.run(&["search", "xlog", "archiving"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(LEDGER), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("synonyms.json is damaged: the file is truncated")
            && out
                .stderr
                .contains("the team's shared synonyms are left out"),
        "{}",
        out.stderr
    );
    assert_eq!(who(&env, &["journal"]), Vec::<String>::new());
    for args in [
        &["synonyms"][..],
        &["synonyms", "a", "b"],
        &["synonyms", "--remove", "journal"],
    ] {
        let error = env.fails(args, 1);
        assert!(error.contains("synonyms.json is damaged"), "{error}");
    }
    assert_eq!(
        std::fs::read_to_string(env.data_dir().join("synonyms.json")).expect("kept"),
        damaged
    );
}

#[test]
fn a_group_added_on_one_laptop_is_used_by_search_and_who_on_the_other_after_a_sync() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    a_history(&alice);
    alice.quiet(&["contact", "Dana", "--reach", "#dba", "--covers", "wal"]);
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    bob.quiet(&["open", "Ledger xlog growing without bound", "--at", "03:00"]);
    bob.quiet(&["symptom", "xlog partition at 97% and rising"]);
    // Bob's search index and list cache are built before the group exists.
    assert_eq!(found(&bob, &["xlog", "archiving"]), Vec::<String>::new());
    assert_eq!(who(&bob, &["xlog"]), Vec::<String>::new());
    assert_eq!(seen_before(&bob), Vec::<String>::new());

    assert_eq!(alice.ok(&["synonyms", "wal", "xlog"]), "wal, xlog\n");
    assert_eq!(synced_synonyms(&alice), (1, 0));
    assert_eq!(synced_synonyms(&bob), (0, 1));
    assert!(remote.files().contains(&"synonyms.json".to_string()));
    assert_eq!(synonyms_file(&alice), synonyms_file(&bob));
    assert_eq!(who(&bob, &["xlog"]), ["Dana"]);
    assert_eq!(team_groups(&bob), ["wal, xlog"]);
    let listed = bob.json(&["synonyms"]);
    assert_eq!(listed[0]["changed_by"], "alice");

    // Alice widens it; Bob's search and "Seen before" find the write-ahead log by `xlog`.
    alice.quiet(&["synonyms", "xlog, write-ahead log"]);
    alice.ok(&["sync"]);
    assert_eq!(bob.ok(&["sync"]), "synonyms: sent 0, received 1\n");
    assert_eq!(found(&bob, &["xlog", "archiving"]), [LEDGER]);
    assert_eq!(seen_before(&bob), [LEDGER]);
}

#[test]
fn offline_edits_on_two_laptops_both_survive_a_removal_travels_and_they_end_identical() {
    let remote = Remote::new();
    let mut alice = machine(&remote, "alice");
    let mut bob = machine(&remote, "bob");
    a_history(&alice);
    alice.set_now("2026-11-21T03:00:00Z");
    alice.quiet(&["synonyms", "wal, xlog, write-ahead log"]);
    alice.quiet(&["synonyms", "ledger, billing"]);
    assert_eq!(synced_synonyms(&alice), (2, 0));
    assert_eq!(synced_synonyms(&bob), (0, 2));
    assert_eq!(found(&bob, &["xlog"]), [LEDGER]);
    assert_eq!(found(&alice, &["billing"]), [LEDGER]);

    // Offline, each laptop on its own clock.
    let at = |env: &mut TestEnv, minute: u32, args: &[&str]| {
        env.set_now(&format!("2026-11-21T03:{minute:02}:00Z"));
        env.quiet(args);
    };
    at(&mut alice, 10, &["synonyms", "pgb", "pgbouncer"]);
    at(&mut bob, 11, &["synonyms", "redo", "replay"]);
    // Alice takes xlog out; Bob takes billing out, then puts it with payments.
    at(&mut alice, 12, &["synonyms", "--remove", "xlog"]);
    at(&mut bob, 13, &["synonyms", "--remove", "billing"]);
    at(&mut bob, 14, &["synonyms", "billing", "payments"]);
    bob.quiet(&["-i", LEDGER, "note", "paged Dana"]);

    // Alice sends her three records (pgb, the old group's tombstone, what remains of
    // it); Bob takes those three and sends his three (redo, the ledger group's
    // tombstone, billing with payments; the ledger group left with one word is none);
    // Alice takes his three.
    assert_eq!(synced_synonyms(&alice), (3, 0));
    assert_eq!(synced_synonyms(&bob), (3, 3));
    assert_eq!(synced_synonyms(&alice), (0, 3));
    let expected = [
        "billing, payments",
        "pgb, pgbouncer",
        "redo, replay",
        "wal, write-ahead log",
    ];
    assert_eq!(team_groups(&alice), expected);
    assert_eq!(team_groups(&bob), expected);
    assert_eq!(synonyms_file(&alice), synonyms_file(&bob));
    // Each removal travelled: xlog and billing say the ledger's incident nowhere now,
    // what remains of each group still does, and the incidents went along.
    for env in [&alice, &bob] {
        assert_eq!(found(env, &["xlog"]), Vec::<String>::new());
        assert_eq!(found(env, &["billing"]), Vec::<String>::new());
        assert_eq!(found(env, &["wal"]), [LEDGER]);
    }
    assert!(alice.ok(&["log", "-i", LEDGER]).contains("paged Dana"));

    // Syncing again changes nothing, anywhere.
    let commits = remote.commits();
    let file = synonyms_file(&alice);
    for env in [&alice, &bob] {
        assert_eq!(
            env.ok(&["sync"]),
            "up to date: nothing to send or receive\n"
        );
    }
    assert_eq!(remote.commits(), commits);
    assert_eq!(synonyms_file(&bob), file);
}

#[test]
fn a_group_added_with_a_remote_set_is_sent_by_the_background_exchange() {
    let remote = Remote::new();
    let mut alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    alice.set_var("INCIDENT_SYNC", "on");
    alice.quiet(&["synonyms", "wal", "xlog"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        bob.ok(&["sync"]);
        if team_groups(&bob) == ["wal, xlog"] {
            break;
        }
        assert!(Instant::now() < deadline, "the group never arrived");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// What Mallory can push as `synonyms.json`, and what the refusal says.
fn hostile_synonyms() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let group = |words: Value| {
        json!({
            "words": words,
            "changed_at": "2026-11-21T03:00:00Z",
            "changed_by": "mallory",
            "change": "0190b7a2-0000-7000-8000-00000000beef",
        })
    };
    let list = |groups: Vec<Value>| {
        serde_json::to_vec(&json!({ "schema": 1, "groups": groups })).expect("JSON")
    };
    let mut oversized = list(vec![group(json!(["a", "b"]))]);
    oversized.extend(std::iter::repeat_n(b' ', 4 * 1024 * 1024));
    let mut nobody = group(json!(["a", "b"]));
    nobody["changed_by"] = json!("");
    vec![
        (
            "a word that is a number",
            list(vec![group(json!([7, "b"]))]),
            "not a list of synonyms",
        ),
        (
            "a newer schema",
            serde_json::to_vec(&json!({ "schema": 99, "groups": [] })).expect("JSON"),
            "written by a newer version of incident (schema 99",
        ),
        (
            "a word that retitles the terminal",
            list(vec![group(json!(["\u{1b}]0;pwned\u{7}db", "database"]))]),
            "holds a control or invisible character",
        ),
        (
            "a word that reads backwards",
            list(vec![group(json!(["pay\u{202e}stnem", "billing"]))]),
            "holds a control or invisible character",
        ),
        (
            "a phrase of five words",
            list(vec![group(json!(["one two three four five", "b"]))]),
            "has more than 4 words",
        ),
        (
            "a group of one word",
            list(vec![group(json!(["lonely"]))]),
            "a group needs two words or phrases or more",
        ),
        (
            "a group of seventeen words",
            list(vec![group(json!(
                (0..17).map(|n| format!("w{n}")).collect::<Vec<_>>()
            ))]),
            "a group holds at most 16 words and phrases",
        ),
        (
            "a word longer than any",
            list(vec![group(json!(["x".repeat(70_000), "b"]))]),
            "a word or phrase is 70000 bytes long",
        ),
        (
            "one group twice",
            list(vec![group(json!(["a", "b"])), group(json!(["B", "A"]))]),
            "group \"a, b\" is there twice",
        ),
        (
            "a change by no one",
            list(vec![nobody]),
            "was changed by no one",
        ),
        (
            "a file larger than any list of synonyms",
            oversized,
            "larger than any list of synonyms",
        ),
        (
            "half a file, with an escape in it",
            b"{\"schema\": 1, \"groups\": [{\"words\": [\"\x1b[2J".to_vec(),
            "the file is",
        ),
        (
            "fields no build writes",
            serde_json::to_vec(&json!({ "schema": 1, "groups": [], "hooks": "touch /tmp/x" }))
                .expect("JSON"),
            "unknown field `hooks`",
        ),
    ]
}

#[test]
fn hostile_synonyms_are_refused_by_name_block_only_themselves_and_never_show_raw() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    a_history(&alice);
    alice.quiet(&["synonyms", "wal, write-ahead log"]);
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    let bobs = synonyms_file(&bob);

    for (number, (what, planted, reason)) in hostile_synonyms().into_iter().enumerate() {
        push_straight(&remote, |work: &Path| {
            std::fs::write(work.join("synonyms.json"), &planted).expect("write");
        });
        // Alice goes on working; her entries and her contacts still reach Bob.
        let note = format!("rolled back step {number}");
        alice.quiet(&["-i", LEDGER, "note", &note]);
        let contact = format!("Responder {number}");
        alice.quiet(&["contact", &contact, "--reach", "#ops", "--covers", "ledger"]);
        for env in [&alice, &bob] {
            assert_sync_refuses(env, &remote, "synonyms.json", reason, what);
        }
        assert!(bob.ok(&["log", "-i", LEDGER]).contains(&note), "{what}");
        assert!(who(&bob, &["ledger"]).contains(&contact), "{what}");
        // Nothing of it reached the synonyms here, which still work.
        assert_eq!(synonyms_file(&bob), bobs, "{what}");
        assert_eq!(found(&bob, &["wal"]), [LEDGER], "{what}");
        let listed = bob.run(&["synonyms"]);
        assert_eq!(listed.code, 0, "{what}: {}", listed.stderr);
        assert!(!raw_control(&listed.stdout), "{what}");
    }

    // A symlink where the list should be is not a file to read.
    push_straight(&remote, |work: &Path| {
        std::fs::remove_file(work.join("synonyms.json")).expect("remove");
        std::os::unix::fs::symlink("/etc/passwd", work.join("synonyms.json")).expect("a link");
    });
    let out = bob.run(&["sync"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("synonyms.json is damaged: it is not a regular file"),
        "{}",
        out.stderr
    );
    assert_eq!(synonyms_file(&bob), bobs);

    // A well-formed list, once put back, is taken again: the team's own group is there,
    // and Mallory's, which lacks it, never took it away.
    push_straight(&remote, |work: &Path| {
        std::fs::remove_file(work.join("synonyms.json")).expect("remove");
        let planted = json!({
            "schema": 1,
            "groups": [{
                "words": ["pgb", "pgbouncer"],
                "changed_at": "2026-11-21T03:00:00Z",
                "changed_by": "mallory\u{1b}[0m",
                "change": "0190b7a2-0000-7000-8000-00000000beef",
            }],
        });
        std::fs::write(work.join("synonyms.json"), planted.to_string()).expect("write");
    });
    assert_eq!(synced_synonyms(&bob), (1, 1));
    assert_eq!(
        team_groups(&bob),
        ["pgb, pgbouncer", "wal, write-ahead log"]
    );
    for args in [
        &["synonyms"][..],
        &["synonyms", "--json"],
        &["synonyms", "-q"],
        &["sync"],
    ] {
        let out = bob.run(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(
            !raw_control(&out.stdout) && !raw_control(&out.stderr),
            "{args:?} let a raw control character through: {:?}",
            out.stdout
        );
    }
    assert_eq!(bob.json(&["synonyms"])[0]["changed_by"], "mallory\u{1b}[0m");
}
