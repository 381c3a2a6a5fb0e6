//! Files the user names (`report -o`): written whole or not at all, never over the log.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::Store;
use super::atomic::{AtomicWrite, Durability, Placement, folder_of, sweep_stale_temps, temp_path};
use crate::error::{Error, Result};

impl Store {
    /// Whether a path the user gave lands inside the data directory, by any name. Paths
    /// cannot tell: a bind mount, a case-insensitive file system or a second mount of the
    /// same disk gives one folder several names. Folders are compared by what they are,
    /// their device and inode: the folder the file would be written in (where the links
    /// of the path lead) and each folder above it are checked against the data directory
    /// and its incidents folder.
    pub fn contains(&self, path: &Path) -> bool {
        let identity = |dir: &Path| fs::metadata(dir).ok().map(|meta| (meta.dev(), meta.ino()));
        let guarded: Vec<(u64, u64)> = [self.root.clone(), self.incidents_dir()]
            .iter()
            .filter_map(|dir| identity(dir))
            .collect();
        if guarded.is_empty() {
            return false;
        }
        let target = follow_symlinks(path).unwrap_or_else(|_| path.to_path_buf());
        // Resolved so that `..` climbs out of the folder actually reached, not out of
        // the name of a link to it.
        let Ok(folder) = fs::canonicalize(folder_of(&target)) else {
            // No such folder: the write cannot happen either.
            return false;
        };
        folder
            .ancestors()
            .any(|dir| identity(dir).is_some_and(|found| guarded.contains(&found)))
    }
}

/// Where a chain of symlinks ends, even if nothing is there yet.
fn follow_symlinks(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..16 {
        match fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let target =
                    fs::read_link(&current).map_err(|source| Error::io(&current, source))?;
                current = match current.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(Error::io(
        path,
        io::Error::other("too many levels of symbolic links"),
    ))
}

/// Writes a file the user named (`report -o`) so that it is either the old file or the
/// complete new one, never a partial report. A symlink is written through to its target;
/// a FIFO or device is written to directly, as a shell redirection would. Returns a
/// warning when the folder could not be synced.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<Option<String>> {
    // Whatever the kernel finds at the end of the links: a device (`/dev/null`,
    // `/dev/stdout`) or a FIFO is written to, never replaced.
    if fs::metadata(path).is_ok_and(|metadata| !metadata.is_file() && !metadata.is_dir()) {
        return OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut file| file.write_all(bytes))
            .map(|()| None)
            .map_err(|source| Error::io(path, source));
    }
    let path = &follow_symlinks(path)?;
    let name = path
        .file_name()
        .ok_or_else(|| Error::Invalid(format!("{} is not a file name", path.display())))?;
    let folder = folder_of(path);
    sweep_stale_temps(&folder, name);
    // A replaced file keeps its mode; a new one is 0644, whatever the umask.
    let mode = fs::metadata(path).map_or(0o644, |metadata| metadata.permissions().mode());
    AtomicWrite {
        target: path,
        temp: temp_path(&folder, name),
        mode,
        placement: Placement::Replace,
        durability: Durability::Synced,
    }
    .write(bytes)
}
