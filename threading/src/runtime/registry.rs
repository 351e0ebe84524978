//! Who is alive and what each thread waits on.
//!
//! Every thread that touches this crate has a record: threads started by [`Thread`](crate::Thread)
//! get theirs at start, the process's main thread and foreign threads (started with
//! `std::thread::spawn`, say) get one lazily, as Python's `_MainThread` and `_DummyThread`.
//! While a thread is parked its record says on what, where that primitive was created, and
//! since when: [`blocked_threads`] and [`report`] turn that into an explanation of a hang.

use crate::os;
use crate::schedule::Operation;
use crate::sys::{self, OsThread};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// What kind of thread a record describes (Python's `Thread`, `_MainThread`, `_DummyThread`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ThreadKind {
    Main,
    Dummy,
    Started,
    /// The crate's own helpers (the kernel agent): never listed, never named `Thread-N`.
    Hidden,
}

pub(crate) const INITIAL: u8 = 0;
pub(crate) const STARTED: u8 = 1;
pub(crate) const STOPPED: u8 = 2;

/// The shared record of one thread.
pub(crate) struct ThreadInner {
    pub(crate) kind: ThreadKind,
    /// The class name shown in the repr: `Thread`, `Timer`, a `Run` type's name.
    pub(crate) class: Mutex<Arc<str>>,
    name: Mutex<Arc<str>>,
    pub(crate) daemon: AtomicBool,
    pub(crate) state: AtomicU8,
    ident: AtomicU64,
    native_id: AtomicU64,
    os_thread: OnceLock<OsThread>,
    interrupt_pending: AtomicBool,
    blocked: Mutex<Option<BlockedSince>>,
    /// Set for started threads: their run loop, join state and so on.
    pub(crate) lifecycle: OnceLock<crate::thread::Lifecycle>,
}

impl fmt::Debug for ThreadInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadInner")
            .field("kind", &self.kind)
            .field("name", &self.name())
            .field("ident", &self.ident())
            .finish_non_exhaustive()
    }
}

impl ThreadInner {
    pub(crate) fn new(kind: ThreadKind, class: &str, name: Arc<str>, daemon: bool) -> Self {
        ThreadInner {
            kind,
            class: Mutex::new(Arc::from(class)),
            name: Mutex::new(name),
            daemon: AtomicBool::new(daemon),
            state: AtomicU8::new(INITIAL),
            ident: AtomicU64::new(0),
            native_id: AtomicU64::new(0),
            os_thread: OnceLock::new(),
            interrupt_pending: AtomicBool::new(false),
            blocked: Mutex::new(None),
            lifecycle: OnceLock::new(),
        }
    }

    pub(crate) fn name(&self) -> Arc<str> {
        Arc::clone(&self.name.lock().unwrap_or_else(|e| e.into_inner()))
    }

    pub(crate) fn set_name(&self, name: &str) {
        *self.name.lock().unwrap_or_else(|e| e.into_inner()) = Arc::from(name);
    }

    pub(crate) fn class(&self) -> Arc<str> {
        Arc::clone(&self.class.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Python's `ident` (0 until the thread runs).
    pub(crate) fn ident(&self) -> u64 {
        self.ident.load(Ordering::Acquire)
    }

    pub(crate) fn native_id(&self) -> u64 {
        self.native_id.load(Ordering::Acquire)
    }

    /// Binds the record to the calling OS thread.
    pub(crate) fn bind_to_current_os_thread(&self) {
        self.ident.store(os::pthread_self(), Ordering::Release);
        self.native_id.store(os::gettid(), Ordering::Release);
        let _ = self.os_thread.set(sys::current_os_thread());
    }

    pub(crate) fn unpark(&self) {
        if let Some(thread) = self.os_thread.get() {
            thread.unpark();
        }
    }

    /// Asks the thread to stop its current (or next) blocking call with `KeyboardInterrupt`.
    pub(crate) fn request_interrupt(&self) {
        self.interrupt_pending.store(true, Ordering::Release);
        self.unpark();
    }

    /// Consumes a pending interrupt request.
    pub(crate) fn take_interrupt(&self) -> bool {
        self.interrupt_pending.load(Ordering::Acquire) && self.interrupt_pending.swap(false, Ordering::AcqRel)
    }

    pub(crate) fn is_alive(&self) -> bool {
        self.state.load(Ordering::Acquire) == STARTED
    }

    pub(crate) fn blocked(&self) -> Option<BlockedSince> {
        self.blocked.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// What a parked thread is blocked on.
#[derive(Debug, Clone)]
pub struct Blocked {
    /// The operation and primitive, e.g. `Lock.acquire`, `Thread.join`, `Queue.get`.
    pub operation: Operation,
    /// The primitive's name if it was given one, else a description (the joined thread's name).
    pub name: Option<Arc<str>>,
    /// Where the primitive was created.
    pub site: &'static Location<'static>,
}

impl Blocked {
    pub(crate) fn new(operation: Operation, site: &'static Location<'static>) -> Self {
        Blocked { operation, name: None, site }
    }

    pub(crate) fn named(mut self, name: Option<Arc<str>>) -> Self {
        self.name = name;
        self
    }
}

/// A [`Blocked`] with the moment the wait began.
#[derive(Debug, Clone)]
pub struct BlockedSince {
    /// What the thread waits on.
    pub blocked: Blocked,
    /// When it started waiting.
    pub since: Instant,
}

/// Records a thread as blocked for as long as it lives.
pub(crate) struct BlockedScope<'a> {
    thread: &'a ThreadInner,
}

impl<'a> BlockedScope<'a> {
    pub(crate) fn enter(thread: &'a ThreadInner, blocked: Blocked) -> Self {
        *thread.blocked.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(BlockedSince { blocked, since: Instant::now() });
        BlockedScope { thread }
    }
}

impl Drop for BlockedScope<'_> {
    fn drop(&mut self) {
        *self.thread.blocked.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

static ALIVE: Mutex<Vec<Arc<ThreadInner>>> = Mutex::new(Vec::new());
// A mutex rather than a `OnceLock`: in a forked child another thread becomes the main thread.
static MAIN: Mutex<Option<Arc<ThreadInner>>> = Mutex::new(None);
static NAME_COUNTER: AtomicU64 = AtomicU64::new(0);

/// `Thread-N`, `Dummy-N`: one process-wide counter, like CPython's `_counter`.
pub(crate) fn next_name(template: &str) -> Arc<str> {
    let n = NAME_COUNTER.fetch_add(1, Ordering::Relaxed) + 1;
    Arc::from(format!("{template}-{n}"))
}

pub(crate) fn register_alive(thread: &Arc<ThreadInner>) {
    if thread.kind != ThreadKind::Hidden {
        ALIVE.lock().unwrap_or_else(|e| e.into_inner()).push(Arc::clone(thread));
    }
}

pub(crate) fn unregister(thread: &ThreadInner) {
    ALIVE.lock().unwrap_or_else(|e| e.into_inner()).retain(|t| !std::ptr::eq(Arc::as_ptr(t), thread));
}

/// The alive threads, in start order, with the main thread first (Python's `enumerate()`).
pub(crate) fn alive() -> Vec<Arc<ThreadInner>> {
    let main = main_record();
    let mut threads = vec![Arc::clone(&main)];
    threads.extend(
        ALIVE
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|t| !Arc::ptr_eq(t, &main) && t.is_alive())
            .cloned(),
    );
    threads
}

/// The process's main thread's record, created on first use from any thread.
pub(crate) fn main_record() -> Arc<ThreadInner> {
    let mut main = MAIN.lock().unwrap_or_else(|e| e.into_inner());
    Arc::clone(main.get_or_insert_with(|| {
        let main =
            Arc::new(ThreadInner::new(ThreadKind::Main, "_MainThread", Arc::from("MainThread"), false));
        main.state.store(STARTED, Ordering::Release);
        main.ident.store(main_ident(), Ordering::Release);
        main.native_id.store(std::process::id() as u64, Ordering::Release);
        main
    }))
}

/// The registry's locks, held by the thread that forks across the `fork` call (see
/// `process`), so that the child never inherits them in the middle of another thread's update.
#[cfg(feature = "process")]
pub(crate) struct ForkGuard {
    alive: std::sync::MutexGuard<'static, Vec<Arc<ThreadInner>>>,
    main: std::sync::MutexGuard<'static, Option<Arc<ThreadInner>>>,
    me: Arc<ThreadInner>,
}

/// Takes the registry's locks before a `fork`; dropping the guard (in the parent) releases them.
#[cfg(feature = "process")]
pub(crate) fn lock_for_fork() -> ForkGuard {
    let me = current();
    let alive = ALIVE.lock().unwrap_or_else(|e| e.into_inner());
    let main = MAIN.lock().unwrap_or_else(|e| e.into_inner());
    ForkGuard { alive, main, me }
}

#[cfg(feature = "process")]
impl ForkGuard {
    /// In the forked child: the calling thread is the only one left and becomes the main
    /// thread, keeping its record and name (Python's `threading._after_fork`): `enumerate()`
    /// lists it alone, no interrupt is pending, its `native_id` is the child's. As the main
    /// thread it is not a daemon, so threads it starts are joined by `shutdown` (Python would
    /// keep the flag of a daemon or dummy thread). The other threads' records are left
    /// unreachable, not dropped, since their threads may have been changing them.
    pub(crate) fn reset_in_child(mut self) {
        let me = Arc::clone(&self.me);
        let _ = me.take_interrupt();
        me.daemon.store(false, Ordering::Release);
        me.bind_to_current_os_thread();
        std::mem::forget(std::mem::take(&mut *self.alive));
        std::mem::forget(self.main.replace(me));
    }
}

/// The main thread's `pthread_t`, learned when it first touches the crate; until then a
/// stand-in that stays unique.
fn main_ident() -> u64 {
    if os::is_process_main_thread() { os::pthread_self() } else { u64::from(std::process::id()) }
}

/// Owns a lazily created record and drops it from the registry when its thread exits.
struct CurrentSlot(RefCell<Option<Arc<ThreadInner>>>);

impl Drop for CurrentSlot {
    fn drop(&mut self) {
        let _ = KEY.try_with(|key| key.set(0));
        if let Some(thread) = self.0.borrow_mut().take()
            && thread.kind == ThreadKind::Dummy
        {
            thread.state.store(STOPPED, Ordering::Release);
            unregister(&thread);
        }
    }
}

sys::thread_local! {
    // Not `const { .. }`: loom's `thread_local!` does not take that form.
    #[allow(clippy::missing_const_for_thread_local)]
    static CURRENT: CurrentSlot = CurrentSlot(RefCell::new(None));
}

// The address of `CURRENT`'s record, 0 until it exists: the cheap form of `current()`.
#[cfg(not(loom))]
std::thread_local! {
    static KEY: Cell<usize> = const { Cell::new(0) };
}
#[cfg(loom)]
loom::thread_local! {
    static KEY: Cell<usize> = Cell::new(0);
}

/// The calling thread's record, creating a main or dummy record on first use.
pub(crate) fn current() -> Arc<ThreadInner> {
    let existing = CURRENT.try_with(|slot| slot.0.borrow().clone());
    match existing {
        Ok(Some(thread)) => thread,
        Ok(None) => {
            let thread = foreign_thread_record();
            set_current(Arc::clone(&thread));
            thread
        }
        // Thread-local storage is being torn down: a record that lives for this call only.
        Err(_) => foreign_thread_record(),
    }
}

/// A number unique among live threads for the calling thread (its record's address), without
/// touching reference counts: what re-entrant locks compare owners with.
#[inline]
pub(crate) fn current_key() -> usize {
    match KEY.try_with(Cell::get) {
        Ok(0) | Err(_) => Arc::as_ptr(&current()) as usize,
        Ok(key) => key,
    }
}

/// Installs the record of a thread started by this crate as the calling thread's.
pub(crate) fn set_current(thread: Arc<ThreadInner>) {
    let key = Arc::as_ptr(&thread) as usize;
    if CURRENT.try_with(|slot| *slot.0.borrow_mut() = Some(thread)).is_ok() {
        let _ = KEY.try_with(|k| k.set(key));
    }
}

fn foreign_thread_record() -> Arc<ThreadInner> {
    if os::is_process_main_thread() {
        let main = main_record();
        if main.os_thread.get().is_none() {
            main.bind_to_current_os_thread();
        }
        return main;
    }
    let dummy = Arc::new(ThreadInner::new(ThreadKind::Dummy, "_DummyThread", next_name("Dummy"), true));
    dummy.state.store(STARTED, Ordering::Release);
    dummy.bind_to_current_os_thread();
    register_alive(&dummy);
    dummy
}

/// One line of a [`report`]: a thread and what it waits on.
#[derive(Debug, Clone)]
pub struct ThreadState {
    /// The thread's name.
    pub name: String,
    /// Python's `ident`.
    pub ident: u64,
    /// Whether it is a daemon thread.
    pub daemon: bool,
    /// What it is blocked on, if it is parked in one of this crate's calls.
    pub blocked: Option<BlockedSince>,
}

impl fmt::Display for ThreadState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        match &self.blocked {
            None => write!(f, ": running (not in a threading call)"),
            Some(b) => {
                write!(f, ": blocked in {}", b.blocked.operation)?;
                if let Some(name) = &b.blocked.name {
                    write!(f, " on {name}")?;
                }
                write!(f, " (created at {}) for {}", b.blocked.site, format_elapsed(b.since.elapsed()))
            }
        }
    }
}

fn format_elapsed(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Every alive thread this crate knows of and what each is blocked on, main thread first.
///
/// ```
/// let states = threading::blocked_threads();
/// assert_eq!(states[0].name, "MainThread");
/// assert!(states[0].blocked.is_none());
/// ```
pub fn blocked_threads() -> Vec<ThreadState> {
    alive()
        .iter()
        .map(|t| ThreadState {
            name: t.name().to_string(),
            ident: t.ident(),
            daemon: t.daemon.load(Ordering::Relaxed),
            blocked: t.blocked(),
        })
        .collect()
}

/// A readable report of which threads are blocked on what: one line per alive thread.
///
/// ```
/// use std::time::Duration;
/// let event = std::sync::Arc::new(threading::Event::new());
/// let waiter = threading::Thread::builder().name("waiter").target({
///     let event = event.clone();
///     move || { event.wait(); }
/// });
/// waiter.start().unwrap();
/// while threading::blocked_threads().iter().all(|t| t.blocked.is_none()) {
///     threading::sleep(Duration::from_millis(1));
/// }
/// assert!(threading::report().contains("waiter: blocked in Event.wait"));
/// event.set();
/// waiter.join().unwrap();
/// ```
pub fn report() -> String {
    blocked_threads().iter().map(|t| format!("{t}\n")).collect()
}
