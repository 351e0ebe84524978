//! Python's `concurrent.futures.Future`: the pending result of a task handed to an executor.
//!
//! Unsafe code: [`OutcomeCell`], so that a future of a `Send`-but-not-`Sync` value can cross
//! threads and give the value up (see its documentation for the argument).
#![allow(unsafe_code)]

use super::error::{FutureError, TaskPanic};
use super::watch::Watcher;
use crate::excepthook;
use crate::raw_lock::deadline_after;
use crate::registry::Blocked;
use crate::schedule::Operation;
use crate::schedule::{self, Point};
use crate::sys;
use crate::waiter::{self, WaitList, Waiter, Wake};
use std::cell::UnsafeCell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::panic::{AssertUnwindSafe, Location, RefUnwindSafe, UnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The eventual result of a task submitted to a
/// [`ThreadPoolExecutor`](super::ThreadPoolExecutor) (Python's `concurrent.futures.Future`).
///
/// A `Future` is a cheap handle: clones refer to the same task, as every Python reference to
/// one future object does. [`result`](Future::result) waits for the task and lends its value
/// (so it can be asked again, as in Python); a task's panic comes back as
/// [`FutureError::Panicked`].
///
/// ```
/// use threading::futures::ThreadPoolExecutor;
///
/// // Python: with ThreadPoolExecutor(max_workers=4) as executor:
/// //             f = executor.submit(sorted, [4, 3, 1, 2])
/// let executor = ThreadPoolExecutor::new(4).unwrap();
/// let f = executor.submit(|| { let mut v = vec![4, 3, 1, 2]; v.sort(); v }).unwrap();
/// drop(executor); // the end of the `with` block: waits for the task
/// assert_eq!((f.running(), f.done(), f.cancelled()), (false, true, false));
/// assert_eq!(f.result(), Ok(&vec![1, 2, 3, 4]));
/// assert_eq!(f.exception(), Ok(None));
/// assert!(f.to_string().ends_with("state=finished returned Vec<i32>>"));
/// ```
///
/// # Differences from Python
/// * `result(timeout)` and `exception(timeout)` are [`result_timeout`](Future::result_timeout)
///   and [`exception_timeout`](Future::exception_timeout); `CancelledError` and `TimeoutError`
///   are [`FutureError`] values, as is the task's panic.
/// * A task's panic that nobody looked at (with `result` or `exception`) is reported on stderr
///   when the last handle to its future is dropped, instead of being lost silently
///   (seed 002: "ThreadPoolExecutor will hide that exception").
/// * A cancelled future counts as done for [`wait`](super::wait) and
///   [`as_completed`](super::as_completed) at once, not when a worker later skips it.
/// * Waiting is interruptible ([`KeyboardInterrupt`](crate::KeyboardInterrupt)) and a
///   [scheduling point](crate::schedule) (`Future.result`, `Future.exception`).
pub struct Future<T> {
    inner: Arc<Inner<T>>,
}

/// The worker's side of a future: it starts, finishes or cancels the task. It is not a
/// handle: it never lends the value, and it does not count in [`Inner::handles`].
pub(crate) struct Promise<T> {
    inner: Arc<Inner<T>>,
}

struct Inner<T> {
    state: sys::Mutex<State<T>>,
    outcome: OutcomeCell<T>,
    /// How many [`Future`] handles exist (the [`Promise`] is not one).
    handles: AtomicUsize,
    /// Whether `result` or `exception` has handed out the panic.
    observed: AtomicBool,
    /// Where the task was submitted.
    site: &'static Location<'static>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Pending,
    Running,
    Cancelled,
    Finished,
}

type Callback<T> = Box<dyn FnOnce(&Future<T>) + Send>;

struct State<T> {
    status: Status,
    waiters: WaitList,
    callbacks: Vec<Callback<T>>,
    watchers: Vec<(Arc<Watcher>, usize)>,
    /// The done callbacks are running, on a temporary handle, on this thread.
    callbacks_running: Option<std::thread::ThreadId>,
    /// [`Future::into_result`] moved the value out.
    taken: bool,
}

/// Where the task's outcome lives: written once, before the status becomes `Finished`;
/// lent (`&T`) only where `T: Sync`; moved out at most once, by the only handle.
///
/// Why it is `Sync` for any `T: Send`, although it hands out references to a `T` that may not
/// be `Sync`:
/// * it is written once, by [`Promise::finish`], under the state mutex and before the status
///   becomes `Finished`; every read happens after a read of `Finished` under the same mutex,
///   so the write happens before any read, and nothing writes it again but `take`;
/// * the only reads that produce a `&T` are [`Future::result`] and
///   [`Future::result_timeout`], which require `T: Sync`; every other read looks at the
///   discriminant or at the [`TaskPanic`] (which is `Sync`);
/// * [`take`](OutcomeCell::take) moves the value out only for [`Future::into_result`], which
///   consumes the last handle, once the done callbacks (which run on a temporary handle) have
///   ended. Every reference to the outcome is borrowed from a handle, so none is alive then;
///   the promise never reads the outcome after finishing.
///
/// So a `T` is only ever moved between threads (which needs `T: Send`), or shared where `T: Sync`.
struct OutcomeCell<T>(UnsafeCell<Option<Outcome<T>>>);

// SAFETY: see the type's documentation: `&T` is shared across threads only where `T: Sync`,
// and a `T` is otherwise only moved in and out (which `T: Send` allows).
unsafe impl<T: Send> Sync for OutcomeCell<T> {}

/// As `OnceLock`: a panic cannot leave the cell half-written (`set` and `take_value` only
/// move a value in or out).
impl<T: RefUnwindSafe + UnwindSafe> RefUnwindSafe for OutcomeCell<T> {}

impl<T> OutcomeCell<T> {
    /// # Safety
    /// The caller holds the state mutex and has seen a status other than `Finished`: no
    /// reference to the outcome exists yet.
    unsafe fn set(&self, outcome: Outcome<T>) {
        // SAFETY: the caller's promise.
        unsafe { *self.0.get() = Some(outcome) }
    }

    /// # Safety
    /// The caller has seen `Finished` under the state mutex (so the write happened before)
    /// and the outcome has not been taken, or if it has, only the discriminant is examined.
    unsafe fn get(&self) -> Option<&Outcome<T>> {
        // SAFETY: the caller's promise; nothing writes the cell while references are alive.
        unsafe { (*self.0.get()).as_ref() }
    }

    /// # Safety
    /// The caller consumes the only handle, after the done callbacks ended: no reference to
    /// the outcome is alive, and none can be made.
    unsafe fn take_value(&self) -> Option<T> {
        // SAFETY: the caller's promise.
        let slot = unsafe { &mut *self.0.get() };
        match slot.take() {
            Some(Outcome::Returned(value)) => Some(value),
            other => {
                *slot = other;
                None
            }
        }
    }
}

/// How a finished task ended.
pub(crate) enum Outcome<T> {
    Returned(T),
    Panicked(TaskPanic),
}

/// What a finishing or cancelling thread must do once the state's mutex is released.
struct Wakeups<T> {
    waiters: Vec<Arc<Waiter>>,
    watchers: Vec<(Arc<Watcher>, usize)>,
    callbacks: Vec<Callback<T>>,
}

impl<T> State<T> {
    fn settle(&mut self, status: Status) -> Wakeups<T> {
        self.status = status;
        self.callbacks_running = (!self.callbacks.is_empty()).then(|| std::thread::current().id());
        let mut waiters = Vec::new();
        while let Some(waiter) = self.waiters.pop() {
            waiters.push(waiter);
        }
        Wakeups {
            waiters,
            watchers: std::mem::take(&mut self.watchers),
            callbacks: std::mem::take(&mut self.callbacks),
        }
    }
}

/// A pending future for a task submitted at `site`, and the worker's side of it.
pub(crate) fn pair<T>(site: &'static Location<'static>) -> (Future<T>, Promise<T>) {
    let inner = Arc::new(Inner {
        state: sys::Mutex::new(State {
            status: Status::Pending,
            waiters: WaitList::new(),
            callbacks: Vec::new(),
            watchers: Vec::new(),
            callbacks_running: None,
            taken: false,
        }),
        outcome: OutcomeCell(UnsafeCell::new(None)),
        handles: AtomicUsize::new(1),
        observed: AtomicBool::new(false),
        site,
    });
    (Future { inner: Arc::clone(&inner) }, Promise { inner })
}

impl<T> Promise<T> {
    /// Marks the task running, unless it was cancelled (Python's
    /// `set_running_or_notify_cancel`); returns whether the worker should run it.
    pub(crate) fn set_running_or_notify_cancel(&self) -> bool {
        let mut state = self.inner.state.lock();
        match state.status {
            Status::Pending => {
                state.status = Status::Running;
                true
            }
            _ => false,
        }
    }

    /// Finishes the future with `outcome`, waking waiters and running callbacks. A future
    /// already cancelled or finished keeps its state.
    pub(crate) fn finish(&self, outcome: Outcome<T>) {
        let operation = match outcome {
            Outcome::Returned(_) => Operation::FutureSetResult,
            Outcome::Panicked(_) => Operation::FutureSetException,
        };
        schedule::point(|| Point::new(operation, self.inner.site));
        let mut state = self.inner.state.lock();
        if matches!(state.status, Status::Cancelled | Status::Finished) {
            return;
        }
        // SAFETY: the state mutex is held and the status is not `Finished`.
        unsafe { self.inner.outcome.set(outcome) };
        let wakeups = state.settle(Status::Finished);
        drop(state);
        deliver(&self.inner, wakeups);
    }

    /// Python's `future.cancel()`, for `shutdown(cancel_futures=True)`.
    pub(crate) fn cancel(&self) {
        cancel(&self.inner);
    }
}

/// Cancels a pending future; returns whether it is cancelled now.
fn cancel<T>(inner: &Arc<Inner<T>>) -> bool {
    schedule::point(|| Point::new(Operation::FutureCancel, inner.site));
    let mut state = inner.state.lock();
    match state.status {
        Status::Running | Status::Finished => return false,
        Status::Cancelled => return true,
        Status::Pending => {}
    }
    let wakeups = state.settle(Status::Cancelled);
    drop(state);
    deliver(inner, wakeups);
    true
}

/// Wakes what waits for the future, then runs the done callbacks on a temporary handle.
fn deliver<T>(inner: &Arc<Inner<T>>, wakeups: Wakeups<T>) {
    for waiter in wakeups.waiters {
        waiter.notify();
    }
    for (watcher, index) in wakeups.watchers {
        watcher.finished(index);
    }
    if wakeups.callbacks.is_empty() {
        return;
    }
    let handle = Future::share(inner);
    for callback in wakeups.callbacks {
        handle.invoke(callback);
    }
    drop(handle);
    let mut state = inner.state.lock();
    state.callbacks_running = None;
    let mut waiters = Vec::new();
    while let Some(waiter) = state.waiters.pop() {
        waiters.push(waiter);
    }
    drop(state);
    for waiter in waiters {
        waiter.notify();
    }
}

impl<T> Future<T> {
    /// A new handle to `inner`.
    fn share(inner: &Arc<Inner<T>>) -> Future<T> {
        inner.handles.fetch_add(1, Ordering::Relaxed);
        Future { inner: Arc::clone(inner) }
    }

    fn status(&self) -> Status {
        self.inner.state.lock().status
    }

    /// Waits for the task and moves its value out (Python's `future.result()`, for a value
    /// that cannot be lent across threads, or that you want to own): the future is consumed.
    /// Errors as [`result`](Future::result). Interruptible.
    ///
    /// Works for any `T: Send`; [`result`](Future::result), which lends the value and can be
    /// asked again, needs `T: Sync` as well, since every handle of the future may be on another
    /// thread.
    ///
    /// ```
    /// use std::cell::Cell;
    /// let executor = threading::futures::ThreadPoolExecutor::new(2).unwrap();
    /// let counter = executor.submit(|| Cell::new(41)).unwrap(); // `Cell` is `Send`, not `Sync`
    /// let counter = counter.into_result().unwrap();
    /// counter.set(counter.get() + 1);
    /// assert_eq!(counter.get(), 42);
    /// ```
    ///
    /// # Panics
    /// If another handle (a clone) of the future still exists: the value cannot be moved out
    /// while it may be lent. Drop the clones first, or use `result`.
    ///
    /// ```should_panic
    /// let executor = threading::futures::ThreadPoolExecutor::new(1).unwrap();
    /// let f = executor.submit(|| String::from("shared")).unwrap();
    /// let _other = f.clone();
    /// f.into_result(); // panics: `_other` could still lend the value
    /// ```
    #[track_caller]
    pub fn into_result(self) -> Result<T, FutureError> {
        self.into_result_until(None, Location::caller())
    }

    /// [`into_result`](Future::into_result) with a deadline; a future that times out is
    /// cancelled (Python's `_result_or_cancel`, for `map(timeout=)`).
    pub(crate) fn into_result_until(
        self,
        deadline: Option<Instant>,
        site: &'static Location<'static>,
    ) -> Result<T, FutureError> {
        let outcome = match self.wait_done(deadline, Operation::FutureResult, site) {
            Err(FutureError::Timeout) => {
                self.cancel();
                return Err(FutureError::Timeout);
            }
            outcome => outcome?,
        };
        if let Outcome::Panicked(panic) = outcome {
            self.inner.observed.store(true, Ordering::Relaxed);
            return Err(FutureError::Panicked(panic.clone()));
        }
        let mut state = self.inner.state.lock();
        while let Some(thread) = state.callbacks_running {
            if thread == std::thread::current().id() {
                drop(state);
                panic!("Future::into_result cannot take the value inside the future's own done callback");
            }
            let blocked = Blocked::new(Operation::FutureResult, self.inner.site);
            let (next, wake) = waiter::wait_in(&self.inner.state, state, |s| &mut s.waiters, None, blocked);
            state = next;
            if let Wake::Interrupted = wake {
                drop(state);
                crate::interrupt::raise();
            }
        }
        let handles = self.inner.handles.load(Ordering::Acquire);
        if handles != 1 {
            drop(state);
            panic!(
                "Future::into_result needs the only handle to its future, but {} other handle(s) \
                 (clones) exist: drop them first, or use result()",
                handles - 1
            );
        }
        state.taken = true;
        // SAFETY: `self` is the only handle and is consumed, the callbacks have ended (their
        // temporary handle is gone) and the promise no longer reads the outcome: no reference
        // to it is alive. The status is `Finished` (seen by `wait_done` under the mutex).
        let value = unsafe { self.inner.outcome.take_value() };
        drop(state);
        Ok(value.expect("a finished future that did not panic holds its value"))
    }

    /// Waits for the task and returns its panic, or `None` if it returned normally (Python's
    /// `future.exception()`). Interruptible.
    ///
    /// ```
    /// let executor = threading::futures::ThreadPoolExecutor::new(2).unwrap();
    /// let ok = executor.submit(|| 1).unwrap();
    /// let bad = executor.submit(|| -> i32 { panic!("bad input") }).unwrap();
    /// assert_eq!(ok.exception(), Ok(None));
    /// assert_eq!(bad.exception().unwrap().unwrap().message, "bad input");
    /// ```
    #[track_caller]
    pub fn exception(&self) -> Result<Option<&TaskPanic>, FutureError> {
        self.exception_until(None, Location::caller())
    }

    /// Like [`exception`](Future::exception), giving up with [`FutureError::Timeout`] after
    /// `timeout` (Python's `future.exception(timeout)`).
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// let executor = threading::futures::ThreadPoolExecutor::new(1).unwrap();
    /// let gate = Arc::new(threading::Event::new());
    /// let f = executor.submit({ let gate = gate.clone(); move || gate.wait() }).unwrap();
    /// assert!(f.exception_timeout(Duration::from_millis(1)).is_err());
    /// gate.set();
    /// assert_eq!(f.exception_timeout(Duration::from_secs(60)), Ok(None));
    /// ```
    #[track_caller]
    pub fn exception_timeout(&self, timeout: Duration) -> Result<Option<&TaskPanic>, FutureError> {
        self.exception_until(deadline_after(timeout), Location::caller())
    }

    fn exception_until(
        &self,
        deadline: Option<Instant>,
        site: &'static Location<'static>,
    ) -> Result<Option<&TaskPanic>, FutureError> {
        match self.wait_done(deadline, Operation::FutureException, site)? {
            Outcome::Returned(_) => Ok(None),
            Outcome::Panicked(panic) => {
                self.inner.observed.store(true, Ordering::Relaxed);
                Ok(Some(panic))
            }
        }
    }

    /// Waits until the future is finished or cancelled.
    fn wait_done(
        &self,
        deadline: Option<Instant>,
        operation: Operation,
        site: &'static Location<'static>,
    ) -> Result<&Outcome<T>, FutureError> {
        schedule::point(|| Point::new(operation, site));
        let mut state = self.inner.state.lock();
        loop {
            match state.status {
                Status::Finished => {
                    assert!(!state.taken, "the future's value was moved out by into_result");
                    drop(state);
                    // SAFETY: `Finished` was seen under the mutex and the value is not taken.
                    let outcome = unsafe { self.inner.outcome.get() };
                    return Ok(outcome.expect("a finished future has an outcome"));
                }
                Status::Cancelled => return Err(FutureError::Cancelled),
                Status::Pending | Status::Running => {}
            }
            let blocked = Blocked::new(operation, self.inner.site);
            let (next, wake) =
                waiter::wait_in(&self.inner.state, state, |s| &mut s.waiters, deadline, blocked);
            state = next;
            match wake {
                Wake::Notified => {}
                Wake::TimedOut if matches!(state.status, Status::Pending | Status::Running) => {
                    return Err(FutureError::Timeout);
                }
                Wake::TimedOut => {}
                Wake::Interrupted => {
                    drop(state);
                    crate::interrupt::raise();
                }
            }
        }
    }

    /// Whether the task is running now (Python's `future.running()`).
    ///
    /// ```
    /// let executor = threading::futures::ThreadPoolExecutor::new(1).unwrap();
    /// let f = executor.submit(|| ()).unwrap();
    /// f.result().unwrap();
    /// assert!(!f.running());
    /// ```
    pub fn running(&self) -> bool {
        self.status() == Status::Running
    }

    /// Whether the task finished or was cancelled (Python's `future.done()`).
    ///
    /// ```
    /// let executor = threading::futures::ThreadPoolExecutor::new(1).unwrap();
    /// let f = executor.submit(|| ()).unwrap();
    /// f.result().unwrap();
    /// assert!(f.done());
    /// ```
    pub fn done(&self) -> bool {
        matches!(self.status(), Status::Finished | Status::Cancelled)
    }

    /// Whether the future was cancelled (Python's `future.cancelled()`).
    ///
    /// ```
    /// let executor = threading::futures::ThreadPoolExecutor::new(1).unwrap();
    /// let f = executor.submit(|| ()).unwrap();
    /// f.result().unwrap();
    /// assert!(!f.cancelled());
    /// ```
    pub fn cancelled(&self) -> bool {
        self.status() == Status::Cancelled
    }

    /// Cancels the task if it has not started; returns whether the future is now cancelled
    /// (Python's `future.cancel()`: a running or finished task cannot be cancelled).
    ///
    /// ```
    /// use std::sync::Arc;
    /// let executor = threading::futures::ThreadPoolExecutor::new(1).unwrap();
    /// let gate = Arc::new(threading::Event::new());
    /// let busy = executor.submit({ let gate = gate.clone(); move || { gate.wait(); } }).unwrap();
    /// let queued = executor.submit(|| println!("never runs")).unwrap();
    /// assert!(queued.cancel(), "still waiting for a worker");
    /// assert!(queued.cancelled() && queued.done());
    /// gate.set();
    /// busy.result().unwrap();
    /// assert!(!busy.cancel(), "already finished");
    /// ```
    pub fn cancel(&self) -> bool {
        cancel(&self.inner)
    }

    /// Calls `callback` with this future once it is done, on the thread that finishes or
    /// cancels it; at once, on this thread, if it is already done (Python's
    /// `future.add_done_callback(fn)`). Callbacks run in the order they were added; a panic in
    /// one is reported on stderr and does not stop the others.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// let executor = threading::futures::ThreadPoolExecutor::new(1).unwrap();
    /// let f = executor.submit(|| vec![1, 2, 3, 4]).unwrap();
    /// f.result().unwrap();
    /// let seen = Arc::new(Mutex::new(String::new()));
    /// // Python: f.add_done_callback(print)
    /// f.add_done_callback({ let seen = seen.clone(); move |f| *seen.lock().unwrap() = f.to_string() });
    /// assert!(seen.lock().unwrap().ends_with("state=finished returned Vec<i32>>"));
    /// ```
    pub fn add_done_callback<F>(&self, callback: F)
    where
        F: FnOnce(&Future<T>) + Send + 'static,
    {
        let mut state = self.inner.state.lock();
        if matches!(state.status, Status::Pending | Status::Running) {
            state.callbacks.push(Box::new(callback));
            return;
        }
        drop(state);
        self.invoke(Box::new(callback));
    }

    fn invoke(&self, callback: Callback<T>) {
        let (outcome, location) =
            excepthook::capturing(|| std::panic::catch_unwind(AssertUnwindSafe(|| callback(self))));
        if let Err(payload) = outcome {
            let panic = TaskPanic::new(payload.as_ref(), location, crate::current_thread().name());
            let _ = writeln!(std::io::stderr().lock(), "exception calling callback for {self}\n{panic}");
        }
    }

    /// Asks `watcher` to be told `index` when this future is done; returns `true` (and installs
    /// nothing) if it already is.
    pub(crate) fn watch(&self, watcher: &Arc<Watcher>, index: usize) -> bool {
        let mut state = self.inner.state.lock();
        if matches!(state.status, Status::Finished | Status::Cancelled) {
            return true;
        }
        state.watchers.push((Arc::clone(watcher), index));
        false
    }

    pub(crate) fn unwatch(&self, watcher: &Arc<Watcher>) {
        self.inner.state.lock().watchers.retain(|(w, _)| !Arc::ptr_eq(w, watcher));
    }

    /// The future's identity, for sets of futures.
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.inner) as *const () as usize
    }

    /// Whether the task finished by panicking (without marking the panic as seen).
    pub(crate) fn panicked(&self) -> bool {
        let state = self.inner.state.lock();
        // SAFETY: `Finished` is seen under the mutex; only the discriminant is examined.
        state.status == Status::Finished
            && matches!(unsafe { self.inner.outcome.get() }, Some(Outcome::Panicked(_)))
    }
}

/// Lending the value: only where it may be shared between threads, since every handle of the
/// future may be on another thread.
///
/// ```compile_fail,E0599
/// // `Cell` is `Send` but not `Sync`: its future cannot lend it; use `into_result`.
/// let executor = threading::futures::ThreadPoolExecutor::new(1).unwrap();
/// let f = executor.submit(|| std::cell::Cell::new(1)).unwrap();
/// f.result();
/// ```
impl<T: Sync> Future<T> {
    /// Waits for the task, lending its value (Python's `future.result()`): a panic in the task
    /// is [`FutureError::Panicked`], a cancelled future [`FutureError::Cancelled`].
    /// Interruptible.
    ///
    /// ```
    /// let executor = threading::futures::ThreadPoolExecutor::new(2).unwrap();
    /// let answer = executor.submit(|| 6 * 7).unwrap();
    /// assert_eq!(answer.result(), Ok(&42));
    /// assert_eq!(*answer.result().unwrap(), 42, "it can be asked again");
    /// ```
    #[track_caller]
    pub fn result(&self) -> Result<&T, FutureError> {
        self.result_until(None, Location::caller())
    }

    /// Like [`result`](Future::result), giving up with [`FutureError::Timeout`] after
    /// `timeout` (Python's `future.result(timeout)`).
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use threading::futures::{FutureError, ThreadPoolExecutor};
    /// let executor = ThreadPoolExecutor::new(1).unwrap();
    /// let gate = Arc::new(threading::Event::new());
    /// let slow = executor.submit({ let gate = gate.clone(); move || gate.wait() }).unwrap();
    /// assert_eq!(slow.result_timeout(Duration::from_millis(10)), Err(FutureError::Timeout));
    /// gate.set();
    /// assert_eq!(slow.result_timeout(Duration::from_secs(60)), Ok(&true));
    /// ```
    #[track_caller]
    pub fn result_timeout(&self, timeout: Duration) -> Result<&T, FutureError> {
        self.result_until(deadline_after(timeout), Location::caller())
    }

    fn result_until(
        &self,
        deadline: Option<Instant>,
        site: &'static Location<'static>,
    ) -> Result<&T, FutureError> {
        match self.wait_done(deadline, Operation::FutureResult, site)? {
            Outcome::Returned(value) => Ok(value),
            Outcome::Panicked(panic) => {
                self.inner.observed.store(true, Ordering::Relaxed);
                Err(FutureError::Panicked(panic.clone()))
            }
        }
    }
}

impl<T> Drop for Inner<T> {
    /// Seed 002's complaint, fixed: a panic nobody looked at is reported, not lost.
    fn drop(&mut self) {
        if let Some(Outcome::Panicked(panic)) = self.outcome.0.get_mut()
            && !self.observed.load(Ordering::Relaxed)
        {
            let _ = writeln!(
                std::io::stderr().lock(),
                "Future exception was never retrieved (the task was submitted at {})\n{panic}",
                self.site
            );
        }
    }
}

impl<T> Clone for Future<T> {
    fn clone(&self) -> Self {
        Future::share(&self.inner)
    }
}

impl<T> Drop for Future<T> {
    fn drop(&mut self) {
        // Release: what this handle read of the outcome happens before `into_result` moves it.
        self.inner.handles.fetch_sub(1, Ordering::Release);
    }
}

impl<T> PartialEq for Future<T> {
    /// The same future (Python's `is`).
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl<T> Eq for Future<T> {}

impl<T> Hash for Future<T> {
    /// By identity, so futures can key a map as in Python's `{executor.submit(f, url): url}`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.inner).hash(state);
    }
}

impl<T> fmt::Display for Future<T> {
    /// Python's repr: `<Future at 0x7f... state=finished returned i32>`, `state=pending`,
    /// `state=running`, `state=cancelled`, `state=finished raised panic`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<Future at {:p} state=", Arc::as_ptr(&self.inner))?;
        let status = self.status();
        match status {
            Status::Pending => f.write_str("pending>"),
            Status::Running => f.write_str("running>"),
            Status::Cancelled => f.write_str("cancelled>"),
            // SAFETY: `Finished` was seen under the mutex; only the discriminant is examined.
            Status::Finished => match unsafe { self.inner.outcome.get() } {
                Some(Outcome::Panicked(_)) => f.write_str("finished raised panic>"),
                _ => write!(f, "finished returned {}>", short_type_name(std::any::type_name::<T>())),
            },
        }
    }
}

impl<T> fmt::Debug for Future<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// `alloc::vec::Vec<alloc::string::String>` → `Vec<String>`, as Python shows a class name.
pub(crate) fn short_type_name(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut path_start = 0;
    let mut chars = full.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            out.truncate(path_start);
        } else {
            out.push(c);
            if !(c.is_alphanumeric() || c == '_') {
                path_start = out.len();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::short_type_name;

    #[test]
    fn type_names_lose_their_paths() {
        assert_eq!(short_type_name("alloc::vec::Vec<alloc::string::String>"), "Vec<String>");
        assert_eq!(short_type_name("(i32, core::option::Option<&str>)"), "(i32, Option<&str>)");
        assert_eq!(short_type_name("()"), "()");
    }
}
