//! Decisions as S.O.C.S. weighs them: a situation (the question and what forces it), its
//! options with their consequences, and the solution; replayed from GitHub's 2018-10-21
//! outage, where issue 22 found "restore from backup" under two decisions at once.

use serde_json::{Value, json};

use crate::env::{TestEnv, entry, lint_markdown, require_tool};
use crate::sync::{paused_at, waiting_for_a_lock};

/// The night of the partition, up to two situations and their options, neither decided.
fn two_situations() -> TestEnv {
    let mut env = TestEnv::new();
    env.set_now("2026-11-21T23:59:00Z");
    env.ok(&[
        "open",
        "GitHub.com degraded",
        "--at",
        "22:54",
        "--severity",
        "1",
    ]);
    env.ok(&[
        "hypothesis",
        "MySQL primaries failed over to US West",
        "--at",
        "23:00",
    ]);
    assert_eq!(
        env.quiet(&[
            "situation",
            "pause webhooks and Pages builds while West and East disagree?",
            "--at",
            "23:05",
        ]),
        "Q1"
    );
    for option in [
        &[
            "option",
            "pause webhooks and Pages builds",
            "--consequence",
            "deliveries queue up for hours",
            "--at",
            "23:06",
        ][..],
        &[
            "option",
            "keep them running",
            "--consequence",
            "writes land on both coasts and diverge",
            "--at",
            "23:07",
        ],
    ] {
        env.quiet(option);
    }
    assert_eq!(
        env.quiet(&[
            "situation",
            "fail back to the East now, or restore from backup first?",
            "--at",
            "23:08",
        ]),
        "Q2"
    );
    for option in [
        &[
            "option",
            "fail back now",
            "--consequence",
            "lose the writes taken in the West",
            "--at",
            "23:09",
        ][..],
        &[
            "option",
            "restore from backup, then replay West writes",
            "--consequence",
            "hours of degraded service, no data lost",
            "--at",
            "23:10",
        ],
    ] {
        env.quiet(option);
    }
    env
}

/// Both situations decided: Q1 first (the one typed earlier), then Q2.
fn both_decided() -> TestEnv {
    let env = two_situations();
    env.ok(&["decide", "O1", "protect data integrity", "--at", "23:11"]);
    env.ok(&["stage", "identified", "--at", "23:12"]);
    env.ok(&[
        "decide",
        "O4",
        "integrity over availability",
        "--at",
        "23:13",
    ]);
    env
}

/// The text of a `## ` section, from its heading to its last line's newline.
fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let start = markdown
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no {heading} in:\n{markdown}"));
    let rest = &markdown[start + 1..];
    let end = rest[heading.len()..]
        .find("\n\n## ")
        .map_or(rest.len(), |end| end + heading.len() + 1);
    &rest[..end]
}

fn json_labels(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("{value} is not a list"))
        .iter()
        .map(|label| label.as_str().expect("a label"))
        .collect()
}

#[test]
fn each_situation_lists_its_own_options_and_marks_the_ones_not_chosen() {
    let env = both_decided();
    let report = env.ok(&["report"]);
    assert_eq!(
        section(&report, "## Decisions"),
        "## Decisions

### Q1 pause webhooks and Pages builds while West and East disagree?

Situation at 2026-11-21 23:05 UTC: severity 1, stage investigating; standing hypotheses: H1 (MySQL primaries failed over to US West).

Options:

- **O1** pause webhooks and Pages builds — **chosen**
  - Consequence: deliveries queue up for hours
- **O2** keep them running — not chosen
  - Consequence: writes land on both coasts and diverge

Solution: O1, chosen by ana at 2026-11-21 23:11 UTC (D1): protect data integrity.

### Q2 fail back to the East now, or restore from backup first?

Situation at 2026-11-21 23:08 UTC: severity 1, stage investigating; standing hypotheses: H1 (MySQL primaries failed over to US West).

Options:

- **O3** fail back now — not chosen
  - Consequence: lose the writes taken in the West
- **O4** restore from backup, then replay West writes — **chosen**
  - Consequence: hours of degraded service, no data lost

Solution: O4, chosen by ana at 2026-11-21 23:13 UTC (D2): integrity over availability.
"
    );
    // The templates show the same situations, under Resolution.
    for template in ["google", "pagerduty"] {
        let markdown = env.ok(&["report", "--template", template]);
        let resolution = section(&markdown, "## Resolution");
        assert!(
            resolution
                .contains("- **O4** restore from backup, then replay West writes — **chosen**\n"),
            "{template}: {resolution}"
        );
        assert_eq!(
            resolution
                .matches("restore from backup, then replay")
                .count(),
            1,
            "{template}: one situation lists O4: {resolution}"
        );
    }
}

#[test]
fn an_option_joins_the_latest_undecided_situation_or_the_one_named() {
    let env = two_situations();
    let report = env.json(&["report", "--format", "json"]);
    for (option, situation) in [("O1", "Q1"), ("O2", "Q1"), ("O3", "Q2"), ("O4", "Q2")] {
        assert_eq!(entry(&report, option)["situation"], situation, "{option}");
    }
    // Q2 decided: Q1 is the latest still undecided, and takes the next option.
    env.ok(&["decide", "O4", "--at", "23:13"]);
    let out = env.ok(&["option", "pause only Pages builds", "--at", "23:14"]);
    assert_eq!(
        out,
        "O5 recorded: pause only Pages builds (at 2026-11-21 23:14 +00:00)\n  for Q1\n"
    );
    // Nothing undecided: an option belongs to no situation, as before situations.
    env.ok(&["decide", "O5", "--at", "23:15"]);
    env.ok(&["option", "drain the West replicas", "--at", "23:16"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "O6")["current_situation"], Value::Null);
    assert!(entry(&report, "O6").get("situation").is_none());
    // Named, it goes where it is told, a decided situation too: to reconsider it.
    let out = env.ok(&["option", "resume webhooks", "--for", "q1", "--at", "23:20"]);
    assert_eq!(
        out,
        "O7 recorded: resume webhooks (at 2026-11-21 23:20 +00:00)\n  \
         for Q1, decided by D2: deciding again replaces it\n"
    );
}

#[test]
fn for_names_a_situation_that_still_counts_or_nothing_is_recorded() {
    let env = two_situations();
    let before =
        std::fs::read(env.document_path("2026-11-21-github-com-degraded")).expect("the document");
    let stderr = env.fails(&["option", "roll back", "--for", "H1"], 1);
    assert!(
        stderr.contains("H1 is a hypothesis, not a situation"),
        "{stderr}"
    );
    let stderr = env.fails(&["option", "roll back", "--for", "Q9"], 1);
    assert!(stderr.contains("no such entry: Q9"), "{stderr}");
    env.fails(&["option", "roll back", "--for", "the second one"], 2);
    env.fails(&["situation"], 2);
    assert_eq!(
        std::fs::read(env.document_path("2026-11-21-github-com-degraded")).unwrap(),
        before,
        "nothing recorded"
    );
    // A situation taken back takes no more options, and is decided no more.
    env.ok(&["retract", "Q2", "--why", "asked in the wrong incident"]);
    let stderr = env.fails(&["option", "x", "--for", "Q2"], 1);
    assert!(stderr.contains("Q2 was retracted by E2"), "{stderr}");
    let stderr = env.fails(&["decide", "O4"], 1);
    assert!(
        stderr.starts_with(
            "error: Q2 was retracted by E2\n\
             hint: `incident retract E2` brings Q2 back, if taking it back was wrong\n"
        ),
        "{stderr}"
    );
    let report = env.ok(&["report"]);
    let decisions = section(&report, "## Decisions");
    assert!(!decisions.contains("### Q2"), "{decisions}");
    assert!(!decisions.contains("**O4**"), "{decisions}");
    assert!(
        decisions.ends_with("Retracted and left out: Q2 (E2).\n"),
        "{decisions}"
    );
}

#[test]
fn deciding_again_replaces_the_decision_and_the_first_stays_on_record() {
    let env = both_decided();
    let out = env.ok(&["decide", "O2", "West caught up", "--at", "23:40"]);
    assert_eq!(
        out,
        "D3 recorded: chose O2: West caught up (at 2026-11-21 23:40 +00:00)\n  \
         decides Q1: pause webhooks and Pages builds while West and East disagree?\n  \
         replaces D1\n"
    );
    let report = env.ok(&["report"]);
    let q1 = section(&report, "## Decisions")
        .split("### Q2")
        .next()
        .expect("Q1 comes first");
    assert!(
        q1.ends_with(
            "- **O1** pause webhooks and Pages builds — chosen by D1, replaced by D3
  - Consequence: deliveries queue up for hours
- **O2** keep them running — **chosen**
  - Consequence: writes land on both coasts and diverge

At first: O1, chosen by ana at 2026-11-21 23:11 UTC (D1): protect data integrity; replaced by D3.

Solution: O2, chosen by ana at 2026-11-21 23:40 UTC (D3): West caught up.

"
        ),
        "{q1}"
    );
    let json = env.json(&["report", "--format", "json"]);
    assert_eq!(json_labels(&json["decisions_in_force"]), ["D2", "D3"]);
    assert_eq!(entry(&json, "D1")["in_force"], false);
    assert_eq!(entry(&json, "D1")["replaced_by"], "D3");
    assert_eq!(entry(&json, "D3")["in_force"], true);
    assert_eq!(entry(&json, "Q1")["decided_by"], "D3");
    // Taken back, the replacement gives way to the first decision again.
    env.ok(&["retract", "D3"]);
    let json = env.json(&["report", "--format", "json"]);
    assert_eq!(json_labels(&json["decisions_in_force"]), ["D1", "D2"]);
    assert_eq!(entry(&json, "D1")["replaced_by"], Value::Null);
}

#[test]
fn the_board_lists_what_is_still_to_decide_and_what_is_in_force() {
    let env = two_situations();
    env.ok(&["decide", "O1", "protect data integrity", "--at", "23:11"]);
    let board = env.ok(&["status"]);
    let decisions = board
        .split("\nDecisions to make\n")
        .nth(1)
        .and_then(|rest| rest.split("\nWarnings\n").next())
        .expect("the decisions on the board");
    assert_eq!(
        decisions,
        "  Q2  fail back to the East now, or restore from backup first?
      O3  fail back now → lose the writes taken in the West
      O4  restore from backup, then replay West writes → hours of degraded service, no data lost

Decisions in force
  D1  O1 pause webhooks and Pages builds  (Q1, 48m ago)
"
    );
    // The option passed over is not pending any more.
    assert!(!board.contains("keep them running"), "{board}");
    let json = env.json(&["status"]);
    assert_eq!(
        json["decisions_to_make"],
        json!([{"situation": "Q2", "in_force": null, "options": ["O3", "O4"]}])
    );
    // An option added to a decided situation puts it back on the table.
    env.ok(&[
        "option",
        "resume Pages builds",
        "--for",
        "Q1",
        "--at",
        "23:30",
    ]);
    let board = env.ok(&["status"]);
    assert!(
        board.contains(
            "  Q1  pause webhooks and Pages builds while West and East disagree?  (D1 in force)\n      O5  resume Pages builds\n"
        ),
        "{board}"
    );
}

#[test]
fn the_handover_lists_every_decision_still_in_force_hours_later() {
    let mut env = both_decided();
    env.ok(&[
        "situation",
        "page the Pages team or wait for the backlog to drain?",
        "--at",
        "23:50",
    ]);
    env.ok(&["option", "page the Pages team", "--at", "23:51"]);
    // Joining at 06:51 the next morning.
    env.set_now("2026-11-22T06:51:00Z");
    let can = env.ok(&["status", "--format", "can"]);
    let actions = section(&can, "## Actions");
    assert!(
        actions.contains(
            "- Decision in force D1 (Q1): O1 (pause webhooks and Pages builds), by ana at \
             2026-11-21 23:11 UTC: protect data integrity\n\
             - Decision in force D2 (Q2): O4 (restore from backup, then replay West writes), \
             by ana at 2026-11-21 23:13 UTC: integrity over availability\n"
        ),
        "{actions}"
    );
    let now = can.split("### Now\n\n").nth(1).expect("what is needed now");
    assert!(
        now.starts_with(
            "- A decision on Q3: page the Pages team or wait for the backlog to drain?\n\
             - Option O5 of Q3: page the Pages team\n"
        ),
        "{now}"
    );
    let slack = env.ok(&["status", "--format", "slack"]);
    assert!(
        slack.contains(
            "• Decision in force D1 (Q1): O1 (pause webhooks and Pages builds), by ana at \
             2026-11-21 23:11 UTC: protect data integrity\n"
        ),
        "{slack}"
    );
}

#[test]
fn amend_for_moves_an_option_and_every_view_follows() {
    let env = two_situations();
    assert_eq!(env.quiet(&["amend", "O3", "--for", "Q1"]), "E2");
    env.ok(&["decide", "O4", "--at", "23:13"]);
    let json = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&json, "O3")["situation"], "Q2", "as first recorded");
    assert_eq!(entry(&json, "O3")["current_situation"], "Q1");
    assert_eq!(
        json_labels(&entry(&json, "Q1")["options"]),
        ["O1", "O2", "O3"]
    );
    assert_eq!(json_labels(&entry(&json, "Q2")["options"]), ["O4"]);
    let report = env.ok(&["report"]);
    let decisions = section(&report, "## Decisions");
    let (q1, q2) = decisions.split_once("### Q2").expect("both situations");
    assert!(
        q1.contains("- **O3** fail back now (amended by E2)\n"),
        "{q1}"
    );
    assert!(!q2.contains("**O3**"), "{q2}");
    assert!(q2.contains("- **O4** restore from backup"), "{q2}");
    let board = env.ok(&["status"]);
    assert!(board.contains("      O3  fail back now →"), "{board}");
    let shown = env.ok(&["show", "O3"]);
    assert!(
        shown.contains(
            "  situation    Q1 (pause webhooks and Pages builds while West and East disagree?)\n"
        ),
        "{shown}"
    );
    // Deciding O3 now decides Q1, where it went.
    let out = env.ok(&["decide", "O3", "--at", "23:20"]);
    assert!(out.contains("  decides Q1: "), "{out}");
    // Only a situation, and only of an option.
    let stderr = env.fails(&["amend", "O1", "--for", "H1"], 1);
    assert!(
        stderr.contains("H1 is a hypothesis, not a situation"),
        "{stderr}"
    );
    let stderr = env.fails(&["amend", "H1", "--for", "Q1"], 2);
    assert!(
        stderr.contains("a situation does not apply to H1, which is a hypothesis"),
        "{stderr}"
    );
}

#[test]
fn json_carries_every_link_between_situations_options_and_decisions() {
    let env = both_decided();
    let json = env.json(&["report", "--format", "json"]);
    let q1 = entry(&json, "Q1");
    assert_eq!(q1["kind"], "situation");
    assert_eq!(json_labels(&q1["options"]), ["O1", "O2"]);
    assert_eq!(json_labels(&q1["on_the_table"]), Vec::<&str>::new());
    assert_eq!(q1["decided_by"], "D1");
    assert_eq!(entry(&json, "O2")["situation"], "Q1");
    assert_eq!(entry(&json, "O2")["chosen_by"], json!([]));
    assert_eq!(entry(&json, "D2")["option"], "O4");
    assert_eq!(entry(&json, "D2")["situation"], "Q2");
    assert_eq!(entry(&json, "D2")["in_force"], true);
    assert_eq!(json_labels(&json["decisions_in_force"]), ["D1", "D2"]);
    assert_eq!(json["decisions_to_make"], json!([]));
    // The incident when each was raised: Q2 before the stage changed.
    assert_eq!(
        entry(&json, "Q2")["raised_in"],
        json!({"severity": 1, "stage": "investigating", "standing": ["H1"]})
    );
    assert!(entry(&json, "D2").get("raised_in").is_none(), "Q2 was");
    // A decision among options of no situation stands for its own.
    env.ok(&["option", "drain the West replicas", "--at", "23:20"]);
    env.ok(&["decide", "O5", "--at", "23:21"]);
    let json = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&json, "D3")["situation"], Value::Null);
    assert_eq!(
        entry(&json, "D3")["raised_in"],
        json!({"severity": 1, "stage": "identified", "standing": ["H1"]})
    );
    // What an entry command prints for scripts says where the option went.
    let printed = env.json(&["situation", "resume builds?"]);
    assert_eq!(printed["id"], "Q3");
    assert_eq!(printed["kind"], "situation");
    let printed = env.json(&["option", "resume Pages builds only"]);
    assert_eq!(printed["id"], "O6");
    assert_eq!(printed["situation"], "Q3");
}

#[test]
fn an_undecided_situation_says_how_to_decide_it() {
    let env = two_situations();
    env.ok(&["situation", "call in the database team?", "--at", "23:20"]);
    let report = env.ok(&["report"]);
    let decisions = section(&report, "## Decisions");
    assert!(
        decisions.contains(
            "- **O4** restore from backup, then replay West writes\n  \
             - Consequence: hours of degraded service, no data lost\n\n\
             Solution: not decided yet. To record it, run \"incident decide OPTION TEXT\".\n"
        ),
        "{decisions}"
    );
    assert!(
        decisions.ends_with(
            "No options recorded yet. To record it, run \"incident option TEXT --for Q3\".\n\n\
             Solution: not decided yet. To record it, run \"incident decide OPTION TEXT\".\n"
        ),
        "{decisions}"
    );
}

/// Two terminals: one decides Q2 while the other records an option. The option goes to
/// the situation still undecided once the decision is saved, as the lock orders them.
#[test]
fn the_undecided_situation_is_read_inside_the_lock() {
    let env = two_situations();
    let decide = paused_at(&env, &["-q", "decide", "O4"], "before-rename");
    let option = waiting_for_a_lock(&env, &["-q", "option", "pause only Pages builds"]);
    let decided = decide.finish();
    assert_eq!(decided.code, 0, "{}", decided.stderr);
    let recorded = option.finish();
    assert_eq!(recorded.code, 0, "{}", recorded.stderr);
    assert_eq!(recorded.stdout, "O5\n");
    let json = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&json, "O5")["situation"], "Q1");
}

#[test]
fn a_report_of_decisions_is_the_same_in_every_zone() {
    let env = both_decided();
    let utc = env.ok(&["report"]);
    let mut tokyo = TestEnv::new().with_tz("Asia/Tokyo");
    tokyo.set_now("2026-11-21T23:59:00Z");
    let id = "2026-11-21-github-com-degraded";
    std::fs::create_dir_all(tokyo.data_dir().join("incidents")).unwrap();
    std::fs::copy(env.document_path(id), tokyo.document_path(id)).unwrap();
    assert_eq!(tokyo.ok(&["report", "-i", id]), utc);
}

#[test]
#[ignore = "needs markdownlint-cli2 and pandoc; .ci/run installs them"]
fn decisions_and_the_handover_stay_lint_clean_and_links_stay_links() {
    let env = both_decided();
    env.ok(&["decide", "O2", "West caught up", "--at", "23:40"]);
    env.ok(&["situation", "call in the database team?", "--at", "23:41"]);
    env.ok(&[
        "action",
        "make failover region-aware",
        "--link",
        "https://tracker.example.com/OPS-42",
    ]);
    let files = [
        ("report.md", env.ok(&["report"])),
        ("google.md", env.ok(&["report", "--template", "google"])),
        (
            "pagerduty.md",
            env.ok(&["report", "--template", "pagerduty"]),
        ),
        ("can.md", env.ok(&["status", "--format", "can"])),
    ];
    for (name, text) in &files {
        std::fs::write(env.home().join(name), text).unwrap();
    }
    lint_markdown(
        env.home(),
        &["report.md", "google.md", "pagerduty.md", "can.md"],
    );
    let pandoc = require_tool("pandoc");
    let html = std::process::Command::new(&pandoc)
        .args(["-f", "gfm", "-t", "html", "--wrap=none"])
        .arg(env.home().join("can.md"))
        .output()
        .expect("pandoc runs");
    assert!(html.status.success());
    let html = String::from_utf8_lossy(&html.stdout);
    assert!(
        html.contains(
            "ticket <a href=\"https://tracker.example.com/OPS-42\">https://tracker.example.com/OPS-42</a>"
        ),
        "the ticket is a link: {html}"
    );
    let plain = std::process::Command::new(&pandoc)
        .args(["-f", "gfm", "-t", "plain", "--wrap=none"])
        .arg(env.home().join("report.md"))
        .output()
        .expect("pandoc runs");
    let plain = String::from_utf8_lossy(&plain.stdout);
    for said in [
        "Q2 fail back to the East now, or restore from backup first?",
        "O3 fail back now — not chosen",
        "O4 restore from backup, then replay West writes — chosen",
        "O1 pause webhooks and Pages builds — chosen by D1, replaced by D3",
    ] {
        assert!(plain.contains(said), "{said:?} in {plain}");
    }
}

/// Tab after `--for` offers the situations, with their questions (fish's protocol, the
/// plainest: one `label<Tab>help` a line).
#[test]
fn for_completes_the_situations() {
    let env = two_situations();
    env.ok(&["retract", "Q2"]);
    for line in [
        &["incident", "option", "x", "--for", ""][..],
        &["incident", "amend", "O1", "--for", ""],
    ] {
        let output = env
            .process(&[&["--"], line].concat())
            .env("COMPLETE", "fish")
            .output()
            .expect("the binary runs");
        assert!(output.status.success(), "{output:?}");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "Q1\tpause webhooks and Pages builds while West and East disagree…\n",
            "{line:?}: not the retracted Q2"
        );
    }
}
