//! Which incident a command acts on: `-i`, `INCIDENT`, the current one, by exact id,
//! unique prefix or unique substring.

use crate::env::TestEnv;

fn three_incidents(env: &TestEnv) {
    env.quiet(&["open", "Checkout 502s", "--at", "1d ago"]);
    env.quiet(&["open", "DB failover", "--at", "1d ago"]);
    env.quiet(&["open", "DB failover"]);
}

#[test]
fn clashing_titles_get_numbered_ids() {
    let env = TestEnv::new();
    three_incidents(&env);
    let ids = env.ok(&["list", "-q"]);
    assert_eq!(
        ids,
        "2026-11-21-db-failover\n2026-11-20-db-failover\n2026-11-20-checkout-502s\n"
    );
    assert_eq!(env.open("DB failover"), "2026-11-21-db-failover-2");
}

#[test]
fn open_and_use_set_the_current_incident() {
    let env = TestEnv::new();
    three_incidents(&env);
    assert_eq!(env.quiet(&["note", "x"]), "N1");
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(
        report["id"], "2026-11-21-db-failover",
        "the last opened is current"
    );
    assert_eq!(env.quiet(&["use", "checkout"]), "2026-11-20-checkout-502s");
    env.ok(&["note", "y"]);
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(report["id"], "2026-11-20-checkout-502s");
    let list = env.ok(&["list"]);
    assert!(list.contains("* 2026-11-20-checkout-502s"), "{list}");
}

#[test]
fn references_by_exact_id_prefix_and_substring() {
    let env = TestEnv::new();
    three_incidents(&env);
    env.open("DB failover");
    // Exact wins even though it is also a prefix of `-2`.
    let report = env.json(&["report", "--format", "json", "-i", "2026-11-21-db-failover"]);
    assert_eq!(report["id"], "2026-11-21-db-failover");
    let report = env.json(&["report", "--format", "json", "-i", "2026-11-20-c"]);
    assert_eq!(report["id"], "2026-11-20-checkout-502s");
    let report = env.json(&["report", "--format", "json", "--incident", "failover-2"]);
    assert_eq!(report["id"], "2026-11-21-db-failover-2");
}

#[test]
fn ambiguous_and_unknown_references_list_the_candidates() {
    let env = TestEnv::new();
    three_incidents(&env);
    let stderr = env.fails(&["note", "x", "-i", "failover"], 1);
    assert!(stderr.contains("matches several"), "{stderr}");
    assert!(stderr.contains("  2026-11-20-db-failover\n"), "{stderr}");
    assert!(stderr.contains("  2026-11-21-db-failover\n"), "{stderr}");
    let stderr = env.fails(&["use", "payments"], 1);
    assert!(stderr.contains("no incident matches"), "{stderr}");
    assert!(stderr.contains("  2026-11-20-checkout-502s\n"), "{stderr}");
}

#[test]
fn the_incident_variable_picks_the_incident() {
    let env = TestEnv::new();
    three_incidents(&env);
    let mut command = env.command(&["note", "from env", "-q"]);
    command.env("INCIDENT", "checkout");
    let out = command.output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "N1\n");
    let report = env.json(&["report", "--format", "json", "-i", "checkout"]);
    assert_eq!(report["entries"][0]["text"], "from env");
    // -i beats INCIDENT.
    let mut command = env.command(&["note", "from flag", "-q", "-i", "2026-11-21"]);
    command.env("INCIDENT", "checkout");
    assert!(command.output().unwrap().status.success());
    let report = env.json(&["report", "--format", "json", "-i", "2026-11-21"]);
    assert_eq!(report["entries"][0]["text"], "from flag");
}

#[test]
fn without_any_incident_commands_say_how_to_start() {
    let env = TestEnv::new();
    let stderr = env.fails(&["symptom", "x"], 1);
    assert!(stderr.contains("no current incident"), "{stderr}");
    assert!(
        stderr.contains("hint: start one with `incident open TITLE`"),
        "{stderr}"
    );
    let intro = env.ok(&[]);
    assert!(intro.contains("incident open"), "{intro}");
}

#[test]
fn a_current_incident_that_was_removed_is_reported() {
    let env = TestEnv::new();
    let id = env.open("Gone");
    std::fs::remove_file(env.document_path(&id)).unwrap();
    let stderr = env.fails(&["status"], 1);
    assert!(stderr.contains("no longer exists"), "{stderr}");
}

#[test]
fn a_prefix_that_stands_inside_another_id_is_ambiguous() {
    let env = TestEnv::new();
    env.quiet(&["open", "Gateway", "--id", "api-gateway"]);
    env.quiet(&["open", "Payments", "--id", "payments-api"]);
    let stderr = env.fails(&["note", "x", "-i", "api"], 1);
    assert!(
        stderr.contains("  api-gateway\n") && stderr.contains("  payments-api\n"),
        "{stderr}"
    );
    assert_eq!(env.quiet(&["note", "x", "-i", "api-g"]), "N1");
}

#[test]
fn use_and_open_say_when_incident_still_decides() {
    let env = TestEnv::new();
    env.open("Pinned");
    env.open("Other");
    let mut command = env.command(&["use", "other"]);
    command.env("INCIDENT", "pinned");
    let output = command.output().unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("hint: INCIDENT=pinned is set"),
        "{stderr}"
    );
}
