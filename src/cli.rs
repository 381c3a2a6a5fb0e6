//! The command line, as clap types. Each `///` is the help a user reads.
//!
//! Entry text is free: words starting with `-` that are not a command's options are text,
//! and options may come before or after it. `argv::normalize` arranges the words so that
//! clap sees the options first and the text after `--`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "incident",
    version,
    about = "Keep a clear head during a production incident: symptoms, hypotheses, tests, \
             results, and a post-incident report at the end.",
    after_help = "Start with `incident open TITLE`; every command then acts on that incident.",
    max_term_width = 100,
    infer_subcommands = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Data directory [default: $INCIDENT_DIR, else the platform's data directory]
    #[arg(long, global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// The incident to act on: an id, or a unique prefix or part of one
    /// [default: $INCIDENT, else the current incident]
    #[arg(short = 'i', long = "incident", global = true, value_name = "REF")]
    pub incident: Option<String>,

    /// Print exactly one JSON value on stdout
    #[arg(long, global = true)]
    pub json: bool,

    /// Print only the id or label
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// When to use colour
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a new incident; it becomes the current one
    Open(OpenArgs),
    /// Record a symptom: what is observed, where, how often, the impact. Facts only
    Symptom(TextArgs),
    /// Record a hypothesis: a plausible, testable explanation, however unlikely
    Hypothesis(TextArgs),
    /// Record a test designed to rule hypotheses out
    Test(TestArgs),
    /// Record a test's result, ruling hypotheses out or confirming them
    Result(ResultArgs),
    /// Record a note on the timeline
    Note(TextArgs),
    /// Record a follow-up action item
    Action(ActionArgs),
    /// Close the incident, with the resolution as text
    Close(CloseArgs),
    /// Open a closed incident again
    Reopen,
    /// Make an incident the current one
    Use(UseArgs),
    /// List open incidents, newest first
    List(ListArgs),
    /// Show the board: symptoms, hypotheses and tests awaiting results
    Status,
    /// Print the post-incident report
    Report(ReportArgs),
}

/// When an entry happened and who recorded it.
#[derive(Debug, Default, Args)]
pub struct StampArgs {
    /// When it happened: `15m ago`, `-15m`, `02:47`, `2026-11-21 02:47`, RFC 3339 [default: now]
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,

    /// Who recorded it [default: $INCIDENT_USER, else $USER]
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The incident's title; `-` reads it from standard input
    #[arg(value_name = "TITLE", required = true)]
    pub title: Vec<String>,

    /// Choose the id instead of deriving it from the date and title
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct TextArgs {
    /// The text; `-` reads it from standard input
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The hypotheses this test could rule out (H1,H2 or repeated)
    #[arg(long = "for", value_name = "H", value_delimiter = ',', action = clap::ArgAction::Append)]
    pub targets: Vec<String>,

    #[command(flatten)]
    pub entry: TextArgs,
}

#[derive(Debug, Args)]
pub struct ResultArgs {
    /// The test this is the result of
    #[arg(value_name = "TEST")]
    pub test: String,

    /// Hypotheses this result rules out; alone, every hypothesis of the test's --for
    #[arg(
        long,
        value_name = "H",
        num_args = 0..=1,
        require_equals = true,
        value_delimiter = ',',
        action = clap::ArgAction::Append
    )]
    pub rules_out: Option<Vec<String>>,

    /// Hypotheses this result confirms
    #[arg(long, value_name = "H", value_delimiter = ',', action = clap::ArgAction::Append)]
    pub confirms: Vec<String>,

    #[command(flatten)]
    pub entry: TextArgs,
}

#[derive(Debug, Args)]
pub struct ActionArgs {
    /// Who will do it
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,

    #[command(flatten)]
    pub entry: TextArgs,
}

#[derive(Debug, Args)]
pub struct CloseArgs {
    /// The resolution summary; `-` reads it from standard input
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,

    /// The hypothesis that was the root cause
    #[arg(long, value_name = "H")]
    pub root_cause: Option<String>,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct UseArgs {
    /// An incident id, or a unique prefix or part of one
    #[arg(value_name = "REF")]
    pub reference: String,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Closed incidents too
    #[arg(long)]
    pub all: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The report's format [default: markdown, or json with --json]
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,

    /// Write the report to FILE (atomically) instead of standard output; `-` is stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}
