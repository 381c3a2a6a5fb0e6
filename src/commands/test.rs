//! `incident test TEXT… [--for H…] [--run CMD [--timeout SECS]] [--from INCIDENT:LABEL]`: a
//! test designed to rule hypotheses out, or one of an earlier incident run again here. With `--run`, the command runs through `sh -c`, its output is shown as
//! it comes (escaped, on stderr, so stdout keeps only the labels), and what it did is
//! recorded as the test's first result: evidence, not a verdict, which stays the
//! engineer's to give with `incident result`.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::cli::{StampArgs, TestArgs};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::input::{Typed, read_typed};
use crate::record::{self, Draft};
use crate::ui::Ui;
use incident_core::model::{Body, Kind, Label, Run, parse_labels};
use incident_core::sanitize;
use incident_core::signals::{self, Action, Signal, kill_group};
use rustix::event::{PollFd, PollFlags, Timespec};

/// How much of the output is kept: the last lines, and at most so many bytes of them.
const KEPT_LINES: usize = 50;
const KEPT_BYTES: usize = 16 * 1024;
/// How often the output reader looks up to see whether it should stop.
const POLL_EVERY: Timespec = Timespec {
    tv_sec: 0,
    tv_nsec: 50_000_000,
};

pub fn run(context: &Context, ui: &mut Ui, args: TestArgs) -> Result<()> {
    // The incident is chosen now: a `use` in another terminal while the command runs
    // must not send its evidence elsewhere.
    let id = context.target()?;
    let targets = parse_labels(&args.targets)?;
    let typed = match &args.from {
        Some(from) => Typed::given(super::hypothesis::from_earlier(
            context,
            &id,
            from,
            Kind::Test,
            &args.entry.text,
        )?),
        None => read_typed(&args.entry.text)?,
    };
    let Some(command) = args.run.as_deref() else {
        return record_test(context, ui, &id, &args.entry.stamp, targets, typed);
    };
    match run_and_record(context, ui, &id, &args, targets, command, &typed) {
        Ok(()) => {
            typed.accepted();
            Ok(())
        }
        Err(error) => Err(typed.kept(error)),
    }
}

fn record_test(
    context: &Context,
    ui: &mut Ui,
    id: &str,
    stamp: &StampArgs,
    targets: Vec<Label>,
    typed: Typed,
) -> Result<()> {
    let recorded = context.stamp(stamp).and_then(|stamp| {
        let body = Body::Test { targets };
        record::record_one(context, ui, id, stamp, body, typed.text().to_string())
    });
    match recorded {
        Ok(()) => {
            typed.accepted();
            Ok(())
        }
        Err(error) => Err(typed.kept(error)),
    }
}

fn run_and_record(
    context: &Context,
    ui: &mut Ui,
    id: &str,
    args: &TestArgs,
    targets: Vec<Label>,
    command: &str,
    typed: &Typed,
) -> Result<()> {
    let stamp = context.stamp(&args.entry.stamp)?;
    let test_at = stamp.at;
    if command.trim().is_empty() {
        return Err(Error::Usage("--run needs a command".into()));
    }
    // Fail before running anything if the test could not be recorded afterwards.
    let incident = context.store.load(id)?;
    incident.accepts(Kind::Test)?;
    for target in &targets {
        incident.expect_entry(*target, Some(Kind::Hypothesis))?;
    }
    // From here until the evidence is saved, Ctrl-C, SIGTERM and a closed terminal stop
    // the command, and the evidence is not recorded: the user asked to stop. The command
    // runs in its own process group, so the terminal's Ctrl-C (or its hangup) reaches only
    // us, and we stop it. Not restarted: a wait they arrive in ends, to be noticed.
    let _signals = signals::Guard::install(
        &[Signal::Interrupt, Signal::Terminate, Signal::Hangup],
        Action::Remember,
    );
    let evidence = execute(command, Duration::from_secs(args.timeout))?;
    // The result is evidence from when the command finished, to the second.
    let finished = test_at
        + chrono::Duration::seconds(i64::try_from(evidence.duration_ms / 1000).unwrap_or(0));
    let summary = crate::render::run::result_text(&evidence);
    let text = typed.text().to_string();
    if interrupted() {
        return Err(Error::Interrupted);
    }
    let recorded = record::record(context, ui, id, stamp, |incident| {
        // Under the lock, the last moment before anything is written: a stop asked for
        // while waiting for the lock (another terminal saving) is honoured here.
        if interrupted() {
            return Err(Error::Interrupted);
        }
        // The label the test is about to get, for its result to point at.
        let test = incident.next_label(Kind::Test)?;
        Ok(vec![
            Draft {
                body: Body::Test { targets },
                text,
                at: test_at,
            },
            Draft {
                body: Body::Result {
                    test,
                    rules_out: Vec::new(),
                    confirms: Vec::new(),
                    run: Some(evidence),
                },
                text: summary,
                at: finished,
            },
        ])
    });
    // A signal that cut the wait for the lock short surfaces as an interrupted flock(2).
    recorded.map_err(|error| {
        if interrupted() {
            Error::Interrupted
        } else {
            error
        }
    })
}

/// Whether SIGINT, SIGTERM or SIGHUP came since the command started to run.
fn interrupted() -> bool {
    signals::caught()
}

/// Runs the command in its own process group with stdout and stderr on one pipe, so the
/// output interleaves as printed; shows it live and keeps its tail. Returns by the
/// timeout even if something the command started keeps the pipe open.
fn execute(command: &str, timeout: Duration) -> Result<Run> {
    let (reader, writer) = io::pipe().map_err(|source| Error::io("a pipe", source))?;
    let writer_for_stderr = writer
        .try_clone()
        .map_err(|source| Error::io("a pipe", source))?;
    let started = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(writer_for_stderr)
        .process_group(0)
        .spawn()
        .map_err(|source| Error::io("sh", source))?;
    // The child has its copies of the pipe; ours are gone with the `Command`.
    let stop = Arc::new(AtomicBool::new(false));
    let shower = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || show_and_keep(reader, &stop))
    };
    let mut timed_out = false;
    let status = loop {
        if interrupted() {
            kill_group(child.id());
            let _ = child.wait();
            stop.store(true, Ordering::SeqCst);
            let _ = shower.join();
            return Err(Error::Interrupted);
        }
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() >= timeout => {
                timed_out = true;
                kill_group(child.id());
                break child.wait().ok();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => break None,
        }
    };
    // Anything the command left running in its group would hold the pipe open; what left
    // the group (`setsid`, a daemon) may too, so reading stops shortly after.
    kill_group(child.id());
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let deadline = Instant::now() + Duration::from_millis(500);
    while !shower.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    stop.store(true, Ordering::SeqCst);
    let tail = shower.join().unwrap_or_default();
    let _ = io::stderr().flush();
    Ok(Run {
        command: command.to_string(),
        exit_code: if timed_out {
            None
        } else {
            status.and_then(|status| status.code())
        },
        timed_out,
        duration_ms,
        output: tail.text(),
    })
}

/// Reads the command's output until it ends or `stop` is set: shows it on stderr, escaped
/// (a character split across two reads waits for its second half), and keeps its tail.
fn show_and_keep(mut reader: io::PipeReader, stop: &AtomicBool) -> Tail {
    let mut tail = Tail::default();
    let mut buffer = [0u8; 8192];
    let mut pending: Vec<u8> = Vec::new();
    let mut stderr = io::stderr();
    loop {
        let mut ready = [PollFd::new(&reader, PollFlags::IN)];
        let polled = rustix::event::poll(&mut ready, Some(&POLL_EVERY));
        // Nothing to read, or a signal cut the wait short (no SA_RESTART): never block in
        // read(2), which something outside the group could hold open for ever.
        if !matches!(polled, Ok(ready) if ready > 0) {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            continue;
        }
        match reader.read(&mut buffer) {
            Ok(0) => break,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
            Ok(read) => {
                let chunk = &buffer[..read];
                tail.push(chunk);
                pending.extend_from_slice(chunk);
                let complete = match std::str::from_utf8(&pending) {
                    Ok(_) => pending.len(),
                    Err(error) if error.error_len().is_none() => error.valid_up_to(),
                    Err(_) => pending.len(),
                };
                let shown = String::from_utf8_lossy(&pending[..complete]).into_owned();
                pending.drain(..complete);
                let _ = stderr.write_all(sanitize::for_terminal(&shown).as_bytes());
            }
        }
    }
    if !pending.is_empty() {
        let shown = String::from_utf8_lossy(&pending).into_owned();
        let _ = stderr.write_all(sanitize::for_terminal(&shown).as_bytes());
    }
    tail
}

/// The last bytes of the output, enough for the last lines within the byte limit.
#[derive(Default)]
struct Tail {
    bytes: VecDeque<u8>,
}

impl Tail {
    fn push(&mut self, chunk: &[u8]) {
        self.bytes.extend(chunk);
        // Keep room for 50 lines of up to the byte limit; trimmed exactly in `text`.
        let keep = KEPT_BYTES * 4;
        if self.bytes.len() > keep {
            self.bytes.drain(..self.bytes.len() - keep);
        }
    }

    /// The last 50 lines, at most 16 KiB, cut at a character boundary.
    fn text(&self) -> String {
        let bytes: Vec<u8> = self.bytes.iter().copied().collect();
        let text = String::from_utf8_lossy(&bytes);
        let body = text.strip_suffix('\n').unwrap_or(&text);
        let start = body
            .rmatch_indices('\n')
            .nth(KEPT_LINES - 1)
            .map_or(0, |(at, _)| at + 1);
        let mut kept = &text[start..];
        if kept.len() > KEPT_BYTES {
            let mut cut = kept.len() - KEPT_BYTES;
            while !kept.is_char_boundary(cut) {
                cut += 1;
            }
            kept = &kept[cut..];
        }
        kept.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_keeps_the_last_fifty_lines_within_sixteen_kib() {
        let mut tail = Tail::default();
        for line in 1..=120 {
            tail.push(format!("line {line}\n").as_bytes());
        }
        let text = tail.text();
        assert!(text.starts_with("line 71\n"), "{text}");
        assert!(text.ends_with("line 120\n"));
        assert_eq!(text.lines().count(), 50);

        let mut long = Tail::default();
        long.push("é".repeat(20_000).as_bytes());
        let text = long.text();
        assert!(text.len() <= KEPT_BYTES);
        assert!(text.chars().all(|c| c == 'é'));
    }
}
