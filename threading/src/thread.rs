//! Python's `threading.Thread`.

use crate::error::RuntimeError;
use crate::excepthook;
use crate::registry::{self, Blocked, STARTED, STOPPED, ThreadInner, ThreadKind};
use crate::schedule::{self, Operation};
use crate::sys;
use crate::waiter::{self, WaitList, Wake};
use std::fmt;
use std::panic::{AssertUnwindSafe, Location};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// A thread's body, for types that play the role of a Python `Thread` subclass overriding `run`.
///
/// The type's name shows in the thread's repr, as the subclass name does in Python.
///
/// ```
/// use threading::{Run, Thread};
///
/// struct CountdownThread { n: u32 }
///
/// impl Run for CountdownThread {
///     fn run(&mut self) {
///         while self.n > 0 {
///             println!("{} T-minus {}", threading::current_thread().name(), self.n);
///             self.n -= 1;
///         }
///     }
/// }
///
/// let t = Thread::from_run(CountdownThread { n: 3 });
/// assert!(t.to_string().starts_with("<CountdownThread(Thread-"));
/// t.start().unwrap();
/// t.join().unwrap();
/// ```
pub trait Run: Send + 'static {
    /// The thread's activity (Python's `Thread.run`).
    fn run(&mut self);
}

/// What only threads started by this crate have: their body and their join state.
pub(crate) struct Lifecycle {
    target: Mutex<Option<Box<dyn FnOnce() + Send>>>,
    done: sys::Mutex<JoinState>,
    started: (Mutex<bool>, Condvar),
    /// The OS thread, joined by the first `join` that sees the thread stopped, so that a joined
    /// thread has really exited (std's own exit bookkeeping included) when `join` returns.
    os_handle: Mutex<Option<std::thread::JoinHandle<()>>>,
    stack_size: usize,
    site: &'static Location<'static>,
}

#[derive(Default)]
struct JoinState {
    stopped: bool,
    joiners: WaitList,
}

/// A thread of control, as Python's `threading.Thread`: created, then [`start`](Thread::start)ed,
/// then [`join`](Thread::join)ed.
///
/// `Thread` is a cheap handle: clones refer to the same thread, and [`current_thread`](crate::current_thread)
/// and [`enumerate`](crate::enumerate) hand out handles too. Its `Display` is Python's repr.
///
/// ```
/// use threading::Thread;
///
/// // Python: t = threading.Thread(target=worker, args=(3,))
/// let n = 3;
/// let t = Thread::new(move || println!("worker got {n}"));
/// assert!(t.to_string().ends_with(", initial)>"));
/// t.start().unwrap();
/// t.join().unwrap();
/// assert!(!t.is_alive());
/// assert_eq!(t.start().unwrap_err().to_string(), "threads can only be started once");
/// ```
///
/// # Differences from Python
/// * The target is a closure; Python's `args=`/`kwargs=` are whatever it captures.
/// * `start`, `join` and `set_daemon` return `Result` where Python raises `RuntimeError`.
/// * [`join_timeout`](Thread::join_timeout) also tells whether the thread ended.
/// * A thread's panic goes to [`excepthook`](crate::excepthook), like an uncaught exception.
#[derive(Clone)]
pub struct Thread {
    inner: Arc<ThreadInner>,
}

static STACK_SIZE: AtomicUsize = AtomicUsize::new(0);

impl Thread {
    /// A thread that will run `target` (Python's `Thread(target=...)`), named `Thread-N`.
    ///
    /// ```
    /// let t = threading::Thread::new(|| {});
    /// assert!(t.name().starts_with("Thread-"));
    /// ```
    #[track_caller]
    pub fn new<F>(target: F) -> Thread
    where
        F: FnOnce() + Send + 'static,
    {
        Builder::new().target(target)
    }

    /// A thread whose body is `body.run()` (Python's `Thread` subclass).
    ///
    /// ```
    /// struct Hello;
    /// impl threading::Run for Hello { fn run(&mut self) { println!("hello"); } }
    /// let t = threading::Thread::from_run(Hello);
    /// assert!(t.to_string().starts_with("<Hello(Thread-"));
    /// ```
    #[track_caller]
    pub fn from_run<R: Run>(body: R) -> Thread {
        Builder::new().run(body)
    }

    /// A builder for `name` and `daemon` (Python's keyword arguments).
    ///
    /// ```
    /// let t = threading::Thread::builder().name("worker").daemon(true).target(|| {});
    /// assert_eq!(t.name(), "worker");
    /// assert!(t.daemon());
    /// ```
    pub fn builder() -> Builder {
        Builder::new()
    }

    pub(crate) fn from_inner(inner: Arc<ThreadInner>) -> Thread {
        Thread { inner }
    }

    pub(crate) fn inner(&self) -> &Arc<ThreadInner> {
        &self.inner
    }

    /// Starts the thread's activity. Starting a thread twice is an error, as in Python.
    ///
    /// Returns once the new thread is running, so its [`ident`](Thread::ident) is known.
    ///
    /// ```
    /// let t = threading::Thread::new(|| {});
    /// t.start().unwrap();
    /// assert!(t.ident().is_some());
    /// assert_eq!(t.start().unwrap_err().message(), "threads can only be started once");
    /// t.join().unwrap();
    /// ```
    #[track_caller]
    pub fn start(&self) -> Result<(), RuntimeError> {
        let Some(life) = self.inner.lifecycle.get() else {
            return Err(RuntimeError::new("threads can only be started once"));
        };
        if self
            .inner
            .state
            .compare_exchange(registry::INITIAL, STARTED, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return Err(RuntimeError::new("threads can only be started once"));
        }
        excepthook::install_capture();
        let scheduler = schedule::installed();
        if let Some(scheduler) = &scheduler {
            scheduler.point(&schedule::Point::new(Operation::ThreadStart, Location::caller()));
            scheduler.thread_created(self);
        }
        registry::register_alive(&self.inner);
        let mut os_builder = std::thread::Builder::new().name(self.inner.name().to_string());
        if life.stack_size != 0 {
            os_builder = os_builder.stack_size(life.stack_size);
        }
        let inner = Arc::clone(&self.inner);
        match os_builder.spawn(move || bootstrap(inner)) {
            Ok(handle) => *life.os_handle.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle),
            Err(error) => {
                self.inner.state.store(STOPPED, Ordering::Release);
                registry::unregister(&self.inner);
                return Err(RuntimeError::new(format!("can't start new thread: {error}")));
            }
        }
        let (started, signal) = &life.started;
        let mut started = started.lock().unwrap_or_else(|e| e.into_inner());
        while !*started {
            started = signal.wait(started).unwrap_or_else(|e| e.into_inner());
        }
        Ok(())
    }

    /// Waits until the thread ends. Joining the current thread, or a thread not yet started,
    /// is an error, as in Python.
    ///
    /// ```
    /// let t = threading::Thread::new(|| {});
    /// assert_eq!(t.join().unwrap_err().message(), "cannot join thread before it is started");
    /// t.start().unwrap();
    /// t.join().unwrap();
    /// let me = threading::current_thread();
    /// assert_eq!(me.join().unwrap_err().message(), "cannot join current thread");
    /// ```
    #[track_caller]
    pub fn join(&self) -> Result<(), RuntimeError> {
        self.join_until(None, Location::caller()).map(|_| ())
    }

    /// Waits at most `timeout` for the thread to end; returns whether it ended (Python's
    /// `join(timeout)` followed by `not t.is_alive()`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let t = threading::Thread::new(|| threading::sleep(Duration::from_millis(200)));
    /// t.start().unwrap();
    /// assert_eq!(t.join_timeout(Duration::from_millis(10)), Ok(false));
    /// assert!(t.is_alive());
    /// assert_eq!(t.join_timeout(Duration::from_secs(10)), Ok(true));
    /// ```
    #[track_caller]
    pub fn join_timeout(&self, timeout: Duration) -> Result<bool, RuntimeError> {
        self.join_until(Instant::now().checked_add(timeout), Location::caller())
    }

    fn join_until(
        &self,
        deadline: Option<Instant>,
        site: &'static Location<'static>,
    ) -> Result<bool, RuntimeError> {
        if self.inner.state.load(Ordering::Acquire) == registry::INITIAL {
            return Err(RuntimeError::new("cannot join thread before it is started"));
        }
        if Arc::ptr_eq(&self.inner, &registry::current()) {
            return Err(RuntimeError::new("cannot join current thread"));
        }
        let name = Some(self.inner.name());
        schedule::point_named(Operation::ThreadJoin, site, name.as_deref());
        let Some(life) = self.inner.lifecycle.get() else {
            return self.join_foreign(deadline, site);
        };
        let mut state = life.done.lock();
        loop {
            if state.stopped {
                drop(state);
                let handle = life.os_handle.lock().unwrap_or_else(|e| e.into_inner()).take();
                if let Some(handle) = handle {
                    // The target has returned; this only waits out the thread's last instructions.
                    let _ = handle.join();
                }
                return Ok(true);
            }
            let blocked = Blocked::new(Operation::ThreadJoin, site).named(name.clone());
            let (next, wake) = waiter::wait_in(&life.done, state, |s| &mut s.joiners, deadline, blocked);
            state = next;
            match wake {
                Wake::Notified => {}
                Wake::TimedOut => return Ok(state.stopped),
                Wake::Interrupted => {
                    drop(state);
                    crate::interrupt::raise();
                }
            }
        }
    }

    /// Main and dummy threads have no join state: wait for them to leave the registry.
    fn join_foreign(
        &self,
        deadline: Option<Instant>,
        site: &'static Location<'static>,
    ) -> Result<bool, RuntimeError> {
        if self.inner.kind == ThreadKind::Dummy {
            return Err(RuntimeError::new("cannot join a dummy thread"));
        }
        let me = registry::current();
        let _scope = registry::BlockedScope::enter(
            &me,
            Blocked::new(Operation::ThreadJoin, site).named(Some(self.inner.name())),
        );
        while self.inner.is_alive() {
            crate::interrupt::check(&me);
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(false);
            }
            sys::park_until(Some(Instant::now() + Duration::from_millis(50)));
        }
        Ok(true)
    }

    /// Whether the thread has started and not yet ended.
    ///
    /// ```
    /// let t = threading::Thread::new(|| {});
    /// assert!(!t.is_alive());
    /// assert!(threading::current_thread().is_alive());
    /// ```
    pub fn is_alive(&self) -> bool {
        self.inner.is_alive()
    }

    /// The thread's name: `Thread-N` by default, `MainThread` for the main thread.
    ///
    /// ```
    /// assert_eq!(threading::main_thread().name(), "MainThread");
    /// ```
    pub fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// Renames the thread (the OS-level name given at start stays).
    ///
    /// ```
    /// let t = threading::Thread::new(|| {});
    /// t.set_name("renamed");
    /// assert_eq!(t.name(), "renamed");
    /// ```
    pub fn set_name(&self, name: impl AsRef<str>) {
        self.inner.set_name(name.as_ref());
    }

    /// Python's `ident` (the `pthread_t`), once the thread has started.
    ///
    /// ```
    /// assert_eq!(threading::current_thread().ident(), Some(threading::get_ident()));
    /// assert_eq!(threading::Thread::new(|| {}).ident(), None);
    /// ```
    pub fn ident(&self) -> Option<u64> {
        Some(self.inner.ident()).filter(|&id| id != 0)
    }

    /// The OS thread id (`gettid`), once the thread has started.
    ///
    /// ```
    /// assert_eq!(threading::current_thread().native_id(), Some(threading::get_native_id()));
    /// ```
    pub fn native_id(&self) -> Option<u64> {
        Some(self.inner.native_id()).filter(|&id| id != 0)
    }

    /// Whether this is a daemon thread: one that does not keep the program alive at
    /// [`shutdown`](crate::shutdown).
    ///
    /// ```
    /// assert!(!threading::main_thread().daemon());
    /// ```
    pub fn daemon(&self) -> bool {
        self.inner.daemon.load(Ordering::Acquire)
    }

    /// Sets the daemon flag; only before `start`, as in Python.
    ///
    /// ```
    /// let t = threading::Thread::new(|| {});
    /// t.set_daemon(true).unwrap();
    /// t.start().unwrap();
    /// assert_eq!(t.set_daemon(false).unwrap_err().message(), "cannot set daemon status of active thread");
    /// ```
    pub fn set_daemon(&self, daemon: bool) -> Result<(), RuntimeError> {
        if self.inner.state.load(Ordering::Acquire) != registry::INITIAL
            || self.inner.lifecycle.get().is_none()
        {
            return Err(RuntimeError::new("cannot set daemon status of active thread"));
        }
        self.inner.daemon.store(daemon, Ordering::Release);
        Ok(())
    }

    /// Where the thread was created.
    pub(crate) fn site(&self) -> Option<&'static Location<'static>> {
        self.inner.lifecycle.get().map(|l| l.site)
    }
}

fn bootstrap(inner: Arc<ThreadInner>) {
    inner.bind_to_current_os_thread();
    registry::set_current(Arc::clone(&inner));
    let life = inner.lifecycle.get().expect("started threads have a lifecycle");
    let thread = Thread::from_inner(Arc::clone(&inner));
    {
        let (started, signal) = &life.started;
        *started.lock().unwrap_or_else(|e| e.into_inner()) = true;
        signal.notify_all();
    }
    let scheduler = schedule::installed();
    if let Some(scheduler) = &scheduler {
        scheduler.thread_started(&thread);
    }
    let target = life.target.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(target) = target {
        let (outcome, location) =
            excepthook::capturing(|| std::panic::catch_unwind(AssertUnwindSafe(target)));
        if let Err(payload) = outcome {
            excepthook::report(&thread, payload, location);
        }
    }
    inner.state.store(STOPPED, Ordering::Release);
    registry::unregister(&inner);
    if let Some(scheduler) = &scheduler {
        scheduler.point(&schedule::Point::new(Operation::ThreadExit, life.site));
    }
    // Joiners learn of the stop only now, after the last point a scheduler can yield at: a
    // joiner that saw it earlier would wait for the OS thread while holding the only turn,
    // and the exiting thread would never be given the turn back to finish.
    {
        let mut done = life.done.lock();
        done.stopped = true;
        done.joiners.notify_all();
    }
    if let Some(scheduler) = &scheduler {
        scheduler.thread_finished(&thread);
    }
}

impl PartialEq for Thread {
    fn eq(&self, other: &Thread) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Eq for Thread {}

impl std::hash::Hash for Thread {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.inner).hash(state);
    }
}

/// Python's repr: `<Thread(Thread-3, started daemon 140234)>`.
impl fmt::Display for Thread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = match self.inner.state.load(Ordering::Acquire) {
            registry::INITIAL => "initial",
            STARTED => "started",
            _ => "stopped",
        };
        write!(f, "<{}({}, {status}", self.inner.class(), self.inner.name())?;
        if self.daemon() {
            f.write_str(" daemon")?;
        }
        if let Some(ident) = self.ident() {
            write!(f, " {ident}")?;
        }
        f.write_str(")>")
    }
}

impl fmt::Debug for Thread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Python's `Thread(name=..., daemon=...)` keyword arguments.
///
/// ```
/// let t = threading::Thread::builder().name("delayed").target(|| {});
/// assert_eq!(t.to_string(), "<Thread(delayed, initial)>");
/// ```
#[derive(Debug, Default, Clone)]
#[must_use = "a builder does nothing until `target` or `run` makes the thread"]
pub struct Builder {
    name: Option<String>,
    daemon: Option<bool>,
    class: Option<String>,
    /// The target's name, when it has one (a function item), for the default thread name.
    target_name: Option<&'static str>,
}

impl Builder {
    /// A builder with Python's defaults: name `Thread-N`, daemon inherited from the creator.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// The thread's name. An empty name means the default, as Python's `name=""` does.
    ///
    /// ```
    /// assert_eq!(threading::Thread::builder().name("a").target(|| {}).name(), "a");
    /// assert!(threading::Thread::builder().name("").target(|| {}).name().starts_with("Thread-"));
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Builder {
        self.name = Some(name.into()).filter(|name| !name.is_empty());
        self
    }

    /// Whether the thread is a daemon (default: the creating thread's flag).
    ///
    /// ```
    /// assert!(threading::Thread::builder().daemon(true).target(|| {}).daemon());
    /// ```
    pub fn daemon(mut self, daemon: bool) -> Builder {
        self.daemon = Some(daemon);
        self
    }

    /// The class name shown in the repr (`Timer`, or a subclass's name).
    pub(crate) fn class(mut self, class: impl Into<String>) -> Builder {
        self.class = Some(class.into());
        self
    }

    /// Makes the thread, to run `target`.
    ///
    /// ```
    /// let t = threading::Thread::builder().name("w").target(|| println!("working"));
    /// t.start().unwrap();
    /// t.join().unwrap();
    /// ```
    ///
    /// A thread left to its default name and given a function item as its target is named
    /// after it, as Python 3.10+ names `Thread(target=worker)` `Thread-1 (worker)`:
    ///
    /// ```
    /// fn worker() {}
    /// let t = threading::Thread::new(worker);
    /// assert!(t.name().starts_with("Thread-") && t.name().ends_with(" (worker)"), "{}", t.name());
    /// ```
    #[track_caller]
    pub fn target<F>(mut self, target: F) -> Thread
    where
        F: FnOnce() + Send + 'static,
    {
        if self.name.is_none() {
            self.target_name = function_name::<F>();
        }
        self.make(Box::new(target), Location::caller())
    }

    /// Makes the thread, to run `body.run()`; its type name shows in the repr.
    ///
    /// ```
    /// struct Worker;
    /// impl threading::Run for Worker { fn run(&mut self) {} }
    /// let t = threading::Thread::builder().name("w").run(Worker);
    /// assert_eq!(t.to_string(), "<Worker(w, initial)>");
    /// ```
    #[track_caller]
    pub fn run<R: Run>(mut self, mut body: R) -> Thread {
        if self.class.is_none() {
            self.class = Some(short_type_name::<R>().to_owned());
        }
        self.make(Box::new(move || body.run()), Location::caller())
    }

    fn make(self, target: Box<dyn FnOnce() + Send>, site: &'static Location<'static>) -> Thread {
        let name = match (self.name, self.target_name) {
            (Some(name), _) => Arc::from(name),
            (None, Some(target)) => Arc::from(format!("{} ({target})", registry::next_name("Thread"))),
            (None, None) => registry::next_name("Thread"),
        };
        let daemon = self.daemon.unwrap_or_else(|| registry::current().daemon.load(Ordering::Acquire));
        let class = self.class.as_deref().unwrap_or("Thread");
        let inner = ThreadInner::new(ThreadKind::Started, class, name, daemon);
        let _ = inner.lifecycle.set(Lifecycle {
            target: Mutex::new(Some(target)),
            done: sys::Mutex::new(JoinState::default()),
            started: (Mutex::new(false), Condvar::new()),
            os_handle: Mutex::new(None),
            stack_size: STACK_SIZE.load(Ordering::Relaxed),
            site,
        });
        Thread { inner: Arc::new(inner) }
    }
}

/// A function item's name (`my_crate::worker` → `worker`, Python's `target.__name__`); `None`
/// for closures, function pointers and boxed functions, which have no name of their own.
fn function_name<F: ?Sized>() -> Option<&'static str> {
    let full = std::any::type_name::<F>();
    if full.contains("{{closure}}")
        || full.contains("dyn ")
        || full.starts_with(['&', '*', '(', '['])
        || full.starts_with("fn(")
    {
        return None;
    }
    Some(short_type_name::<F>()).filter(|name| !name.is_empty())
}

/// `my_crate::module::CountdownThread<T>` → `CountdownThread`.
fn short_type_name<T: ?Sized>() -> &'static str {
    let full = std::any::type_name::<T>();
    let without_generics = full.split('<').next().unwrap_or(full);
    without_generics.rsplit("::").next().unwrap_or(without_generics)
}

/// The stack size used for threads created from now on; 0 means the platform default
/// (Python's `threading.stack_size()`).
///
/// ```
/// assert_eq!(threading::stack_size(), 0);
/// ```
pub fn stack_size() -> usize {
    STACK_SIZE.load(Ordering::Relaxed)
}

/// Sets the stack size for threads created from now on and returns the previous setting
/// (Python's `threading.stack_size(size)`): 0 for the default, else at least 32 KiB.
///
/// ```
/// assert!(threading::set_stack_size(1024).is_err());
/// let old = threading::set_stack_size(256 * 1024).unwrap();
/// let t = threading::Thread::new(|| {});
/// t.start().unwrap();
/// t.join().unwrap();
/// threading::set_stack_size(old).unwrap();
/// ```
pub fn set_stack_size(size: usize) -> Result<usize, crate::ValueError> {
    if size != 0 && size < 32 * 1024 {
        return Err(crate::ValueError::new(format!("size not valid: {size} bytes")));
    }
    Ok(STACK_SIZE.swap(size, Ordering::Relaxed))
}
