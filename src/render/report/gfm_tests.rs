//! The Markdown report read back by a real GFM parser (comrak), for incidents full of
//! hostile text: the report's structure is its own, and every text reads as typed.

use chrono::{DateTime, Duration, Utc};
use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options, parse_document};
use proptest::prelude::*;
use uuid::Uuid;

use super::render;
use incident_core::model::{Body, HypothesisStatus, Incident, Kind, Label, NewEntry, Stamp};
use incident_core::sanitize;

fn gfm() -> Options<'static> {
    let mut options = Options::default();
    options.extension.strikethrough = true;
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    options.extension.footnotes = true;
    options.extension.math_dollars = true;
    // As pandoc's GFM and GitHub do, `:smile:` becomes 😄 unless its colon is escaped.
    options.extension.shortcodes = true;
    options
}

/// What a reader sees of a node: text, soft breaks as spaces, hard breaks and the ends of
/// paragraphs as newlines.
fn plain<'a>(node: &'a AstNode<'a>) -> String {
    let mut text = String::new();
    for child in node.children() {
        match &child.data().value {
            NodeValue::Text(literal) => text.push_str(literal),
            NodeValue::Code(code) => text.push_str(&code.literal),
            NodeValue::SoftBreak => text.push(' '),
            NodeValue::LineBreak => text.push('\n'),
            _ => text.push_str(&plain(child)),
        }
        if matches!(child.data().value, NodeValue::Paragraph) {
            text.push('\n');
        }
    }
    text
}

/// Runs of whitespace read as one space; rendering may not keep them, a reader cannot
/// tell them apart anyway.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// User text as the report must show it: hidden characters escaped, the rest as typed.
fn shown(text: &str) -> String {
    squash(&sanitize::for_terminal(&text.replace("\r\n", "\n")))
}

/// As `squash`, but line breaks stay: for places where multi-line text keeps its lines.
fn squash_lines(text: &str) -> String {
    let lines: Vec<String> = text.replace("\r\n", "\n").split('\n').map(squash).collect();
    lines.join("\n").trim_matches('\n').to_string()
}

/// The lines of a text that hold something.
fn non_blank(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|line| !line.is_empty()).collect();
    lines.join("\n")
}

/// User text as a list item or paragraph must show it, line by line.
fn shown_lines(text: &str) -> String {
    squash_lines(&sanitize::for_terminal(&text.replace("\r\n", "\n")))
}

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "*",
            "**",
            "_",
            "__",
            "`",
            "```",
            "~~~",
            "~~",
            "[a](b)",
            "![i](x.png)",
            "<b>",
            "</b>",
            "<!-- c -->",
            "<script>",
            "&amp;",
            "&#9;",
            "&",
            "|",
            "||",
            "#",
            "## ",
            "> ",
            "- ",
            "+ ",
            "* ",
            "1. ",
            "2) ",
            "---",
            "===",
            "***",
            "\\",
            "\\\n",
            "\n",
            "\n\n",
            "\r\n",
            "\t",
            "    ",
            " ",
            "🔥",
            "مرحبا",
            "\u{1b}[31m",
            "\u{7}",
            "\u{202e}",
            "\u{0}",
            "$x$",
            "@team",
            "#12",
            "www.example.com",
            "https://x.io/a_b?c=1",
            "ops@example.com",
            "ftp://f.example.com/x",
            "mailto:ops@example.com",
            "xmpp:ops@example.com",
            "http://a.b/c_(d)",
            "&amp;b=2",
            "HTTPS://X.IO",
            "[^1]",
            "[x] ",
            ":smile:",
            ":+1:",
            ":-1:",
            ":100:",
            ":white_check_mark:",
            ":fire:wink:",
            ":",
            "10:30:45",
            "a:b",
            "\u{200b}",
            "\u{200d}",
            "\u{feff}",
            "\u{ad}",
            "\u{2060}",
            "\u{180e}",
            "a",
            "word",
            ".",
            "!",
            "(",
            ")",
            "{",
            "}",
            "\u{a0}",
            // What engineers type, which the source leaves bare where it can.
            "->",
            "<->",
            "<-",
            "< 5",
            "<5",
            "> ",
            "R&D",
            "&x;",
            "&#123;",
            "&#x1F;",
            "&copy",
            "&amp",
            "&#35",
            "~/",
            "~",
            "x~",
            "~x",
            "~~x~~",
            "a_b",
            "_a",
            "a_",
            "snake_case",
            "__init__",
            "a * b",
            "2*3*4",
            "count(*)",
            "$5",
            "$$",
            "US$5",
            "#123",
            "owner/repo#1",
            "C#",
            " #",
            "@name",
            "(@name)",
            "<1@x.io>",
            "<ops@example.com>",
            "<https://x.io>",
            "www.",
            "https://www.x.io",
            "s3://b/k",
            "db:5432",
            "ps aux | grep x",
            "--|--",
            "| a |\n|---|\n",
            ":-:",
            "\n=\n",
            "\n-\n",
            "\n- - -\n",
            "\n* x",
            "\n1) x",
            "\n    code",
            "\n~~~\n",
            "\n```\n",
            "\n<div>\n",
            "\n[x] ",
            "\n[1]: /url",
            "\n[^1]: note",
            "(a)[b]",
            "[a][b]",
            "[a]: b",
            "\\*",
            "\\`",
            "`x`",
            "``",
            "\u{3000}",
            "\u{2028}",
            "\u{85}",
            "«»",
            "‐",
            "€",
        ])
        .prop_map(str::to_string),
        "[ -~]{1,6}",
        "[!-/:-@\\[-`{-~]{1,4}",
        "\\PC{1,4}",
    ]
}

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 1..7)
        .prop_map(|parts| parts.concat())
        .prop_filter("entries have text", |text| !text.trim().is_empty())
}

/// A planned test: its text, which hypotheses it targets, and its results, each with a
/// verdict on the first target (0 none, 1 rules out, 2 confirms).
type PlannedTest = (String, Vec<usize>, Vec<(String, u8)>);

#[derive(Debug, Clone)]
struct Plan {
    title: String,
    names: Vec<String>,
    symptoms: Vec<String>,
    hypotheses: Vec<String>,
    tests: Vec<PlannedTest>,
    notes: Vec<String>,
    actions: Vec<(String, Option<String>)>,
    resolution: Option<Option<String>>,
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        hostile(),
        prop::collection::vec(hostile(), 1..3),
        prop::collection::vec(hostile(), 0..3),
        prop::collection::vec(hostile(), 0..4),
        prop::collection::vec(
            (
                hostile(),
                prop::collection::vec(0usize..4, 0..3),
                prop::collection::vec((hostile(), 0u8..3), 0..3),
            ),
            0..3,
        ),
        prop::collection::vec(hostile(), 0..2),
        prop::collection::vec((hostile(), prop::option::of(hostile())), 0..3),
        prop::option::of(prop::option::of(hostile())),
    )
        .prop_map(
            |(title, names, symptoms, hypotheses, tests, notes, actions, resolution)| Plan {
                title,
                names,
                symptoms,
                hypotheses,
                tests,
                notes,
                actions,
                resolution,
            },
        )
}

fn build(plan: &Plan) -> Incident {
    let start: DateTime<Utc> = "2026-11-21T02:00:00Z".parse().expect("a time");
    let mut minute = 0;
    let mut next_time = || {
        minute += 1;
        start + Duration::minutes(minute)
    };
    let stamp = |at| Stamp {
        uuid: Uuid::nil(),
        at,
        recorded_at: at,
        by: plan.names[0].clone(),
        key: false,
    };
    let mut incident = Incident::new("2026-11-21-x".into(), plan.title.clone(), stamp(start));
    let record = |incident: &mut Incident, body: Body, text: &str, at: DateTime<Utc>| {
        let by = plan.names[usize::from(text.len() % 2 == 1) % plan.names.len()].clone();
        incident
            .record(NewEntry {
                body,
                at,
                by,
                text: text.to_string(),
                uuid: Uuid::nil(),
                recorded_at: at,
                key: false,
            })
            .expect("a valid entry")
            .id
    };
    for text in &plan.symptoms {
        record(&mut incident, Body::Symptom, text, next_time());
    }
    let hypotheses: Vec<Label> = plan
        .hypotheses
        .iter()
        .map(|text| {
            record(
                &mut incident,
                Body::Hypothesis { explains: vec![] },
                text,
                next_time(),
            )
        })
        .collect();
    for (text, targets, results) in &plan.tests {
        let targets: Vec<Label> = if hypotheses.is_empty() {
            Vec::new()
        } else {
            let mut chosen: Vec<Label> = targets
                .iter()
                .map(|index| hypotheses[index % hypotheses.len()])
                .collect();
            chosen.dedup();
            chosen
        };
        let test = record(
            &mut incident,
            Body::Test {
                targets: targets.clone(),
            },
            text,
            next_time(),
        );
        for (text, verdict) in results {
            let target = targets.first().copied();
            let (rules_out, confirms) = match (verdict, target) {
                (1, Some(target)) => (vec![target], vec![]),
                (2, Some(target)) => (vec![], vec![target]),
                _ => (vec![], vec![]),
            };
            let body = Body::Result {
                test,
                rules_out,
                confirms,
                run: None,
            };
            record(&mut incident, body, text, next_time());
        }
    }
    for text in &plan.notes {
        record(&mut incident, Body::Note, text, next_time());
    }
    for (text, owner) in &plan.actions {
        record(
            &mut incident,
            Body::Action {
                owner: owner.clone(),
                due: None,
                link: None,
            },
            text,
            next_time(),
        );
    }
    if let Some(resolution) = &plan.resolution {
        let at = next_time();
        incident
            .close(stamp(at), resolution.clone(), None)
            .expect("an open incident closes");
    }
    incident
}

fn rows<'a>(table: &'a AstNode<'a>) -> Vec<Vec<String>> {
    table
        .children()
        .map(|row| row.children().map(|cell| squash(&plain(cell))).collect())
        .collect()
}

fn check(incident: &Incident, markdown: &str) -> Result<(), TestCaseError> {
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &gfm());

    // The headings are the report's own, in order.
    let mut headings = Vec::new();
    for node in root.descendants() {
        if let NodeValue::Heading(heading) = &node.data().value {
            headings.push((heading.level, squash(&plain(node))));
        }
    }
    let mut expected = vec![(1, shown(&incident.title))];
    for section in [
        "Summary",
        "Key events",
        "Symptoms",
        "Hypotheses",
        "Tests and results",
    ] {
        expected.push((2, section.to_string()));
    }
    for test in incident.entries_of(Kind::Test) {
        expected.push((3, test.id.to_string()));
    }
    for section in ["Timeline", "Action items", "Metrics"] {
        expected.push((2, section.to_string()));
    }
    prop_assert_eq!(headings, expected);

    // Nothing but text and the report's own marks: no links at all, strike-through on
    // exactly the ruled-out hypotheses, bold only on labels, our own words and the
    // confirmed hypotheses.
    let diagnosis = incident.state();
    let hypotheses: Vec<_> = incident.entries_of(Kind::Hypothesis).collect();
    let with_status = |status| {
        hypotheses
            .iter()
            .filter(|hypothesis| diagnosis.status(hypothesis.id) == status)
            .collect::<Vec<_>>()
    };
    let ruled_out = with_status(HypothesisStatus::RuledOut).len();
    let mut allowed_bold: Vec<String> = with_status(HypothesisStatus::Confirmed)
        .into_iter()
        .map(|hypothesis| shown(&hypothesis.text))
        .collect();
    allowed_bold.extend(["Root cause:", "Confirmed", "Awaiting a result."].map(String::from));
    allowed_bold.extend(incident.entries.iter().map(|entry| entry.id.to_string()));
    let mut struck = 0;
    for node in root.descendants() {
        match &node.data().value {
            NodeValue::HtmlBlock(_) | NodeValue::HtmlInline(_) => {
                prop_assert!(false, "HTML from user text")
            }
            NodeValue::Image(_) => prop_assert!(false, "an image from user text"),
            NodeValue::Link(link) => prop_assert!(false, "a link from user text: {}", link.url),
            // The one code block the report writes itself: the chart, in its own words.
            NodeValue::CodeBlock(block) if block.info == "mermaid" => {
                prop_assert!(block.literal.starts_with("gantt\n"), "{}", block.literal);
                for line in block.literal.lines().skip(1) {
                    prop_assert!(is_chart_line(line), "user text in the chart: {line:?}");
                }
            }
            NodeValue::Code(_) | NodeValue::CodeBlock(_) => {
                prop_assert!(false, "code from user text")
            }
            NodeValue::BlockQuote | NodeValue::ThematicBreak | NodeValue::Emph => {
                prop_assert!(false, "structure from user text: {:?}", node.data().value)
            }
            NodeValue::FootnoteReference(_)
            | NodeValue::FootnoteDefinition(_)
            | NodeValue::Math(_) => prop_assert!(false, "an extension from user text"),
            NodeValue::ShortCode(emoji) => {
                prop_assert!(false, "an emoji from user text: {}", emoji.code)
            }
            NodeValue::Strong => {
                let bold = squash(&plain(node));
                prop_assert!(
                    allowed_bold.contains(&bold),
                    "bold from user text: {:?}",
                    bold
                );
            }
            NodeValue::Strikethrough => struck += 1,
            NodeValue::List(_) => {
                let nested = node.ancestors().skip(1).any(|ancestor| {
                    matches!(
                        ancestor.data().value,
                        NodeValue::Item(_) | NodeValue::TableCell
                    )
                });
                prop_assert!(!nested, "a list inside user text");
            }
            _ => {}
        }
    }
    prop_assert_eq!(
        struck,
        ruled_out,
        "exactly the ruled-out hypotheses are struck"
    );

    // Tables: the header and the hypotheses (when there are any), each row with the right
    // number of cells and the user text in its cell.
    let tables: Vec<_> = root
        .descendants()
        .filter(|node| matches!(node.data().value, NodeValue::Table(_)))
        .collect();
    prop_assert_eq!(tables.len(), if hypotheses.is_empty() { 1 } else { 2 });
    if !hypotheses.is_empty() {
        let table = rows(tables[1]);
        prop_assert_eq!(table.len(), hypotheses.len() + 1);
        for (row, hypothesis) in table[1..].iter().zip(&hypotheses) {
            prop_assert_eq!(row.len(), 4);
            prop_assert_eq!(&row[0], &hypothesis.id.to_string());
            prop_assert_eq!(&row[1], &shown(&hypothesis.text));
        }
    }

    // List items: symptoms, results, actions, the timeline and the metrics. The timeline
    // holds every entry, the opening and each close and reopen, texts line breaks and all.
    let items: Vec<String> = root
        .descendants()
        .filter(|node| {
            matches!(
                node.data().value,
                NodeValue::Item(_) | NodeValue::TaskItem(_)
            )
        })
        .map(|node| squash_lines(&plain(node)))
        .collect();
    let count = |kind| incident.entries_of(kind).count();
    // The key events first: the opening, the impact's start (the first symptom), the
    // confirmations and each close.
    let key_events = 1
        + usize::from(diagnosis.impact_started_at().is_some())
        + incident
            .entries
            .iter()
            .filter(|entry| diagnosis.is_key_event(entry))
            .count()
        + incident.lifecycle.len();
    let before = key_events + count(Kind::Symptom) + count(Kind::Result);
    let timeline = 1 + incident.entries.len() + incident.lifecycle.len();
    // A line for each metric closes the report.
    prop_assert_eq!(
        items.len(),
        before + timeline + count(Kind::Action) + incident_core::model::Measure::ALL.len()
    );
    prop_assert!(
        items[0].contains(&shown_lines(&incident.title)),
        "the opening is key"
    );
    let timeline_items = &items[before..before + timeline];
    prop_assert!(timeline_items[0].contains(&shown_lines(&incident.title)));
    for (item, entry) in timeline_items[1..].iter().zip(&incident.entries) {
        let label = format!("{} {}", entry.id, entry.kind().name());
        prop_assert!(item.contains(&label), "{:?} is not {}", item, label);
        let text = shown_lines(&entry.text);
        prop_assert!(item.contains(&text), "{:?} lost from {:?}", text, item);
        prop_assert!(item.contains(&shown_lines(&entry.by)));
    }
    if let Some(resolution) = incident.resolution() {
        // In the close's line of the Key events and the Timeline, line by line: a list item
        // keeps a blank line as an empty line broken by a backslash, so blank lines are
        // left out on both sides.
        prop_assert!(
            non_blank(&squash_lines(&plain(root))).contains(&non_blank(&shown_lines(resolution)))
        );
    }
    Ok(())
}

/// A line of the chart as `chart::gantt` writes it: a setting, a section, or a task named
/// by a label or the report's own words, then `:` and times.
fn is_chart_line(line: &str) -> bool {
    let line = line.trim_start();
    let settings = [
        "title ",
        "dateFormat ",
        "axisFormat ",
        "todayMarker ",
        "section ",
    ];
    if settings.iter().any(|setting| line.starts_with(setting)) {
        return line
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " %:-()".contains(c));
    }
    let Some((name, times)) = line.split_once(" :") else {
        return false;
    };
    let own_words = [
        "Impact",
        "Investigating",
        "Identified",
        "Mitigated",
        "Resolved",
    ];
    let first = name.split(' ').next().unwrap_or_default();
    let named = own_words.iter().any(|word| name.starts_with(word))
        || first.parse::<incident_core::model::Label>().is_ok()
        || first.parse::<u32>().is_ok();
    named
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " ,".contains(c))
        && times
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " ,:-".contains(c))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn hostile_text_stays_text(plan in plan()) {
        let incident = build(&plan);
        let now = "2026-11-21T05:00:00Z".parse().expect("a time");
        let markdown = render(&incident, now, super::Options { chart: true });
        check(&incident, &markdown)?;
        prop_assert_eq!(render(&incident, now, super::Options { chart: true }), markdown, "rendering is deterministic");
    }
}

/// Every node of a user text set in a report's line, as comrak reads it: whatever is not
/// text (or a break, or the marks and containers the line itself wrote) is structure the
/// text added.
fn only_text<'a>(node: &'a AstNode<'a>, allowed: &[&str]) -> Result<(), TestCaseError> {
    for descendant in node.descendants() {
        let value = &descendant.data().value;
        let name = match value {
            NodeValue::Text(_) | NodeValue::SoftBreak | NodeValue::LineBreak => continue,
            NodeValue::Document => "document",
            NodeValue::Paragraph => "paragraph",
            NodeValue::List(_) => "list",
            NodeValue::Item(_) => "item",
            NodeValue::Heading(_) => "heading",
            NodeValue::Table(_) => "table",
            NodeValue::TableRow(_) => "row",
            NodeValue::TableCell => "cell",
            NodeValue::Strong => "strong",
            NodeValue::Strikethrough => "struck",
            _ => "other",
        };
        prop_assert!(allowed.contains(&name), "{:?} from user text", value);
    }
    Ok(())
}

/// How many nodes of a kind a document holds.
fn count<'a>(root: &'a AstNode<'a>, kind: fn(&NodeValue) -> bool) -> usize {
    root.descendants()
        .filter(|node| kind(&node.data().value))
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Typed text in each place the report sets it renders as typed, as exactly one
    /// paragraph, item, cell, mark or heading's worth of text, however it is written.
    #[test]
    fn typed_text_renders_as_typed_in_every_place(typed in hostile(), other in hostile()) {
        use crate::render::escape::{Place, markdown};
        let item = |text: &str| markdown(text, Place::Block { indent: "  " });
        let line = shown_lines(&typed);
        let flat = squash(&line);
        let arena = Arena::new();
        let parse = |source: &str| parse_document(&arena, source, &gfm());

        // A paragraph of its own, between the report's own words.
        let source = format!("Said:\n\n{}\n\nDone.\n", markdown(&typed, Place::Paragraph));
        let root = parse(&source);
        only_text(root, &["document", "paragraph"])?;
        let paragraphs = count(root, |value| matches!(value, NodeValue::Paragraph));
        prop_assert_eq!(paragraphs, 2 + non_blank(&line).lines().count(), "{}", source);
        prop_assert_eq!(non_blank(&squash_lines(&plain(root))), non_blank(&format!("Said:\n{line}\nDone.")));

        // Two list items, as the timeline writes them, each text with its lines.
        let source = format!(
            "- **N1** note: {} (by {})\n- **N2** note: {} (by x)\n",
            item(&typed),
            item(&other),
            item(&other)
        );
        let root = parse(&source);
        only_text(root, &["document", "paragraph", "list", "item", "strong"])?;
        prop_assert_eq!(count(root, |value| matches!(value, NodeValue::Item(_))), 2, "{}", source);
        prop_assert_eq!(count(root, |value| matches!(value, NodeValue::Strong)), 2, "{}", source);
        let items: Vec<String> = root
            .descendants()
            .filter(|node| matches!(node.data().value, NodeValue::Item(_)))
            .map(|node| squash_lines(&plain(node)))
            .collect();
        let other_line = shown_lines(&other);
        prop_assert_eq!(&items[0], &squash_lines(&format!("N1 note: {line} (by {other_line})")));
        prop_assert_eq!(&items[1], &squash_lines(&format!("N2 note: {other_line} (by x)")));

        // Table cells, plain and marked, beside each other: the row keeps its cells.
        for mark in ["", "~~", "**"] {
            let typed_cell = if mark.is_empty() {
                markdown(&typed, Place::Cell)
            } else {
                crate::render::report::text::marked_cell(&typed, mark)
            };
            // The second cell joins texts with the report's own `; `, as evidence does.
            let source = format!(
                "| A | B |\n| --- | --- |\n| {typed_cell} | {}; {} |\n",
                markdown(&other, Place::Cell),
                markdown(&typed, Place::Cell)
            );
            let root = parse(&source);
            only_text(root, &["document", "table", "row", "cell", "strong", "struck"])?;
            let table = root
                .descendants()
                .find(|node| matches!(node.data().value, NodeValue::Table(_)))
                .expect("the table");
            let rows = rows(table);
            prop_assert_eq!(rows.len(), 2, "{}", source);
            let joined = squash(&format!("{}; {flat}", squash(&other_line)));
            prop_assert_eq!(&rows[1], &vec![flat.clone(), joined], "{}", source);
            let marks = |kind: fn(&NodeValue) -> bool| count(root, kind);
            let struck = marks(|value| matches!(value, NodeValue::Strikethrough));
            let strong = marks(|value| matches!(value, NodeValue::Strong));
            prop_assert_eq!((struck, strong), match mark {
                "~~" => (1, 0),
                "**" => (0, 1),
                _ => (0, 0),
            }, "{}", source);
        }

        // A heading, with the report's duplicate and punctuation rules.
        let title = crate::render::report::text::heading(&typed, &[]);
        let source = format!("# {title}\n\nText.\n");
        let root = parse(&source);
        only_text(root, &["document", "heading", "paragraph"])?;
        let headings: Vec<String> = root
            .descendants()
            .filter(|node| matches!(node.data().value, NodeValue::Heading(_)))
            .map(|node| squash(&plain(node)))
            .collect();
        prop_assert_eq!(headings, vec![flat], "{}", source);
    }
}
