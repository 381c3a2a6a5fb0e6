//! A hostile or broken data directory: FIFOs and devices where files should be, aliases
//! of the data directory, saves that could not be read back, temp files left by kills, a
//! damaged current pointer, and a lock held by someone else. None of it may hang a
//! command, eat memory, lie, or cost the user an entry. (A forged list cache is
//! incident-core's test, in `store/cache.rs`, which knows its format; a forged search
//! index is `history.rs`'s.)

use std::ffi::CString;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use crate::env::TestEnv;

/// Long enough for any honest command on a loaded machine; a hang ends here.
const PATIENCE: Duration = Duration::from_secs(20);

#[track_caller]
fn mkfifo(path: &Path) {
    let name = CString::new(path.as_os_str().as_bytes()).expect("no NUL in a temp path");
    // SAFETY: a NUL-terminated path that outlives the call.
    let made = unsafe { libc::mkfifo(name.as_ptr(), 0o600) };
    assert_eq!(made, 0, "mkfifo {}", path.display());
}

/// Runs a command with a timeout: it must end, whatever it finds.
#[track_caller]
fn run_bounded(env: &TestEnv, args: &[&str]) -> (i32, String, String) {
    let out = env
        .command(args)
        .timeout(PATIENCE)
        .output()
        .unwrap_or_else(|error| panic!("`incident {}` did not end: {error}", args.join(" ")));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The command must fail with one error line naming `file`, and end.
#[track_caller]
fn refuses_naming(env: &TestEnv, args: &[&str], file: &Path) -> String {
    let (code, stdout, stderr) = run_bounded(env, args);
    assert_eq!(code, 1, "`incident {}`: {stderr}", args.join(" "));
    assert_eq!(stdout, "");
    let first = stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("error: "), "{stderr}");
    assert!(
        first.contains(&file.display().to_string()),
        "the error does not name {}: {stderr}",
        file.display()
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn is_fifo(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|metadata| metadata.file_type().is_fifo())
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|metadata| metadata.file_type().is_symlink())
}

#[test]
fn a_fifo_or_dev_zero_as_current_is_refused_at_once_and_left_alone() {
    let env = TestEnv::new();
    env.open("db down");
    let current = env.data_dir().join("current");
    fs::remove_file(&current).unwrap();
    mkfifo(&current);
    let stderr = refuses_naming(&env, &["status"], &current);
    assert!(stderr.contains("FIFO"), "{stderr}");
    assert!(is_fifo(&current), "the FIFO was replaced");

    fs::remove_file(&current).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &current).unwrap();
    refuses_naming(&env, &["status"], &current);
    assert!(is_symlink(&current), "the link was replaced");
}

#[test]
fn a_fifo_or_dev_zero_as_a_document_is_refused_at_once_and_left_alone() {
    let env = TestEnv::new();
    let id = env.open("db down");
    let document = env.document_path(&id);
    fs::remove_file(&document).unwrap();
    mkfifo(&document);
    refuses_naming(&env, &["status"], &document);
    refuses_naming(&env, &["note", "still here"], &document);
    assert!(is_fifo(&document), "the FIFO was replaced");
    let (_, _, stderr) = run_bounded(&env, &["list", "--all"]);
    assert!(stderr.contains(&document.display().to_string()), "{stderr}");

    fs::remove_file(&document).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &document).unwrap();
    refuses_naming(&env, &["status"], &document);
    refuses_naming(&env, &["note", "still here"], &document);
    assert!(is_symlink(&document), "the link was replaced");
}

#[test]
fn a_huge_document_is_refused_without_being_read_whole() {
    let env = TestEnv::new();
    let id = env.open("db down");
    let document = env.document_path(&id);
    // Sparse: no disk is spent, but a reader that reads it all spends 65 MiB.
    fs::File::create(&document)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    let stderr = refuses_naming(&env, &["status"], &document);
    assert!(stderr.contains("larger than"), "{stderr}");
    assert_eq!(fs::metadata(&document).unwrap().len(), 65 * 1024 * 1024);
}

#[test]
fn a_symlinked_document_is_refused_not_detached_from_its_target() {
    let env = TestEnv::new();
    let id = env.open("db down");
    let document = env.document_path(&id);
    let elsewhere = env.home().join("kept-elsewhere.json");
    fs::rename(&document, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &document).unwrap();
    let before = fs::read(&elsewhere).unwrap();
    let stderr = refuses_naming(&env, &["note", "replica lag 30s"], &document);
    assert!(stderr.contains("symlink"), "{stderr}");
    assert!(
        is_symlink(&document),
        "the link was replaced by a plain file"
    );
    assert_eq!(fs::read(&elsewhere).unwrap(), before);
}

#[test]
fn a_fifo_or_dev_zero_as_the_list_cache_is_ignored_and_rebuilt() {
    let env = TestEnv::new();
    let id = env.open("db down");
    let cache = env.data_dir().join("list-cache");
    let _ = fs::remove_file(&cache);
    mkfifo(&cache);
    let (code, stdout, stderr) = run_bounded(&env, &["list"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(&id), "{stdout}");

    let _ = fs::remove_file(&cache);
    std::os::unix::fs::symlink("/dev/zero", &cache).unwrap();
    let (code, stdout, stderr) = run_bounded(&env, &["list"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(&id), "{stdout}");
    assert!(
        fs::symlink_metadata(&cache).unwrap().is_file(),
        "the cache was rebuilt as a plain file"
    );
}

#[test]
fn a_fifo_as_the_lock_file_is_refused_at_once() {
    let env = TestEnv::new();
    let id = env.open("db down");
    let lock = env.data_dir().join("incidents").join(format!("{id}.lock"));
    let _ = fs::remove_file(&lock);
    mkfifo(&lock);
    refuses_naming(&env, &["note", "replica lag 30s"], &lock);
    assert!(is_fifo(&lock), "the FIFO was replaced");
}

/// Runs `body` on a thread of its own in a private mount namespace, so a bind mount made
/// there is seen only by it and the processes it starts, and vanishes with it.
fn in_private_mount_namespace<T: Send>(body: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                // SAFETY: plain system calls on this thread's own namespace.
                unsafe {
                    assert_eq!(
                        libc::unshare(libc::CLONE_NEWNS),
                        0,
                        "this test needs a private mount namespace (root or CAP_SYS_ADMIN): {}",
                        std::io::Error::last_os_error()
                    );
                    let root = CString::new("/").unwrap();
                    assert_eq!(
                        libc::mount(
                            std::ptr::null(),
                            root.as_ptr(),
                            std::ptr::null(),
                            libc::MS_REC | libc::MS_PRIVATE,
                            std::ptr::null()
                        ),
                        0,
                        "making mounts private: {}",
                        std::io::Error::last_os_error()
                    );
                }
                body()
            })
            .join()
            .expect("the namespaced thread")
    })
}

fn bind(from: &Path, to: &Path) {
    let from_c = CString::new(from.as_os_str().as_bytes()).unwrap();
    let to_c = CString::new(to.as_os_str().as_bytes()).unwrap();
    // SAFETY: NUL-terminated paths that outlive the call.
    let mounted = unsafe {
        libc::mount(
            from_c.as_ptr(),
            to_c.as_ptr(),
            std::ptr::null(),
            libc::MS_BIND,
            std::ptr::null(),
        )
    };
    assert_eq!(
        mounted,
        0,
        "mount --bind {} {}: {}",
        from.display(),
        to.display(),
        std::io::Error::last_os_error()
    );
}

#[test]
fn report_o_through_a_bind_mount_of_the_data_directory_is_refused() {
    let env = TestEnv::new();
    let id = env.open("db down");
    env.ok(&["symptom", "502s on checkout"]);
    let document = env.document_path(&id);
    let before = fs::read(&document).unwrap();
    let alias = env.home().join("alias");
    fs::create_dir(&alias).unwrap();
    let (code, stderr) = in_private_mount_namespace(|| {
        bind(&env.data_dir(), &alias);
        let through = alias.join("incidents").join(format!("{id}.json"));
        let out = env
            .command(&["report", "-o", through.to_str().unwrap()])
            .timeout(PATIENCE)
            .output()
            .expect("report ends");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    });
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("inside the data directory"), "{stderr}");
    assert_eq!(fs::read(&document).unwrap(), before, "the log was replaced");

    // A folder of the report's path that is a link into the data directory, too.
    let link = env.home().join("reports");
    std::os::unix::fs::symlink(env.data_dir().join("incidents"), &link).unwrap();
    let through = link.join(format!("{id}.json"));
    let stderr = env.fails(&["report", "-o", through.to_str().unwrap()], 1);
    assert!(stderr.contains("inside the data directory"), "{stderr}");
    assert_eq!(fs::read(&document).unwrap(), before, "the log was replaced");
}

#[test]
fn a_save_that_could_not_be_read_back_is_never_written() {
    let mut env = TestEnv::new();
    // The last second a document can hold: the result of a one-second run is in year
    // 10000, which no reader accepts.
    env.set_now("9999-12-31T23:59:59Z");
    let id = env.open("db down");
    let document = env.document_path(&id);
    let before = fs::read(&document).unwrap();
    let (code, _, stderr) = run_bounded(&env, &["test", "does it hang", "--run", "sleep 1"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(&document.display().to_string()), "{stderr}");
    assert_eq!(fs::read(&document).unwrap(), before);
    env.ok(&["status"]);
}

fn backdate(path: &Path) {
    let long_ago = SystemTime::now() - Duration::from_secs(600);
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(long_ago)
        .unwrap();
}

fn temp_files_in(folder: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(folder)
        .unwrap()
        .map(|item| item.unwrap().path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with('.') && name.ends_with(".tmp"))
        })
        .collect();
    found.sort();
    found
}

/// Kills `args` at its write (as `kill -9` or a power cut would), backdates what it left,
/// and checks the next write of the same kind cleans it up.
#[track_caller]
fn leftovers_are_swept(env: &TestEnv, args: &[&str], folder: &Path) {
    let out = env
        .command(args)
        .env("INCIDENT_FAILPOINT", "after-temp-write")
        .timeout(PATIENCE)
        .output()
        .unwrap();
    assert!(!out.status.success(), "the failpoint did not fire");
    let left = temp_files_in(folder);
    assert_eq!(left.len(), 1, "{left:?}");
    for path in &left {
        backdate(path);
    }
    let (code, _, stderr) = run_bounded(env, args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(temp_files_in(folder), Vec::<PathBuf>::new());
}

#[test]
fn temp_files_left_by_kills_are_cleaned_up_by_the_next_write() {
    let env = TestEnv::new();
    let id = env.open("db down");
    env.open("second");
    leftovers_are_swept(&env, &["use", &id], &env.data_dir());
    // `list` writes its cache when there is none.
    let _ = fs::remove_file(env.data_dir().join("list-cache"));
    leftovers_are_swept(&env, &["list"], &env.data_dir());
    let reports = env.home().join("reports");
    fs::create_dir(&reports).unwrap();
    let report = reports.join("postmortem.md");
    leftovers_are_swept(&env, &["report", "-o", report.to_str().unwrap()], &reports);

    // A temp file only just made belongs to a write in progress: it stays.
    let young = env.data_dir().join(".current.1.0.0.tmp");
    fs::write(&young, "x").unwrap();
    env.ok(&["use", &id]);
    assert!(young.exists(), "a write in progress lost its temp file");
}

#[test]
fn a_damaged_current_pointer_is_replaced_only_with_a_warning() {
    let env = TestEnv::new();
    let id = env.open("db down");
    let current = env.data_dir().join("current");
    fs::write(&current, "\u{0}\u{0}garbage").unwrap();
    let stderr = env.fails(&["status"], 1);
    assert!(stderr.contains("left untouched"), "{stderr}");
    assert_eq!(fs::read(&current).unwrap(), b"\0\0garbage");

    let out = env.run(&["use", &id]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("warning: ")
            && out.stderr.contains(&current.display().to_string())
            && out.stderr.contains("replaced"),
        "the damaged pointer was replaced silently: {}",
        out.stderr
    );
    env.ok(&["status"]);

    fs::write(&current, "not an id\n").unwrap();
    let out = env.run(&["open", "second"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("replaced"), "{}", out.stderr);
}

/// Another process holding the incident's lock, as `flock` from util-linux does, until
/// its standard input closes.
struct Holder {
    child: Child,
}

impl Holder {
    fn take(lock: &Path) -> Holder {
        let child = Command::new("flock")
            .arg(lock)
            .arg("cat")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("util-linux's flock is needed for this test");
        let started = Instant::now();
        // Held once a try from outside fails.
        while Command::new("flock")
            .args(["-n"])
            .arg(lock)
            .arg("true")
            .status()
            .expect("flock runs")
            .success()
        {
            assert!(started.elapsed() < PATIENCE, "flock never took the lock");
            std::thread::sleep(Duration::from_millis(20));
        }
        Holder { child }
    }

    fn release(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        self.release();
    }
}

/// `incident ARGS` started while another process holds the lock, what it says on stderr
/// kept in a file the test reads as it goes.
struct Waiting {
    child: Child,
    stderr: PathBuf,
}

impl Waiting {
    #[track_caller]
    fn start(env: &TestEnv, args: &[&str]) -> Waiting {
        let stderr = env.home().join("waiting.stderr");
        let child = env
            .process(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(fs::File::create(&stderr).expect("the stderr file is created"))
            .spawn()
            .expect("the binary runs");
        Waiting { child, stderr }
    }

    fn stderr(&self) -> String {
        fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Returns once the command says it waits for the lock, which it does after a
    /// moment of waiting quietly: from then on it is blocked on the lock, nowhere else.
    #[track_caller]
    fn until_it_says_it_waits(&mut self) {
        let started = Instant::now();
        while !self.stderr().contains("waiting for the lock") {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                panic!(
                    "the command ended ({status:?}) without waiting for the lock: {}",
                    self.stderr()
                );
            }
            assert!(
                started.elapsed() < PATIENCE,
                "the command never said it waits for the lock: {}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the command to end, at most `PATIENCE`: past it, it is killed and the
    /// test fails.
    #[track_caller]
    fn end(&mut self) -> std::process::ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            if started.elapsed() >= PATIENCE {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("still running after {PATIENCE:?}: {}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn waiting_for_a_held_lock_says_who_holds_it() {
    let env = TestEnv::new();
    let id = env.open("db down");
    let lock = env.data_dir().join("incidents").join(format!("{id}.lock"));
    let mut holder = Holder::take(&lock);
    let holder_pid = holder.child.id();
    let mut note = Waiting::start(&env, &["note", "replica lag 30s"]);
    note.until_it_says_it_waits();
    holder.release();
    let status = note.end();
    let stderr = note.stderr();
    assert!(status.success(), "{stderr}");
    assert_eq!(
        stderr.matches("waiting for the lock").count(),
        1,
        "said once: {stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "waiting for the lock of {id}, held by pid {holder_pid} (flock"
        )),
        "{stderr}"
    );
    assert_eq!(
        env.json(&["status"])["entries"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn ctrl_c_while_waiting_for_the_lock_ends_the_command() {
    let env = TestEnv::new();
    let id = env.open("db down");
    let lock = env.data_dir().join("incidents").join(format!("{id}.lock"));
    let _holder = Holder::take(&lock);
    // `test --run` catches Ctrl-C for the command it runs; the wait that follows must
    // still end on it.
    let mut test = Waiting::start(&env, &["test", "is it the pool", "--run", "true"]);
    test.until_it_says_it_waits();
    // SAFETY: a signal to a child of this test, not yet reaped.
    unsafe { libc::kill(test.child.id() as libc::pid_t, libc::SIGINT) };
    let status = test.end();
    let stderr = test.stderr();
    assert!(
        status.signal() == Some(libc::SIGINT)
            || status.code() == Some(130)
            || (status.code() == Some(1) && stderr.contains("interrupted")),
        "{status:?} {stderr}"
    );
}
