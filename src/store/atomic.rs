//! The one way a file is written: a temp file beside the target, written and synced,
//! then renamed over the target (or linked where the name must be new), then the folder
//! synced. A reader sees the old file or the new one, never a part of either.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use super::failpoint;
use crate::error::{Error, Result};

/// How a write lands.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Over whatever is at the target.
    Replace,
    /// Only where nothing is yet: a new incident never replaces another.
    New,
}

/// How much a write is worth.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Synced, and its folder too: a log, the current pointer, a report.
    Synced,
    /// A cache: losing it costs only the next read.
    Cache,
}

/// A write about to happen.
pub struct AtomicWrite<'a> {
    pub target: &'a Path,
    /// The temp file: beside the target, never ending in `.json`.
    pub temp: PathBuf,
    pub mode: u32,
    pub placement: Placement,
    pub durability: Durability,
}

impl AtomicWrite<'_> {
    /// Writes `bytes`. Returns a warning when the file is in place but the folder could
    /// not be synced: failing then would invite a retry that records an entry twice.
    pub fn write(&self, bytes: &[u8]) -> Result<Option<String>> {
        remove_if_present(&self.temp)?;
        let written = (|| {
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(self.mode)
                .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                .open(&self.temp)?;
            // The umask may have taken bits away; the mode is ours to set.
            file.set_permissions(fs::Permissions::from_mode(self.mode))?;
            file.write_all(bytes)?;
            failpoint("after-temp-write");
            if self.durability == Durability::Synced {
                file.sync_all()?;
            }
            Ok(())
        })();
        if let Err(source) = written {
            let _ = fs::remove_file(&self.temp);
            return Err(Error::io(&self.temp, source));
        }
        failpoint("before-rename");
        let placed = match self.placement {
            Placement::Replace => fs::rename(&self.temp, self.target),
            Placement::New => {
                let linked = link_without_replacing(&self.temp, self.target);
                let _ = fs::remove_file(&self.temp);
                linked
            }
        };
        if let Err(source) = placed {
            let _ = fs::remove_file(&self.temp);
            return Err(Error::io(self.target, source));
        }
        failpoint("after-rename");
        if self.durability == Durability::Cache {
            return Ok(None);
        }
        let folder = folder_of(self.target);
        Ok(sync_dir(&folder).err().map(|error| {
            format!(
                "saved, but the folder could not be synced, so the save may not survive a \
                 power cut: {error}"
            )
        }))
    }
}

/// The folder a path is in; `.` for a bare name.
pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn remove_if_present(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(Error::io(path, source)),
    }
}

/// A temp-file suffix no other process or save uses; never `.json`.
pub fn unique_suffix() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    format!(
        "{}.{}.{nanos}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Puts `temp` at `path` unless something is there already: a hard link (the caller then
/// removes `temp`), or where the file system has none, a rename that refuses to replace
/// (Linux's RENAME_NOREPLACE).
fn link_without_replacing(temp: &Path, path: &Path) -> io::Result<()> {
    match fs::hard_link(temp, path) {
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::Unsupported | io::ErrorKind::PermissionDenied
            ) || error.raw_os_error() == Some(libc::EXDEV) =>
        {
            use std::os::unix::ffi::OsStrExt;
            let from = std::ffi::CString::new(temp.as_os_str().as_bytes())?;
            let to = std::ffi::CString::new(path.as_os_str().as_bytes())?;
            // SAFETY: two NUL-terminated paths that outlive the call.
            let renamed = unsafe {
                libc::renameat2(
                    libc::AT_FDCWD,
                    from.as_ptr(),
                    libc::AT_FDCWD,
                    to.as_ptr(),
                    libc::RENAME_NOREPLACE,
                )
            };
            if renamed == 0 {
                Ok(())
            } else {
                Err(io::Error::last_os_error())
            }
        }
        other => other,
    }
}

pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|dir| dir.sync_all())
        .map_err(|source| Error::io(dir, source))
}
