//! One module per subcommand, each with a `run`, and the dispatch between them. A command
//! reads its arguments, asks the store to load or change an incident, and prints through
//! the `Ui` what a renderer made of it.

mod action;
mod amend;
mod cadence;
mod cause;
mod close;
mod complete;
mod completions;
mod contact;
mod contacts;
mod decide;
mod discard;
mod done;
mod escalate;
mod hypothesis;
mod impact;
mod lesson;
mod list;
mod log;
mod man;
mod merge;
mod note;
mod open;
mod option;
mod remote;
mod reopen;
mod report;
mod restore;
mod result;
mod retitle;
mod retract;
mod role;
mod search;
mod severity;
mod show;
mod situation;
mod stage;
mod stats;
mod status;
mod summary;
mod symptom;
mod sync;
mod synonyms;
mod test;
mod undo;
mod update;
mod use_;
mod who;

use crate::cli::Command;
use crate::context::Context;
use crate::error::Result;
use crate::ui::Ui;

/// What `incident` alone prints where it opens no prompt (standard input or output not a
/// terminal: a script, a pipe, a cron job): how to start. It is help, not a result, so
/// like `--help` it is the same whatever the output mode, and nothing is read or made.
const HOW_TO_START: &str = "\
incident opens its prompt at a terminal; to start:
  incident open TITLE   open an incident; every command then acts on it
  incident shell        the prompt: each line a command, read by no shell
  incident --help       every command
";

pub fn run(command: Option<Command>, context: &Context, ui: &mut Ui) -> Result<()> {
    let Some(command) = command else {
        return ui.print(HOW_TO_START);
    };
    match command {
        Command::Open(args) => open::run(context, ui, args.0),
        Command::Symptom(args) => symptom::run(context, ui, args.0),
        Command::Hypothesis(args) => hypothesis::run(context, ui, args.0),
        Command::Test(args) => test::run(context, ui, args.0),
        Command::Result(args) => result::run(context, ui, args.0),
        Command::Note(args) => note::run(context, ui, args.0),
        Command::Action(args) => action::run(context, ui, args.0),
        Command::Done(args) => done::run(context, ui, args.0),
        Command::Impact(args) => impact::run(context, ui, args.0),
        Command::Cause(args) => cause::run(context, ui, args.0),
        Command::Lesson(args) => lesson::run(context, ui, args.0),
        Command::Summary(args) => summary::run(context, ui, args.0),
        Command::Close(args) => close::run(context, ui, args.0),
        Command::Reopen => reopen::run(context, ui),
        Command::Merge(args) => merge::run(context, ui, args.0),
        Command::Discard(args) => discard::run(context, ui, args.0),
        Command::Restore(args) => restore::run(context, ui, args.0),
        Command::Use(args) => use_::run(context, ui, args.0),
        Command::List(args) => list::run(context, ui, args.0),
        Command::Status(args) => status::run(context, ui, args.0.format),
        Command::Severity(args) => severity::run(context, ui, args.0),
        Command::Stage(args) => stage::run(context, ui, args.0),
        Command::Role(args) => role::run(context, ui, args.0),
        Command::Situation(args) => situation::run(context, ui, args.0),
        Command::Update(args) => update::run(context, ui, args.0),
        Command::Cadence(args) => cadence::run(context, ui, args.0),
        Command::Escalate(args) => escalate::run(context, ui, args.0),
        Command::Option(args) => option::run(context, ui, args.0),
        Command::Decide(args) => decide::run(context, ui, args.0),
        Command::Report(args) => report::run(context, ui, args.0),
        Command::Search(args) => search::run(context, ui, args.0),
        Command::Stats(args) => stats::run(context, ui, args.0),
        Command::Contact(args) => contact::run(context, ui, args.0),
        Command::Contacts => contacts::run(context, ui),
        Command::Who(args) => who::run(context, ui, args.0),
        Command::Synonyms(args) => synonyms::run(context, ui, args.0),
        // The prompt runs commands rather than being one: `app` hands it to `main`.
        Command::Shell => unreachable!("app::execute opens no prompt through commands::run"),
        Command::Amend(args) => amend::run(context, ui, args.0),
        Command::Retitle(args) => retitle::run(context, ui, args.0),
        Command::Retract(args) => retract::run(context, ui, args.0),
        Command::Undo(args) => undo::run(context, ui, args.0),
        Command::Log(args) => log::run(context, ui, args.0),
        Command::Show(args) => show::run(context, ui, args.0),
        Command::Remote(args) => remote::run(context, ui, args.0),
        Command::Sync(args) => sync::run(context, ui, args.0),
        Command::Completions(args) => completions::run(ui, args.0),
        Command::Man(args) => man::run(ui, args.0),
        Command::Complete(args) => complete::run(context, ui, args.0),
    }
}
