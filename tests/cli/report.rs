//! The post-incident report, as it would be pasted into a ticket.

use crate::env::TestEnv;

const SECTIONS: [&str; 6] = [
    "## Summary",
    "## Symptoms",
    "## Hypotheses",
    "## Tests and results",
    "## Timeline",
    "## Action items",
];

fn story(env: &TestEnv) -> String {
    let id = env.quiet(&["open", "Checkout returns 502s", "--at", "02:47"]);
    env.ok(&[
        "symptom",
        "5% of POST /checkout return 502",
        "--at",
        "02:45",
    ]);
    env.ok(&["symptom", "p99 latency 4s", "--at", "02:50", "--by", "ben"]);
    env.ok(&["hypothesis", "bad deploy", "--at", "02:52"]);
    env.ok(&["hypothesis", "DB pool exhausted", "--at", "02:53"]);
    env.ok(&["test", "roll back canary", "--for", "H1", "--at", "02:55"]);
    env.ok(&["test", "pool gauges", "--for", "H2", "--at", "02:56"]);
    env.ok(&[
        "result",
        "T1",
        "502s continue",
        "--rules-out",
        "--at",
        "03:05",
    ]);
    env.ok(&[
        "result",
        "T2",
        "pool 100/100",
        "--confirms",
        "H2",
        "--at",
        "03:10",
    ]);
    env.ok(&["action", "alert on pool saturation", "--owner", "ben"]);
    env.ok(&["close", "raised pool to 200", "--at", "03:25"]);
    id
}

fn headings(markdown: &str) -> Vec<&str> {
    markdown
        .lines()
        .filter(|line| line.starts_with("## "))
        .collect()
}

/// The contract's sections, in its order: Summary first, Key events right after it, the
/// others anywhere after Summary.
#[track_caller]
fn in_contract_order(markdown: &str) {
    let found = headings(markdown);
    assert_eq!(found[..2], ["## Summary", "## Key events"], "{markdown}");
    let required: Vec<&str> = found
        .iter()
        .copied()
        .filter(|heading| SECTIONS.contains(heading))
        .collect();
    assert_eq!(required, SECTIONS, "{markdown}");
}

#[test]
fn the_sections_stand_in_the_contract_order() {
    let env = TestEnv::new();
    story(&env);
    let markdown = env.ok(&["report"]);
    assert!(markdown.starts_with("# Checkout returns 502s\n"));
    in_contract_order(&markdown);
    assert!(
        markdown.ends_with(
            "- Time to resolve (from the impact start): 40m\n\
             - Time to first update (from the opening): no update sent\n"
        ),
        "{markdown}"
    );
}

#[test]
fn an_empty_incident_still_has_every_section() {
    let env = TestEnv::new();
    env.open("Nothing yet");
    let markdown = env.ok(&["report"]);
    in_contract_order(&markdown);
    assert!(markdown.contains("No symptoms recorded."), "{markdown}");
    assert!(markdown.contains("No hypotheses recorded."), "{markdown}");
    assert!(markdown.contains("No tests recorded."), "{markdown}");
    assert!(markdown.contains("No action items recorded."), "{markdown}");
    assert!(markdown.contains("still open"), "{markdown}");
}

#[test]
fn a_closed_report_is_byte_identical_whatever_the_clock_zone_and_directory() {
    let env = TestEnv::new();
    story(&env);
    let first = env.ok(&["report"]);
    let mut later = env.command(&["report"]);
    later
        .env("INCIDENT_NOW", "2027-03-01T12:00:00Z")
        .env("TZ", "Asia/Kolkata")
        .current_dir("/");
    let out = later.output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), first);
}

#[test]
fn times_are_utc() {
    let env = TestEnv::new().with_tz("Europe/Berlin");
    story(&env);
    let markdown = env.ok(&["report"]);
    // 02:45 typed in Berlin is 01:45 UTC.
    assert!(
        markdown.contains("- 2026-11-21 01:45 UTC, **S1** symptom: 5% of POST"),
        "{markdown}"
    );
}

#[test]
fn the_report_snapshot() {
    let env = TestEnv::new();
    story(&env);
    insta::assert_snapshot!(env.ok(&["report"]));
}

#[test]
fn output_to_a_file_prints_nothing() {
    let env = TestEnv::new();
    story(&env);
    let path = env.home().join("report.md");
    let mut command = env.command(&["report", "-o"]);
    command.arg(&path);
    let out = command.output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), env.ok(&["report"]));
    let missing = env.home().join("no/such/dir/report.md");
    let mut command = env.command(&["report", "-o"]);
    command.arg(&missing);
    assert_eq!(command.output().unwrap().status.code(), Some(1));
}

#[test]
fn user_text_cannot_add_structure() {
    let env = TestEnv::new();
    env.open("# Not a heading | not a cell");
    env.ok(&["symptom", "## fake section"]);
    env.ok(&["hypothesis", "a | b <script>x</script> [link](http://evil)"]);
    env.ok(&["note", "```"]);
    let markdown = env.ok(&["report"]);
    in_contract_order(&markdown);
    assert!(
        markdown.starts_with("# # Not a heading | not a cell\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| H1 | a \\| b \\<script>x\\</script> [link\\](http\\://evil) | Open |"),
        "{markdown}"
    );
    // The one fence is the report's own chart; the user's ``` stays text.
    assert_eq!(markdown.matches("\n```").count(), 2, "{markdown}");
    assert!(markdown.contains("\n```mermaid\ngantt\n"), "{markdown}");
    let without_chart = env.ok(&["report", "--no-chart"]);
    assert!(!without_chart.contains("\n```"), "{without_chart}");
}

/// markdownlint's default rules (line length aside) on a report full of hostile text.
#[test]
#[ignore = "needs markdownlint-cli2; .ci/run installs it"]
fn markdownlint_accepts_a_hostile_report() {
    let env = TestEnv::new();
    env.ok(&["open", "Payments down: EU *cards* fail!"]);
    let hostile = [
        "# heading? *bold* _it_ `code` ``` [x](y) ![i](z.png) <b>x</b> <!-- c -->",
        "&amp; a|b https://example.com/a_b?x=1. www.example.com ops@example.com $x$",
        "line one\n# two\n- three\n\n    four indented\n1. five\n---\n===\ttab\ntrailing\\",
        "> quote ~~strike~~ \\ back\r\n* star\n+ plus",
        "\u{a0}leading no-break space\u{1b}[31m and \u{202e} bidi",
    ];
    for text in hostile {
        let out = env.run_with_stdin(&["symptom", "-"], text);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let out = env.run_with_stdin(&["hypothesis", "-"], text);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    env.ok(&["test", "```", "--for", "H1,H2"]);
    env.ok(&[
        "result",
        "T1",
        "| a | b |",
        "--rules-out",
        "H1",
        "--confirms",
        "H2",
    ]);
    env.ok(&["action", "- [x] done\tlater", "--owner", "*bob*"]);
    env.ok(&["note", "---"]);
    env.ok(&["close", "1. rolled back"]);
    std::fs::write(env.home().join("report.md"), env.ok(&["report"])).unwrap();
    // Titles that repeat the report's own headings.
    for (number, title) in ["Summary", "T1", "Metrics."].iter().enumerate() {
        env.ok(&["open", title]);
        env.ok(&["test", "check", "-q"]);
        std::fs::write(
            env.home().join(format!("title-{number}.md")),
            env.ok(&["report"]),
        )
        .unwrap();
    }
    crate::env::lint_markdown(
        env.home(),
        &["report.md", "title-0.md", "title-1.md", "title-2.md"],
    );
}

#[test]
fn the_empty_report_snapshot() {
    let mut env = TestEnv::new();
    env.set_now("2026-11-21T02:47:00Z");
    env.open("Nothing recorded yet");
    env.set_now(crate::env::NOW);
    insta::assert_snapshot!(env.ok(&["report"]));
}

#[test]
fn output_through_a_symlink_and_into_a_fifo() {
    let env = TestEnv::new();
    env.open("Links and pipes");
    let expected = env.ok(&["report"]);
    let target = env.home().join("target.md");
    let link = env.home().join("link.md");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    env.ok(&["report", "-o", link.to_str().unwrap()]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), expected);

    let fifo = env.home().join("fifo");
    assert!(
        std::process::Command::new(crate::env::require_tool("mkfifo"))
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    env.ok(&["report", "-o", fifo.to_str().unwrap()]);
    assert_eq!(reader.join().unwrap(), expected);
}

#[test]
fn a_reopened_incident_can_restate_its_close_and_keeps_its_resolution() {
    let env = TestEnv::new();
    env.quiet(&["open", "Restated", "--at", "02:00"]);
    env.ok(&["hypothesis", "pool exhausted"]);
    env.ok(&[
        "close",
        "raised the pool",
        "--at",
        "02:40",
        "--root-cause",
        "H1",
    ]);
    env.ok(&["reopen"]);
    env.ok(&["note", "late note from the DBA"]);
    env.ok(&["close", "--at", "02:40"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(report["closed_at"], "2026-11-21T02:40:00Z");
    assert_eq!(report["resolution"], "raised the pool");
    assert_eq!(report["root_cause"], "H1");
    let markdown = env.ok(&["report"]);
    assert!(markdown.contains("| Duration | 40m |"), "{markdown}");
    assert!(
        markdown.contains("- **C1** pool exhausted; established by H1, which no result confirmed"),
        "{markdown}"
    );
}

#[test]
fn entries_backdated_before_the_opening_are_not_negative_durations() {
    let env = TestEnv::new();
    env.quiet(&["open", "Late ticket", "--at", "03:00"]);
    env.ok(&["hypothesis", "cache stampede", "--at", "02:40"]);
    let markdown = env.ok(&["report"]);
    assert!(
        markdown.contains(
            "- Time to first hypothesis (from the opening): 0s (the first hypothesis came \
             before the incident was opened)"
        ),
        "{markdown}"
    );
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(report["metrics"]["time_to_first_hypothesis"], 0);
}

#[test]
fn output_to_a_device_writes_to_it_and_never_replaces_it() {
    let env = TestEnv::new();
    env.open("Devices");
    // /dev/stdout is a link to a link to this process's pipe: written to, not replaced.
    let out = env.run(&["report", "-o", "/dev/stdout"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("# Devices\n"), "{}", out.stdout);
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn the_report_is_never_written_over_the_log() {
    let env = TestEnv::new();
    let id = env.open("Precious");
    env.ok(&["note", "keep me"]);
    let before = std::fs::read(env.document_path(&id)).unwrap();
    for target in [
        env.document_path(&id),
        env.data_dir().join("current"),
        env.data_dir().join("incidents").join("new.json"),
    ] {
        let stderr = env.fails(&["report", "-o", target.to_str().unwrap()], 1);
        assert!(stderr.contains("inside the data directory"), "{stderr}");
    }
    assert_eq!(std::fs::read(env.document_path(&id)).unwrap(), before);
    assert!(!env.data_dir().join("incidents").join("new.json").exists());
}

#[test]
fn the_timeline_keeps_recording_order_for_equal_times() {
    let env = TestEnv::new();
    env.open("Same second");
    env.ok(&["note", "first"]);
    env.ok(&["close"]);
    env.ok(&["note", "second"]);
    env.ok(&["reopen"]);
    env.ok(&["note", "third"]);
    env.ok(&["close"]);
    let markdown = env.ok(&["report"]);
    let timeline: Vec<&str> = markdown
        .split("## Timeline\n\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|line| line.starts_with("- "))
        .collect();
    let kinds: Vec<&str> = timeline
        .iter()
        .map(|line| {
            line.split(", ")
                .nth(1)
                .unwrap()
                .split([':', ' '])
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "opened", "**N1**", "closed", "**N2**", "reopened", "**N3**", "closed"
        ],
        "{markdown}"
    );
}
