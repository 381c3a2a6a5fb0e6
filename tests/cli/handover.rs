//! The handover for people joining: `status --format can` (Markdown) and
//! `status --format slack` (Slack mrkdwn), read as someone paged in at 4AM reads them.

use crate::env::{TestEnv, a_night_on_checkout};

#[test]
fn the_can_handover_snapshot() {
    let env = TestEnv::new();
    a_night_on_checkout(&env);
    insta::assert_snapshot!(env.ok(&["status", "--format", "can"]));
}

#[test]
fn the_slack_handover_snapshot() {
    let env = TestEnv::new();
    a_night_on_checkout(&env);
    insta::assert_snapshot!(env.ok(&["status", "--format", "slack"]));
}

#[test]
fn a_joiner_sees_what_is_ruled_out_and_does_not_re_check_it() {
    let env = TestEnv::new();
    a_night_on_checkout(&env);
    for handover in [
        env.ok(&["status", "--format", "can"]),
        env.ok(&["status", "--format", "slack"]),
    ] {
        let ruled_out = after(&handover, "Already ruled out");
        assert!(
            ruled_out.contains(
                "Hypothesis H2: database failover — ruled out by R1 (T2) at 2026-11-21 02:55 UTC: primary up 41 days, no failover"
            ),
            "{handover}"
        );
        // Confirmed is confirmed, never the root cause until one is recorded.
        assert!(!handover.contains("Root cause"), "{handover}");
        assert!(
            handover.contains("Hypothesis H1 (confirmed): bad config push at 02:30"),
            "{handover}"
        );
        // Retracted entries never appear; amended ones show their current text.
        for gone in [
            "H5",
            "the database failed over",
            "N5",
            "wrong incident",
            "A4",
            "wrong team",
        ] {
            assert!(!handover.contains(gone), "{gone} in {handover}");
        }
        assert!(handover.contains("p99 latency 4.2s"), "{handover}");
        assert!(!handover.contains("p99 latency 4s"), "{handover}");
        // The last three notes, with times; the earlier one is counted, not shown.
        assert!(!handover.contains("paged the payments team"), "{handover}");
        assert!(
            handover.contains("Note N4 at 2026-11-21 03:20 UTC by ana: watching the EU dashboards"),
            "{handover}"
        );
        assert!(handover.contains("1 earlier note, in `incident log`"));
    }
}

#[test]
fn needs_now_are_apart_from_the_follow_ups() {
    let env = TestEnv::new();
    a_night_on_checkout(&env);
    let can = env.ok(&["status", "--format", "can"]);
    let now = between(&can, "### Now\n", "### After the incident\n");
    assert_eq!(
        now,
        "\n- The result of T3, in progress (under Actions)\n\
         - A decision on option O2: drain eu-west-1-c (consequence: less capacity until morning)\n\
         - A test for H4: noisy neighbour on eu-west-1\n\n"
    );
    let later = after(&can, "### After the incident\n");
    assert_eq!(
        later,
        "\n- Action A1: add a config canary (owner: ben), due 2026-11-28, ticket <https://jira.example.com/OPS-12>\n\
         - Action A2: alert on timeout changes (no owner yet), no due date\n"
    );
    assert!(!can.contains("status page update"), "done: {can}");

    // Past its due date, an open action says so; once closed, nothing is needed now.
    let mut env = env;
    env.set_now("2026-11-29T09:00:00Z");
    env.quiet(&["close", "rolled back the config", "--root-cause", "H1"]);
    let can = env.ok(&["status", "--format", "can"]);
    assert!(
        can.contains("- Root cause H1: bad config push at 02:30\n"),
        "{can}"
    );
    assert!(
        can.contains("### Now\n\n- Nothing: the incident is closed\n"),
        "{can}"
    );
    assert!(can.contains("due 2026-11-28, overdue"), "{can}");
}

#[test]
#[ignore = "needs markdownlint-cli2; .ci/run installs it"]
fn the_can_handover_passes_markdownlint() {
    let env = TestEnv::new();
    a_night_on_checkout(&env);
    let full = env.ok(&["status", "--format", "can"]);
    std::fs::write(env.home().join("can.md"), &full).unwrap();

    let empty = TestEnv::new();
    empty.open("Summary");
    let bare = empty.ok(&["status", "--format", "can"]);
    std::fs::write(env.home().join("bare.md"), &bare).unwrap();

    let hostile = TestEnv::new();
    write_hostile_night(&hostile);
    let hostile = hostile.ok(&["status", "--format", "can"]);
    std::fs::write(env.home().join("hostile.md"), &hostile).unwrap();

    crate::env::lint_markdown(env.home(), &["can.md", "bare.md", "hostile.md"]);
}

/// Text typed in the middle of the night that would format, ping, break out of a code
/// block or drive the terminal if it were pasted raw.
const HOSTILE: [&str; 8] = [
    "*bold* and _italic_ and ~struck~",
    "<!channel> wake up <@U123> <https://evil.example|click>",
    "@here @channel @everyone ping",
    "```\nrm -rf /\n```",
    "\u{1b}[31mred\u{1b}[0m and \u{7} bell and \u{202e}reversed",
    "fish & chips > 3 < 5",
    "> quoted\n• bullet\n# heading",
    "C:\\temp\\new",
];

fn write_hostile_night(env: &TestEnv) {
    // `-q` first: after `--` every word is text.
    let record = |args: &[&str]| env.ok(&[&["-q"], args].concat());
    record(&["open", "*Checkout* <!here>", "--at", "02:40"]);
    for text in HOSTILE {
        record(&["symptom", "--", text]);
    }
    record(&["hypothesis", "--", HOSTILE[0]]);
    record(&["hypothesis", "--", HOSTILE[1]]);
    record(&["test", "--for", "H1", "--", HOSTILE[2]]);
    record(&["result", "T1", "--rules-out", "--", HOSTILE[3]]);
    record(&["note", "--", HOSTILE[4]]);
    record(&["role", "commander", "--", HOSTILE[2]]);
    record(&["action", "--owner", "@here", "--", HOSTILE[5]]);
    record(&["option", "--consequence", "<!channel>", "--", HOSTILE[6]]);
}

#[test]
fn hostile_text_stays_inert_in_slack() {
    let env = TestEnv::new();
    write_hostile_night(&env);
    let slack = env.ok(&["status", "--format", "slack"]);
    // Slack shows a backslash as typed: none may come from escaping. The only ones are
    // those the user typed, in `C:\temp\new`.
    assert_eq!(slack.matches('\\').count(), 2, "{slack}");
    assert!(slack.contains("C:\\temp\\new"), "{slack}");
    // Nothing typed can open a mention, a link or a channel ping: `<` and `>` are only
    // ever escaped, and every `&` starts one of Slack's three escapes.
    assert!(!slack.contains('<') && !slack.contains('>'), "{slack}");
    for (at, _) in slack.match_indices('&') {
        let rest = &slack[at..];
        assert!(
            ["&amp;", "&lt;", "&gt;"]
                .iter()
                .any(|escape| rest.starts_with(escape)),
            "a raw & at {at}: {slack}"
        );
    }
    assert!(
        slack.contains("&lt;!channel&gt; wake up &lt;＠U123&gt;"),
        "{slack}"
    );
    assert!(slack.contains("fish &amp; chips &gt; 3 &lt; 5"), "{slack}");
    // Plain mentions cannot ping: their `@` is the fullwidth look-alike.
    for ping in ["@here", "@channel", "@everyone"] {
        assert!(!slack.contains(ping), "{ping} in {slack}");
    }
    assert!(
        slack.contains("＠here ＠channel ＠everyone ping"),
        "{slack}"
    );
    assert!(slack.contains("(owner: ＠here)"), "{slack}");
    // No formatting of its own, no code block, no quote or bullet line from a user.
    assert!(
        slack.contains("∗bold∗ and ˍitalicˍ and ∼struck∼"),
        "{slack}"
    );
    assert!(!slack.contains('`') || only_own_code(&slack), "{slack}");
    assert!(slack.contains("ˋˋˋ ⏎ rm -rf / ⏎ ˋˋˋ"), "{slack}");
    assert!(
        slack.contains("&gt; quoted ⏎ • bullet ⏎ # heading"),
        "{slack}"
    );
    for line in slack.lines() {
        assert!(
            !line.starts_with('#') && !line.starts_with("&gt;") && !line.starts_with('|'),
            "a line Slack would format: {line:?}"
        );
    }
    // No terminal control character reaches the paste, and none is lost.
    assert!(
        !slack
            .chars()
            .any(|c| c.is_control() && c != '\n' || c == '\u{202e}'),
        "{slack:?}"
    );
    assert!(
        slack.contains("[U+001B][31mred[U+001B][0m and [U+0007] bell and [U+202E]reversed"),
        "{slack}"
    );
    assert!(
        slack.starts_with("*Handover:* ∗Checkout∗ &lt;!here&gt;\n"),
        "{slack}"
    );
}

#[test]
fn hostile_text_stays_inert_in_the_can_handover() {
    let env = TestEnv::new();
    write_hostile_night(&env);
    let can = env.ok(&["status", "--format", "can"]);
    assert!(
        can.contains("\\*bold\\* and \\_italic\\_ and ~struck\\~"),
        "{can}"
    );
    assert!(can.contains("\\<!channel> wake up <\\@U123>"), "{can}");
    assert!(!can.contains("\n```"), "{can}");
    assert!(
        !can.chars().any(|c| c == '\u{1b}' || c == '\u{202e}'),
        "{can:?}"
    );
    // Every heading is the handover's own.
    let headings: Vec<&str> = can.lines().filter(|line| line.starts_with('#')).collect();
    assert_eq!(
        headings,
        [
            "# Handover: \\*Checkout\\* \\<!here>",
            "## Condition",
            "### Already ruled out",
            "## Actions",
            "## Needs",
            "### Now",
            "### After the incident",
        ]
    );
}

#[test]
fn json_is_refused_with_the_handover_formats() {
    let env = TestEnv::new();
    env.open("Checkout 502s");
    for format in ["can", "slack"] {
        let stderr = env.fails(&["status", "--format", format, "--json"], 2);
        assert!(
            stderr.contains(&format!("--format {format} is for people")),
            "{stderr}"
        );
    }
}

/// The only code in the Slack handover is the tool's own: `incident log`.
fn only_own_code(slack: &str) -> bool {
    slack.matches('`').count() == 2 * slack.matches("`incident log`").count()
}

/// What follows the first line holding `title`.
#[track_caller]
fn after<'a>(text: &'a str, title: &str) -> &'a str {
    let start = text
        .find(title)
        .unwrap_or_else(|| panic!("no {title:?} in {text}"));
    let rest = &text[start..];
    &rest[rest.find('\n').map_or(rest.len(), |end| end + 1)..]
}

/// What stands between `from` and `to`.
#[track_caller]
fn between<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let rest = after(text, from.trim_end());
    &rest[..rest
        .find(to)
        .unwrap_or_else(|| panic!("no {to:?} in {rest}"))]
}

/// An update overdue is asked for like every other need, as a line starts, with when it
/// was due and how late it is.
#[test]
fn the_handover_asks_for_the_overdue_update() {
    let env = TestEnv::new();
    env.quiet(&[
        "open",
        "Checkout returns 502s",
        "--severity",
        "1",
        "--at",
        "02:40",
    ]);
    env.quiet(&["hypothesis", "bad config push"]);
    env.quiet(&["test", "diff the config", "--for", "H1"]);
    let ask = "A stakeholder update: it was due 2026-11-21 03:10 UTC, overdue by 20m\n";
    let can = env.ok(&["status", "--format", "can"]);
    assert!(
        can.contains(&format!(
            "### Now\n\n- The result of T1, in progress (under Actions)\n- {ask}"
        )),
        "{can}"
    );
    let slack = env.ok(&["status", "--format", "slack"]);
    assert!(slack.contains(&format!("• {ask}")), "{slack}");
    // Sent: nothing more is asked.
    env.quiet(&["update", "EU checkout degraded"]);
    assert!(
        !env.ok(&["status", "--format", "can"])
            .contains("stakeholder update"),
        "asked for an update just sent"
    );
}
