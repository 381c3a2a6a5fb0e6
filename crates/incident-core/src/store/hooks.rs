//! `<data dir>/hooks/on-record`: the user's program, run after every recorded entry with
//! the entry's JSON on standard input. It is given at most ten seconds, then it and its
//! process group are killed. It runs in its own process group with its output captured,
//! so it can neither write to our standard output nor hang the command; what it printed
//! and what went wrong are returned for the command to show, never printed here.

use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Store;
use super::atomic::kind_name;
use crate::signals;

/// The longest a hook may take, as the contract says.
pub const HOOK_SECONDS: u64 = 10;
/// How much of a hook's output is kept to show: the first 64 KiB.
const KEPT_OUTPUT: usize = 64 * 1024;
/// Set for the hook, so that an `incident` it runs records without running it again.
pub const IN_HOOK: &str = "INCIDENT_IN_HOOK";

/// What a hook run came to.
#[derive(Debug, Default)]
pub struct HookRun {
    /// What it printed on its standard output and error, as it printed it.
    pub output: String,
    /// Why it failed, was not run or was stopped: a warning to show.
    pub problem: Option<String>,
}

impl Store {
    fn hook_path(&self, name: &str) -> PathBuf {
        self.root.join("hooks").join(name)
    }

    /// Runs `hooks/on-record` with what `input` makes on its standard input and
    /// `INCIDENT_ID` and `INCIDENT_EVENT` set, if there is one; `None` when there is none
    /// (and `input` is not made). A hook that is no regular file or not executable is not
    /// run, and said so.
    pub fn run_on_record(
        &self,
        id: &str,
        event: &str,
        input: impl FnOnce() -> String,
    ) -> Option<HookRun> {
        let path = self.hook_path("on-record");
        let shown = path.display().to_string();
        let problem = |problem: String| {
            Some(HookRun {
                output: String::new(),
                problem: Some(problem),
            })
        };
        // A link is followed (a hook kept in a dotfiles repository), but what it points
        // at must be a regular file: a FIFO or a device would hang or never end.
        let metadata = match fs::metadata(&path) {
            Ok(metadata) => metadata,
            Err(error) if fs::symlink_metadata(&path).is_ok() => {
                return problem(format!(
                    "hook {shown} is a link that leads nowhere ({error}); not run"
                ));
            }
            Err(_) => return None,
        };
        if !metadata.is_file() {
            let kind = kind_name(metadata.file_type());
            return problem(format!(
                "hook {shown} is {kind}, not a regular file; not run"
            ));
        }
        if metadata.permissions().mode() & 0o111 == 0 {
            return problem(format!(
                "hook {shown} is not executable; not run (`chmod +x` it to run it)"
            ));
        }
        let limit = hook_limit();
        Some(
            run(path, id, event, &input(), limit).unwrap_or_else(|error| HookRun {
                output: String::new(),
                problem: Some(format!("hook {shown} could not be run: {error}")),
            }),
        )
    }
}

/// Ten seconds, or less with `INCIDENT_HOOK_TIMEOUT` (seconds, decimals allowed), which
/// tests use to see a hang stopped without waiting ten seconds. Never more.
fn hook_limit() -> Duration {
    let most = Duration::from_secs(HOOK_SECONDS);
    std::env::var("INCIDENT_HOOK_TIMEOUT")
        .ok()
        .and_then(|seconds| seconds.trim().parse::<f64>().ok())
        .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
        .map_or(most, |seconds| Duration::from_secs_f64(seconds).min(most))
}

fn run(path: PathBuf, id: &str, event: &str, input: &str, limit: Duration) -> io::Result<HookRun> {
    let (mut reader, writer) = io::pipe()?;
    let errors = writer.try_clone()?;
    let mut child = Command::new(&path)
        .env("INCIDENT_ID", id)
        .env("INCIDENT_EVENT", event)
        .env(IN_HOOK, "1")
        .stdin(Stdio::piped())
        .stdout(writer)
        .stderr(errors)
        .process_group(0)
        .spawn()?;
    let started = Instant::now();
    // Written from a thread: a hook that never reads its input must not block us.
    if let Some(mut stdin) = child.stdin.take() {
        let input = input.to_string();
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        });
    }
    let output = Arc::new(Mutex::new(Vec::new()));
    let reading = {
        let output = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(read) = reader.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                if let Ok(mut kept) = output.lock() {
                    let room = KEPT_OUTPUT.saturating_sub(kept.len());
                    kept.extend_from_slice(&buffer[..read.min(room)]);
                }
            }
        })
    };
    let status = loop {
        match child.try_wait()? {
            Some(status) => break Some(status),
            None if started.elapsed() >= limit => break None,
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    // Whatever it left running in its group goes too, so that nothing holds the output
    // pipe open; something that left the group may, so reading stops shortly after.
    signals::kill_group(child.id());
    let _ = child.wait();
    let deadline = Instant::now() + Duration::from_millis(200);
    while !reading.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let output = output
        .lock()
        .map(|kept| String::from_utf8_lossy(&kept).into_owned())
        .unwrap_or_default();
    let shown = path.display();
    let problem = match status {
        None => Some(format!(
            "hook {shown} took longer than {} and was stopped",
            crate::duration::human_duration_ms(
                u64::try_from(limit.as_millis()).unwrap_or(u64::MAX)
            )
        )),
        Some(status) if status.success() => None,
        Some(status) => Some(match (status.code(), status.signal()) {
            (Some(code), _) => format!("hook {shown} failed (exit status {code})"),
            (None, Some(signal)) => format!("hook {shown} was killed by signal {signal}"),
            (None, None) => format!("hook {shown} failed"),
        }),
    };
    Ok(HookRun { output, problem })
}
