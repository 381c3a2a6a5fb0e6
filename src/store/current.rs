//! `<data dir>/current`: the id of the incident commands act on by default.

use std::fs;
use std::io;
use std::path::PathBuf;

use super::atomic::{AtomicWrite, Durability, Placement, unique_suffix};
use super::{FILE_MODE, Store};
use crate::error::{Error, Result};
use crate::id;

impl Store {
    fn current_path(&self) -> PathBuf {
        self.root.join("current")
    }

    /// The current incident's id, if one was set.
    pub fn current(&self) -> Result<Option<String>> {
        let path = self.current_path();
        match fs::read_to_string(&path) {
            Ok(text) => {
                let id = text.trim();
                if id::is_valid(id) {
                    Ok(Some(id.to_string()))
                } else {
                    Err(Error::Damaged {
                        path,
                        reason: "it does not hold an incident id".into(),
                    })
                }
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::io(path, source)),
        }
    }

    pub fn set_current(&self, id: &str) -> Result<()> {
        self.ensure_dirs()?;
        let path = self.current_path();
        let write = AtomicWrite {
            target: &path,
            temp: self.root.join(format!(".current.{}", unique_suffix())),
            mode: FILE_MODE,
            placement: Placement::Replace,
            durability: Durability::Synced,
        };
        if let Some(warning) = write.write(format!("{id}\n").as_bytes())? {
            self.warn(warning);
        }
        Ok(())
    }
}
