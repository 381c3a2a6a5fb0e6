//! How a command run as a test ended, in words: the one reading of a `Run`'s exit code
//! and time-out. The result's text (`exited with 0 after 1m 5s`), the evidence block's
//! last line (`[exit 0 after 5ms]`) and `show`'s exit code field all read it here; the
//! duration reads as every duration does (`human_duration_ms`).

use incident_core::duration::human_duration_ms;
use incident_core::model::Run;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Exited(i32),
    TimedOut,
    /// Killed by a signal before it exited by itself.
    Killed,
}

impl Ending {
    pub fn of(run: &Run) -> Ending {
        match (run.timed_out, run.exit_code) {
            (true, _) => Ending::TimedOut,
            (false, Some(code)) => Ending::Exited(code),
            (false, None) => Ending::Killed,
        }
    }
}

/// `exited with 0 after 120ms`, `timed out after 30s`: the text of a run's result.
pub fn result_text(run: &Run) -> String {
    let took = human_duration_ms(run.duration_ms);
    match Ending::of(run) {
        Ending::Exited(code) => format!("exited with {code} after {took}"),
        Ending::TimedOut => format!("timed out after {took}"),
        Ending::Killed => format!("killed by a signal after {took}"),
    }
}

/// `[exit 0 after 5ms]`: the last line of a run's evidence block, under its output.
pub fn evidence_line(run: &Run) -> String {
    match Ending::of(run) {
        Ending::Exited(code) => {
            format!("[exit {code} after {}]", human_duration_ms(run.duration_ms))
        }
        Ending::TimedOut | Ending::Killed => format!("[{}]", result_text(run)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(exit_code: Option<i32>, timed_out: bool, duration_ms: u64) -> Run {
        Run {
            command: "x".into(),
            exit_code,
            timed_out,
            duration_ms,
            output: String::new(),
        }
    }

    #[test]
    fn summaries_say_what_happened() {
        assert_eq!(
            result_text(&run(Some(0), false, 120)),
            "exited with 0 after 120ms"
        );
        assert_eq!(
            result_text(&run(Some(7), false, 1500)),
            "exited with 7 after 1s"
        );
        assert_eq!(result_text(&run(None, true, 30_000)), "timed out after 30s");
        assert_eq!(
            result_text(&run(None, false, 10)),
            "killed by a signal after 10ms"
        );
    }

    #[test]
    fn the_evidence_block_ends_with_the_same_ending() {
        assert_eq!(evidence_line(&run(Some(0), false, 5)), "[exit 0 after 5ms]");
        assert_eq!(
            evidence_line(&run(Some(2), false, 61_234)),
            "[exit 2 after 1m 1s]"
        );
        assert_eq!(
            evidence_line(&run(None, true, 30_000)),
            "[timed out after 30s]"
        );
        assert_eq!(
            evidence_line(&run(None, false, 10)),
            "[killed by a signal after 10ms]"
        );
    }
}
