//! Where documents live, their permissions, and safe concurrent appends.

use std::os::unix::fs::PermissionsExt;

use crate::env::TestEnv;
use crate::sync::paused_at;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn one_private_json_document_per_incident() {
    let env = TestEnv::new();
    let id = env.open("Private");
    env.ok(&["note", "x"]);
    assert_eq!(mode(&env.data_dir()), 0o700);
    assert_eq!(mode(&env.data_dir().join("incidents")), 0o700);
    assert_eq!(mode(&env.document_path(&id)), 0o600);
    let json_files: Vec<String> = std::fs::read_dir(env.data_dir().join("incidents"))
        .unwrap()
        .map(|item| item.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json"))
        .collect();
    assert_eq!(json_files, [format!("{id}.json")]);
    let document = env.document(&id);
    for key in ["schema", "id", "title", "entries"] {
        assert!(document.get(key).is_some(), "{key} missing");
    }
}

#[test]
fn the_data_directory_comes_from_dir_then_incident_dir_then_xdg() {
    let env = TestEnv::new();
    let flag_dir = env.home().join("flag");
    let mut command = env.command(&["open", "From flag", "-q", "--dir"]);
    command.arg(&flag_dir);
    assert!(command.output().unwrap().status.success());
    assert!(
        flag_dir
            .join("incidents/2026-11-21-from-flag.json")
            .is_file()
    );

    let mut command = env.command(&["open", "From xdg", "-q"]);
    command
        .env_remove("INCIDENT_DIR")
        .env("HOME", env.home())
        .env("XDG_DATA_HOME", env.home().join("xdg"));
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        env.home()
            .join("xdg/incident/incidents/2026-11-21-from-xdg.json")
            .is_file()
    );

    let mut command = env.command(&["open", "From home", "-q"]);
    command.env_remove("INCIDENT_DIR").env("HOME", env.home());
    assert!(command.output().unwrap().status.success());
    assert!(
        env.home()
            .join(".local/share/incident/incidents/2026-11-21-from-home.json")
            .is_file()
    );
    assert!(!env.data_dir().exists(), "INCIDENT_DIR was not used");
}

#[test]
fn reading_does_not_create_the_data_directory() {
    let env = TestEnv::new();
    let listed = env.run(&["list"]);
    assert_eq!((listed.code, listed.stdout.as_str()), (0, ""));
    assert!(
        listed.stderr.contains("no open incidents"),
        "{}",
        listed.stderr
    );
    env.fails(&["status"], 1);
    assert!(!env.data_dir().exists());
}

#[test]
fn concurrent_writers_lose_nothing() {
    let env = TestEnv::new();
    let id = env.open("Concurrent");
    let writers: Vec<std::process::Child> = (0..6)
        .map(|writer| {
            let script = format!(
                r#"for n in $(seq 1 15); do "$BIN" note "writer {writer} note $n" -q || exit 1; done"#
            );
            let mut command = env.shell(&script);
            command.stdout(std::process::Stdio::null());
            command.spawn().unwrap()
        })
        .collect();
    for mut writer in writers {
        assert!(writer.wait().unwrap().success());
    }
    let document = env.document(&id);
    let entries = document["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 90);
    let mut labels: Vec<&str> = entries
        .iter()
        .map(|entry| entry["id"].as_str().unwrap())
        .collect();
    labels.sort();
    labels.dedup();
    assert_eq!(labels.len(), 90, "labels are unique");
    for writer in 0..6 {
        for n in 1..=15 {
            let text = format!("writer {writer} note {n}");
            assert!(
                entries.iter().any(|entry| entry["text"] == text.as_str()),
                "{text} lost"
            );
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(env.data_dir().join("incidents"))
        .unwrap()
        .map(|item| item.unwrap().file_name())
        .filter(|name| name.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_list_cache_is_never_trusted_over_the_documents() {
    let env = TestEnv::new();
    let first = env.open("First");
    env.open("Second");
    assert_eq!(env.ok(&["list", "-q"]).lines().count(), 2);
    assert!(env.data_dir().join("list-cache").is_file());
    // A save replaces the document: the cached summary is stale and not used.
    env.ok(&["close", "-i", &first]);
    assert_eq!(env.ok(&["list", "-q"]), "2026-11-21-second\n");
    // An edit in place, behind our back, is seen too.
    let path = env.document_path(&first);
    let mut document = env.document(&first);
    document["title"] = "Renamed by hand".into();
    std::fs::write(&path, serde_json::to_vec(&document).unwrap()).unwrap();
    let listed = env.ok(&["list", "--all"]);
    assert!(listed.contains("Renamed by hand"), "{listed}");
    // Even one that keeps the size and the modification time.
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    let same_size = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Renamed by hand", "Renamed by HAND");
    std::fs::write(&path, same_size).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(before)
        .unwrap();
    let listed = env.ok(&["list", "--all"]);
    assert!(listed.contains("Renamed by HAND"), "{listed}");
    // A removed incident disappears; a damaged cache is rebuilt.
    std::fs::remove_file(env.document_path("2026-11-21-second")).unwrap();
    std::fs::write(env.data_dir().join("list-cache"), "garbage").unwrap();
    assert_eq!(env.ok(&["list", "--all", "-q"]), format!("{first}\n"));
}

/// Something cuts the search index short in place (an editor saving over it, `: >` in a
/// shell, a disk repair): the same file, shorter. A search never dies of it, as it would
/// of SIGBUS reading a mapped file whose end is gone: it takes the short file for no
/// index, finds what it found before, and writes the index whole again.
#[test]
fn a_search_index_cut_short_in_place_is_rebuilt_never_a_crash() {
    let env = TestEnv::new();
    env.open("Redis evictions");
    env.quiet(&["symptom", "redis evicting keys under memory pressure"]);
    env.open("Checkout 502s");
    env.quiet(&["hypothesis", "redis timeouts from the checkout pods"]);
    let before = env.ok(&["search", "redis"]);
    let index = env.data_dir().join("search-index");
    let whole = std::fs::metadata(&index).unwrap().len();
    assert!(whole > 100, "the search wrote its index");
    for kept in [0, 10, whole / 2, whole - 1] {
        std::fs::File::options()
            .write(true)
            .open(&index)
            .unwrap()
            .set_len(kept)
            .unwrap();
        let out = env.run(&["search", "redis"]);
        assert_eq!(
            out.code, 0,
            "cut to {kept} bytes, the search failed or died (-1 is a signal): {}",
            out.stderr
        );
        assert_eq!(out.stdout, before, "cut to {kept} bytes");
        assert_eq!(out.stderr, "", "cut to {kept} bytes");
        assert_eq!(std::fs::metadata(&index).unwrap().len(), whole);
    }
}

/// The moment that killed `search` with SIGBUS when it mapped its index: the index cut
/// short in place after the search opened it and before it read what it held.
#[test]
fn a_search_index_cut_short_while_a_search_reads_it_never_kills_the_search() {
    let env = TestEnv::new();
    env.open("Redis evictions");
    env.quiet(&["symptom", "redis evicting keys under memory pressure"]);
    let before = env.ok(&["search", "redis"]);
    let index = env.data_dir().join("search-index");
    let search = paused_at(&env, &["search", "redis"], "search-index-read");
    std::fs::File::options()
        .write(true)
        .open(&index)
        .unwrap()
        .set_len(0)
        .unwrap();
    let out = search.finish();
    assert_eq!(out.code, 0, "-1 is a signal: {}", out.stderr);
    assert_eq!(out.stdout, before);
    assert_eq!(out.stderr, "");
    // The next search finds the index empty and writes it whole again.
    assert_eq!(env.ok(&["search", "redis"]), before);
    assert!(std::fs::metadata(&index).unwrap().len() > 0);
}

/// A search index damaged inside (a byte flipped in its head, or in the postings of the
/// word searched for, whose checksum then differs) is never believed: the search finds
/// what it found before, says nothing of it, and writes the index whole again, the very
/// bytes it wrote first.
#[test]
fn a_search_index_damaged_inside_is_rebuilt_never_believed() {
    let env = TestEnv::new();
    env.open("Redis evictions");
    env.quiet(&["symptom", "redis evicting keys under memory pressure"]);
    env.open("Zookeeper sessions expire");
    env.quiet(&["symptom", "zookeeper sessions expiring, redis fine"]);
    // `zookeep` is the last term in order: its postings end the file.
    let before = env.ok(&["search", "zookeeper"]);
    assert!(before.contains("Zookeeper sessions expire"), "{before}");
    let index = env.data_dir().join("search-index");
    let whole = std::fs::read(&index).unwrap();
    for at in [40, whole.len() / 3, whole.len() - 1] {
        let mut damaged = whole.clone();
        damaged[at] ^= 0x01;
        std::fs::write(&index, &damaged).unwrap();
        let out = env.run(&["search", "zookeeper"]);
        assert_eq!(out.code, 0, "damaged at {at}: {}", out.stderr);
        assert_eq!(out.stdout, before, "damaged at {at}");
        assert_eq!(out.stderr, "", "damaged at {at}");
        assert!(
            std::fs::read(&index).unwrap() == whole,
            "damaged at {at}: the index was not written whole again"
        );
    }
}

/// A document changed since the index was written is read again, the rest of the index
/// merged as it is: the index then is the one a first search writes.
#[test]
fn a_changed_document_is_read_again_and_merged_into_the_index() {
    let env = TestEnv::new();
    env.open("Redis evictions");
    env.quiet(&["symptom", "redis evicting keys"]);
    env.open("Checkout 502s");
    assert!(env.run(&["search", "pool"]).code == 1);
    env.quiet(&["hypothesis", "db pool exhausted"]);
    let found = env.ok(&["search", "pool"]);
    assert!(found.contains("db pool exhausted"), "{found}");
    let index = env.data_dir().join("search-index");
    let merged = std::fs::read(&index).unwrap();
    std::fs::remove_file(&index).unwrap();
    assert_eq!(env.ok(&["search", "pool"]), found);
    assert!(
        std::fs::read(&index).unwrap() == merged,
        "merged, then built afresh"
    );
}

/// Searches that build the index at once, with none there: each finds the same, and
/// the index left is whole, the one a lone search writes.
#[test]
fn searches_building_the_index_at_once_never_corrupt_it() {
    let env = TestEnv::new();
    for n in 0..20 {
        env.open(&format!("Redis evictions {n}"));
        env.quiet(&["symptom", &format!("redis evicting keys on shard {n}")]);
    }
    let alone = env.ok(&["search", "redis", "shard"]);
    let index = env.data_dir().join("search-index");
    let written = std::fs::read(&index).unwrap();
    std::fs::remove_file(&index).unwrap();
    // One stops after reading no index, before writing its own, while others write.
    let paused = paused_at(&env, &["search", "redis", "shard"], "search-index-read");
    let searches: Vec<std::process::Child> = (0..4)
        .map(|_| {
            let mut command = env.shell(r#"out=$("$BIN" search redis shard) && printf %s "$out""#);
            command.stdout(std::process::Stdio::piped());
            command.spawn().unwrap()
        })
        .collect();
    for search in searches {
        let out = search.wait_with_output().unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8(out.stdout).unwrap(), alone.trim_end());
    }
    let out = paused.finish();
    assert_eq!((out.code, out.stdout.as_str()), (0, alone.as_str()));
    assert!(
        std::fs::read(&index).unwrap() == written,
        "the index left is whole"
    );
    assert_eq!(env.ok(&["search", "redis", "shard"]), alone);
    let leftovers: Vec<_> = std::fs::read_dir(env.data_dir())
        .unwrap()
        .map(|item| item.unwrap().file_name())
        .filter(|name| name.to_string_lossy().contains("search-index."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
