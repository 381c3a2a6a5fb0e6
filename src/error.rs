//! The command line's error. Every failure the user can meet is a variant here or a
//! failure of the core (`incident_core::Error`, and through it the model's), with the
//! context needed to say what went wrong, an exit code and, where it helps, a hint: the
//! core names no command or option, so what to type next is said here.

use std::path::PathBuf;

use incident_core::model;

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub use incident_core::Error as CoreError;

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
    /// A search that found nothing: like grep, exit 1 and nothing on stdout.
    #[error("nothing matches {words}")]
    NoMatch { words: String },
    /// A search of the directory that found no one: exit 1, nothing on stdout.
    #[error("no contact matches {words}")]
    NoContactMatches { words: String },
    #[error("the directory of contacts is empty")]
    NoContacts,
    #[error("the editor `{editor}` failed ({status}); nothing recorded")]
    EditorFailed { editor: String, status: String },
    #[error("interrupted: the command was stopped and nothing was recorded")]
    Interrupted,
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is inside the data directory; write the report somewhere else", path.display())]
    InsideDataDirectory { path: PathBuf },
    #[error("the last sync renumbered a label this command names ({line}); nothing was done")]
    LabelMoved { line: String },
    #[error("a sync renamed the incident this command names ({line}); nothing was done")]
    IdMoved { line: String },
    #[error("{} could not be shared", if problems.len() == 1 { "1 document".to_string() } else { format!("{} documents", problems.len()) })]
    NotShared { problems: Vec<String> },
    #[error(transparent)]
    Core(#[from] CoreError),
    /// Text written in the editor that could not be recorded: its file is left in place.
    #[error("{source}")]
    TextKept { path: PathBuf, source: Box<Error> },
    /// The line of a script replayed into `incident shell` that failed; nothing after it
    /// ran.
    #[error("{source}")]
    Replay { line: usize, source: Box<Error> },
}

impl From<model::MalformedLabel> for Error {
    fn from(error: model::MalformedLabel) -> Self {
        Error::from(model::Error::from(error))
    }
}

impl From<model::Error> for Error {
    fn from(error: model::Error) -> Self {
        Error::Core(CoreError::Model(error))
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
        matches!(self, Error::Io { source, .. } | Error::Core(CoreError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Clap(error) => u8::try_from(error.exit_code()).unwrap_or(2),
            Error::TextKept { source, .. } | Error::Replay { source, .. } => source.exit_code(),
            Error::Core(error) => error.exit_code(),
            Error::Usage(_)
            | Error::InvalidUtf8 { .. }
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
            Error::Core(error) => return core_hint(error),
            Error::Replay { source, .. } => return source.hint(),
            Error::TextKept { path, source } => {
                let kept = format!(
                    "what you wrote is kept in {}",
                    incident_core::sanitize::one_line(&path.display().to_string())
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
            Error::IdMoved { .. } => {
                "type the command again with the id you mean (`incident list` lists them)".into()
            }
            Error::NotShared { .. } => {
                "everything else was shared; nothing recorded here was lost".into()
            }
            Error::NoContactMatches { .. } => "`incident contacts` lists the directory".into(),
            Error::NoContacts => {
                "add one with `incident contact NAME --reach TEXT… --covers WORDS…`, or \
                 receive the team's with `incident sync`"
                    .into()
            }
            _ => return None,
        })
    }

    /// Incidents to show the user below the error, one per line.
    pub fn candidates(&self) -> &[String] {
        match self {
            Error::Core(error) => error.candidates(),
            Error::NotShared { problems } => problems,
            Error::TextKept { source, .. } | Error::Replay { source, .. } => source.candidates(),
            _ => &[],
        }
    }
}

/// What to type next after a failure of the core, which names no command itself.
fn core_hint(error: &CoreError) -> Option<String> {
    Some(match error {
        CoreError::Model(error) => return model_hint(error),
        CoreError::NoDataDir => "set INCIDENT_DIR or pass --dir".into(),
        CoreError::NoRemote => "share through a git remote with `incident remote URL`".into(),
        CoreError::Sync { .. } => {
            "nothing recorded here was lost; `incident sync` tries again".into()
        }
        CoreError::NoMatchingIncident { .. } => "`incident list --all` shows every incident".into(),
        CoreError::AmbiguousIncident { .. } => "type more of the id".into(),
        CoreError::Damaged { .. } => {
            "the file was left untouched; repair or move it aside and try again".into()
        }
        CoreError::NewerSchema { .. } => "upgrade incident to read or change this file".into(),
        CoreError::NotRegularFile { .. } | CoreError::TooLarge { .. } => {
            "the file was left untouched; move it aside (or replace a link with the file it \
             points to) and try again"
                .into()
        }
        _ => return None,
    })
}

/// What to type next after the model refused a change.
fn model_hint(error: &model::Error) -> Option<String> {
    use model::Error as E;
    Some(match error {
        E::EmptyText => {
            "type the text after the command, or `-` to read it from standard input".into()
        }
        E::Closed { .. } => "`incident reopen` opens it again; notes, actions, \
                             decisions and corrections still work while closed"
            .into(),
        E::AlreadyClosed { .. } => "`incident reopen` opens it again".into(),
        E::RulesOutWithoutTargets { .. } | E::TargetsRetracted { .. } => {
            "name the hypotheses it rules out: `--rules-out H1,H2`".into()
        }
        E::DoesNotApply { kind, .. } => {
            let flags: Vec<String> = incident_core::model::Amendment::fields_for(*kind)
                .into_iter()
                .flat_map(crate::cli::AmendArgs::flags_of)
                .collect();
            let options = if flags.is_empty() {
                String::new()
            } else {
                format!(", {}", flags.join(", "))
            };
            format!(
                "a correction of {} takes its text, --time, --key or --no-key{options}",
                kind.with_article()
            )
        }
        E::NoSuchEntry { .. } | E::WrongKind { .. } => {
            "`incident status` shows the labels in use".into()
        }
        E::Retracted { label, by } => {
            format!("`incident retract {by}` brings {label} back, if taking it back was wrong")
        }
        E::NewContactWithoutReach { .. } => {
            "say how to reach them: `incident contact NAME --reach TEXT…`".into()
        }
        E::NoSuchContact { .. } => "`incident contacts` lists the directory".into(),
        E::NoSuchSynonym { .. } => "`incident synonyms` lists every group; only the team's \
                                    are changed here, the built-in ones never, and the file \
                                    `synonyms` in the data directory by hand"
            .into(),
        E::NothingToUndo { .. } => "`incident log` shows who recorded what; \
                                   `incident retract LABEL` takes back anyone's entry"
            .into(),
        E::RootCauseRuledOut { .. } => {
            "record a result that confirms it first, if new evidence says it was the cause".into()
        }
        E::MergedAway { into, .. } => format!(
            "record in the incident it was merged into: `incident -i {into} …`, or \
             `incident use {into}`"
        ),
        E::Discarded { id } | E::AlreadyDiscarded { id } => format!(
            "`incident restore` brings it back as it was (with `-i {id}` when it is not \
             the current incident)"
        ),
        E::MergeIntoMerged { into, other, .. } => format!("`incident -i {into} merge {other}`"),
        // Named with `-i`: the incident typed may not be the current one, and `merge` alone
        // would act on the current one, perhaps `into` itself.
        E::AlreadyMerged { into, here, .. } => format!(
            "its entries are in {into}; to bring them here, merge that one: \
             `incident -i {here} merge {into}`"
        ),
        E::MergeOpenIntoClosed { id, other } => format!(
            "reopen {id} first (`incident -i {id} reopen`), or merge the other way: \
             `incident -i {other} merge {id}`"
        ),
        E::NotDiscarded { .. } => {
            "`incident list --all` marks the incidents that are discarded".into()
        }
        E::DiscardMerged { into, .. } => {
            format!("to discard the whole outage, discard {into}: `incident -i {into} discard`")
        }
        E::RestoreMerged { into, .. } => {
            format!("it stays readable here; record in {into}: `incident -i {into} …`")
        }
        _ => return None,
    })
}
