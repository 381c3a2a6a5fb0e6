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

    /// The incident to act on: an id, or a prefix or part of exactly one id
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
    #[command(after_help = "Example:\n  incident open Checkout returns 502s --at 02:47")]
    Open(OpenArgs),
    /// Record a symptom: what is observed, where, how often, the impact. Facts only
    #[command(
        visible_aliases = ["s", "sym"],
        after_help = "Example:\n  incident symptom 5% of POST /checkout return 502 --at 02:41"
    )]
    Symptom(TextArgs),
    /// Record a hypothesis: a plausible, testable explanation, however unlikely
    #[command(
        visible_aliases = ["h", "hyp"],
        after_help = "Example:\n  incident hypothesis DB connection pool exhausted --explains S1,S2"
    )]
    Hypothesis(HypothesisArgs),
    /// Record a test designed to rule hypotheses out
    #[command(
        visible_alias = "t",
        after_help = "Example:\n  incident test read pool gauges on db-1 --for H2"
    )]
    Test(TestArgs),
    /// Record a test's result, ruling hypotheses out or confirming them
    #[command(
        visible_aliases = ["r", "res"],
        after_help = "Examples:\n  incident result T1 502s continue after rollback --rules-out\n  \
                      incident result T2 pool at 100/100 --confirms H2"
    )]
    Result(ResultArgs),
    /// Record a note on the timeline
    #[command(
        visible_alias = "n",
        after_help = "Example:\n  incident note paged the DBA --at 02:55"
    )]
    Note(TextArgs),
    /// Record a follow-up action item
    #[command(
        visible_alias = "a",
        after_help = "Example:\n  incident action alert on pool saturation --owner ben"
    )]
    Action(ActionArgs),
    /// Correct an entry's text; the original stays in the history
    #[command(after_help = "Example:\n  incident amend S1 7% of POST /checkout return 502")]
    Amend(AmendArgs),
    /// Take an entry back; it stays in the history, marked retracted
    #[command(after_help = "Example:\n  incident retract H3 --why duplicate of H1")]
    Retract(RetractArgs),
    /// Close the incident, with the resolution as text
    #[command(
        after_help = "Example:\n  incident close raised the pool size to 200 --root-cause H2"
    )]
    Close(CloseArgs),
    /// Open a closed incident again
    #[command(after_help = "Example:\n  incident reopen")]
    Reopen,
    /// Make an incident the current one
    #[command(after_help = "Example:\n  incident use checkout")]
    Use(UseArgs),
    /// List open incidents, newest first
    #[command(visible_alias = "ls", after_help = "Example:\n  incident list --all")]
    List(ListArgs),
    /// Show the board: symptoms, hypotheses, tests awaiting results, and warnings
    #[command(visible_aliases = ["st", "board"], after_help = "Example:\n  incident status")]
    Status,
    /// Print the post-incident report
    #[command(after_help = "Example:\n  incident report -o checkout-502s.md")]
    Report(ReportArgs),
    /// Print a shell completion script
    #[command(after_help = "Example:\n  source <(incident completions bash)")]
    Completions(CompletionsArgs),
    /// Print the man page
    #[command(after_help = "Example:\n  incident man | man -l -")]
    Man,
    /// Labels and ids for shell completion
    #[command(hide = true)]
    Complete(CompleteArgs),
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
pub struct HypothesisArgs {
    /// The symptoms this hypothesis would explain (S1,S2 or repeated)
    #[arg(long, value_name = "S", value_delimiter = ',', action = clap::ArgAction::Append)]
    pub explains: Vec<String>,

    #[command(flatten)]
    pub entry: TextArgs,
}

#[derive(Debug, Args)]
pub struct AmendArgs {
    /// The entry to correct
    #[arg(value_name = "LABEL")]
    pub label: String,

    #[command(flatten)]
    pub entry: TextArgs,
}

#[derive(Debug, Args)]
pub struct RetractArgs {
    /// The entry to take back
    #[arg(value_name = "LABEL")]
    pub label: String,

    /// Why it no longer counts
    #[arg(long, value_name = "TEXT")]
    pub why: Option<String>,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct CompleteArgs {
    /// `ids`, or the labels of one kind: `labels`, `symptoms`, `hypotheses`, `tests`
    pub what: String,
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

    /// Also record the result's text as a new symptom
    #[arg(long)]
    pub symptom: bool,

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
