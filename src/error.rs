//! The one error type. Every failure the user can meet is a variant here, with the
//! context needed to say what went wrong, an exit code and, where it helps, a hint.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    // Exit 2: the command was typed wrong.
    /// Clap's own errors, and help and version, which clap prints itself.
    #[error("{0}")]
    Clap(clap::Error),
    #[error("{0}")]
    Usage(String),
    #[error("{what} is not valid UTF-8")]
    InvalidUtf8 { what: &'static str },
    #[error("{input:?} is not a valid incident id")]
    MalformedId { input: String },
    #[error("{input:?} is not a time I understand")]
    MalformedTime { input: String },
    #[error("{input:?} is in the future")]
    FutureTime { input: String },
    #[error("`{word}` is not an option of `{command}`; nothing was recorded")]
    UnknownOption {
        word: String,
        command: String,
        /// The option it was probably meant to be, without its `--`.
        nearest: Option<String>,
    },
    #[error("`{word}` stands inside the text of `{command}`; nothing was recorded")]
    OptionInsideText { word: String, command: String },

    // Exit 1: anything else.
    #[error("there is no current incident")]
    NoCurrentIncident,
    #[error("the current incident {id} no longer exists")]
    CurrentIncidentGone { id: String },
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
    /// A search that found nothing: like grep, exit 1 and nothing on stdout.
    #[error("nothing matches {words}")]
    NoMatch { words: String },
    #[error("an incident with id {id} already exists")]
    IncidentExists { id: String },
    #[error("the editor `{editor}` failed ({status}); nothing recorded")]
    EditorFailed { editor: String, status: String },
    #[error("interrupted: the command was stopped and nothing was recorded")]
    Interrupted,
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
    #[error("{} is inside the data directory; write the report somewhere else", path.display())]
    InsideDataDirectory { path: PathBuf },
    #[error("no data directory: set INCIDENT_DIR or pass --dir")]
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
    #[error("the last sync renumbered a label this command names ({line}); nothing was done")]
    LabelMoved { line: String },
    #[error("no remote is set; incidents are not shared")]
    NoRemote,
    #[error("sync failed: {reason}")]
    Sync { reason: String },
    #[error("{} could not be shared", if problems.len() == 1 { "1 document".to_string() } else { format!("{} documents", problems.len()) })]
    NotShared { problems: Vec<String> },
    #[error(transparent)]
    Model(#[from] crate::model::Error),
    /// Text written in the editor that could not be recorded: its file is left in place.
    #[error("{source}")]
    TextKept { path: PathBuf, source: Box<Error> },
    /// The line of a script replayed into `incident shell` that failed; nothing after it
    /// ran.
    #[error("{source}")]
    Replay { line: usize, source: Box<Error> },
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

    /// Standard output was closed under us (`incident report | head -1`): not a failure
    /// worth a word.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Clap(error) => u8::try_from(error.exit_code()).unwrap_or(2),
            Error::TextKept { source, .. } | Error::Replay { source, .. } => source.exit_code(),
            Error::Model(error) => error.exit_code(),
            Error::Usage(_)
            | Error::InvalidUtf8 { .. }
            | Error::MalformedId { .. }
            | Error::MalformedTime { .. }
            | Error::FutureTime { .. }
            | Error::UnknownOption { .. }
            | Error::OptionInsideText { .. } => 2,
            _ => 1,
        }
    }

    /// A line that tells a tired user what to do next, where there is one.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Error::Model(error) => return error.hint(),
            Error::Replay { source, .. } => return source.hint(),
            Error::TextKept { path, source } => {
                let kept = format!(
                    "what you wrote is kept in {}",
                    crate::sanitize::one_line(&path.display().to_string())
                );
                match source.hint() {
                    Some(hint) => format!("{hint}; {kept}"),
                    None => kept,
                }
            }
            Error::MalformedTime { .. } => "try `15m ago`, `-2h`, `02:47`, `2026-11-21 02:47` \
                 or `2026-11-21T02:47:00Z`"
                .into(),
            Error::UnknownOption {
                nearest: Some(nearest),
                ..
            } => format!("did you mean `--{nearest}`?"),
            Error::UnknownOption { command, .. } => format!(
                "`incident {command} --help` lists its options; \
                 to record the word as text, put `--` before the text"
            ),
            Error::OptionInsideText { .. } => "options go before or after the text; \
                 to record it all as text, put `--` before the text"
                .into(),
            Error::NoCurrentIncident => {
                "start one with `incident open TITLE`, or pick one with `incident use REF`".into()
            }
            Error::CurrentIncidentGone { .. } => "pick another with `incident use REF`".into(),
            Error::LabelMoved { .. } => {
                "type the command again with the label you mean (`incident log` lists them)".into()
            }
            Error::NoRemote => "share through a git remote with `incident remote URL`".into(),
            Error::Sync { .. } => {
                "nothing recorded here was lost; `incident sync` tries again".into()
            }
            Error::NotShared { .. } => {
                "everything else was shared; nothing recorded here was lost".into()
            }
            Error::NoMatchingIncident { .. } => "`incident list --all` shows every incident".into(),
            Error::AmbiguousIncident { .. } => "type more of the id".into(),
            Error::Damaged { .. } => {
                "the file was left untouched; repair or move it aside and try again".into()
            }
            Error::NewerSchema { .. } => "upgrade incident to read or change this file".into(),
            Error::NotRegularFile { .. } | Error::TooLarge { .. } => {
                "the file was left untouched; move it aside (or replace a link with the file it \
                 points to) and try again"
                    .into()
            }
            _ => return None,
        })
    }

    /// Incidents to show the user below the error, one per line.
    pub fn candidates(&self) -> &[String] {
        match self {
            Error::NoMatchingIncident { candidates, .. }
            | Error::AmbiguousIncident { candidates, .. } => candidates,
            Error::NotShared { problems } => problems,
            Error::TextKept { source, .. } | Error::Replay { source, .. } => source.candidates(),
            _ => &[],
        }
    }
}
