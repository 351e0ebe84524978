//! `std::thread`, controlled: spawned threads are `threading` threads underneath (the installed
//! scheduler learns of each one, holds it until chosen and sees it end), `join` and `park` wait
//! where a controller sees them, and `yield_now`, `sleep`, `park`, `unpark` and `spawn` are
//! synchronisation points.
//!
//! ```
//! use threading::stdlib::thread;
//!
//! let mut data = vec![1, 2, 3];
//! thread::scope(|s| {
//!     s.spawn(|| println!("borrowed: {data:?}"));
//! });
//! data.push(4);
//!
//! let handle = thread::Builder::new().name("worker".into()).spawn(|| {
//!     assert_eq!(thread::current().name(), Some("worker"));
//!     6 * 7
//! }).unwrap();
//! assert_eq!(handle.join().unwrap(), 42);
//! ```

use crate::registry::{self, STARTED, STOPPED, ThreadInner, ThreadKind};
use crate::schedule::Operation;
use crate::schedule::{self, Point};
use crate::stdlib::wait;
use crate::waiter::WaitList;
use std::cell::RefCell;
use std::fmt;
use std::io;
use std::panic::{AssertUnwindSafe, Location};
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub use std::thread::{AccessError, LocalKey, Result, ThreadId, available_parallelism, panicking};
// Anything else `std::thread` has, unchanged (`sleep_until`, deprecated `sleep_ms`, ...): these
// are not controlled. The items defined here shadow std's.
#[allow(deprecated)]
pub use std::thread::*;

/// A handle to a thread (`std::thread::Thread`): its id, its name, and its park token.
///
/// ```
/// use threading::stdlib::thread;
/// let t = thread::Builder::new().name("named".into()).spawn(|| {}).unwrap();
/// assert_eq!(t.thread().name(), Some("named"));
/// t.join().unwrap();
/// ```
#[derive(Clone)]
pub struct Thread {
    inner: Arc<Inner>,
}

struct Inner {
    id: OnceLock<ThreadId>,
    name: Option<String>,
    parker: parking_lot::Mutex<Parker>,
    site: &'static Location<'static>,
}

struct Parker {
    token: bool,
    waiters: WaitList,
}

impl Thread {
    fn new(name: Option<String>, site: &'static Location<'static>) -> Thread {
        Thread {
            inner: Arc::new(Inner {
                id: OnceLock::new(),
                name,
                parker: parking_lot::Mutex::new(Parker { token: false, waiters: WaitList::new() }),
                site,
            }),
        }
    }

    /// The thread's id (`std`'s own [`ThreadId`]).
    ///
    /// ```
    /// use threading::stdlib::thread;
    /// let t = thread::spawn(|| thread::current().id());
    /// let id = t.thread().id();
    /// assert_eq!(t.join().unwrap(), id);
    /// assert_ne!(id, thread::current().id());
    /// ```
    #[must_use]
    pub fn id(&self) -> ThreadId {
        *self.inner.id.get_or_init(|| std::thread::current().id())
    }

    /// The thread's name: `Some("main")` for the main thread, `None` for an unnamed spawned one.
    ///
    /// ```
    /// use threading::stdlib::thread;
    /// assert_eq!(thread::spawn(|| thread::current().name().map(String::from)).join().unwrap(), None);
    /// ```
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.inner.name.as_deref()
    }

    /// Makes the thread's park token available: its next (or current) [`park`] returns.
    /// A synchronisation point (`Thread.unpark`).
    ///
    /// ```
    /// use threading::stdlib::thread;
    /// thread::current().unpark();
    /// thread::park(); // returns at once: the token was there
    /// ```
    pub fn unpark(&self) {
        wait::point(Operation::ThreadUnpark, self.inner.site);
        let mut parker = self.inner.parker.lock();
        parker.token = true;
        parker.waiters.notify_one();
    }

    fn park(&self, timeout: Option<Duration>, operation: Operation) {
        wait::point(operation, self.inner.site);
        let mut parker = self.inner.parker.lock();
        if parker.token {
            parker.token = false;
            return;
        }
        if schedule::active() && wait::spurious(operation, self.inner.site) {
            return;
        }
        let deadline = timeout.and_then(wait::deadline);
        let (mut parker, _) =
            wait::wait(&self.inner.parker, parker, |p| &mut p.waiters, deadline, operation, self.inner.site);
        parker.token = false;
    }
}

impl fmt::Debug for Thread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Thread").field("id", &self.id()).field("name", &self.name()).finish_non_exhaustive()
    }
}

std::thread_local! {
    static CURRENT: RefCell<Option<Thread>> = const { RefCell::new(None) };
}

/// The calling thread's handle (`std::thread::current`).
///
/// ```
/// use threading::stdlib::thread;
/// let me = thread::current();
/// assert_eq!(me.id(), thread::current().id());
/// ```
#[must_use]
pub fn current() -> Thread {
    let make = || {
        let os = std::thread::current();
        let thread = Thread::new(os.name().map(String::from), Location::caller());
        let _ = thread.inner.id.set(os.id());
        thread
    };
    CURRENT.try_with(|slot| slot.borrow_mut().get_or_insert_with(make).clone()).unwrap_or_else(|_| make())
}

/// Blocks until the current thread's park token is available, then consumes it
/// (`std::thread::park`). May return spuriously, as `std` documents: here when the installed
/// scheduler says so. A synchronisation point (`thread::park`).
///
/// ```
/// use threading::stdlib::sync::atomic::{AtomicBool, Ordering};
/// use threading::stdlib::sync::Arc;
/// use threading::stdlib::thread;
///
/// let flag = Arc::new(AtomicBool::new(false));
/// let f = flag.clone();
/// let parked = thread::spawn(move || {
///     while !f.load(Ordering::Acquire) {
///         thread::park();
///     }
/// });
/// flag.store(true, Ordering::Release);
/// parked.thread().unpark();
/// parked.join().unwrap();
/// ```
pub fn park() {
    current().park(None, Operation::ThreadPark);
}

/// [`park`] for at most `dur` (`std::thread::park_timeout`).
///
/// ```
/// use std::time::{Duration, Instant};
/// let start = Instant::now();
/// threading::stdlib::thread::park_timeout(Duration::from_millis(10));
/// assert!(start.elapsed() >= Duration::from_millis(10));
/// ```
pub fn park_timeout(dur: Duration) {
    current().park(Some(dur), Operation::ThreadParkTimeout);
}

/// Offers the processor to another thread (`std::thread::yield_now`). Under a scheduler it is a
/// synchronisation point (`thread::yield_now`, with a zero duration) followed by the
/// scheduler's [`sleep`](crate::schedule::Scheduler::sleep) of zero, which a controller treats as
/// a yield, as it does `sleep(0)`: a spin loop gives way to the thread it waits for.
///
/// ```
/// threading::stdlib::thread::yield_now();
/// ```
#[track_caller]
pub fn yield_now() {
    if !(schedule::active() && wait::yield_point(Operation::ThreadYieldNow, Location::caller())) {
        std::thread::yield_now();
    }
}

/// Sleeps for `dur` (`std::thread::sleep`): [`threading::sleep`](crate::sleep), a
/// synchronisation point (`sleep`) that a controller treats as a yield.
///
/// ```
/// use std::time::{Duration, Instant};
/// let start = Instant::now();
/// threading::stdlib::thread::sleep(Duration::from_millis(5));
/// assert!(start.elapsed() >= Duration::from_millis(5));
/// ```
#[track_caller]
pub fn sleep(dur: Duration) {
    crate::sleep::sleep(dur);
}

/// A thread's outcome, shared by the thread and its handle.
struct Packet<T> {
    state: parking_lot::Mutex<PacketState<T>>,
    site: &'static Location<'static>,
}

struct PacketState<T> {
    result: Option<Result<T>>,
    done: bool,
    joiners: WaitList,
}

impl<T> Packet<T> {
    fn wait_done(&self, operation: Operation) {
        wait::point(operation, self.site);
        let mut state = self.state.lock();
        while !state.done {
            state = wait::wait(&self.state, state, |s| &mut s.joiners, None, operation, self.site).0;
        }
    }

    fn take(&self) -> Result<T> {
        self.state.lock().result.take().expect("a joined thread's result is taken once")
    }

    fn is_finished(&self) -> bool {
        wait::point(Operation::JoinHandleIsFinished, self.site);
        self.state.lock().done
    }
}

/// What a scope waits for at its end.
trait ScopedPacket: Send + Sync {
    fn wait_done(&self);
    fn unhandled_panic(&self) -> bool;
}

impl<T: Send> ScopedPacket for Packet<T> {
    fn wait_done(&self) {
        Packet::wait_done(self, Operation::ThreadScope);
    }

    fn unhandled_panic(&self) -> bool {
        matches!(self.state.lock().result, Some(Err(_)))
    }
}

/// Everything a spawn makes before the OS thread: the handle, the shared outcome, and the
/// thread's body as a `threading` thread.
fn prepare<'a, F, T>(
    name: Option<String>,
    site: &'static Location<'static>,
    f: F,
) -> (Thread, Arc<Packet<T>>, Arc<ThreadInner>, impl FnOnce() + Send + 'a)
where
    F: FnOnce() -> T + Send + 'a,
    T: Send + 'a,
{
    wait::point(Operation::ThreadSpawn, site);
    let thread = Thread::new(name.clone(), site);
    let packet = Arc::new(Packet {
        state: parking_lot::Mutex::new(PacketState { result: None, done: false, joiners: WaitList::new() }),
        site,
    });
    let record_name: Arc<str> = match &name {
        Some(name) => Arc::from(name.as_str()),
        None => registry::next_name("Thread"),
    };
    let record = Arc::new(ThreadInner::new(ThreadKind::Started, "Thread", record_name, true));
    record.state.store(STARTED, Ordering::Release);
    let handle = crate::Thread::from_inner(Arc::clone(&record));
    if let Some(scheduler) = schedule::installed() {
        scheduler.thread_created(&handle);
    }
    registry::register_alive(&record);
    let body = {
        let (thread, packet, record) = (thread.clone(), Arc::clone(&packet), Arc::clone(&record));
        move || {
            record.bind_to_current_os_thread();
            registry::set_current(Arc::clone(&record));
            let _ = thread.inner.id.set(std::thread::current().id());
            let _ = CURRENT.try_with(|slot| *slot.borrow_mut() = Some(thread));
            let scheduler = schedule::installed();
            if let Some(scheduler) = &scheduler {
                scheduler.thread_started(&handle);
            }
            let mut result = Some(std::panic::catch_unwind(AssertUnwindSafe(f)));
            if Arc::strong_count(&packet) == 1 {
                // Detached: nobody will read the result, so drop it while the scheduler still
                // counts this thread as running (its destructor may synchronise).
                drop(result.take());
            }
            record.state.store(STOPPED, Ordering::Release);
            registry::unregister(&record);
            if let Some(scheduler) = &scheduler {
                scheduler.point(&Point::new(Operation::ThreadExit, site));
            }
            // Joiners learn of the end only after the thread's last point (see `Thread`'s bootstrap).
            {
                let mut state = packet.state.lock();
                state.result = result;
                state.done = true;
                state.joiners.notify_all();
            }
            drop(packet);
            if let Some(scheduler) = &scheduler {
                scheduler.thread_finished(&handle);
            }
        }
    };
    (thread, packet, record, body)
}

/// The OS thread could not be spawned: the record leaves the registry.
fn spawn_failed(record: &ThreadInner) {
    record.state.store(STOPPED, Ordering::Release);
    registry::unregister(record);
}

/// Spawns a thread running `f` and returns its handle (`std::thread::spawn`). Panics if the OS
/// cannot make a thread, as `std`'s does.
///
/// ```
/// let handle = threading::stdlib::thread::spawn(|| "hello from a thread");
/// assert_eq!(handle.join().unwrap(), "hello from a thread");
/// ```
///
/// A panic in the thread comes back from `join` as `Err(payload)`:
///
/// ```
/// let handle = threading::stdlib::thread::spawn(|| -> u8 { panic!("boom") });
/// let payload = handle.join().unwrap_err();
/// assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
/// ```
#[track_caller]
pub fn spawn<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    Builder::new().spawn_at(f, Location::caller()).expect("failed to spawn thread")
}

/// An owned permission to join a thread (`std::thread::JoinHandle`). Dropping it detaches the
/// thread.
///
/// ```
/// let h = threading::stdlib::thread::spawn(|| 1);
/// assert_eq!(h.join().unwrap(), 1);
/// ```
pub struct JoinHandle<T> {
    thread: Thread,
    packet: Arc<Packet<T>>,
    os: std::thread::JoinHandle<()>,
}

impl<T> JoinHandle<T> {
    /// Waits for the thread to finish: `Ok` with its value, or `Err` with its panic payload.
    /// A synchronisation point (`JoinHandle.join`) that parks where a controller sees it.
    ///
    /// ```
    /// let h = threading::stdlib::thread::spawn(|| 2 + 2);
    /// assert_eq!(h.join().unwrap(), 4);
    /// ```
    pub fn join(self) -> Result<T> {
        self.packet.wait_done(Operation::JoinHandleJoin);
        // The body has returned; this only waits out the thread's last instructions.
        let _ = self.os.join();
        self.packet.take()
    }

    /// The thread's handle.
    ///
    /// ```
    /// let h = threading::stdlib::thread::spawn(|| {});
    /// let _id = h.thread().id();
    /// h.join().unwrap();
    /// ```
    #[must_use]
    pub fn thread(&self) -> &Thread {
        &self.thread
    }

    /// Whether the thread's body has finished.
    ///
    /// ```
    /// let h = threading::stdlib::thread::spawn(|| {});
    /// while !h.is_finished() {
    ///     threading::stdlib::thread::yield_now();
    /// }
    /// h.join().unwrap();
    /// ```
    pub fn is_finished(&self) -> bool {
        self.packet.is_finished()
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle").finish_non_exhaustive()
    }
}

/// Thread configuration (`std::thread::Builder`): name and stack size.
///
/// ```
/// let h = threading::stdlib::thread::Builder::new()
///     .name("sized".into())
///     .stack_size(256 * 1024)
///     .spawn(|| threading::stdlib::thread::current().name().map(String::from))
///     .unwrap();
/// assert_eq!(h.join().unwrap().as_deref(), Some("sized"));
/// ```
#[derive(Debug, Default)]
#[must_use = "must eventually spawn the thread"]
pub struct Builder {
    name: Option<String>,
    stack_size: Option<usize>,
}

impl Builder {
    /// A builder with `std`'s defaults (unnamed, default stack size).
    ///
    /// ```
    /// let _b = threading::stdlib::thread::Builder::new();
    /// ```
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Names the thread (shown in panic messages and by [`Thread::name`]).
    ///
    /// ```
    /// let h = threading::stdlib::thread::Builder::new().name("n".into()).spawn(|| {}).unwrap();
    /// assert_eq!(h.thread().name(), Some("n"));
    /// # h.join().unwrap();
    /// ```
    pub fn name(mut self, name: String) -> Builder {
        self.name = Some(name);
        self
    }

    /// The new thread's stack size in bytes.
    ///
    /// ```
    /// let h = threading::stdlib::thread::Builder::new().stack_size(1 << 20).spawn(|| {}).unwrap();
    /// h.join().unwrap();
    /// ```
    pub fn stack_size(mut self, size: usize) -> Builder {
        self.stack_size = Some(size);
        self
    }

    /// Spawns the thread; `Err` if the OS cannot make one.
    ///
    /// ```
    /// let h = threading::stdlib::thread::Builder::new().spawn(|| 5).unwrap();
    /// assert_eq!(h.join().unwrap(), 5);
    /// ```
    #[track_caller]
    pub fn spawn<F, T>(self, f: F) -> io::Result<JoinHandle<T>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.spawn_at(f, Location::caller())
    }

    fn spawn_at<F, T>(self, f: F, site: &'static Location<'static>) -> io::Result<JoinHandle<T>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let os_builder = self.os_builder();
        let (thread, packet, record, body) = prepare(self.name, site, f);
        match os_builder.spawn(body) {
            Ok(os) => {
                let _ = thread.inner.id.set(os.thread().id());
                Ok(JoinHandle { thread, packet, os })
            }
            Err(error) => {
                spawn_failed(&record);
                Err(error)
            }
        }
    }

    /// Spawns a scoped thread, which may borrow from outside the scope.
    ///
    /// ```
    /// use threading::stdlib::thread;
    /// let total = 10;
    /// thread::scope(|s| {
    ///     let h = thread::Builder::new().name("scoped".into()).spawn_scoped(s, || total * 2).unwrap();
    ///     assert_eq!(h.join().unwrap(), 20);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_scoped<'scope, 'env, F, T>(
        self,
        scope: &'scope Scope<'scope, 'env>,
        f: F,
    ) -> io::Result<ScopedJoinHandle<'scope, T>>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        self.spawn_scoped_at(scope, f, Location::caller())
    }

    fn spawn_scoped_at<'scope, 'env, F, T>(
        self,
        scope: &'scope Scope<'scope, 'env>,
        f: F,
        site: &'static Location<'static>,
    ) -> io::Result<ScopedJoinHandle<'scope, T>>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        let os_builder = self.os_builder();
        let (thread, packet, record, body) = prepare(self.name, site, f);
        match os_builder.spawn_scoped(scope.std, body) {
            Ok(os) => {
                let _ = thread.inner.id.set(os.thread().id());
                scope.threads.lock().push(Arc::clone(&packet) as Arc<dyn ScopedPacket + 'scope>);
                Ok(ScopedJoinHandle { thread, packet, os })
            }
            Err(error) => {
                spawn_failed(&record);
                Err(error)
            }
        }
    }

    fn os_builder(&self) -> std::thread::Builder {
        let mut builder = std::thread::Builder::new();
        if let Some(name) = &self.name {
            builder = builder.name(name.clone());
        }
        if let Some(size) = self.stack_size {
            builder = builder.stack_size(size);
        }
        builder
    }
}

/// A scope to spawn threads that borrow from outside it (`std::thread::Scope`); see [`scope`].
///
/// ```
/// let mut count = 0;
/// threading::stdlib::thread::scope(|s| {
///     s.spawn(|| count += 1);
/// });
/// assert_eq!(count, 1);
/// ```
pub struct Scope<'scope, 'env: 'scope> {
    std: &'scope std::thread::Scope<'scope, 'env>,
    threads: parking_lot::Mutex<Vec<Arc<dyn ScopedPacket + 'scope>>>,
}

impl<'scope> Scope<'scope, '_> {
    /// Spawns a thread that may borrow anything that outlives the scope; it is joined at the
    /// scope's end at the latest.
    ///
    /// ```
    /// let v = vec![1, 2, 3];
    /// let sum = threading::stdlib::thread::scope(|s| {
    ///     let h = s.spawn(|| v.iter().sum::<i32>());
    ///     h.join().unwrap()
    /// });
    /// assert_eq!(sum, 6);
    /// ```
    #[track_caller]
    pub fn spawn<F, T>(&'scope self, f: F) -> ScopedJoinHandle<'scope, T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        Builder::new().spawn_scoped_at(self, f, Location::caller()).expect("failed to spawn thread")
    }
}

impl fmt::Debug for Scope<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope").finish_non_exhaustive()
    }
}

/// An owned permission to join a scoped thread (`std::thread::ScopedJoinHandle`).
///
/// ```
/// threading::stdlib::thread::scope(|s| {
///     let h = s.spawn(|| 3);
///     assert_eq!(h.join().unwrap(), 3);
/// });
/// ```
pub struct ScopedJoinHandle<'scope, T> {
    thread: Thread,
    packet: Arc<Packet<T>>,
    os: std::thread::ScopedJoinHandle<'scope, ()>,
}

impl<T> ScopedJoinHandle<'_, T> {
    /// Waits for the thread: `Ok` with its value, `Err` with its panic payload (a joined panic
    /// no longer makes the scope panic).
    ///
    /// ```
    /// threading::stdlib::thread::scope(|s| {
    ///     let h = s.spawn(|| -> () { panic!("caught") });
    ///     assert!(h.join().is_err());
    /// });
    /// ```
    pub fn join(self) -> Result<T> {
        self.packet.wait_done(Operation::JoinHandleJoin);
        let _ = self.os.join();
        self.packet.take()
    }

    /// The thread's handle.
    ///
    /// ```
    /// threading::stdlib::thread::scope(|s| {
    ///     let h = s.spawn(|| {});
    ///     let _ = h.thread().id();
    /// });
    /// ```
    #[must_use]
    pub fn thread(&self) -> &Thread {
        &self.thread
    }

    /// Whether the thread's body has finished.
    ///
    /// ```
    /// threading::stdlib::thread::scope(|s| {
    ///     let h = s.spawn(|| {});
    ///     while !h.is_finished() {
    ///         threading::stdlib::thread::yield_now();
    ///     }
    /// });
    /// ```
    pub fn is_finished(&self) -> bool {
        self.packet.is_finished()
    }
}

impl<T> fmt::Debug for ScopedJoinHandle<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopedJoinHandle").finish_non_exhaustive()
    }
}

/// Runs `f` with a [`Scope`] for spawning threads that borrow local data, and waits for all of
/// them before returning (`std::thread::scope`). If a thread panicked and was not joined, the
/// scope panics once all have ended, as `std`'s does.
///
/// The wait at the end is a controlled one (`thread::scope`), so a scheduler sees the scope's
/// owner blocked on its threads.
///
/// ```
/// let mut a = vec![1, 2, 3];
/// let mut x = 0;
/// threading::stdlib::thread::scope(|s| {
///     s.spawn(|| println!("first thread: a = {a:?}"));
///     s.spawn(|| x += a[0] + a[2]);
/// });
/// a.push(4);
/// assert_eq!(x, a.len());
/// ```
#[track_caller]
pub fn scope<'env, F, T>(f: F) -> T
where
    F: for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> T,
{
    wait::point(Operation::ThreadScope, Location::caller());
    std::thread::scope(|s| {
        // Spawned closures may borrow the scope for 'scope, the lifetime of `s`; without
        // `unsafe` the only such reference to a new value is a leaked one (a few words).
        let scope: &Scope<'_, 'env> =
            Box::leak(Box::new(Scope { std: s, threads: parking_lot::Mutex::new(Vec::new()) }));
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| f(scope)));
        let mut panicked = false;
        loop {
            let threads = std::mem::take(&mut *scope.threads.lock());
            if threads.is_empty() {
                break;
            }
            for thread in threads {
                thread.wait_done();
                panicked |= thread.unhandled_panic();
            }
        }
        match result {
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(_) if panicked => panic!("a scoped thread panicked"),
            Ok(value) => value,
        }
    })
}
