//! What the store refuses or fails at, with the context needed to say what went wrong.
//! The command line wraps it and attaches what to do next; nothing here names a command,
//! an option or a terminal.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    // Exit 2: what was asked for is malformed.
    #[error("{0}")]
    Invalid(String),
    #[error("{input:?} is not a valid incident id")]
    MalformedId { input: String },

    // Exit 1: anything else.
    #[error("no incident matches {reference:?}")]
    NoMatchingIncident {
        reference: String,
        candidates: Vec<String>,
    },
    #[error("{reference:?} matches several incidents")]
    AmbiguousIncident {
        reference: String,
        candidates: Vec<String>,
    },
    #[error("an incident with id {id} already exists")]
    IncidentExists { id: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is damaged: {reason}", path.display())]
    Damaged { path: PathBuf, reason: String },
    #[error(
        "{} was written by a newer version of incident (schema {found}; this build knows up to {known})",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: u64,
        known: u32,
    },
    #[error("no data directory could be found for this user")]
    NoDataDir,
    /// A FIFO, device, folder or symlink where incident keeps a file of its own: opening
    /// it could hang, read forever or write somewhere else.
    #[error("{} is {found}, not a regular file", path.display())]
    NotRegularFile { path: PathBuf, found: &'static str },
    #[error("{} is larger than {}, more than incident ever writes there", path.display(), size_text(*.limit))]
    TooLarge { path: PathBuf, limit: u64 },
    /// A save that the reader would refuse: writing it would lock the user out of the log.
    #[error("{} was not saved, because it could not be read back: {reason}; nothing was recorded", path.display())]
    NotReadableBack { path: PathBuf, reason: String },
    #[error("no remote is set; incidents are not shared")]
    NoRemote,
    #[error("sync failed: {reason}")]
    Sync { reason: String },
    /// A label or an incident id the command typed was renumbered or renamed by a sync
    /// since it was printed; nothing was changed.
    #[error("a sync changed what this command names: {moved:?}")]
    Moved { moved: crate::sharing::Moved },
    #[error(transparent)]
    Model(#[from] crate::model::Error),
}

fn size_text(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Model(error) => error.exit_code(),
            Error::Invalid(_) | Error::MalformedId { .. } => 2,
            _ => 1,
        }
    }

    /// Incidents to show the user below the error, one per line.
    pub fn candidates(&self) -> &[String] {
        match self {
            Error::NoMatchingIncident { candidates, .. }
            | Error::AmbiguousIncident { candidates, .. } => candidates,
            _ => &[],
        }
    }
}
