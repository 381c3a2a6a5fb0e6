//! The sync that follows a recording command: a detached process, so that the engineer
//! never waits on the network. It has its own session (a Ctrl-C or a closed terminal
//! does not stop it), nothing to prompt on, and writes what it says to `sync/log`. What
//! the process is, the caller says: the store knows no command line.

use std::fs::OpenOptions;
use std::io::{Seek, SeekFrom};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use super::super::FILE_MODE;
use crate::error::{Error, Result};
use crate::store::Store;

/// The log is cut back to nothing when it grows past this: it says what the last
/// background syncs did, not the history (the remote keeps that).
const MAX_LOG_BYTES: u64 = 256 * 1024;

/// Starts `command`, a sync of `store` in the background, if a remote is set and
/// `INCIDENT_SYNC` is not `off`, and returns without waiting for it.
pub fn spawn_background_sync(store: &Store, mut command: Command) -> Result<()> {
    if std::env::var_os("INCIDENT_SYNC").is_some_and(|value| value == "off") {
        return Ok(());
    }
    if store.remote()?.is_none() {
        return Ok(());
    }
    store.ensure_sync_dir()?;
    let log_path = store.sync_dir().join("log");
    let mut log = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(&log_path)
        .map_err(|source| Error::io(&log_path, source))?;
    if log.seek(SeekFrom::End(0)).unwrap_or(0) > MAX_LOG_BYTES {
        let _ = log.set_len(0);
    }
    let error_log = log
        .try_clone()
        .map_err(|source| Error::io(&log_path, source))?;
    command.stdin(Stdio::null()).stdout(log).stderr(error_log);
    // A session of its own, not only a process group (std has no safe way to ask for one
    // yet): with no controlling terminal, a git that would ask for a password fails
    // instead of stopping the sync for ever on a terminal read.
    // SAFETY: setsid(2) is async-signal-safe and allocates nothing, and the child does
    // nothing else before exec.
    unsafe {
        command.pre_exec(|| {
            rustix::process::setsid()?;
            Ok(())
        });
    }
    crate::store::failpoint("background-sync-start");
    let mut child = command
        .spawn()
        .map_err(|source| Error::io(command.get_program(), source))?;
    // Reaped by a thread, so that a long-lived process (the prompt) leaves no zombies;
    // a process that ends first simply leaves the child to init.
    std::thread::spawn(move || child.wait());
    Ok(())
}
