//! `incident`: read the arguments, run them, and turn any error into one line on stderr and
//! an exit code (`app.rs` does both, for this process and for each line of the prompt);
//! `incident shell`, and `incident` alone at a terminal, open the prompt here.
//!
//! The process starts at our own `main`, not std's: std's start-up finds the main thread's
//! stack by reading `/proc/self/maps` and installs a stack-overflow handler on an
//! alternate stack, a tenth of a short command's instructions and syscalls before its first
//! line. What of it a command needs is done here: broken pipes are errors (SIGPIPE
//! ignored, in `incident_core::process::start`), and standard output is flushed before
//! the process ends.

// The unit tests' harness brings its own `main`.
#![cfg_attr(not(test), no_main)]

mod app;
mod argv;
mod cli;
mod commands;
mod completion;
mod context;
mod error;
mod input;
mod news;
mod record;
mod render;
mod shell;
mod time;
mod ui;

use std::io::{self, Write};

use clap::CommandFactory;

use crate::app::{Inherited, Ran};
use crate::cli::Cli;
use crate::error::Error;

/// The C entry point. Arguments are read through `std::env::args_os`, which glibc gives std
/// before this runs.
#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    let code = start();
    // std's own start-up flushes standard output on the way out; ours must.
    let _ = io::stdout().flush();
    code.into()
}

#[cfg_attr(test, allow(dead_code))]
fn start() -> u8 {
    incident_core::process::start();
    // A panic is a bug, but the user still gets one line, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|text| (*text).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let place = info
            .location()
            .map(|location| format!(" at {}:{}", location.file(), location.line()))
            .unwrap_or_default();
        let _ = writeln!(
            io::stderr(),
            "error: internal error: {}{place}",
            incident_core::sanitize::one_line(&message)
        );
    }));
    match std::panic::catch_unwind(run) {
        Ok(Ok(())) => 0,
        Ok(Err(error)) => app::report_error(&error),
        Err(_) => 1,
    }
}

fn run() -> Result<(), Error> {
    // First, before the arguments are read: a line being completed is unfinished.
    completion::complete_if_asked();
    incident_core::store::failpoint("panic");
    let mut words = Vec::new();
    for arg in std::env::args_os() {
        let arg = arg.into_string().map_err(|_| Error::InvalidUtf8 {
            what: "an argument",
        })?;
        words.push(argv::Word::plain(arg));
    }
    // The whole tree is freed once pruned, so the command's own work reuses its memory
    // instead of touching new pages; the tree it runs with is leaked: the process ends
    // soon, and freeing it costs more than parsing.
    let whole = Cli::command();
    let tree = match app::pruned(&whole, &words) {
        Some(pruned) => {
            drop(whole);
            Box::leak(Box::new(pruned))
        }
        None => Box::leak(Box::new(whole)),
    };
    match app::execute(tree, words, &Inherited::default())? {
        Ran::Done => Ok(()),
        Ran::Prompt(inherited) => shell::run(&inherited),
    }
}
