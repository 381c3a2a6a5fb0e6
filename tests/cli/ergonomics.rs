//! Built for 3AM: short commands, forgiving input, corrections that keep history, a board
//! that coaches the method, and everything a shell user expects.

use serde_json::Value;

use crate::env::{TestEnv, entry};

fn warning_codes(report: &Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|warning| warning["code"].as_str().unwrap().to_string())
        .collect()
}

fn warning_labels(report: &Value, code: &str) -> Vec<String> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|warning| warning["code"] == code)
        .unwrap_or_else(|| panic!("no {code} warning in {report:#}"))["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|label| label.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn prefixes_and_short_aliases() {
    let env = TestEnv::new();
    env.open("Short");
    assert_eq!(env.quiet(&["sym", "a"]), "S1");
    assert_eq!(env.quiet(&["s", "b"]), "S2");
    assert_eq!(env.quiet(&["symp", "c"]), "S3");
    assert_eq!(env.quiet(&["h", "d"]), "H1");
    assert_eq!(env.quiet(&["hyp", "e"]), "H2");
    assert_eq!(env.quiet(&["t", "f", "--for", "H1"]), "T1");
    assert_eq!(env.quiet(&["r", "T1", "g", "--rules-out"]), "R1");
    assert_eq!(env.quiet(&["n", "h"]), "N1");
    assert_eq!(env.quiet(&["a", "i"]), "A1");
    assert!(env.ok(&["st"]).starts_with("Short\n"));
    assert_eq!(env.ok(&["ls", "-q"]), "2026-11-21-short\n");
    assert!(env.ok(&["rep"]).starts_with("# Short\n"));
}

#[test]
fn typos_get_a_did_you_mean() {
    let env = TestEnv::new();
    let stderr = env.fails(&["symtom", "x"], 2);
    assert_eq!(
        stderr,
        "error: unrecognized subcommand `symtom`\nhint: did you mean `symptom`?\n"
    );
    let stderr = env.fails(&["stetus"], 2);
    assert!(stderr.contains("did you mean `status`?"), "{stderr}");
    let stderr = env.fails(&["stauts"], 2);
    assert!(stderr.contains("did you mean `stats`?"), "{stderr}");
    let stderr = env.fails(&["re"], 2);
    assert!(stderr.starts_with("error: `re` is ambiguous: "), "{stderr}");
    assert!(
        stderr.contains("reopen") && stderr.contains("report"),
        "{stderr}"
    );
    let stderr = env.fails(&["list", "--al"], 2);
    assert!(stderr.contains("--all"), "{stderr}");
}

/// `ca` once meant `cause`; since `cadence`, it names two commands that both record. A
/// guess either way would record a cause of `15m` or a cadence of a root cause, so it is
/// refused, nothing recorded, and the hint says exactly what to type for each.
#[test]
fn an_ambiguous_prefix_says_the_shortest_word_for_each_command() {
    let env = TestEnv::new();
    let id = env.open("Checkout returns 502s");
    let before = std::fs::read(env.document_path(&id)).expect("the document");
    assert_eq!(
        env.fails(&["ca", "15m"], 2),
        "error: `ca` is ambiguous: cause, cadence\nhint: type `cau` for cause or `cad` for cadence\n"
    );
    // A name that is the start of another is the shortest word for itself.
    assert_eq!(
        env.fails(&["con", "Ana"], 2),
        "error: `con` is ambiguous: contact, contacts\nhint: type `contact` or `contacts`\n"
    );
    // An alias counts: `res` is result's, so restore needs `rest`.
    let stderr = env.fails(&["re"], 2);
    assert!(
        stderr.contains("`res` for result") && stderr.contains("`rest` for restore"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(env.document_path(&id)).expect("the document"),
        before
    );
    // Each word the hint gives does what it says.
    assert_eq!(env.quiet(&["cad", "15m"]), "15m");
    assert_eq!(env.quiet(&["cau", "config push", "--trigger"]), "C1");
}

#[test]
fn amend_and_retract_keep_history() {
    let env = TestEnv::new();
    env.open("Corrections");
    env.ok(&["symptom", "consumer lag 40k"]);
    env.ok(&["hypothesis", "consumer crashed"]);
    env.ok(&["hypothesis", "broker slow"]);
    env.ok(&["test", "check pods", "--for", "H1"]);
    env.ok(&["result", "T1", "pods running", "--rules-out"]);
    assert_eq!(env.quiet(&["amend", "s1", "consumer lag 45k"]), "E1");
    assert_eq!(
        env.quiet(&["retract", "H2", "--why", "duplicate of H1"]),
        "E2"
    );
    assert_eq!(env.quiet(&["retract", "R1"]), "E3");

    let report = env.json(&["report", "--format", "json"]);
    let s1 = entry(&report, "S1");
    assert_eq!(s1["text"], "consumer lag 40k", "the original is kept");
    assert_eq!(s1["current_text"], "consumer lag 45k");
    assert_eq!(s1["amended_by"], serde_json::json!(["E1"]));
    let e1 = entry(&report, "E1");
    assert_eq!(
        (e1["kind"].as_str(), e1["target"].as_str()),
        (Some("amend"), Some("S1"))
    );
    assert_eq!(e1["text"], "consumer lag 45k");
    let h2 = entry(&report, "H2");
    assert_eq!(h2["retracted_by"], "E2");
    assert_eq!(h2["standing"], false);
    assert_eq!(entry(&report, "E2")["text"], "duplicate of H1");
    // A retracted result no longer rules anything out, and its test awaits a result again.
    assert_eq!(entry(&report, "H1")["status"], "open");
    assert_eq!(entry(&report, "T1")["awaiting_result"], true);

    let board = env.ok(&["status"]);
    assert!(board.contains("S1  consumer lag 45k (amended)"), "{board}");
    assert!(board.contains("H2  retracted  broker slow"), "{board}");
    let markdown = env.ok(&["report"]);
    assert!(
        markdown.contains("consumer lag 45k (by ana) (amended by E1)"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| H2 | broker slow | Retracted |"),
        "{markdown}"
    );
    // The correction itself is told in the Record, never on the Timeline.
    assert!(
        markdown.contains("UTC, **E2** retract of **H2**, a hypothesis, by ana: duplicate of H1"),
        "{markdown}"
    );
    assert!(!markdown.contains("**E2** retract of H2"), "{markdown}");

    // No corrections to what was taken back, and nothing retracted twice.
    let stderr = env.fails(&["amend", "H2", "broker very slow"], 1);
    assert!(stderr.contains("H2 was retracted by E2"), "{stderr}");
    env.fails(&["retract", "H2"], 1);
    env.fails(&["amend", "E1", "again"], 1);
    env.fails(&["amend", "S9", "nothing"], 1);
    env.fails(&["amend", "S1"], 2);
    // Corrections are welcome after close.
    env.ok(&["close"]);
    assert_eq!(env.quiet(&["amend", "S1", "consumer lag 46k"]), "E4");
}

#[test]
fn a_result_can_also_be_a_symptom() {
    let env = TestEnv::new();
    env.open("Result symptom");
    env.ok(&["hypothesis", "consumer crashed"]);
    env.ok(&["test", "check pods", "--for", "H1"]);
    assert_eq!(
        env.quiet(&[
            "result",
            "T1",
            "OOM kills every 5m",
            "--rules-out",
            "--symptom"
        ]),
        "R1 S1"
    );
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(entry(&report, "S1")["text"], "OOM kills every 5m");
    let recorded = env.json(&["result", "T1", "still OOM", "--symptom"]);
    assert_eq!(recorded["id"], "R2");
    assert_eq!(recorded["also"][0]["id"], "S2");
}

#[test]
fn the_board_warns_in_stable_codes() {
    let env = TestEnv::new();
    env.open("Warnings");
    let report = env.json(&["status"]);
    assert_eq!(warning_codes(&report), ["no-hypotheses"]);

    env.ok(&["symptom", "lag"]);
    env.ok(&["symptom", "errors"]);
    env.ok(&["hypothesis", "consumer crashed", "--explains", "S1"]);
    let report = env.json(&["status"]);
    assert_eq!(
        warning_codes(&report),
        [
            "no-test-in-progress",
            "untested-hypothesis",
            "unexplained-symptom"
        ]
    );
    assert_eq!(warning_labels(&report, "untested-hypothesis"), ["H1"]);
    assert_eq!(warning_labels(&report, "unexplained-symptom"), ["S2"]);

    env.ok(&["hypothesis", "bad log config", "--explains", "S2"]);
    env.ok(&["test", "check pods", "--for", "H1,H2"]);
    let report = env.json(&["status"]);
    assert!(warning_codes(&report).is_empty(), "{report:#}");

    env.ok(&["result", "T1", "all fine", "--rules-out"]);
    let report = env.json(&["status"]);
    assert_eq!(
        warning_codes(&report),
        ["all-ruled-out", "unexplained-symptom"]
    );
    assert_eq!(warning_labels(&report, "all-ruled-out"), ["H1", "H2"]);
    let board = env.ok(&["status"]);
    assert!(
        board.contains("go back and generate more (H1, H2) [all-ruled-out]"),
        "{board}"
    );

    // A retracted hypothesis is not standing: only H3 is left to warn about.
    env.ok(&["hypothesis", "broker slow"]);
    env.ok(&["retract", "H3"]);
    assert_eq!(warning_codes(&env.json(&["status"]))[0], "all-ruled-out");
    assert_eq!(
        env.json(&["report", "--format", "json"])["warnings"],
        env.json(&["status"])["warnings"]
    );
}

#[test]
fn the_editor_writes_the_text_when_none_is_typed_at_a_terminal() {
    let env = TestEnv::new();
    env.open("Editor");
    let editor = env.home().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'typed in the editor\\nsecond line\\n' > \"$1\"\n",
    )
    .unwrap();
    let empty = env.home().join("empty.sh");
    std::fs::write(&empty, "#!/bin/sh\n: > \"$1\"\n").unwrap();
    let failing = env.home().join("failing.sh");
    std::fs::write(&failing, "#!/bin/sh\nexit 3\n").unwrap();
    for path in [&editor, &empty, &failing] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let at_terminal = |editor: &std::path::Path| {
        env.at_terminal(&["symptom"])
            .env("EDITOR", editor)
            .output()
            .unwrap()
    };
    let output = at_terminal(&editor);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(
        entry(&report, "S1")["text"],
        "typed in the editor\nsecond line"
    );

    let output = at_terminal(&empty);
    assert_eq!(output.status.code(), Some(2), "an empty buffer aborts");
    assert!(String::from_utf8_lossy(&output.stdout).contains("empty"));
    let output = at_terminal(&failing);
    assert_eq!(output.status.code(), Some(1), "a failing editor aborts");
    let report = env.json(&["report", "--format", "json"]);
    assert_eq!(
        report["entries"].as_array().unwrap().len(),
        1,
        "nothing else recorded"
    );
    // Not at a terminal, no text is simply an error: no editor pops up in a script.
    env.fails(&["symptom"], 2);
}

#[test]
fn bash_completion_completes_commands_ids_and_labels() {
    let env = TestEnv::new();
    env.open("Completion");
    env.ok(&["hypothesis", "one"]);
    env.ok(&["hypothesis", "two"]);
    env.ok(&["retract", "H2"]);
    env.ok(&["test", "check", "--for", "H1"]);
    let script = env.home().join("incident.bash");
    std::fs::write(&script, env.ok(&["completions", "bash"])).unwrap();
    // As bash calls the function the script registers: COMP_WORDS split at bash's word
    // breaks (`=` among them), the word under the cursor, the one before it.
    let complete = |words: &str| {
        let program = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _clap_complete_incident incident \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             echo \"${{COMPREPLY[*]}}\"",
            script.display()
        );
        let output = env.shell(&program).output().unwrap();
        assert!(
            output.status.success() && output.stderr.is_empty(),
            "{output:?}"
        );
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    };
    assert_eq!(complete("incident hyp"), "hypothesis");
    assert_eq!(
        complete("incident result ''"),
        "T1 --rules-out --dir --confirms --incident --symptom --json --at --quiet --by --color --key --help"
    );
    assert_eq!(
        complete("incident test x --for ''"),
        "H1",
        "retracted H2 is not offered"
    );
    assert_eq!(complete("incident test x --for h"), "H1");
    assert_eq!(complete("incident result T1 ok --rules-out = H"), "H1");
    assert_eq!(complete("incident use 2026"), "2026-11-21-completion");
    assert_eq!(complete("incident -i compl"), "2026-11-21-completion");
    assert_eq!(complete("incident resu T"), "T1", "a prefix of result");
    env.ok(&["option", "roll back"]);
    assert_eq!(
        complete("incident decide ''"),
        "O1 --at --dir --by --incident --key --json --quiet --color --help"
    );
    env.quiet(&["open", "Other"]);
    assert_eq!(
        complete("incident -i completion decide O"),
        "O1",
        "labels of the named incident"
    );
    assert_eq!(
        complete("incident decide O"),
        "",
        "the current incident has no options"
    );
}

/// The subcommands `incident --help` lists, read from the binary (clap's own
/// definitions), so a command added tomorrow is checked the day it exists.
#[track_caller]
fn visible_subcommands(env: &TestEnv) -> Vec<String> {
    let help = env.ok(&["--help"]);
    let subcommands: Vec<String> = help
        .lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.is_empty())
        // A name stands two spaces in; a wrapped description further.
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(String::from)
        .collect();
    for known in ["open", "symptom", "hypothesis", "status", "report"] {
        assert!(
            subcommands.iter().any(|name| name == known),
            "{known} not found in the help's command list {subcommands:?}: {help}"
        );
    }
    subcommands
}

/// `incident completions SHELL`, written to `<home>/incident.SHELL`: the same script as
/// the environment variable asks for. Returns the script and its path.
#[track_caller]
fn completion_script(env: &TestEnv, shell: &str) -> (String, std::path::PathBuf) {
    let text = env.ok(&["completions", shell]);
    let mut asked = env.command(&[]);
    asked.env("COMPLETE", shell);
    asked.assert().success().stdout(text.clone());
    let path = env.home().join(format!("incident.{shell}"));
    std::fs::write(&path, &text).unwrap();
    (text, path)
}

/// The shell reads the script without running it (`bash -n`, `zsh -n`, `fish
/// --no-execute`), and has nothing to say about it.
#[track_caller]
fn syntax_check(program: &str, flag: &str, path: &std::path::Path) {
    let output = std::process::Command::new(crate::env::require_tool(program))
        .arg(flag)
        .arg(path)
        .env_clear()
        .output()
        .unwrap();
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "{program} {flag} {}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_shells_completion_script_registers_incident_and_knows_the_commands() {
    let env = TestEnv::new();
    let subcommands = visible_subcommands(&env);
    let binary = crate::env::binary().display().to_string();
    let write = |shell: &str| completion_script(&env, shell);

    // Each script registers `incident` and asks this binary at each Tab.
    let (bash, path) = write("bash");
    syntax_check("bash", "-n", &path);
    assert!(
        bash.contains("-F _clap_complete_incident incident\n"),
        "{bash}"
    );
    assert!(
        bash.contains(&format!("COMPLETE=\"bash\" \\\n        \"{binary}\" -- ")),
        "{bash}"
    );

    // zsh and fish read theirs in `zsh_and_fish_read_their_completion_scripts`.
    let (zsh, _) = write("zsh");
    assert!(zsh.starts_with("#compdef incident\n"), "{zsh}");
    assert!(
        zsh.contains("compdef _clap_dynamic_completer_incident incident"),
        "{zsh}"
    );
    assert!(
        zsh.contains(&format!("COMPLETE=\"zsh\" \\\n        {binary} -- ")),
        "{zsh}"
    );

    let (fish, _) = write("fish");
    assert!(
        fish.starts_with(&format!("complete --keep-order --exclusive --command incident --arguments \"(COMPLETE=fish {binary} -- ")),
        "{fish}"
    );

    // No elvish or PowerShell to run here: their scripts register `incident` too.
    let (elvish, _) = write("elvish");
    assert!(
        elvish.contains("set edit:completion:arg-completer[incident] = ")
            && elvish.contains(&format!("COMPLETE=\"elvish\" {binary} -- ")),
        "{elvish}"
    );
    let (powershell, _) = write("powershell");
    assert!(
        powershell.contains("Register-ArgumentCompleter -Native -CommandName incident ")
            && powershell.contains("$env:COMPLETE = \"powershell\"")
            && powershell.contains(&format!("& {binary} -- $args")),
        "{powershell}"
    );

    // And every command is offered, in every shell (elvish and PowerShell as the
    // scripts above ask).
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let mut ask = env.command(&["--", "incident", ""]);
        ask.env("COMPLETE", shell)
            .env("_CLAP_COMPLETE_INDEX", "1")
            .env("_CLAP_IFS", "\n");
        let output = ask.output().unwrap();
        assert!(
            output.status.success() && output.stderr.is_empty(),
            "{output:?}"
        );
        let offered = String::from_utf8(output.stdout).unwrap();
        let offered: Vec<&str> = offered
            .lines()
            .map(|line| line.split(['\t', ':']).next().unwrap())
            .collect();
        for subcommand in &subcommands {
            assert!(
                offered.contains(&subcommand.as_str()),
                "{shell} does not offer {subcommand}: {offered:?}"
            );
        }
    }
}

#[test]
#[ignore = "needs zsh and fish; .ci/run installs them"]
fn zsh_and_fish_read_their_completion_scripts() {
    let env = TestEnv::new();
    let (_, zsh) = completion_script(&env, "zsh");
    syntax_check("zsh", "-n", &zsh);
    let (_, fish) = completion_script(&env, "fish");
    syntax_check("fish", "--no-execute", &fish);
}

#[test]
fn the_man_page_and_every_help_end_well() {
    let env = TestEnv::new();
    let man = env.ok(&["man"]);
    assert!(man.contains(".TH incident 1"), "{man}");
    assert!(man.contains("symptom"), "{man}");
    for section in [
        ".SH ENVIRONMENT",
        ".SH EXIT STATUS",
        ".SH FILES",
        ".SH EXAMPLES",
        ".SH TIME",
    ] {
        assert!(man.contains(section), "{section}");
    }
    let page = env.ok(&["man", "symptom"]);
    assert!(page.contains(".TH incident-symptom 1"), "{page}");
    env.fails(&["man", "nothing"], 2);
    let subcommands = visible_subcommands(&env);
    assert!(subcommands.len() >= 20, "{subcommands:?}");
    for subcommand in &subcommands {
        let page = env.ok(&["man", subcommand]);
        assert!(
            page.contains(&format!(".TH incident-{subcommand} 1")),
            "{subcommand}: {page}"
        );
    }
    for subcommand in &subcommands {
        let help = env.ok(&[subcommand, "--help"]);
        let last = help.trim_end().lines().last().unwrap();
        // The help ends with an `Example:` (or `Examples:`) block of commands.
        let block: Vec<&str> = help
            .trim_end()
            .lines()
            .rev()
            .take_while(|line| !line.starts_with("Example"))
            .collect();
        assert!(help.contains("\nExample"), "{subcommand}: {help}");
        assert!(!block.is_empty(), "{subcommand}: {help}");
        for line in block {
            assert!(
                line.starts_with("  ") && line.contains("incident "),
                "{subcommand}: {help}"
            );
        }
        assert!(last.contains("incident "), "{subcommand}: {help}");
    }
}

/// Where a shell, reading `line`, starts a comment: at a `#` that begins a word outside
/// quotes. Everything from there on is never seen by the command.
fn shell_comment(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match (quote, c) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '#') if previous.is_whitespace() => return Some(at),
            _ => {}
        }
        previous = c;
    }
    None
}

/// A help's examples are copied into a shell at 3AM as they stand: none may lose its
/// end to a comment (`--reach +1 555 0100, #dba-oncall --covers database` saved the
/// reach cut at the comma and no covered word at all).
#[test]
fn every_help_example_reaches_the_command_whole_through_a_shell() {
    assert_eq!(shell_comment("incident note 'see #ops'"), None);
    assert_eq!(shell_comment("incident note see #ops"), Some(18));
    let env = TestEnv::new();
    for subcommand in visible_subcommands(&env) {
        let help = env.ok(&[&subcommand, "--help"]);
        let examples = help
            .lines()
            .skip_while(|line| !line.starts_with("Example"))
            .skip(1);
        for example in examples {
            assert_eq!(
                shell_comment(example),
                None,
                "a shell cuts the example of `{subcommand}` at its #: {example}"
            );
        }
    }
}

#[test]
fn warnings_are_yellow_on_a_terminal() {
    let env = TestEnv::new();
    env.open("Yellow");
    let output = env.at_terminal(&["status"]).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let board = String::from_utf8(output.stdout).unwrap();
    assert!(board.contains("\u{1b}[33m! no hypotheses yet"), "{board:?}");
}
