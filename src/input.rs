//! Text as the user gives it: the words typed, standard input for a lone `-`, or the
//! editor at a terminal. Checked here, before anything is recorded.

use std::io::{self, IsTerminal, Read};
use std::os::unix::fs::OpenOptionsExt;

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::MAX_TEXT_BYTES;

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
        crate::model::check_text(&text)?;
    }
    Ok(text)
}

/// The text of an entry: the words joined by single spaces, standard input for a lone
/// `-`, or, with no words at a terminal, what the user writes in `$VISUAL`/`$EDITOR`.
/// Empty text is an error, and nothing is recorded.
pub fn read_text(words: &[String]) -> Result<String> {
    let text = match words {
        [dash] if dash == "-" => read_stdin()?,
        [] if io::stdin().is_terminal() => edit_text()?,
        words => words.join(" "),
    };
    crate::model::check_text(&text)?;
    Ok(text)
}

/// Opens the user's editor on an empty file and returns what was saved, less one trailing
/// newline. The editor runs through `sh`, so `EDITOR="code --wait"` works.
fn edit_text() -> Result<String> {
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
    let written = std::fs::read(&path);
    let _ = std::fs::remove_file(&path);
    match status {
        Ok(status) if status.success() => {}
        Ok(status) => {
            return Err(Error::EditorFailed {
                editor,
                status: status.to_string(),
            });
        }
        Err(source) => return Err(Error::io(editor, source)),
    }
    let bytes = written.map_err(|source| Error::io(&path, source))?;
    text_without_final_newline(bytes, "the edited text")
}

fn read_stdin() -> Result<String> {
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
