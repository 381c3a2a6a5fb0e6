//! `incident shell`: typed into a real terminal through tmux, as an engineer types at
//! 3AM, and replayed from a file, as a timeline kept during an outage is. Every story
//! reads what was stored, not only the screen.

use std::cell::Cell;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::env::{TestEnv, command_line, entry, labels, require_tool};

/// How long the screen may take to show what a test waits for.
const DEADLINE: Duration = Duration::from_secs(15);

/// A tmux server of the test's own, running one pane of 120 by 40 characters.
pub(crate) struct Terminal {
    tmux: PathBuf,
    socket: PathBuf,
    /// How many prompts the test has waited for: keys are pressed only at a prompt,
    /// never while a line runs (the terminal would echo them, and a Ctrl-D typed then is
    /// no Ctrl-D at the prompt).
    prompts: Cell<usize>,
}

impl Terminal {
    /// `incident ARGS` in a pane, with the test's clean environment and `vars`; returns
    /// once its prompt shows.
    #[track_caller]
    fn open(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Terminal {
        // The shell around the program survives the Ctrl-C a test sends while a line
        // runs, to say how it ended; the program itself gets SIGINT as usual.
        let terminal = Terminal::start(
            env,
            &format!(
                "trap true INT; {}; echo \"{EXIT_STATUS}$?]\"",
                command_line(args)
            ),
            vars,
        );
        terminal.next_prompt();
        terminal
    }

    /// A login shell's prompt (`sh`, `$ `) in a pane, `incident` on its `PATH`, as an
    /// engineer paged at 3AM has it: what they type there, a shell reads.
    #[track_caller]
    pub(crate) fn at_a_shell(env: &TestEnv) -> Terminal {
        let bin = crate::env::binary();
        let dir = bin.parent().expect("the binary is in a folder");
        let path = std::env::join_paths(std::iter::once(dir.to_path_buf()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))
        .expect("a PATH");
        let path = path.to_str().expect("a UTF-8 PATH");
        // The prompt set on the line itself: tmux starts it through a `bash -c`, which
        // drops a `PS1` from the environment, and `sh` as root would say `# `.
        let terminal = Terminal::start(env, "PS1='$ ' exec sh", &[("PATH", path)]);
        terminal.wait_for("$ ");
        terminal
    }

    /// `command` run by `sh -c` in a pane of a tmux server of its own, with the test's
    /// clean environment, `PATH` and `vars`.
    #[track_caller]
    fn start(env: &TestEnv, command: &str, vars: &[(&str, &str)]) -> Terminal {
        let tmux = require_tool("tmux");
        let config = env.home().join("tmux.conf");
        // The pane stays when the program ends, so what it said can be read.
        std::fs::write(
            &config,
            "set -g remain-on-exit on\nset -g status off\nset -g history-limit 5000\n",
        )
        .expect("the tmux configuration is written");
        // A server of its own for each terminal: one killed may still be going when the
        // next one starts.
        static SERVERS: AtomicUsize = AtomicUsize::new(0);
        let server = SERVERS.fetch_add(1, Ordering::SeqCst);
        let terminal = Terminal {
            tmux,
            socket: env.home().join(format!("tmux-{server}.sock")),
            prompts: Cell::new(0),
        };
        let started = terminal
            .tmux()
            .env_clear()
            .envs(env.vars())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(vars.iter().copied())
            .env("TERM", "xterm-256color")
            .current_dir(env.home())
            .arg("-f")
            .arg(&config)
            .args(["new-session", "-d", "-s", "night", "-x", "120", "-y", "40"])
            .arg(command)
            .status()
            .expect("tmux runs");
        assert!(started.success(), "tmux could not start a session");
        terminal
    }

    fn tmux(&self) -> Command {
        let mut tmux = Command::new(&self.tmux);
        tmux.arg("-S").arg(&self.socket);
        tmux
    }

    #[track_caller]
    fn send(&self, args: &[&str]) {
        let sent = self
            .tmux()
            .args(["send-keys", "-t", "night"])
            .args(args)
            .status()
            .expect("tmux runs");
        assert!(sent.success(), "tmux send-keys {args:?} failed");
    }

    /// Types `text` as it is, every character a key.
    #[track_caller]
    pub(crate) fn type_text(&self, text: &str) {
        self.send(&["-l", text]);
    }

    /// Presses a key by tmux's name for it: `Enter`, `Tab`, `Up`, `C-c`, `C-d`.
    #[track_caller]
    pub(crate) fn press(&self, key: &str) {
        self.send(&[key]);
    }

    /// Types a line, presses Enter, and waits for the prompt after it; returns the screen.
    #[track_caller]
    pub(crate) fn enter(&self, line: &str) -> String {
        self.type_text(line);
        self.press("Enter");
        self.next_prompt()
    }

    /// Waits for the prompt after the last one waited for; returns the screen.
    #[track_caller]
    fn next_prompt(&self) -> String {
        let wanted = self.prompts.get() + 1;
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.lines().filter(|line| is_prompt(line)).count() >= wanted {
                self.prompts.set(wanted);
                return screen;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "the screen never showed prompt {wanted}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Everything the pane showed, wrapped lines joined.
    pub(crate) fn screen(&self) -> String {
        let captured = self
            .tmux()
            .args(["capture-pane", "-p", "-J", "-S", "-", "-t", "night"])
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&captured.stdout).into_owned()
    }

    /// Waits until `text` shows `times` times on the screen; returns the screen.
    #[track_caller]
    pub(crate) fn wait_for_times(&self, text: &str, times: usize) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.matches(text).count() >= times {
                return screen;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "the screen never showed {text:?} {times} time(s):\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until a prompt shows on a line after the last `text`; returns the screen.
    #[track_caller]
    fn wait_for_prompt_after(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            let prompted = screen
                .rsplit_once(text)
                .is_some_and(|(_, after)| after.lines().skip(1).any(is_prompt));
            if prompted {
                return screen;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "the screen never showed a prompt after {text:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[track_caller]
    fn wait_for(&self, text: &str) -> String {
        self.wait_for_times(text, 1)
    }

    /// Waits for the program to end; returns its exit status.
    #[track_caller]
    pub(crate) fn exit_status(&self) -> i32 {
        let screen = self.wait_for(EXIT_STATUS);
        let (_, after) = screen.rsplit_once(EXIT_STATUS).expect("waited for");
        let status = after.split(']').next().unwrap_or_default();
        status.parse().expect("an exit status")
    }
}

/// What the pane prints when the program ends, before its exit status: tmux 3.3 can lose
/// the end of a pane's program (it stays a zombie, its status never read), so the shell
/// around it says.
const EXIT_STATUS: &str = "[exit status ";

/// A line that starts with a prompt: `incident> `, or `name (facts)> `.
fn is_prompt(line: &str) -> bool {
    line.starts_with("incident>")
        || line
            .split_once(")>")
            .and_then(|(head, _)| head.split_once(" ("))
            .is_some_and(|(name, _)| !name.is_empty() && !name.contains(' '))
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").output();
    }
}

const CHECKOUT: &str = "2026-11-21-checkout-returns-502s";
const PROMPT: &str = "checkout-returns-502s (investigating, 0 standing)> ";

/// `report --format json` of the checkout incident.
#[track_caller]
fn report(env: &TestEnv) -> Value {
    env.json(&["report", "--format", "json", "-i", CHECKOUT])
}

/// The screen shows `text`, or the test fails showing the screen.
#[track_caller]
pub(crate) fn shows(screen: &str, text: &str) {
    assert!(
        screen.contains(text),
        "the screen does not show {text:?}:\n{screen}"
    );
}

#[test]
#[ignore = "needs tmux; .ci/run installs it"]
fn a_night_typed_at_the_prompt_is_stored_as_typed() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let terminal = Terminal::open(&env, &["shell"], &[]);
    shows(&terminal.screen(), PROMPT);

    // What a shell would have run, split, expanded or waited on is text here.
    let pasted = r#"ERROR pool; retry=3 it's "down" $(hostname) `id` a|b && c & #42 !! 'x'"#;
    shows(&terminal.enter(&format!("symptom {pasted}")), "S1 recorded");
    shows(
        &terminal.enter("h DB connection pool exhausted"),
        "H1 recorded",
    );
    let screen =
        terminal.enter("test count the waiters --for H1 --run 'echo 340 waiters | tr a-z A-Z'");
    shows(&screen, "340 WAITERS");
    shows(&screen, "R1 recorded");
    // Tab finishes a half-typed label, of the kind the word takes.
    terminal.type_text("result T");
    terminal.press("Tab");
    terminal.wait_for("> result T1");
    terminal.type_text("pool at 100/100 --confirms h");
    terminal.press("Tab");
    terminal.wait_for("--confirms H1");
    terminal.press("Enter");
    let screen = terminal.next_prompt();
    shows(&screen, "R2 recorded");
    shows(
        &screen,
        "checkout-returns-502s (investigating, 1 standing)> ",
    );

    let report = report(&env);
    assert_eq!(labels(&report), ["S1", "H1", "T1", "R1", "R2"]);
    assert_eq!(entry(&report, "S1")["text"], pasted);
    assert_eq!(entry(&report, "H1")["kind"], "hypothesis");
    assert_eq!(entry(&report, "T1")["text"], "count the waiters");
    assert_eq!(entry(&report, "T1")["for"], json!(["H1"]));
    let document = env.document(CHECKOUT);
    assert_eq!(
        entry(&document, "R1")["command"],
        "echo 340 waiters | tr a-z A-Z"
    );
    assert_eq!(entry(&document, "R1")["output"], "340 WAITERS\n");
    assert_eq!(entry(&report, "R2")["test"], "T1");
    assert_eq!(entry(&report, "R2")["text"], "pool at 100/100");
    assert_eq!(entry(&report, "R2")["confirms"], json!(["H1"]));
}

#[test]
#[ignore = "needs tmux; .ci/run installs it"]
fn tab_offers_only_the_labels_the_option_takes() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    env.quiet(&["symptom", "5xx at 12%"]);
    env.quiet(&["hypothesis", "bad deploy"]);
    env.quiet(&["hypothesis", "DB pool exhausted"]);
    env.quiet(&["test", "roll back", "--for", "H1"]);
    env.quiet(&["result", "T1", "502s go on", "--rules-out"]);
    let terminal = Terminal::open(&env, &["shell"], &[]);
    shows(&terminal.screen(), "(investigating, 1 standing)> ");

    // H1 is ruled out and S1 is no hypothesis: H2 is the one label `--for` takes.
    terminal.type_text("test read the pool gauges --for ");
    terminal.press("Tab");
    terminal.wait_for("--for H2");
    terminal.press("Enter");
    shows(&terminal.next_prompt(), "T2 recorded");
    // A command's prefix, and `--explains`, which takes symptoms.
    terminal.type_text("hyp");
    terminal.press("Tab");
    terminal.wait_for("> hypothesis");
    terminal.type_text("retry storm --explains ");
    terminal.press("Tab");
    terminal.wait_for("--explains S1");
    terminal.press("Enter");
    shows(&terminal.next_prompt(), "H3 recorded");

    assert_eq!(entry(&report(&env), "T2")["for"], json!(["H2"]));
    assert_eq!(
        entry(&env.document(CHECKOUT), "H3")["explains"],
        json!(["S1"])
    );
}

#[test]
#[ignore = "needs tmux; .ci/run installs it"]
fn the_history_outlives_the_session_and_is_private() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let first = Terminal::open(&env, &["shell"], &[]);
    shows(&first.enter("note paged the DBA"), "N1 recorded");
    first.press("C-d");
    assert_eq!(first.exit_status(), 0);
    drop(first);

    let mode = |path: &std::path::Path| {
        let metadata = std::fs::metadata(path).expect("it exists");
        metadata.permissions().mode() & 0o777
    };
    assert_eq!(mode(&env.data_dir().join("shell-history")), 0o600);
    assert_eq!(mode(&env.data_dir()), 0o700);

    // The next night, Up brings the line back; Ctrl-C abandons it, and nothing is
    // recorded twice.
    let second = Terminal::open(&env, &["shell"], &[]);
    second.press("Up");
    second.wait_for("> note paged the DBA");
    second.press("C-c");
    second.next_prompt();
    second.press("C-d");
    assert_eq!(second.exit_status(), 0);
    assert_eq!(labels(&report(&env)), ["N1"]);
}

#[test]
#[ignore = "needs tmux; .ci/run installs it"]
fn ctrl_c_abandons_the_line_and_ctrl_d_leaves() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let terminal = Terminal::open(&env, &["shell"], &[]);
    terminal.type_text("note reboot db-1 now");
    terminal.press("C-c");
    terminal.next_prompt();
    shows(
        &terminal.enter("note rebooting db-2 instead"),
        "N1 recorded",
    );
    terminal.press("C-d");
    assert_eq!(terminal.exit_status(), 0);

    let report = report(&env);
    assert_eq!(labels(&report), ["N1"]);
    assert_eq!(entry(&report, "N1")["text"], "rebooting db-2 instead");
}

#[test]
#[ignore = "needs tmux; .ci/run installs it"]
fn a_failing_line_is_said_and_the_prompt_goes_on() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let terminal = Terminal::open(&env, &["shell"], &[]);
    shows(
        &terminal.enter("result T9 pool fine"),
        "error: no such entry: T9",
    );
    shows(
        &terminal.enter("note --bye ana paged"),
        "did you mean `--by`?",
    );
    // Standard input is the prompt's: a lone `-` would wait on lines Ctrl-C cannot abandon.
    shows(
        &terminal.enter("symptom -"),
        "write the text on the line itself",
    );
    shows(&terminal.enter("note still here"), "N1 recorded");
    terminal.press("C-d");
    assert_eq!(terminal.exit_status(), 0);
    assert_eq!(labels(&report(&env)), ["N1"]);
}

#[test]
#[ignore = "needs tmux; .ci/run installs it"]
fn the_prompt_reads_the_incident_from_disk_before_every_line() {
    let env = TestEnv::new();
    let terminal = Terminal::open(&env, &["shell"], &[]);
    shows(&terminal.screen(), "incident> ");
    shows(&terminal.enter("open Checkout returns 502s"), PROMPT);
    shows(
        &terminal.enter("hypothesis DB pool exhausted"),
        "checkout-returns-502s (investigating, 1 standing)> ",
    );

    // Another terminal moves the incident on; the next prompt says so.
    env.quiet(&["severity", "2"]);
    env.quiet(&["stage", "mitigated"]);
    // At severity 2 an update is due every hour: the first an hour after the opening.
    shows(
        &terminal.enter(""),
        "checkout-returns-502s (mitigated, sev 2, 1 standing, update due 04:30 UTC)> ",
    );
    env.quiet(&["close", "pool raised to 200"]);
    shows(&terminal.enter(""), "checkout-returns-502s (closed)> ");
}

#[test]
#[ignore = "needs tmux; .ci/run installs it"]
fn the_prompt_says_when_the_next_update_is_due_and_when_it_is_late() {
    let env = TestEnv::new();
    // Severity 1 from 02:40: an update every 30 minutes, the first due at 03:10, and the
    // clock says 03:30.
    env.quiet(&[
        "open",
        "Checkout returns 502s",
        "--severity",
        "1",
        "--at",
        "02:40",
    ]);
    let terminal = Terminal::open(&env, &["shell"], &[]);
    shows(
        &terminal.screen(),
        "checkout-returns-502s (investigating, sev 1, 0 standing, update overdue)> ",
    );
    shows(
        &terminal.enter("update EU checkout degraded, rollback under way --at 03:20"),
        "U1 recorded",
    );
    shows(
        &terminal.screen(),
        "checkout-returns-502s (investigating, sev 1, 0 standing, update due 03:50 UTC)> ",
    );
    shows(&terminal.enter("cadence off"), "E2 recorded");
    shows(
        &terminal.screen(),
        "checkout-returns-502s (investigating, sev 1, 0 standing)> ",
    );
}

#[test]
#[ignore = "needs tmux; .ci/run installs it"]
fn ctrl_c_during_a_run_stops_the_command_not_the_shell() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let terminal = Terminal::open(&env, &["shell"], &[]);
    // What the command prints is not what was typed: `watching` shows once it runs.
    terminal.type_text("test is the pool draining --run 'printf \"%sing\\n\" watch; sleep 60'");
    terminal.press("Enter");
    terminal.wait_for("\nwatching");
    terminal.press("C-c");
    shows(&terminal.next_prompt(), "error: interrupted");
    // The next run is not stopped by the Ctrl-C of the one before.
    shows(
        &terminal.enter("test is the API up --run 'echo up'"),
        "R1 recorded",
    );
    terminal.press("C-d");
    assert_eq!(terminal.exit_status(), 0);

    let report = report(&env);
    assert_eq!(labels(&report), ["T1", "R1"]);
    assert_eq!(entry(&report, "T1")["text"], "is the API up");
}

#[test]
#[ignore = "needs tmux; .ci/run installs it"]
fn the_editor_opens_on_a_terminal_in_its_usual_mode() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    // An editor that writes whether the terminal reads whole lines (`icanon`) or keys.
    let editor = env.home().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nstty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon > \"$1\"\n",
    )
    .expect("the editor is written");
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755))
        .expect("the editor is executable");
    let editor = editor.to_str().expect("a UTF-8 path");
    let terminal = Terminal::open(&env, &["shell"], &[("EDITOR", editor)]);
    shows(&terminal.enter("note"), "N1 recorded");
    assert_eq!(entry(&report(&env), "N1")["text"], "icanon");
}

#[test]
#[ignore = "needs tmux; .ci/run installs it"]
fn help_works_inside_and_a_shell_inside_is_refused() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let terminal = Terminal::open(&env, &["shell"], &[]);
    shows(&terminal.enter("help symptom"), "Usage: incident symptom");
    shows(
        &terminal.enter("shell"),
        "error: this is the incident shell already",
    );
    shows(&terminal.enter("sym still answering"), "S1 recorded");
    terminal.press("C-d");
    assert_eq!(terminal.exit_status(), 0);
}

#[test]
fn the_shell_takes_no_words() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let stderr = env.fails(&["shell", "now"], 2);
    assert!(stderr.contains("unexpected argument 'now'"), "{stderr}");
}

/// A timeline written during the outage, replayed into the log: comments and blank lines
/// are skipped, and the sixth line fails.
const TIMELINE: &str = "\
# 02:41 paged; the VPN was down, so this was kept in a file
symptom ERROR pool; retry=3 it's \"down\" | grep & #42 !!

h DB connection pool exhausted --at 02:45
test count the waiters --for H1 --run 'echo 340 waiters'
result T9 pool at 100/100 --confirms H1
note this line never runs
";

#[test]
fn a_replay_runs_each_line_and_stops_at_the_first_that_fails() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let out = env.run_with_stdin(&["shell", "-q"], TIMELINE);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout, "S1\nH1\nT1 R1\n");
    assert!(
        out.stderr
            .contains("error: no such entry: T9 (expected a test)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .ends_with("hint: line 6 failed, so the lines after it did not run\n"),
        "{}",
        out.stderr
    );

    let report = report(&env);
    assert_eq!(labels(&report), ["S1", "H1", "T1", "R1"]);
    assert_eq!(
        entry(&report, "S1")["text"],
        r#"ERROR pool; retry=3 it's "down" | grep & #42 !!"#
    );
    assert_eq!(entry(&report, "H1")["at"], "2026-11-21T02:45:00Z");
    assert_eq!(
        entry(&env.document(CHECKOUT), "R1")["command"],
        "echo 340 waiters"
    );
}

#[test]
fn a_replay_exits_with_the_code_of_the_line_that_failed() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    // A line typed wrong is exit 2, as the command would be.
    let out = env.run_with_stdin(&["shell"], "note paged\nnote --at someday x\nnote never\n");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("line 2 failed"), "{}", out.stderr);
    // A lone `-` would read the rest of the script: refused, and nothing after it runs.
    let out = env.run_with_stdin(&["shell"], "symptom -\nnote never\n");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("write the text on the line itself"),
        "{}",
        out.stderr
    );
    // Help is no failure: it is printed, and the replay goes on.
    let out = env.run_with_stdin(&["shell"], "help note\nnote after the help\n");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("Usage: incident note"),
        "{}",
        out.stdout
    );
    let report = report(&env);
    assert_eq!(labels(&report), ["N1", "N2"]);
    assert_eq!(entry(&report, "N2")["text"], "after the help");
}

#[test]
fn the_lines_take_the_options_the_shell_was_given() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    env.open("Payments slow");
    // `-i` and `--json` for every line; a line's own options win.
    let out = env.run_with_stdin(
        &["-i", "checkout", "--json", "shell"],
        "note for checkout\nnote -i payments for payments\n",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let receipts: Vec<Value> = serde_json::Deserializer::from_str(&out.stdout)
        .into_iter()
        .map(|receipt| receipt.expect("JSON values, one after another"))
        .collect();
    assert_eq!(receipts[0]["incident"], CHECKOUT);
    assert_eq!(receipts[1]["incident"], "2026-11-21-payments-slow");

    let elsewhere = env.home().join("elsewhere");
    let dir = elsewhere.to_str().expect("a UTF-8 path");
    let out = env.run_with_stdin(&["--dir", dir, "shell"], "open Elsewhere\n");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        elsewhere
            .join("incidents/2026-11-21-elsewhere.json")
            .is_file()
    );
}

/// Lines typed faster than they run (or pasted without bracketed paste) all run, in
/// order: none is lost between one prompt and the next.
#[test]
#[ignore = "needs tmux; .ci/run installs it"]
fn lines_typed_ahead_all_run_in_order() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let terminal = Terminal::open(&env, &["shell"], &[]);
    // One send: every key reaches the terminal at once, before the first line has run.
    let lines: Vec<String> = (1..=6)
        .map(|number| format!("note burst {number}"))
        .collect();
    let mut keys = Vec::new();
    for line in &lines {
        keys.extend([line.as_str(), "Enter"]);
    }
    terminal.send(&keys);
    // Ctrl-D only at the prompt after the last line: pressed while a line runs, it would
    // be no Ctrl-D at the prompt.
    terminal.wait_for_prompt_after("N6 recorded");
    terminal.press("C-d");
    assert_eq!(terminal.exit_status(), 0);
    let report = report(&env);
    assert_eq!(labels(&report), ["N1", "N2", "N3", "N4", "N5", "N6"]);
    for number in 1..=6 {
        assert_eq!(
            entry(&report, &format!("N{number}"))["text"],
            format!("burst {number}")
        );
    }
}

/// `exit` and `quit` leave, as in psql and redis-cli.
#[test]
#[ignore = "needs tmux; .ci/run installs it"]
fn exit_leaves_the_prompt() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let terminal = Terminal::open(&env, &["shell"], &[]);
    shows(&terminal.enter("note leaving now"), "N1 recorded");
    terminal.type_text("exit");
    terminal.press("Enter");
    assert_eq!(terminal.exit_status(), 0);
    assert_eq!(labels(&report(&env)), ["N1"]);
}

/// `incident` alone, typed at the shell a pager woke: the prompt opens, so the 3AM path is
/// the one no shell stands in. A line a shell would cut at the `;` (and run the rest of as
/// a command) is recorded whole, Ctrl-D leaves back to the shell, and global options
/// alone open it too, passed on to every line.
#[test]
#[ignore = "needs tmux; .ci/run installs it"]
fn incident_alone_typed_at_a_shell_opens_the_prompt() {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    let terminal = Terminal::at_a_shell(&env);
    shows(&terminal.enter("incident"), PROMPT);
    let typed = r#"failover done; reboot db-1 later "carefully", it's 'fine' $(id) | tee"#;
    shows(&terminal.enter(&format!("note {typed}")), "N1 recorded");
    terminal.press("C-d");
    terminal.wait_for_times("$ ", 2);
    // The words apart, so that the line typed does not read as what it prints.
    terminal.type_text(r#"echo "[exit" "status $?]""#);
    terminal.press("Enter");
    assert_eq!(terminal.exit_status(), 0);
    let recorded = report(&env);
    assert_eq!(labels(&recorded), ["N1"]);
    assert_eq!(entry(&recorded, "N1")["text"], typed);

    // Global options alone: the prompt, each line taking them.
    terminal.wait_for_times("$ ", 3);
    shows(&terminal.enter("incident --dir elsewhere"), "incident> ");
    shows(&terminal.enter("open Payments slow"), "opened");
    terminal.press("C-d");
    terminal.wait_for_times("$ ", 4);
    assert!(
        env.home()
            .join("elsewhere/incidents/2026-11-21-payments-slow.json")
            .is_file()
    );
    assert_eq!(
        labels(&report(&env)),
        ["N1"],
        "the first data directory is untouched"
    );
}

/// `incident` alone where no one can type at a prompt (a script, a pipe, a cron job): how to
/// start, exit 0, and nothing read or made, with or without an incident, with global
/// options alone too. Standard input and output must both be a terminal for the prompt.
#[test]
fn incident_alone_without_a_terminal_says_how_to_start() {
    let env = TestEnv::new();
    let how_to_start = |said: &str| {
        let lines: Vec<&str> = said.lines().collect();
        assert!(lines.len() <= 5, "a couple of lines, not a page:\n{said}");
        for command in ["incident open TITLE", "incident shell", "incident --help"] {
            assert!(
                lines
                    .iter()
                    .any(|line| line.trim_start().starts_with(command)),
                "no line starts with {command:?}:\n{said}"
            );
        }
    };
    // On a fresh machine: the data directory is not even made.
    let said = env.ok(&[]);
    how_to_start(&said);
    assert!(
        !env.data_dir().exists(),
        "`incident` alone made the data directory"
    );
    let elsewhere = env.home().join("elsewhere");
    let dir = elsewhere.to_str().expect("a UTF-8 path");
    assert_eq!(env.ok(&["--dir", dir]), said);
    assert!(!elsewhere.exists(), "`incident --dir X` made X");

    // With an incident going, the same: no board, nothing changed on disk.
    let id = env.open("Checkout returns 502s");
    let before = std::fs::read(env.document_path(&id)).expect("the document");
    assert_eq!(env.ok(&[]), said);
    assert_eq!(env.ok(&["-i", "checkout", "--color", "always"]), said);
    assert_eq!(
        std::fs::read(env.document_path(&id)).expect("the document"),
        before
    );

    // Half a terminal is no terminal: the pipe after it, or a file before it.
    for line in [
        format!("{} | cat", command_line(&[])),
        format!("{} < /dev/null", command_line(&[])),
    ] {
        let out = std::process::Command::new(require_tool("script"))
            .env_clear()
            .envs(env.vars())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(env.home())
            .args(["-qec", &line, "/dev/null"])
            .stdin(std::process::Stdio::null())
            .output()
            .expect("script runs");
        assert_eq!(out.status.code(), Some(0), "{line}");
        let shown = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
        assert_eq!(shown, said, "{line}");
    }
    assert_eq!(
        std::fs::read(env.document_path(&id)).expect("the document"),
        before
    );
}
