//! The line editor at the terminal: rustyline, with Tab asking the completion the shells
//! use (`completion::candidates`), and a history kept across sessions in the data
//! directory.

use std::fs;
use std::path::PathBuf;

use rustyline::completion::{Completer, Pair};
use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::Validator;

use super::line::{self, Piece};
use crate::app::Inherited;
use crate::argv::Word;
use crate::completion;
use crate::error::{Error, Result};
use crate::ui::Ui;

/// The file of the history, in the data directory.
const HISTORY_FILE: &str = "shell-history";
/// How many lines the history keeps.
const HISTORY_LINES: usize = 1000;
/// A history file larger than this is not ours to read (it holds at most 1000 lines).
const HISTORY_BYTES: u64 = 64 * 1024 * 1024;
/// How much of a candidate's description Tab shows beside it.
const DESCRIPTION_CHARS: usize = 48;
/// Up to this many candidates are listed one a line with their descriptions (a label's
/// text tells `H2` from `H3`); more are listed by name, in columns, as a shell does.
const DESCRIBED: usize = 12;

/// What the engineer did at the prompt.
pub enum Typed {
    Line(String),
    /// Ctrl-C: the line is abandoned.
    Abandoned,
    /// Ctrl-D on an empty line.
    Leave,
}

pub struct Editor {
    editor: rustyline::Editor<Completion, FileHistory>,
    /// Where the history is kept, while it can be.
    history: Option<PathBuf>,
}

impl Editor {
    pub fn open(inherited: &Inherited, ui: &mut Ui) -> Result<Editor> {
        let config = Config::builder()
            .max_history_size(HISTORY_LINES)
            .and_then(|config| config.history_ignore_dups(true))
            .map_err(terminal_error)?
            .auto_add_history(false)
            .completion_type(CompletionType::List)
            .build();
        let mut editor = rustyline::Editor::with_config(config).map_err(terminal_error)?;
        editor.set_helper(Some(Completion {
            inherited: inherited.clone(),
        }));
        let mut history = Some(crate::context::data_dir(&inherited.global)?.join(HISTORY_FILE));
        if let Some(path) = history.clone().filter(|path| path.exists())
            && let Err(reason) = history_file_is_ours(&path).and_then(|()| {
                editor
                    .load_history(&path)
                    .map_err(|error| error.to_string())
            })
        {
            ui.warn(&format!(
                "{}: {reason}; this session's lines are not kept",
                path.display()
            ));
            history = None;
        }
        Ok(Editor { editor, history })
    }

    /// Reads a line at `prompt`. A line is kept in the history, failing or not: the line
    /// to recall is most often the one to fix.
    pub fn read(&mut self, prompt: &str, ui: &mut Ui) -> Result<Typed> {
        match self.editor.readline(prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    self.remember(&line, ui);
                }
                Ok(Typed::Line(line))
            }
            Err(ReadlineError::Interrupted) => Ok(Typed::Abandoned),
            Err(ReadlineError::Eof) => Ok(Typed::Leave),
            Err(error) => Err(terminal_error(error)),
        }
    }

    fn remember(&mut self, line: &str, ui: &mut Ui) {
        let _ = self.editor.add_history_entry(line);
        let Some(path) = self.history.clone() else {
            return;
        };
        // The data directory is the store's to create, private, with the first entry;
        // until then the lines wait in memory.
        if !path.parent().is_some_and(|dir| dir.is_dir()) {
            return;
        }
        let saved = match path.exists() {
            true => history_file_is_ours(&path),
            false => Ok(()),
        }
        .and_then(|()| {
            self.editor
                .append_history(&path)
                .map_err(|error| error.to_string())
        });
        if let Err(reason) = saved {
            ui.warn(&format!(
                "{}: {reason}; the lines from here on are not kept",
                path.display()
            ));
            self.history = None;
        }
    }
}

/// The history file must be a regular file of a sane size: a link could send the lines
/// elsewhere, and a FIFO would hang the prompt.
fn history_file_is_ours(path: &std::path::Path) -> std::result::Result<(), String> {
    let metadata = fs::symlink_metadata(path).map_err(|error| error.to_string())?;
    if !metadata.is_file() {
        return Err("not a regular file".into());
    }
    if metadata.len() > HISTORY_BYTES {
        return Err(format!("larger than {HISTORY_BYTES} bytes"));
    }
    Ok(())
}

fn terminal_error(error: ReadlineError) -> Error {
    let source = match error {
        ReadlineError::Io(source) => source,
        other => std::io::Error::other(other.to_string()),
    };
    Error::io("the terminal", source)
}

/// Tab: the words before the cursor, as the prompt splits them, handed to the completion
/// engine, with the global options the prompt was opened with.
pub struct Completion {
    inherited: Inherited,
}

impl Completer for Completion {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        let mut pieces = line::split(before);
        if pieces.is_empty() || before.ends_with(char::is_whitespace) {
            pieces.push(Piece {
                start: pos,
                word: Word::plain(String::new()),
            });
        }
        let start = pieces.last().map_or(pos, |piece| piece.start);
        let mut words: Vec<String> = line::command(pieces)
            .into_iter()
            .map(|word| word.value)
            .collect();
        // The prompt's own `--dir` and `-i` say where labels come from, as they say where
        // its lines go.
        words.splice(1..1, self.inherited.words().map(String::from));
        let index = words.len() - 1;
        let mut candidates = completion::candidates(words, index);
        if candidates.len() > DESCRIBED {
            for (_, description) in &mut candidates {
                *description = None;
            }
        }
        let width = candidates
            .iter()
            .map(|(value, _)| value.chars().count())
            .max()
            .unwrap_or(0);
        let pairs = candidates
            .into_iter()
            .map(|(value, description)| pair(value, description, width))
            .collect();
        Ok((start, pairs))
    }
}

/// A candidate as Tab offers it: its description beside it in the list (the names
/// `width` wide), and a space after it once chosen, as a shell does (none after a folder).
fn pair(value: String, description: Option<String>, width: usize) -> Pair {
    let display = match description.filter(|text| !text.is_empty()) {
        Some(text) => {
            let mut text = text.replace(char::is_whitespace, " ");
            if let Some((cut, _)) = text.char_indices().nth(DESCRIPTION_CHARS) {
                text.truncate(cut);
                text.push('…');
            }
            format!("{value:<width$}  {text}")
        }
        None => value.clone(),
    };
    let mut replacement = if value.contains(char::is_whitespace) && !value.contains('\'') {
        format!("'{value}'")
    } else {
        value
    };
    if !replacement.ends_with('/') {
        replacement.push(' ');
    }
    Pair {
        display,
        replacement,
    }
}

impl Hinter for Completion {
    type Hint = String;
}

impl Highlighter for Completion {}

impl Validator for Completion {}

impl rustyline::Helper for Completion {}
