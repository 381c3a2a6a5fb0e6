//! Signals, for the few moments when what they do must change, and for stopping a process
//! we started.
//!
//! One guard serves every change of what a signal does: a wait for a lock that Ctrl-C must
//! still end, a command being run that Ctrl-C must stop without recording anything, a
//! prompt that Ctrl-C must not close. Each says which signals and what they do now; what
//! they did before comes back when the guard is dropped, so a later wait never swallows
//! Ctrl-C. A signal the process was started with ignored (`nohup`) stays ignored.
//!
//! `sigaction(2)` has no safe wrapper (rustix offers none): it is called here and nowhere
//! else. Sending a signal goes through rustix.

use std::sync::atomic::{AtomicBool, Ordering};

/// A signal a user (or the terminal, or `kill`) sends to end a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT: Ctrl-C.
    Interrupt,
    /// SIGTERM: `kill`, a service manager stopping us.
    Terminate,
    /// SIGHUP: the terminal went away.
    Hangup,
}

impl Signal {
    fn number(self) -> libc::c_int {
        match self {
            Signal::Interrupt => libc::SIGINT,
            Signal::Terminate => libc::SIGTERM,
            Signal::Hangup => libc::SIGHUP,
        }
    }
}

/// What the signals do while a `Guard` lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// What the kernel does by default: the process ends at once (130 for Ctrl-C, 143 for
    /// SIGTERM), even where a handler of ours was installed.
    End,
    /// Caught and remembered, for `caught()` to tell. A blocking call the signal arrives
    /// in is cut short (no `SA_RESTART`), so a wait can notice and end.
    Remember,
    /// Caught and dropped. A blocking call it arrives in carries on (`SA_RESTART`).
    Nothing,
}

/// Set by a signal held with `Action::Remember`.
static CAUGHT: AtomicBool = AtomicBool::new(false);

extern "C" fn remember(_signal: libc::c_int) {
    // An atomic store is async-signal-safe.
    CAUGHT.store(true, Ordering::SeqCst);
}

extern "C" fn do_nothing(_signal: libc::c_int) {}

/// Whether a signal held with `Action::Remember` arrived since that guard was made.
pub fn caught() -> bool {
    CAUGHT.load(Ordering::SeqCst)
}

/// Signals doing something else for as long as this lives.
#[must_use = "the signals get their old action back when the guard is dropped"]
pub struct Guard {
    previous: Vec<(libc::c_int, libc::sigaction)>,
}

impl Guard {
    /// Makes `signals` do `action` until the guard is dropped; those ignored stay ignored.
    pub fn install(signals: &[Signal], action: Action) -> Guard {
        if action == Action::Remember {
            // A signal noted under an earlier guard (a long-lived process makes many) is
            // not this one's.
            CAUGHT.store(false, Ordering::SeqCst);
        }
        let mut previous = Vec::new();
        for signal in signals {
            let signal = signal.number();
            // SAFETY: sigaction(2) with zeroed (valid) structures that we own, then filled
            // in; the handlers only store to an atomic or do nothing, both
            // async-signal-safe. The old action is kept and restored on drop.
            unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, std::ptr::null(), &mut old) != 0
                    || old.sa_sigaction == libc::SIG_IGN
                    || (action == Action::End && old.sa_sigaction == libc::SIG_DFL)
                {
                    continue;
                }
                let mut new: libc::sigaction = std::mem::zeroed();
                libc::sigemptyset(&mut new.sa_mask);
                match action {
                    Action::End => new.sa_sigaction = libc::SIG_DFL,
                    Action::Remember => {
                        new.sa_sigaction = remember as *const () as libc::sighandler_t;
                    }
                    Action::Nothing => {
                        new.sa_sigaction = do_nothing as *const () as libc::sighandler_t;
                        new.sa_flags = libc::SA_RESTART;
                    }
                }
                if libc::sigaction(signal, &new, &mut old) == 0 {
                    previous.push((signal, old));
                }
            }
        }
        Guard { previous }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        // The last changed is restored first, so two guards over one signal unwind right.
        for (signal, old) in self.previous.iter().rev() {
            // SAFETY: restores an action sigaction(2) itself returned.
            unsafe {
                libc::sigaction(*signal, old, std::ptr::null_mut());
            }
        }
    }
}

/// The two signals a process of ours ignores from its start, for the whole process:
/// - SIGXFSZ: past a file size limit (`ulimit -f`) a write fails with "File too large",
///   which is reported and saves nothing, instead of the signal ending the process without
///   a word. The programs it starts (git, a hook, the editor) inherit it.
/// - SIGPIPE: a write to a closed pipe (`incident report | head -1`) fails with "broken
///   pipe", which the command line treats as the reader being done, as std's own start-up
///   would have set it (the binary starts without it).
pub fn ignore_at_start() {
    for signal in [libc::SIGXFSZ, libc::SIGPIPE] {
        // SAFETY: sigaction(2) with a zeroed (valid) structure we own, setting SIG_IGN: no
        // handler runs.
        unsafe {
            let mut ignore: libc::sigaction = std::mem::zeroed();
            libc::sigemptyset(&mut ignore.sa_mask);
            ignore.sa_sigaction = libc::SIG_IGN;
            libc::sigaction(signal, &ignore, std::ptr::null_mut());
        }
    }
}

/// Kills (SIGKILL) the process group that the process `leader`, started with
/// `process_group(0)`, leads: it and whatever it started there. A group already gone is
/// fine.
pub fn kill_group(leader: u32) {
    if let Some(group) = pid(leader) {
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    }
}

/// Kills (SIGKILL) one process we started and have not yet waited for.
pub fn kill_process(process: u32) {
    if let Some(process) = pid(process) {
        let _ = rustix::process::kill_process(process, rustix::process::Signal::KILL);
    }
}

/// A child's id as a pid: never 0 or negative (which would signal our own group, or
/// every process), never 1.
fn pid(process: u32) -> Option<rustix::process::Pid> {
    i32::try_from(process)
        .ok()
        .filter(|raw| *raw > 1)
        .and_then(rustix::process::Pid::from_raw)
}
