//! Tab completion, asked of the real binary the way each shell's registration script asks
//! it (`COMPLETE=SHELL incident -- WORDS…`): commands, options, incident ids, and labels
//! of the right kind from the incident the line names.

use std::path::Path;

use crate::env::TestEnv;

/// Two incidents: Checkout, with a retracted hypothesis, and Payments, the current one.
fn two_incidents() -> TestEnv {
    let env = TestEnv::new();
    env.open("Checkout returns 502s");
    env.quiet(&["symptom", "5% of POST /checkout return 502"]);
    env.quiet(&["hypothesis", "bad deploy of payments-api"]);
    env.quiet(&["hypothesis", "DB pool exhausted"]);
    env.quiet(&["hypothesis", "DNS flapping"]);
    env.quiet(&["retract", "H2", "--why", "duplicate of H1"]);
    env.quiet(&["test", "roll back the canary", "--for", "H1"]);
    env.quiet(&["option", "roll back the config"]);
    env.open("Payments slow");
    env.quiet(&["hypothesis", "card network latency"]);
    env
}

const CHECKOUT: &str = "2026-11-21-checkout-returns-502s";
const PAYMENTS: &str = "2026-11-21-payments-slow";

#[derive(Clone, Copy, Debug)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

const SHELLS: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

/// The candidates `shell` gets for `line`, whose last word is the one under the cursor
/// (`""` for a new word), asked as that shell's registration script asks.
#[track_caller]
fn complete_in(env: &TestEnv, shell: Shell, line: &[&str]) -> Vec<String> {
    complete_with(env, shell, line, &[])
}

#[track_caller]
fn complete_with(env: &TestEnv, shell: Shell, line: &[&str], vars: &[(&str, &str)]) -> Vec<String> {
    let mut args = vec!["--"];
    args.extend(line);
    let mut process = env.process(&args);
    process.envs(vars.iter().copied());
    let cursor = (line.len() - 1).to_string();
    // Each shell's protocol, as clap_complete's env/shells.rs defines it.
    let separator = match shell {
        Shell::Bash => {
            process
                .env("COMPLETE", "bash")
                .env("_CLAP_COMPLETE_INDEX", &cursor)
                .env("_CLAP_COMPLETE_COMP_TYPE", "9")
                .env("_CLAP_COMPLETE_SPACE", "false")
                .env("_CLAP_IFS", "\u{b}");
            '\u{b}'
        }
        Shell::Zsh => {
            process
                .env("COMPLETE", "zsh")
                .env("_CLAP_COMPLETE_INDEX", &cursor)
                .env("_CLAP_IFS", "\n");
            '\n'
        }
        Shell::Fish => {
            process.env("COMPLETE", "fish");
            '\n'
        }
    };
    let output = process.output().expect("the binary runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 candidates");
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "{shell:?} completing {line:?}: {output:?}",
        output = output.status,
    );
    stdout
        .split(separator)
        .filter(|candidate| !candidate.is_empty())
        // zsh's `value:help`, fish's `value<Tab>help`.
        .map(|candidate| match shell {
            Shell::Bash => candidate.to_string(),
            Shell::Zsh => candidate.split(':').next().unwrap_or_default().to_string(),
            Shell::Fish => candidate.split('\t').next().unwrap_or_default().to_string(),
        })
        .collect()
}

/// The candidates that are no option: ids, labels, commands.
#[track_caller]
fn values(env: &TestEnv, shell: Shell, line: &[&str]) -> Vec<String> {
    complete_in(env, shell, line)
        .into_iter()
        .filter(|candidate| !candidate.starts_with('-'))
        .collect()
}

#[test]
fn a_test_is_offered_only_the_hypotheses_still_standing() {
    let env = two_incidents();
    for shell in SHELLS {
        let standing = ["H1", "H3"];
        assert_eq!(
            values(
                &env,
                shell,
                &["incident", "-i", CHECKOUT, "test", "x", "--for", "H"]
            ),
            standing,
            "{shell:?}: the retracted H2 is not offered"
        );
        assert_eq!(
            values(
                &env,
                shell,
                &["incident", "-i", "checkout", "test", "x", "--for", ""]
            ),
            standing,
            "{shell:?}"
        );
        assert_eq!(
            values(
                &env,
                shell,
                &["incident", "-i", "checkout", "t", "x", "--for", "h"]
            ),
            standing,
            "{shell:?}: an alias, and labels in lower case"
        );
        assert_eq!(
            values(&env, shell, &["incident", "test", "x", "--for", ""]),
            ["H1"],
            "{shell:?}: the current incident's own hypotheses"
        );
    }
    // A ruled-out hypothesis no longer stands either.
    env.quiet(&[
        "-i",
        "checkout",
        "result",
        "T1",
        "502s continue",
        "--rules-out",
    ]);
    for shell in SHELLS {
        assert_eq!(
            values(
                &env,
                shell,
                &["incident", "-i", "checkout", "close", "--root-cause", ""]
            ),
            ["H3"],
            "{shell:?}"
        );
    }
}

#[test]
fn each_place_offers_labels_of_its_own_kind() {
    let env = two_incidents();
    fn checkout<'a>(rest: &[&'a str]) -> Vec<&'a str> {
        let mut line = vec!["incident", "-i", "checkout"];
        line.extend(rest);
        line
    }
    for shell in SHELLS {
        let offered = |rest: &[&str]| values(&env, shell, &checkout(rest));
        assert_eq!(offered(&["result", ""]), ["T1"], "{shell:?}");
        assert_eq!(offered(&["resu", ""]), ["T1"], "{shell:?}: a prefix");
        assert_eq!(
            offered(&["hypothesis", "x", "--explains", ""]),
            ["S1"],
            "{shell:?}"
        );
        assert_eq!(offered(&["decide", ""]), ["O1"], "{shell:?}");
        assert_eq!(
            offered(&["result", "T1", "ok", "--confirms", ""]),
            ["H1", "H3"],
            "{shell:?}"
        );
        assert_eq!(
            offered(&["result", "T1", "ok", "--rules-out", "H"]),
            ["H1", "H3"],
            "{shell:?}"
        );
        assert_eq!(
            offered(&["amend", ""]),
            ["S1", "H1", "H3", "T1", "O1"],
            "{shell:?}: not the retracted H2, nor the retraction"
        );
        assert_eq!(
            offered(&["retract", ""]),
            ["S1", "H1", "H3", "E1", "T1", "O1"],
            "{shell:?}: a retraction can be taken back too"
        );
        assert_eq!(
            values(&env, shell, &["incident", "use", ""]),
            [CHECKOUT, PAYMENTS],
            "{shell:?}"
        );
        assert_eq!(
            values(&env, shell, &["incident", "use", "pay"]),
            [PAYMENTS],
            "{shell:?}"
        );
    }
    // zsh and fish keep `--rules-out=H` whole; bash splits it at the `=`.
    for shell in [Shell::Zsh, Shell::Fish] {
        assert_eq!(
            complete_in(&env, shell, &checkout(&["result", "T1", "--rules-out=H"])),
            ["--rules-out=H1", "--rules-out=H3"]
        );
    }
    assert_eq!(
        values(
            &env,
            Shell::Bash,
            &checkout(&["result", "T1", "--rules-out", "=", "H"])
        ),
        ["H1", "H3"]
    );
    assert_eq!(
        values(
            &env,
            Shell::Bash,
            &checkout(&["result", "T1", "--rules-out", "=", "H1,H"])
        ),
        ["H1,H1", "H1,H3"]
    );
}

#[test]
fn labels_come_from_the_incident_the_line_names() {
    let env = two_incidents();
    let hypotheses = |shell, line: &[&str], vars: &[(&str, &str)]| -> Vec<String> {
        complete_with(&env, shell, line, vars)
            .into_iter()
            .filter(|candidate| !candidate.starts_with('-'))
            .collect()
    };
    for shell in SHELLS {
        let for_h = ["incident", "test", "x", "--for", ""];
        assert_eq!(
            hypotheses(shell, &for_h, &[]),
            ["H1"],
            "{shell:?}: the current one"
        );
        assert_eq!(
            hypotheses(shell, &for_h, &[("INCIDENT", "checkout")]),
            ["H1", "H3"],
            "{shell:?}: INCIDENT"
        );
        assert_eq!(
            hypotheses(
                shell,
                &["incident", "-i=checkout", "test", "x", "--for", ""],
                &[]
            ),
            ["H1", "H3"],
            "{shell:?}: -i=REF"
        );
        assert_eq!(
            hypotheses(
                shell,
                &[
                    "incident",
                    "test",
                    "x",
                    "--incident",
                    "checkout",
                    "--for",
                    ""
                ],
                &[("INCIDENT", "payments")]
            ),
            ["H1", "H3"],
            "{shell:?}: --incident after the text, over INCIDENT"
        );
        assert_eq!(
            hypotheses(
                shell,
                &[
                    "incident", "-i", "checkout", "test", "ran", "grep", "-i", "pay", "logs",
                    "--for", ""
                ],
                &[]
            ),
            ["H1", "H3"],
            "{shell:?}: an -i inside the text is text"
        );
        assert_eq!(
            hypotheses(
                shell,
                &[
                    "incident", "-q", "--json", "-i", "checkout", "test", "-15%", "--for", ""
                ],
                &[]
            ),
            ["H1", "H3"],
            "{shell:?}: global flags and free text"
        );
        assert_eq!(
            hypotheses(
                shell,
                &["incident", "-i", "nothing-like-it", "test", "--for", ""],
                &[]
            ),
            Vec::<String>::new(),
            "{shell:?}: no such incident, no labels and no error"
        );
    }

    // Another data directory, named on the line or in the environment.
    let elsewhere = env.home().join("elsewhere");
    let elsewhere_text = elsewhere.to_str().unwrap();
    let mut other = env.command(&["open", "Elsewhere"]);
    other.env("INCIDENT_DIR", &elsewhere);
    other.assert().success();
    let mut other = env.command(&["hypothesis", "one", "-q"]);
    other.env("INCIDENT_DIR", &elsewhere);
    other.assert().success();
    let mut other = env.command(&["hypothesis", "two", "-q"]);
    other.env("INCIDENT_DIR", &elsewhere);
    other.assert().success();
    for shell in SHELLS {
        assert_eq!(
            hypotheses(
                shell,
                &[
                    "incident",
                    "--dir",
                    elsewhere_text,
                    "test",
                    "x",
                    "--for",
                    ""
                ],
                &[]
            ),
            ["H1", "H2"],
            "{shell:?}: --dir"
        );
        assert_eq!(
            hypotheses(
                shell,
                &["incident", "test", "x", "--for", ""],
                &[("INCIDENT_DIR", elsewhere_text)]
            ),
            ["H1", "H2"],
            "{shell:?}: INCIDENT_DIR"
        );
    }
    let dir_option = format!("--dir={elsewhere_text}");
    for shell in [Shell::Zsh, Shell::Fish] {
        assert_eq!(
            hypotheses(shell, &["incident", &dir_option, "test", "--for", ""], &[]),
            ["H1", "H2"],
            "{shell:?}: --dir=DIR"
        );
    }
    assert_eq!(
        hypotheses(
            Shell::Bash,
            &[
                "incident",
                "--dir",
                "=",
                elsewhere_text,
                "test",
                "--for",
                ""
            ],
            &[]
        ),
        ["H1", "H2"],
        "bash: --dir=DIR, split at the `=`"
    );
}

#[test]
fn commands_and_options_complete_as_clap_reads_them() {
    let env = two_incidents();
    for shell in SHELLS {
        let commands = values(&env, shell, &["incident", ""]);
        for name in [
            "open",
            "symptom",
            "hypothesis",
            "test",
            "result",
            "use",
            "status",
        ] {
            assert!(
                commands.iter().any(|c| c == name),
                "{shell:?}: {commands:?}"
            );
        }
        for alias in ["s", "h", "st", "ls", "board"] {
            assert!(
                !commands.iter().any(|c| c == alias),
                "{shell:?}: commands are offered by name, not {alias}: {commands:?}"
            );
        }
        assert_eq!(values(&env, shell, &["incident", "hyp"]), ["hypothesis"]);
        assert_eq!(
            values(&env, shell, &["incident", "s"]),
            [
                "symptom",
                "summary",
                "status",
                "show",
                "severity",
                "stage",
                "situation",
                "sync",
                "search",
                "stats",
                "synonyms",
                "shell"
            ],
            "{shell:?}"
        );
        assert_eq!(
            values(&env, shell, &["incident", "bo"]),
            ["board"],
            "{shell:?}: an alias, once typed"
        );
        assert_eq!(
            complete_in(&env, shell, &["incident", "test", "x", "--f"]),
            ["--for", "--from"],
            "{shell:?}"
        );
        assert_eq!(
            complete_in(&env, shell, &["incident", "--col"]),
            ["--color"],
            "{shell:?}"
        );
        assert_eq!(
            values(&env, shell, &["incident", "--color", ""]),
            ["auto", "always", "never"],
            "{shell:?}"
        );
    }
}

/// Every file under `dir`, with its size and modification time.
fn snapshot(dir: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for item in std::fs::read_dir(&folder).unwrap() {
            let item = item.unwrap();
            let meta = item.metadata().unwrap();
            if meta.is_dir() {
                folders.push(item.path());
            }
            files.push((
                item.path().display().to_string(),
                meta.len(),
                meta.modified().unwrap(),
            ));
        }
    }
    files.sort();
    files
}

#[test]
fn a_completion_writes_nothing_and_never_prints_an_error() {
    let env = two_incidents();
    // A damaged document among the good ones.
    std::fs::write(env.document_path("2026-11-21-damaged"), "{ not json").unwrap();
    let before = snapshot(&env.data_dir());
    for shell in SHELLS {
        for line in [
            &["incident", "-i", "damaged", "test", "--for", ""][..],
            &["incident", "-i", "2026", "test", "--for", ""],
            &["incident", "use", ""],
            &["incident", "--dir", "/nonexistent/nowhere", "result", ""],
            &["incident", "--at", "--for", "--", "-i", ""],
            &["incident", "note", "--bogus", "-x", "--for", ""],
            &["incident", "open", "--id", ""],
            &["incident", "report", "-o", ""],
        ] {
            // complete_in asserts exit 0 and an empty stderr.
            complete_in(&env, shell, line);
        }
    }
    assert_eq!(
        snapshot(&env.data_dir()),
        before,
        "a completion wrote a file"
    );

    // A `COMPLETE` that names no shell is no request for completion.
    let mut list = env.command(&["list", "-q"]);
    list.env("COMPLETE", "1");
    list.assert()
        .success()
        .stdout(format!("{PAYMENTS}\n{CHECKOUT}\n"));
}

/// fish completes a real command line non-interactively: `complete -C LINE`.
#[test]
#[ignore = "needs fish; .ci/run installs it"]
fn fish_completes_a_command_line_through_the_script() {
    let env = two_incidents();
    let script = env.home().join("incident.fish");
    std::fs::write(&script, env.ok(&["completions", "fish"])).unwrap();
    let complete = |line: &str| -> Vec<String> {
        let output = std::process::Command::new(crate::env::require_tool("fish"))
            .env_clear()
            .envs(env.vars())
            .env("HOME", env.home())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .arg("--no-config")
            .arg("-c")
            .arg(format!(
                "source {}; complete --do-complete '{line}'",
                script.display()
            ))
            .output()
            .unwrap();
        assert!(
            output.status.success() && output.stderr.is_empty(),
            "{output:?}"
        );
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|line| line.split('\t').next().unwrap().to_string())
            .filter(|candidate| !candidate.starts_with('-'))
            .collect()
    };
    assert_eq!(complete("incident -i checkout test x --for "), ["H1", "H3"]);
    assert_eq!(complete("incident -i checkout result "), ["T1"]);
    assert_eq!(complete("incident us"), ["use"]);
    assert_eq!(complete("incident use "), [CHECKOUT, PAYMENTS]);
}

/// The function that `incident completions bash` printed before completion was computed
/// by the binary, still in users' dotfiles: it asks the hidden `incident __complete WHAT`
/// for ids and labels. (Its fallback, clap's static `_incident`, is left out here.)
const LEGACY_BASH: &str = r#"
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
}
"#;

#[test]
fn the_bash_script_of_earlier_versions_still_completes_ids_and_labels() {
    let env = two_incidents();
    // As bash calls the registered function: the words, the cursor in the last one.
    let complete = |words: &str| -> String {
        let program = format!(
            "{LEGACY_BASH}\nincident() {{ \"$BIN\" \"$@\"; }}\n\
             COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _incident_with_labels; echo \"${{COMPREPLY[*]}}\""
        );
        let output = env.shell(&program).output().unwrap();
        assert!(
            output.status.success() && output.stderr.is_empty(),
            "{words}: {output:?}"
        );
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    };
    assert_eq!(
        complete("incident -i checkout test x --for ''"),
        "H1 H3",
        "the retracted H2 is not offered"
    );
    assert_eq!(
        complete("incident test x --for ''"),
        "H1",
        "the current one"
    );
    assert_eq!(complete("incident --incident=checkout result ''"), "T1");
    assert_eq!(
        complete("incident -i checkout result T1 ok --confirms H"),
        "H1 H3"
    );
    assert_eq!(
        complete("incident -i checkout hypothesis x --explains ''"),
        "S1"
    );
    assert_eq!(complete("incident -i checkout decide ''"), "O1");
    assert_eq!(
        complete("incident -i checkout amend ''"),
        "S1 H1 H3 T1 O1",
        "what can still be amended"
    );
    assert_eq!(
        complete("incident use ''"),
        format!("{CHECKOUT} {PAYMENTS}")
    );
    assert_eq!(complete("incident use 2026-11-21-p"), PAYMENTS);
    assert_eq!(complete("incident -i nothing-like-it test --for ''"), "");

    // Asked directly, as the script asks: one a line, and never an error, whatever the
    // line names.
    assert_eq!(
        env.ok(&["-i", "checkout", "__complete", "hypotheses"]),
        "H1\nH3\n"
    );
    for args in [
        &["-i", "nothing-like-it", "__complete", "hypotheses"][..],
        &["-i", "2026", "__complete", "tests"],
        &["--dir", "/nonexistent/nowhere", "__complete", "ids"],
    ] {
        let out = env.run(args);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (0, "", ""),
            "{args:?}"
        );
    }
}
