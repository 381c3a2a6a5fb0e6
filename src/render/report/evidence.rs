//! A command's output, as evidence: the fenced block a test's `--run` result shows.

use std::fmt::Write;

use crate::render::run::evidence_line;
use incident_core::model::Run;
use incident_core::sanitize;

/// A command's output as a fenced block: shown escaped (control characters visible, tabs
/// as spaces, no trailing blanks), behind a fence longer than any backtick run in it.
pub fn evidence_block(run: &Run, indent: &str) -> String {
    let shown = |line: &str| {
        expand_tabs(&sanitize::for_terminal(line))
            .trim_end()
            .to_string()
    };
    // The command, as typed but escaped like its output; a multi-line one continues
    // with `> ` as a shell would show it.
    let mut lines: Vec<String> = run
        .command
        .replace("\r\n", "\n")
        .split('\n')
        .enumerate()
        .map(|(number, line)| {
            let prompt = if number == 0 { "$ " } else { "> " };
            format!("{prompt}{}", shown(line))
        })
        .collect();
    if !run.output.is_empty() {
        lines.extend(
            run.output
                .replace("\r\n", "\n")
                .trim_end_matches('\n')
                .split('\n')
                .map(shown),
        );
    }
    lines.push(evidence_line(run));
    let longest_ticks = lines
        .iter()
        .flat_map(|line| line.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest_ticks.max(2) + 1);
    let mut block = format!("{indent}{fence}text\n");
    for line in lines {
        if line.is_empty() {
            block.push('\n');
        } else {
            let _ = writeln!(block, "{indent}{line}");
        }
    }
    let _ = writeln!(block, "{indent}{fence}");
    block
}

fn expand_tabs(line: &str) -> String {
    let mut expanded = String::with_capacity(line.len());
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let spaces = 8 - column % 8;
            expanded.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
        } else {
            expanded.push(c);
            column += 1;
        }
    }
    expanded
}
