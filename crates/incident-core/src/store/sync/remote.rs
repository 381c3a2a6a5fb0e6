//! The remote a data directory shares through, and the sync folder it keeps: the URL
//! checked as one line no git option can hide in, and the files a sync writes there.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use super::super::atomic::{self, AtomicWrite, Durability, Placement, read_regular};
use super::super::{DIR_MODE, FILE_MODE, Store};
use super::state;
use crate::error::{Error, Result};

/// A URL is a line; a longer one is not a URL.
const MAX_URL_BYTES: u64 = 4096;

impl Store {
    pub(super) fn sync_dir(&self) -> PathBuf {
        self.root.join("sync")
    }

    pub(super) fn remote_path(&self) -> PathBuf {
        self.sync_dir().join("remote")
    }

    /// The URL incidents are shared through, if one is set.
    pub fn remote(&self) -> Result<Option<String>> {
        let path = self.remote_path();
        match read_regular(&path, MAX_URL_BYTES) {
            Ok(bytes) => {
                let url = String::from_utf8_lossy(&bytes).trim().to_string();
                check_url(&url).map_err(|reason| Error::Damaged { path, reason })?;
                Ok(Some(url))
            }
            Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Shares this data directory's incidents through `url` from now on. A path is made
    /// absolute, since syncs run from wherever a command was typed.
    pub fn set_remote(&self, url: &str) -> Result<String> {
        let url = url.trim();
        check_url(url).map_err(Error::Invalid)?;
        // A path, not a URL (`host:path` is scp-like ssh; `./a:b` is a path again).
        let scp_like = url
            .split_once(':')
            .is_some_and(|(host, _)| !host.is_empty() && !host.contains('/'));
        let url = if !url.contains("://") && !scp_like {
            std::path::absolute(url)
                .map_err(|source| Error::io(url, source))?
                .to_string_lossy()
                .into_owned()
        } else {
            url.to_string()
        };
        self.ensure_sync_dir()?;
        if self.remote()?.as_deref() != Some(url.as_str()) {
            // What was shared with another remote says nothing about this one.
            self.forget_sharing()?;
        }
        self.write_sync_file(&self.remote_path(), format!("{url}\n").as_bytes())?;
        Ok(url)
    }

    /// Stops sharing. Nothing is deleted: the documents stay, and so does the remote.
    /// Returns whether a remote was set.
    pub fn remove_remote(&self) -> Result<bool> {
        let had = self.remote()?.is_some();
        self.forget_held();
        for path in [self.remote_path(), self.sync_dir().join(state::FILE)] {
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(source) => return Err(Error::io(path, source)),
            }
        }
        Ok(had)
    }

    pub(super) fn ensure_sync_dir(&self) -> Result<()> {
        self.ensure_dirs()?;
        let dir = self.sync_dir();
        if let Ok(metadata) = fs::symlink_metadata(&dir) {
            if metadata.is_dir() {
                return Ok(());
            }
            return Err(Error::NotRegularFile {
                path: dir,
                found: "not a folder",
            });
        }
        std::fs::DirBuilder::new()
            .mode(DIR_MODE)
            .create(&dir)
            .or_else(|error| {
                if error.kind() == io::ErrorKind::AlreadyExists {
                    Ok(())
                } else {
                    Err(error)
                }
            })
            .map_err(|source| Error::io(&dir, source))
    }

    pub(super) fn write_sync_file(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        self.write_in_sync_dir(path, bytes, Durability::Synced)
    }

    /// Writes a file of the sync folder that only saves work (what the board shows, what
    /// the last sync held): not synced to the disk, since losing it to a power cut costs
    /// only a fuller next sync.
    pub(super) fn write_sync_cache(&self, name: &str, bytes: &[u8]) -> Result<()> {
        self.write_in_sync_dir(&self.sync_dir().join(name), bytes, Durability::Cache)
    }

    fn write_in_sync_dir(&self, path: &Path, bytes: &[u8], durability: Durability) -> Result<()> {
        let name = path
            .file_name()
            .unwrap_or_else(|| OsStr::new("sync"))
            .to_owned();
        let write = AtomicWrite {
            target: path,
            temp: atomic::temp_path(&self.sync_dir(), &name),
            mode: FILE_MODE,
            placement: Placement::Replace,
            durability,
        };
        if let Some(warning) = write.write(bytes)? {
            self.warn(warning);
        }
        Ok(())
    }
}

/// What `remote URL` accepts: one line, no option for git to mistake it for.
fn check_url(url: &str) -> std::result::Result<(), String> {
    if url.is_empty() {
        return Err("the remote URL is empty".into());
    }
    if url.starts_with('-') {
        return Err(format!("{url:?} is not a URL (it starts with `-`)"));
    }
    if url.chars().any(char::is_control) {
        return Err("the remote URL holds control characters".into());
    }
    if url.len() as u64 > MAX_URL_BYTES {
        return Err("the remote URL is too long".into());
    }
    // `<transport>::<address>` runs a helper: `ext::` runs any command, and `fd::` talks
    // over file descriptors, which a sync in the background does not have.
    if let Some((transport, _)) = url.split_once("::")
        && ["ext", "fd"].contains(&transport.to_ascii_lowercase().as_str())
    {
        return Err(format!(
            "{url:?} names git's `{transport}::` transport, which runs a command or reads \
             file descriptors, not a remote"
        ));
    }
    Ok(())
}
