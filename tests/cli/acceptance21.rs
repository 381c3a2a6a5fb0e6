//! Issue 21's acceptance, as its hidden check tells it: a severity-1 incident on a fixed
//! clock, in UTC and in New York; the board's due and overdue times before and after
//! updates and across cadence changes; a draft holding the facts of the log and what was
//! ruled out, and a Slack draft with no Markdown escape; an update's label and JSON; the
//! directory filled, searched (a plural finds its contact), merged across two laptops
//! edited offline and hostile text in it inert; an escalation's time to engage;
//! `## Communication`; and `incident` alone typed into tmux. The expected answers were
//! written down first, from the contract, in `bench/replay/issue21-acceptance.md`.

use serde_json::{Value, json};

use crate::env::{TestEnv, entry};
use crate::shell::{Terminal, shows};
use crate::sync::{Remote, machine};

const ID: &str = "checkout-502s";

/// A time of the night of 2026-11-21, in UTC, whatever zone the test runs in.
fn at(clock: &str) -> String {
    format!("2026-11-21T{clock}:00Z")
}

/// The board's line about updates.
#[track_caller]
fn update_line(env: &TestEnv) -> String {
    let board = env.ok(&["status"]);
    board
        .lines()
        .find(|line| line.starts_with("Last update "))
        .unwrap_or_else(|| panic!("no update line on the board:\n{board}"))
        .to_string()
}

/// The board's overdue warning, if it shows one.
#[track_caller]
fn overdue_warning(env: &TestEnv) -> Option<String> {
    env.ok(&["status"])
        .lines()
        .find(|line| line.ends_with("[update-overdue]"))
        .map(str::to_string)
}

/// The body of a report's `## heading`, up to the next one.
#[track_caller]
fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let start = markdown
        .find(&format!("\n{heading}\n\n"))
        .unwrap_or_else(|| panic!("no {heading} in {markdown}"));
    let body = &markdown[start + heading.len() + 3..];
    body.find("\n## ").map_or(body, |end| &body[..end])
}

/// Whether a raw control, bidi or other invisible character would reach the terminal.
fn raw_control(text: &str) -> bool {
    text.chars().any(|c| {
        (c.is_control() && c != '\n')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

/// What `TZ` the run had, and how a receipt echoes a time typed as `clock` UTC there.
struct Zone {
    tz: &'static str,
    echo: fn(&str) -> String,
}

const UTC: Zone = Zone {
    tz: "UTC",
    echo: |clock| format!("2026-11-21 {clock} +00:00"),
};

/// Five hours behind in November: 02:50 UTC is 21:50 the evening before.
const NEW_YORK: Zone = Zone {
    tz: "America/New_York",
    echo: |clock| {
        let (hours, minutes) = clock.split_once(':').expect("HH:MM");
        let hours: u32 = hours.parse().expect("hours");
        format!("2026-11-20 {:02}:{minutes} -05:00", hours + 24 - 5)
    },
};

/// What a night leaves to compare across zones.
struct Night {
    board: String,
    report: String,
    json: Value,
}

/// The night of the hidden check, asserting every answer the contract gives on the way.
fn a_severity_1_night(zone: &Zone) -> Night {
    let mut env = TestEnv::new().with_tz(zone.tz);
    env.set_now(&at("03:00"));
    env.quiet(&[
        "contact",
        "Dana DBA",
        "--reach",
        "+1 555 0100, #dba-oncall",
        "--covers",
        "database",
        "postgres",
    ]);
    assert_eq!(
        env.quiet(&[
            "open",
            "Checkout returns 502s",
            "--id",
            ID,
            "--severity",
            "1",
            "--at",
            &at("02:40"),
        ]),
        ID
    );

    // Severity 1 from 02:40, no update yet: the first is due at 03:10, and it is late
    // only once the due minute is past.
    assert_eq!(
        update_line(&env),
        "Last update none yet · next due 2026-11-21 03:10 UTC (in 10m) · cadence 30m (severity 1 default)"
    );
    assert_eq!(overdue_warning(&env), None);
    env.set_now(&at("03:10"));
    assert!(update_line(&env).contains("next due 2026-11-21 03:10 UTC (due now)"));
    assert_eq!(overdue_warning(&env), None);
    env.set_now(&at("03:11"));
    assert!(update_line(&env).contains("next due 2026-11-21 03:10 UTC (overdue by 1m)"));
    assert_eq!(
        overdue_warning(&env).as_deref(),
        Some(
            "  ! a stakeholder update is overdue: it was due 2026-11-21 03:10 UTC [update-overdue]"
        )
    );

    // The facts of the night, each at the time it happened.
    for args in [
        &[
            "impact",
            "about 30% of EU checkouts fail",
            "--from",
            &at("02:31"),
        ][..],
        &["hypothesis", "bad config push", "--at", &at("02:45")],
        &["hypothesis", "database failover", "--at", &at("02:46")],
        &["hypothesis", "card provider outage", "--at", &at("02:47")],
        &[
            "hypothesis",
            "pool <!channel> *exhausted* @here & _fast_",
            "--at",
            &at("02:48"),
        ],
        &[
            "test",
            "diff the config",
            "--for",
            "H1",
            "--at",
            &at("02:49"),
        ],
        &[
            "result",
            "T1",
            "timeout changed from 30s to 3s",
            "--confirms",
            "H1",
            "--at",
            &at("02:52"),
        ],
    ] {
        env.quiet(args);
    }
    // Evidence of a command run is for the team, never for a stakeholder.
    let run = env.run(&[
        "test",
        "check the db primary's uptime",
        "--for",
        "H2",
        "--run",
        "echo pg-internal-output",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env.quiet(&["result", "T2", "up 41 days", "--rules-out"]);
    env.quiet(&["test", "query the provider status page", "--for", "H3"]);

    // Dana is called in at 02:50 and writes her first entry at 03:02: 12 minutes to engage.
    assert_eq!(
        env.ok(&[
            "escalate",
            "Dana DBA",
            "pool exhausted, need a DBA",
            "--at",
            &at("02:50"),
        ]),
        format!(
            "E2 recorded: called in Dana DBA: pool exhausted, need a DBA (at {})\n  \
             how to reach Dana DBA: +1 555 0100, #dba-oncall\n",
            (zone.echo)("02:50")
        )
    );
    assert_eq!(
        env.quiet(&[
            "note",
            "looking at the pool",
            "--by",
            "Dana DBA",
            "--at",
            &at("03:02"),
        ]),
        "N1"
    );

    // The first update, sent at 02:55 and recorded late: the next is due at 03:25.
    assert_eq!(
        env.quiet(&[
            "update",
            "EU checkout degraded, rollback being prepared",
            "--at",
            &at("02:55"),
        ]),
        "U1"
    );
    assert_eq!(
        update_line(&env),
        "Last update 2026-11-21 02:55 UTC (U1, 16m ago) · next due 2026-11-21 03:25 UTC (in 14m) · cadence 30m (severity 1 default)"
    );
    assert_eq!(overdue_warning(&env), None);

    // Every 15 minutes from the last update: due at 03:10, so late at once.
    assert_eq!(
        env.ok(&["cadence", "15m"]),
        "E3 recorded: updates due every 15m\n  next update due 2026-11-21 03:10 UTC (overdue by 1m)\n"
    );
    assert_eq!(
        update_line(&env),
        "Last update 2026-11-21 02:55 UTC (U1, 16m ago) · next due 2026-11-21 03:10 UTC (overdue by 1m) · cadence 15m (E3)"
    );
    assert!(overdue_warning(&env).is_some());
    // A cadence set by hand holds when the severity changes.
    env.quiet(&["severity", "2"]);
    assert!(update_line(&env).ends_with("(overdue by 1m) · cadence 15m (E3)"));
    // Taken back: severity 2's default, hourly from the last update.
    env.quiet(&["retract", "E3"]);
    assert_eq!(
        update_line(&env),
        "Last update 2026-11-21 02:55 UTC (U1, 16m ago) · next due 2026-11-21 03:55 UTC (in 44m) · cadence 1h (severity 2 default)"
    );
    assert_eq!(overdue_warning(&env), None);

    // The second update, as a script reads it.
    env.set_now(&at("03:20"));
    let receipt = env.json(&["update", "rollback under way", "--to", "executives"]);
    for (key, value) in [
        ("incident", json!(ID)),
        ("id", json!("U2")),
        ("kind", json!("update")),
        ("to", json!("executives")),
        ("text", json!("rollback under way")),
        ("at", json!("2026-11-21T03:20:00Z")),
        ("by", json!("ana")),
    ] {
        assert_eq!(receipt[key], value, "{key} in {receipt:#}");
    }
    assert_eq!(
        update_line(&env),
        "Last update 2026-11-21 03:20 UTC (U2, 0s ago) · next due 2026-11-21 04:20 UTC (in 1h) · cadence 1h (severity 2 default)"
    );

    // The draft at 03:30: every line a fact of the log, the next update an hour on.
    env.set_now(&at("03:30"));
    env.quiet(&["option", "roll back the config"]);
    env.quiet(&["decide", "O1", "safest"]);
    env.quiet(&["stage", "identified"]);
    let document = std::fs::read(env.document_path(ID)).expect("the document");
    assert_eq!(
        env.ok(&["update", "--draft", "--format", "text"]),
        "Update: Checkout returns 502s (2026-11-21 03:30 UTC)\n\
         Severity 2 · open since 2026-11-21 02:40 UTC (50m)\n\
         \n\
         Impact:\n\
         - about 30% of EU checkouts fail (since 2026-11-21 02:31 UTC)\n\
         \n\
         What we know:\n\
         - Confirmed: bad config push\n\
         - Ruled out: database failover\n\
         \n\
         What we suspect:\n\
         - card provider outage\n\
         - pool <!channel> *exhausted* @here & _fast_\n\
         \n\
         What we are doing:\n\
         - Stage: identified\n\
         - Checking: query the provider status page\n\
         - Decided: roll back the config\n\
         \n\
         Next update by 2026-11-21 04:30 UTC.\n"
    );
    let markdown = env.ok(&["update", "--draft"]);
    assert!(
        markdown.contains("\n- Ruled out: database failover\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("\n**Next update:** by 2026-11-21 04:30 UTC\n"),
        "{markdown}"
    );
    // Slack's API: no Markdown backslash, and nothing typed pings or formats.
    let slack = env.ok(&["update", "--draft", "--format", "slack"]);
    assert!(!slack.contains('\\'), "{slack}");
    assert!(
        slack.starts_with("*Update:* Checkout returns 502s ("),
        "{slack}"
    );
    assert!(
        slack.contains("\n• Ruled out: database failover\n"),
        "{slack}"
    );
    assert!(
        slack.contains("&lt;!channel&gt;") && slack.contains("&amp;"),
        "{slack}"
    );
    for live in ["<!", "@here", "*exhausted*", "_fast_"] {
        assert!(!slack.contains(live), "{live} in {slack}");
    }
    for format in ["markdown", "slack", "text"] {
        let draft = env.ok(&["update", "--draft", "--format", format]);
        for internal in ["pg-internal-output", "echo", "uptime"] {
            assert!(!draft.contains(internal), "{internal} in {draft}");
        }
    }
    assert_eq!(
        std::fs::read(env.document_path(ID)).expect("the document"),
        document,
        "a draft records nothing"
    );

    // Off: nothing more falls due.
    env.set_now(&at("03:32"));
    assert_eq!(env.quiet(&["cadence", "off"]), "off");
    assert_eq!(
        update_line(&env),
        "Last update 2026-11-21 03:20 UTC (U2, 12m ago) · no update due · cadence off (E7)"
    );
    assert_eq!(overdue_warning(&env), None);
    let board = env.ok(&["status"]);

    env.set_now(&at("03:40"));
    env.quiet(&["close", "config rolled back"]);
    let report = env.ok(&["report"]);
    assert_eq!(
        section(&report, "## Communication"),
        "Updates sent:\n\
         \n\
         - **U1** 2026-11-21 02:55 UTC, to stakeholders: EU checkout degraded, rollback being prepared (by ana)\n\
         - **U2** 2026-11-21 03:20 UTC, to executives: rollback under way (by ana)\n\
         \n\
         The first went out 15m after the opening.\n\
         \n\
         Cadence set:\n\
         \n\
         - **E7** 2026-11-21 03:32 UTC: cadence off, no update due (by ana)\n\
         \n\
         Escalations:\n\
         \n\
         - **E2** 2026-11-21 02:50 UTC: called in Dana DBA (by ana): pool exhausted, need a DBA; engaged after 12m (N1, 2026-11-21 03:02 UTC)\n\
         \n\
         Retracted and left out: E3 (E5).\n"
    );
    assert!(
        report.contains("- 2026-11-21 02:50 UTC, **E2** escalation to Dana DBA: pool exhausted, need a DBA (by ana)\n"),
        "{report}"
    );
    let json = env.json(&["report", "--format", "json"]);
    assert_eq!(json["metrics"]["time_to_first_update"], 900);
    assert_eq!(entry(&json, "E2")["engaged_by"], "N1");
    assert_eq!(entry(&json, "E2")["time_to_engage"], 720);
    assert_eq!(json["last_update_at"], "2026-11-21T03:20:00Z");
    Night {
        board,
        report,
        json,
    }
}

/// The report with how long the `--run` took (`after 12ms`), the one thing no fixed
/// clock fixes, left out.
fn timed_apart(report: &str) -> String {
    let mut out = String::with_capacity(report.len());
    let mut rest = report;
    while let Some(at) = rest.find("after ") {
        let (before, after) = rest.split_at(at + "after ".len());
        out.push_str(before);
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && after[digits..].starts_with("ms") {
            out.push('N');
            rest = &after[digits..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn a_severity_1_night_on_a_fixed_clock_in_utc() {
    a_severity_1_night(&UTC);
}

/// In New York the receipts echo a typed time in the zone it was typed in; the board
/// and the reports name UTC, so they read the same there as in UTC, byte for byte.
#[test]
fn the_same_night_in_new_york_reads_the_same() {
    let utc = a_severity_1_night(&UTC);
    let new_york = a_severity_1_night(&NEW_YORK);
    assert_eq!(new_york.board, utc.board);
    assert_eq!(timed_apart(&new_york.report), timed_apart(&utc.report));
    let when = |json: &Value| -> Vec<(Value, Value)> {
        json["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|entry| (entry["id"].clone(), entry["current_at"].clone()))
            .collect()
    };
    assert_eq!(when(&new_york.json), when(&utc.json));
    assert_eq!(new_york.json["metrics"], utc.json["metrics"]);
}

/// Hostile text in updates and escalations: on the terminal escaped, in the report
/// text that adds no structure and pings no one.
#[test]
fn hostile_updates_and_escalations_stay_inert() {
    let env = TestEnv::new();
    env.quiet(&["open", "Checkout returns 502s", "--severity", "1"]);
    let text = "we\u{1b}[31m are\u{202e} on it\n# not a heading <!channel> @here *x*";
    let to = "#exec <!here>";
    let name = "Mal\u{1b}]0;pwned\u{7}lory";
    let outputs = [
        env.run(&["update", text, "--to", to]),
        env.run(&["escalate", name, "call\nnow <!channel>"]),
        env.run(&["log"]),
        env.run(&["show", "U1"]),
        env.run(&["show", "E2"]),
        env.run(&["status"]),
        env.run(&["status", "--format", "slack"]),
        env.run(&["update", "--draft", "--format", "text"]),
    ];
    for out in &outputs {
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            !raw_control(&out.stdout) && !raw_control(&out.stderr),
            "raw on the terminal: {:?}",
            out.stdout
        );
    }
    assert!(
        outputs[0].stdout.starts_with(
            "U1 recorded: to #exec <!here>: we\\x1b[31m are\\u{202e} on it ⏎ # not a heading"
        ),
        "{}",
        outputs[0].stdout
    );
    assert!(
        outputs[1]
            .stdout
            .starts_with("E2 recorded: called in Mal\\x1b]0;pwned\\x07lory: call ⏎ now"),
        "{}",
        outputs[1].stdout
    );
    // JSON keeps the text as typed.
    let json = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&json, "U1")["text"], text);
    assert_eq!(entry(&json, "U1")["to"], to);
    assert_eq!(entry(&json, "E2")["name"], name);

    let report = env.ok(&["report"]);
    let communication = section(&report, "## Communication");
    assert!(!raw_control(&report));
    assert!(communication.contains("\\*x\\*"), "{communication}");
    for (at, _) in communication.match_indices(['<', '#', '@']) {
        assert!(
            communication[..at].ends_with('\\'),
            "an unescaped {:?} in {communication}",
            &communication[at..=at]
        );
    }
    assert!(
        !communication.lines().any(|line| line.starts_with('#')),
        "{communication}"
    );
}

/// The team's directory on two laptops: filled, searched with a plural, edited offline
/// on both (an addition, a removal, a change of the same contact on each), synced both
/// ways twice until both list the same; the later change wins whoever syncs last. A
/// hostile contact is taken and shown inert.
#[test]
fn the_directory_filled_searched_merged_offline_and_inert() {
    let remote = Remote::new();
    let mut alice = machine(&remote, "alice");
    let mut bob = machine(&remote, "bob");
    alice.set_now(&at("03:00"));
    bob.set_now(&at("03:00"));
    for args in [
        &[
            "contact",
            "Dana DBA",
            "--reach",
            "+1 555 0100, #dba-oncall",
            "--covers",
            "database, postgres",
        ][..],
        &[
            "contact",
            "Ben",
            "--reach",
            "@ben on Slack",
            "--covers",
            "payments",
        ],
        &["contact", "Eve", "--reach", "pager 1", "--covers", "dns"],
    ] {
        alice.quiet(args);
    }
    let dana = "Dana DBA  +1 555 0100, #dba-oncall  (covers database, postgres)\n";
    assert_eq!(alice.ok(&["who", "databases"]), dana);
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    assert_eq!(bob.ok(&["contacts"]), alice.ok(&["contacts"]));

    // Offline: Alice adds Cara; Bob removes Ben; both change Eve, Bob first.
    alice.set_now(&at("03:05"));
    alice.quiet(&[
        "contact",
        "Cara",
        "--reach",
        "pager 4411",
        "--covers",
        "k8s",
    ]);
    bob.set_now(&at("03:06"));
    bob.quiet(&["contact", "Ben", "--remove"]);
    bob.set_now(&at("03:10"));
    bob.quiet(&["contact", "Eve", "--reach", "bob's word for Eve"]);
    alice.set_now(&at("03:20"));
    alice.quiet(&["contact", "Eve", "--reach", "alice's word for Eve"]);
    for _ in 0..2 {
        alice.ok(&["sync"]);
        bob.ok(&["sync"]);
    }
    let expected = "Cara      pager 4411  (covers k8s)\n\
                    Dana DBA  +1 555 0100, #dba-oncall  (covers database, postgres)\n\
                    Eve       alice's word for Eve  (covers dns)\n";
    assert_eq!(alice.ok(&["contacts"]), expected);
    assert_eq!(bob.ok(&["contacts"]), expected);
    assert_eq!(
        std::fs::read(alice.data_dir().join("contacts.json")).expect("alice's"),
        std::fs::read(bob.data_dir().join("contacts.json")).expect("bob's")
    );
    for env in [&alice, &bob] {
        assert_eq!(env.ok(&["who", "databases"]), dana);
        assert_eq!(env.quiet(&["who", "kubernetes"]), "Cara");
    }

    // Hostile text in a contact: taken, kept as typed, and inert on every screen.
    let name = "Mal\u{1b}[31mlory\u{202e}";
    let reach = "\u{1b}]0;pwned\u{7} call\nnow <!channel> @here *x*";
    alice.quiet(&["contact", name, "--reach", reach, "--covers", "database"]);
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    let id = bob.open("Checkout returns 502s");
    for args in [
        &["contacts"][..],
        &["contacts", "-q"],
        &["who", "database"],
        &["escalate", name, "pool exhausted"],
        &["log"],
        &["report"],
    ] {
        let out = bob.run(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(
            !raw_control(&out.stdout) && !raw_control(&out.stderr),
            "{args:?} let a raw character through: {:?}",
            out.stdout
        );
    }
    assert!(
        bob.ok(&["who", "database"]).contains(
            "Mal\\x1b[31mlory\\u{202e}  \\x1b]0;pwned\\x07 call ⏎ now <!channel> @here *x*"
        ),
        "{}",
        bob.ok(&["who", "database"])
    );
    let listed = bob.json(&["contacts"]);
    let mallory = listed
        .as_array()
        .expect("an array")
        .iter()
        .find(|contact| contact["name"] == name)
        .expect("the contact as typed");
    assert_eq!(mallory["reach"], reach);
    assert_eq!(entry(&bob.document(&id), "E1")["name"], name);
}

/// `incident` alone, typed at the shell a pager woke: the prompt, with the update
/// overdue; an update typed with a `;` and a `'` is recorded whole, and the prompt then
/// says when the next is due.
#[test]
#[ignore = "needs tmux; .ci/run installs it"]
fn incident_alone_typed_into_tmux_opens_the_prompt() {
    let env = TestEnv::new();
    env.quiet(&[
        "open",
        "Checkout returns 502s",
        "--severity",
        "1",
        "--at",
        "02:40",
    ]);
    let terminal = Terminal::at_a_shell(&env);
    shows(
        &terminal.enter("incident"),
        "checkout-returns-502s (investigating, sev 1, 0 standing, update overdue)> ",
    );
    let typed = "EU checkout degraded; rollback under way, it's the config";
    shows(&terminal.enter(&format!("update {typed}")), "U1 recorded");
    shows(
        &terminal.screen(),
        "checkout-returns-502s (investigating, sev 1, 0 standing, update due 04:00 UTC)> ",
    );
    terminal.press("C-d");
    terminal.wait_for_times("$ ", 2);
    terminal.type_text(r#"echo "[exit" "status $?]""#);
    terminal.press("Enter");
    assert_eq!(terminal.exit_status(), 0);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "U1")["text"], typed);
    assert_eq!(entry(&report, "U1")["to"], "stakeholders");
}
