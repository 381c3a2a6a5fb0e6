//! One module per subcommand, each with a `run`. They share the `Context`: where the data
//! lives, the clock, the output mode, and how to find the incident a command acts on.

mod action;
mod amend;
mod close;
mod completions;
mod decide;
mod hypothesis;
mod list;
mod open;
mod record;
mod reopen;
mod report;
mod result;
mod retract;
mod severity;
mod status;
mod test;
mod use_;

use std::io::{self, IsTerminal, Read, Write};
use std::os::unix::fs::OpenOptionsExt;

use chrono::{DateTime, Local, Utc};
use uuid::Uuid;

use crate::cli::{ColorChoice, Command, GlobalArgs, StampArgs};
use crate::error::{Error, Result};
use crate::model::{Body, Incident, Label, MAX_TEXT_BYTES, Stamp, Status};
use crate::store::Store;
use crate::{id, time};

pub struct Context {
    pub store: Store,
    pub now: DateTime<Utc>,
    pub json: bool,
    pub quiet: bool,
    pub color: bool,
    reference: Option<String>,
    /// `INCIDENT`, when it chose the incident (no `-i`).
    from_environment: Option<String>,
}

impl Context {
    pub fn new(global: GlobalArgs) -> Result<Context> {
        let environment = std::env::var("INCIDENT")
            .ok()
            .filter(|value| !value.trim().is_empty());
        let from_environment = environment.clone().filter(|_| global.incident.is_none());
        let reference = global.incident.or(environment);
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
            }
        };
        Ok(Context {
            store: Store::locate(global.dir)?,
            now: time::now()?,
            json: global.json,
            quiet: global.quiet && !global.json,
            color,
            reference,
            from_environment,
        })
    }

    /// After `open` or `use`: the current incident changed, but `INCIDENT` still decides
    /// what the next commands act on. Say so.
    pub fn warn_if_environment_overrides(&self) {
        if let Some(reference) = &self.from_environment {
            let _ = writeln!(
                io::stderr(),
                "hint: INCIDENT={} is set, so commands still act on that incident; \
                 unset INCIDENT to follow the current one",
                crate::sanitize::one_line(reference)
            );
        }
    }

    /// The id of the incident to act on: `-i`, else `INCIDENT`, else the current one.
    pub fn target(&self) -> Result<String> {
        if let Some(reference) = &self.reference {
            return self.resolve(reference);
        }
        match self.store.current()? {
            Some(current) if self.store.exists(&current) => Ok(current),
            Some(current) => Err(Error::CurrentIncidentGone { id: current }),
            None => Err(Error::NoCurrentIncident),
        }
    }

    /// Whether the incident was chosen with `-i` or `INCIDENT` rather than being the
    /// current one, so output should name it.
    pub fn names_incident(&self) -> bool {
        self.reference.is_some()
    }

    /// The one existing incident a reference means; when none does, every id is offered.
    pub fn resolve(&self, reference: &str) -> Result<String> {
        let ids = self.store.ids()?;
        id::resolve(reference, &ids).map_err(|error| match error {
            Error::NoMatchingIncident { reference, .. } => Error::NoMatchingIncident {
                reference,
                candidates: ids,
            },
            other => other,
        })
    }

    /// Who made a change and when, from `--at` and `--by`, with a fresh id.
    pub fn stamp(&self, args: &StampArgs) -> Result<Stamp> {
        Ok(Stamp {
            uuid: Uuid::now_v7(),
            at: self.at(args)?,
            recorded_at: self.now,
            by: self.author(args)?,
        })
    }

    pub fn at(&self, stamp: &StampArgs) -> Result<DateTime<Utc>> {
        match &stamp.at {
            Some(at) => time::parse_at(at, self.now, &Local),
            None => Ok(self.now),
        }
    }

    /// `--by`, else `INCIDENT_USER`, else `USER`.
    pub fn author(&self, stamp: &StampArgs) -> Result<String> {
        if let Some(by) = &stamp.by {
            return check_name(by, "--by");
        }
        Ok(["INCIDENT_USER", "USER"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .map(|name| name.trim().to_string())
            .find(|name| !name.is_empty())
            .unwrap_or_else(|| "unknown".to_string()))
    }
}

/// The longest name accepted (an author, owner, role or holder), in bytes.
const MAX_NAME_BYTES: usize = 256;

/// A person's or role's name: trimmed, not empty, not a paragraph.
pub fn check_name(name: &str, what: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Usage(format!("{what} needs a name")));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(Error::Usage(format!(
            "{what} is {} bytes long; a name is at most {MAX_NAME_BYTES}",
            name.len()
        )));
    }
    Ok(name.to_string())
}

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

/// Writes to standard output, turning failures into the error `main` knows how to treat
/// (a closed pipe ends the command quietly).
pub fn emit(out: &mut dyn Write, text: &str) -> Result<()> {
    out.write_all(text.as_bytes())
        .map_err(|source| Error::io("standard output", source))
}

pub fn emit_json(out: &mut dyn Write, value: &impl serde::Serialize) -> Result<()> {
    emit(out, &crate::report::json::to_json(value))
}

/// What `open`, `close`, `reopen` and `use` print: the incident id, with `message` for
/// people or the incident's state for scripts.
pub fn incident_summary(
    context: &Context,
    incident: &Incident,
    message: &str,
    out: &mut dyn Write,
) -> Result<()> {
    #[derive(serde::Serialize)]
    struct Summary<'a> {
        incident: &'a str,
        title: &'a str,
        status: Status,
        opened_at: DateTime<Utc>,
        closed_at: Option<DateTime<Utc>>,
        resolution: Option<&'a str>,
        root_cause: Option<Label>,
    }
    if context.json {
        emit_json(
            out,
            &Summary {
                incident: &incident.id,
                title: &incident.title,
                status: incident.status(),
                opened_at: incident.opened_at,
                closed_at: incident.closed_at(),
                resolution: incident.resolution(),
                root_cause: incident.state().root_cause(),
            },
        )
    } else if context.quiet {
        emit(out, &format!("{}\n", incident.id))
    } else {
        emit(out, &format!("{} {message}\n", incident.id))
    }
}

pub fn run(command: Option<Command>, context: &Context, out: &mut dyn Write) -> Result<()> {
    let Some(command) = command else {
        return status::run_or_introduce(context, out);
    };
    match command {
        Command::Open(args) => open::run(context, args, out),
        Command::Symptom(args) => record::run(context, args, Body::Symptom, out),
        Command::Hypothesis(args) => hypothesis::run(context, args, out),
        Command::Test(args) => test::run(context, args, out),
        Command::Result(args) => result::run(context, args, out),
        Command::Note(args) => record::run(context, args, Body::Note, out),
        Command::Action(args) => action::run(context, args, out),
        Command::Close(args) => close::run(context, args, out),
        Command::Reopen => reopen::run(context, out),
        Command::Use(args) => use_::run(context, args, out),
        Command::List(args) => list::run(context, args, out),
        Command::Status(args) => status::run(context, args.format, out),
        Command::Severity(args) => severity::severity(context, args, out),
        Command::Stage(args) => severity::stage(context, args, out),
        Command::Role(args) => severity::role(context, args, out),
        Command::Option(args) => decide::option(context, args, out),
        Command::Decide(args) => decide::decide(context, args, out),
        Command::Report(args) => report::run(context, args, out),
        Command::Amend(args) => amend::run(context, args, out),
        Command::Retract(args) => retract::run(context, args, out),
        Command::Completions(args) => completions::completions(args, out),
        Command::Man(args) => completions::man(args, out),
        Command::Complete(args) => completions::complete(context, args, out),
    }
}
