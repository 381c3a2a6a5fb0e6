//! Taking an incident's lock when another command holds it.
//!
//! Two things a blocked `flock` does not do on its own: say why the command is stuck, and
//! stop when the user gives up. While waiting, SIGINT and SIGTERM get their default
//! action back (unless they were ignored), so Ctrl-C ends the command at once with the
//! usual 130 or 143 even when a handler of ours was installed (the command line catches them
//! while a test's command runs): nothing is written yet and the kernel drops the waiting lock
//! request, so dying there loses nothing. After about a second, the store's `Waiting`
//! notice is called with a line that says who holds the lock: warnings are handed back
//! only when the command returns, too late for someone staring at a stuck command, and
//! the store itself never prints.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use super::atomic::{kind_name, not_regular};
use crate::error::{Error, Result};
use crate::sanitize;
use crate::signals::{self, Signal};

/// What is told, once, when a lock has been waited on for a second: a line naming who
/// holds it, already escaped. `None` tells nothing.
pub type Waiting = Option<std::sync::Arc<dyn Fn(&str) + Send + Sync>>;

/// How long a wait is before it is worth a word.
const QUIET_WAIT: Duration = Duration::from_secs(1);

/// Opens (creating) a lock file: never replaced, truncated or followed through a
/// symlink, and opened without blocking, so a FIFO there is refused at once instead of
/// waiting for a reader.
pub(super) fn open(path: &Path) -> Result<File> {
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(super::FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(|source| not_regular(path).unwrap_or_else(|| Error::io(path, source)))?;
    let metadata = lock.metadata().map_err(|source| Error::io(path, source))?;
    if !metadata.is_file() {
        return Err(Error::NotRegularFile {
            path: path.to_path_buf(),
            found: kind_name(metadata.file_type()),
        });
    }
    Ok(lock)
}

/// Takes the lock on `file` if it is free: `false` when another process holds it.
pub(super) fn try_acquire(file: &File, path: &Path) -> Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(TryLockError::WouldBlock) => Ok(false),
        Err(TryLockError::Error(source)) => Err(Error::io(path, source)),
    }
}

/// Takes the exclusive lock on `file`, the lock of `id` (an incident, or the sync),
/// waiting as long as it takes unless the user interrupts.
pub(super) fn acquire(file: &File, path: &Path, id: &str, waiting: &Waiting) -> Result<()> {
    if try_acquire(file, path)? {
        return Ok(());
    }
    let _signals = signals::Guard::install(
        &[Signal::Interrupt, Signal::Terminate],
        signals::Action::End,
    );
    let (done, wait) = mpsc::channel::<()>();
    let device_inode = file.metadata().ok().map(|meta| (meta.dev(), meta.ino()));
    let id = id.to_string();
    let waiting = waiting.clone();
    let notice = std::thread::spawn(move || {
        // Dropping `done` wakes this at once when the lock is taken sooner.
        if let Err(mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(QUIET_WAIT) {
            let holder = device_inode.and_then(holder_of).unwrap_or_default();
            if let Some(tell) = waiting {
                tell(&sanitize::one_line(&format!(
                    "waiting for the lock of {id}{holder}…"
                )));
            }
        }
    });
    let taken = loop {
        // A signal that some handler caught (SIGHUP during a test's command) cuts the
        // wait short: wait again, the caller checks what the handler noted.
        match file.lock() {
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            other => break other,
        }
    };
    drop(done);
    let _ = notice.join();
    taken.map_err(|source| Error::io(path, source))
}

/// `, held by pid 1234 (its program and subcommand)`, from the kernel's own table of locks, which
/// knows the holder whatever it is (another `incident`, `flock`, an editor) and never
/// names one that is gone; empty when it cannot tell.
fn holder_of((device, inode): (u64, u64)) -> Option<String> {
    let (major, minor) = (rustix::fs::major(device), rustix::fs::minor(device));
    let table = std::fs::read_to_string("/proc/locks").ok()?;
    let pid = table.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // `1: FLOCK ADVISORY WRITE 1234 08:01:5678 0 EOF`; waiters have `->` after `1:`.
        if fields.len() < 6 || fields[1] != "FLOCK" {
            return None;
        }
        let mut place = fields[5].split(':');
        let found_major = u32::from_str_radix(place.next()?, 16).ok()?;
        let found_minor = u32::from_str_radix(place.next()?, 16).ok()?;
        let found_inode: u64 = place.next()?.parse().ok()?;
        (found_major == major && found_minor == minor && found_inode == inode)
            .then(|| fields[4].parse::<u32>().ok())
            .flatten()
    })?;
    let command = std::fs::read(format!("/proc/{pid}/cmdline"))
        .ok()
        .and_then(|cmdline| command_name(&cmdline));
    Some(match command {
        Some(command) => format!(", held by pid {pid} ({command})"),
        None => format!(", held by pid {pid}"),
    })
}

/// `prog sub` from `/usr/bin/prog\0sub\0…`: the program and, when it reads
/// like a subcommand, the first word after it; never the text that follows.
fn command_name(cmdline: &[u8]) -> Option<String> {
    let mut words = cmdline
        .split(|byte| *byte == 0)
        .map(String::from_utf8_lossy);
    let program = words.next()?;
    let program = program.rsplit('/').next()?.to_string();
    if program.is_empty() {
        return None;
    }
    Some(match words.next() {
        Some(word)
            if !word.is_empty()
                && word.len() <= 20
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_')
                && !word.starts_with('-') =>
        {
            format!("{program} {word}")
        }
        _ => program,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_is_named_by_its_program_and_subcommand_only() {
        assert_eq!(
            command_name(b"/usr/bin/incident\0note\0the secret text\0").as_deref(),
            Some("incident note")
        );
        assert_eq!(
            command_name(b"flock\0/tmp/x.lock\0cat\0").as_deref(),
            Some("flock")
        );
        assert_eq!(command_name(b"").as_deref(), None);
    }
}
