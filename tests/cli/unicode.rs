//! Text from anywhere in the world, and text made to deceive: invisible characters are
//! shown, never passed off as what they hide; titles in any script give readable ids;
//! `:shortcodes:` stay words in the report.

use crate::env::{TestEnv, entry};

const ZWSP: &str = "\u{200b}";

/// Every invisible character a terminal or a Markdown reader would swallow.
const INVISIBLE: [char; 8] = [
    '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{2063}', '\u{feff}', '\u{ad}', '\u{180e}',
];

#[track_caller]
fn assert_invisible_free(what: &str, output: &str) {
    for c in INVISIBLE {
        assert!(!output.contains(c), "{what} holds {c:?} raw: {output:?}");
    }
}

#[test]
fn a_zero_width_space_never_passes_for_a_plain_service_name() {
    let env = TestEnv::new();
    // Pasted from a chat message: "payments" with a zero-width space inside.
    let receipt = env.ok(&["open", &format!("pay{ZWSP}ments 502s")]);
    assert_eq!(
        receipt, "2026-11-21-payments-502s opened; it is now the current incident\n",
        "the id reads as the title does"
    );
    let receipt = env.ok(&["symptom", &format!("pay{ZWSP}ments-api returns 502")]);
    assert_eq!(receipt, "S1 recorded: pay\\u{200b}ments-api returns 502\n");
    let receipt = env.ok(&["hypothesis", "bad deploy\u{feff} of\u{ad} pay\u{2060}ments"]);
    assert_eq!(
        receipt,
        "H1 recorded: bad deploy\\u{feff} of\\u{ad} pay\\u{2060}ments\n"
    );

    let board = env.ok(&["status"]);
    assert_invisible_free("the board", &board);
    assert!(board.contains("pay\\u{200b}ments 502s\n"), "{board}");
    assert!(
        board.contains("S1  pay\\u{200b}ments-api returns 502\n"),
        "{board}"
    );
    assert!(
        board.contains("bad deploy\\u{feff} of\\u{ad} pay\\u{2060}ments"),
        "{board}"
    );

    let listed = env.ok(&["list"]);
    assert_invisible_free("list", &listed);
    assert!(listed.contains("pay\\u{200b}ments 502s"), "{listed}");

    // The report shows the same escapes, and reads back as them.
    let report = env.ok(&["report"]);
    assert_invisible_free("the report", &report);
    assert!(
        report.starts_with("# pay\\\\u{200b}ments 502s\n"),
        "{report}"
    );
    assert!(
        report.contains("pay\\\\u{200b}ments-api returns 502"),
        "{report}"
    );

    // The log keeps exactly what was typed.
    let json = env.json(&["report", "--format", "json"]);
    assert_eq!(json["title"], format!("pay{ZWSP}ments 502s"));
    assert_eq!(
        entry(&json, "S1")["text"],
        format!("pay{ZWSP}ments-api returns 502")
    );
}

#[test]
fn every_invisible_character_is_escaped_on_every_terminal_output() {
    let env = TestEnv::new();
    let hidden: String = INVISIBLE
        .iter()
        .map(|c| format!("x{c}"))
        .collect::<String>();
    env.ok(&["open", &format!("db {hidden}")]);
    let receipt = env.ok(&["note", &hidden]);
    assert_invisible_free("a receipt", &receipt);
    assert_eq!(
        receipt,
        "N1 recorded: x\\u{200b}x\\u{200c}x\\u{200d}x\\u{2060}x\\u{2063}x\\u{feff}x\\u{ad}x\\u{180e}\n"
    );
    assert_invisible_free("the board", &env.ok(&["status"]));
    assert_invisible_free("list", &env.ok(&["list", "--all"]));
    assert_invisible_free("the handover", &env.ok(&["status", "--format", "can"]));
    assert_invisible_free("the report", &env.ok(&["report"]));
    assert_invisible_free("-q", &env.ok(&["note", "again", &hidden, "-q"]));
}

#[test]
fn typed_words_with_a_zero_width_space_are_shown_in_errors() {
    let env = TestEnv::new();
    env.open("Checkout 502s");
    // A stage pasted from a runbook, with a zero-width space that hides the typo.
    let stderr = env.fails(&["stage", &format!("miti{ZWSP}gated")], 2);
    assert_invisible_free("the error", &stderr);
    assert!(stderr.contains("miti\\u{200b}gated"), "{stderr}");
    let typo = format!("stat{ZWSP}us");
    let stderr = env.fails(&[&typo], 2);
    assert_invisible_free("the error", &stderr);
    assert!(stderr.contains("stat\\u{200b}us"), "{stderr}");
    let stderr = env.fails(&["use", &format!("check{ZWSP}out")], 1);
    assert_invisible_free("the error", &stderr);
    assert!(stderr.contains("check\\u{200b}out"), "{stderr}");
}

#[test]
fn titles_in_any_script_give_readable_ids() {
    let env = TestEnv::new();
    assert_eq!(env.open("Сбой оплаты"), "2026-11-21-sboi-oplaty");
    assert_eq!(env.open("支付失败"), "2026-11-21-zhi-fu-shi-bai");
    assert_eq!(env.open("Σφάλμα πληρωμών"), "2026-11-21-sphalma-pleromon");
    assert_eq!(env.open("Straße café"), "2026-11-21-strasse-cafe");
    // The same title again is numbered, transliterated or not.
    assert_eq!(env.open("Сбой оплаты"), "2026-11-21-sboi-oplaty-2");
    assert_eq!(env.open("STRASSE CAFE"), "2026-11-21-strasse-cafe-2");
    // Nothing to spell: the fallback.
    assert_eq!(env.open("!!! ???"), "2026-11-21-incident");
    // The transliterated id finds the incident, and the title is kept as typed.
    env.ok(&["use", "sboi-oplaty-2"]);
    let json = env.json(&["report", "--format", "json"]);
    assert_eq!(json["title"], "Сбой оплаты");
    assert_eq!(json["id"], "2026-11-21-sboi-oplaty-2");
}

#[test]
fn a_long_title_in_another_script_is_cut_at_a_word() {
    let env = TestEnv::new();
    let id = env.open("Сбой оплаты картами в Европе и задержки на всех платёжных шлюзах");
    let slug = id.strip_prefix("2026-11-21-").expect("a dated id");
    assert!(slug.len() <= 40, "{slug}");
    assert!(slug.starts_with("sboi-oplaty-kartami-v-evrope"), "{slug}");
    assert!(!slug.ends_with('-') && !slug.contains("--"), "{slug}");
}

#[test]
fn shortcodes_stay_words_in_the_report_and_times_stay_clean() {
    let env = TestEnv::new();
    env.open("Checkout 502s");
    env.ok(&["note", "rollback done :+1: :white_check_mark: at 10:30:45"]);
    env.ok(&["symptom", ":fire: on :smile:wink: 02:41:00 to 02:47:00"]);
    let report = env.ok(&["report"]);
    assert!(
        report.contains(r"rollback done \:+1: \:white_check_mark: at 10:30:45"),
        "{report}"
    );
    assert!(
        report.contains(r"\:fire: on \:smile\:wink: 02:41:00 to 02:47:00"),
        "{report}"
    );
    // On the terminal the text is as typed.
    let board = env.ok(&["status"]);
    assert!(
        board.contains(":fire: on :smile:wink: 02:41:00 to 02:47:00"),
        "{board}"
    );
}
