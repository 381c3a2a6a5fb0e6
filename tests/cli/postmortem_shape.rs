//! The shape of a postmortem read by someone outside the team (issue 22): a day-long,
//! messy incident recorded on two machines sharing a remote (a duplicate incident merged
//! in, a stage typed at the wrong time and another by mistake, corrections after the
//! close, a summary written at the end), and its report as the commander pastes it: the
//! written summary first and free of bookkeeping, the key events a reader needs and no
//! more, a Timeline of events at the times they happened, and every correction and the
//! merge in the Record, and nowhere else.

use crate::env::{TestEnv, entry, lint_markdown, section};
use crate::sync::{Remote, assert_converged, machine};

const SUMMARY: &str = "A power loss at the PDX-04 data centre took the control plane down \
                       for every customer; we failed it over to the EU within 90 minutes, \
                       and analytics, which had no copy outside PDX-04, came back only when \
                       power did. No data was lost.";

/// The incident, as `ana` and `ben` record it on their own laptops, then the write-up.
struct Outage {
    ana: TestEnv,
    ben: TestEnv,
    id: String,
    duplicate: String,
    // Held so the remote outlives the machines.
    _remote: Remote,
}

/// Records `args` at the machine's clock `now` (UTC), printing the label or id.
#[track_caller]
fn at(env: &mut TestEnv, now: &str, args: &[&str]) -> String {
    env.set_now(now);
    env.quiet(args)
}

// One command a line, as the story was typed.
#[rustfmt::skip]
fn replay() -> Outage {
    let remote = Remote::new();
    let mut ana = machine(&remote, "ana");
    let mut ben = machine(&remote, "ben");
    let day1 = |time: &str| format!("2026-11-20 {time}");

    // 11:43, the building goes dark; ana is paged, ben opens his own incident for it.
    let now = "2026-11-20T11:52:00Z";
    let id = at(&mut ana, now, &["open", "Control plane API down", "--at", &day1("11:48"), "--severity", "2"]);
    at(&mut ana, now, &["symptom", "dashboard API returns 503 for every call", "--at", &day1("11:43")]);
    at(&mut ana, now, &["role", "commander", "ana", "--at", &day1("11:49")]);
    let duplicate = at(&mut ben, now, &["open", "Dashboard logins fail", "--at", &day1("11:50"), "--severity", "3"]);
    at(&mut ben, now, &["symptom", "dashboard login fails with 503", "--at", &day1("11:50")]);
    ben.ok(&["sync"]);
    ana.ok(&["sync"]);

    // The diagnosis: forty-seven minutes, three hypotheses.
    let now = "2026-11-20T12:40:00Z";
    at(&mut ana, now, &["hypothesis", "PDX-04 lost power", "--at", &day1("11:52")]);
    at(&mut ana, now, &["hypothesis", "bad deploy of the API gateway", "--at", &day1("11:53")]);
    at(&mut ana, now, &["hypothesis", "the database primary in PDX-04 is unreachable", "--at", &day1("11:54")]);
    at(&mut ana, now, &["test", "read the deploy log", "--for", "H2", "--at", &day1("11:55")]);
    at(&mut ana, now, &["result", "T1", "no deploy since Tuesday", "--rules-out", "--at", &day1("11:58")]);
    at(&mut ana, now, &["severity", "1", "every control plane API failing", "--at", &day1("12:00")]);
    let paged = at(&mut ana, now, &["note", "called the data centre's emergency line", "--key", "--at", &day1("12:02")]);
    assert_eq!(paged, "N1");
    at(&mut ana, now, &["test", "ask the data centre about PDX-04 power", "--for", "H1", "--at", &day1("12:05")]);
    at(&mut ana, now, &["result", "T2", "utility feed and generators both down", "--confirms", "H1", "--at", &day1("12:20")]);
    at(&mut ana, now, &["stage", "identified", "PDX-04 has no power", "--at", &day1("12:21")]);
    at(&mut ana, now, &["test", "connect to the database primary", "--for", "H3", "--at", &day1("12:25")]);
    at(&mut ana, now, &["result", "T3", "primary unreachable, replicas in PDX-02 healthy", "--confirms", "H3", "--at", &day1("12:30")]);
    // Ben's incident is the same outage: its severity 3 and symptom come in as E5 and S2.
    let merged = ana.ok(&["merge", &duplicate, "--why", "same outage, paged twice"]);
    assert!(merged.contains("E1 is now E5") && merged.contains("S1 is now S2"), "{merged}");
    at(&mut ana, now, &["option", "fail the control plane over to the EU data centres", "--consequence", "hours of work; the failover was never tested", "--at", &day1("12:35")]);
    at(&mut ana, now, &["option", "wait for power at PDX-04", "--consequence", "no estimate from the data centre", "--at", &day1("12:36")]);
    at(&mut ana, now, &["decide", "O1", "we cannot wait on the provider", "--at", &day1("12:38")]);
    ana.ok(&["sync"]);

    // Ben records the mitigation at 14:00 without --at: it happened at 13:10.
    ben.ok(&["sync"]);
    let then = "2026-11-20T14:00:00Z";
    let mitigated = at(&mut ben, then, &["-i", &id, "stage", "mitigated", "control plane serving from the EU"]);
    assert_eq!(mitigated, "E6");
    at(&mut ben, then, &["-i", &id, "note", "analytics still down; it has no copy outside PDX-04", "--at", &day1("13:55")]);
    ben.ok(&["sync"]);

    // The next morning ana, not having seen it, records the mitigation again; then power
    // comes back, and the close.
    ana.ok(&["sync"]);
    let again = at(&mut ana, "2026-11-21T09:30:00Z", &["stage", "mitigated", "failing back to PDX-04"]);
    assert_eq!(again, "E7");
    let then = "2026-11-21T12:15:00Z";
    at(&mut ana, then, &["note", "PDX-04 power restored", "--at", "2026-11-21 09:00"]);
    at(&mut ana, then, &["close", "failed back to PDX-04; analytics caught up", "--at", "2026-11-21 12:10"]);
    ana.ok(&["sync"]);

    // The write-up, the day after, on ben's laptop: corrections after the close, and the
    // postmortem facts.
    ben.ok(&["sync"]);
    let write_up = "2026-11-22T10:00:00Z";
    let ben_at = |ben: &mut TestEnv, args: &[&str]| {
        let mut with = vec!["-i", id.as_str()];
        with.extend_from_slice(args);
        at(ben, write_up, &with)
    };
    assert_eq!(ben_at(&mut ben, &["retract", "E7", "--why", "mitigated already at 13:10 the day before"]), "E8");
    assert_eq!(ben_at(&mut ben, &["amend", "E6", "--time", &day1("13:10")]), "E9");
    assert_eq!(ben_at(&mut ben, &["amend", "N1", "called the data centre's 24/7 emergency line"]), "E10");
    ben_at(&mut ben, &["impact", "the dashboard and API were down for every customer; analytics stopped", "--from", &day1("11:43"), "--to", "2026-11-21 12:05"]);
    ben_at(&mut ben, &["cause", "a utility power failure and a failed generator at PDX-04", "--trigger"]);
    ben_at(&mut ben, &["cause", "the control plane ran only in PDX-04 and its failover was never tested", "--root", "--hypothesis", "H3"]);
    ben_at(&mut ben, &["lesson", "the EU failover worked once started", "--went", "well"]);
    ben_at(&mut ben, &["action", "run the control plane across three sites", "--owner", "kim", "--due", "2027-03-31"]);
    assert_eq!(ben_at(&mut ben, &["retitle", "Control plane and analytics down after a data-centre power loss"]), "E11");
    assert_eq!(ben_at(&mut ben, &["summary", SUMMARY]), "E12");
    ben.ok(&["sync"]);
    ana.set_now("2026-11-22T10:30:00Z");
    ana.ok(&["sync"]);
    Outage {
        ana,
        ben,
        id,
        duplicate,
        _remote: remote,
    }
}

#[test]
fn a_day_long_messy_outage_reads_as_the_commander_would_paste_it() {
    let outage = replay();
    let (ana, id) = (&outage.ana, outage.id.as_str());
    // Both machines render it byte for byte the same.
    let json = assert_converged(&[&outage.ana, &outage.ben], id);
    let report = ana.ok(&["report", "-i", id]);

    // The header: the peak, and no downgrade to the duplicate's severity 3.
    assert!(
        report.starts_with("# Control plane and analytics down after a data-centre power loss\n"),
        "{report}"
    );
    assert!(
        report.contains("| Severity | 1 (1 is the most severe) |\n"),
        "{report}"
    );
    assert_eq!(json["severity"], 1);
    assert_eq!(json["peak_severity"], 1);
    // 24h 22m of impact, 24h 27m to resolve: exact to the minute.
    assert_eq!(json["metrics"]["time_to_resolve"], 24 * 3600 + 27 * 60);
    assert_eq!(json["impact_ended_at"], "2026-11-21T12:05:00Z");

    // The summary a person wrote opens the report, and that is all it says before the chart.
    let summary = section(&report, "## Summary");
    assert!(
        summary.starts_with(&format!("{SUMMARY}\n\n```mermaid\n")),
        "{summary}"
    );
    assert_eq!(json["summary"], SUMMARY);
    let (words, _chart) = summary.split_once("```mermaid").expect("a chart");
    for bookkeeping in [
        "merged",
        "Merged",
        &outage.duplicate,
        "E1",
        "I1:",
        "C2:",
        "\\\n",
    ] {
        assert!(!words.contains(bookkeeping), "{bookkeeping:?} in {words}");
    }
    let headings: Vec<&str> = report
        .lines()
        .filter(|line| line.starts_with("## "))
        .collect();
    assert_eq!(headings[..2], ["## Summary", "## Key events"]);
    assert_eq!(headings.last(), Some(&"## Record"));

    // The key events: the ones a reader outside the team needs, in order, and no others.
    assert_eq!(
        section(&report, "## Key events"),
        "- 2026-11-20 11:43 UTC, impact started
- 2026-11-20 11:48 UTC, opened at severity 2 (**E1**): Control plane and analytics down after a data-centre power loss
- 2026-11-20 12:00 UTC, **E3** severity 1: every control plane API failing
- 2026-11-20 12:02 UTC, **N1** note: called the data centre's 24/7 emergency line
- 2026-11-20 12:20 UTC, **H1** confirmed by **R2**: PDX-04 lost power
- 2026-11-20 12:21 UTC, **E4** stage identified: PDX-04 has no power
- 2026-11-20 12:30 UTC, **H3** confirmed by **R3**: the database primary in PDX-04 is unreachable
- 2026-11-20 12:38 UTC, **D1** decision for O1 (fail the control plane over to the EU data centres): we cannot wait on the provider
- 2026-11-20 13:10 UTC, **E6** stage mitigated: control plane serving from the EU
- 2026-11-21 12:05 UTC, impact ended
- 2026-11-21 12:10 UTC, closed: failed back to PDX-04; analytics caught up"
    );

    // The Timeline: every event at the time it happened, with its current text, a day at
    // a time; nothing dated at the write-up, no correction, no merge.
    let timeline = section(&report, "## Timeline");
    let (first_day, second_day) = timeline
        .strip_prefix("### 2026-11-20\n\n")
        .and_then(|rest| rest.split_once("\n\n### 2026-11-21\n\n"))
        .unwrap_or_else(|| panic!("a day at a time:\n{timeline}"));
    for line in [
        "- 11:43 UTC, **S1** symptom: dashboard API returns 503 for every call (by ana)",
        "- 11:48 UTC, opened at severity 2 (**E1**): Control plane and analytics down after a data-centre power loss (by ana)",
        "- 11:49 UTC, **E2** role commander to ana (by ana)",
        "- 11:50 UTC, **S2** symptom: dashboard login fails with 503 (by ben)",
        "- 11:55 UTC, **T1** test: read the deploy log (by ana)",
        "- 12:02 UTC, **N1** note: called the data centre's 24/7 emergency line (by ana)",
        "- 13:10 UTC, **E6** stage mitigated: control plane serving from the EU (by ben)",
        "- 13:55 UTC, **N2** note: analytics still down; it has no copy outside PDX-04 (by ben)",
    ] {
        assert!(
            first_day.lines().any(|shown| shown == line),
            "{line}\nnot in:\n{first_day}"
        );
    }
    assert_eq!(
        second_day,
        "- 09:00 UTC, **N3** note: PDX-04 power restored (by ana)
- 12:05 UTC, impact ended (I1)
- 12:10 UTC, closed: failed back to PDX-04; analytics caught up (by ana)"
    );
    for never in [
        "2026-11-22",
        "severity 3",
        "E5",
        "E7",
        "E8",
        "E9",
        "E10",
        "E11",
        "E12",
        "merged",
        "retract",
        "amend",
        "retitle",
        "summary",
        "failing back to PDX-04",
        "emergency line (by ana) (",
    ] {
        assert!(
            !timeline.contains(never),
            "{never:?} on the Timeline:\n{timeline}"
        );
    }
    assert!(
        first_day.find("**S2**") > first_day.find("**E2**"),
        "in order of time"
    );

    // Each correction, and the merge, in the Record: what, by whom, when.
    assert_eq!(
        section(&report, "## Record"),
        format!(
            "What was corrected or merged in this record, in the order it was done:

- 2026-11-20 12:40 UTC, merged in {} by ana: same outage, paged twice. It was opened at severity 3 (**E5**, 2026-11-20 11:50 UTC by ben)
- 2026-11-22 10:00 UTC, **E8** retract of **E7**, a stage, by ben: mitigated already at 13:10 the day before
- 2026-11-22 10:00 UTC, **E9** amend of **E6** by ben: time now 2026-11-20 13:10 UTC
- 2026-11-22 10:00 UTC, **E10** amend of **N1** by ben: now reads: called the data centre's 24/7 emergency line
- 2026-11-22 10:00 UTC, **E11** retitle by ben: Control plane and analytics down after a data-centre power loss (was: Control plane API down)
- 2026-11-22 10:00 UTC, **E12** summary written by ben",
            outage.duplicate
        )
    );
    // The write-up's date is the Record's alone.
    let (story, _) = report.split_once("\n## Record\n").expect("a Record");
    assert!(!story.contains("2026-11-22"), "{story}");

    // Every view marks what was marked a key event.
    assert_eq!(entry(&json, "N1")["key"], true);
    assert_eq!(entry(&json, "N2")["key"], false);
    let log = ana.ok(&["log", "-i", id, "--all"]);
    let marked: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("(key event)"))
        .collect();
    assert_eq!(marked.len(), 1, "{log}");
    assert_eq!(
        marked[0].split_whitespace().take(2).collect::<Vec<_>>(),
        ["N1", "note"]
    );
    assert!(
        ana.ok(&["show", "-i", id, "N1"])
            .starts_with("N1 note (key event) (amended)\n")
    );
}

/// The Google and PagerDuty templates open with the same summary and key events, and end
/// with the same Record; the chart is two pictures, the day and the diagnosis.
#[test]
fn every_template_opens_with_the_summary_and_ends_with_the_record() {
    let outage = replay();
    let (ana, id) = (&outage.ana, outage.id.as_str());
    let report = ana.ok(&["report", "-i", id]);
    for template in ["google", "pagerduty"] {
        let other = ana.ok(&["report", "-i", id, "--template", template]);
        let headings: Vec<&str> = other
            .lines()
            .filter(|line| line.starts_with("## "))
            .collect();
        assert_eq!(headings[..2], ["## Summary", "## Key events"], "{template}");
        assert_eq!(headings.last(), Some(&"## Record"), "{template}");
        for heading in ["## Summary", "## Key events", "## Timeline", "## Record"] {
            assert_eq!(
                section(&other, heading),
                section(&report, heading),
                "{template} {heading}"
            );
        }
    }
    let charts: Vec<&str> = report
        .split("```mermaid\n")
        .skip(1)
        .map(|chart| chart.split("```").next().unwrap_or_default())
        .collect();
    assert_eq!(charts.len(), 2, "{report}");
    assert!(
        charts[0].contains("    title Timeline (UTC)\n"),
        "{}",
        charts[0]
    );
    assert!(
        charts[0].contains("    axisFormat %a %H:%M\n"),
        "{}",
        charts[0]
    );
    // The day: the impact, the stages and the key events; the hypotheses are the
    // diagnosis chart's.
    for task in [
        "    Impact :crit, 2026-11-20T11:43:00, 2026-11-21T12:05:00\n",
        "    E3 severity 1 :milestone, 2026-11-20T12:00:00, 2026-11-20T12:00:00\n",
        "    N1 note :milestone, 2026-11-20T12:02:00, 2026-11-20T12:02:00\n",
        "    D1 decision :milestone, 2026-11-20T12:38:00, 2026-11-20T12:38:00\n",
    ] {
        assert!(charts[0].contains(task), "{task} in {}", charts[0]);
    }
    assert!(!charts[0].contains("section Hypotheses"), "{}", charts[0]);
    assert!(!charts[0].contains("E5"), "{}", charts[0]);
    // The diagnosis: 11:43 until the last hypothesis raised by then was settled, 12:30.
    assert!(
        charts[1].contains("    title Diagnosis (UTC)\n"),
        "{}",
        charts[1]
    );
    assert!(
        charts[1].contains("    axisFormat %H:%M\n"),
        "{}",
        charts[1]
    );
    for task in [
        "    Impact, continues :crit, 2026-11-20T11:43:00, 2026-11-20T12:30:00\n",
        "    Identified, continues :done, 2026-11-20T12:21:00, 2026-11-20T12:30:00\n",
        "    H1 confirmed :crit, 2026-11-20T11:52:00, 2026-11-20T12:20:00\n",
        "    H2 ruled out :done, 2026-11-20T11:53:00, 2026-11-20T11:58:00\n",
        "    H3 confirmed :crit, 2026-11-20T11:54:00, 2026-11-20T12:30:00\n",
        "    N1 note :milestone, 2026-11-20T12:02:00, 2026-11-20T12:02:00\n",
    ] {
        assert!(charts[1].contains(task), "{task} in {}", charts[1]);
    }
    assert!(
        !charts[1].contains("D1 decision"),
        "after the diagnosis: {}",
        charts[1]
    );
}

/// The same document renders byte for byte the same whatever the clock and the zone.
#[test]
fn the_report_is_the_same_whatever_the_clock_and_zone() {
    let outage = replay();
    let (ana, id) = (&outage.ana, outage.id.as_str());
    for template in ["ddx", "google", "pagerduty"] {
        let here = ana.ok(&["report", "-i", id, "--template", template]);
        let mut elsewhere = ana.command(&["report", "-i", id, "--template", template]);
        elsewhere
            .env("INCIDENT_NOW", "2027-06-01T08:00:00Z")
            .env("TZ", "Pacific/Auckland");
        let out = elsewhere.output().expect("the binary runs");
        assert_eq!(
            String::from_utf8(out.stdout).expect("UTF-8"),
            here,
            "{template}"
        );
    }
}

#[test]
#[ignore = "needs markdownlint-cli2 and git; .ci/run installs them"]
fn every_template_of_the_messy_outage_is_lint_clean() {
    let outage = replay();
    let (ana, id) = (&outage.ana, outage.id.as_str());
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut files = Vec::new();
    for template in ["ddx", "google", "pagerduty"] {
        let name = format!("{template}.md");
        let markdown = ana.ok(&["report", "-i", id, "--template", template]);
        std::fs::write(dir.path().join(&name), markdown).expect("the report is written");
        files.push(name);
    }
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    lint_markdown(dir.path(), &files);
}

/// Symptoms are told in the order they were observed: one noticed late and recorded with
/// `--at`, and one whose time was corrected, take their places in time.
#[test]
fn symptoms_read_in_the_order_they_were_observed() {
    let mut env = TestEnv::new();
    env.set_now("2026-11-21T03:00:00Z");
    env.open("Checkout returns 502s");
    assert_eq!(
        env.quiet(&["symptom", "502s on checkout", "--at", "02:40"]),
        "S1"
    );
    assert_eq!(
        env.quiet(&["symptom", "p99 latency 4s", "--at", "02:50"]),
        "S2"
    );
    // Noticed late: the first alert had fired before either.
    assert_eq!(
        env.quiet(&["symptom", "disk alert on db-2", "--at", "02:31"]),
        "S3"
    );
    // S2 was seen at 02:35, not 02:50.
    env.quiet(&["amend", "S2", "--time", "02:35"]);
    let report = env.ok(&["report"]);
    let symptoms: Vec<&str> = section(&report, "## Symptoms")
        .lines()
        .map(|line| line.split("**").nth(1).expect("a label in bold"))
        .collect();
    assert_eq!(symptoms, ["S3", "S2", "S1"], "{report}");
}
