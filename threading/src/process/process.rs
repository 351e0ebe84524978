//! Python's `multiprocessing.Process`.

use super::connection::Connection;
use super::error::ProcessError;
use super::frame::{self, Waiting};
use super::{spawn, start, sys, world};
use crate::schedule::{self, Operation};
use crate::sys::Mutex as StateMutex;
use crate::thread::Run;
use std::fmt;
use std::os::fd::{AsFd, OwnedFd};
use std::panic::Location;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Which process a [`Process`] handle describes, seen from the process holding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The program's first process (Python's `_MainProcess`).
    Main,
    /// The calling process, when it was started as a `Process` (`current_process()` in a child).
    Current,
    /// A process object created with `Process::new`: started or not, by the process in `creator`.
    Child,
    /// The process that started the calling one (Python's `_ParentProcess`).
    Parent,
}

/// Where a child is in its life; guarded by the record's state mutex. The child is reaped
/// only under this mutex, so while `stopped` is false its pid cannot have been reused.
#[derive(Default)]
pub(crate) struct ChildState {
    pub(crate) pid: Option<u32>,
    /// Becomes readable when the child exits (`None` on kernels without pidfds).
    pub(crate) pidfd: Option<Arc<OwnedFd>>,
    pub(crate) stopped: bool,
    pub(crate) exitcode: Option<i32>,
}

impl ChildState {
    /// Reaps the child if it has exited (Python's `Popen.poll()`); whether it has ended.
    pub(crate) fn poll(&mut self) -> bool {
        if self.stopped {
            return true;
        }
        let Some(pid) = self.pid else { return false };
        match sys::reap(pid) {
            Ok(None) => return false,
            Ok(Some(code)) => self.exitcode = Some(code),
            Err(error) => {
                // Someone else reaped it (SIGCHLD ignored, a `waitpid(-1)` elsewhere).
                log::warn!("cannot learn how process {pid} ended: {error}");
            }
        }
        self.stopped = true;
        self.pidfd = None;
        true
    }
}

/// What a child runs: a closure (fork start method) or a registered entry (spawn).
pub(crate) enum Body {
    Closure(Box<dyn FnOnce() + Send>),
    Entry { name: String, child_end: Connection },
}

pub(crate) struct ProcessInner {
    pub(crate) role: Role,
    /// The type name in the repr: `Process`, `_MainProcess`, a `Run` type's name.
    pub(crate) class: Arc<str>,
    name: Mutex<Arc<str>>,
    daemon: AtomicBool,
    /// Python's `_identity`: `(1,)` for `Process-1`, `(1, 2)` for its second child `Process-1:2`.
    pub(crate) identity: Vec<u32>,
    /// The pid of the process that created this record (for a child: its parent).
    pub(crate) creator: u32,
    /// Python's `_parent_pid`, shown as `parent=` in the repr.
    pub(crate) parent_pid: Option<u32>,
    /// For `Role::Parent`: its pid.
    pub(crate) fixed_pid: Option<u32>,
    body: Mutex<Option<Body>>,
    started: AtomicBool,
    pub(crate) state: StateMutex<ChildState>,
    site: &'static Location<'static>,
}

impl ProcessInner {
    #[track_caller]
    pub(crate) fn new(
        role: Role,
        class: &str,
        name: Arc<str>,
        daemon: bool,
        identity: Vec<u32>,
    ) -> ProcessInner {
        ProcessInner {
            role,
            class: Arc::from(class),
            name: Mutex::new(name),
            daemon: AtomicBool::new(daemon),
            identity,
            creator: sys::getpid(),
            parent_pid: None,
            fixed_pid: None,
            body: Mutex::new(None),
            started: AtomicBool::new(role != Role::Child),
            state: StateMutex::new(ChildState::default()),
            site: Location::caller(),
        }
    }

    pub(crate) fn name(&self) -> Arc<str> {
        Arc::clone(&self.name.lock().unwrap_or_else(|e| e.into_inner()))
    }

    pub(crate) fn daemon(&self) -> bool {
        self.daemon.load(Ordering::Acquire)
    }

    pub(crate) fn with_parent(mut self, parent_pid: Option<u32>, fixed_pid: Option<u32>) -> ProcessInner {
        self.parent_pid = parent_pid;
        self.fixed_pid = fixed_pid;
        self
    }

    /// Whether the calling process created this record (may start, join and signal it).
    fn is_mine(&self) -> bool {
        self.role == Role::Child && self.creator == sys::getpid()
    }
}

/// A process running a function, as Python's `multiprocessing.Process`: created, then
/// [`start`](Process::start)ed (forked), then [`join`](Process::join)ed.
///
/// `Process` is a cheap handle: clones refer to the same process, and
/// [`current_process`](super::current_process), [`parent_process`](super::parent_process) and
/// [`active_children`](super::active_children) hand out handles too. Its `Display` is Python's repr.
///
/// ```
/// use std::time::Duration;
/// use threading::process::Process;
///
/// // Python (seed 000):
/// //   p = mp.Process(target=countdown, args=(5,)); p.start()
/// //   p.name, p.pid, p.daemon, p.exitcode   # ('Process-1', 11253), False, 0
/// fn countdown(n: u32) {
///     for i in 0..n {
///         println!("{} left", n - i - 1);
///         threading::sleep(Duration::from_millis(10));
///     }
/// }
/// let p = Process::new(|| countdown(5));
/// assert!(p.to_string().ends_with(" initial>"));
/// p.start().unwrap();
/// assert!(p.name().starts_with("Process-"));
/// assert!(p.pid().is_some());
/// assert!(!p.daemon());
/// p.join().unwrap();
/// assert_eq!(p.exitcode(), Some(0));
/// assert!(p.to_string().ends_with(" stopped exitcode=0>"));
/// ```
///
/// # Differences from Python
/// * The target is a closure; Python's `args=` are what it captures (moved into the child:
///   the parent's copies are dropped once the child is started).
/// * Only the fork start method (see the [module docs](super)); the child is a copy of the
///   parent at the moment of `start`, and ends with `_exit` once the target returns.
/// * `start`, `join` and the signals return `Result` where Python raises `AssertionError`.
/// * [`join_timeout`](Process::join_timeout) also tells whether the process ended.
/// * [`is_alive`](Process::is_alive) on a process this one did not start (a handle captured
///   by a child) says `false` where Python raises.
#[derive(Clone)]
pub struct Process {
    pub(crate) inner: Arc<ProcessInner>,
}

impl Process {
    /// A process that will run `target` (Python's `Process(target=...)`), named `Process-N`.
    ///
    /// ```
    /// let p = threading::process::Process::new(|| println!("in the child"));
    /// assert!(p.name().starts_with("Process-"));
    /// ```
    #[track_caller]
    pub fn new<F>(target: F) -> Process
    where
        F: FnOnce() + Send + 'static,
    {
        Builder::new().target(target)
    }

    /// A process whose body is `body.run()` (Python's `Process` subclass overriding `run`).
    ///
    /// ```
    /// struct Worker { jobs: u32 }
    /// impl threading::Run for Worker {
    ///     fn run(&mut self) { println!("doing {} jobs", self.jobs); }
    /// }
    /// let p = threading::process::Process::from_run(Worker { jobs: 3 });
    /// assert!(p.to_string().starts_with("<Worker name='Process-"));
    /// p.start().unwrap();
    /// p.join().unwrap();
    /// ```
    #[track_caller]
    pub fn from_run<R: Run>(body: R) -> Process {
        Builder::new().run(body)
    }

    /// A process for the spawn start method, running the entry registered under `name` (see
    /// [`register_entry`](super::register_entry)), and the parent's [`Connection`] to it.
    ///
    /// ```
    /// let (p, conn) = threading::process::Process::entry("worker").unwrap();
    /// assert!(p.name().starts_with("Process-"));
    /// assert!(conn.writable());
    /// ```
    #[track_caller]
    pub fn entry(name: &str) -> std::io::Result<(Process, Connection)> {
        Builder::new().entry(name)
    }

    /// A builder for `name` and `daemon` (Python's keyword arguments).
    ///
    /// ```
    /// let p = threading::process::Process::builder().name("worker").daemon(true).target(|| {});
    /// assert_eq!(p.name(), "worker");
    /// assert!(p.daemon());
    /// ```
    pub fn builder() -> Builder {
        Builder::new()
    }

    pub(crate) fn from_inner(inner: ProcessInner) -> Process {
        Process { inner: Arc::new(inner) }
    }

    /// Starts the process: forks, runs the target in the child, and returns in the parent
    /// (Python's `start()`). A process can be started once, and only by the process that
    /// created it; a daemon process cannot start children, as in Python.
    ///
    /// ```
    /// let p = threading::process::Process::new(|| {});
    /// p.start().unwrap();
    /// assert_eq!(p.start().unwrap_err().to_string(), "cannot start a process twice");
    /// p.join().unwrap();
    /// ```
    #[track_caller]
    pub fn start(&self) -> Result<(), ProcessError> {
        let inner = &*self.inner;
        if !inner.is_mine() {
            return Err(ProcessError::Assertion(
                "can only start a process object created by current process",
            ));
        }
        if inner.started.swap(true, Ordering::AcqRel) {
            return Err(ProcessError::Assertion("cannot start a process twice"));
        }
        if world::current().daemon() {
            inner.started.store(false, Ordering::Release);
            return Err(ProcessError::Assertion("daemonic processes are not allowed to have children"));
        }
        schedule::point_named(Operation::ProcessStart, Location::caller(), Some(&inner.name()));
        let mut body = inner.body.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(Body::Entry { name, .. }) = body.as_ref()
            && let Err(error) = spawn::check(name)
        {
            inner.started.store(false, Ordering::Release);
            return Err(error);
        }
        let body = body.take().expect("an unstarted process has its body");
        match body {
            Body::Closure(target) => start::fork(self, target),
            Body::Entry { name, child_end } => spawn::spawn(self, &name, child_end),
        }
    }

    /// Waits until the process ends (Python's `join()`). Only the parent can join a process,
    /// and only once it is started. The wait is interruptible; it sleeps on a pidfd that the
    /// kernel makes readable when the child exits, then reaps the child.
    ///
    /// ```
    /// let p = threading::process::Process::new(|| std::process::exit(3));
    /// assert_eq!(p.join().unwrap_err().to_string(), "can only join a started process");
    /// p.start().unwrap();
    /// p.join().unwrap();
    /// assert_eq!(p.exitcode(), Some(3));
    /// ```
    #[track_caller]
    pub fn join(&self) -> Result<(), ProcessError> {
        self.join_until(None, Location::caller()).map(|_| ())
    }

    /// Waits at most `timeout` for the process to end; returns whether it ended (Python's
    /// `join(timeout)` followed by `p.exitcode is not None`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let p = threading::process::Process::new(|| threading::sleep(Duration::from_secs(10)));
    /// p.start().unwrap();
    /// assert!(!p.join_timeout(Duration::from_millis(10)).unwrap());
    /// assert_eq!(p.exitcode(), None);
    /// p.kill().unwrap();
    /// assert!(p.join_timeout(Duration::from_secs(10)).unwrap());
    /// ```
    #[track_caller]
    pub fn join_timeout(&self, timeout: Duration) -> Result<bool, ProcessError> {
        self.join_until(Instant::now().checked_add(timeout), Location::caller())
    }

    fn join_until(
        &self,
        deadline: Option<Instant>,
        site: &'static Location<'static>,
    ) -> Result<bool, ProcessError> {
        let inner = &*self.inner;
        if inner.role == Role::Parent {
            return Ok(self.join_parent(deadline, site));
        }
        if !inner.is_mine() {
            return Err(ProcessError::Assertion("can only join a child process"));
        }
        let name = inner.name();
        schedule::point_named(Operation::ProcessJoin, site, Some(&name));
        let pidfd = {
            let mut state = inner.state.lock();
            if state.pid.is_none() {
                return Err(ProcessError::Assertion("can only join a started process"));
            }
            if state.poll() {
                return Ok(true);
            }
            state.pidfd.clone()
        };
        let waiting = Waiting { operation: Operation::ProcessJoin, site, name: Some(&name), closed: None };
        let ended = frame::wait_until(
            || inner.state.lock().poll(),
            |slice| sleep_on(pidfd.as_deref(), slice),
            deadline,
            waiting,
        );
        Ok(ended.unwrap_or(false))
    }

    /// The parent is not our child: wait for it to go away (we get re-parented), woken by a
    /// pidfd when the kernel has one.
    fn join_parent(&self, deadline: Option<Instant>, site: &'static Location<'static>) -> bool {
        let pid = self.inner.fixed_pid.unwrap_or(0);
        let pidfd = sys::pidfd_open(pid).ok();
        let name = self.inner.name();
        let waiting = Waiting { operation: Operation::ProcessJoin, site, name: Some(&name), closed: None };
        let ended = || sys::getppid() != pid;
        frame::wait_until(ended, |slice| sleep_on(pidfd.as_ref(), slice), deadline, waiting).unwrap_or(false)
    }

    /// Whether the process is running: started and not yet ended (Python's `is_alive()`).
    /// The current process is always alive.
    ///
    /// ```
    /// let p = threading::process::Process::new(|| {});
    /// assert!(!p.is_alive());
    /// p.start().unwrap();
    /// p.join().unwrap();
    /// assert!(!p.is_alive());
    /// assert!(threading::process::current_process().is_alive());
    /// ```
    pub fn is_alive(&self) -> bool {
        let inner = &*self.inner;
        match inner.role {
            Role::Main | Role::Current => true,
            Role::Parent => inner.fixed_pid == Some(sys::getppid()),
            Role::Child if inner.is_mine() => {
                let mut state = inner.state.lock();
                state.pid.is_some() && !state.poll()
            }
            Role::Child => false,
        }
    }

    /// The process's name: `Process-N` by default (`Process-1:2` for the second child of
    /// `Process-1`), `MainProcess` for the program (Python's `name`).
    ///
    /// ```
    /// assert_eq!(threading::process::current_process().name(), "MainProcess");
    /// ```
    pub fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// Renames the process (Python's `p.name = ...`).
    ///
    /// ```
    /// let p = threading::process::Process::new(|| {});
    /// p.set_name("renamed");
    /// assert_eq!(p.name(), "renamed");
    /// ```
    pub fn set_name(&self, name: impl AsRef<str>) {
        *self.inner.name.lock().unwrap_or_else(|e| e.into_inner()) = Arc::from(name.as_ref());
    }

    /// Whether this is a daemon process: terminated when its parent exits through
    /// [`shutdown`](crate::shutdown) (Python's `daemon`).
    ///
    /// ```
    /// assert!(!threading::process::current_process().daemon());
    /// ```
    pub fn daemon(&self) -> bool {
        self.inner.daemon()
    }

    /// Sets the daemon flag; only before `start` (Python's `p.daemon = True`).
    ///
    /// ```
    /// let p = threading::process::Process::new(|| {});
    /// p.set_daemon(true).unwrap();
    /// p.start().unwrap();
    /// assert_eq!(p.set_daemon(false).unwrap_err().to_string(), "process has already started");
    /// p.join().unwrap();
    /// ```
    pub fn set_daemon(&self, daemon: bool) -> Result<(), ProcessError> {
        if self.inner.started.load(Ordering::Acquire) {
            return Err(ProcessError::Assertion("process has already started"));
        }
        self.inner.daemon.store(daemon, Ordering::Release);
        Ok(())
    }

    /// The process id: once started for a child, always for the current and parent processes
    /// (Python's `pid`).
    ///
    /// ```
    /// let me = threading::process::current_process();
    /// assert_eq!(me.pid(), Some(std::process::id()));
    /// assert_eq!(threading::process::Process::new(|| {}).pid(), None);
    /// ```
    pub fn pid(&self) -> Option<u32> {
        let inner = &*self.inner;
        match inner.role {
            Role::Main | Role::Current => Some(sys::getpid()),
            Role::Parent => inner.fixed_pid,
            Role::Child => inner.state.lock().pid,
        }
    }

    /// The exit code once the child has ended: its `exit` status (0 after the target
    /// returns, 1 after a panic), or minus the signal that killed it (`-9` after
    /// [`kill`](Process::kill), `-15` after [`terminate`](Process::terminate)). `None` while
    /// it runs, before it starts, and for processes that are not children (Python's `exitcode`).
    ///
    /// ```
    /// let p = threading::process::Process::new(|| panic!("boom"));
    /// p.start().unwrap();
    /// p.join().unwrap();
    /// assert_eq!(p.exitcode(), Some(1));
    /// ```
    pub fn exitcode(&self) -> Option<i32> {
        match self.inner.role {
            Role::Child if self.inner.is_mine() => {
                let mut state = self.inner.state.lock();
                state.poll();
                state.exitcode
            }
            _ => None,
        }
    }

    /// Asks the process to stop with `SIGTERM` (Python's `terminate()`); its exit code
    /// becomes `-15`. A process that already ended is left alone.
    ///
    /// ```
    /// use std::time::Duration;
    /// let p = threading::process::Process::new(|| threading::sleep(Duration::from_secs(10)));
    /// p.start().unwrap();
    /// p.terminate().unwrap();
    /// p.join().unwrap();
    /// assert_eq!(p.exitcode(), Some(-15));
    /// ```
    pub fn terminate(&self) -> Result<(), ProcessError> {
        self.signal(libc::SIGTERM)
    }

    /// Stops the process with `SIGKILL`, which it cannot ignore (Python's `kill()`); its exit
    /// code becomes `-9`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let p = threading::process::Process::new(|| threading::sleep(Duration::from_secs(10)));
    /// p.start().unwrap();
    /// p.kill().unwrap();
    /// p.join().unwrap();
    /// assert_eq!(p.exitcode(), Some(-9));
    /// assert!(p.to_string().contains("exitcode=-SIGKILL"));
    /// ```
    pub fn kill(&self) -> Result<(), ProcessError> {
        self.signal(libc::SIGKILL)
    }

    fn signal(&self, signal: i32) -> Result<(), ProcessError> {
        let inner = &*self.inner;
        if !inner.is_mine() {
            return Err(ProcessError::Assertion("can only signal a child process"));
        }
        // Under the state lock the child is not yet reaped, so its pid cannot be reused.
        let mut state = inner.state.lock();
        let Some(pid) = state.pid else {
            return Err(ProcessError::Assertion("can only signal a started process"));
        };
        if state.poll() {
            return Ok(());
        }
        match sys::send_signal(pid, signal) {
            Err(error) if error.raw_os_error() != Some(libc::ESRCH) => {
                Err(ProcessError::Os { operation: "kill", source: error })
            }
            _ => Ok(()),
        }
    }
}

impl PartialEq for Process {
    fn eq(&self, other: &Process) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Eq for Process {}

impl std::hash::Hash for Process {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.inner).hash(state);
    }
}

/// Python's `repr(name)`: single quotes unless the name holds one and no double quote.
fn python_repr(s: &str) -> String {
    if s.contains('\'') && !s.contains('"') {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

/// Python's repr: `<Process name='Process-1' pid=123 parent=120 stopped exitcode=0 daemon>`.
impl fmt::Display for Process {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let (pid, stopped, exitcode) = match inner.role {
            Role::Child if inner.is_mine() => {
                let mut state = inner.state.lock();
                state.poll();
                (state.pid, state.stopped, state.exitcode)
            }
            Role::Child => {
                let state = inner.state.lock();
                (state.pid, state.stopped, state.exitcode)
            }
            _ => (None, false, None),
        };
        let status = match inner.role {
            Role::Main | Role::Current => "started",
            _ if inner.parent_pid != Some(sys::getpid()) => "unknown",
            _ if pid.is_none() => "initial",
            _ if stopped => "stopped",
            _ => "started",
        };
        write!(f, "<{} name={}", inner.class, python_repr(&inner.name()))?;
        if let Some(pid) = pid {
            write!(f, " pid={pid}")?;
        }
        match inner.parent_pid {
            Some(parent) => write!(f, " parent={parent} {status}")?,
            None => write!(f, " parent=None {status}")?,
        }
        if status == "stopped"
            && let Some(code) = exitcode
        {
            match sys::signal_name(-code).filter(|_| code < 0) {
                Some(signal) => write!(f, " exitcode=-{signal}")?,
                None => write!(f, " exitcode={code}")?,
            }
        }
        if inner.daemon() {
            f.write_str(" daemon")?;
        }
        f.write_str(">")
    }
}

impl fmt::Debug for Process {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Python's `Process(name=..., daemon=...)` keyword arguments.
///
/// ```
/// let p = threading::process::Process::builder().name("w").target(|| {});
/// assert!(p.to_string().starts_with("<Process name='w' parent="));
/// ```
#[derive(Debug, Default, Clone)]
#[must_use = "a builder does nothing until `target` or `run` makes the process"]
pub struct Builder {
    name: Option<String>,
    daemon: Option<bool>,
}

impl Builder {
    /// A builder with Python's defaults: name `Process-N`, not a daemon.
    ///
    /// ```
    /// let p = threading::process::Builder::new().target(|| {});
    /// assert!(!p.daemon());
    /// ```
    pub fn new() -> Builder {
        Builder::default()
    }

    /// The process's name.
    ///
    /// ```
    /// assert_eq!(threading::process::Process::builder().name("a").target(|| {}).name(), "a");
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Builder {
        self.name = Some(name.into());
        self
    }

    /// Whether the process is a daemon (default: `false`).
    ///
    /// ```
    /// assert!(threading::process::Process::builder().daemon(true).target(|| {}).daemon());
    /// ```
    pub fn daemon(mut self, daemon: bool) -> Builder {
        self.daemon = Some(daemon);
        self
    }

    /// Makes the process, to run `target`.
    ///
    /// ```
    /// let p = threading::process::Process::builder().name("w").target(|| println!("working"));
    /// p.start().unwrap();
    /// p.join().unwrap();
    /// ```
    #[track_caller]
    pub fn target<F>(self, target: F) -> Process
    where
        F: FnOnce() + Send + 'static,
    {
        self.make("Process", Body::Closure(Box::new(target)), Location::caller())
    }

    /// Makes the process, to run `body.run()`; its type name shows in the repr.
    ///
    /// ```
    /// struct Job;
    /// impl threading::Run for Job { fn run(&mut self) {} }
    /// let p = threading::process::Process::builder().name("j").run(Job);
    /// assert!(p.to_string().starts_with("<Job name='j'"));
    /// ```
    #[track_caller]
    pub fn run<R: Run>(self, mut body: R) -> Process {
        self.make(short_type_name::<R>(), Body::Closure(Box::new(move || body.run())), Location::caller())
    }

    /// Makes a process for the spawn start method: it will run the entry registered under
    /// `name` in a fresh run of this program, with the returned [`Connection`] to it (see
    /// [`register_entry`](super::register_entry)). Python: `get_context("spawn").Process(...)`.
    ///
    /// ```
    /// let (p, _conn) = threading::process::Process::builder().name("w").entry("worker").unwrap();
    /// assert!(p.to_string().starts_with("<SpawnProcess name='w'"));
    /// ```
    #[track_caller]
    pub fn entry(self, name: &str) -> std::io::Result<(Process, Connection)> {
        let (parent_end, child_end) = super::pipe(true)?;
        let body = Body::Entry { name: name.to_owned(), child_end };
        Ok((self.make("SpawnProcess", body, Location::caller()), parent_end))
    }

    fn make(self, class: &str, body: Body, site: &'static Location<'static>) -> Process {
        let identity = world::next_identity();
        let name = match self.name {
            Some(name) => Arc::from(name),
            None => {
                let numbers: Vec<String> = identity.iter().map(u32::to_string).collect();
                Arc::from(format!("Process-{}", numbers.join(":")))
            }
        };
        let mut inner = ProcessInner::new(Role::Child, class, name, self.daemon.unwrap_or(false), identity)
            .with_parent(Some(sys::getpid()), None);
        inner.body = Mutex::new(Some(body));
        inner.site = site;
        Process::from_inner(inner)
    }
}

/// Sleeps until the pidfd says the process exited, at most `slice`; without a pidfd, `slice`.
fn sleep_on(pidfd: Option<&OwnedFd>, slice: Duration) {
    match pidfd {
        Some(fd) => {
            let _ = sys::poll_readable(fd.as_fd(), Some(slice));
        }
        None => std::thread::sleep(slice),
    }
}

/// `my_crate::module::Worker<T>` → `Worker`.
fn short_type_name<T: ?Sized>() -> &'static str {
    let full = std::any::type_name::<T>();
    let without_generics = full.split('<').next().unwrap_or(full);
    without_generics.rsplit("::").next().unwrap_or(without_generics)
}

#[cfg(test)]
mod tests {
    use super::python_repr;

    #[test]
    fn names_are_quoted_as_python_does() {
        assert_eq!(python_repr("Process-1"), "'Process-1'");
        assert_eq!(python_repr("it's"), "\"it's\"");
        assert_eq!(python_repr("a'b\"c"), "'a\\'b\"c'");
    }
}
