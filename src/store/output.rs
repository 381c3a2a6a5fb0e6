//! Files the user names (`report -o`): written whole or not at all, never over the log.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::Store;
use super::atomic::{AtomicWrite, Durability, Placement, folder_of, unique_suffix};
use crate::error::{Error, Result};

impl Store {
    /// Whether a path the user gave lands inside the data directory, through any links.
    pub fn contains(&self, path: &Path) -> bool {
        let Ok(root) = fs::canonicalize(&self.root) else {
            return false;
        };
        let target = follow_symlinks(path).unwrap_or_else(|_| path.to_path_buf());
        // The file may not exist yet: resolve its folder, then add its name.
        let resolved = match (target.parent(), target.file_name()) {
            (Some(parent), Some(name)) => {
                let parent = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
                fs::canonicalize(parent).map(|parent| parent.join(name))
            }
            _ => fs::canonicalize(&target),
        };
        resolved.is_ok_and(|resolved| resolved.starts_with(&root))
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
        .ok_or_else(|| Error::Usage(format!("{} is not a file name", path.display())))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}", unique_suffix()));
    // A replaced file keeps its mode; a new one is 0644, whatever the umask.
    let mode = fs::metadata(path).map_or(0o644, |metadata| metadata.permissions().mode());
    AtomicWrite {
        target: path,
        temp: folder_of(path).join(temp_name),
        mode,
        placement: Placement::Replace,
        durability: Durability::Synced,
    }
    .write(bytes)
}
