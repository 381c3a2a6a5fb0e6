//! Evidence gathered at 3AM stays the user's: signals while `test --run` runs or waits,
//! text written in the editor that cannot be recorded, `--rules-out` after a retraction,
//! and text that arrives after another terminal changed the current incident.
//!
//! These tests use real processes and real signals; every wait is bounded, and a process
//! that outlives its bound is killed and the test fails.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::env::{TestEnv, entry, labels};

/// The binary as `TestEnv::command` sets it up, as a `std` command that can be spawned and
/// signalled while it runs.
fn incident(env: &TestEnv, args: &[&str]) -> Command {
    let mut command = env.process(args);
    // `--run` and the editor run through `sh`.
    command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

/// A tool the test needs, or a failure naming it.
#[track_caller]
fn tool(program: &str) -> PathBuf {
    crate::env::require_tool(program)
}

/// Waits for `child` at most `bound`; a child still running then is killed and the test
/// fails with `what`.
#[track_caller]
fn wait_at_most(child: &mut Child, bound: Duration, what: &str) -> ExitStatus {
    let deadline = Instant::now() + bound;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {bound:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Polls `condition` for at most `bound`.
fn eventually(bound: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + bound;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, signal: libc::c_int) {
    // SAFETY: kill(2) on a child we spawned and have not reaped.
    unsafe {
        libc::kill(child.id() as libc::pid_t, signal);
    }
}

/// Whether a process is gone: no such process, or a zombie nobody reaps yet.
fn is_gone(pid: libc::pid_t) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    if unsafe { libc::kill(pid, 0) } != 0 {
        return true;
    }
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |stat| {
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z'))
    })
}

/// Whether the process `pid` is blocked reading its descriptor `fd`: Linux shows the
/// system call a blocked process waits in, then its arguments, in `/proc/PID/syscall`.
fn waits_reading(pid: u32, fd: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/syscall")).is_ok_and(|call| {
        let mut fields = call.split_whitespace();
        fields.next() == Some(libc::SYS_read.to_string().as_str())
            && fields.next() == Some(format!("{fd:#x}").as_str())
    })
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Holds `<data>/incidents/<id>.lock` with util-linux's `flock`, as another `incident`
/// saving a large document would; released when dropped.
struct HeldLock(Child);

impl HeldLock {
    #[track_caller]
    fn take(env: &TestEnv, id: &str) -> HeldLock {
        let flock = tool("flock");
        let path = env.data_dir().join("incidents").join(format!("{id}.lock"));
        let holder = Command::new(&flock)
            .arg(&path)
            .args(["sleep", "60"])
            .spawn()
            .expect("flock runs");
        let held = eventually(Duration::from_secs(5), || {
            Command::new(&flock)
                .args(["-n", "-E", "75"])
                .arg(&path)
                .arg("true")
                .status()
                .is_ok_and(|status| status.code() == Some(75))
        });
        assert!(held, "flock did not take {}", path.display());
        HeldLock(holder)
    }
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn ctrl_c_after_the_run_while_waiting_for_the_lock_ends_the_command_and_records_nothing() {
    for (name, number) in [("SIGINT", libc::SIGINT), ("SIGTERM", libc::SIGTERM)] {
        let env = TestEnv::new();
        let id = env.open("Lock held");
        let lock = HeldLock::take(&env, &id);
        let stderr_path = env.home().join("stderr");
        let mut process = incident(&env, &["test", "probe", "--run", "echo gathered", "-q"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .spawn()
            .unwrap();
        // The command has run, and the tool, having waited quietly for a moment, says it
        // waits for the lock.
        assert!(
            eventually(Duration::from_secs(10), || read(&stderr_path)
                .contains("gathered")),
            "{name}: the command never ran: {}",
            read(&stderr_path)
        );
        assert!(
            eventually(Duration::from_secs(20), || read(&stderr_path)
                .contains("waiting for the lock")),
            "{name}: the tool never said it waits for the lock: {}",
            read(&stderr_path)
        );
        signal(&process, number);
        let status = wait_at_most(
            &mut process,
            Duration::from_secs(5),
            &format!("{name} while waiting for the lock"),
        );
        drop(lock);
        let stderr = read(&stderr_path);
        // The lock wait gives Ctrl-C its default action back: the command ends as any
        // command does on Ctrl-C, or says it was interrupted if the signal came between.
        use std::os::unix::process::ExitStatusExt;
        let interrupted = status.code() == Some(1)
            && stderr
                .contains("error: interrupted: the command was stopped and nothing was recorded");
        assert!(
            interrupted || status.signal() == Some(number),
            "{name}: {status:?} {stderr}"
        );
        assert_eq!(
            env.json(&["report", "--format", "json"])["entries"],
            json!([]),
            "{name}: the user asked to stop, so the evidence is not recorded"
        );
    }
}

#[test]
fn a_closed_terminal_stops_the_run_and_everything_it_started() {
    let env = TestEnv::new();
    env.open("Terminal closed");
    let pidfile = env.home().join("pidfile");
    let mut process = incident(
        &env,
        &[
            "test",
            "slow",
            "--run",
            &format!("sleep 30 & echo $! > '{}'; wait", pidfile.display()),
            "--timeout",
            "60",
        ],
    )
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    assert!(
        eventually(Duration::from_secs(10), || read(&pidfile)
            .trim()
            .parse::<i32>()
            .is_ok()),
        "the command never started"
    );
    let sleeper: libc::pid_t = read(&pidfile).trim().parse().unwrap();
    signal(&process, libc::SIGHUP);
    let status = wait_at_most(&mut process, Duration::from_secs(5), "SIGHUP during --run");
    let gone = eventually(Duration::from_secs(10), || is_gone(sleeper));
    if !gone {
        // SAFETY: the pid was read from the file the test's own command wrote.
        unsafe {
            libc::kill(sleeper, libc::SIGKILL);
        }
    }
    assert!(gone, "the command's process group outlived incident");
    assert_eq!(status.code(), Some(1), "{status:?}");
    assert_eq!(
        env.json(&["report", "--format", "json"])["entries"],
        json!([])
    );
}

/// Runs `incident ARGS` on a real terminal (util-linux `script`) with `editor` as
/// `$VISUAL` and `tmp` as `$TMPDIR`; returns the exit code and what the terminal showed.
fn at_terminal(env: &TestEnv, args: &[&str], editor: &Path, tmp: &Path) -> (Option<i32>, String) {
    let mut child = env
        .at_terminal(args)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("VISUAL", editor)
        .env("TMPDIR", tmp)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_at_most(
        &mut child,
        Duration::from_secs(20),
        "incident at a terminal",
    );
    let output = child.wait_with_output().unwrap();
    let mut shown = String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n");
    shown.push_str(&String::from_utf8_lossy(&output.stderr));
    (status.code(), shown)
}

fn editor_script(env: &TestEnv, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = env.home().join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// The editor's files left in `tmp`.
fn kept_files(tmp: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(tmp)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("incident-") && name.ends_with(".txt"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn text_from_the_editor_that_cannot_be_recorded_is_kept_and_its_file_named() {
    let env = TestEnv::new();
    env.open("Long note");
    let tmp = env.home().join("tmp");
    std::fs::create_dir(&tmp).unwrap();

    let long = editor_script(
        &env,
        "long.sh",
        "head -c 70000 /dev/zero | tr '\\0' x > \"$1\"",
    );
    let (code, shown) = at_terminal(&env, &["note"], &long, &tmp);
    assert_eq!(code, Some(2), "{shown}");
    assert!(
        shown.contains("error: the text is 70000 bytes long; the limit is 65536 bytes"),
        "{shown}"
    );
    let kept = kept_files(&tmp);
    assert_eq!(kept.len(), 1, "{shown}");
    assert!(
        shown.contains(&format!(
            "hint: what you wrote is kept in {}",
            kept[0].display()
        )),
        "{shown}"
    );
    assert_eq!(std::fs::read(&kept[0]).unwrap(), vec![b'x'; 70000]);

    let invalid = editor_script(
        &env,
        "invalid.sh",
        "printf 'pool at \\377 100%%\\n' > \"$1\"",
    );
    let (code, shown) = at_terminal(&env, &["note"], &invalid, &tmp);
    assert_eq!(code, Some(2), "{shown}");
    assert!(
        shown.contains("error: the edited text is not valid UTF-8"),
        "{shown}"
    );
    let kept = kept_files(&tmp);
    assert_eq!(kept.len(), 2, "{shown}");
    let newest = kept
        .iter()
        .find(|path| std::fs::read(path).unwrap() == b"pool at \xff 100%\n")
        .expect("the invalid text is kept byte for byte");
    assert!(
        shown.contains(&format!(
            "hint: what you wrote is kept in {}",
            newest.display()
        )),
        "{shown}"
    );
    assert_eq!(
        env.json(&["report", "--format", "json"])["entries"],
        json!([]),
        "nothing recorded"
    );

    // Text that is recorded leaves nothing behind.
    for path in kept_files(&tmp) {
        std::fs::remove_file(path).unwrap();
    }
    let fine = editor_script(&env, "fine.sh", "printf 'pool at 100/100\\n' > \"$1\"");
    let (code, shown) = at_terminal(&env, &["note"], &fine, &tmp);
    assert_eq!(code, Some(0), "{shown}");
    assert_eq!(
        entry(&env.json(&["report", "--format", "json"]), "N1")["text"],
        "pool at 100/100"
    );
    assert_eq!(kept_files(&tmp), Vec::<PathBuf>::new());
}

#[test]
fn a_test_written_in_the_editor_is_kept_when_its_run_cannot_be_recorded() {
    let env = TestEnv::new();
    env.open("Closed meanwhile");
    env.ok(&["close", "done"]);
    let tmp = env.home().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let editor = editor_script(
        &env,
        "editor.sh",
        "printf 'curl the health check\\n' > \"$1\"",
    );
    let (code, shown) = at_terminal(&env, &["test", "--run", "true"], &editor, &tmp);
    assert_eq!(code, Some(1), "{shown}");
    assert!(shown.contains("is closed"), "{shown}");
    let kept = kept_files(&tmp);
    assert_eq!(kept.len(), 1, "{shown}");
    assert!(
        shown.contains(&format!("what you wrote is kept in {}", kept[0].display())),
        "{shown}"
    );
    assert_eq!(
        std::fs::read_to_string(&kept[0]).unwrap(),
        "curl the health check\n"
    );
}

#[test]
fn bare_rules_out_skips_retracted_hypotheses() {
    let env = TestEnv::new();
    env.open("Retracted");
    env.ok(&["hypothesis", "bad deploy"]);
    env.ok(&["hypothesis", "bad deploy again"]);
    env.ok(&["test", "roll back", "--for", "H1,H2"]);
    env.ok(&["retract", "H2", "--why", "duplicate of H1"]);
    assert_eq!(
        env.quiet(&["result", "T1", "502s continue", "--rules-out"]),
        "R1"
    );
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "R1")["rules_out"], json!(["H1"]));
    assert_eq!(entry(&report, "H1")["status"], "ruled-out");

    // When every hypothesis of the test was retracted, there is nothing to rule out.
    env.ok(&["hypothesis", "cache stampede"]);
    env.ok(&["test", "warm the cache", "--for", "H3"]);
    env.ok(&["retract", "H3"]);
    let stderr = env.fails(&["result", "T2", "still slow", "--rules-out"], 2);
    assert!(stderr.contains("T2") && stderr.contains("H3"), "{stderr}");
    assert!(stderr.contains("retracted"), "{stderr}");
    assert_eq!(
        labels(&env.json(&["report", "--format", "json"])),
        ["H1", "H2", "T1", "E1", "R1", "H3", "T2", "E2"]
    );
}

#[test]
fn text_from_standard_input_goes_to_the_incident_current_when_the_command_started() {
    let env = TestEnv::new();
    let first = env.open("Checkout 502s");
    let mut note = incident(&env, &["note", "-", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The note has taken the current incident and waits for its text when another
    // terminal opens an incident.
    assert!(
        eventually(Duration::from_secs(20), || waits_reading(note.id(), 0)),
        "note - never waited on its standard input: /proc/{}/syscall reads {:?}",
        note.id(),
        std::fs::read_to_string(format!("/proc/{}/syscall", note.id()))
    );
    let other = env.open("Other");
    let mut stdin = note.stdin.take().unwrap();
    stdin.write_all(b"pool at 100/100\n").unwrap();
    drop(stdin);
    wait_at_most(&mut note, Duration::from_secs(10), "note -");
    let output = note.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "N1\n");
    let report = env.json(&["report", "--format", "json", "-i", &first]);
    assert_eq!(entry(&report, "N1")["text"], "pool at 100/100");
    assert_eq!(
        env.json(&["report", "--format", "json", "-i", &other])["entries"],
        json!([])
    );
}

#[test]
fn run_evidence_goes_to_the_incident_current_when_the_command_started() {
    let env = TestEnv::new();
    let first = env.open("Checkout 502s");
    // The command says it runs, then waits until the test lets it end.
    let running = env.home().join("running");
    let go = env.home().join("go");
    let command = format!(
        "touch '{}'; while [ ! -e '{}' ]; do sleep 0.05; done",
        running.display(),
        go.display()
    );
    let mut test = incident(&env, &["test", "probe", "--run", &command, "-q"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        eventually(Duration::from_secs(20), || running.exists()),
        "the command never ran"
    );
    // Another terminal opens an incident while the command runs.
    let other = env.open("Other");
    std::fs::write(&go, "").unwrap();
    wait_at_most(&mut test, Duration::from_secs(10), "test --run");
    let output = test.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "T1 R1\n");
    let report = env.json(&["report", "--format", "json", "-i", &first]);
    assert_eq!(labels(&report), ["T1", "R1"]);
    assert_eq!(entry(&report, "R1")["command"], command.as_str());
    assert_eq!(
        env.json(&["report", "--format", "json", "-i", &other])["entries"],
        json!([])
    );
}
