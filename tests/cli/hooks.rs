//! `<data dir>/hooks/on-record`: how a team posts each entry to a chat channel. It gets
//! the entry as `--json` prints it, at most ten seconds, and its failure is a warning.
//! The README's example hooks (`examples/hooks/`) run for real, against stand-ins: a
//! Slack webhook on 127.0.0.1, and a `gh` first on `PATH`.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::env::{Output, TestEnv};

/// Installs `script` as the hook, executable.
fn install_hook(env: &TestEnv, script: &str) -> PathBuf {
    let hooks = env.data_dir().join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let hook = hooks.join("on-record");
    std::fs::write(&hook, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    hook
}

/// Runs the binary with `vars` added to the test environment.
fn run_with(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut command = env.command(args);
    for (name, value) in vars {
        command.env(name, value);
    }
    let out = command.output().expect("the binary runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    }
}

#[test]
fn the_hook_gets_the_entry_as_json_prints_it_with_the_incident_id() {
    let env = TestEnv::new();
    let id = env.open("Checkout returns 502s");
    let got = env.home().join("got");
    install_hook(
        &env,
        &format!(
            "cat > '{0}.json'; echo \"$INCIDENT_ID $INCIDENT_EVENT\" >> '{0}.log'",
            got.display()
        ),
    );
    let printed = env.ok(&["symptom", "5% of POST /checkout return 502", "--json"]);
    assert_eq!(
        std::fs::read_to_string(got.with_extension("json")).unwrap(),
        printed
    );
    // Whatever the output mode, the hook reads the same JSON, and stdout stays ours.
    assert_eq!(env.ok(&["note", "paged the DBA", "-q"]), "N1\n");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(got.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(json["id"], "N1");
    assert_eq!(json["kind"], "note");
    assert_eq!(json["incident"], id.as_str());
    // Open, close and reopen run it too, with what their `--json` prints.
    env.ok(&["close", "fixed"]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(got.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(json["status"], "closed");
    let log = std::fs::read_to_string(got.with_extension("log")).unwrap();
    assert_eq!(log, format!("{id} entry\n{id} entry\n{id} close\n"));
}

#[test]
fn a_failing_hook_is_a_warning_and_the_entry_stays_recorded() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    install_hook(&env, "echo 'curl: (6) could not resolve host' >&2; exit 3");
    let out = env.run(&["symptom", "p99 latency 4s", "-q"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "S1\n");
    let hook = env.data_dir().join("hooks/on-record");
    assert_eq!(
        out.stderr,
        format!(
            "hook: curl: (6) could not resolve host\n\
             warning: hook {} failed (exit status 3); what was recorded stays recorded\n",
            hook.display()
        )
    );
    assert_eq!(
        env.document("2026-11-21-checkout-returns-502s")["entries"][0]["id"],
        "S1"
    );
}

#[test]
fn a_hook_that_hangs_is_stopped_with_everything_it_started() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let pid = env.home().join("sleeper.pid");
    // A child of its own that keeps the output open, then a hang.
    install_hook(
        &env,
        &format!("sleep 60 & echo $! > '{}'; sleep 60", pid.display()),
    );
    let started = Instant::now();
    let out = run_with(
        &env,
        &["symptom", "p99 latency 4s", "-q"],
        &[("INCIDENT_HOOK_TIMEOUT", "1")],
    );
    let took = started.elapsed();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "S1\n");
    // Not the minute the hook and its child would take: the bound is far from both.
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert!(
        out.stderr
            .ends_with("took longer than 1s and was stopped; what was recorded stays recorded\n"),
        "{}",
        out.stderr
    );
    let sleeper = std::fs::read_to_string(&pid).unwrap();
    // Killed, it may take a moment to die, then linger as a zombie until something reaps
    // it: that is not alive.
    let alive = || {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", sleeper.trim()));
        stat.is_ok_and(|stat| !stat.contains(") Z "))
    };
    let killed = Instant::now();
    while alive() {
        assert!(
            killed.elapsed() < Duration::from_secs(10),
            "the hook's own child {sleeper} outlived it"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The limit is ten seconds at most, however long the variable asks for: the hook is
    // stopped then, and not after its own minute.
    install_hook(&env, "sleep 60");
    let started = Instant::now();
    let out = run_with(
        &env,
        &["note", "x", "-q"],
        &[("INCIDENT_HOOK_TIMEOUT", "3600")],
    );
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(10) && took < Duration::from_secs(50),
        "took {took:?}"
    );
    assert!(
        out.stderr.contains("took longer than 10s and was stopped"),
        "{}",
        out.stderr
    );
}

#[test]
fn what_a_hook_prints_is_escaped_and_never_reaches_stdout() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    install_hook(
        &env,
        r"printf 'posted \033[31mred\033]0;owned\007\n'; printf 'to stderr\n' >&2",
    );
    let out = env.run(&["symptom", "x", "-q"]);
    assert_eq!(out.stdout, "S1\n");
    assert_eq!(
        out.stderr,
        "hook: posted \\x1b[31mred\\x1b]0;owned\\x07\nhook: to stderr\n"
    );
}

#[test]
fn a_hook_that_is_not_a_runnable_file_is_a_warning_and_never_hangs() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let hook = install_hook(&env, "exit 0");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.run(&["symptom", "a", "-q"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "S1\n"));
    assert!(
        out.stderr.starts_with("warning: hook ") && out.stderr.contains("is not executable"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(&hook).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&hook)
        .status()
        .unwrap();
    assert!(made.success());
    let out = env.run(&["symptom", "b", "-q"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "S2\n"));
    assert!(
        out.stderr
            .contains("is a FIFO, not a regular file; not run"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(&hook).unwrap();
    std::fs::create_dir(&hook).unwrap();
    let out = env.run(&["symptom", "c", "-q"]);
    assert!(
        out.stderr.contains("is a folder, not a regular file"),
        "{}",
        out.stderr
    );
    // No hooks folder at all: nothing said.
    std::fs::remove_dir(&hook).unwrap();
    assert_eq!(env.ok(&["symptom", "d", "-q"]), "S4\n");
}

#[test]
fn a_hook_may_record_without_a_deadlock_or_a_loop() {
    let env = TestEnv::new();
    let id = env.open("Checkout returns 502s");
    let log = env.home().join("runs");
    // The incident's lock is free while the hook runs, and the entry it records runs no
    // hook of its own.
    install_hook(
        &env,
        &format!(
            "echo run >> '{}'; [ \"$INCIDENT_EVENT\" = entry ] && \"$BIN\" note posted to chat -i \"$INCIDENT_ID\" -q >/dev/null",
            log.display()
        ),
    );
    let out = run_with(
        &env,
        &["symptom", "x", "-q"],
        &[("BIN", crate::env::binary().to_str().unwrap())],
    );
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "S1\n", "")
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "run\n");
    let report = env.json(&["report", "-i", &id, "--format", "json"]);
    assert_eq!(crate::env::labels(&report), ["S1", "N1"]);
}

/// One of the hooks the README shows, `examples/hooks/NAME`, installed as the hook.
fn install_example(env: &TestEnv, name: &str) -> PathBuf {
    let example = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/hooks")
        .join(name);
    let hooks = env.data_dir().join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let hook = hooks.join("on-record");
    std::fs::copy(&example, &hook).expect("the example hook is there");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    hook
}

/// Text a responder pastes, with what would break a payload, a shell line or a channel:
/// quotes, a backslash, a line break, a command substitution, Slack's own mentions and
/// links, and JSON of its own.
const PASTED: &str = "Rolled back; \"db-1\" is \\ back\nnext update 04:00 $(reboot) `id` \
                      <!channel> <@U024BE7LH> <https://evil.example|docs> & {\"text\": \"pwned\"}";

/// How long the stand-in waits for the hook to post.
const POST_DEADLINE: Duration = Duration::from_secs(15);

/// Slack's incoming webhook, stood in for on 127.0.0.1 and served from the test's own
/// thread: it takes one POST at a time and answers `ok`, as Slack does.
struct Webhook {
    listener: TcpListener,
}

/// What the stand-in received: the request line and headers, and the body.
struct Posted {
    head: String,
    body: String,
}

impl Webhook {
    fn new() -> Webhook {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
        listener
            .set_nonblocking(true)
            .expect("the listener does not block");
        Webhook { listener }
    }

    fn url(&self) -> String {
        let port = self.listener.local_addr().expect("bound").port();
        format!("http://127.0.0.1:{port}/services/T000/B000/XXXX")
    }

    /// The next POST, while `poster` runs: read whole and answered. The test fails if
    /// `poster` ends without posting, or nothing comes in time.
    #[track_caller]
    fn next_post(&self, poster: &mut Child) -> Posted {
        let started = Instant::now();
        let mut stream = loop {
            match self.listener.accept() {
                Ok((stream, _)) => break stream,
                Err(error) if error.kind() == ErrorKind::WouldBlock => {}
                Err(error) => panic!("the stand-in could not accept: {error}"),
            }
            if let Some(status) = poster.try_wait().expect("the poster is there") {
                panic!("it ended ({status}) without posting");
            }
            assert!(started.elapsed() < POST_DEADLINE, "nothing was posted");
            std::thread::sleep(Duration::from_millis(10));
        };
        stream.set_nonblocking(false).unwrap();
        stream.set_read_timeout(Some(POST_DEADLINE)).unwrap();
        let mut received = Vec::new();
        let mut buffer = [0u8; 8192];
        let head_end = loop {
            if let Some(at) = received.windows(4).position(|four| four == b"\r\n\r\n") {
                break at + 4;
            }
            let read = stream.read(&mut buffer).expect("the request comes");
            assert!(read > 0, "the request ended before its headers did");
            received.extend_from_slice(&buffer[..read]);
        };
        let head = String::from_utf8(received[..head_end].to_vec()).expect("UTF-8 headers");
        let header = |name: &str| {
            head.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                key.eq_ignore_ascii_case(name)
                    .then(|| value.trim().to_string())
            })
        };
        if header("Expect").is_some_and(|expect| expect.eq_ignore_ascii_case("100-continue")) {
            stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").unwrap();
        }
        let length: usize = header("Content-Length")
            .expect("a body of known length")
            .parse()
            .expect("a length");
        while received.len() < head_end + length {
            let read = stream.read(&mut buffer).expect("the body comes");
            assert!(read > 0, "the request ended before its body did");
            received.extend_from_slice(&buffer[..read]);
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            .unwrap();
        let body = String::from_utf8(received[head_end..].to_vec()).expect("a UTF-8 body");
        Posted { head, body }
    }

    /// Whether anything connected. Asked once the hook has ended, so nothing still to
    /// come is missed: a hook that posted is done with its connection.
    fn anything_posted(&self) -> bool {
        match self.listener.accept() {
            Ok(_) => true,
            Err(error) if error.kind() == ErrorKind::WouldBlock => false,
            Err(error) => panic!("the stand-in could not accept: {error}"),
        }
    }
}

/// Text as Slack reads it: `&`, `<` and `>` as entities, so nothing typed makes a mention,
/// a link or a broadcast.
fn slack_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
#[ignore = "needs curl; .ci/run installs it"]
fn the_slack_example_posts_each_update_and_nothing_else() {
    crate::env::require_tool("curl");
    let mut env = TestEnv::new();
    let id = env.open("Checkout returns 502s");
    let webhook = Webhook::new();
    install_example(&env, "slack-updates");
    let path = std::env::var_os("PATH").unwrap_or_default();
    env.set_var("PATH", &path);
    env.set_var("SLACK_WEBHOOK_URL", webhook.url());

    // A note runs the hook too, end to end: it is no update, so nothing is posted.
    let out = env.run(&["note", PASTED, "--json"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", out.stdout);
    assert!(!webhook.anything_posted(), "a note was posted to Slack");

    // An update, as `incident update --to executives` records it: the note's entry, made
    // one.
    let update = out
        .stdout
        .replace("\"id\": \"N1\"", "\"id\": \"U1\"")
        .replace(
            "  \"kind\": \"note\",\n",
            "  \"kind\": \"update\",\n  \"to\": \"executives\",\n",
        );
    assert!(update.contains("\"kind\": \"update\""), "{update}");
    let mut hook = std::process::Command::new(env.data_dir().join("hooks/on-record"))
        .env_clear()
        .env("PATH", &path)
        .env("INCIDENT_ID", &id)
        .env("SLACK_WEBHOOK_URL", webhook.url())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the hook runs");
    hook.stdin
        .take()
        .expect("its input")
        .write_all(update.as_bytes())
        .expect("the entry is written");
    let posted = webhook.next_post(&mut hook);
    let ran = hook.wait_with_output().expect("the hook ends");
    assert!(ran.status.success(), "{ran:?}");
    assert_eq!(
        (ran.stdout.as_slice(), ran.stderr.as_slice()),
        (&b""[..], &b""[..])
    );

    assert!(
        posted
            .head
            .starts_with("POST /services/T000/B000/XXXX HTTP/1.1\r\n"),
        "{}",
        posted.head
    );
    assert!(
        posted
            .head
            .to_ascii_lowercase()
            .contains("\r\ncontent-type: application/json\r\n"),
        "{}",
        posted.head
    );
    // One JSON object with one key, its text the update as typed: nothing in it broke out.
    let payload: Value = serde_json::from_str(&posted.body)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {}", posted.body));
    assert_eq!(
        payload,
        json!({ "text": format!("Update on {id}: {}", slack_escaped(PASTED)) })
    );
    assert!(!webhook.anything_posted(), "posted twice");
}

#[test]
fn the_github_example_files_each_action_as_an_issue_and_nothing_else() {
    let mut env = TestEnv::new();
    let id = env.open("Checkout returns 502s");
    // A stand-in `gh`, first on PATH: it writes down each call, the repository gh would
    // read from `GH_REPO` and then its arguments, apart, and answers with the new issue's
    // URL, as gh does.
    let bin = env.home().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let calls = env.home().join("gh-calls");
    std::fs::write(
        bin.join("gh"),
        format!(
            "#!/bin/sh\nprintf '%s\\0' \"$GH_REPO\" \"$@\" >> '{}'\nprintf '\\n' >> '{0}'\n\
             echo https://github.com/acme/shop/issues/1\n",
            calls.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(bin.join("gh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    env.set_var("PATH", path);
    env.set_var("GH_REPO", "acme/shop");
    install_example(&env, "github-issues");

    // A title with everything a shell would act on, quotes and a backslash: on one line,
    // as an issue title is.
    let title = "Pin \"pgbouncer\" to 1.21; $(reboot) `id` | tee & it's \\ done 100%s é";
    let out = env.run(&["action", title, "--owner", "ben", "-q"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "A1\n");
    assert_eq!(out.stderr, "hook: https://github.com/acme/shop/issues/1\n");
    // Every other kind passes by.
    assert_eq!(env.ok(&["note", "paged the DBA", "-q"]), "N1\n");
    assert_eq!(env.ok(&["symptom", PASTED, "-q"]), "S1\n");

    let calls = std::fs::read_to_string(&calls).expect("gh was called");
    let calls: Vec<Vec<&str>> = calls
        .lines()
        .map(|call| call.trim_end_matches('\0').split('\0').collect())
        .collect();
    assert_eq!(
        calls,
        [[
            "acme/shop",
            "issue",
            "create",
            "--title",
            title,
            "--body",
            &format!("Follow-up A1 of incident {id}."),
        ]]
    );
}

/// The README shows the example hooks in part: every line it shows is a line of one of
/// them, so what a newcomer copies from it is what the tests above ran.
#[test]
fn the_readme_shows_the_example_hooks_as_they_are() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("the README");
    let (_, section) = readme.split_once("\n## Hooks\n").expect("a Hooks section");
    let section = section.split("\n## ").next().unwrap_or_default();
    let examples: Vec<String> = ["slack-updates", "github-issues"]
        .iter()
        .map(|name| std::fs::read_to_string(root.join("examples/hooks").join(name)).unwrap())
        .collect();
    let shown: Vec<&str> = section
        .split("```sh\n")
        .skip(1)
        .flat_map(|block| block.split("\n```").next().unwrap_or_default().lines())
        .collect();
    assert!(shown.len() >= 8, "{section}");
    for line in shown {
        assert!(
            examples
                .iter()
                .any(|example| example.lines().any(|have| have == line)),
            "the README shows a line no example hook has: {line}"
        );
    }
}

/// The process ignores SIGPIPE for itself (a closed pipe is an error it reports), but a
/// hook it starts gets the default back, as any program started from a shell has: a
/// `producer | head -1` in a hook ends when `head` does. SIGXFSZ stays ignored, on purpose
/// (a hook past `ulimit -f` fails its write instead of dying without a word).
#[test]
fn a_hook_starts_with_sigpipe_as_a_shell_would_give_it() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let got = env.home().join("ignored");
    install_hook(
        &env,
        &format!("grep SigIgn /proc/$$/status > '{}'", got.display()),
    );
    env.ok(&["note", "paged the DBA", "-q"]);
    let line = std::fs::read_to_string(&got).unwrap();
    let mask = u64::from_str_radix(line.trim().trim_start_matches("SigIgn:").trim(), 16)
        .unwrap_or_else(|_| panic!("a signal mask: {line:?}"));
    let bit = |signal: i32| 1u64 << (signal - 1);
    assert_eq!(
        mask & bit(libc::SIGPIPE),
        0,
        "SIGPIPE ignored in the hook: {line}"
    );
    assert_ne!(
        mask & bit(libc::SIGXFSZ),
        0,
        "SIGXFSZ not ignored in the hook: {line}"
    );
}
