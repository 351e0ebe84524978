//! Python's `spawn` start method, for programs: the child is a fresh run of the program's own
//! executable that calls a function registered under a name, instead of a copy of the parent.
//!
//! A closure cannot cross an `exec`, so the child runs an *entry*: a plain function
//! `fn(Connection)` registered with [`register_entry`], which gets a [`Connection`] to its
//! parent for its arguments and results (see the module docs of `process` for an example).
//!
//! The parent re-executes `/proc/self/exe` with the program's arguments and one environment
//! variable, [`SPAWN_ENV`], naming the entry, the inherited descriptor of the child's end of
//! the pipe, and who the child is; [`entry_point`] in the child reads it, removes it, becomes
//! that process and runs the entry through the same epilogue as a forked child
//! (`start::run_child`). Spawning is refused unless the program called `entry_point`, so that
//! it never re-executes a program that would not recognise the request (the kernel's runtime).

use super::connection::Connection;
use super::error::ProcessError;
use super::process::Process;
use super::world::{self, Identity};
use super::{start, sys};
use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::panic::Location;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The environment variable that tells a re-executed program which entry to run:
/// `fd parent-pid daemon from-main-thread identity`, then the entry, the process's name and
/// the parent's name on lines of their own.
const SPAWN_ENV: &str = "THREADING_PROCESS_SPAWN";

type Entry = (String, fn(Connection));

static ENTRIES: Mutex<Vec<Entry>> = Mutex::new(Vec::new());
static ENTRY_POINT_CALLED: AtomicBool = AtomicBool::new(false);

/// Registers `entry` under `name`, for processes started with [`Process::entry`] (Python's
/// spawn method imports the target by its qualified name; a Rust program names it here).
/// Register every entry before calling [`entry_point`], in the parent and so in the child.
///
/// ```
/// fn worker(conn: threading::process::Connection) {
///     let _ = conn.send("hello from a spawned process");
/// }
/// threading::process::register_entry("worker", worker);
/// ```
pub fn register_entry(name: &str, entry: fn(Connection)) {
    let mut entries = ENTRIES.lock().unwrap_or_else(|e| e.into_inner());
    entries.retain(|(known, _)| known != name);
    entries.push((name.to_owned(), entry));
}

fn find_entry(name: &str) -> Option<fn(Connection)> {
    let entries = ENTRIES.lock().unwrap_or_else(|e| e.into_inner());
    entries.iter().find(|(known, _)| known == name).map(|&(_, entry)| entry)
}

/// Call first thing in `main` (after [`register_entry`]) to use the spawn start method. In a
/// process started by [`Process::entry`] it runs the entry and ends the process with the
/// entry's exit code (0, or 1 after a panic); anywhere else it returns at once.
///
/// It must run before the program starts any thread: it edits the environment.
///
/// ```
/// // In a program not started by `Process::entry`, this returns immediately.
/// threading::process::entry_point();
/// ```
pub fn entry_point() {
    ENTRY_POINT_CALLED.store(true, Ordering::Release);
    let Some(request) = std::env::var_os(SPAWN_ENV) else { return };
    sys::remove_env(SPAWN_ENV);
    let code = match Request::parse(&request) {
        Ok(request) => request.run(),
        Err(problem) => {
            eprintln!("threading::process::entry_point: bad {SPAWN_ENV}: {problem}");
            1
        }
    };
    std::process::exit(code)
}

/// What the parent tells the child, through [`SPAWN_ENV`].
struct Request {
    fd: i32,
    parent_pid: u32,
    from_main_thread: bool,
    entry: String,
    parent_name: Arc<str>,
    me: Identity,
}

impl Request {
    fn encode(&self) -> String {
        let identity: Vec<String> = self.me.identity.iter().map(u32::to_string).collect();
        format!(
            "{} {} {} {} {}\n{}\n{}\n{}",
            self.fd,
            self.parent_pid,
            u8::from(self.me.daemon),
            u8::from(self.from_main_thread),
            identity.join(":"),
            self.entry,
            self.me.name,
            self.parent_name,
        )
    }

    fn parse(raw: &OsString) -> Result<Request, String> {
        let raw = raw.to_str().ok_or("not UTF-8")?;
        let mut lines = raw.splitn(4, '\n');
        let mut numbers = lines.next().unwrap_or_default().split(' ');
        let mut number = |what: &str| -> Result<u64, String> {
            numbers.next().and_then(|n| n.parse().ok()).ok_or(format!("no {what}"))
        };
        let fd = number("descriptor")? as i32;
        let parent_pid = number("parent pid")? as u32;
        let daemon = number("daemon flag")? == 1;
        let from_main_thread = number("thread flag")? == 1;
        let identity = numbers
            .next()
            .unwrap_or_default()
            .split(':')
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().map_err(|_| format!("bad identity {n:?}")))
            .collect::<Result<Vec<u32>, String>>()?;
        let mut text = |what: &str| lines.next().map(str::to_owned).ok_or(format!("no {what}"));
        let entry = text("entry")?;
        let name = text("name")?;
        let parent_name = text("parent name")?;
        let me = Identity { class: Arc::from("SpawnProcess"), name: Arc::from(name), daemon, identity };
        Ok(Request { fd, parent_pid, from_main_thread, entry, parent_name: Arc::from(parent_name), me })
    }

    /// In the spawned child: becomes the process, runs the entry; returns the exit code only if
    /// the request cannot be served (otherwise the process ends in `run_child`).
    fn run(self) -> i32 {
        let fd = match sys::adopt_fd(self.fd) {
            Ok(fd) => fd,
            Err(error) => {
                eprintln!("threading::process::entry_point: descriptor {}: {error}", self.fd);
                return 1;
            }
        };
        let Some(entry) = find_entry(&self.entry) else {
            eprintln!(
                "threading::process::entry_point: no entry named {:?} (register it before calling entry_point)",
                self.entry
            );
            return 1;
        };
        let conn = Connection::from_fd(fd, Location::caller());
        world::lock().become_child(&self.me, self.parent_name, self.parent_pid);
        start::run_child(
            self.me.daemon,
            Box::new(move || entry(conn)),
            self.from_main_thread,
            self.parent_pid,
        )
    }
}

/// Whether a process running `entry` can be spawned: the program called [`entry_point`] and
/// registered `entry`.
pub(crate) fn check(entry: &str) -> Result<(), ProcessError> {
    if !ENTRY_POINT_CALLED.load(Ordering::Acquire) {
        return Err(ProcessError::Assertion(
            "the spawn start method needs threading::process::entry_point() at the top of main",
        ));
    }
    if find_entry(entry).is_none() {
        return Err(ProcessError::UnknownEntry(entry.to_owned()));
    }
    Ok(())
}

/// Starts `process` by re-executing the program to run `entry`, handing it `child_end`.
pub(crate) fn spawn(process: &Process, entry: &str, child_end: Connection) -> Result<(), ProcessError> {
    world::reap_finished_children();
    let fd = child_end.raw_fd().ok_or(ProcessError::Assertion("the child's end of the pipe is closed"))?;
    let request = Request {
        fd,
        parent_pid: sys::getpid(),
        from_main_thread: crate::os::is_process_main_thread(),
        entry: entry.to_owned(),
        parent_name: world::lock().current_name(),
        me: Identity::of(process),
    };
    let mut command = Command::new("/proc/self/exe");
    command
        .args(std::env::args_os().skip(1))
        .env(SPAWN_ENV, request.encode())
        .stdin(std::process::Stdio::null());
    // SAFETY: the hook runs between fork and exec and only calls `fcntl`, which is
    // async-signal-safe.
    #[allow(unsafe_code)]
    unsafe {
        command.pre_exec(move || sys::clear_close_on_exec(fd));
    }
    let child = command.spawn().map_err(|source| ProcessError::Os { operation: "spawn", source })?;
    let pid = child.id();
    // `Child` neither waits nor kills on drop: the process is ours to reap, as a forked one.
    drop(child);
    {
        let mut state = process.inner.state.lock();
        state.pid = Some(pid);
        state.pidfd = sys::pidfd_open(pid).ok().map(Arc::new);
    }
    world::lock().add_child(process.clone());
    // The parent's copy of the child's end closes here.
    drop(child_end);
    Ok(())
}
