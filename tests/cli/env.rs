//! `TestEnv`: a temp data directory, a cleared environment and a fixed clock, so every
//! run of the real binary is deterministic.

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

    /// The binary with a clean environment: only what a test sets reaches it.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::cargo_bin("incident").expect("the binary is built");
        command
            .env_clear()
            .env("INCIDENT_DIR", self.data_dir())
            .env("INCIDENT_NOW", &self.now)
            .env("TZ", &self.tz)
            .env("USER", "ana")
            .current_dir(self.temp.path())
            .args(args);
        command
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

/// util-linux's `script`, which runs a command on a real pseudo-terminal; `None` only
/// where it is missing, which CI does not allow.
pub fn pty() -> Option<PathBuf> {
    let found = crate::output::which("script");
    assert!(
        found.is_some() || std::env::var_os("CI").is_none(),
        "CI needs util-linux's script"
    );
    found
}
