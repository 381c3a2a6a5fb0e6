//! `incident completions SHELL` prints a completion script; in bash it also completes
//! incident ids and entry labels, by asking the hidden `incident complete WHAT`.
//! `incident man` prints the man page.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Context, emit};
use crate::cli::{Cli, CompleteArgs, CompletionsArgs};
use crate::error::{Error, Result};
use crate::model::Kind;

/// Completes ids after `-i`/`--incident`/`use`, and labels of the right kind after the
/// options and commands that take them; everything else is clap's.
const BASH_LABELS: &str = r#"
_incident_with_labels() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" what=""
    case "$prev" in
        -i|--incident|use) what=ids ;;
        --for|--rules-out|--confirms|--root-cause) what=hypotheses ;;
        --explains) what=symptoms ;;
        result|res|r) what=tests ;;
        amend|retract) what=labels ;;
    esac
    if [[ -n "$what" && "$cur" != -* ]]; then
        local IFS=$'\n'
        COMPREPLY=($(compgen -W "$(incident complete "$what" 2>/dev/null)" -- "$cur"))
        return 0
    fi
    _incident "$@"
}
complete -F _incident_with_labels -o bashdefault -o default incident
"#;

pub fn completions(args: CompletionsArgs, out: &mut dyn Write) -> Result<()> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "incident", &mut script);
    let mut script = String::from_utf8(script).expect("clap writes UTF-8 scripts");
    if args.shell == Shell::Bash {
        script.push_str(BASH_LABELS);
    }
    emit(out, &script)
}

pub fn man(out: &mut dyn Write) -> Result<()> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|source| Error::io("the man page", source))?;
    emit(out, &String::from_utf8_lossy(&page))
}

/// One candidate per line. Quiet on any error: a completion must never print one.
pub fn complete(context: &Context, args: CompleteArgs, out: &mut dyn Write) -> Result<()> {
    let candidates: Vec<String> = match args.what.as_str() {
        "ids" => context.store.ids().unwrap_or_default(),
        what => {
            let kind = match what {
                "symptoms" => Some(Kind::Symptom),
                "hypotheses" => Some(Kind::Hypothesis),
                "tests" => Some(Kind::Test),
                _ => None,
            };
            context
                .target()
                .and_then(|id| context.store.load(&id))
                .map(|incident| {
                    let state = incident.state();
                    incident
                        .entries
                        .iter()
                        .filter(|entry| kind.is_none_or(|kind| entry.kind() == kind))
                        .filter(|entry| !entry.kind().is_change() && !state.is_retracted(entry.id))
                        .map(|entry| entry.id.to_string())
                        .collect()
                })
                .unwrap_or_default()
        }
    };
    let text: String = candidates.iter().map(|line| format!("{line}\n")).collect();
    emit(out, &text)
}
