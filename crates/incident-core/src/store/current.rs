//! `<data dir>/current`: the id of the incident commands act on by default.

use std::ffi::OsStr;
use std::io;
use std::path::PathBuf;

use super::atomic::{
    AtomicWrite, Durability, Placement, read_regular, sweep_stale_temps, temp_path,
};
use super::{FILE_MODE, Store};
use crate::error::{Error, Result};
use crate::id;

/// An id and a newline; anything much longer is not a pointer.
const MAX_CURRENT_BYTES: u64 = 4096;

impl Store {
    fn current_path(&self) -> PathBuf {
        self.root.join("current")
    }

    /// The current incident's id, if one was set.
    pub fn current(&self) -> Result<Option<String>> {
        let path = self.current_path();
        match read_regular(&path, MAX_CURRENT_BYTES) {
            Ok(bytes) => {
                let id = std::str::from_utf8(&bytes).unwrap_or_default().trim();
                if id::is_valid(id) {
                    Ok(Some(id.to_string()))
                } else {
                    Err(Error::Damaged {
                        path,
                        reason: "it does not hold an incident id".into(),
                    })
                }
            }
            Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Points `current` at `id`. A `current` that could not be read is replaced too (it
    /// is only a pointer, and `open` or `use` is the user choosing a new one), but never
    /// silently: the warning says what was there and that it was replaced, since the
    /// error that reported it said it was left untouched.
    pub fn set_current(&self, id: &str) -> Result<()> {
        self.check_reference(id)?;
        self.ensure_dirs()?;
        let path = self.current_path();
        let unreadable = self.current().err();
        let purpose = OsStr::new("current");
        sweep_stale_temps(&self.root, purpose);
        let write = AtomicWrite {
            target: &path,
            temp: temp_path(&self.root, purpose),
            mode: FILE_MODE,
            placement: Placement::Replace,
            durability: Durability::Synced,
        };
        let warning = write.write(format!("{id}\n").as_bytes())?;
        if let Some(error) = unreadable {
            self.warn(format!(
                "{error}; it only points at the current incident, so it was replaced with {id}"
            ));
        }
        if let Some(warning) = warning {
            self.warn(warning);
        }
        Ok(())
    }
}
