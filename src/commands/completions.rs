//! `incident completions SHELL` prints a completion script; in bash it also completes
//! incident ids and entry labels, by asking the hidden `incident __complete WHAT`.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;
use crate::ui::Ui;

/// Completes ids after `-i`/`--incident`/`use`, and labels of the right kind after the
/// options and commands that take them; everything else is clap's.
const BASH_LABELS: &str = r#"
_incident_with_labels() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" what="" word
    local -a scope=()
    local i
    # Labels come from the incident the command line names, as the command would.
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in
            -i|--incident|--dir) scope+=("${COMP_WORDS[i]}" "${COMP_WORDS[i+1]}") ;;
            -i=*|--incident=*|--dir=*) scope+=("${COMP_WORDS[i]}") ;;
        esac
    done
    case "$prev" in
        -i|--incident|u|us|use) what=ids ;;
        --for|--rules-out|--confirms|--root-cause) what=hypotheses ;;
        --explains) what=symptoms ;;
        r|re|res|resu|resul|result) what=tests ;;
        de|dec|deci|decid|decide) what=options ;;
        am|ame|amen|amend|ret|retr|retra|retrac|retract) what=labels ;;
    esac
    if [[ -n "$what" && "$cur" != -* ]]; then
        local IFS=$'\n'
        COMPREPLY=($(compgen -W "$(incident "${scope[@]}" __complete "$what" 2>/dev/null)" -- "$cur"))
        return 0
    fi
    _incident "$@"
}
complete -F _incident_with_labels -o bashdefault -o default incident
"#;

pub fn run(ui: &mut Ui, args: CompletionsArgs) -> Result<()> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "incident", &mut script);
    let mut script = String::from_utf8(script).expect("clap writes UTF-8 scripts");
    if args.shell == Shell::Bash {
        script.push_str(BASH_LABELS);
    }
    ui.print(&script)
}
