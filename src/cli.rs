//! The command line, as clap types. Each `///` is the help a user reads.
//!
//! Entry text is free: words starting with `-` that are not a command's options are text,
//! and options may come before or after it. `argv::normalize` arranges the words so that
//! clap sees the options first and the text after `--`.
//!
//! What each option's value is (a time, free text, labels of one kind…) is declared once,
//! on the option, with `add = Takes::…`: the argument sorter (`argv.rs`) reads how far a
//! value runs from it, completion (`completion.rs`) what to offer, and the help how a list
//! is typed. The `value_name` is only what the help shows.

use std::path::PathBuf;

use clap::{Arg, Args, Subcommand, ValueEnum};

use crate::ui::ColorChoice;
use incident_core::model::{CauseKind, Kind};

/// The command line: the global options, and the subcommand if one was typed. Its tree is
/// `top_level` around them, built whole by `Cli::command()`, or with only the subcommand a
/// command line names by `Cli::command_with`.
#[derive(Debug, Args)]
#[group(skip)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The program's name, as clap shows it in help and errors.
const NAME: &str = "incident";

/// What the whole command line is, around its options and subcommands: its help, its
/// version, how it reads subcommands and what its options declare. The one place these
/// are said, for the whole tree and for a pruned one alike.
fn top_level(root: clap::Command) -> clap::Command {
    root.version(env!("CARGO_PKG_VERSION"))
        .about(
            "Keep a clear head during a production incident: symptoms, hypotheses, tests, \
             results, and a post-incident report at the end.",
        )
        .after_help(
            "Start with `incident open TITLE`; every command then acts on that incident. \
             `incident` alone, at a terminal, opens the prompt (`incident shell`).\n\n\
             Example:\n  incident open Checkout returns 502s --severity 2",
        )
        .max_term_width(100)
        .infer_subcommands(true)
        .mut_args(declared)
}

impl clap::CommandFactory for Cli {
    fn command() -> clap::Command {
        top_level(Cli::augment_args(clap::Command::new(NAME)))
    }

    fn command_for_update() -> clap::Command {
        top_level(Cli::augment_args_for_update(clap::Command::new(NAME)))
    }
}

impl Cli {
    /// The tree with `subcommand` (one of `Cli::command()`'s, as built there) as its only
    /// subcommand: for a command line that names it, clap then propagates the global
    /// options into one subcommand instead of some forty, which was a fifth of a short
    /// command's instructions. Parsing, help and errors within that subcommand are the
    /// whole tree's.
    pub fn command_with(subcommand: clap::Command) -> clap::Command {
        top_level(GlobalArgs::augment_args(clap::Command::new(NAME)).subcommand(subcommand))
    }
}

#[derive(Clone, Debug, Default, Args)]
pub struct GlobalArgs {
    /// Data directory [default: $INCIDENT_DIR, else the platform's data directory]
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        value_hint = clap::ValueHint::DirPath,
        add = Takes::Word
    )]
    pub dir: Option<PathBuf>,

    /// The incident to act on: an id, or a prefix or part of exactly one id
    /// [default: $INCIDENT, else the current incident]
    #[arg(
        short = 'i',
        long = "incident",
        global = true,
        value_name = "REF",
        add = Takes::Incident
    )]
    pub incident: Option<String>,

    /// Print exactly one JSON value on stdout
    #[arg(long, global = true)]
    pub json: bool,

    /// Print only the id or label
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// When to use colour
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value_t = ColorChoice::Auto,
        add = Takes::Word
    )]
    pub color: ColorChoice,
}

/// What an option's value is, declared on the option (`add = Takes::Time`) and nowhere
/// else. Every option that takes a value declares it (a test holds `cli.rs` to that), and
/// so does every positional naming labels or an incident, for completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Takes {
    /// One word: a name, a number, a path, a URL, one of a list (`--owner ben`).
    Word,
    /// Free text: standing after the entry's text, it runs on to the next option
    /// (`--consequence lose an hour of orders`).
    Text,
    /// A time: unquoted words that continue it are taken, as far as the time parser reads
    /// them (`--at 10m ago`).
    Time,
    /// One label of these entries (`result TEST`, `--hypothesis H2`).
    Label(Entries),
    /// Labels of these entries, separated by commas or given repeatedly; following words
    /// that are such labels are taken too (`--for H1 H2`).
    Labels(Entries),
    /// An incident: an id, or a prefix or part of exactly one.
    Incident,
}

impl clap::builder::ArgExt for Takes {}

/// Which entries a label may name, as completion offers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entries {
    Symptoms,
    /// Hypotheses still standing: not retracted, not ruled out.
    Hypotheses,
    Tests,
    Options,
    Situations,
    /// Entries a correction can amend.
    Amendable,
    /// Entries that can still be taken back.
    Retractable,
    Any,
}

impl Entries {
    /// The one kind of entry these are, for those of one kind: a list of labels is told
    /// from the text after it by its labels' letter.
    pub fn kind(self) -> Option<Kind> {
        match self {
            Entries::Symptoms => Some(Kind::Symptom),
            Entries::Hypotheses => Some(Kind::Hypothesis),
            Entries::Tests => Some(Kind::Test),
            Entries::Options => Some(Kind::Option),
            Entries::Situations => Some(Kind::Situation),
            Entries::Amendable | Entries::Retractable | Entries::Any => None,
        }
    }
}

/// An argument as its declared `Takes` makes it: a list of labels is split at commas,
/// and its help says how it is typed.
fn declared(arg: Arg) -> Arg {
    let Some(Takes::Labels(entries)) = arg.get::<Takes>().copied() else {
        return arg;
    };
    let letter = entries.kind().map_or('X', |kind| kind.series().letter());
    let form = format!("[{letter}1,{letter}2 or repeated]");
    let help = match arg.get_help() {
        Some(help) => format!("{help} {form}"),
        None => form,
    };
    arg.value_delimiter(',').help(help)
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a new incident; it becomes the current one
    #[command(after_help = "Example:\n  incident open Checkout returns 502s --at 02:47")]
    Open(Deferred<OpenArgs>),
    /// Record a symptom: what is observed, where, how often, the impact. Facts only
    #[command(
        visible_aliases = ["s", "sym"],
        after_help = "Example:\n  incident symptom 5% of POST /checkout return 502 --at 02:41"
    )]
    Symptom(Deferred<TextArgs>),
    /// Record a hypothesis: a plausible, testable explanation, however unlikely
    #[command(
        visible_aliases = ["h", "hyp"],
        after_help = "Example:\n  incident hypothesis DB connection pool exhausted --explains S1,S2"
    )]
    Hypothesis(Deferred<HypothesisArgs>),
    /// Record a test designed to rule hypotheses out; --run records its evidence too
    #[command(
        visible_alias = "t",
        after_help = "Examples:\n  incident test read pool gauges on db-1 --for H2\n  \
                      incident test is the API up --for H1 --run 'curl -sf https://api.example.com/health'"
    )]
    Test(Deferred<TestArgs>),
    /// Record a test's result, ruling hypotheses out or confirming them
    #[command(
        visible_aliases = ["r", "res"],
        after_help = "Examples:\n  incident result T1 502s continue after rollback --rules-out\n  \
                      incident result T2 pool at 100/100 --confirms H2"
    )]
    Result(Deferred<ResultArgs>),
    /// Record a note on the timeline
    #[command(
        visible_alias = "n",
        after_help = "Example:\n  incident note paged the DBA --at 02:55"
    )]
    Note(Deferred<TextArgs>),
    /// Record a follow-up action item, with its owner, due date and ticket
    #[command(
        visible_alias = "a",
        after_help = "Examples:\n  incident action alert on pool saturation --owner ben\n  \
                      incident action load-test the pool --due 2026-12-04 --link https://tracker.example.com/OPS-42"
    )]
    Action(Deferred<ActionArgs>),
    /// Mark action items done
    #[command(after_help = "Example:\n  incident done A1 A3 alert shipped in OPS-42")]
    Done(Deferred<DoneArgs>),
    /// Record who or what was affected and how much, and the impact window
    #[command(
        after_help = "Example:\n  incident impact 12% of EU checkouts failed, about 4,100 orders --from 02:41 --to 03:10"
    )]
    Impact(Deferred<ImpactArgs>),
    /// Record a cause: the trigger, a root cause, or a contributing factor (the default)
    #[command(
        after_help = "Examples:\n  incident cause config push lowered the pool size to 20 --trigger\n  \
                      incident cause pool size was not load tested --root --hypothesis H2\n  \
                      incident cause no alert on pool saturation --contributing"
    )]
    Cause(Deferred<CauseArgs>),
    /// Record a lesson: what went well, what went wrong, where the team got lucky
    #[command(
        after_help = "Example:\n  incident lesson the runbook's rollback worked first time --went well"
    )]
    Lesson(Deferred<LessonArgs>),
    /// Write the report's summary: two or three sentences; the latest one counts
    #[command(
        after_help = "Example:\n  incident summary A 43-second partition moved writes west. We restored all of it."
    )]
    Summary(Deferred<TextArgs>),
    /// Correct an entry: its text, its time, or any option it was recorded with; the
    /// original stays in the history
    #[command(
        after_help = "Examples:\n  incident amend S1 7% of POST /checkout return 502\n  \
                      incident amend A1 --owner ben --due 2026-12-04\n  \
                      incident amend E4 --time 02:55\n  incident amend N2 --key"
    )]
    Amend(Deferred<AmendArgs>),
    /// Correct the incident's title; the id stays
    #[command(after_help = "Example:\n  incident retitle Checkout returns 502s in EU only")]
    Retitle(Deferred<RetitleArgs>),
    /// Take an entry back; it stays in the history, marked retracted
    #[command(after_help = "Example:\n  incident retract H3 --why duplicate of H1")]
    Retract(Deferred<RetractArgs>),
    /// Take back the latest entry you recorded that still counts; it stays, marked retracted
    #[command(after_help = "Examples:\n  incident undo\n  incident undo --by ben")]
    Undo(Deferred<UndoArgs>),
    /// Close the incident, with the resolution as text
    #[command(
        after_help = "Example:\n  incident close raised the pool size to 200 --root-cause H2"
    )]
    Close(Deferred<CloseArgs>),
    /// Open a closed incident again
    #[command(after_help = "Example:\n  incident reopen")]
    Reopen,
    /// Merge another incident, the same outage opened twice, into this one; it stays, read-only
    #[command(
        after_help = "Example:\n  incident merge dns-flapping-2 --why same outage, paged twice"
    )]
    Merge(Deferred<MergeArgs>),
    /// Mark this incident opened by mistake: hidden from `list`, read-only, nothing deleted
    #[command(after_help = "Example:\n  incident discard --why opened in the wrong terminal")]
    Discard(Deferred<DiscardArgs>),
    /// Bring back a discarded incident, as it was
    #[command(after_help = "Example:\n  incident restore")]
    Restore(Deferred<RestoreArgs>),
    /// Make an incident the current one
    #[command(after_help = "Example:\n  incident use checkout")]
    Use(Deferred<UseArgs>),
    /// List open incidents, newest first
    #[command(visible_alias = "ls", after_help = "Example:\n  incident list --all")]
    List(Deferred<ListArgs>),
    /// Show the board: symptoms, hypotheses, tests awaiting results, and warnings
    #[command(
        visible_aliases = ["st", "board"],
        after_help = "Examples:\n  incident status\n  incident status --format can | pbcopy"
    )]
    Status(Deferred<StatusArgs>),
    /// Show the latest entries in order of time, corrections included
    #[command(
        after_help = "Examples:\n  incident log\n  incident log -n 5\n  incident log --all | less -R"
    )]
    Log(Deferred<LogArgs>),
    /// Show one entry in full: text, times, links, corrections, and what refers to it
    #[command(after_help = "Example:\n  incident show H2")]
    Show(Deferred<ShowArgs>),
    /// Set the severity: 1 (most severe) to 5
    #[command(after_help = "Example:\n  incident severity 2 checkout down for all EU customers")]
    Severity(Deferred<SeverityArgs>),
    /// Set the stage: investigating, identified, mitigated or resolved
    #[command(after_help = "Example:\n  incident stage mitigated traffic moved to eu-west-2")]
    Stage(Deferred<StageArgs>),
    /// Hand a role to someone: primary, secondary, commander, comms, scribe, escalation…
    #[command(after_help = "Example:\n  incident role comms Jane Doe")]
    Role(Deferred<RoleArgs>),
    /// Record a stakeholder update as sent; --draft writes one from the log instead
    #[command(after_help = "Examples:\n  incident update --draft --format text\n  \
                      incident update EU checkout degraded, fix rolling out, next update 04:00 --to executives")]
    Update(Deferred<UpdateArgs>),
    /// Set how often stakeholder updates are due, or stop them falling due; alone, show it
    #[command(after_help = "Examples:\n  incident cadence 15m\n  incident cadence off")]
    Cadence(Deferred<CadenceArgs>),
    /// Record that someone was called in, and why
    #[command(
        after_help = "Examples:\n  incident escalate dba-oncall pool exhausted, need a DBA\n  \
                      incident escalate Ana Lima replication lag on db-2"
    )]
    Escalate(Deferred<EscalateArgs>),
    /// Open a decision to make: the question, and what forces it
    #[command(
        after_help = "Example:\n  incident situation pause webhooks and Pages builds while West and East disagree?"
    )]
    Situation(Deferred<TextArgs>),
    /// Record an option of the latest undecided situation (or of --for Q), with its consequence
    #[command(
        visible_alias = "o",
        after_help = "Examples:\n  incident option roll back to v41 --consequence lose the new checkout flow for a day\n  \
                      incident option resume Pages builds --for Q1"
    )]
    Option(Deferred<OptionArgs>),
    /// Choose an option, and say why: it decides the option's situation
    #[command(after_help = "Example:\n  incident decide O2 fastest safe path; v41 ran for weeks")]
    Decide(Deferred<DecideArgs>),
    /// Print the post-incident report
    #[command(after_help = "Example:\n  incident report -o checkout-502s.md")]
    Report(Deferred<ReportArgs>),
    /// Share incidents through a git remote, show it, or stop sharing
    #[command(
        after_help = "Examples:\n  incident remote git@github.com:acme/incidents.git\n  incident remote\n  incident remote --remove"
    )]
    Remote(Deferred<RemoteArgs>),
    /// Send what was recorded here, receive what others recorded
    #[command(after_help = "Example:\n  incident sync")]
    Sync(Deferred<SyncArgs>),
    /// Search every incident, open or closed: entries, titles and resolutions saying the
    /// words in any form, synonym or one-letter misspelling, every word first, then some
    #[command(
        after_help = "Examples:\n  incident search pool exhausted\n  incident search cafe --json | jq '.[0]'"
    )]
    Search(Deferred<SearchArgs>),
    /// Figures across incidents: counts by severity and month, the median and p90 of time
    /// to detect, identify, mitigate and resolve and to the first update, hypotheses and
    /// tests per incident
    #[command(
        after_help = "Examples:\n  incident stats\n  incident stats --since 2026-01-01 --format markdown"
    )]
    Stats(Deferred<StatsArgs>),
    /// Add a contact to the team's directory of whom to call, or change one: how to reach
    /// them and what they cover; shared through the remote like the incidents
    #[command(
        after_help = "Examples:\n  incident contact Ana Lima --reach '+1 555 0100, #dba-oncall' --covers database postgres\n  \
                      incident contact Ana Lima --covers database postgres replication\n  \
                      incident contact Ana Lima --remove"
    )]
    Contact(Deferred<ContactArgs>),
    /// The team's directory of whom to call, one contact a line
    #[command(after_help = "Examples:\n  incident contacts\n  incident contacts --json")]
    Contacts,
    /// Whom to call: the contacts whose name or covered services, teams and skills say the
    /// words (any form, synonym or one-letter misspelling), best first
    #[command(after_help = "Examples:\n  incident who databases\n  incident who payments checkout")]
    Who(Deferred<WhoArgs>),
    /// The words that mean one thing, for search, "Seen before" and who: alone, every
    /// group, the team's and the built-in ones; with words, adds a group of the team's;
    /// with --remove, takes words out. The team's are shared through the remote like the
    /// incidents
    #[command(
        after_help = "Examples:\n  incident synonyms\n  incident synonyms pgb pgbouncer\n  \
                      incident synonyms wal, write-ahead log, xlog\n  \
                      incident synonyms --remove xlog"
    )]
    Synonyms(Deferred<SynonymsArgs>),
    /// A prompt of its own: type commands without `incident`, and no shell reads them
    #[command(
        long_about = "A prompt of its own: type commands without `incident`, and no shell reads \
                      them, so ; ' \" $(…) ` | & # ! in the text are kept as typed. A line is \
                      split at spaces; a value in quotes is one word (--run 'df -h | tail -1'). \
                      Tab completes, the arrow keys walk the history, Ctrl-C abandons the \
                      line, Ctrl-D leaves. `incident` alone, at a terminal, opens it too. With \
                      standard input not a terminal, runs each line in turn and stops at the \
                      first that fails, with its exit code.",
        after_help = "Examples:\n  incident shell\n  incident shell < timeline.txt"
    )]
    Shell,
    /// Print a shell completion script
    #[command(after_help = "Example:\n  source <(incident completions bash)")]
    Completions(Deferred<CompletionsArgs>),
    /// Print the man page, or a subcommand's
    #[command(
        after_help = "Examples:\n  incident man | man -l -\n  incident man symptom | man -l -"
    )]
    Man(Deferred<ManArgs>),
    /// Labels and ids for shell completion
    #[command(name = "__complete", hide = true)]
    Complete(Deferred<CompleteArgs>),
}

/// When an entry happened and who recorded it.
#[derive(Debug, Default, Args)]
pub struct StampArgs {
    /// When it happened: `15m ago`, `-15m`, `02:47`, `2026-11-21 02:47`, RFC 3339 [default: now]
    #[arg(long, value_name = "TIME", add = Takes::Time)]
    pub at: Option<String>,

    /// Who recorded it [default: $INCIDENT_USER, else $USER]
    #[arg(long, value_name = "NAME", add = Takes::Word)]
    pub by: Option<String>,

    /// A key event: one a reader outside the team needs, in the report's Key events
    #[arg(long)]
    pub key: bool,
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The incident's title; `-` reads it from standard input
    #[arg(value_name = "TITLE", required = true)]
    pub title: Vec<String>,

    /// Choose the id instead of deriving it from the date and title
    #[arg(long, value_name = "ID", add = Takes::Word)]
    pub id: Option<String>,

    /// The severity at the opening, 1 (most severe) to 5
    #[arg(long, value_name = "N", add = Takes::Word)]
    pub severity: Option<String>,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct SeverityArgs {
    /// 1 (most severe) to 5; `SEV1` and `P1` are 1 too
    #[arg(value_name = "N")]
    pub severity: String,

    /// Why, optionally
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct StageArgs {
    /// Where the response stands: investigating, identified, mitigated or resolved (any
    /// case, or a prefix: `mitig`)
    #[arg(value_name = "STAGE")]
    pub stage: String,

    /// What happened, optionally
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct RoleArgs {
    /// The role: primary, secondary, commander, comms, scribe, escalation, or any other
    #[arg(value_name = "ROLE")]
    pub role: String,

    /// Who holds it from now on
    #[arg(value_name = "NAME", required = true)]
    pub holder: Vec<String>,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct OptionArgs {
    /// What happens if this option is chosen
    #[arg(long, value_name = "TEXT", add = Takes::Text)]
    pub consequence: Option<String>,

    /// The situation it is an option of [default: the latest still undecided, if any]
    #[arg(long = "for", value_name = "Q", add = Takes::Label(Entries::Situations))]
    pub situation: Option<String>,

    #[command(flatten)]
    pub entry: TextArgs,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Who it went to: stakeholders, executives, customers, a channel…
    #[arg(
        long,
        value_name = "AUDIENCE",
        default_value = "stakeholders",
        conflicts_with = "draft",
        add = Takes::Word
    )]
    pub to: String,

    /// Print a draft update from the log, recording nothing: the impact, what is known,
    /// what is suspected, what is being done and when the next update is due
    #[arg(long)]
    pub draft: bool,

    /// The draft's format: `markdown`, `slack` (mrkdwn, as Slack's API takes it) or `text`
    /// (plain, to paste into a chat box or an email) [default: markdown]
    #[arg(long, value_enum, requires = "draft", add = Takes::Word)]
    pub format: Option<DraftFormat>,

    #[command(flatten)]
    pub entry: TextArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DraftFormat {
    /// GitHub-flavoured Markdown, user text escaped
    Markdown,
    /// Slack's mrkdwn, as a hook posts it through Slack's API
    Slack,
    /// Plain text, nothing escaped, to paste into a chat box or an email
    Text,
}

#[derive(Debug, Args)]
pub struct CadenceArgs {
    /// How often: `30m`, `1h`, `1h30m`, `90 minutes`, or `off`
    #[arg(value_name = "DURATION|off")]
    pub every: Vec<String>,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct EscalateArgs {
    /// Who was called: a contact (a name of several words needs no quotes), or any name
    #[arg(value_name = "NAME")]
    pub name: String,

    /// Why, optionally
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct DecideArgs {
    /// The option chosen
    #[arg(value_name = "OPTION", add = Takes::Label(Entries::Options))]
    pub option: String,

    /// Why, optionally
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,

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
    /// The symptoms this hypothesis would explain
    #[arg(
        long,
        value_name = "S",
        action = clap::ArgAction::Append,
        add = Takes::Labels(Entries::Symptoms)
    )]
    pub explains: Vec<String>,

    /// Weigh a hypothesis of an earlier incident here (`2026-09-02-checkout:H1`): its
    /// text, unless TEXT is given, and where it came from
    #[arg(long, value_name = "INCIDENT:LABEL", add = Takes::Word)]
    pub from: Option<String>,

    #[command(flatten)]
    pub entry: TextArgs,
}

#[derive(Debug, Args)]
pub struct AmendArgs {
    /// The entry to correct
    #[arg(value_name = "LABEL", add = Takes::Label(Entries::Amendable))]
    pub label: String,

    /// The time it really happened (same forms as --at)
    #[arg(long, value_name = "TIME", add = Takes::Time)]
    pub time: Option<String>,

    /// An action's owner
    #[arg(long, value_name = "NAME", add = Takes::Word)]
    pub owner: Option<String>,

    /// An action's due date: YYYY-MM-DD
    #[arg(long, value_name = "DATE", add = Takes::Word)]
    pub due: Option<String>,

    /// An action's ticket
    #[arg(long, value_name = "URL", add = Takes::Word)]
    pub link: Option<String>,

    /// An option's consequence
    #[arg(long, value_name = "TEXT", add = Takes::Text)]
    pub consequence: Option<String>,

    /// The situation an option belongs to
    #[arg(long = "for", value_name = "Q", add = Takes::Label(Entries::Situations))]
    pub situation: Option<String>,

    /// An impact's start
    #[arg(long, value_name = "TIME", add = Takes::Time)]
    pub from: Option<String>,

    /// An impact's end
    #[arg(long, value_name = "TIME", add = Takes::Time)]
    pub to: Option<String>,

    #[command(flatten)]
    pub cause: CauseFlags,

    /// How a lesson's part went: well, wrong or lucky
    #[arg(long, value_name = "HOW", add = Takes::Word)]
    pub went: Option<String>,

    /// The symptoms a hypothesis explains (replacing those it was recorded with)
    #[arg(
        long,
        value_name = "S",
        action = clap::ArgAction::Append,
        add = Takes::Labels(Entries::Symptoms)
    )]
    pub explains: Vec<String>,

    /// No longer a key event (`--key` makes it one)
    #[arg(long, conflicts_with = "key")]
    pub no_key: bool,

    #[command(flatten)]
    pub entry: TextArgs,
}

impl AmendArgs {
    /// The options that set a field of a correction (`Amendment::fields`), read from the
    /// options declared here: `due` is `--due`, `situation` is `--for`, `cause` each of
    /// the cause flags.
    pub fn flags_of(field: &str) -> Vec<String> {
        if field == "cause" {
            return CauseKind::ALL
                .map(|kind| format!("--{}", CauseFlags::flag(kind).0))
                .to_vec();
        }
        let amend = <AmendArgs as Args>::augment_args(clap::Command::new("amend"));
        amend
            .get_arguments()
            .find(|arg| arg.get_id() == field)
            .and_then(Arg::get_long)
            .map(|long| vec![format!("--{long}")])
            .unwrap_or_default()
    }
}

#[derive(Debug, Args)]
pub struct RetitleArgs {
    /// The incident's new title; `-` reads it from standard input
    #[arg(value_name = "TITLE")]
    pub title: Vec<String>,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct RetractArgs {
    /// The entry to take back
    #[arg(value_name = "LABEL", add = Takes::Label(Entries::Retractable))]
    pub label: String,

    #[command(flatten)]
    pub why: WhyArgs,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The incident to merge into this one: an id, or a prefix or part of exactly one id
    #[arg(value_name = "REF", add = Takes::Incident)]
    pub reference: String,

    #[command(flatten)]
    pub why: WhyArgs,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct DiscardArgs {
    #[command(flatten)]
    pub why: WhyArgs,

    #[command(flatten)]
    pub stamp: StampArgs,
}

/// Why a retraction, a merge or a discard was made: `--why TEXT…`, or the words alone.
#[derive(Debug, Args)]
pub struct WhyArgs {
    /// Why: a duplicate, the same outage opened twice, opened by mistake
    #[arg(long, value_name = "TEXT", add = Takes::Text)]
    pub why: Option<String>,

    /// Why, without --why
    #[arg(value_name = "WHY", hide = true)]
    pub reason: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// How many of the latest entries to show
    #[arg(
        short = 'n',
        long = "count",
        value_name = "N",
        default_value_t = 20,
        conflicts_with = "all",
        value_parser = positive,
        add = Takes::Word
    )]
    pub count: usize,

    /// Every entry
    #[arg(long)]
    pub all: bool,
}

/// A count of at least one.
fn positive(input: &str) -> Result<usize, String> {
    match input.trim().parse::<usize>() {
        Ok(count) if count > 0 => Ok(count),
        _ => Err("expected a whole number of at least 1".to_string()),
    }
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The entry to show
    #[arg(value_name = "LABEL", add = Takes::Label(Entries::Any))]
    pub label: String,
}

#[derive(Debug, Args)]
pub struct RemoteArgs {
    /// Anything `git clone` takes: a path, file://, ssh or https
    #[arg(value_name = "URL", conflicts_with = "remove")]
    pub url: Option<String>,
    /// Stop sharing; nothing is deleted
    #[arg(long)]
    pub remove: bool,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Run as the sync that follows a recording command: quietly, queued behind any
    /// sync already running, never prompting
    #[arg(long, hide = true)]
    pub background: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A subcommand, for its own page
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompleteArgs {
    /// `ids`, or the labels of one kind: `labels`, `symptoms`, `hypotheses`, `tests`, `options`
    pub what: String,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The hypotheses this test could rule out
    #[arg(
        long = "for",
        value_name = "H",
        action = clap::ArgAction::Append,
        add = Takes::Labels(Entries::Hypotheses)
    )]
    pub targets: Vec<String>,

    /// Run CMD through `sh -c`, show its output, and record it as the test's first result
    #[arg(long, value_name = "CMD", add = Takes::Word)]
    pub run: Option<String>,

    /// With --run: stop the command after SECS seconds
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 30,
        requires = "run",
        value_parser = clap::value_parser!(u64).range(1..),
        add = Takes::Word
    )]
    pub timeout: u64,

    /// Run a test of an earlier incident again here (`2026-09-02-checkout:T1`): its text,
    /// unless TEXT is given, and where it came from
    #[arg(long, value_name = "INCIDENT:LABEL", add = Takes::Word)]
    pub from: Option<String>,

    #[command(flatten)]
    pub entry: TextArgs,
}

#[derive(Debug, Args)]
pub struct ResultArgs {
    /// The test this is the result of
    #[arg(value_name = "TEST", add = Takes::Label(Entries::Tests))]
    pub test: String,

    /// Hypotheses this result rules out; alone, every hypothesis of the test's --for
    #[arg(
        long,
        value_name = "H",
        num_args = 0..=1,
        require_equals = true,
        action = clap::ArgAction::Append,
        add = Takes::Labels(Entries::Hypotheses)
    )]
    pub rules_out: Option<Vec<String>>,

    /// Hypotheses this result confirms
    #[arg(
        long,
        value_name = "H",
        action = clap::ArgAction::Append,
        add = Takes::Labels(Entries::Hypotheses)
    )]
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
    #[arg(long, value_name = "NAME", add = Takes::Word)]
    pub owner: Option<String>,

    /// When it is due: YYYY-MM-DD
    #[arg(long, value_name = "DATE", add = Takes::Word)]
    pub due: Option<String>,

    /// The ticket that tracks it
    #[arg(long, value_name = "URL", add = Takes::Word)]
    pub link: Option<String>,

    #[command(flatten)]
    pub entry: TextArgs,
}

#[derive(Debug, Args)]
pub struct DoneArgs {
    /// The action items done (A1 A2, or A1,A2), then how, optionally
    #[arg(value_name = "ACTION", required = true)]
    pub words: Vec<String>,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct ImpactArgs {
    /// When the impact began [default: the first symptom]
    #[arg(long, value_name = "TIME", add = Takes::Time)]
    pub from: Option<String>,

    /// When the impact ended
    #[arg(long, value_name = "TIME", add = Takes::Time)]
    pub to: Option<String>,

    #[command(flatten)]
    pub entry: TextArgs,
}

#[derive(Debug, Args)]
pub struct CauseArgs {
    #[command(flatten)]
    pub kind: CauseFlags,

    /// The hypothesis that established it
    #[arg(long, value_name = "H", add = Takes::Label(Entries::Hypotheses))]
    pub hypothesis: Option<String>,

    #[command(flatten)]
    pub entry: TextArgs,
}

/// `--trigger`, `--root` or `--contributing`: the kind of a cause, one flag per kind of
/// the model's, at most one given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CauseFlags {
    given: Option<CauseKind>,
}

impl CauseFlags {
    /// The kind given; a contributing factor when none is.
    pub fn kind(self) -> CauseKind {
        self.given.unwrap_or(CauseKind::Contributing)
    }

    /// The kind given, if one was.
    pub fn given(self) -> Option<CauseKind> {
        self.given
    }

    /// The flag that gives `kind`, and its help.
    pub fn flag(kind: CauseKind) -> (&'static str, &'static str) {
        match kind {
            CauseKind::Trigger => ("trigger", "What set the incident off"),
            CauseKind::Root => ("root", "Why it could happen at all"),
            CauseKind::Contributing => {
                ("contributing", "What made it worse or longer [the default]")
            }
        }
    }
}

impl clap::FromArgMatches for CauseFlags {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let given = CauseKind::ALL
            .into_iter()
            .find(|kind| matches.get_flag(CauseFlags::flag(*kind).0));
        Ok(CauseFlags { given })
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = CauseFlags::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for CauseFlags {
    fn augment_args(command: clap::Command) -> clap::Command {
        const GROUP: &str = "cause_kind";
        let command = command.group(clap::ArgGroup::new(GROUP).multiple(false));
        CauseKind::ALL.into_iter().fold(command, |command, kind| {
            let (long, help) = CauseFlags::flag(kind);
            command.arg(
                Arg::new(long)
                    .long(long)
                    .help(help)
                    .action(clap::ArgAction::SetTrue)
                    .group(GROUP),
            )
        })
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        CauseFlags::augment_args(command)
    }
}

#[derive(Debug, Args)]
pub struct LessonArgs {
    /// How it went: well, wrong or lucky
    #[arg(long, value_name = "HOW", required = true, add = Takes::Word)]
    pub went: String,

    #[command(flatten)]
    pub entry: TextArgs,
}

#[derive(Debug, Args)]
pub struct CloseArgs {
    /// The resolution summary; `-` reads it from standard input
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,

    /// The hypothesis that was the root cause
    #[arg(long, value_name = "H", add = Takes::Label(Entries::Hypotheses))]
    pub root_cause: Option<String>,

    #[command(flatten)]
    pub stamp: StampArgs,
}

#[derive(Debug, Args)]
pub struct UseArgs {
    /// An incident id, or a unique prefix or part of one
    #[arg(value_name = "REF", add = Takes::Incident)]
    pub reference: String,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Closed, merged and discarded incidents too
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
    #[arg(long, value_enum, add = Takes::Word)]
    pub format: Option<ReportFormat>,

    /// Write the report to FILE (atomically) instead of standard output; `-` is stdout
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        value_hint = clap::ValueHint::FilePath,
        add = Takes::Word
    )]
    pub output: Option<PathBuf>,

    /// The Markdown report's shape: the differential-diagnosis report, or the Google SRE
    /// or PagerDuty postmortem template filled from the log
    #[arg(long, value_enum, default_value_t = Template::Ddx, add = Takes::Word)]
    pub template: Template,

    /// Leave out the mermaid chart, for trackers that do not draw it
    #[arg(long)]
    pub no_chart: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Template {
    Ddx,
    Google,
    Pagerduty,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The words to find: texts saying all of them come first, then those saying some
    #[arg(value_name = "WORDS", required = true)]
    pub words: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ContactArgs {
    /// The contact: a person, a team or a rota, in any case
    #[arg(value_name = "NAME", required = true)]
    pub name: Vec<String>,

    /// How to reach them: a phone, a chat channel, a pager [needed for a new contact]
    #[arg(long, value_name = "TEXT", conflicts_with = "remove", add = Takes::Text)]
    pub reach: Option<String>,

    /// The services, teams and skills they cover, separated by spaces or commas
    /// (replacing those they covered)
    #[arg(long, value_name = "WORDS", conflicts_with = "remove", add = Takes::Text)]
    pub covers: Option<String>,

    /// Take the contact out of the directory, on every machine at the next sync
    #[arg(long)]
    pub remove: bool,
}

#[derive(Debug, Args)]
pub struct WhoArgs {
    /// What needs someone: a service, a team, a skill, a name
    #[arg(value_name = "WORDS", required = true)]
    pub words: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SynonymsArgs {
    /// A group to add: words separated by spaces, or words and phrases separated by
    /// commas (`wal, write-ahead log`); with --remove, the words and phrases to take out
    #[arg(value_name = "WORDS")]
    pub words: Vec<String>,

    /// Take the words out of the team's groups, on every machine at the next sync
    #[arg(long)]
    pub remove: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Only incidents opened at or after TIME: `30d ago`, `2026-01-01`, `2026-01-01 00:00`
    #[arg(long, value_name = "TIME", add = Takes::Time)]
    pub since: Option<String>,

    /// `text` with small charts, `markdown` for a wiki or a ticket, or `json` [default:
    /// text, or json with --json]
    #[arg(long, value_enum, add = Takes::Word)]
    pub format: Option<StatsFormat>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// `board` for people at the terminal; `can` for a Condition / Actions / Needs
    /// handover for people joining, in Markdown, ready to paste into chat; `slack` for
    /// the same handover in Slack's own formatting [default: board]
    #[arg(long, value_enum, add = Takes::Word)]
    pub format: Option<BoardFormat>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BoardFormat {
    /// The live board, for people at the terminal
    Board,
    /// The Condition / Actions / Needs handover in Markdown
    Can,
    /// The same handover in Slack's mrkdwn: no headings, no backslashes, no pings
    Slack,
}

impl BoardFormat {
    /// The name typed after `--format`: clap's own, so the two never differ.
    pub fn name(self) -> String {
        self.to_possible_value()
            .expect("every format can be typed")
            .get_name()
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field a correction may set is an option of `amend`: the hint that names them
    /// reads them from there, so a field without an option would go unnamed.
    #[test]
    fn every_field_a_correction_sets_is_an_option_of_amend() {
        for (field, ..) in incident_core::model::Amendment::default().fields() {
            assert!(
                !AmendArgs::flags_of(field).is_empty(),
                "{field} has no option"
            );
        }
        assert_eq!(AmendArgs::flags_of("situation"), ["--for"]);
        assert_eq!(
            AmendArgs::flags_of("cause"),
            ["--trigger", "--root", "--contributing"]
        );
    }
    use clap::CommandFactory;

    /// Every argument of the command line, with the command it belongs to.
    fn every_argument() -> Vec<(String, Arg)> {
        let mut root = Cli::command();
        root.build();
        let mut arguments: Vec<(String, Arg)> = root
            .get_arguments()
            .map(|arg| ("incident".to_string(), arg.clone()))
            .collect();
        for command in root.get_subcommands() {
            arguments.extend(
                command
                    .get_arguments()
                    .map(|arg| (command.get_name().to_string(), arg.clone())),
            );
        }
        arguments
    }

    #[test]
    fn every_option_that_takes_a_value_declares_what_it_takes() {
        for (command, arg) in every_argument() {
            if arg.get_long().is_some() && arg.get_action().takes_values() {
                assert!(
                    arg.get::<Takes>().is_some(),
                    "`{command} --{}` takes a value: declare what with `add = Takes::…`",
                    arg.get_id()
                );
            }
        }
    }

    #[test]
    fn a_list_of_labels_is_of_one_kind_and_split_at_commas() {
        let mut lists = 0;
        for (command, arg) in every_argument() {
            if let Some(Takes::Labels(entries)) = arg.get::<Takes>() {
                lists += 1;
                assert!(
                    entries.kind().is_some(),
                    "`{command} {}`: a list's labels are told by their letter",
                    arg.get_id()
                );
                assert_eq!(arg.get_value_delimiter(), Some(','), "{command}");
                assert!(
                    matches!(arg.get_action(), clap::ArgAction::Append),
                    "`{command} {}` is given repeatedly",
                    arg.get_id()
                );
            }
        }
        assert!(lists >= 4, "--for, --rules-out, --confirms, --explains");
    }
}

/// A subcommand's arguments, added to clap's tree only when clap enters that subcommand:
/// building every subcommand's options for a command line that runs one of them was the
/// most of what `incident` did before its first line of work.
#[derive(Debug)]
pub struct Deferred<T>(pub T);

fn deferred<T: Args>(command: clap::Command) -> clap::Command {
    after_inherited(command, T::augment_args)
}

fn deferred_for_update<T: Args>(command: clap::Command) -> clap::Command {
    after_inherited(command, T::augment_args_for_update)
}

/// The subcommand's own options, declared, before the global ones it inherited while it
/// waited to be built: the order help and completion list them in.
fn after_inherited(
    command: clap::Command,
    augment: fn(clap::Command) -> clap::Command,
) -> clap::Command {
    let inherited: Vec<clap::Id> = command
        .get_arguments()
        .map(|arg| arg.get_id().clone())
        .collect();
    // The subcommand's own help, not the doc comment of the type of its options.
    let about = command.get_about().cloned();
    let long_about = command.get_long_about().cloned();
    let command = augment(command)
        .mut_args(declared)
        .about(clap::builder::Resettable::from(about))
        .long_about(clap::builder::Resettable::from(long_about));
    // `mut_arg` takes an argument out and puts it back last.
    inherited
        .into_iter()
        .fold(command, |command, id| command.mut_arg(id, |arg| arg))
}

impl<T: Args> Args for Deferred<T> {
    fn augment_args(command: clap::Command) -> clap::Command {
        command.defer(deferred::<T>)
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        command.defer(deferred_for_update::<T>)
    }
}

impl<T: clap::FromArgMatches> clap::FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Deferred)
    }

    // Taken apart, not copied first (clap's derive copies the matches in
    // `from_arg_matches`).
    fn from_arg_matches_mut(matches: &mut clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Deferred)
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
}
