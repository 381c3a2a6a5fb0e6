//! The communication seat: stakeholder updates on a cadence (`update`, `cadence`), a draft
//! from the log (`update --draft`), whom was called in (`escalate`), and what the board,
//! the reports and the statistics make of them. The clock is fixed at 03:30 UTC.

use serde_json::json;

use crate::env::{TestEnv, entry, lint_markdown};

/// The board's line about updates: `Last update … · next due …`.
#[track_caller]
fn update_line(env: &TestEnv) -> String {
    let board = env.ok(&["status"]);
    board
        .lines()
        .find(|line| line.starts_with("Last update "))
        .unwrap_or_else(|| panic!("no update line on the board:\n{board}"))
        .to_string()
}

/// Whether the board warns that an update is overdue.
fn warns_overdue(env: &TestEnv) -> bool {
    env.ok(&["status"]).contains("[update-overdue]")
}

/// The body of a report's `## heading` section, up to the next one.
#[track_caller]
fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let start = markdown
        .find(&format!("\n{heading}\n\n"))
        .unwrap_or_else(|| panic!("no {heading} in {markdown}"));
    let body = &markdown[start + heading.len() + 3..];
    body.find("\n## ").map_or(body, |end| &body[..end])
}

#[test]
fn the_board_says_when_updates_fall_due_before_and_after_each_update_and_cadence() {
    let mut env = TestEnv::new();
    // Severity 1 from 02:40: an update every 30 minutes, the first due at 03:10.
    env.quiet(&[
        "open",
        "Checkout returns 502s",
        "--severity",
        "1",
        "--at",
        "02:40",
    ]);
    assert_eq!(
        update_line(&env),
        "Last update none yet · next due 2026-11-21 03:10 UTC (overdue by 20m) · cadence 30m (severity 1 default)"
    );
    assert!(env.ok(&["status"]).contains(
        "  ! a stakeholder update is overdue: it was due 2026-11-21 03:10 UTC [update-overdue]\n"
    ));

    // Sent at 03:20: the next is due half an hour after it.
    assert_eq!(
        env.quiet(&["update", "EU checkout degraded", "--at", "03:20"]),
        "U1"
    );
    assert_eq!(
        update_line(&env),
        "Last update 2026-11-21 03:20 UTC (U1, 10m ago) · next due 2026-11-21 03:50 UTC (in 20m) · cadence 30m (severity 1 default)"
    );
    assert!(!warns_overdue(&env));

    // Down to severity 2: hourly, from the last update.
    env.quiet(&["severity", "2", "--at", "03:25"]);
    assert_eq!(
        update_line(&env),
        "Last update 2026-11-21 03:20 UTC (U1, 10m ago) · next due 2026-11-21 04:20 UTC (in 50m) · cadence 1h (severity 2 default)"
    );

    // The executives want one every five minutes: the last is ten minutes old.
    assert_eq!(env.quiet(&["cadence", "5m"]), "5m");
    assert_eq!(
        update_line(&env),
        "Last update 2026-11-21 03:20 UTC (U1, 10m ago) · next due 2026-11-21 03:25 UTC (overdue by 5m) · cadence 5m (E3)"
    );
    assert!(warns_overdue(&env));
    let report = env.json(&["status"]);
    assert_eq!(report["update_cadence"], 300);
    assert_eq!(report["last_update_at"], "2026-11-21T03:20:00Z");
    assert_eq!(report["next_update_due"], "2026-11-21T03:25:00Z");
    assert_eq!(report["update_overdue"], true);
    let codes: Vec<&str> = report["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|warning| warning["code"].as_str().expect("a code"))
        .collect();
    assert!(codes.contains(&"update-overdue"), "{codes:?}");

    // A cadence set by hand holds when the severity changes again.
    env.quiet(&["severity", "1"]);
    assert!(update_line(&env).ends_with("· cadence 5m (E3)"));

    // Off: nothing falls due, nothing is overdue.
    assert_eq!(env.quiet(&["cadence", "off"]), "off");
    assert_eq!(
        update_line(&env),
        "Last update 2026-11-21 03:20 UTC (U1, 10m ago) · no update due · cadence off (E5)"
    );
    assert!(!warns_overdue(&env));
    assert_eq!(env.json(&["status"])["next_update_due"], json!(null));

    // Taken back, the cadences give way to the severity's default again.
    env.quiet(&["retract", "E5"]);
    assert!(update_line(&env).ends_with("(overdue by 5m) · cadence 5m (E3)"));
    env.quiet(&["retract", "E3"]);
    assert_eq!(
        update_line(&env),
        "Last update 2026-11-21 03:20 UTC (U1, 10m ago) · next due 2026-11-21 03:50 UTC (in 20m) · cadence 30m (severity 1 default)"
    );

    // At the minute it is due it is due, not late; a second later it is late.
    env.set_now("2026-11-21T03:50:00Z");
    assert!(update_line(&env).contains("next due 2026-11-21 03:50 UTC (due now)"));
    assert!(!warns_overdue(&env));
    env.set_now("2026-11-21T03:50:01Z");
    assert!(update_line(&env).contains("(overdue by 1s)"));
    assert!(warns_overdue(&env));

    // Closed: nothing more is due.
    env.quiet(&["close", "config rolled back"]);
    assert_eq!(
        update_line(&env),
        "Last update 2026-11-21 03:20 UTC (U1, 30m 1s ago)"
    );
    assert!(!warns_overdue(&env));
    assert_eq!(env.json(&["status"])["update_overdue"], false);
}

#[test]
fn a_board_with_no_update_due_and_none_sent_says_nothing_of_updates() {
    let env = TestEnv::new();
    env.quiet(&["open", "Slow dashboards", "--severity", "3"]);
    let board = env.ok(&["status"]);
    assert!(!board.contains("Last update"), "{board}");
    assert!(!board.contains("update-overdue"), "{board}");
    // Sent anyway, it is shown, with no update due at severity 3.
    env.quiet(&["update", "dashboards slow, no data lost"]);
    assert_eq!(
        update_line(&env),
        "Last update 2026-11-21 03:30 UTC (U1, 0s ago) · no update due · cadence none at severity 3"
    );
}

#[test]
fn an_update_prints_its_label_and_its_json_like_any_entry() {
    let env = TestEnv::new();
    let id = env.quiet(&["open", "Checkout returns 502s", "--severity", "1"]);
    assert_eq!(
        env.quiet(&["update", "EU checkout degraded", "--to", "executives"]),
        "U1"
    );
    assert_eq!(
        env.ok(&["update", "--to", "support", "rollback", "under", "way"]),
        "U2 recorded: to support: rollback under way\n  next update due 2026-11-21 04:00 UTC\n"
    );
    let receipt = env.json(&["update", "fix deployed, watching"]);
    assert_eq!(receipt["incident"], id.as_str());
    assert_eq!(receipt["id"], "U3");
    assert_eq!(receipt["kind"], "update");
    assert_eq!(receipt["to"], "stakeholders", "the default audience");
    assert_eq!(receipt["text"], "fix deployed, watching");
    assert_eq!(receipt["by"], "ana");
    let document = env.document(&id);
    assert_eq!(entry(&document, "U1")["to"], "executives");
    assert_eq!(entry(&document, "U1")["kind"], "update");
    assert_eq!(entry(&document, "U2")["text"], "rollback under way");
    // The log and `show` tell to whom.
    assert!(
        env.ok(&["log"])
            .contains("U1  update    2026-11-21 03:30  ana  to executives: EU checkout degraded\n")
    );
    assert!(env.ok(&["show", "U1"]).contains("executives"));
}

/// An update recorded late (`--at` an earlier time), or a cadence shorter than the time
/// since the last update, leaves the next one already due: the receipt says so, as the
/// board does, rather than name a time in the past as if it were ahead.
#[test]
fn a_receipt_says_when_the_next_update_is_already_late() {
    let env = TestEnv::new();
    env.quiet(&[
        "open",
        "Checkout returns 502s",
        "--severity",
        "1",
        "--at",
        "02:40",
    ]);
    assert_eq!(
        env.ok(&["update", "EU checkout degraded", "--at", "02:55"]),
        "U1 recorded: to stakeholders: EU checkout degraded (at 2026-11-21 02:55 +00:00)\n  \
         next update due 2026-11-21 03:25 UTC (overdue by 5m)\n"
    );
    assert_eq!(
        env.ok(&["cadence", "15m"]),
        "E2 recorded: updates due every 15m\n  next update due 2026-11-21 03:10 UTC (overdue by 20m)\n"
    );
    assert_eq!(
        env.ok(&["cadence", "35m"]),
        "E3 recorded: updates due every 35m\n  next update due 2026-11-21 03:30 UTC (due now)\n"
    );
    // Ahead, the time alone, as before.
    assert_eq!(
        env.ok(&["update", "rollback under way"]),
        "U2 recorded: to stakeholders: rollback under way\n  next update due 2026-11-21 04:05 UTC\n"
    );
}

/// `escalate` of someone in the directory says how to reach them: calling them is what
/// comes next. Anyone else is recorded as before.
#[test]
fn an_escalation_of_a_contact_says_how_to_reach_them() {
    let env = TestEnv::new();
    env.quiet(&[
        "contact",
        "Dana",
        "DBA",
        "--reach",
        "+1 555 0100, #dba-oncall",
        "--covers",
        "database",
    ]);
    env.open("Checkout returns 502s");
    // Named in any case, found; the name stays as typed in the log.
    assert_eq!(
        env.ok(&["escalate", "dana dba", "pool exhausted"]),
        "E1 recorded: called in dana dba: pool exhausted\n  \
         how to reach Dana DBA: +1 555 0100, #dba-oncall\n"
    );
    assert_eq!(env.ok(&["escalate", "Bob"]), "E2 recorded: called in Bob\n");
    assert_eq!(env.quiet(&["escalate", "Dana DBA"]), "E3");
    let receipt = env.json(&["escalate", "Dana DBA"]);
    assert_eq!(receipt["name"], "Dana DBA");
    // A directory that cannot be read leaves the line out, never the escalation.
    std::fs::write(env.data_dir().join("contacts.json"), "{").expect("write");
    assert_eq!(
        env.ok(&["escalate", "Dana DBA"]),
        "E5 recorded: called in Dana DBA\n"
    );
}

/// `escalate Dana DBA pool exhausted`, typed at 3AM without quotes, calls in the contact
/// Dana DBA for "pool exhausted", not someone named Dana for "DBA pool exhausted": a
/// contact's name of several words is taken whole, the longest in the directory first,
/// and her first entry engages the call. Any other name is the first word, as before.
#[test]
fn a_contact_of_several_words_is_called_in_without_quotes() {
    let env = TestEnv::new();
    for (name, reach) in [("Dana", "#dana"), ("Dana DBA", "+1 555 0100")] {
        env.quiet(&["contact", name, "--reach", reach]);
    }
    env.quiet(&["open", "Checkout returns 502s", "--at", "03:00"]);
    assert_eq!(
        env.ok(&[
            "escalate",
            "dana",
            "DBA",
            "pool",
            "exhausted",
            "--at",
            "03:05"
        ]),
        "E1 recorded: called in dana DBA: pool exhausted (at 2026-11-21 03:05 +00:00)\n  \
         how to reach Dana DBA: +1 555 0100\n"
    );
    env.quiet(&["note", "on the pool", "--by", "Dana DBA", "--at", "03:09"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "E1")["name"], "dana DBA");
    assert_eq!(entry(&report, "E1")["text"], "pool exhausted");
    assert_eq!(entry(&report, "E1")["time_to_engage"], 240);
    // A shorter name stands alone when what follows is no longer one.
    assert_eq!(
        env.ok(&["escalate", "Dana", "Bob", "is", "away"]),
        "E2 recorded: called in Dana: Bob is away\n  how to reach Dana: #dana\n"
    );
    assert_eq!(
        env.ok(&["escalate", "Bob", "Dana", "DBA", "is", "away"]),
        "E3 recorded: called in Bob: Dana DBA is away\n"
    );
}

#[test]
fn cadence_prints_the_cadence_and_alone_shows_the_one_in_force() {
    let env = TestEnv::new();
    env.quiet(&["open", "Checkout returns 502s", "--severity", "2"]);
    assert_eq!(env.ok(&["cadence"]), "1h (severity 2 default)\n");
    assert_eq!(env.quiet(&["cadence"]), "1h");
    assert_eq!(
        env.ok(&["cadence", "45m"]),
        "E2 recorded: updates due every 45m\n  next update due 2026-11-21 04:15 UTC\n"
    );
    assert_eq!(env.quiet(&["cadence", "1h30m"]), "1h 30m");
    assert_eq!(env.quiet(&["cadence", "1", "hour"]), "1h");
    let receipt = env.json(&["cadence", "90", "minutes"]);
    assert_eq!(receipt["id"], "E5");
    assert_eq!(receipt["kind"], "cadence");
    assert_eq!(receipt["every"], 5400);
    assert_eq!(env.ok(&["cadence"]), "1h 30m (E5)\n");
    assert_eq!(
        env.json(&["cadence"]),
        json!({
            "incident": "2026-11-21-checkout-returns-502s",
            "every": 5400,
            "set_by": "E5",
            "next_update_due": "2026-11-21T05:00:00Z",
        })
    );
    assert_eq!(
        env.ok(&["cadence", "OFF"]),
        "E6 recorded: updates no longer fall due (cadence off)\n"
    );
    assert_eq!(env.quiet(&["cadence"]), "off");
    assert!(
        env.ok(&["log"])
            .contains("E6  cadence   2026-11-21 03:30  ana  off\n")
    );
}

#[test]
fn typed_wrong_is_refused_and_nothing_is_recorded() {
    let env = TestEnv::new();
    let id = env.quiet(&["open", "Checkout returns 502s", "--severity", "1"]);
    env.quiet(&["update", "EU checkout degraded"]);
    let before = std::fs::read(env.document_path(&id)).expect("the document");
    for (args, says) in [
        (
            &["update", "--draft", "checkout", "down"][..],
            "takes no text",
        ),
        (&["update", "--draft", "--at", "03:00"], "records nothing"),
        (&["update", "--draft", "--by", "ben"], "records nothing"),
        (&["update", "--draft", "--to", "executives"], "--to"),
        (&["update", "checkout down", "--format", "slack"], "--draft"),
        (&["update", "--draft", "--format", "html"], "html"),
        (
            &["update", "checkout down", "--to", " "],
            "the audience needs a name",
        ),
        (&["update"], "empty"),
        (&["cadence", "soon"], "is not a duration"),
        (&["cadence", "-30m"], "is not a duration"),
        (&["cadence", "30m", "ago"], "is not a duration"),
        (&["cadence", "0m"], "use off"),
        (&["escalate", " "], "who was called needs a name"),
    ] {
        let error = env.fails(args, 2);
        assert!(error.contains(says), "{args:?}: {error}");
    }
    assert_eq!(
        std::fs::read(env.document_path(&id)).expect("the document"),
        before,
        "nothing was recorded"
    );
}

/// A night with every fact a draft reads, and some it must leave out.
fn a_night_to_report(env: &TestEnv) {
    env.quiet(&[
        "open",
        "Checkout returns 502s",
        "--severity",
        "1",
        "--at",
        "02:40",
    ]);
    for args in [
        &[
            "impact",
            "about 30% of EU checkouts fail",
            "--from",
            "02:31",
        ][..],
        &[
            "impact",
            "refunds delayed",
            "--from",
            "02:35",
            "--to",
            "03:00",
        ],
        &["hypothesis", "bad config push"],
        &["hypothesis", "database failover"],
        &["hypothesis", "card provider outage"],
        &["hypothesis", "a typo in the runbook"],
        &["retract", "H4"],
        &["test", "diff the config", "--for", "H1"],
        &[
            "result",
            "T1",
            "timeout changed from 30s to 3s",
            "--confirms",
            "H1",
        ],
        &["test", "query the provider status page", "--for", "H3"],
        &["option", "roll back the config"],
        &["decide", "O1", "safest"],
        &["option", "drain eu-west-1"],
        &["stage", "identified"],
        &["update", "EU checkout degraded", "--at", "03:05"],
    ] {
        env.quiet(args);
    }
    // Evidence of a command run is internal: its command and output stay out of a draft.
    let run = env.run(&[
        "test",
        "check the db primary's uptime",
        "--for",
        "H2",
        "--run",
        "echo secret-output",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env.quiet(&["result", "T3", "up 41 days", "--rules-out"]);
}

#[test]
fn a_draft_holds_the_facts_of_the_log_and_records_nothing() {
    let env = TestEnv::new();
    a_night_to_report(&env);
    let path = env.document_path("2026-11-21-checkout-returns-502s");
    let before = std::fs::read(&path).expect("the document");
    let draft = env.ok(&["update", "--draft"]);
    assert_eq!(
        draft,
        "**Update:** Checkout returns 502s (2026-11-21 03:30 UTC)\n\
         \n\
         Severity 1 · open since 2026-11-21 02:40 UTC (50m)\n\
         \n\
         **Impact:**\n\
         \n\
         - about 30% of EU checkouts fail (since 2026-11-21 02:31 UTC)\n\
         - refunds delayed (from 2026-11-21 02:35 to 2026-11-21 03:00 UTC)\n\
         \n\
         **What we know:**\n\
         \n\
         - Confirmed: bad config push\n\
         - Ruled out: database failover\n\
         \n\
         **What we suspect:**\n\
         \n\
         - card provider outage\n\
         \n\
         **What we are doing:**\n\
         \n\
         - Stage: identified\n\
         - Checking: query the provider status page\n\
         - Decided: roll back the config\n\
         \n\
         **Next update:** by 2026-11-21 04:00 UTC\n"
    );
    assert_eq!(
        env.ok(&["update", "--draft", "--format", "markdown"]),
        draft
    );
    assert_eq!(
        env.ok(&["update", "--draft", "--format", "text"]),
        "Update: Checkout returns 502s (2026-11-21 03:30 UTC)\n\
         Severity 1 · open since 2026-11-21 02:40 UTC (50m)\n\
         \n\
         Impact:\n\
         - about 30% of EU checkouts fail (since 2026-11-21 02:31 UTC)\n\
         - refunds delayed (from 2026-11-21 02:35 to 2026-11-21 03:00 UTC)\n\
         \n\
         What we know:\n\
         - Confirmed: bad config push\n\
         - Ruled out: database failover\n\
         \n\
         What we suspect:\n\
         - card provider outage\n\
         \n\
         What we are doing:\n\
         - Stage: identified\n\
         - Checking: query the provider status page\n\
         - Decided: roll back the config\n\
         \n\
         Next update by 2026-11-21 04:00 UTC.\n"
    );
    let slack = env.ok(&["update", "--draft", "--format", "slack"]);
    assert_eq!(
        slack,
        "*Update:* Checkout returns 502s (2026-11-21 03:30 UTC)\n\
         Severity 1 · open since 2026-11-21 02:40 UTC (50m)\n\
         \n\
         *Impact*\n\
         • about 30% of EU checkouts fail (since 2026-11-21 02:31 UTC)\n\
         • refunds delayed (from 2026-11-21 02:35 to 2026-11-21 03:00 UTC)\n\
         \n\
         *What we know*\n\
         • Confirmed: bad config push\n\
         • Ruled out: database failover\n\
         \n\
         *What we suspect*\n\
         • card provider outage\n\
         \n\
         *What we are doing*\n\
         • Stage: identified\n\
         • Checking: query the provider status page\n\
         • Decided: roll back the config\n\
         \n\
         *Next update:* by 2026-11-21 04:00 UTC\n"
    );
    for format in ["markdown", "slack", "text"] {
        let draft = env.ok(&["update", "--draft", "--format", format]);
        for internal in ["secret-output", "echo", "uptime", "runbook", "drain"] {
            assert!(!draft.contains(internal), "{internal} in {draft}");
        }
    }
    let json = env.json(&["update", "--draft", "--format", "slack"]);
    assert_eq!(json["incident"], "2026-11-21-checkout-returns-502s");
    assert_eq!(json["format"], "slack");
    assert_eq!(json["draft"], slack.as_str());
    assert_eq!(
        std::fs::read(&path).expect("the document"),
        before,
        "a draft records nothing"
    );
}

#[test]
fn a_draft_says_nothing_of_what_was_not_recorded() {
    let env = TestEnv::new();
    env.open("Slow dashboards");
    assert_eq!(
        env.ok(&["update", "--draft", "--format", "text"]),
        "Update: Slow dashboards (2026-11-21 03:30 UTC)\n\
         Open since 2026-11-21 03:30 UTC (0s)\n\
         \n\
         What we are doing:\n\
         - Stage: investigating\n"
    );
    // Closed: resolved, with the resolution, and no next update; a hypothesis never
    // settled is no suspicion in the last update, and the stage is the status line's.
    env.quiet(&["hypothesis", "a slow disk"]);
    env.quiet(&["close", "index rebuilt"]);
    assert_eq!(
        env.ok(&["update", "--draft", "--format", "text"]),
        "Update: Slow dashboards (2026-11-21 03:30 UTC)\n\
         Resolved 2026-11-21 03:30 UTC, after 0s\n\
         \n\
         What we did:\n\
         - Resolution: index rebuilt\n"
    );
}

#[test]
fn hostile_text_in_a_draft_stays_text_in_every_format() {
    let env = TestEnv::new();
    env.open("Checkout <b>down</b>");
    env.quiet(&["hypothesis", "<!channel> *bold* _it_ & @here\u{1b}[31m"]);
    env.quiet(&["hypothesis", "two\nlines"]);
    let markdown = env.ok(&["update", "--draft"]);
    assert!(
        markdown.contains("- \\<!channel> \\*bold\\* \\_it\\_ & \\@here\\\\x1b[31m\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("**Update:** Checkout \\<b>down\\</b>"),
        "{markdown}"
    );
    assert!(markdown.contains("- two\\\n  lines\n"), "{markdown}");

    // Slack's API: entities for `&`, `<` and `>`, no backslash, no ping.
    let slack = env.ok(&["update", "--draft", "--format", "slack"]);
    assert!(!slack.contains('\\'), "{slack}");
    assert!(
        slack.contains("• &lt;!channel&gt; ∗bold∗ ˍitˍ &amp; ＠here[U+001B][31m\n"),
        "{slack}"
    );
    assert!(
        slack.contains("*Update:* Checkout &lt;b&gt;down&lt;/b&gt;"),
        "{slack}"
    );

    // Plain text: as typed, but the terminal still never sees a raw control character.
    let text = env.ok(&["update", "--draft", "--format", "text"]);
    assert!(
        text.contains("- <!channel> *bold* _it_ & @here\\x1b[31m\n"),
        "{text}"
    );
    assert!(text.contains("- two\n  lines\n"), "{text}");
    assert!(text.starts_with("Update: Checkout <b>down</b> ("), "{text}");
    assert!(!text.contains('\u{1b}'));
}

#[test]
fn an_escalation_is_engaged_by_the_first_entry_of_the_one_called() {
    let env = TestEnv::new();
    let id = env.quiet(&["open", "Checkout returns 502s", "--at", "02:40"]);
    assert_eq!(
        env.ok(&[
            "escalate",
            "dba-oncall",
            "pool",
            "exhausted,",
            "need",
            "a",
            "DBA",
            "--at",
            "02:50"
        ]),
        "E1 recorded: called in dba-oncall: pool exhausted, need a DBA (at 2026-11-21 02:50 +00:00)\n"
    );
    assert_eq!(env.quiet(&["escalate", "Bob", "--at", "02:55"]), "E2");
    // Bob's note before he was called is no answer to the call.
    env.quiet(&["note", "saw the alert", "--by", "bob", "--at", "02:52"]);
    env.quiet(&[
        "note",
        "looking at the pool",
        "--by",
        "dba-oncall",
        "--at",
        "03:02",
    ]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "E1")["kind"], "escalation");
    assert_eq!(entry(&report, "E1")["name"], "dba-oncall");
    assert_eq!(entry(&report, "E1")["engaged_by"], "N2");
    assert_eq!(entry(&report, "E1")["time_to_engage"], 720);
    assert_eq!(entry(&report, "E2")["engaged_by"], json!(null));
    assert_eq!(entry(&report, "E2")["time_to_engage"], json!(null));
    let markdown = env.ok(&["report"]);
    assert_eq!(
        section(&markdown, "## Communication"),
        "Updates sent:\n\
         \n\
         Nothing recorded yet. To record it, run \"incident update TEXT --to AUDIENCE\".\n\
         \n\
         Escalations:\n\
         \n\
         - **E1** 2026-11-21 02:50 UTC: called in dba-oncall (by ana): pool exhausted, need a DBA; engaged after 12m (N2, 2026-11-21 03:02 UTC)\n\
         - **E2** 2026-11-21 02:55 UTC: called in Bob (by ana); not yet engaged\n"
    );
    // The name is matched in any case: BOB is Bob.
    env.quiet(&["note", "on it", "--by", "BOB", "--at", "03:10"]);
    let report = env.json(&["report", "--format", "json", "-i", &id]);
    assert_eq!(entry(&report, "E2")["engaged_by"], "N3");
    assert_eq!(entry(&report, "E2")["time_to_engage"], 900);
    assert!(
        env.ok(&["report"])
            .contains("called in Bob (by ana); engaged after 15m (N3, 2026-11-21 03:10 UTC)\n")
    );
}

/// A closed night with two updates, a cadence set by hand and an engaged escalation.
fn a_closed_night(env: &TestEnv) {
    env.quiet(&[
        "open",
        "Checkout returns 502s",
        "--severity",
        "1",
        "--at",
        "02:40",
    ]);
    for args in [
        &["update", "EU checkout degraded", "--at", "02:52"][..],
        &[
            "update",
            "fix rolling out",
            "--to",
            "executives",
            "--at",
            "03:20",
        ],
        &["cadence", "15m", "--at", "03:00"],
        &["escalate", "dba", "--at", "02:45"],
        &["note", "on the pool", "--by", "dba", "--at", "02:48"],
        &["close", "config rolled back", "--at", "03:25"],
    ] {
        env.quiet(args);
    }
}

#[test]
fn every_report_tells_the_updates_sent_and_the_escalations() {
    let env = TestEnv::new();
    a_closed_night(&env);
    let communication = "Updates sent:\n\
        \n\
        - **U1** 2026-11-21 02:52 UTC, to stakeholders: EU checkout degraded (by ana)\n\
        - **U2** 2026-11-21 03:20 UTC, to executives: fix rolling out (by ana)\n\
        \n\
        The first went out 12m after the opening.\n\
        \n\
        Cadence set:\n\
        \n\
        - **E2** 2026-11-21 03:00 UTC: an update due every 15m (by ana)\n\
        \n\
        Escalations:\n\
        \n\
        - **E3** 2026-11-21 02:45 UTC: called in dba (by ana); engaged after 3m (N1, 2026-11-21 02:48 UTC)\n";
    let markdown = env.ok(&["report"]);
    assert_eq!(section(&markdown, "## Communication"), communication);
    let order: Vec<usize> = ["## Timeline", "## Communication", "## Action items"]
        .iter()
        .map(|heading| markdown.find(heading).expect(heading))
        .collect();
    assert!(order.is_sorted(), "{markdown}");
    for template in ["google", "pagerduty"] {
        let report = env.ok(&["report", "--template", template]);
        assert_eq!(
            section(&report, "## Communication"),
            communication,
            "{template}"
        );
    }

    // The metric is the model's, the same number in JSON and Markdown.
    let json = env.json(&["report", "--format", "json"]);
    assert_eq!(json["metrics"]["time_to_first_update"], 720);
    assert!(
        markdown.contains("- Time to first update (from the opening): 12m\n"),
        "{markdown}"
    );
    assert_eq!(json["last_update_at"], "2026-11-21T03:20:00Z");
    assert_eq!(json["next_update_due"], json!(null), "closed: none due");

    // A closed incident's report is the same whatever the clock or the zone.
    let later = env
        .command(&["report"])
        .env("TZ", "Asia/Kolkata")
        .env("INCIDENT_NOW", "2026-11-23T12:00:00Z")
        .output()
        .expect("the report runs");
    assert_eq!(String::from_utf8_lossy(&later.stdout), markdown);

    // A retracted update counts nowhere: not listed, not the first.
    env.quiet(&["retract", "U1"]);
    let markdown = env.ok(&["report"]);
    let communication = section(&markdown, "## Communication");
    assert!(!communication.contains("**U1**"), "{communication}");
    assert!(
        communication.contains("The first went out 40m after the opening.\n"),
        "{communication}"
    );
    assert!(
        communication.contains("Retracted and left out: U1 (E4).\n"),
        "{communication}"
    );
    assert_eq!(
        env.json(&["report", "--format", "json"])["metrics"]["time_to_first_update"],
        2400
    );
}

#[test]
#[ignore = "needs markdownlint-cli2; .ci/run installs it"]
fn reports_with_updates_and_escalations_pass_markdownlint() {
    let env = TestEnv::new();
    a_closed_night(&env);
    env.quiet(&[
        "update",
        "# not a heading\n- not a list | not a cell <b>html</b> *em*",
        "--to",
        "#exec <team>",
        "--at",
        "03:22",
    ]);
    env.quiet(&["escalate", "*Dana*", "1. not a list", "--at", "03:23"]);
    env.quiet(&["cadence", "off", "--at", "03:24"]);
    let mut files = Vec::new();
    for template in ["ddx", "google", "pagerduty"] {
        let file = format!("{template}.md");
        let report = env.ok(&["report", "--template", template]);
        assert!(report.contains("## Communication\n"), "{report}");
        std::fs::write(env.home().join(&file), report).expect("the report is written");
        files.push(file);
    }
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    lint_markdown(env.home(), &files);
}

#[test]
fn stats_give_the_median_and_p90_of_time_to_first_update() {
    let env = TestEnv::new();
    // First updates 10, 20 and 40 minutes after the opening; one incident sent none,
    // and an open one does not count. By nearest rank over 600, 1200, 2400: the median
    // is rank 2, 1200; the p90 rank 3, 2400.
    for (day, first_update) in [
        (17, Some("10:10")),
        (18, Some("10:20")),
        (19, Some("10:40")),
        (20, None),
    ] {
        env.quiet(&[
            "open",
            &format!("Incident on day {day}"),
            "--at",
            &format!("2026-11-{day} 10:00"),
        ]);
        if let Some(at) = first_update {
            let at = format!("2026-11-{day} {at}");
            env.quiet(&["update", "we are on it", "--at", &at]);
            env.quiet(&[
                "update",
                "still on it",
                "--at",
                &format!("2026-11-{day} 11:30"),
            ]);
        }
        env.quiet(&["close", "--at", &format!("2026-11-{day} 12:00")]);
    }
    env.quiet(&["open", "Still going"]);
    env.quiet(&["update", "on it"]);
    let stats = env.json(&["stats"]);
    assert_eq!(
        stats["time_to_first_update"],
        json!({"median": 1200, "p90": 2400, "n": 3})
    );
    let text = env.ok(&["stats"]);
    let row = text
        .lines()
        .find(|line| line.contains("time to first update"))
        .unwrap_or_else(|| panic!("no first update row in {text}"));
    assert!(
        row.starts_with("  time to first update      20m      40m     3"),
        "{row}"
    );
    let markdown = env.ok(&["stats", "--format", "markdown"]);
    assert!(
        markdown.contains("| time to first update | 20m | 40m | 3 | too few to go by |\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("(time to first update from the opening)"),
        "{markdown}"
    );
}

/// A draft is headed with the minute it was drafted, as a person posts an update and as
/// every other time in it reads: never with the seconds of the clock.
#[test]
fn a_draft_is_headed_to_the_minute() {
    let mut env = TestEnv::new();
    env.set_now("2026-11-21T03:00:00Z");
    env.open("Checkout returns 502s");
    env.set_now("2026-11-21T03:30:42Z");
    let draft = env.ok(&["update", "--draft", "--format", "text"]);
    assert_eq!(
        draft.lines().next(),
        Some("Update: Checkout returns 502s (2026-11-21 03:30 UTC)"),
        "{draft}"
    );
}
