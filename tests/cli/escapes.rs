//! The Markdown source as a person would type it: a long incident, replayed as engineers
//! type (arrows, paths, `&`, `<`, `~`, `|`, snake_case, @names and #123), comes out with
//! at most one escape per KB, and GitHub's parser and pandoc still read every text as it
//! was typed, with no structure of its own.

use std::path::Path;

use crate::env::{TestEnv, require_tool};

/// GitHub's 2018-10-21 outage, more than a hundred entries: `bench/escapes/outage.sh`,
/// which `bench/escapes/run` measures too.
fn outage() -> TestEnv {
    let mut env = TestEnv::new();
    env.set_now("2018-10-23T12:00:00Z");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/escapes/outage.sh");
    let script = std::fs::read_to_string(&script).expect("the replay script");
    let replayed = env.shell(&script).output().expect("bash runs");
    assert!(
        replayed.status.success(),
        "{}",
        String::from_utf8_lossy(&replayed.stderr)
    );
    env
}

/// The reports of every template.
fn reports(env: &TestEnv) -> Vec<(&'static str, String)> {
    ["ddx", "google", "pagerduty"]
        .into_iter()
        .map(|template| (template, env.ok(&["report", "--template", template])))
        .collect()
}

/// Escapes as a reader counts them: a backslash before an ASCII punctuation character
/// (`\\` is one).
fn escapes(markdown: &str) -> usize {
    let bytes = markdown.as_bytes();
    let (mut count, mut at) = (0, 0);
    while at + 1 < bytes.len() {
        if bytes[at] == b'\\' && bytes[at + 1].is_ascii_punctuation() {
            count += 1;
            at += 2;
        } else {
            at += 1;
        }
    }
    count
}

#[test]
fn escapes_are_counted_as_a_reader_counts_them() {
    assert_eq!(escapes(r"a \* b \\ c \d \"), 2);
    assert_eq!(escapes("line\\\nnext"), 0);
}

#[test]
fn a_long_incident_reads_as_typed_with_at_most_one_escape_per_kb() {
    let env = outage();
    let json = env.json(&["report", "--format", "json"]);
    let entries = json["entries"].as_array().expect("entries").len();
    assert!(entries > 100, "{entries} entries");
    for (template, markdown) in reports(&env) {
        let per_kb = escapes(&markdown) as f64 * 1024.0 / markdown.len() as f64;
        eprintln!(
            "{template}: {} escapes in {} bytes, {per_kb:.2} per KB",
            escapes(&markdown),
            markdown.len()
        );
        assert!(per_kb <= 1.0, "{template}: {per_kb:.2} per KB\n{markdown}");
    }
    let report = env.ok(&["report"]);
    // What an engineer types reads the same in the source.
    for typed in [
        "failed primaries over East -> West during a blip",
        "US East Coast hub <-> East DC",
        "git operations, issues & PRs: stale reads",
        "cross-coast latency ~60ms per write",
        "mysql_replication_lag > 30s on 14 clusters (mysql1, mysql3 & others)",
        "orchestrator-client -c topology -i mysql1 | grep -i primary",
        "error rate on POST /repos/:owner/:repo/issues at 12% (normally < 0.1%)",
        "s3://gh-mysql-backups/daily/ for mysql1 & mysql3",
        "internal updates in #incident-2018-10-21",
    ] {
        assert!(report.contains(typed), "{typed:?} in:\n{report}");
    }
    // Only what would notify, link or format is escaped.
    for escaped in [
        r"PR \#38221",
        r"(thanks \@dev)",
        r"https\://www\.githubstatus.com",
        r"SELECT count(\*) FROM",
        r"ran \`gh-ost",
    ] {
        assert!(report.contains(escaped), "{escaped:?} in:\n{report}");
    }
    // A line that would start a list inside the note stays a line of the note.
    assert!(
        report.contains("checked with support:\\\n  \\- ~300 tickets about missing pushes"),
        "{report}"
    );
}

/// Text a reader sees, as one line: runs of whitespace are one space.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#39;` back to the characters.
fn unescape_html(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Every piece of `html` between `open` and `close`.
fn between<'a>(html: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    html.split(open)
        .skip(1)
        .filter_map(|piece| piece.split_once(close).map(|(inside, _)| inside))
        .collect()
}

/// How many lines of the source (outside the chart) are what `is` says.
fn lines(markdown: &str, is: impl Fn(&str) -> bool) -> usize {
    let mut fenced = false;
    markdown
        .lines()
        .filter(|line| {
            fenced ^= line.starts_with("```");
            !fenced && is(line)
        })
        .count()
}

/// Runs a tool on a file and returns its stdout.
#[track_caller]
fn convert(tool: &Path, args: &[&str], file: &Path) -> String {
    let output = std::process::Command::new(tool)
        .args(args)
        .arg(file)
        .output()
        .expect("the tool runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The outage and a night of hostile text, read back by GitHub's parser (cmark-gfm with
/// GitHub's extensions) and by pandoc's GFM: every entry's text is there as typed; the
/// only structure is the report's own (its headings, lists, tables, ticket links, the
/// chart, the strike-through of ruled-out hypotheses).
#[test]
#[ignore = "needs cmark-gfm and pandoc; .ci/run installs them"]
fn github_and_pandoc_read_every_text_as_typed() {
    let env = outage();
    let cmark = require_tool("cmark-gfm");
    let pandoc = require_tool("pandoc");
    env.ok(&["reopen"]);
    let hostile = [
        "*bold* _it_ __init__ ~~struck~~ ~x~ <b>x</b> [l](http://e.example) ![i](x.png) &amp; &#35; $x$ :smile:",
        "@team #12 owner/repo#3 www.example.com https://x.example/a_b?c=1 ops@example.com <ops@example.com> <https://x.example>",
        "line one\n# two\n- three\n> four\n1. five\n---\n| a | b |\n|---|---|\n[x] six\n[1]: /seven\n    eight\n~~~\nnine \\",
        "a -> b <-> c <- d < 5 > 3, R&D, ~/path, snake_case, a * b, 2*3*4, x|y, `code`",
    ];
    for text in hostile {
        env.ok(&["note", text]);
    }
    env.ok(&["hypothesis", "cache ~/tmp *full* ~~or~~ not"]);
    env.ok(&["test", "look", "--for", "H6"]);
    env.ok(&["result", "T8", "no", "--rules-out", "H6"]);
    env.ok(&["close", "done ~x~ & *y*"]);
    let json = env.json(&["report", "--format", "json"]);
    let entries = json["entries"].as_array().expect("entries");
    let mut typed: Vec<String> = entries
        .iter()
        .filter(|entry| entry["retracted_by"].is_null())
        .map(|entry| entry["current_text"].as_str().expect("a text").to_string())
        .filter(|text| !text.is_empty())
        .collect();
    for field in ["title", "resolution"] {
        typed.push(json[field].as_str().expect("a text").to_string());
    }
    let ruled_out: Vec<String> = entries
        .iter()
        .filter(|entry| entry["kind"] == "hypothesis" && entry["status"] == "ruled-out")
        .map(|entry| squash(entry["current_text"].as_str().expect("a text")))
        .collect();
    assert_eq!(ruled_out.len(), 3, "{json}");
    let dir = tempfile::tempdir().expect("a temp dir");
    for (template, markdown) in reports(&env) {
        let file = dir.path().join(format!("{template}.md"));
        std::fs::write(&file, &markdown).expect("the report is written");
        let extensions = [
            "-e",
            "table",
            "-e",
            "strikethrough",
            "-e",
            "autolink",
            "-e",
            "tasklist",
        ];
        let html = convert(&cmark, &extensions, &file);
        let plain = convert(
            &cmark,
            &[&extensions[..], &["-t", "plaintext"]].concat(),
            &file,
        );
        let pandoc_html = convert(&pandoc, &["-f", "gfm", "-t", "html"], &file);
        let pandoc_plain = convert(&pandoc, &["-f", "gfm", "-t", "plain", "--wrap=none"], &file);
        // The full report holds every entry (the templates, a choice of them).
        if template == "ddx" {
            for (reader, plain) in [("cmark-gfm", &plain), ("pandoc", &pandoc_plain)] {
                let plain = squash(plain);
                for text in &typed {
                    let text = squash(text);
                    assert!(plain.contains(&text), "{reader}: {text:?} in\n{plain}");
                }
            }
        }
        for (reader, html) in [("cmark-gfm", &html), ("pandoc", &pandoc_html)] {
            for tag in ["<em>", "<img", "<blockquote", "<hr", "<b>", "<script"] {
                assert!(
                    !html.contains(tag),
                    "{reader}, {template}: {tag} in\n{html}"
                );
            }
            // Code only in the report's own blocks (the chart).
            assert_eq!(
                html.matches("<code").count(),
                html.matches("<pre").count(),
                "{reader}, {template}:\n{html}"
            );
            // Headings, list items and tables: as many as the source writes itself.
            let headings = lines(&markdown, |line| line.starts_with('#'));
            let headings_read = (1..=6)
                .map(|level| html.matches(&format!("<h{level}")).count())
                .sum::<usize>();
            assert_eq!(headings_read, headings, "{reader}, {template}:\n{html}");
            let items = lines(&markdown, |line| line.trim_start().starts_with("- "));
            assert_eq!(html.matches("<li").count(), items, "{reader}, {template}");
            let tables = lines(&markdown, |line| line.starts_with("| --- |"));
            assert_eq!(
                html.matches("<table").count(),
                tables,
                "{reader}, {template}"
            );
            // Links: only the report's own ticket links, and, in GitHub's parser, an
            // e-mail address, which it links after escapes are gone (no escape can stop
            // it: it finds addresses in the text once parsed).
            for link in between(html, "<a href=\"", "\"") {
                let own = link.starts_with("https://github.example.com/ops/orchestrator/");
                let address = reader == "cmark-gfm" && link == "mailto:ops@example.com";
                assert!(own || address, "{reader}, {template}: a link to {link}");
            }
            // Struck: the ruled-out hypotheses, nothing else.
            for struck in between(html, "<del>", "</del>") {
                let struck = squash(&unescape_html(struck));
                assert!(
                    ruled_out.contains(&struck),
                    "{reader}, {template}: {struck:?} struck"
                );
            }
        }
    }
}
