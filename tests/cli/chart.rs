//! The report's one picture, drawn by mermaid itself: the charts of real incidents, logged
//! through the binary, go through mermaid-cli on chromium, and what it drew is checked.
//! mermaid-cli starts a browser, which takes seconds, so every chart is drawn in one run.

use std::path::Path;

use crate::env::{TestEnv, require_tool};

/// Text that would break a chart, or run in it, if any user text reached it.
const HOSTILE: &str = "`Pwned` : 1 # x ; y %%{init: {'theme':'forest'}}%%
click H1 call alert(1)
section Pwned
Pwned :crit, 2020-01-01, 1d
<img src=x onerror=alert(2)> <b>bold</b> ```";

/// The fenced ```mermaid blocks of a Markdown report, without their fences.
fn charts(markdown: &str) -> Vec<String> {
    let mut charts = Vec::new();
    let mut lines = markdown.lines();
    while lines.any(|line| line == "```mermaid") {
        let chart: Vec<&str> = lines.by_ref().take_while(|line| *line != "```").collect();
        charts.push(chart.join("\n") + "\n");
    }
    charts
}

/// The report's one chart.
#[track_caller]
fn chart(env: &TestEnv) -> String {
    let report = env.ok(&["report"]);
    let mut charts = charts(&report);
    assert_eq!(charts.len(), 1, "one chart in the report:\n{report}");
    charts.remove(0)
}

/// The task names a chart asks for, in order.
fn task_names(chart: &str) -> Vec<String> {
    chart
        .lines()
        .skip_while(|line| !line.trim_start().starts_with("section "))
        .filter(|line| !line.trim_start().starts_with("section "))
        .map(|line| {
            line.split(" :")
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        })
        .collect()
}

/// The texts of the SVG elements whose class starts with `class` (every text element
/// with `""`), in order.
fn texts(svg: &str, class: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .filter(|element| {
            class.is_empty()
                || element
                    .split_once('>')
                    .is_some_and(|(attributes, _)| attributes.contains(&format!("class=\"{class}")))
        })
        .map(|element| {
            let (_, body) = element.split_once('>').unwrap_or_default();
            let body = body.strip_prefix("<tspan").map_or(body, |tspan| {
                tspan.split_once('>').map_or(tspan, |(_, text)| text)
            });
            body.split('<')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        })
        .collect()
}

/// Draws every chart in one mermaid-cli run, as a Markdown file of mermaid blocks, on
/// chromium; returns each drawing's SVG.
#[track_caller]
fn draw(dir: &Path, charts: &[String]) -> Vec<String> {
    let mmdc = require_tool("mmdc");
    let chromium = require_tool("chromium");
    let puppeteer = serde_json::json!({
        "executablePath": chromium,
        "args": ["--no-sandbox"],
    });
    std::fs::write(dir.join("puppeteer.json"), puppeteer.to_string()).expect("config written");
    let markdown: String = charts
        .iter()
        .enumerate()
        .map(|(number, chart)| format!("# Chart {number}\n\n```mermaid\n{chart}```\n\n"))
        .collect();
    std::fs::write(dir.join("charts.md"), markdown).expect("charts written");
    let drawing = std::process::Command::new(mmdc)
        .args(["--quiet", "-p", "puppeteer.json", "-i", "charts.md"])
        .args(["-o", "drawn.md"])
        .env("TZ", "UTC")
        .current_dir(dir)
        .output()
        .expect("mmdc runs");
    assert!(
        drawing.status.success(),
        "mmdc failed:\n{}{}",
        String::from_utf8_lossy(&drawing.stdout),
        String::from_utf8_lossy(&drawing.stderr)
    );
    (1..=charts.len())
        .map(|number| {
            let path = dir.join(format!("drawn-{number}.svg"));
            std::fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("mmdc drew no {}: {error}", path.display()))
        })
        .collect()
}

/// Logs an incident through the binary.
type Story = fn(&TestEnv);

/// The night most incidents look like: impact, four hypotheses, two ruled out, two
/// confirmed, mitigated, closed.
fn checkout_502s(env: &TestEnv) {
    env.ok(&["open", "Checkout returns 502s", "--at", "02:47"]);
    env.ok(&["symptom", "checkout 502 rate at 30%", "--at", "02:41"]);
    env.ok(&["hypothesis", "the 02:30 deploy broke it", "--at", "02:52"]);
    env.ok(&[
        "hypothesis",
        "the database is out of connections",
        "--at",
        "02:54",
    ]);
    env.ok(&[
        "hypothesis",
        "the card processor is degraded",
        "--at",
        "02:55",
    ]);
    env.ok(&["test", "status page", "--for", "H3", "--at", "02:58"]);
    env.ok(&["result", "T1", "all green", "--rules-out", "--at", "03:01"]);
    env.ok(&[
        "test",
        "roll back one canary",
        "--for",
        "H1",
        "--at",
        "03:04",
    ]);
    env.ok(&["test", "count connections", "--for", "H2", "--at", "03:08"]);
    env.ok(&[
        "result",
        "T3",
        "pool at 500",
        "--confirms",
        "H2",
        "--at",
        "03:14",
    ]);
    env.ok(&[
        "result",
        "T2",
        "canary fails too",
        "--rules-out",
        "--at",
        "03:16",
    ]);
    env.ok(&["stage", "identified", "--at", "03:14"]);
    env.ok(&[
        "hypothesis",
        "a batch job holds connections",
        "--at",
        "03:18",
    ]);
    env.ok(&["test", "sessions by client", "--for", "H4", "--at", "03:20"]);
    env.ok(&[
        "result",
        "T4",
        "export holds 420",
        "--confirms",
        "H4",
        "--at",
        "03:24",
    ]);
    env.ok(&["stage", "mitigated", "export paused", "--at", "03:25"]);
    env.ok(&[
        "impact",
        "about 4,100 orders failed",
        "--from",
        "02:41",
        "--to",
        "03:27",
    ]);
    env.ok(&[
        "close",
        "export moved to the replica",
        "--root-cause",
        "H2",
        "--at",
        "03:29",
    ]);
}

/// Still open, begun the evening before: a hunt across midnight, one guess retracted.
fn overnight_replication_lag(env: &TestEnv) {
    env.ok(&["open", "Replica lag", "--at", "2026-11-20 22:50"]);
    env.ok(&[
        "symptom",
        "replica 40 minutes behind",
        "--at",
        "2026-11-20 22:40",
    ]);
    env.ok(&[
        "hypothesis",
        "a long transaction",
        "--at",
        "2026-11-20 23:05",
    ]);
    env.ok(&["hypothesis", "typed in the wrong incident", "--at", "23:10"]);
    env.ok(&["retract", "H2", "--why", "wrong incident"]);
    env.ok(&[
        "hypothesis",
        "disk saturation on the replica",
        "--at",
        "00:20",
    ]);
    env.ok(&["test", "iostat", "--for", "H3", "--at", "00:25"]);
    env.ok(&["result", "T1", "disk idle", "--rules-out", "--at", "00:25"]);
    env.ok(&["stage", "mitigated", "--at", "02:10"]);
    env.ok(&["note", "watching it drain", "--at", "03:05"]);
}

/// A long hunt: fifteen guesses, one confirmed.
fn long_hunt(env: &TestEnv) {
    env.ok(&["open", "Flaky logins", "--at", "01:00"]);
    for minute in 0..15 {
        let at = format!("01:{:02}", 10 + minute * 2);
        env.ok(&["hypothesis", "a guess", "--at", &at]);
    }
    let all: Vec<String> = (1..=15).map(|number| format!("H{number}")).collect();
    env.ok(&["test", "bisect", "--for", &all.join(","), "--at", "01:45"]);
    env.ok(&[
        "result",
        "T1",
        "it is H15",
        "--confirms",
        "H15",
        "--at",
        "02:00",
    ]);
    let rest = all[..14].join(",");
    env.ok(&[
        "result",
        "T1",
        "not the rest",
        "--rules-out",
        &rest,
        "--at",
        "02:05",
    ]);
    env.ok(&["close", "--at", "02:30"]);
}

/// A day-long outage whose diagnosis took 35 minutes: drawn on one axis, the hunt would
/// be slivers, so the report draws the day and, apart, the diagnosis.
fn day_long_outage(env: &TestEnv) {
    let day1 = |time: &str| format!("2026-11-20 {time}");
    env.ok(&[
        "open",
        "Control plane down",
        "--at",
        &day1("02:00"),
        "--severity",
        "2",
    ]);
    env.ok(&["symptom", "API returns 503", "--at", &day1("01:55")]);
    env.ok(&["hypothesis", "power loss", "--at", &day1("02:05")]);
    env.ok(&["hypothesis", "bad deploy", "--at", &day1("02:06")]);
    env.ok(&["hypothesis", "a cache stampede", "--at", &day1("02:07")]);
    env.ok(&["test", "deploy log", "--for", "H2", "--at", &day1("02:08")]);
    env.ok(&["severity", "1", "--at", &day1("02:10")]);
    env.ok(&[
        "result",
        "T1",
        "no deploy",
        "--rules-out",
        "--at",
        &day1("02:12"),
    ]);
    env.ok(&[
        "test",
        "ask the data centre",
        "--for",
        "H1",
        "--at",
        &day1("02:14"),
    ]);
    env.ok(&[
        "note",
        "paged the provider",
        "--key",
        "--at",
        &day1("02:20"),
    ]);
    env.ok(&[
        "result",
        "T2",
        "no power",
        "--confirms",
        "H1",
        "--at",
        &day1("02:30"),
    ]);
    env.ok(&["stage", "identified", "--at", &day1("02:31")]);
    env.ok(&["option", "fail over to the EU", "--at", &day1("02:38")]);
    env.ok(&["decide", "O1", "--at", &day1("02:40")]);
    env.ok(&["stage", "mitigated", "--at", &day1("04:00")]);
    env.ok(&[
        "impact",
        "every API call failed",
        "--from",
        &day1("01:55"),
        "--to",
        "2026-11-21 02:50",
    ]);
    env.ok(&[
        "close",
        "power back, failed back",
        "--at",
        "2026-11-21 03:00",
    ]);
}

/// Hostile text in every field a user types.
fn hostile(env: &TestEnv) {
    let stdin = |args: &[&str]| {
        let out = env.run_with_stdin(args, HOSTILE);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    };
    env.ok(&[
        "open",
        "`Pwned` : click H1 call alert(1) %%",
        "--at",
        "02:00",
    ]);
    for kind in ["symptom", "hypothesis", "note"] {
        stdin(&[kind, "-", "--at", "02:10"]);
    }
    stdin(&["test", "-", "--for", "H1", "--at", "02:15"]);
    stdin(&["result", "T1", "-", "--confirms", "H1", "--at", "02:20"]);
    stdin(&["stage", "mitigated", "-", "--at", "02:25"]);
    stdin(&["impact", "-", "--from", "02:05", "--to", "02:30"]);
    stdin(&["cause", "-", "--root", "--hypothesis", "H1"]);
    stdin(&["close", "-", "--at", "02:40"]);
}

#[test]
#[ignore = "needs mmdc and chromium; .ci/run installs them"]
fn mermaid_draws_every_chart_with_the_reports_words_only() {
    let stories: [(Story, &[&str]); 4] = [
        (
            checkout_502s,
            &[
                "Impact",
                "Investigating",
                "Identified",
                "Mitigated",
                "Resolved",
                "H1 ruled out",
                "H2 confirmed",
                "H3 ruled out",
                "H4 confirmed",
            ],
        ),
        (
            overnight_replication_lag,
            &[
                "Impact",
                "Investigating",
                "Mitigated",
                "H1 open",
                "H3 ruled out",
            ],
        ),
        (long_hunt, &[]),
        (
            hostile,
            &[
                "Impact",
                "Investigating",
                "Mitigated",
                "Resolved",
                "H1 confirmed",
            ],
        ),
    ];
    let envs: Vec<TestEnv> = stories
        .iter()
        .map(|(story, _)| {
            let env = TestEnv::new();
            story(&env);
            env
        })
        .collect();
    let mut charts: Vec<String> = envs.iter().map(chart).collect();
    let day = TestEnv::new();
    day_long_outage(&day);
    let day_and_diagnosis = self::charts(&day.ok(&["report"]));
    assert_eq!(day_and_diagnosis.len(), 2, "{day_and_diagnosis:?}");
    charts.extend(day_and_diagnosis.iter().cloned());
    let drawings = draw(envs[0].home(), &charts);

    let expected_tasks = stories
        .iter()
        .map(|(_, expected)| *expected)
        .chain([&[][..], &[][..]]);
    let titles = ["Timeline (UTC)"; 5].into_iter().chain(["Diagnosis (UTC)"]);
    for (((expected, title), chart), svg) in expected_tasks.zip(titles).zip(&charts).zip(&drawings)
    {
        // mermaid writes the bars in order of start time, whatever their rows.
        let sorted = |mut names: Vec<String>| {
            names.sort();
            names
        };
        let drawn = sorted(texts(svg, "taskText"));
        assert_eq!(
            drawn,
            sorted(task_names(chart)),
            "mermaid drew every task of:\n{chart}"
        );
        if !expected.is_empty() {
            let expected = expected.iter().map(|name| name.to_string()).collect();
            assert_eq!(drawn, sorted(expected), "{chart}");
        }
        assert_eq!(texts(svg, "titleText"), [title], "{chart}");
        assert!(!svg.contains("NaN"), "every time was understood:\n{chart}");
        assert!(!texts(svg, "sectionTitle").is_empty(), "{chart}");
    }
    let [checkout, overnight, hunt, hostile, day, diagnosis] = &drawings[..] else {
        unreachable!("six drawings")
    };
    // The day: its impact, stages and key events over two days; the hunt has its own.
    assert_eq!(
        texts(day, "sectionTitle"),
        ["Impact", "Response", "Key events"]
    );
    assert!(
        day.contains(">Fri 12:00</text>"),
        "an axis of days and hours"
    );
    let milestones = texts(day, "taskText");
    // E1, the severity it was opened at, is no change: the chart begins at the opening.
    assert!(
        !milestones.contains(&"E1 severity 2".to_string()),
        "{milestones:?}"
    );
    for name in ["E2 severity 1", "N1 note", "D1 decision"] {
        assert!(
            milestones.contains(&name.to_string()),
            "{name}: {milestones:?}"
        );
    }
    assert_eq!(
        texts(diagnosis, "sectionTitle"),
        ["Impact", "Response", "Hypotheses", "Key events"]
    );
    assert!(diagnosis.contains(">02:15</text>"), "an axis of minutes");
    let hunt_bars = texts(diagnosis, "taskText");
    for name in [
        "H1 confirmed",
        "H2 ruled out",
        "H3 open, continues",
        "Impact, continues",
    ] {
        assert!(
            hunt_bars.contains(&name.to_string()),
            "{name}: {hunt_bars:?}"
        );
    }
    assert_eq!(
        texts(checkout, "sectionTitle"),
        ["Impact", "Response", "Hypotheses"]
    );
    assert!(checkout.contains(">03:00</text>"), "an axis of hours");
    assert!(
        overnight.contains(">Sat 00:00</text>"),
        "across midnight the axis names the day"
    );
    let hunt_rows = texts(hunt, "taskText");
    let hypothesis_rows = hunt_rows
        .iter()
        .filter(|row| row.starts_with('H') || row.contains(" more "))
        .count();
    assert!(
        hunt_rows.contains(&"H15 confirmed".to_string()) && hypothesis_rows == 12,
        "a long hunt stays readable: {hunt_rows:?}"
    );
    assert!(
        hunt_rows.iter().any(|row| row.ends_with(" more ruled out")),
        "{hunt_rows:?}"
    );
    let words = texts(hostile, "");
    for fragment in [
        "Pwned", "alert", "onerror", "forest", "<img", "<b>", "`", "%%", "#", ";", "click",
    ] {
        assert!(
            !charts[3].contains(fragment),
            "{fragment} reached the chart"
        );
        assert!(
            words.iter().all(|word| !word.contains(fragment)),
            "{fragment} reached the drawing: {words:?}"
        );
    }
    // mermaid's own stylesheet says `clickable`; the user's words are nowhere.
    for word in ["Pwned", "alert", "onerror", "forest"] {
        assert!(!hostile.contains(word), "{word} is in the SVG");
    }
}

#[test]
fn no_chart_leaves_it_out_and_the_rest_of_the_report_is_the_same() {
    let env = TestEnv::new();
    checkout_502s(&env);
    let with_chart = env.ok(&["report"]);
    let without = env.ok(&["report", "--no-chart"]);
    assert_eq!(charts(&with_chart).len(), 1, "{with_chart}");
    assert!(!without.contains("```mermaid"), "{without}");
    assert!(!without.contains("gantt"), "{without}");
    let chart = format!("```mermaid\n{}```\n\n", chart(&env));
    assert_eq!(with_chart.replacen(&chart, "", 1), without);
}

#[test]
fn a_closed_incident_draws_the_same_chart_whatever_the_clock() {
    let mut env = TestEnv::new();
    checkout_502s(&env);
    let tonight = chart(&env);
    env.set_now("2027-03-01T12:00:00Z");
    assert_eq!(chart(&env), tonight);
    let mut open = TestEnv::new();
    overnight_replication_lag(&open);
    let now = chart(&open);
    open.set_now("2026-11-21T09:00:00Z");
    assert_eq!(
        chart(&open),
        now,
        "an open incident ends at its log's latest moment"
    );
}
