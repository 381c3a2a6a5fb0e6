//! A git that talks to the remote outlives a sync killed while it runs: in the foreground
//! it is not in a group of its own, and a `kill -9` of the sync alone leaves it fetching,
//! holding its lock on our repository, and the next sync then fails on `cannot lock ref`.
//! So each such git is written down (`incident-git.pid` in our repository: its pid, when
//! it started, whether it leads a process group) while it runs; the next sync, which holds
//! the sync lock and so knows no other sync is running, stops whatever is still running
//! under that record, then removes the lock files it left.

use std::fs;
use std::path::Path;

const FILE: &str = "incident-git.pid";

/// Writes down the git just started: `group` when it leads a process group of its own.
pub(super) fn record(repo: &Path, pid: u32, group: bool) {
    if let Some(started) = start_time(pid) {
        let _ = fs::write(
            repo.join(FILE),
            format!("{pid} {started} {}\n", u8::from(group)),
        );
    }
}

/// The git written down has ended.
pub(super) fn forget(repo: &Path) {
    let _ = fs::remove_file(repo.join(FILE));
}

/// Stops the git a killed sync left running, if it still is: the same pid, started at
/// the same moment (a pid reused since is someone else's).
pub(super) fn stop(repo: &Path) {
    let Ok(text) = fs::read_to_string(repo.join(FILE)) else {
        return;
    };
    let mut fields = text.split_whitespace();
    let (Some(pid), Some(started), Some(group)) = (
        fields.next().and_then(|pid| pid.parse::<i32>().ok()),
        fields
            .next()
            .and_then(|started| started.parse::<u64>().ok()),
        fields.next(),
    ) else {
        forget(repo);
        return;
    };
    if pid > 1 && start_time(pid.unsigned_abs()) == Some(started) {
        // A process this data directory's sync started, checked above to be that very
        // process by its start time.
        if group == "1" {
            crate::signals::kill_group(pid.unsigned_abs());
        } else {
            crate::signals::kill_process(pid.unsigned_abs());
        }
        // It is gone when its entry in /proc is (or it is a zombie nobody reaps).
        for _ in 0..100 {
            if start_time(pid.unsigned_abs()).is_none() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
    forget(repo);
}

/// Removes the lock files a killed git left in our repository: its own, and those of its
/// refs, at any depth.
pub(super) fn remove_locks(repo: &Path) {
    remove_locks_in(repo, false);
    remove_locks_in(&repo.join("refs"), true);
}

fn remove_locks_in(dir: &Path, deep: bool) {
    let Ok(listing) = fs::read_dir(dir) else {
        return;
    };
    for item in listing.flatten() {
        let Ok(kind) = item.file_type() else {
            continue;
        };
        let path = item.path();
        if kind.is_dir() && deep {
            remove_locks_in(&path, true);
        } else if kind.is_file()
            && path
                .extension()
                .is_some_and(|extension| extension == "lock")
        {
            let _ = fs::remove_file(&path);
        }
    }
}

/// When a process started, in clock ticks since boot (`/proc/<pid>/stat`, field 22), or
/// `None` when it is gone or is a zombie.
fn start_time(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name, in parentheses, may hold spaces: count fields after it.
    let after = &stat[stat.rfind(')')? + 1..];
    let mut fields = after.split_whitespace();
    let state = fields.next()?;
    if state == "Z" || state == "X" {
        return None;
    }
    // Fields 4 to 22 follow the state (field 3).
    fields.nth(18)?.parse().ok()
}
