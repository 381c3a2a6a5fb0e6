//! `incident shell`: a prompt of its own, so that no shell stands between a tired engineer
//! and the log. Each line is a command without the word `incident`, split by the rules in
//! `line.rs` and run by `app::execute`, the same function the process runs its arguments
//! through: a line prints, fails and exits as the same command would. `main.rs` opens
//! it when `app::execute` hands `incident shell` back.
//!
//! At a terminal the line editor (`editor.rs`) reads the lines; the prompt names the
//! current incident as it is on disk now; an error is said and the prompt goes on.
//! Otherwise standard input is a script, a timeline kept during an outage: its lines run
//! in turn, and the first that fails ends the replay with its exit code.

mod editor;
mod line;

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::panic::{self, AssertUnwindSafe};

use clap::CommandFactory;

use crate::app::{self, Inherited, Ran};
use crate::argv::Word;
use crate::cli::{Cli, GlobalArgs};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::input;
use crate::render::prompt;
use crate::ui::{ColorChoice, Ui};
use incident_core::model::MAX_TEXT_BYTES;
use incident_core::signals::{self, Action, Signal};

use editor::{Editor, Typed};

/// The longest line a script may hold: the longest text, and room for a command and its
/// options.
const LINE_BYTES: usize = MAX_TEXT_BYTES + 4096;

/// Opens the prompt, or replays standard input; `inherited`: the global options it was
/// given, which every line takes unless it gives its own.
pub fn run(inherited: &Inherited) -> Result<()> {
    input::stdin_is_the_shells();
    if io::stdin().is_terminal() {
        at_terminal(inherited)
    } else {
        replay(inherited)
    }
}

fn at_terminal(inherited: &Inherited) -> Result<()> {
    let global = &inherited.global;
    let mut ui = Ui::new(ColorChoice::Never, false, false);
    let mut editor = Editor::open(inherited, &mut ui)?;
    ui.note(
        "incident shell: commands without `incident`; `help` lists them, Tab completes, \
         Ctrl-D or `exit` leaves",
    );
    // While the prompt is open, Ctrl-C during a command (the editor open, a lock awaited
    // briefly, a board drawn) does not end the shell: the line editor reads Ctrl-C as a
    // key, but between prompts the terminal sends SIGINT. `test --run` still stops the
    // command it runs with it: its own handling stands in for this one while it runs.
    // Restarted: no read or wait of a running command is cut short.
    let _ctrl_c = signals::Guard::install(&[Signal::Interrupt], Action::Nothing);
    loop {
        let line = match editor.read(&prompt_now(global), &mut ui)? {
            Typed::Line(line) => line,
            Typed::Abandoned => continue,
            Typed::Leave => return Ok(()),
        };
        if line::is_blank_or_comment(&line) {
            continue;
        }
        if line::is_leave(&line) {
            return Ok(());
        }
        let words = line::command(line::split(&line));
        match panic::catch_unwind(AssertUnwindSafe(|| run_line(words, inherited))) {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                app::report_error(&error);
            }
            // The panic hook said what broke, in one line. The prompt goes on: the locks
            // the line held went with it, and what it saved is whole, as every save is.
            Err(_) => ui.hint("that was a bug in incident, not your typing; the shell goes on"),
        }
        let _ = io::stdout().flush();
    }
}

/// The prompt as the incident is now on disk: another terminal may have changed it, or
/// chosen another one.
fn prompt_now(global: &GlobalArgs) -> String {
    let incident = Context::new(global).ok().and_then(|context| {
        let id = context.target().ok()?;
        Some((context.store.load(&id).ok()?, context.now))
    });
    incident.map_or_else(
        || prompt::PLAIN.to_string(),
        |(incident, now)| prompt::prompt(&incident, now),
    )
}

/// Runs a line as the process runs its arguments, with a tree of its own: the command
/// line's parse never saw an earlier line. `shell` typed inside the prompt is refused.
fn run_line(words: Vec<Word>, inherited: &Inherited) -> Result<()> {
    let mut whole = Cli::command();
    let mut pruned = app::pruned(&whole, &words);
    match app::execute(pruned.as_mut().unwrap_or(&mut whole), words, inherited)? {
        Ran::Done => Ok(()),
        Ran::Prompt(_) => Err(Error::Usage(
            "this is the incident shell already: type the command itself (Ctrl-D leaves)".into(),
        )),
    }
}

/// Runs the lines of standard input in turn; the first that fails stops the replay, and
/// its error is the shell's. Help asked for is printed, and the replay goes on.
fn replay(inherited: &Inherited) -> Result<()> {
    let mut bytes = Vec::new();
    for number in 1.. {
        let stopped = |source: Error| Error::Replay {
            line: number,
            source: Box::new(source),
        };
        bytes.clear();
        // The lock is taken for one line at a time: a command of the script may look at
        // standard input (and is refused a lone `-`).
        let read = io::stdin()
            .lock()
            .take(LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut bytes)
            .map_err(|source| stopped(Error::io("standard input", source)))?;
        if read == 0 {
            return Ok(());
        }
        if bytes.len() > LINE_BYTES {
            return Err(stopped(Error::Usage(format!(
                "the line is longer than {LINE_BYTES} bytes"
            ))));
        }
        let line = String::from_utf8(std::mem::take(&mut bytes)).map_err(|_| {
            stopped(Error::InvalidUtf8 {
                what: "a line of standard input",
            })
        })?;
        let line = line.strip_suffix('\n').unwrap_or(&line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line::is_blank_or_comment(line) {
            continue;
        }
        match run_line(line::command(line::split(line)), inherited) {
            Ok(()) => {}
            Err(help) if help.exit_code() == 0 => {
                app::report_error(&help);
            }
            Err(error) => return Err(stopped(error)),
        }
    }
    Ok(())
}
