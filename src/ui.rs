//! Standard output and standard error, colour and the output mode, in one place. Commands
//! write through the `Ui` and never print by themselves; renderers build strings.

use std::io::{self, BufWriter, IsTerminal, Stdout, Write};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::render::json::to_json;
use crate::render::paint::Paint;
use incident_core::model::Incident;
use incident_core::sanitize;

/// When to colour what is printed (`--color`): with `Auto`, only on a terminal and when
/// `NO_COLOR` is not set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// What a command prints on stdout: for people, one JSON value, or only ids and labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Human,
    Json,
    Quiet,
}

pub struct Ui {
    out: BufWriter<Stdout>,
    mode: Mode,
    color: bool,
}

impl Ui {
    pub fn new(color: ColorChoice, json: bool, quiet: bool) -> Ui {
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
            }
        };
        let mode = match (json, quiet) {
            (true, _) => Mode::Json,
            (false, true) => Mode::Quiet,
            (false, false) => Mode::Human,
        };
        Ui {
            out: BufWriter::new(io::stdout()),
            mode,
            color,
        }
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn paint(&self) -> Paint {
        Paint::new(self.color)
    }

    /// Writes the result to standard output. A closed pipe becomes the error `main`
    /// ends quietly on.
    pub fn print(&mut self, text: &str) -> Result<()> {
        self.out
            .write_all(text.as_bytes())
            .map_err(|source| Error::io("standard output", source))
    }

    /// Prints what the mode asks for, building only that: one JSON value, the ids or
    /// labels alone, or the text for people.
    pub fn print_by_mode(
        &mut self,
        json: impl FnOnce() -> String,
        quiet: impl FnOnce() -> String,
        human: impl FnOnce() -> String,
    ) -> Result<()> {
        let text = match self.mode {
            Mode::Json => json(),
            Mode::Quiet => quiet(),
            Mode::Human => human(),
        };
        self.print(&text)
    }

    pub fn print_json(&mut self, value: &impl Serialize) -> Result<()> {
        self.print(&to_json(value))
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out
            .flush()
            .map_err(|source| Error::io("standard output", source))
    }

    /// `warning: …` on stderr, one line, safe for the terminal.
    pub fn warn(&mut self, message: &str) {
        self.stderr_line(&format!("warning: {}", sanitize::one_line(message)));
    }

    /// `hint: …` on stderr, one line.
    pub fn hint(&mut self, message: &str) {
        self.stderr_line(&format!("hint: {}", sanitize::one_line(message)));
    }

    /// A line for people on stderr (never part of the result), safe for the terminal.
    pub fn note(&mut self, message: &str) {
        self.stderr_line(&sanitize::one_line(message));
    }

    /// What `open`, `close`, `reopen` and `use` print: the incident id, with `message` for
    /// people, or the incident's state for scripts.
    pub fn print_incident(&mut self, incident: &Incident, message: &str) -> Result<()> {
        self.print_by_mode(
            || crate::render::receipt::incident_json(incident),
            || format!("{}\n", incident.id),
            || format!("{} {message}\n", incident.id),
        )
        .and_then(|()| self.flush())
        .inspect_err(|error| {
            // The change is saved: a script that retries on this error would do it twice.
            if !error.is_broken_pipe() {
                self.note(&format!(
                    "note: {} {message}, but this could not be printed",
                    incident.id
                ));
            }
        })
    }

    fn stderr_line(&mut self, line: &str) {
        // What was printed so far goes first, so the two streams read in order.
        let _ = self.out.flush();
        let _ = writeln!(io::stderr(), "{line}");
    }
}

/// A line for people on stderr from outside a command's `Ui` (the store's notice that a
/// lock is slow to come, told from its waiting thread), safe for the terminal.
pub fn notice(message: &str) {
    let _ = writeln!(io::stderr(), "{}", sanitize::one_line(message));
}
