//! Never lose a line: real processes appending at once, killed at random, crashed at each
//! step of a save, writing to a full disk, and finding damaged files.

use std::process::{Child, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::env::TestEnv;

fn entries(document: &Value) -> &Vec<Value> {
    document["entries"].as_array().expect("entries")
}

fn temp_files(env: &TestEnv) -> Vec<String> {
    std::fs::read_dir(env.data_dir().join("incidents"))
        .unwrap()
        .map(|item| item.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".tmp"))
        .collect()
}

#[test]
fn sixteen_writers_of_a_hundred_entries_lose_nothing() {
    let env = TestEnv::new();
    let id = env.open("Concurrent writers");
    let writers: Vec<Child> = (0..16)
        .map(|writer| {
            let script = format!(
                r#"for n in $(seq 1 100); do "$BIN" note "writer {writer} entry $n" -q || exit 1; done"#
            );
            env.shell(&script).stdout(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    let mut printed = Vec::new();
    for writer in writers {
        let output = writer.wait_with_output().unwrap();
        assert!(output.status.success());
        printed.extend(
            String::from_utf8(output.stdout)
                .unwrap()
                .lines()
                .map(String::from),
        );
    }
    let document = env.document(&id);
    let entries = entries(&document);
    assert_eq!(entries.len(), 1600);
    let mut labels: Vec<&str> = entries
        .iter()
        .map(|entry| entry["id"].as_str().unwrap())
        .collect();
    labels.sort_unstable();
    labels.dedup();
    assert_eq!(labels.len(), 1600, "every label is unique");
    printed.sort_unstable();
    assert_eq!(
        printed, labels,
        "every printed label is stored, and only those"
    );
    for writer in 0..16 {
        for n in 1..=100 {
            let text = format!("writer {writer} entry {n}");
            assert!(
                entries.iter().any(|entry| entry["text"] == text.as_str()),
                "{text} lost"
            );
        }
    }
    assert!(temp_files(&env).is_empty());
}

#[test]
fn a_writer_killed_at_any_instant_never_loses_a_printed_entry() {
    let env = TestEnv::new();
    let id = env.open("Killed writers");
    // Some history, so each save has real work to do.
    let history = "x".repeat(2000);
    for _ in 0..20 {
        assert_eq!(env.run_with_stdin(&["note", "-"], &history).code, 0);
    }
    // Kill at instants spread over how long a write takes here. That depends on the
    // machine and its load, so the spread adapts: wider after a kill that came too
    // early, narrower after one that came too late, and kills keep landing on both
    // sides of the save, and inside it.
    let mut span: u64 = 10_000;
    let mut printed = Vec::new();
    let mut killed_before_printing = 0;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..100 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_micros(seed % span);
        let mut child = env
            .process(&["note", &format!("round {round}"), "-q"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let output = child.wait_with_output().unwrap();
        let label = String::from_utf8(output.stdout).unwrap();
        let document = env.document(&id); // always parses
        if label.trim().is_empty() {
            killed_before_printing += 1;
            span = span * 5 / 4;
        } else {
            printed.push((label.trim().to_string(), format!("round {round}")));
            span = (span * 4 / 5).max(500);
        }
        for (label, text) in &printed {
            assert!(
                entries(&document)
                    .iter()
                    .any(|entry| entry["id"] == label.as_str() && entry["text"] == text.as_str()),
                "{label} ({text}) was printed but is not stored"
            );
        }
    }
    assert!(
        killed_before_printing >= 10 && printed.len() >= 10,
        "kills should land both before and after saves: {killed_before_printing} killed, {} printed",
        printed.len()
    );
    // The next save cleans up whatever temp files the killed writers left.
    env.ok(&["note", "after the storm"]);
    assert!(temp_files(&env).is_empty(), "{:?}", temp_files(&env));
}

#[test]
fn a_crash_at_each_step_of_a_save_leaves_the_old_document_or_the_new_one() {
    for (step, survives) in [
        ("after-temp-write", false),
        ("before-rename", false),
        ("after-rename", true),
    ] {
        let env = TestEnv::new();
        let id = env.open("Crash");
        env.ok(&["symptom", "before the crash"]);
        let before = std::fs::read(env.document_path(&id)).unwrap();
        let mut crashing = env.command(&["symptom", "during the crash"]);
        crashing.env("INCIDENT_FAILPOINT", step);
        let output = crashing.output().unwrap();
        assert!(!output.status.success(), "{step}: the process was killed");
        let after = std::fs::read(env.document_path(&id)).unwrap();
        let document: Value = serde_json::from_slice(&after).expect("the document parses");
        let texts: Vec<&str> = entries(&document)
            .iter()
            .map(|entry| entry["text"].as_str().unwrap())
            .collect();
        if survives {
            assert_eq!(texts, ["before the crash", "during the crash"], "{step}");
        } else {
            assert_eq!(after, before, "{step}: the old document, byte for byte");
            assert!(
                !temp_files(&env).is_empty(),
                "{step}: the crash left its temp file"
            );
        }
        // Readers ignore the leftovers, and the next save cleans them up.
        assert_eq!(env.ok(&["list", "-q"]), format!("{id}\n"));
        env.ok(&["symptom", "after the crash"]);
        assert!(
            temp_files(&env).is_empty(),
            "{step}: {:?}",
            temp_files(&env)
        );
    }
}

#[test]
fn a_full_disk_changes_nothing() {
    let env = TestEnv::new();
    let id = env.open("Full disk");
    let history = "y".repeat(4000);
    for _ in 0..3 {
        assert_eq!(env.run_with_stdin(&["note", "-"], &history).code, 0);
    }
    let before = std::fs::read(env.document_path(&id)).unwrap();
    assert!(before.len() > 8 * 1024);
    // Files may not grow past 8 KiB; SIGXFSZ is ignored, so writes fail with EFBIG.
    let output = env
        .shell(r#"ulimit -f 8; trap '' XFSZ; exec "$BIN" note one more"#)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(std::fs::read(env.document_path(&id)).unwrap(), before);
    assert!(temp_files(&env).is_empty(), "{:?}", temp_files(&env));
}

#[test]
fn every_kind_of_damage_gets_its_own_message_and_the_file_is_kept() {
    let env = TestEnv::new();
    let id = env.open("Damage");
    env.ok(&["symptom", "fine"]);
    let good = std::fs::read_to_string(env.document_path(&id)).unwrap();
    let with = |change: &dyn Fn(&mut Value)| {
        let mut document: Value = serde_json::from_str(&good).unwrap();
        change(&mut document);
        serde_json::to_vec(&document).unwrap()
    };
    let cases: [(&str, Vec<u8>); 8] = [
        ("the file is empty", Vec::new()),
        ("truncated", good.as_bytes()[..good.len() / 2].to_vec()),
        ("only NUL bytes", vec![0; 512]),
        ("not JSON", b"<html>502 Bad Gateway</html>".to_vec()),
        ("not UTF-8", b"{\"title\": \"caf\xe9\"}".to_vec()),
        (
            "not an incident document",
            br#"{"hello": "world"}"#.to_vec(),
        ),
        (
            "newer version of incident (schema 7",
            with(&|document| document["schema"] = 7.into()),
        ),
        (
            "unknown field `weather`",
            with(&|document| document["entries"][0]["weather"] = 1.into()),
        ),
    ];
    let path = env.document_path(&id);
    for (message, damage) in cases {
        std::fs::write(&path, &damage).unwrap();
        for args in [&["symptom", "more"][..], &["report"], &["status"]] {
            let stderr = env.fails(args, 1);
            assert!(stderr.contains(message), "{message}: {stderr}");
            assert!(stderr.contains(&path.display().to_string()), "{stderr}");
        }
        assert_eq!(
            std::fs::read(&path).unwrap(),
            damage,
            "{message}: never rewritten"
        );
    }
}

#[test]
fn list_lists_what_it_can_and_reports_the_rest() {
    let env = TestEnv::new();
    env.open("Healthy");
    let broken = env.open("Broken");
    std::fs::write(env.document_path(&broken), "{").unwrap();
    let out = env.run(&["list"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("2026-11-21-healthy"), "{}", out.stdout);
    assert!(!out.stdout.contains("broken"), "{}", out.stdout);
    assert!(out.stderr.starts_with("warning: "), "{}", out.stderr);
    assert!(
        out.stderr.contains("2026-11-21-broken.json"),
        "{}",
        out.stderr
    );
}

#[test]
fn files_are_private_whatever_the_umask() {
    let env = TestEnv::new();
    let output = env
        .shell(r#"umask 000; "$BIN" open "Wide open umask" -q && "$BIN" note x -q"#)
        .output()
        .unwrap();
    assert!(output.status.success());
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&env.data_dir()), 0o700);
    assert_eq!(mode(&env.data_dir().join("incidents")), 0o700);
    for item in std::fs::read_dir(env.data_dir().join("incidents")).unwrap() {
        let path = item.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
    assert_eq!(mode(&env.data_dir().join("current")), 0o600);
}

#[test]
fn symlinks_in_the_data_directory_are_not_written_through() {
    let env = TestEnv::new();
    let id = env.open("Links");
    let outside = env.home().join("outside.txt");
    std::fs::write(&outside, "precious").unwrap();
    let lock = env.data_dir().join("incidents").join(format!("{id}.lock"));
    std::fs::remove_file(&lock).unwrap();
    std::os::unix::fs::symlink(&outside, &lock).unwrap();
    env.fails(&["note", "x"], 1);
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
}

#[test]
fn invalid_utf8_arguments_are_refused() {
    use std::os::unix::ffi::OsStrExt;
    let env = TestEnv::new();
    env.open("Bytes");
    let mut command = env.command(&["note"]);
    command.arg(std::ffi::OsStr::from_bytes(b"caf\xe9"));
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not valid UTF-8"));
}

#[test]
fn text_over_the_limit_is_refused() {
    let env = TestEnv::new();
    let id = env.open("Limits");
    let before = std::fs::read(env.document_path(&id)).unwrap();
    let out = env.run_with_stdin(&["note", "-"], &"z".repeat(64 * 1024 + 1));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("limit"), "{}", out.stderr);
    assert_eq!(std::fs::read(env.document_path(&id)).unwrap(), before);
}

#[test]
fn a_panic_is_one_line_not_a_backtrace() {
    let env = TestEnv::new();
    let mut command = env.command(&["status"]);
    command
        .env("INCIDENT_FAILPOINT", "panic")
        .env("RUST_BACKTRACE", "1");
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: internal error: the panic failpoint"),
        "{stderr}"
    );
}

#[test]
fn list_all_with_only_damaged_files_does_not_claim_there_are_none() {
    let env = TestEnv::new();
    let id = env.open("Only one");
    std::fs::write(env.document_path(&id), "").unwrap();
    let out = env.run(&["list", "--all"]);
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("damaged"), "{}", out.stderr);
    assert!(!out.stderr.contains("no incidents yet"), "{}", out.stderr);
}
