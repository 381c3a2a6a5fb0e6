//! One outage opened twice, merged into one incident; an incident opened by mistake,
//! discarded and restored. Both survive kills and concurrent merges, and travel through
//! a real bare git repository like any change.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::env::{TestEnv, entry, labels};
use crate::sync::{Remote, assert_converged, killed_at, machine, paused_at, waiting_for_a_lock};

/// Checkout, as ana saw it: a symptom, two hypotheses, a test that confirmed one.
fn checkout(env: &TestEnv) -> String {
    let id = env.quiet(&["open", "Checkout returns 502s", "--at", "02:40"]);
    for args in [
        &["symptom", "5xx on /checkout at 12%", "--at", "02:41"][..],
        &["hypothesis", "bad config push at 02:30", "--at", "02:45"],
        &["hypothesis", "database failover", "--at", "02:46"],
        &["test", "diff the config", "--for", "H1", "--at", "02:50"],
        &[
            "result",
            "T1",
            "timeout changed from 30s to 3s",
            "--confirms",
            "H1",
            "--at",
            "02:58",
        ],
    ] {
        env.quiet(args);
    }
    id
}

/// The same outage as ben and cara saw it from payments, opened as another incident: a
/// full diagnosis of its own, an option chosen, a correction and a retraction.
fn payments(env: &TestEnv) -> String {
    let id = env.quiet(&[
        "open",
        "Payments API errors",
        "--at",
        "02:42",
        "--by",
        "ben",
    ]);
    for args in [
        &[
            "symptom",
            "payments-api returns 502",
            "--by",
            "ben",
            "--at",
            "02:43",
        ][..],
        &[
            "hypothesis",
            "card provider outage",
            "--by",
            "ben",
            "--at",
            "02:44",
        ],
        &[
            "hypothesis",
            "database failover",
            "--by",
            "cara",
            "--at",
            "02:47",
        ],
        &["test", "provider status page", "--for", "H1", "--by", "ben"],
        &[
            "result",
            "T1",
            "provider all green",
            "--rules-out",
            "--by",
            "ben",
        ],
        &["test", "db primary uptime", "--for", "H2", "--by", "cara"],
        &[
            "result",
            "T2",
            "primary up 41 days",
            "--rules-out",
            "--by",
            "cara",
        ],
        &[
            "option",
            "roll back the config",
            "--consequence",
            "lose the new retry policy",
            "--by",
            "ben",
        ],
        &["decide", "O1", "safest", "--by", "ben"],
        &[
            "amend",
            "S1",
            "payments-api returns 502 in EU",
            "--by",
            "ben",
        ],
        &["note", "posted in the wrong channel", "--by", "cara"],
        &["retract", "N1", "--by", "cara"],
    ] {
        env.quiet(&[&["-i", id.as_str()][..], args].concat());
    }
    id
}

/// The report's entries by UUID.
fn by_uuid(report: &Value) -> BTreeMap<String, Value> {
    report["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| {
            (
                entry["uuid"].as_str().expect("a uuid").to_string(),
                entry.clone(),
            )
        })
        .collect()
}

/// Every link of an entry, as the UUIDs of the entries it names in `report`.
fn links(report: &Value, entry: &Value) -> Vec<String> {
    let uuid_of = |label: &Value| {
        crate::env::entry(report, label.as_str().expect("a label"))["uuid"]
            .as_str()
            .expect("a uuid")
            .to_string()
    };
    let mut found = Vec::new();
    for field in [
        "explains",
        "for",
        "test",
        "rules_out",
        "confirms",
        "option",
        "target",
        "actions",
        "hypothesis",
    ] {
        match &entry[field] {
            Value::String(_) => found.push(uuid_of(&entry[field])),
            Value::Array(labels) => found.extend(labels.iter().map(uuid_of)),
            _ => {}
        }
    }
    found
}

fn report(env: &TestEnv, id: &str) -> Value {
    env.json(&["report", "-i", id, "--format", "json"])
}

#[test]
fn one_outage_opened_twice_is_merged_with_every_entry_once_and_every_link_intact() {
    let env = TestEnv::new();
    let survivor = checkout(&env);
    let other = payments(&env);
    env.ok(&["use", &survivor]);
    let before_survivor = report(&env, &survivor);
    let before_other = report(&env, &other);

    let said = env.ok(&["merge", "payments", "--why", "one outage, paged twice"]);
    assert_eq!(
        said,
        format!(
            "{other} merged into {survivor}: 12 entries copied; {survivor} goes on, {other} is kept read-only\n\
             \x20 S1 is now S2: ana recorded S1 here first\n\
             \x20 H1 is now H3: ana recorded H1 here first\n\
             \x20 H2 is now H4: ana recorded H2 here first\n\
             \x20 T1 is now T3: ana recorded T1 here first\n\
             \x20 R1 is now R3: ana recorded R1 here first\n"
        )
    );

    let after = report(&env, &survivor);
    let merged = by_uuid(&after);
    let (own, theirs) = (by_uuid(&before_survivor), by_uuid(&before_other));
    assert_eq!(
        merged.len(),
        own.len() + theirs.len(),
        "every entry once: {:?}",
        labels(&after)
    );
    // The survivor's own entries keep their labels; the other's keep author, times,
    // text, corrections and verdicts, and each link still names the same entry.
    for (uuid, was) in &own {
        assert_eq!(merged[uuid]["id"], was["id"]);
    }
    for (uuid, was) in &theirs {
        let now = &merged[uuid];
        for field in [
            "kind",
            "by",
            "at",
            "recorded_at",
            "text",
            "current_text",
            "status",
        ] {
            assert_eq!(now[field], was[field], "{field} of {}", was["id"]);
        }
        assert_eq!(
            links(&after, now),
            links(&before_other, was),
            "{}",
            was["id"]
        );
    }
    assert_eq!(entry(&after, "H1")["status"], "confirmed");
    assert_eq!(entry(&after, "H3")["text"], "card provider outage");
    assert_eq!(entry(&after, "H3")["status"], "ruled-out");
    assert_eq!(entry(&after, "H4")["status"], "ruled-out");
    assert_eq!(entry(&after, "R3")["rules_out"], json!(["H3"]));
    assert_eq!(entry(&after, "T2")["for"], json!(["H4"]));
    assert_eq!(
        entry(&after, "S2")["current_text"],
        "payments-api returns 502 in EU"
    );
    assert_eq!(entry(&after, "N1")["retracted_by"], "E2");
    assert_eq!(entry(&after, "O1")["chosen_by"], json!(["D1"]));
    assert_eq!(after["current_title"], "Checkout returns 502s");
    assert_eq!(after["merged_into"], Value::Null);
    assert_eq!(after["marks"][0]["mark"], "merged-in");
    assert_eq!(after["marks"][0]["incident"], other.as_str());
    assert_eq!(after["marks"][0]["why"], "one outage, paged twice");

    // The incident merged away is kept as it was, marked, and takes nothing more.
    let kept = report(&env, &other);
    assert_eq!(kept["entries"], before_other["entries"]);
    assert_eq!(kept["merged_into"], survivor.as_str());
    assert_eq!(kept["status"], "open");
    let refused = env.fails(&["-i", &other, "symptom", "still failing"], 1);
    assert_eq!(
        refused,
        format!(
            "error: incident {other} was merged into {survivor}; it is kept read-only\n\
             hint: record in the incident it was merged into: `incident -i {survivor} …`, or \
             `incident use {survivor}`\n"
        )
    );
    env.fails(&["-i", &other, "close"], 1);
    env.fails(&["-i", &other, "retitle", "Payments"], 1);
}

#[test]
fn a_merge_shows_in_both_incidents_list_board_log_and_report() {
    let env = TestEnv::new();
    let survivor = checkout(&env);
    let other = payments(&env);
    env.ok(&["use", &survivor]);
    env.ok(&["merge", &other, "--why", "one outage"]);

    assert_eq!(env.ok(&["list", "-q"]), format!("{survivor}\n"));
    let all = env.ok(&["list", "--all"]);
    assert!(
        all.contains(&format!("Payments API errors  [merged into {survivor}]\n")),
        "{all}"
    );
    let listed = env.json(&["list", "--all"]);
    let row = |id: &str| {
        listed
            .as_array()
            .expect("rows")
            .iter()
            .find(|row| row["incident"] == id)
            .cloned()
            .expect("a row")
    };
    assert_eq!(row(&other)["merged_into"], survivor.as_str());
    assert_eq!(row(&other)["status"], "open");
    assert_eq!(row(&survivor)["merged_into"], Value::Null);
    assert_eq!(row(&survivor)["discarded"], false);

    let board = env.ok(&["status"]);
    assert!(
        board.contains(&format!(
            "Merged in {other} (2026-11-21 03:30 UTC by ana: one outage)\n"
        )),
        "{board}"
    );
    let board = env.ok(&["-i", &other, "status"]);
    assert!(
        board.contains(&format!(
            "Merged into {survivor} (2026-11-21 03:30 UTC by ana: one outage); read-only: \
             record there, `incident -i {survivor} …`\n"
        )),
        "{board}"
    );
    let log = env.ok(&["log", "--all"]);
    assert!(
        log.contains(&format!(
            "    merge       2026-11-21 03:30  ana   merged in {other}: one outage\n"
        )),
        "{log}"
    );
    // The entries left out are a hint on stderr.
    let log = env.run(&["-i", &other, "log", "-n", "2"]).stdout;
    assert!(
        log.ends_with(&format!(
            "    merge    2026-11-21 03:30  ana   merged into {survivor}: one outage\n"
        )),
        "{log}"
    );

    // The report tells the outage; the merge is the Record's, and nowhere else.
    let markdown = env.ok(&["report"]);
    let (story, record) = markdown.split_once("\n## Record\n").expect("a Record");
    assert!(
        !story.contains("merged") && !story.contains(&other),
        "{story}"
    );
    assert!(
        record.contains(&format!(
            "- 2026-11-21 03:30 UTC, merged in {other} by ana: one outage\n"
        )),
        "{record}"
    );
    // Where the log went on is said first, in the header; how and when in the Record.
    let markdown = env.ok(&["report", "-i", &other]);
    assert!(
        markdown.contains(&format!(
            "| Merged into | {survivor}: its entries are there too; this log is kept read-only |\n"
        )),
        "{markdown}"
    );
    let (story, record) = markdown.split_once("\n## Record\n").expect("a Record");
    assert!(!story.contains("merged into"), "{story}");
    assert!(
        record.contains(&format!(
            "- 2026-11-21 03:30 UTC, merged into {survivor} by ana: one outage. Its entries are \
             there too; this log is kept as it was, read-only\n"
        )),
        "{record}"
    );
}

#[test]
#[ignore = "needs markdownlint-cli2; .ci/run installs it"]
fn both_reports_of_a_merge_pass_markdownlint() {
    let env = TestEnv::new();
    let survivor = checkout(&env);
    let other = payments(&env);
    env.ok(&["use", &survivor]);
    env.ok(&["merge", &other, "--why", "one outage"]);
    let dir = tempfile::tempdir().expect("a temp dir");
    for (name, id) in [("survivor.md", &survivor), ("merged.md", &other)] {
        env.ok(&[
            "report",
            "-i",
            id,
            "-o",
            &dir.path().join(name).display().to_string(),
        ]);
    }
    crate::env::lint_markdown(dir.path(), &["survivor.md", "merged.md"]);
}

#[test]
fn merging_again_changes_nothing_and_says_so() {
    let env = TestEnv::new();
    let survivor = checkout(&env);
    let other = payments(&env);
    env.ok(&["use", &survivor]);
    env.ok(&["merge", &other]);
    let documents = (
        std::fs::read(env.document_path(&survivor)).expect("the survivor"),
        std::fs::read(env.document_path(&other)).expect("the other"),
    );
    assert_eq!(
        env.ok(&["merge", &other]),
        format!("{other} is already merged into {survivor}; nothing changed\n")
    );
    assert_eq!(env.quiet(&["merge", &other]), survivor);
    let again = env.json(&["merge", &other]);
    assert_eq!(
        again,
        json!({"incident": survivor, "merged": other, "outcome": "again", "added": 0, "relabeled": []})
    );
    assert_eq!(
        std::fs::read(env.document_path(&survivor)).expect("the survivor"),
        documents.0
    );
    assert_eq!(
        std::fs::read(env.document_path(&other)).expect("the other"),
        documents.1
    );
}

#[test]
fn merge_prints_the_surviving_id_quietly_and_the_renumberings_as_json() {
    let env = TestEnv::new();
    let survivor = checkout(&env);
    let other = payments(&env);
    assert_eq!(env.quiet(&["-i", &survivor, "merge", &other]), survivor);
    let env = TestEnv::new();
    let survivor = checkout(&env);
    let other = payments(&env);
    let merged = env.json(&["-i", &survivor, "merge", &other]);
    assert_eq!(merged["incident"], survivor.as_str());
    assert_eq!(merged["merged"], other.as_str());
    assert_eq!(merged["outcome"], "merged");
    assert_eq!(merged["added"], 12);
    assert_eq!(
        merged["relabeled"][1],
        json!({"from": "H1", "to": "H3", "by": "ana"})
    );
    assert_eq!(merged["relabeled"].as_array().map(Vec::len), Some(5));
}

#[test]
fn merges_that_cannot_be_done_are_refused_with_the_reason_and_change_nothing() {
    let env = TestEnv::new();
    let checkout = checkout(&env);
    let payments = payments(&env);
    let dns = env.quiet(&["open", "DNS flapping"]);
    let files = || {
        [&checkout, &payments, &dns]
            .map(|id| std::fs::read(env.document_path(id)).expect("a document"))
    };
    let before = files();

    let itself = env.fails(&["-i", &dns, "merge", &dns], 1);
    assert_eq!(
        itself,
        format!("error: cannot merge incident {dns} into itself\n")
    );
    assert_eq!(files(), before);

    env.ok(&["-i", &checkout, "merge", &payments]);
    // Already merged elsewhere: named, with how to bring its entries here.
    let elsewhere = env.fails(&["-i", &dns, "merge", &payments], 1);
    assert_eq!(
        elsewhere,
        format!(
            "error: incident {payments} was already merged into {checkout}\n\
             hint: its entries are in {checkout}; to bring them here, merge that one: \
             `incident -i {dns} merge {checkout}`\n"
        )
    );
    // Into an incident merged away: named, with where to merge instead.
    let into_merged = env.fails(&["-i", &payments, "merge", &dns], 1);
    assert_eq!(
        into_merged,
        format!(
            "error: incident {payments} was merged into {checkout}: merge {dns} into {checkout} instead\n\
             hint: `incident -i {checkout} merge {dns}`\n"
        )
    );
    // An open incident into a closed one: the investigation going on would end unseen.
    env.ok(&["-i", &dns, "close", "flapping stopped"]);
    env.ok(&["-i", &dns, "reopen"]);
    env.ok(&["-i", &checkout, "close", "config rolled back"]);
    let before = files();
    let closed = env.fails(&["-i", &checkout, "merge", &dns], 1);
    assert_eq!(
        closed,
        format!(
            "error: incident {dns} is still open and {checkout} is closed\n\
             hint: reopen {checkout} first (`incident -i {checkout} reopen`), or merge the other \
             way: `incident -i {dns} merge {checkout}`\n"
        )
    );
    assert_eq!(files()[2], before[2], "the open incident is untouched");
    // A discarded incident is neither merged in nor merged into until it is restored.
    env.ok(&["-i", &dns, "discard"]);
    let discarded = env.fails(&["-i", &checkout, "merge", &dns], 1);
    assert!(
        discarded.starts_with(&format!("error: incident {dns} was discarded")),
        "{discarded}"
    );
    assert!(discarded.contains("`incident restore`"), "{discarded}");
    env.fails(&["-i", &dns, "merge", &checkout], 1);
    // No such incident: the candidates are listed.
    let missing = env.fails(&["-i", &checkout, "merge", "nothing-like-it"], 1);
    assert!(missing.contains(&dns), "{missing}");
}

#[test]
fn a_closed_incident_merged_into_an_open_one_brings_its_verdicts_and_root_cause() {
    let env = TestEnv::new();
    let survivor = env.quiet(&["open", "Search is slow"]);
    env.quiet(&["symptom", "p99 of /search is 9s"]);
    let other = env.quiet(&["open", "Index lag"]);
    env.quiet(&["hypothesis", "the indexer is stuck on one shard"]);
    env.quiet(&["test", "read the indexer's offsets", "--for", "H1"]);
    env.quiet(&[
        "result",
        "T1",
        "shard 7 has not moved in 2h",
        "--confirms",
        "H1",
    ]);
    env.ok(&["close", "restarted the indexer", "--root-cause", "H1"]);
    env.ok(&["use", &survivor]);
    env.ok(&["merge", &other]);
    let merged = report(&env, &survivor);
    assert_eq!(merged["status"], "open");
    assert_eq!(entry(&merged, "H1")["status"], "confirmed");
    assert_eq!(merged["root_cause"], "H1");
    // The survivor goes on: its diagnosis is open.
    assert_eq!(env.quiet(&["hypothesis", "the cache is cold"]), "H2");
    assert_eq!(report(&env, &other)["status"], "closed");
}

#[test]
fn a_retitle_that_came_with_the_merged_incident_does_not_rename_the_survivor() {
    let env = TestEnv::new();
    let survivor = env.quiet(&["open", "Checkout returns 502s"]);
    let other = env.quiet(&["open", "Payments errors"]);
    env.quiet(&["retitle", "Payments errors in EU"]);
    env.ok(&["use", &survivor]);
    env.ok(&["merge", &other]);
    assert_eq!(
        report(&env, &survivor)["current_title"],
        "Checkout returns 502s"
    );
    env.quiet(&["retitle", "Checkout and payments fail in EU"]);
    assert_eq!(
        report(&env, &survivor)["current_title"],
        "Checkout and payments fail in EU"
    );
    assert_eq!(
        report(&env, &other)["current_title"],
        "Payments errors in EU"
    );
}

#[test]
fn whoever_worked_in_the_merged_incident_goes_on_in_the_survivor() {
    let env = TestEnv::new();
    let survivor = env.quiet(&["open", "Checkout returns 502s"]);
    let other = env.quiet(&["open", "Payments errors"]);
    let out = env.run(&["-i", &survivor, "merge", &other]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!("{survivor} is now the current incident, in place of {other}\n")
    );
    assert_eq!(env.quiet(&["note", "one outage"]), "N1");
    assert_eq!(env.json(&["status"])["id"], survivor.as_str());
}

#[test]
fn a_kill_between_the_two_saves_of_a_merge_is_finished_by_merging_again() {
    let env = TestEnv::new();
    let survivor = checkout(&env);
    let other = payments(&env);
    env.ok(&["use", &survivor]);
    let other_before = std::fs::read(env.document_path(&other)).expect("the other");
    let mut killed = env.command(&["-i", &survivor, "merge", &other]);
    killed.env("INCIDENT_FAILPOINT", "between-saves");
    let output = killed.output().expect("the binary runs");
    assert!(!output.status.success(), "the failpoint kills the merge");
    assert!(output.stdout.is_empty(), "nothing was said done");

    // Killed after the survivor was saved: its entries are there once, the merge is
    // recorded there, and the other is as it was, still listed.
    let half = report(&env, &survivor);
    assert_eq!(half["entries"].as_array().map(Vec::len), Some(17));
    assert_eq!(half["marks"][0]["incident"], other.as_str());
    assert_eq!(
        std::fs::read(env.document_path(&other)).expect("the other"),
        other_before
    );
    assert!(env.ok(&["list", "-q"]).contains(&other));

    // Merging again finishes it, and says the renumberings the kill kept unsaid.
    assert_eq!(
        env.ok(&["-i", &survivor, "merge", &other]),
        format!(
            "{other} merged into {survivor}: finished the merge that was cut short\n\
             \x20 S1 is now S2: ana recorded S1 here first\n\
             \x20 H1 is now H3: ana recorded H1 here first\n\
             \x20 H2 is now H4: ana recorded H2 here first\n\
             \x20 T1 is now T3: ana recorded T1 here first\n\
             \x20 R1 is now R3: ana recorded R1 here first\n"
        )
    );
    let done = report(&env, &survivor);
    let uuids: BTreeSet<&str> = done["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| entry["uuid"].as_str().expect("a uuid"))
        .collect();
    assert_eq!(uuids.len(), 17, "every entry once");
    assert_eq!(done["entries"], half["entries"]);
    assert_eq!(done["marks"].as_array().map(Vec::len), Some(1), "one merge");
    assert_eq!(report(&env, &other)["merged_into"], survivor.as_str());
    assert_eq!(env.ok(&["list", "-q"]), format!("{survivor}\n"));
}

#[test]
fn two_merges_of_the_same_pair_the_other_way_round_at_once_never_deadlock() {
    for round in 0..6 {
        let env = TestEnv::new();
        let one = checkout(&env);
        let two = payments(&env);
        let mut running: Vec<_> = [(&one, &two), (&two, &one)]
            .into_iter()
            .map(|(survivor, other)| {
                env.process(&["-i", survivor, "merge", other, "-q"])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("the binary starts")
            })
            .collect();
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut codes = Vec::new();
        for child in &mut running {
            loop {
                if let Some(status) = child.try_wait().expect("waits") {
                    codes.push(status.code());
                    break;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    panic!("round {round}: a merge is still waiting after 30s: a deadlock");
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        codes.sort();
        assert_eq!(
            codes,
            [Some(0), Some(1)],
            "round {round}: one merges, one is refused"
        );
        let (survivor, other) = if report(&env, &one)["merged_into"].is_null() {
            (&one, &two)
        } else {
            (&two, &one)
        };
        assert_eq!(report(&env, other)["merged_into"], survivor.as_str());
        assert_eq!(
            report(&env, survivor)["entries"].as_array().map(Vec::len),
            Some(17),
            "round {round}"
        );
    }
}

#[test]
fn an_incident_opened_by_mistake_is_discarded_and_restored_exactly_as_it_was() {
    let env = TestEnv::new();
    let real = env.quiet(&["open", "Checkout returns 502s"]);
    let mistake = env.quiet(&["open", "test test"]);
    env.quiet(&["note", "typed in the wrong terminal"]);
    env.ok(&["close", "not an incident"]);
    let before = report(&env, &mistake);

    assert_eq!(
        env.ok(&["discard", "--why", "opened by mistake at 3AM"]),
        format!(
            "{mistake} discarded: `incident list` no longer shows it, nothing was deleted, and \
             `incident restore` brings it back; `incident use REF` picks the one to go on with\n"
        )
    );
    assert_eq!(
        env.ok(&["list", "--all", "-q"]),
        format!("{mistake}\n{real}\n")
    );
    let all = env.ok(&["list", "--all"]);
    assert!(all.contains("test test  [discarded]\n"), "{all}");
    assert_eq!(env.json(&["list", "--all"])[0]["discarded"], true);
    let refused = env.fails(&["note", "one more"], 1);
    assert_eq!(
        refused,
        format!(
            "error: incident {mistake} was discarded as opened by mistake; it is kept read-only\n\
             hint: `incident restore` brings it back as it was (with `-i {mistake}` when it is \
             not the current incident)\n"
        )
    );
    env.fails(&["reopen"], 1);
    let board = env.ok(&["status"]);
    assert!(
        board.contains(
            "Discarded as opened by mistake (2026-11-21 03:30 UTC by ana: opened by mistake at \
             3AM); read-only: `incident restore` brings it back\n"
        ),
        "{board}"
    );
    let markdown = env.ok(&["report"]);
    assert!(
        markdown.contains("| Discarded | opened by mistake; nothing was deleted |\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains(
            "- 2026-11-21 03:30 UTC, discarded as opened by mistake by ana: opened by mistake \
             at 3AM\n"
        ),
        "{markdown}"
    );
    let again = env.fails(&["discard"], 1);
    assert!(again.starts_with(&format!("error: incident {mistake} is already discarded\n")));

    assert_eq!(
        env.ok(&["restore"]),
        format!("{mistake} restored, closed as it was\n")
    );
    let after = report(&env, &mistake);
    for field in [
        "status",
        "closed_at",
        "resolution",
        "entries",
        "lifecycle",
        "current_title",
    ] {
        assert_eq!(after[field], before[field], "{field}");
    }
    assert_eq!(after["discarded"], false);
    assert_eq!(
        after["marks"]
            .as_array()
            .expect("marks")
            .iter()
            .map(|mark| mark["mark"].as_str().expect("a mark"))
            .collect::<Vec<_>>(),
        ["discarded", "restored"]
    );
    assert_eq!(
        env.ok(&["list", "--all", "-q"]),
        format!("{mistake}\n{real}\n")
    );
    assert_eq!(env.quiet(&["note", "kept for the record"]), "N2");

    let not_discarded = env.fails(&["restore"], 1);
    assert!(
        not_discarded.starts_with(&format!("error: incident {mistake} is not discarded\n")),
        "{not_discarded}"
    );
    // An open incident comes back open, and `list` shows it again.
    env.quiet(&["-i", &real, "discard"]);
    assert_eq!(env.ok(&["list", "-q"]), "");
    assert_eq!(env.quiet(&["-i", &real, "restore"]), real);
    assert_eq!(env.ok(&["list", "-q"]), format!("{real}\n"));
    assert_eq!(env.json(&["-i", &real, "discard"])["discarded"], true);
}

#[test]
fn an_incident_merged_away_is_neither_discarded_nor_restored() {
    let env = TestEnv::new();
    let survivor = env.quiet(&["open", "Checkout returns 502s"]);
    let other = env.quiet(&["open", "Payments errors"]);
    env.ok(&["use", &survivor]);
    env.ok(&["merge", &other]);
    let discard = env.fails(&["-i", &other, "discard"], 1);
    assert_eq!(
        discard,
        format!(
            "error: incident {other} was merged into {survivor}: it is out of the list already, \
             and its entries live on there\n\
             hint: to discard the whole outage, discard {survivor}: `incident -i {survivor} discard`\n"
        )
    );
    let restore = env.fails(&["-i", &other, "restore"], 1);
    assert!(
        restore.starts_with(&format!(
            "error: incident {other} was merged into {survivor}, not discarded"
        )),
        "{restore}"
    );
}

#[test]
fn the_readme_first_command_records_nothing_on_a_fresh_machine() {
    let env = TestEnv::new();
    // Not at a terminal: how to start (at one, the prompt, which records nothing either).
    let said = env.ok(&[]);
    assert!(said.contains("incident open TITLE"), "{said}");
    assert!(
        !env.data_dir().exists(),
        "bare `incident` created {}",
        env.data_dir().display()
    );
}

#[test]
fn a_merge_and_a_discard_travel_through_git_to_a_teammate() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    // Paged by different alerts, each opens an incident for the same outage.
    let dns = alice.open("DNS flapping");
    alice.quiet(&["symptom", "resolv timeouts on 10% of pods"]);
    alice.quiet(&["hypothesis", "coredns is OOM-killed"]);
    let resolver = bob.open("Resolver errors");
    bob.quiet(&["symptom", "SERVFAIL from the upstream resolver"]);
    bob.quiet(&["hypothesis", "the upstream resolver flaps"]);
    let mistake = bob.open("test");
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    alice.ok(&["sync"]);

    // Alice merges Bob's incident into hers; Bob discards the one he opened by mistake.
    let said = alice.ok(&["-i", &dns, "merge", &resolver, "--why", "same outage"]);
    assert!(
        said.contains("H1 is now H2: alice recorded H1 here first"),
        "{said}"
    );
    bob.ok(&["-i", &mistake, "discard", "--why", "typo"]);
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    alice.ok(&["sync"]);

    for env in [&alice, &bob] {
        assert_eq!(env.ok(&["list", "-q"]), format!("{dns}\n"));
        let refused = env.fails(&["-i", &resolver, "note", "more"], 1);
        assert!(refused.contains(&format!("merged into {dns}")), "{refused}");
        env.fails(&["-i", &mistake, "note", "more"], 1);
    }
    let merged = assert_converged(&[&alice, &bob], &dns);
    assert_eq!(labels(&merged), ["S1", "H1", "S2", "H2"]);
    assert_eq!(entry(&merged, "H2")["by"], "bob");
    assert_eq!(merged["marks"][0]["why"], "same outage");
    let away = assert_converged(&[&alice, &bob], &resolver);
    assert_eq!(away["merged_into"], dns.as_str());
    let discarded = assert_converged(&[&alice, &bob], &mistake);
    assert_eq!(discarded["discarded"], true);

    // Bob restores it; Alice sees it back after the next syncs.
    bob.ok(&["-i", &mistake, "restore"]);
    bob.ok(&["sync"]);
    alice.ok(&["sync"]);
    assert_eq!(alice.ok(&["list", "-q"]), format!("{mistake}\n{dns}\n"));
    assert_converged(&[&alice, &bob], &mistake);
}

#[test]
fn a_merge_made_before_a_sync_renames_its_survivor_follows_the_new_id() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let dns = alice.open("DNS flapping");
    alice.ok(&["sync"]);
    // Offline, Bob opens the same title (the same id) and merges another into it.
    assert_eq!(bob.open("DNS flapping"), dns);
    bob.quiet(&["symptom", "bob's pager fired"]);
    let resolver = bob.open("Resolver errors");
    bob.quiet(&["note", "SERVFAIL upstream"]);
    bob.ok(&["use", &dns]);
    bob.ok(&["merge", &resolver]);
    let said = bob.ok(&["sync"]);
    let renamed = format!("{dns}-2");
    assert!(said.contains(&format!("{dns} is now {renamed}")), "{said}");
    alice.ok(&["sync"]);
    for env in [&alice, &bob] {
        let away = env.json(&["report", "-i", &resolver, "--format", "json"]);
        assert_eq!(away["merged_into"], renamed.as_str(), "the mark follows");
        let survivor = env.json(&["report", "-i", &renamed, "--format", "json"]);
        assert_eq!(labels(&survivor), ["S1", "N1"]);
        assert_eq!(survivor["marks"][0]["incident"], resolver.as_str());
        assert_eq!(env.ok(&["list", "-q"]), format!("{renamed}\n{dns}\n"));
    }
    assert_converged(&[&alice, &bob], &resolver);
}

/// A responder notes into the other incident while it is being merged. The merge is
/// killed at each step of its two saves (the survivor's, then the other's mark), the
/// responder's note comes in then, and the merge is made again: every note that was
/// recorded is in the survivor once, and kept where it was recorded; a note after the
/// other's mark landed is refused, and so is every note once the merge is made.
#[test]
fn entries_recorded_into_the_other_incident_while_it_is_merged_are_never_lost() {
    for step in [
        "after-temp-write",
        "before-rename",
        "after-rename",
        "between-saves",
        "after-temp-write:2",
        "before-rename:2",
        "after-rename:2",
    ] {
        let mut env = TestEnv::new();
        let survivor = env.quiet(&["open", "Checkout returns 502s"]);
        let other = env.quiet(&["open", "Payments errors"]);
        env.quiet(&["-i", &other, "note", "before the merge"]);
        killed_at(&mut env, &["-i", &survivor, "merge", &other], step);
        let late = format!("after the merge was killed {step}");
        let out = env.run(&["-i", &other, "-q", "note", &late]);
        let marked = step == "after-rename:2";
        assert_eq!(
            out.code,
            if marked { 1 } else { 0 },
            "{step}: {}",
            out.stderr
        );
        assert_eq!(env.quiet(&["-i", &survivor, "merge", &other]), survivor);
        let refused = env.fails(&["-i", &other, "note", "after the merge"], 1);
        assert!(
            refused.contains(&format!("merged into {survivor}")),
            "{refused}"
        );

        let recorded: Vec<&str> = if marked {
            vec!["before the merge"]
        } else {
            vec!["before the merge", late.as_str()]
        };
        let texts = |report: &Value| -> Vec<String> {
            report["entries"]
                .as_array()
                .expect("entries")
                .iter()
                .map(|entry| entry["text"].as_str().expect("a text").to_string())
                .collect()
        };
        assert_eq!(texts(&report(&env, &survivor)), recorded, "killed {step}");
        assert_eq!(texts(&report(&env, &other)), recorded, "killed {step}");
        assert_eq!(report(&env, &other)["merged_into"], survivor.as_str());
    }
}

/// A note into the other incident that comes while the merge is between its two saves
/// waits for the merge, which holds both incidents' locks across both saves, and is then
/// refused: nothing lands in the other incident once its entries were copied.
#[test]
fn a_note_that_comes_while_a_merge_is_half_saved_waits_then_is_refused() {
    let env = TestEnv::new();
    let survivor = env.quiet(&["open", "Checkout returns 502s"]);
    let other = env.quiet(&["open", "Payments errors"]);
    env.quiet(&["-i", &other, "note", "before the merge"]);
    let merge = paused_at(
        &env,
        &["-i", &survivor, "-q", "merge", &other],
        "between-saves",
    );
    let note = waiting_for_a_lock(&env, &["-i", &other, "-q", "note", "during the merge"]);
    let merged = merge.finish();
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    let note = note.finish();
    assert_eq!(note.code, 1, "{}", note.stderr);
    assert!(
        note.stderr.contains(&format!("merged into {survivor}")),
        "{}",
        note.stderr
    );
    for id in [&survivor, &other] {
        assert_eq!(labels(&report(&env, id)), ["N1"], "{id}");
    }
}

#[test]
fn the_reason_is_the_words_after_the_command_or_after_why_and_a_typo_records_nothing() {
    let env = TestEnv::new();
    let id = env.open("test test");
    let before = std::fs::read(env.document_path(&id)).expect("the document");
    let typo = env.fails(&["discard", "--wy", "typo"], 2);
    assert!(typo.contains("--why"), "{typo}");
    assert_eq!(
        std::fs::read(env.document_path(&id)).expect("the document"),
        before
    );
    env.quiet(&["discard", "opened", "in", "the", "wrong", "terminal"]);
    assert_eq!(
        report(&env, &id)["marks"][0]["why"],
        "opened in the wrong terminal"
    );
    env.quiet(&["restore"]);
    env.quiet(&["discard", "--why", "still", "a", "test", "--by", "ben"]);
    assert_eq!(report(&env, &id)["marks"][2]["why"], "still a test");
    assert_eq!(report(&env, &id)["marks"][2]["by"], "ben");
}

/// An incident opened by mistake is no part of the team's memory: "seen before",
/// `stats` and `search` leave it out, as `list` does.
#[test]
fn a_discarded_incident_is_not_seen_before_counted_or_found() {
    let env = TestEnv::new();
    env.open("trial of the tool, edge cpu");
    env.quiet(&["symptom", "CPU at 100% on edge HTTP machines"]);
    env.quiet(&["close", "just trying"]);
    env.quiet(&["discard", "--why", "opened to try the tool"]);
    let id = env.open("Edge 502s, CPU pegged");
    env.quiet(&["symptom", "CPU at 100% on edge HTTP machines"]);
    assert_eq!(env.json(&["status"])["seen_before"], serde_json::json!([]));
    assert_eq!(env.json(&["stats"])["incidents"], 1);
    let found = env.json(&["search", "edge", "cpu"]);
    let incidents: Vec<&str> = found
        .as_array()
        .expect("an array")
        .iter()
        .map(|hit| hit["incident"].as_str().expect("an id"))
        .collect();
    assert!(!incidents.is_empty());
    assert!(
        incidents.iter().all(|incident| *incident == id),
        "{incidents:?}"
    );
}

/// Bob records into "DNS flapping" while, offline, Alice merges it into "Resolver
/// errors": the sync folds Bob's late entries into the survivor, never strands them in
/// the read-only incident.
#[test]
fn entries_recorded_elsewhere_before_a_merge_was_heard_of_follow_it_into_the_survivor() {
    let remote = Remote::new();
    let alice = machine(&remote, "alice");
    let bob = machine(&remote, "bob");
    let survivor = alice.open("Resolver errors in eu-west");
    let other = alice.open("DNS flapping in eu-west");
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    bob.ok(&["use", &other]);
    bob.quiet(&["symptom", "SERVFAIL from resolvers in eu-west-1"]);
    bob.quiet(&["hypothesis", "upstream anycast flapping"]);
    alice.ok(&["use", &survivor]);
    alice.ok(&["merge", &other]);
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    let report = assert_converged(&[&alice, &bob], &survivor);
    let texts: Vec<&str> = report["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| entry["text"].as_str().expect("text"))
        .collect();
    assert!(
        texts.contains(&"SERVFAIL from resolvers in eu-west-1"),
        "{texts:?}"
    );
    assert!(texts.contains(&"upstream anycast flapping"), "{texts:?}");
}
