//! The team's directory of whom to call (issue 21): contacts added, changed and removed;
//! `who` finding the right one offline with the word matching of `search`; two laptops
//! editing the directory offline and syncing through a real bare git repository until
//! they hold the same bytes; and a hostile directory pushed straight into the remote,
//! refused by name without stopping the incidents, and nothing raw on the terminal.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::env::TestEnv;
use crate::sharing::{push_straight, unwrap_git, wrap_git};
use crate::sync::{Remote, machine};

/// The directory as `contacts --json` has it: each contact's name, reach and covers.
fn directory(env: &TestEnv) -> Vec<(String, String, Vec<String>)> {
    let listed = env.json(&["contacts"]);
    listed
        .as_array()
        .expect("an array")
        .iter()
        .map(|contact| {
            let covers = contact["covers"]
                .as_array()
                .expect("covers")
                .iter()
                .map(|word| word.as_str().expect("a word").to_string())
                .collect();
            (
                contact["name"].as_str().expect("a name").to_string(),
                contact["reach"].as_str().expect("a reach").to_string(),
                covers,
            )
        })
        .collect()
}

fn contact(name: &str, reach: &str, covers: &[&str]) -> (String, String, Vec<String>) {
    (
        name.to_string(),
        reach.to_string(),
        covers.iter().map(|word| word.to_string()).collect(),
    )
}

/// The names `who WORDS` finds, best first.
#[track_caller]
fn who(env: &TestEnv, words: &[&str]) -> Vec<String> {
    let mut args = vec!["who"];
    args.extend_from_slice(words);
    env.quiet(&args).lines().map(str::to_string).collect()
}

fn directory_file(env: &TestEnv) -> Vec<u8> {
    std::fs::read(env.data_dir().join("contacts.json")).expect("the directory is stored")
}

/// Ana from the database team, Ben from payments, Cara from the platform team, and the
/// payments team's own rota.
fn a_team(env: &TestEnv) {
    for args in [
        &[
            "contact",
            "Ana",
            "Lima",
            "--reach",
            "+1",
            "555",
            "0100,",
            "#dba-oncall",
            "--covers",
            "database",
            "postgres",
        ][..],
        &[
            "contact",
            "Ben Ng",
            "--reach",
            "@ben on Slack",
            "--covers",
            "payments,",
            "checkout",
        ],
        &[
            "contact",
            "Cara",
            "--reach",
            "pager 4411",
            "--covers",
            "kubernetes networking dns",
        ],
        &[
            "contact",
            "Payments Team",
            "--reach",
            "#payments",
            "--covers",
            "billing",
        ],
    ] {
        env.quiet(args);
    }
}

#[test]
fn a_contact_is_added_changed_listed_and_removed() {
    let env = TestEnv::new();
    // The name is what it prints, in every mode but JSON.
    assert_eq!(
        env.ok(&[
            "contact",
            "Ana",
            "Lima",
            "--reach",
            "+1 555 0100, #dba-oncall",
            "--covers",
            "database",
            "postgres"
        ]),
        "Ana Lima\n"
    );
    assert_eq!(
        env.quiet(&["contact", "Ben Ng", "--reach", "@ben on Slack"]),
        "Ben Ng"
    );
    assert_eq!(
        env.ok(&["contacts"]),
        "Ana Lima  +1 555 0100, #dba-oncall  (covers database, postgres)\n\
         Ben Ng    @ben on Slack\n"
    );
    assert_eq!(env.quiet(&["contacts"]), "Ana Lima\nBen Ng");

    // Changed by its name in any case: what is not given stays, the name as first typed.
    let changed = env.json(&["contact", "ana lima", "--reach", "pager 4411"]);
    assert_eq!(changed["name"], "Ana Lima");
    assert_eq!(changed["reach"], "pager 4411");
    assert_eq!(changed["covers"], json!(["database", "postgres"]));
    assert_eq!(changed["change"], "updated");
    assert_eq!(changed["changed_at"], "2026-11-21T03:30:00Z");
    assert_eq!(changed["changed_by"], "ana");
    env.quiet(&["contact", "ANA LIMA", "--covers", "database, replication"]);
    env.quiet(&["contact", "ben ng", "--covers", "payments"]);
    assert_eq!(
        directory(&env),
        [
            contact("Ana Lima", "pager 4411", &["database", "replication"]),
            contact("Ben Ng", "@ben on Slack", &["payments"]),
        ]
    );
    // Saying it again changes nothing.
    let before = directory_file(&env);
    assert_eq!(
        env.json(&["contact", "Ben Ng", "--covers", "payments"])["change"],
        "unchanged"
    );
    assert_eq!(directory_file(&env), before);

    assert_eq!(env.ok(&["contact", "ben ng", "--remove"]), "Ben Ng\n");
    assert_eq!(
        directory(&env),
        [contact(
            "Ana Lima",
            "pager 4411",
            &["database", "replication"]
        )]
    );

    // Refusals change nothing stored.
    let before = directory_file(&env);
    let error = env.fails(&["contact", "Ben Ng", "--remove"], 1);
    assert!(
        error.starts_with("error: no contact named Ben Ng in the directory\n"),
        "{error}"
    );
    assert!(error.contains("hint: `incident contacts` lists"), "{error}");
    let error = env.fails(&["contact", "Zed", "--covers", "mainframe"], 2);
    assert!(
        error.contains("Zed is not in the directory yet") && error.contains("--reach"),
        "{error}"
    );
    let error = env.fails(&["contact", "Zed"], 2);
    assert!(error.contains("--reach"), "{error}");
    env.fails(&["contact", "Zed", "--reach", "x", "--remove"], 2);
    env.fails(&["contact", "Zed", "--reach", " "], 2);
    env.fails(&["contact", "Zed", "--rech", "x"], 2);
    assert_eq!(directory_file(&env), before);

    // Beside the incidents folder, never in it, private to the user.
    let data = env.data_dir();
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(data.join("contacts.json"))
            .expect("the directory")
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    let in_incidents: Vec<_> = std::fs::read_dir(data.join("incidents"))
        .map(|listing| listing.flatten().map(|item| item.file_name()).collect())
        .unwrap_or_default();
    assert!(
        in_incidents
            .iter()
            .all(|name| !name.to_string_lossy().ends_with(".json")),
        "{in_incidents:?}"
    );
}

#[test]
fn an_empty_directory_says_so() {
    let env = TestEnv::new();
    let out = env.run(&["contacts"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
    assert!(out.stderr.contains("no contacts yet"), "{}", out.stderr);
    assert_eq!(env.json(&["contacts"]), json!([]));
    let error = env.fails(&["who", "database"], 1);
    assert!(
        error.starts_with("error: the directory of contacts is empty\n"),
        "{error}"
    );
}

#[test]
fn who_finds_the_contact_as_search_finds_an_entry() {
    let env = TestEnv::new();
    a_team(&env);
    // Another form of a covered word: the plural finds the singular.
    assert_eq!(who(&env, &["databases"]), ["Ana Lima"]);
    // A synonym of the built-in table.
    assert_eq!(who(&env, &["db"]), ["Ana Lima"]);
    assert_eq!(who(&env, &["k8s"]), ["Cara"]);
    // The name counts, and more than a covered word does (as a title does in search).
    assert_eq!(who(&env, &["payments"]), ["Payments Team", "Ben Ng"]);
    assert_eq!(who(&env, &["cara"]), ["Cara"]);
    // Every word first; then those saying some, marked partial, in the order of names.
    let found = env.json(&["who", "postgres", "checkout"]);
    let found: Vec<(&str, bool)> = found
        .as_array()
        .expect("an array")
        .iter()
        .map(|found| {
            (
                found["name"].as_str().expect("a name"),
                found["partial"].as_bool().expect("partial"),
            )
        })
        .collect();
    assert_eq!(found, [("Ana Lima", true), ("Ben Ng", true)]);
    assert_eq!(
        env.ok(&["who", "payments", "checkout"]),
        "Ben Ng         @ben on Slack  (covers payments, checkout)\n\
         Payments Team  #payments  (covers billing)\n"
    );

    // A misspelling by one letter, said on stderr with what was meant.
    let out = env.run(&["who", "kubernetis"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "Cara  pager 4411  (covers kubernetes, networking, dns)\n"
    );
    assert_eq!(
        out.stderr,
        "hint: did you mean kubernetes? no contact says kubernetis; shown are those one \
         letter away\n"
    );

    // The team's own synonyms count too.
    std::fs::write(env.data_dir().join("synonyms"), "ledger, billing\n").expect("write");
    assert_eq!(who(&env, &["ledger"]), ["Payments Team"]);

    // No one: exit 1, nothing on stdout. How to reach someone is not what they cover.
    let error = env.fails(&["who", "mainframe"], 1);
    assert!(
        error.starts_with("error: no contact matches mainframe\n"),
        "{error}"
    );
    env.fails(&["who", "pager"], 1);
    env.fails(&["who", "--", "%"], 2);
}

#[test]
fn eight_people_adding_contacts_at_once_lose_none() {
    let env = TestEnv::new();
    let writers: Vec<std::process::Child> = (0..8)
        .map(|writer| {
            let script = format!(
                r##"for n in 1 2 3 4 5; do "$BIN" contact "person {writer}-$n" --reach "#team-{writer}" -q || exit 1; done"##
            );
            env.shell(&script)
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("a writer starts")
        })
        .collect();
    for writer in writers {
        let output = writer.wait_with_output().expect("a writer ends");
        assert!(output.status.success());
    }
    let names: Vec<String> = directory(&env).into_iter().map(|(name, ..)| name).collect();
    let mut expected: Vec<String> = (0..8)
        .flat_map(|writer| (1..=5).map(move |n| format!("person {writer}-{n}")))
        .collect();
    expected.sort();
    assert_eq!(names, expected);
}

#[test]
fn a_crash_while_saving_the_directory_leaves_the_old_one_or_the_new_one() {
    for (step, survives) in [
        ("after-temp-write", false),
        ("before-rename", false),
        ("after-rename", true),
    ] {
        let env = TestEnv::new();
        env.quiet(&["contact", "Ana", "--reach", "+1 555 0100"]);
        let before = directory_file(&env);
        let mut crashing = env.command(&["contact", "Ben", "--reach", "#ben"]);
        crashing.env("INCIDENT_FAILPOINT", step);
        let output = crashing.output().expect("it runs");
        assert!(!output.status.success(), "{step}: the process was killed");
        let names: Vec<String> = directory(&env).into_iter().map(|(name, ..)| name).collect();
        if survives {
            assert_eq!(names, ["Ana", "Ben"], "{step}");
        } else {
            assert_eq!(
                directory_file(&env),
                before,
                "{step}: the old one, byte for byte"
            );
        }
        // The next change goes through, over whatever the crash left.
        env.quiet(&["contact", "Cara", "--reach", "pager"]);
        assert!(!env.data_dir().join(".contacts.tmp").exists(), "{step}");
    }
}

/// A directory written straight to the data directory: `count` contacts, `PREFIX 00000`
/// on, each covering `database`.
fn write_contacts(env: &TestEnv, prefix: &str, count: usize) {
    let records: Vec<Value> = (0..count)
        .map(|number| {
            json!({
                "name": format!("{prefix} {number:05}"),
                "reach": format!("+1 555 {number:04}"),
                "covers": ["database"],
                "changed_at": "2026-11-21T03:00:00Z",
                "changed_by": "ana",
                "change": format!("0190b7a2-0000-7000-8000-{number:012}"),
            })
        })
        .collect();
    std::fs::create_dir_all(env.data_dir()).expect("the data directory");
    std::fs::write(
        env.data_dir().join("contacts.json"),
        json!({ "schema": 1, "contacts": records }).to_string(),
    )
    .expect("write");
}

#[test]
fn a_full_directory_refuses_one_more_and_stays_readable() {
    let env = TestEnv::new();
    write_contacts(&env, "person", 10_000);
    let before = directory_file(&env);
    let error = env.fails(&["contact", "one more", "--reach", "x"], 1);
    assert!(
        error.contains("10001 contacts are more than the 10000 a directory may hold"),
        "{error}"
    );
    assert_eq!(directory_file(&env), before);
    // What is there still changes, and is still found.
    env.quiet(&["contact", "person 09999", "--reach", "pager"]);
    assert_eq!(who(&env, &["person", "09999"])[0], "person 09999");
    assert_eq!(env.quiet(&["contacts"]).lines().count(), 10_000);
}

/// Two laptops of 6,000 contacts each would join into more than a directory may hold:
/// the sync says so, each keeps its own, and the incidents still go through.
#[test]
fn directories_too_large_to_join_stay_as_they_are_and_the_incidents_still_sync() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let id = alice.open("Queue backlog");
    write_contacts(&alice, "alice's", 6_000);
    write_contacts(&bob, "bob's", 6_000);
    assert_eq!(synced_contacts(&alice), (6_000, 0));
    let before = directory_file(&bob);
    let out = bob.run(&["sync"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("12000 contacts are more than the 10000"),
        "{}",
        out.stderr
    );
    assert_eq!(directory_file(&bob), before);
    assert!(bob.ok(&["list", "-q"]).contains(&id));
}

#[test]
fn a_directory_here_that_cannot_be_read_is_never_replaced_and_blocks_only_itself() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let id = alice.open("Queue backlog");
    alice.quiet(&["contact", "Ana", "--reach", "+1 555 0100"]);
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    let path = bob.data_dir().join("contacts.json");
    for (damage, says) in [
        ("{\"schema\": 1, \"contacts\": [", "the file is truncated"),
        (
            "{\"schema\": 7, \"contacts\": []}",
            "written by a newer version",
        ),
    ] {
        std::fs::write(&path, damage).expect("write");
        for args in [
            &["contacts"][..],
            &["who", "ana"],
            &["contact", "Ben", "--reach", "#ben"],
            &["contact", "Ana", "--remove"],
        ] {
            let error = bob.fails(args, 1);
            assert!(
                error.contains("contacts.json") && error.contains(says),
                "{error}"
            );
        }
        // A sync says so, and still shares the incidents.
        alice.quiet(&["-i", &id, "note", &format!("after {says}")]);
        alice.ok(&["sync"]);
        let out = bob.run(&["sync"]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.stderr.contains(says), "{}", out.stderr);
        assert!(
            bob.ok(&["log", "-i", &id])
                .contains(&format!("after {says}"))
        );
        assert_eq!(std::fs::read_to_string(&path).expect("kept"), damage);
    }
}

/// Runs `sync --json` and returns its `contacts` counts, which it has only when the
/// directory moved.
#[track_caller]
fn synced_contacts(env: &TestEnv) -> (u64, u64) {
    let out = env.json(&["sync"]);
    let Some(counts) = out.get("contacts") else {
        return (0, 0);
    };
    let count = |key: &str| counts[key].as_u64().expect("a count");
    let (sent, received) = (count("sent"), count("received"));
    assert!(sent + received > 0, "{out}");
    (sent, received)
}

#[test]
fn two_laptops_editing_the_directory_offline_both_keep_their_changes_and_end_identical() {
    let remote = Remote::new();
    let mut alice = machine(&remote, "alice");
    let mut bob = machine(&remote, "bob");
    let id = alice.open("Checkout returns 502s");
    alice.set_now("2026-11-21T03:00:00Z");
    for name in ["Ana", "Ben", "Eve", "Fay"] {
        alice.quiet(&["contact", name, "--reach", &format!("{name}'s phone")]);
    }
    assert_eq!(synced_contacts(&alice), (4, 0));
    assert_eq!(synced_contacts(&bob), (0, 4));

    // Offline, each laptop on its own clock.
    let at = |env: &mut TestEnv, minute: u32, args: &[&str]| {
        env.set_now(&format!("2026-11-21T03:{minute:02}:00Z"));
        env.quiet(args);
    };
    at(
        &mut alice,
        10,
        &["contact", "Cara", "--reach", "pager 4411"],
    );
    at(&mut bob, 11, &["contact", "Dan", "--reach", "#dan"]);
    at(&mut alice, 12, &["contact", "Ben", "--remove"]);
    at(&mut alice, 13, &["contact", "Eve", "--remove"]);
    at(&mut bob, 14, &["contact", "Eve", "--covers", "dns"]);
    at(
        &mut bob,
        15,
        &["contact", "Fay", "--reach", "bob's word for Fay"],
    );
    at(
        &mut alice,
        16,
        &["contact", "Fay", "--reach", "alice's word for Fay"],
    );
    at(
        &mut alice,
        20,
        &["contact", "Ana", "--reach", "alice's word for Ana"],
    );
    at(
        &mut bob,
        25,
        &["contact", "Ana", "--reach", "bob's word for Ana"],
    );
    bob.quiet(&["-i", &id, "note", "paged Ana"]);

    // Alice sends her five changes; Bob takes three of them (Ben's removal, Cara, Fay)
    // and sends his three later ones (Ana, Dan, Eve); Alice takes those.
    assert_eq!(synced_contacts(&alice), (5, 0));
    assert_eq!(synced_contacts(&bob), (3, 3));
    assert_eq!(synced_contacts(&alice), (0, 3));
    let expected = [
        contact("Ana", "bob's word for Ana", &[]),
        contact("Cara", "pager 4411", &[]),
        contact("Dan", "#dan", &[]),
        contact("Eve", "Eve's phone", &["dns"]),
        contact("Fay", "alice's word for Fay", &[]),
    ];
    assert_eq!(directory(&alice), expected);
    assert_eq!(directory(&bob), expected);
    assert_eq!(directory_file(&alice), directory_file(&bob));
    assert!(remote.files().contains(&"contacts.json".to_string()));
    // The incidents went along.
    assert!(alice.ok(&["log", "-i", &id]).contains("paged Ana"));

    // Syncing again changes nothing, anywhere.
    let commits = remote.commits();
    let file = directory_file(&alice);
    for env in [&alice, &bob] {
        assert_eq!(
            env.ok(&["sync"]),
            "up to date: nothing to send or receive\n"
        );
    }
    assert_eq!(remote.commits(), commits);
    assert_eq!(directory_file(&alice), file);
    assert_eq!(directory_file(&bob), file);

    // With nothing new, a sync runs only the fetch; a contact changed here is seen.
    let calls = alice.home().join("git-calls");
    wrap_git(&mut alice, &format!("echo \"$*\" >> '{}'", calls.display()));
    alice.ok(&["sync"]);
    let ran = std::fs::read_to_string(&calls).expect("git ran");
    assert_eq!(ran.lines().count(), 1, "{ran}");
    unwrap_git(&mut alice);
    alice.quiet(&["contact", "Gus", "--reach", "#gus"]);
    assert_eq!(synced_contacts(&alice), (1, 0));
    assert_eq!(synced_contacts(&bob), (0, 1));
    assert_eq!(who(&bob, &["gus"]), ["Gus"]);
}

#[test]
fn a_contact_recorded_with_a_remote_set_is_sent_by_the_background_exchange() {
    let remote = Remote::new();
    let mut alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    alice.set_var("INCIDENT_SYNC", "on");
    alice.quiet(&[
        "contact",
        "Ana",
        "--reach",
        "+1 555 0100",
        "--covers",
        "database",
    ]);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        bob.ok(&["sync"]);
        if bob.quiet(&["contacts"]) == "Ana" {
            break;
        }
        assert!(Instant::now() < deadline, "the contact never arrived");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(who(&bob, &["databases"]), ["Ana"]);
}

/// What Mallory can push as `contacts.json`, and what the refusal says.
fn hostile_directories() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let record = |name: Value, reach: Value| {
        json!({
            "name": name,
            "reach": reach,
            "changed_at": "2026-11-21T03:00:00Z",
            "changed_by": "mallory",
            "change": "0190b7a2-0000-7000-8000-00000000beef",
        })
    };
    let directory = |records: Vec<Value>| {
        serde_json::to_vec(&json!({ "schema": 1, "contacts": records })).expect("JSON")
    };
    let mut oversized = directory(vec![record("Mallory".into(), "x".into())]);
    oversized.extend(std::iter::repeat_n(b' ', 16 * 1024 * 1024));
    vec![
        (
            "a name that is a number",
            directory(vec![record(7.into(), "x".into())]),
            "not a directory of contacts",
        ),
        (
            "a newer schema",
            serde_json::to_vec(&json!({ "schema": 99, "contacts": [] })).expect("JSON"),
            "written by a newer version of incident (schema 99",
        ),
        (
            "a way to reach them longer than any text",
            directory(vec![record("Mallory".into(), "x".repeat(70_000).into())]),
            "the text is 70000 bytes long",
        ),
        (
            "a file larger than any directory",
            oversized,
            "larger than any directory of contacts",
        ),
        (
            "one contact twice",
            directory(vec![
                record("Ana".into(), "x".into()),
                record("ANA".into(), "y".into()),
            ]),
            "contact \"ana\" is there twice",
        ),
        (
            "half a file, with an escape in it",
            b"{\"schema\": 1, \"contacts\": [{\"name\": \"\x1b[2J".to_vec(),
            "the file is",
        ),
        (
            "fields no build writes",
            serde_json::to_vec(&json!({ "schema": 1, "contacts": [], "hooks": "touch /tmp/x" }))
                .expect("JSON"),
            "unknown field `hooks`",
        ),
    ]
}

/// Whether any raw control or bidi character is in `text`.
pub fn raw_control(text: &str) -> bool {
    text.chars()
        .any(|c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c))
}

/// A sync on `env` that meets a hostile `file` on the remote: exit 1, the refusal naming
/// the remote's file and `reason`, and nothing raw on either stream.
pub fn assert_sync_refuses(env: &TestEnv, remote: &Remote, file: &str, reason: &str, what: &str) {
    let out = env.run(&["sync"]);
    assert_eq!(out.code, 1, "{what}: {}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: 1 document could not be shared\n"),
        "{what}: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("{} {file}", remote.url())) && out.stderr.contains(reason),
        "{what}: the refusal does not say {reason:?}:\n{}",
        out.stderr
    );
    assert!(
        !raw_control(&out.stdout) && !raw_control(&out.stderr),
        "{what}: {:?}",
        out.stderr
    );
}

#[test]
fn a_hostile_directory_is_refused_by_name_blocks_only_itself_and_never_shows_raw() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let id = alice.open("Login outage");
    alice.quiet(&[
        "contact",
        "Ana",
        "--reach",
        "+1 555 0100",
        "--covers",
        "sso",
    ]);
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    let bobs = directory_file(&bob);

    for (number, (what, planted, reason)) in hostile_directories().into_iter().enumerate() {
        push_straight(&remote, |work: &Path| {
            std::fs::write(work.join("contacts.json"), &planted).expect("write");
        });
        // Alice goes on working; her entries still reach Bob.
        let note = format!("rolled back step {number}");
        alice.quiet(&["note", &note]);
        for env in [&alice, &bob] {
            assert_sync_refuses(env, &remote, "contacts.json", reason, what);
        }
        assert!(bob.ok(&["log", "-i", &id]).contains(&note), "{what}");
        // Nothing of it reached the directory here.
        assert_eq!(directory_file(&bob), bobs, "{what}");
        assert_eq!(who(&bob, &["sso"]), ["Ana"]);
    }

    // A symlink where the directory should be is not a file to read.
    push_straight(&remote, |work: &Path| {
        std::fs::remove_file(work.join("contacts.json")).expect("remove");
        std::os::unix::fs::symlink("/etc/passwd", work.join("contacts.json")).expect("a link");
    });
    let out = bob.run(&["sync"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("it is not a regular file"),
        "{}",
        out.stderr
    );
    assert_eq!(directory_file(&bob), bobs);

    // A directory that is well formed but full of escapes is taken, and shown inert.
    let mallory = "\u{1b}]0;pwned\u{7}\u{1b}[31mMallory\u{202e}";
    push_straight(&remote, |work: &Path| {
        std::fs::remove_file(work.join("contacts.json")).expect("remove");
        let planted = json!({
            "schema": 1,
            "contacts": [{
                "name": mallory,
                "reach": "\u{1b}[2J\u{1b}[Hcall \u{9b}me",
                "covers": ["database"],
                "changed_at": "2026-11-21T03:00:00Z",
                "changed_by": "mallory\u{1b}[0m",
                "change": "0190b7a2-0000-7000-8000-00000000beef",
            }],
        });
        std::fs::write(work.join("contacts.json"), planted.to_string()).expect("write");
    });
    bob.ok(&["sync"]);
    for args in [
        &["contacts"][..],
        &["contacts", "--json"],
        &["contacts", "-q"],
        &["who", "database"],
        &["who", "database", "--json"],
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
    let listed = bob.ok(&["contacts"]);
    assert!(
        listed.contains("\\x1b]0;pwned\\x07\\x1b[31mMallory\\u{202e}"),
        "{listed}"
    );
    // JSON keeps the text, escaped the JSON way.
    let names: Vec<Value> = bob
        .json(&["contacts"])
        .as_array()
        .expect("an array")
        .iter()
        .map(|contact| contact["name"].clone())
        .collect();
    assert_eq!(names, [json!(mallory), json!("Ana")]);
    // Ana stays: Mallory's directory, which lacks her, cannot take her away.
    assert_eq!(who(&bob, &["sso"]), ["Ana"]);
}
