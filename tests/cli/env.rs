//! `TestEnv`: a temp data directory, a cleared environment and a fixed clock, so every
//! run of the real binary is deterministic.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The fixed "now" of every test: 03:30 UTC, the middle of the night.
pub const NOW: &str = "2026-11-21T03:30:00Z";

pub struct TestEnv {
    temp: TempDir,
    now: String,
    tz: String,
    /// Variables a test adds to the clean environment, after the fixed ones.
    extra: Vec<(OsString, OsString)>,
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            temp: tempfile::tempdir().expect("a temp dir"),
            now: NOW.into(),
            tz: "UTC".into(),
            extra: Vec::new(),
        }
    }

    pub fn with_tz(mut self, tz: &str) -> TestEnv {
        self.tz = tz.into();
        self
    }

    pub fn set_now(&mut self, now: &str) {
        self.now = now.into();
    }

    pub fn data_dir(&self) -> PathBuf {
        self.temp.path().join("data")
    }

    pub fn home(&self) -> &Path {
        self.temp.path()
    }

    pub fn document_path(&self, id: &str) -> PathBuf {
        self.data_dir().join("incidents").join(format!("{id}.json"))
    }

    /// Everything the binary's environment holds: the data directory, the clock, the
    /// zone and the user, and nothing inherited from whoever runs `cargo test`.
    pub fn vars(&self) -> Vec<(OsString, OsString)> {
        let mut vars: Vec<(OsString, OsString)> = vec![
            ("INCIDENT_DIR".into(), self.data_dir().into()),
            ("INCIDENT_NOW".into(), self.now.clone().into()),
            ("TZ".into(), self.tz.clone().into()),
            ("USER".into(), "ana".into()),
        ];
        for (name, value) in &self.extra {
            vars.retain(|(have, _)| have != name);
            vars.push((name.clone(), value.clone()));
        }
        vars
    }

    /// Adds (or replaces) a variable of the binary's environment.
    pub fn set_var(&mut self, name: &str, value: impl Into<OsString>) {
        let name = OsString::from(name);
        self.extra.retain(|(have, _)| *have != name);
        self.extra.push((name, value.into()));
    }

    /// The binary as a process to spawn, signal or wait on, with the clean environment.
    pub fn process(&self, args: &[&str]) -> std::process::Command {
        let mut process = std::process::Command::new(binary());
        process
            .env_clear()
            .envs(self.vars())
            .current_dir(self.temp.path())
            .args(args);
        process
    }

    /// The binary with a clean environment: only what a test sets reaches it.
    pub fn command(&self, args: &[&str]) -> Command {
        Command::from_std(self.process(args))
    }

    /// `bash -c script` with the clean environment, plus `PATH` for the shell's own tools
    /// and `BIN`, the binary: `"$BIN" note x`.
    #[track_caller]
    pub fn shell(&self, script: &str) -> std::process::Command {
        let mut shell = std::process::Command::new(require_tool("bash"));
        shell
            .env_clear()
            .envs(self.vars())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("BIN", binary())
            .current_dir(self.temp.path())
            .arg("-c")
            .arg(script);
        shell
    }

    /// The binary on a real pseudo-terminal, through util-linux's `script`, with the
    /// clean environment (which `script` hands on); stdout carries the terminal's output.
    #[track_caller]
    pub fn at_terminal(&self, args: &[&str]) -> std::process::Command {
        let mut script = std::process::Command::new(require_tool("script"));
        script
            .env_clear()
            .envs(self.vars())
            .current_dir(self.temp.path())
            .args(["-qec", &command_line(args), "/dev/null"]);
        script
    }

    pub fn run(&self, args: &[&str]) -> Output {
        output(self.command(args))
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut command = self.command(args);
        command.write_stdin(stdin);
        output(command)
    }

    /// Runs a command that must succeed quietly on stderr; returns its stdout.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.code,
            0,
            "`incident {}` failed:\nstdout: {}\nstderr: {}",
            args.join(" "),
            out.stdout,
            out.stderr
        );
        assert_eq!(
            out.stderr,
            "",
            "`incident {}` wrote to stderr",
            args.join(" ")
        );
        out.stdout
    }

    /// `-q` output, trimmed: the id or label the command printed.
    #[track_caller]
    pub fn quiet(&self, args: &[&str]) -> String {
        let mut with_quiet = args.to_vec();
        with_quiet.push("-q");
        self.ok(&with_quiet).trim_end().to_string()
    }

    /// `-q` output, trimmed, of a command that may first be told on stderr what a sync
    /// renumbered or renamed (after a sync killed midway, say): every line of its stderr
    /// is such a note.
    #[track_caller]
    pub fn quiet_told(&self, args: &[&str]) -> String {
        let mut with_quiet = args.to_vec();
        with_quiet.push("-q");
        let out = self.run(&with_quiet);
        assert_eq!(out.code, 0, "{with_quiet:?} failed: {}", out.stderr);
        for line in out.stderr.lines() {
            assert!(
                line.starts_with("note: after a sync, ") && line.contains(" is now "),
                "{with_quiet:?} wrote more than news to stderr: {}",
                out.stderr
            );
        }
        out.stdout.trim_end().to_string()
    }

    /// Runs a command that must fail with `code`, print nothing on stdout and one
    /// `error: ` line first on stderr; returns stderr.
    #[track_caller]
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        assert_eq!(
            out.code,
            code,
            "`incident {}`: wrong exit code\nstdout: {}\nstderr: {}",
            args.join(" "),
            out.stdout,
            out.stderr
        );
        assert_eq!(
            out.stdout,
            "",
            "`incident {}` wrote to stdout",
            args.join(" ")
        );
        assert!(
            out.stderr.starts_with("error: "),
            "`incident {}`: stderr does not start with an error line: {}",
            args.join(" "),
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        out.stderr
    }

    #[track_caller]
    pub fn json(&self, args: &[&str]) -> Value {
        let mut with_json = args.to_vec();
        with_json.push("--json");
        let stdout = self.ok(&with_json);
        serde_json::from_str(&stdout).unwrap_or_else(|error| {
            panic!(
                "`incident {}` printed invalid JSON ({error}): {stdout}",
                args.join(" ")
            )
        })
    }

    /// The stored document, read straight from the disk.
    #[track_caller]
    pub fn document(&self, id: &str) -> Value {
        let text = std::fs::read_to_string(self.document_path(id)).expect("the document exists");
        serde_json::from_str(&text).expect("the document is JSON")
    }

    /// Opens an incident and returns its id.
    #[track_caller]
    pub fn open(&self, title: &str) -> String {
        self.quiet(&["open", title])
    }
}

fn output(mut command: Command) -> Output {
    let out = command.output().expect("the binary runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// The body of a Markdown report's section `heading` (`## Summary`), up to the next
/// level-two heading, trimmed.
#[track_caller]
pub fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let start = markdown
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no {heading} in:\n{markdown}"));
    let rest = &markdown[start + heading.len() + 2..];
    rest[..rest.find("\n## ").unwrap_or(rest.len())].trim()
}

/// The labels of a JSON report's entries, in order.
pub fn labels(report: &Value) -> Vec<String> {
    report["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| entry["id"].as_str().expect("id").to_string())
        .collect()
}

/// The report entry with this label.
#[track_caller]
pub fn entry<'a>(report: &'a Value, label: &str) -> &'a Value {
    report["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|entry| entry["id"] == label)
        .unwrap_or_else(|| panic!("no entry {label} in {report:#}"))
}

/// The binary under test.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_incident"))
}

/// `'/path/to/incident' 'arg' …`, quoted for `sh -c`: the binary run with `args`.
pub fn command_line(args: &[&str]) -> String {
    std::iter::once(binary().display().to_string())
        .chain(args.iter().map(|arg| arg.to_string()))
        .map(|word| format!("'{}'", word.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The program's path on `PATH`, if it is there.
pub fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

/// An external tool a test cannot do without: its path, or a failure naming it. A test
/// never passes by skipping what it checks. One that needs a tool a fresh machine lacks
/// (anything beyond bash, git and util-linux) is `#[ignore = "needs TOOL; .ci/run
/// installs it"]`: the README's `cargo test --locked` leaves it out, and `.ci/run`
/// installs every such tool and runs it with `-- --include-ignored`.
#[track_caller]
pub fn require_tool(program: &str) -> PathBuf {
    which(program).unwrap_or_else(|| panic!("this test needs {program} (installed by .ci/run)"))
}

/// Runs markdownlint (default rules, line length aside) on `files` in `dir`, and checks
/// that every one of them exists and was linted, and that none has a finding.
#[track_caller]
pub fn lint_markdown(dir: &Path, files: &[&str]) {
    let markdownlint = require_tool("markdownlint-cli2");
    for file in files {
        let path = dir.join(file);
        let size = std::fs::metadata(&path)
            .unwrap_or_else(|error| panic!("{} to lint: {error}", path.display()))
            .len();
        assert!(size > 0, "{} to lint is empty", path.display());
    }
    std::fs::write(
        dir.join(".markdownlint-cli2.jsonc"),
        r#"{ "config": { "MD013": false } }"#,
    )
    .expect("the lint configuration is written");
    // `:name` is a literal path, never a glob that could match nothing.
    let lint = std::process::Command::new(markdownlint)
        .args(files.iter().map(|file| format!(":{file}")))
        .current_dir(dir)
        .output()
        .expect("markdownlint-cli2 runs");
    let stdout = String::from_utf8_lossy(&lint.stdout);
    let stderr = String::from_utf8_lossy(&lint.stderr);
    assert!(
        stdout.contains(&format!("Linting: {} file(s)", files.len())),
        "markdownlint did not lint all of {files:?}:\n{stdout}{stderr}"
    );
    assert!(lint.status.success(), "{files:?}:\n{stdout}{stderr}");
}

/// A night on checkout, still open at 03:30: an impact, a severity that peaked, two
/// roles, one hypothesis confirmed, one ruled out, one under test, one untested, a
/// retracted duplicate, a decision taken and another pending, four notes, and follow-ups
/// open, done and retracted.
pub fn a_night_on_checkout(env: &TestEnv) {
    env.quiet(&["open", "Checkout returns 502s", "--at", "02:40"]);
    for args in [
        &["severity", "1", "EU card payments failing", "--at", "02:44"][..],
        &["severity", "2", "--at", "03:15"],
        &["role", "commander", "ana", "--at", "02:45"],
        &["role", "comms", "ben", "--at", "02:46"],
        &[
            "impact",
            "about 30% of EU checkouts fail, card payments only",
            "--from",
            "02:31",
        ],
        &["symptom", "5xx rate on /checkout at 12%", "--at", "02:41"],
        &["symptom", "p99 latency 4s on payments-api", "--at", "02:42"],
        &["symptom", "errors only in eu-west-1", "--at", "02:43"],
        &["hypothesis", "bad config push at 02:30", "--at", "02:45"],
        &["hypothesis", "database failover", "--at", "02:46"],
        &[
            "hypothesis",
            "card provider outage",
            "--at",
            "02:47",
            "--by",
            "ben",
        ],
        &[
            "hypothesis",
            "noisy neighbour on eu-west-1",
            "--at",
            "02:48",
        ],
        &["hypothesis", "the database failed over", "--at", "02:49"],
        &["retract", "H5", "--why", "same as H2"],
        &[
            "test",
            "diff the config against yesterday's",
            "--for",
            "H1",
            "--at",
            "02:50",
        ],
        &[
            "test",
            "check the db primary's uptime",
            "--for",
            "H2",
            "--at",
            "02:51",
        ],
        &[
            "test",
            "query the provider status page",
            "--for",
            "H3",
            "--at",
            "02:52",
            "--by",
            "ben",
        ],
        &[
            "result",
            "T2",
            "primary up 41 days, no failover",
            "--rules-out",
            "--at",
            "02:55",
        ],
        &[
            "result",
            "T1",
            "timeout changed from 30s to 3s",
            "--confirms",
            "H1",
            "--at",
            "02:58",
        ],
        &["amend", "S2", "p99 latency 4.2s on payments-api"],
        &[
            "option",
            "roll back the config",
            "--consequence",
            "lose the new retry policy",
            "--at",
            "03:00",
        ],
        &[
            "decide",
            "O1",
            "safest, the old config ran for weeks",
            "--at",
            "03:03",
        ],
        &["note", "paged the payments team", "--at", "03:02"],
        &["note", "rollback started", "--at", "03:04"],
        &["note", "error rate back to 1%", "--at", "03:14"],
        &["note", "watching the EU dashboards", "--at", "03:20"],
        &["note", "wrong incident", "--at", "03:21"],
        &["retract", "N5"],
        &["stage", "mitigated", "--at", "03:12"],
        &[
            "option",
            "drain eu-west-1-c",
            "--consequence",
            "less capacity until morning",
            "--at",
            "03:21",
        ],
        &[
            "action",
            "add a config canary",
            "--owner",
            "ben",
            "--due",
            "2026-11-28",
            "--link",
            "https://jira.example.com/OPS-12",
            "--at",
            "03:22",
        ],
        &["action", "alert on timeout changes", "--at", "03:23"],
        &["action", "post the status page update", "--owner", "cara"],
        &["done", "A3", "posted at 03:25"],
        &["action", "page the wrong team", "--owner", "dan"],
        &["retract", "A4"],
    ] {
        env.quiet(args);
    }
}
