//! Text as the user gives it: the words typed, standard input for a lone `-`, or the
//! editor at a terminal. Checked here, before anything is recorded.

use std::io::{self, IsTerminal, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use uuid::Uuid;

use crate::cli::WhyArgs;
use crate::error::{Error, Result};
use incident_core::model::MAX_TEXT_BYTES;

/// Text that may be left out (a decision's rationale, a note on a severity change): the
/// words, or standard input for a lone `-`; empty when none are given.
pub fn optional_text(words: &[String]) -> Result<String> {
    if words.is_empty() {
        return Ok(String::new());
    }
    let text = match words {
        [dash] if dash == "-" => read_stdin()?,
        words => words.join(" "),
    };
    if !text.trim().is_empty() {
        incident_core::model::check_text(&text)?;
    }
    Ok(text)
}

/// The text of an entry: the words joined by single spaces, standard input for a lone
/// `-`, or, with no words at a terminal, what the user writes in `$VISUAL`/`$EDITOR`.
/// Empty text is an error, and nothing is recorded. Text from the editor that fails a
/// check stays in its file, which the error names; accepted, its file goes.
pub fn read_text(words: &[String]) -> Result<String> {
    read_typed(words).map(Typed::accepted)
}

/// Text as [`read_text`] reads it, with the editor's file still in place, for a command
/// that can still fail after reading it (`test --run`): [`Typed::accepted`] once it is
/// recorded, [`Typed::kept`] on the error that kept it from being recorded.
pub fn read_typed(words: &[String]) -> Result<Typed> {
    match words {
        [dash] if dash == "-" => {
            let text = read_stdin()?;
            incident_core::model::check_text(&text)?;
            Ok(Typed { text, file: None })
        }
        [] if io::stdin().is_terminal() => edit_text(),
        words => {
            let text = words.join(" ");
            incident_core::model::check_text(&text)?;
            Ok(Typed { text, file: None })
        }
    }
}

/// Checked text, and the editor's file it came from, if any, until it is recorded.
pub struct Typed {
    text: String,
    file: Option<PathBuf>,
}

impl Typed {
    /// Text that came from no editor (checked by whoever made it).
    pub fn given(text: String) -> Typed {
        Typed { text, file: None }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text was recorded (or needs its file no more): the file goes.
    pub fn accepted(self) -> String {
        if let Some(file) = &self.file {
            let _ = std::fs::remove_file(file);
        }
        self.text
    }

    /// The error that kept the text from being recorded, saying where the text is.
    pub fn kept(&self, error: Error) -> Error {
        match &self.file {
            Some(path) => Error::TextKept {
                path: path.clone(),
                source: Box::new(error),
            },
            None => error,
        }
    }
}

/// Opens the user's editor on an empty file and returns what was saved, less one trailing
/// newline. The editor runs through `sh`, so `EDITOR="code --wait"` works. Whatever was
/// written stays in the file unless it passes every check: nothing typed is lost to a
/// limit, an encoding or an editor that exits with an error.
fn edit_text() -> Result<Typed> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|editor| !editor.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let path = std::env::temp_dir().join(format!(
        "incident-{}-{}.txt",
        std::process::id(),
        Uuid::now_v7().simple()
    ));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(|source| Error::io(&path, source))?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("incident-editor")
        .arg(&path)
        .status();
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        // The file is left for the user to look at: it may hold what they wrote.
        Err(source) => return Err(Error::io(&path, source)),
    };
    let checked = match status {
        Ok(status) if status.success() => {
            text_without_final_newline(bytes.clone(), "the edited text").and_then(|text| {
                incident_core::model::check_text(&text)?;
                Ok(text)
            })
        }
        Ok(status) => Err(Error::EditorFailed {
            editor,
            status: status.to_string(),
        }),
        Err(source) => Err(Error::io(editor, source)),
    };
    let typed = Typed {
        text: String::new(),
        file: Some(path),
    };
    match checked {
        Ok(text) => Ok(Typed { text, ..typed }),
        // An empty buffer is how the user says "never mind": nothing to keep.
        Err(error) if bytes.iter().all(u8::is_ascii_whitespace) => {
            typed.accepted();
            Err(error)
        }
        Err(error) => Err(typed.kept(error)),
    }
}

/// Set while `incident shell` reads its lines from standard input. A lone `-` would read
/// the rest of a replayed script as its text, or, at the terminal, lines that Ctrl-C
/// could not abandon (the prompt lives through Ctrl-C).
static STDIN_IS_THE_SHELLS: AtomicBool = AtomicBool::new(false);

/// From now on, standard input holds the shell's lines, and no text.
pub fn stdin_is_the_shells() {
    STDIN_IS_THE_SHELLS.store(true, Ordering::SeqCst);
}

fn read_stdin() -> Result<String> {
    if STDIN_IS_THE_SHELLS.load(Ordering::SeqCst) {
        return Err(Error::Usage(
            "a lone `-` reads the text from standard input, which holds the shell's own \
             lines; write the text on the line itself, or type the command alone at the \
             terminal to write it in the editor"
                .into(),
        ));
    }
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .take(MAX_TEXT_BYTES as u64 + 2)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::io("standard input", source))?;
    text_without_final_newline(bytes, "standard input")
}

/// Typed text as UTF-8, less the one newline every editor and `echo` adds at the end.
fn text_without_final_newline(mut bytes: Vec<u8>, what: &'static str) -> Result<String> {
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    String::from_utf8(bytes).map_err(|_| Error::InvalidUtf8 { what })
}

/// The reason given to `retract`, `merge` and `discard`: `--why TEXT…`, the words
/// without it, or both; none at all is fine.
pub fn reason(args: WhyArgs) -> Result<Option<String>> {
    let why = match args.why {
        Some(flag) if args.reason.is_empty() => flag,
        Some(flag) => format!("{flag} {}", args.reason.join(" ")),
        None => args.reason.join(" "),
    };
    if why.is_empty() {
        return Ok(None);
    }
    incident_core::model::check_text(&why)?;
    Ok(Some(why))
}
