//! The `git` on PATH, run on a bare repository of our own that only ever holds the
//! team's branch as last fetched and the commits built to push onto it. Nothing in it is
//! trusted over the documents: every sync fetches, reads the branch afresh and rebuilds.
//!
//! Plumbing only, so no working tree, index or merge is involved and no git identity is
//! needed: `fetch` into `refs/sync/incidents`, one `cat-file --batch-command` to read the
//! branch, one `fast-import` to build a commit on top of it, and `push`, never forced.
//!
//! git runs with `LC_ALL=C`: what it prints is read (a missing branch, why a push was
//! refused), so it must be the words it prints everywhere.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::signals;

/// The branch on the remote that holds the incidents.
pub const BRANCH: &str = "incidents";
/// The folder on that branch that holds one document per incident.
pub const FOLDER: &str = "incidents";
/// Where the fetched branch is kept in our repository.
const TRACKING: &str = "refs/sync/incidents";
/// Where a commit about to be pushed is built.
const OUTGOING: &str = "refs/sync/outgoing";

/// A git process that has not finished in this long is stuck (a black-holed host, a
/// prompt nobody sees): it is killed and the sync fails, to be retried.
const NETWORK_TIMEOUT: Duration = Duration::from_secs(60);

pub struct Git {
    repo: PathBuf,
    url: String,
    /// No prompts: nobody is there to answer them.
    background: bool,
}

/// One file on the branch, as listed in its tree.
pub struct TreeFile {
    pub name: String,
    /// Git's file mode: `100644` for a regular file; anything else is not a document.
    pub mode: String,
    pub object: String,
}

pub enum Pushed {
    Accepted,
    /// Someone pushed first: fetch, join and try again. Any other refusal is an error,
    /// with the remote's reason: trying again would be refused again.
    Raced,
}

/// Oldest git with `cat-file --batch-command`.
const OLDEST_GIT: (u32, u32) = (2, 36);

impl Git {
    /// Our repository under `repo`, created on first use. Created under a temp name and
    /// renamed into place, so a kill never leaves half a repository behind.
    pub fn open(repo: PathBuf, url: &str, background: bool) -> Result<Git> {
        let git = Git {
            repo,
            url: url.to_string(),
            background,
        };
        if !git.repo.join("HEAD").is_file() {
            let temp = git.repo.with_extension("new");
            let _ = std::fs::remove_dir_all(&temp);
            git.run_plain(
                Command::new("git")
                    .args(["init", "--quiet", "--bare"])
                    .arg(&temp),
                "git init",
            )?;
            let _ = std::fs::remove_dir_all(&git.repo);
            std::fs::rename(&temp, &git.repo).map_err(|source| Error::io(&git.repo, source))?;
        }
        git.clear_stale_locks();
        Ok(git)
    }

    /// A sync killed mid-fetch or mid-push leaves its git running (it is not always in
    /// the sync's process group), still holding or about to take its locks, and a git
    /// killed leaves its lock files. Only one sync runs at a time (the caller holds the
    /// sync lock), so a git recorded as running is a leftover, stopped now, and any lock
    /// file found is stale.
    fn clear_stale_locks(&self) {
        super::leftover::stop(&self.repo);
        super::leftover::remove_locks(&self.repo);
    }

    fn command(&self) -> Command {
        let mut command = Command::new("git");
        // Whatever repository the user's shell points git at, ours is the one.
        for variable in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_COMMON_DIR",
            "GIT_NAMESPACE",
            "GIT_QUARANTINE_PATH",
        ] {
            command.env_remove(variable);
        }
        command.env("LC_ALL", "C").env_remove("LANGUAGE");
        if self.background {
            command.env("GIT_TERMINAL_PROMPT", "0");
            command.env("GIT_ASKPASS", "true");
            command.env("SSH_ASKPASS", "true");
        }
        command
            .arg("--git-dir")
            .arg(&self.repo)
            // The user's hooks are for their own repositories, not ours; a gc is run in
            // the foreground so a kill cannot leave it running detached.
            .args([
                "-c",
                "core.hooksPath=/dev/null",
                "-c",
                "gc.autoDetach=false",
            ]);
        command
    }

    /// Fetches the team's branch, and only it (not `incidents-old` beside it). A remote
    /// that has no branch (an empty repository, or one replaced by an empty one) is no
    /// error: then the tracking ref is dropped.
    pub fn fetch(&self) -> Result<()> {
        let mut command = self.command();
        command
            .args(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head"])
            .arg("--")
            .arg(&self.url)
            .arg(format!("+refs/heads/{BRANCH}:{TRACKING}"));
        match self.run_network(command, "fetch") {
            Ok(_) => Ok(()),
            Err(failed) if failed.stderr.contains("couldn't find remote ref") => {
                let mut command = self.command();
                command.args(["update-ref", "-d", TRACKING]);
                run(command, None, "git update-ref").map(drop)
            }
            Err(failed) => Err(failed.into()),
        }
    }

    /// Why the branch could not be read: a git too old for `cat-file --batch-command`
    /// is named, with the version sharing needs.
    fn unreadable(&self, error: Error) -> Error {
        let mut command = Command::new("git");
        command.arg("version").env("LC_ALL", "C");
        let Ok(printed) = run(command, None, "git version") else {
            return error;
        };
        let version = printed.split_whitespace().nth(2).unwrap_or_default();
        let mut numbers = version.split('.').map(|part| part.parse::<u32>().ok());
        let found = (numbers.next().flatten(), numbers.next().flatten());
        match found {
            (Some(major), Some(minor)) if (major, minor) < OLDEST_GIT => Error::Sync {
                reason: format!(
                    "sharing needs git {}.{} or later (for `cat-file --batch-command`); the \
                     git on PATH is {version}",
                    OLDEST_GIT.0, OLDEST_GIT.1
                ),
            },
            _ => error,
        }
    }

    /// The fetched branch's tip as the fetch wrote it, read from its ref's own file, with
    /// no git started: `None` when it is not there that way (packed, or no branch), and
    /// then `read_tip` says.
    pub fn tip_as_written(&self) -> Option<String> {
        let bytes = std::fs::read(self.repo.join(TRACKING)).ok()?;
        let tip = std::str::from_utf8(&bytes).ok()?.trim();
        ((40..=64).contains(&tip.len()) && tip.bytes().all(|byte| byte.is_ascii_hexdigit()))
            .then(|| tip.to_string())
    }

    /// Starts reading our repository: the fetched branch's tip, if the branch exists.
    pub fn read_tip(&self) -> Result<(Option<String>, Reader)> {
        let mut reader = Reader::start(self.command())?;
        let tip = reader
            .info(TRACKING)
            .map_err(|error| self.unreadable(error))?
            .map(|(tip, _)| tip);
        Ok((tip, reader))
    }

    /// The files of the incidents folder at `commit`, each with its blob id (as
    /// `git ls-tree` lists them).
    pub fn files(reader: &mut Reader, commit: &str) -> Result<Vec<TreeFile>> {
        Ok(match reader.info(&format!("{commit}:{FOLDER}"))? {
            Some((tree, kind)) if kind == "tree" => parse_tree(&reader.contents(&tree)?),
            _ => Vec::new(),
        })
    }

    /// The file `name` at the top of `commit`'s tree (beside the incidents folder), as
    /// its tree lists it.
    pub fn root_file(reader: &mut Reader, commit: &str, name: &str) -> Result<Option<TreeFile>> {
        Ok(match reader.info(&format!("{commit}^{{tree}}"))? {
            Some((tree, kind)) if kind == "tree" => parse_tree(&reader.contents(&tree)?)
                .into_iter()
                .find(|file| file.name == name),
            _ => None,
        })
    }

    /// A reader of our repository as it is now (after a commit was built in it).
    pub fn reader(&self) -> Result<Reader> {
        Reader::start(self.command())
    }

    /// Builds a commit on `parent` (the fetched tip) that replaces or adds these files,
    /// each named by its path on the branch (`incidents/<id>.json`), leaving every other
    /// file as it was. It is dated `now`, the
    /// clock the entries are recorded by.
    pub fn commit(
        &self,
        parent: Option<&str>,
        files: &[(String, Vec<u8>)],
        author: &str,
        message: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<String> {
        let seconds = now.timestamp();
        // No email: git needs none, and the tool knows only the responder's name.
        let author: String = author.chars().filter(|c| !"<>\n".contains(*c)).collect();
        let mut stream = b"feature done\n".to_vec();
        if parent.is_none() {
            // A first commit: on nothing, not on whatever the ref held before.
            stream.extend_from_slice(format!("reset {OUTGOING}\n").as_bytes());
        }
        stream.extend_from_slice(format!("commit {OUTGOING}\nmark :1\n").as_bytes());
        stream.extend_from_slice(format!("committer {author} <> {seconds} +0000\n").as_bytes());
        data(&mut stream, message.as_bytes());
        if let Some(parent) = parent {
            stream.extend_from_slice(format!("from {parent}\n").as_bytes());
        }
        for (name, bytes) in files {
            stream.extend_from_slice(format!("M 100644 inline {name}\n").as_bytes());
            data(&mut stream, bytes);
        }
        // The commit's id comes back on stdout: read from the ref, it could be one a
        // fast-import orphaned by a killed sync wrote a moment later.
        stream.extend_from_slice(b"get-mark :1\ndone\n");
        let mut command = self.command();
        // `--force`: the outgoing ref is ours alone, rebuilt on each attempt.
        command.args(["fast-import", "--quiet", "--force"]);
        let printed = run(command, Some(&stream), "git fast-import")?;
        let commit = printed.trim();
        if commit.len() < 40 || !commit.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Err(Error::Sync {
                reason: "git fast-import made no commit".into(),
            });
        }
        Ok(commit.to_string())
    }

    /// Pushes `commit` as the team's branch, never forced: if someone pushed first, the
    /// push is rejected and the caller joins their work and tries again. Any other
    /// refusal (a protected branch, a hook, a full disk, a checked-out branch) fails now
    /// with the remote's reason.
    pub fn push(&self, commit: &str) -> Result<Pushed> {
        let mut command = self.command();
        command
            .args(["push", "--porcelain", "--no-verify"])
            .arg("--")
            .arg(&self.url)
            .arg(format!("{commit}:refs/heads/{BRANCH}"));
        match self.run_network(command, "push") {
            Ok(_) => Ok(Pushed::Accepted),
            Err(failed) => {
                // `!` marks a ref that was not updated, with git's status of it.
                let Some(status) = failed
                    .stdout
                    .lines()
                    .find(|line| line.starts_with('!'))
                    .map(|line| line.rsplit('\t').next().unwrap_or(line).trim())
                else {
                    return Err(failed.into());
                };
                if lost_race(status, &failed.stderr) {
                    Ok(Pushed::Raced)
                } else {
                    Err(Error::Sync {
                        reason: refusal(status, &failed.stderr),
                    })
                }
            }
        }
    }

    /// Runs a git that talks to the remote. Its output goes to files in our repository,
    /// not pipes: a git killed for hanging may leave an `ssh` behind holding its pipes
    /// open, and the sync must not wait on that. In the background git gets a process
    /// group of its own, so that a hang is stopped with everything it started.
    fn run_network(&self, mut command: Command, what: &str) -> Result<String, Failed> {
        let what = format!("git {what}");
        let failed = |message: String| Failed {
            stdout: String::new(),
            stderr: String::new(),
            message,
        };
        let open = |name: &str| {
            File::create(self.repo.join(name))
                .map_err(|error| failed(format!("could not run {what}: {error}")))
        };
        command
            .stdin(Stdio::null())
            .stdout(open("incident-git.out")?)
            .stderr(open("incident-git.err")?);
        if self.background {
            command.process_group(0);
        }
        let mut child = command
            .spawn()
            .map_err(|error| spawn_failed(&what, &error))?;
        super::leftover::record(&self.repo, child.id(), self.background);
        let stop = kill_after(&child, NETWORK_TIMEOUT, self.background);
        let status = child.wait();
        let _ = stop.send(());
        super::leftover::forget(&self.repo);
        let status = status.map_err(|error| failed(format!("{what} failed: {error}")))?;
        let read = |name: &str| {
            let bytes = std::fs::read(self.repo.join(name)).unwrap_or_default();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        let stdout = read("incident-git.out");
        if status.success() {
            return Ok(stdout);
        }
        let stderr = read("incident-git.err");
        Err(Failed {
            stdout,
            message: format!("{what}: {}", reason(&stderr, status)),
            stderr,
        })
    }

    fn run_plain(&self, command: &mut Command, what: &str) -> Result<()> {
        let mut owned = std::mem::replace(command, Command::new("git"));
        owned.env_remove("GIT_DIR");
        run(owned, None, what).map(drop)
    }
}

/// Appends a fast-import `data` block.
fn data(stream: &mut Vec<u8>, bytes: &[u8]) {
    stream.extend_from_slice(format!("data {}\n", bytes.len()).as_bytes());
    stream.extend_from_slice(bytes);
    stream.push(b'\n');
}

/// A git command that failed: what it printed, and a one-line reason.
pub struct Failed {
    stdout: String,
    stderr: String,
    message: String,
}

/// Whether a push's status (`[rejected] (fetch first)`) says another machine pushed
/// first: the one refusal that fetching, joining and pushing again cures. A remote that
/// took a concurrent push a moment earlier may say it lost the ref's lock instead.
fn lost_race(status: &str, stderr: &str) -> bool {
    if status.starts_with("[rejected]") {
        return status.contains("(fetch first)") || status.contains("(non-fast-forward)");
    }
    if status.starts_with("[remote rejected]")
        && (status.contains("failed to update ref") || status.contains("cannot lock ref"))
    {
        return stderr.lines().any(|line| {
            line.contains("cannot lock ref")
                && (line.contains("but expected") || line.contains("File exists"))
        });
    }
    status.contains("incorrect old value provided")
}

/// A refused push in one line: git's status of it and what the remote said, as a hook
/// or a hosting service says why (`remote: …` lines).
fn refusal(status: &str, stderr: &str) -> String {
    let why = status
        .split_once('(')
        .map_or(status, |(_, why)| why.trim_end_matches(')'));
    let said: Vec<String> = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("remote:"))
        // git clears the rest of each sideband line with an escape.
        .map(|line| line.replace("\u{1b}[K", "").trim().to_string())
        .filter(|line| !line.is_empty())
        .collect();
    let mut reason = format!("git push: the remote refused it ({why})");
    if !said.is_empty() {
        reason.push_str(": ");
        reason.push_str(&said.join(" / "));
    }
    if reason.len() > 600 {
        let mut cut = 600;
        while !reason.is_char_boundary(cut) {
            cut -= 1;
        }
        reason.truncate(cut);
        reason.push('…');
    }
    reason
}

impl From<Failed> for Error {
    fn from(failed: Failed) -> Error {
        Error::Sync {
            reason: failed.message,
        }
    }
}

fn run(command: Command, input: Option<&[u8]>, what: &str) -> Result<String> {
    run_capturing(command, input, what).map_err(Error::from)
}

/// Runs git to the end, feeding `input`, and returns its stdout; a failure carries git's
/// last line of stderr, which says why (unreachable, refused, not a repository).
fn run_capturing(mut command: Command, input: Option<&[u8]>, what: &str) -> Result<String, Failed> {
    let failed = |message: String| Failed {
        stdout: String::new(),
        stderr: String::new(),
        message,
    };
    command
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .map_err(|error| spawn_failed(what, &error))?;
    let writer = input.map(|bytes| {
        let mut stdin = child.stdin.take().expect("stdin was piped");
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        })
    });
    let output = child.wait_with_output();
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    let output = output.map_err(|error| failed(format!("{what} failed: {error}")))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        return Ok(stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    Err(Failed {
        stdout,
        message: format!("{what}: {}", reason(&stderr, output.status)),
        stderr,
    })
}

fn spawn_failed(what: &str, error: &std::io::Error) -> Failed {
    Failed {
        stdout: String::new(),
        stderr: String::new(),
        message: if error.kind() == std::io::ErrorKind::NotFound {
            "git is not installed (or not on PATH); sharing needs it".to_string()
        } else {
            format!("could not run {what}: {error}")
        },
    }
}

/// Why git failed, from what it printed: its `fatal:` or `error:` line, else its last.
fn reason(stderr: &str, status: std::process::ExitStatus) -> String {
    stderr
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("hint:"))
        .find(|line| line.starts_with("fatal:") || line.starts_with("error:"))
        .or_else(|| stderr.lines().map(str::trim).rfind(|line| !line.is_empty()))
        .map(|line| {
            line.trim_start_matches("fatal: ")
                .trim_start_matches("error: ")
                .to_string()
        })
        .unwrap_or_else(|| match status.code() {
            Some(code) => format!("exit status {code}"),
            None => "stopped: it hung, or was killed".to_string(),
        })
}

/// Kills the child if it is still running after `limit`; sending on the returned channel
/// (or dropping it) calls that off.
fn kill_after(child: &Child, limit: Duration, group: bool) -> mpsc::Sender<()> {
    let (stop, stopped) = mpsc::channel::<()>();
    let process = child.id();
    std::thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(limit) {
            // A child we spawned; the caller calls this off as soon as its wait returns.
            if group {
                signals::kill_group(process);
            } else {
                signals::kill_process(process);
            }
        }
    });
    stop
}

/// Git's tree format: `<mode> <name>\0<20-byte id>`, repeated.
fn parse_tree(bytes: &[u8]) -> Vec<TreeFile> {
    let mut files = Vec::new();
    let mut rest = bytes;
    while let Some(space) = rest.iter().position(|byte| *byte == b' ') {
        let mode = String::from_utf8_lossy(&rest[..space]).into_owned();
        rest = &rest[space + 1..];
        let Some(nul) = rest.iter().position(|byte| *byte == 0) else {
            break;
        };
        let name = String::from_utf8_lossy(&rest[..nul]).into_owned();
        rest = &rest[nul + 1..];
        if rest.len() < 20 {
            break;
        }
        let object: String = rest[..20]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        rest = &rest[20..];
        files.push(TreeFile { name, mode, object });
    }
    files
}

/// One `git cat-file --batch-command` process, asked for object after object.
pub struct Reader {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Reader {
    fn start(mut command: Command) -> Result<Reader> {
        command
            .args(["cat-file", "--batch-command"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = command.spawn().map_err(|error| Error::Sync {
            reason: if error.kind() == std::io::ErrorKind::NotFound {
                "git is not installed (or not on PATH); sharing needs it".to_string()
            } else {
                format!("could not run git cat-file: {error}")
            },
        })?;
        let input = child.stdin.take().expect("stdin was piped");
        let output = BufReader::new(child.stdout.take().expect("stdout was piped"));
        Ok(Reader {
            child,
            input,
            output,
        })
    }

    fn broken(error: std::io::Error) -> Error {
        Error::Sync {
            reason: format!("git cat-file failed: {error}"),
        }
    }

    fn ask(&mut self, request: &str) -> Result<String> {
        writeln!(self.input, "{request}").map_err(Reader::broken)?;
        self.input.flush().map_err(Reader::broken)?;
        let mut line = String::new();
        self.output.read_line(&mut line).map_err(Reader::broken)?;
        if line.is_empty() {
            return Err(Reader::broken(std::io::ErrorKind::UnexpectedEof.into()));
        }
        Ok(line.trim_end().to_string())
    }

    /// The object a name resolves to, with its type, or `None` when it does not exist.
    pub fn info(&mut self, name: &str) -> Result<Option<(String, String)>> {
        let line = self.ask(&format!("info {name}"))?;
        Ok(Reader::header(&line).map(|(object, kind, _)| (object, kind)))
    }

    /// The size in bytes of an object, or `None` when it does not exist.
    pub fn size(&mut self, object: &str) -> Result<Option<u64>> {
        let line = self.ask(&format!("info {object}"))?;
        Ok(Reader::header(&line).map(|(_, _, size)| size))
    }

    pub fn contents(&mut self, object: &str) -> Result<Vec<u8>> {
        let line = self.ask(&format!("contents {object}"))?;
        let Some((_, _, size)) = Reader::header(&line) else {
            return Err(Error::Sync {
                reason: format!("git lost object {object}"),
            });
        };
        let size = usize::try_from(size).map_err(|_| Error::Sync {
            reason: format!("object {object} is too large"),
        })?;
        let mut bytes = vec![0; size + 1];
        self.output.read_exact(&mut bytes).map_err(Reader::broken)?;
        bytes.pop(); // the newline after the contents
        Ok(bytes)
    }

    /// `<object> <type> <size>`, or `None` for `<name> missing` and the like.
    fn header(line: &str) -> Option<(String, String, u64)> {
        let mut parts = line.split(' ');
        let (object, kind, size) = (parts.next()?, parts.next()?, parts.next()?);
        Some((object.to_string(), kind.to_string(), size.parse().ok()?))
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
