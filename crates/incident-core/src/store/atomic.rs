//! The one way a file is written: a temp file beside the target, written and synced,
//! then renamed over the target (or linked where the name must be new), then the folder
//! synced. A reader sees the old file or the new one, never a part of either. And the one
//! way a file of ours is read: only a regular file, opened without blocking, up to a cap.

use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

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

/// Reads a file of ours whole. Only a regular file is read: it is opened without
/// following a symlink and without blocking (a FIFO would wait for a writer forever), and
/// what it is is checked on the open file itself, so it cannot change in between; then no
/// more than `limit` bytes are read (`/dev/zero` or a runaway file would eat the memory).
/// A missing file is an `Error::Io` whose source is `NotFound`.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let (file, len) = open_regular(path, limit)?;
    let too_large = || Error::TooLarge {
        path: path.to_path_buf(),
        limit,
    };
    let mut bytes = Vec::with_capacity(len);
    // One byte past the limit tells a file that grew since the stat.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::io(path, source))?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Reads the start of a file of ours, as `read_regular` reads a whole one: its first
/// `header` bytes, then up to the length `extent` finds in them (`None`: the whole file).
/// What it returns may be shorter than asked, for a file shorter than its header says.
pub fn read_regular_prefix(
    path: &Path,
    limit: u64,
    header: usize,
    extent: impl FnOnce(&[u8]) -> Option<u64>,
) -> Result<Vec<u8>> {
    let (file, len) = open_regular(path, limit)?;
    let mut bytes = Vec::with_capacity(header.min(len));
    let mut reading = (&file).take(header as u64);
    reading
        .read_to_end(&mut bytes)
        .map_err(|source| Error::io(path, source))?;
    // One byte past the limit tells a file that grew since the stat.
    let wanted = extent(&bytes).unwrap_or(limit + 1).min(limit + 1);
    bytes.reserve(
        usize::try_from(wanted)
            .unwrap_or(len)
            .min(len)
            .saturating_sub(bytes.len()),
    );
    (&file)
        .take(wanted.saturating_sub(bytes.len() as u64))
        .read_to_end(&mut bytes)
        .map_err(|source| Error::io(path, source))?;
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(bytes)
}

/// Opens a file of ours for reading: only a regular file, without following a symlink or
/// blocking, checked on the open file itself, and no larger than `limit`. Returns it with
/// its length.
pub(super) fn open_regular(path: &Path, limit: u64) -> Result<(fs::File, usize)> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(|source| not_regular(path).unwrap_or_else(|| Error::io(path, source)))?;
    let metadata = file.metadata().map_err(|source| Error::io(path, source))?;
    if !metadata.is_file() {
        return Err(Error::NotRegularFile {
            path: path.to_path_buf(),
            found: kind_name(metadata.file_type()),
        });
    }
    let too_large = || Error::TooLarge {
        path: path.to_path_buf(),
        limit,
    };
    if metadata.len() > limit {
        return Err(too_large());
    }
    let len = usize::try_from(metadata.len()).map_err(|_| too_large())?;
    Ok((file, len))
}

/// When opening `path` failed: whether that is because something other than a regular
/// file is there (a symlink refused by `O_NOFOLLOW`, a FIFO with no reader).
pub fn not_regular(path: &Path) -> Option<Error> {
    let metadata = fs::symlink_metadata(path).ok()?;
    (!metadata.is_file()).then(|| Error::NotRegularFile {
        path: path.to_path_buf(),
        found: kind_name(metadata.file_type()),
    })
}

pub fn kind_name(kind: fs::FileType) -> &'static str {
    if kind.is_symlink() {
        "a symlink (incident does not follow links in its data directory)"
    } else if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "not a plain file"
    }
}

/// Temp files that no lock protects (the current pointer, the list cache, `report -o`)
/// get unique names, `.<purpose>.<pid>.<n>.<nanos>.tmp`, since two commands may write at
/// once. The rule for what a kill or a full disk leaves behind: every write of a purpose
/// first removes that purpose's temp files in the same folder older than a minute; a
/// write takes milliseconds, so one that old belongs to no write still running. A
/// document's temp needs none of this: its one name per incident is used under the
/// incident's lock and replaced by the next save.
pub fn temp_path(folder: &Path, purpose: &OsStr) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(purpose);
    name.push(".");
    name.push(unique_suffix());
    folder.join(name)
}

const STALE_AFTER: Duration = Duration::from_secs(60);

/// Removes the temp files of `purpose` in `folder` (named as `temp_path` names them) that
/// are older than a minute. Best effort: a leftover only costs space.
pub fn sweep_stale_temps(folder: &Path, purpose: &OsStr) {
    use std::os::unix::ffi::OsStrExt;
    let Ok(listing) = fs::read_dir(folder) else {
        return;
    };
    let mut prefix = b".".to_vec();
    prefix.extend_from_slice(purpose.as_bytes());
    prefix.push(b'.');
    for item in listing.flatten() {
        let name = item.file_name();
        let Some(rest) = name.as_bytes().strip_prefix(prefix.as_slice()) else {
            continue;
        };
        if !is_unique_suffix(rest) {
            continue;
        }
        let stale = item.metadata().is_ok_and(|metadata| {
            metadata.is_file()
                && metadata.modified().is_ok_and(|modified| {
                    SystemTime::now()
                        .duration_since(modified)
                        .is_ok_and(|age| age > STALE_AFTER)
                })
        });
        if stale {
            let _ = fs::remove_file(item.path());
        }
    }
}

/// `<digits>.<digits>.<digits>.tmp`, as `unique_suffix` makes them.
fn is_unique_suffix(text: &[u8]) -> bool {
    let Some(numbers) = text.strip_suffix(b".tmp") else {
        return false;
    };
    let parts: Vec<&[u8]> = numbers.split(|byte| *byte == b'.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|part| !part.is_empty() && part.iter().all(u8::is_ascii_digit))
}

/// A temp-file suffix no other process or save uses; never `.json`.
fn unique_suffix() -> String {
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
            rustix::fs::renameat_with(
                rustix::fs::CWD,
                temp,
                rustix::fs::CWD,
                path,
                rustix::fs::RenameFlags::NOREPLACE,
            )
            .map_err(io::Error::from)
        }
        other => other,
    }
}

pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|dir| dir.sync_all())
        .map_err(|source| Error::io(dir, source))
}
