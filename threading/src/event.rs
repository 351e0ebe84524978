//! Python's `threading.Event`.

use crate::raw_lock::deadline_after;
use crate::registry::Blocked;
use crate::schedule::{self, Operation};
use crate::sys::{self, AtomicBool, Ordering};
use crate::waiter::{self, WaitList, Wake};
use std::fmt;
use std::panic::Location;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A flag threads can wait for (Python's `threading.Event`): [`set`](Event::set) wakes every
/// waiter, [`clear`](Event::clear) resets it.
///
/// ```
/// use std::sync::Arc;
/// use threading::{Event, Thread};
///
/// // Seed 001: know when a thread has really started.
/// let started = Arc::new(Event::new());
/// let t = Thread::new({
///     let started = started.clone();
///     move || {
///         started.set();
///         // ... the thread's work
///     }
/// });
/// t.start().unwrap();
/// assert!(started.wait());
/// t.join().unwrap();
/// ```
///
/// # Differences from Python
/// * `wait(timeout)` is [`wait_timeout`](Event::wait_timeout).
pub struct Event {
    flag: AtomicBool,
    waiters: sys::Mutex<WaitList>,
    site: &'static Location<'static>,
    name: Option<Arc<str>>,
}

impl Event {
    /// An event whose flag is clear.
    ///
    /// ```
    /// assert!(!threading::Event::new().is_set());
    /// ```
    #[track_caller]
    pub fn new() -> Event {
        Event {
            flag: AtomicBool::new(false),
            waiters: sys::Mutex::new(WaitList::new()),
            site: Location::caller(),
            name: None,
        }
    }

    /// Names the event, for deadlock reports and the scheduler.
    ///
    /// ```
    /// assert_eq!(threading::Event::new().named("ready").name(), Some("ready"));
    /// ```
    pub fn named(mut self, name: impl Into<Arc<str>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The name given with [`named`](Event::named).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Whether the flag is set.
    ///
    /// ```
    /// let e = threading::Event::new();
    /// e.set();
    /// assert!(e.is_set());
    /// ```
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }

    /// Sets the flag and wakes every waiting thread.
    ///
    /// ```
    /// let e = threading::Event::new();
    /// e.set();
    /// assert!(e.wait());
    /// ```
    pub fn set(&self) {
        schedule::point_named(Operation::EventSet, self.site, self.name.as_deref());
        let mut waiters = self.waiters.lock();
        self.flag.store(true, Ordering::Release);
        waiters.notify_all();
    }

    /// Clears the flag; later waits block until the next `set`.
    ///
    /// ```
    /// let e = threading::Event::new();
    /// e.set();
    /// e.clear();
    /// assert!(!e.is_set());
    /// ```
    pub fn clear(&self) {
        schedule::point_named(Operation::EventClear, self.site, self.name.as_deref());
        let _waiters = self.waiters.lock();
        self.flag.store(false, Ordering::Release);
    }

    /// Blocks until the flag is set; returns `true` (the flag), as Python's `wait()` does.
    ///
    /// ```
    /// let e = threading::Event::new();
    /// e.set();
    /// assert!(e.wait());
    /// ```
    pub fn wait(&self) -> bool {
        self.wait_until(None)
    }

    /// Blocks until the flag is set or `timeout` passes; returns the flag (Python's
    /// `wait(timeout)`: `False` means it timed out).
    ///
    /// ```
    /// let e = threading::Event::new();
    /// assert!(!e.wait_timeout(std::time::Duration::from_millis(5)));
    /// ```
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.wait_until(deadline_after(timeout))
    }

    fn wait_until(&self, deadline: Option<Instant>) -> bool {
        schedule::point_named(Operation::EventWait, self.site, self.name.as_deref());
        if self.is_set() {
            return true;
        }
        let waiters = self.waiters.lock();
        if self.flag.load(Ordering::Acquire) {
            return true;
        }
        let blocked = Blocked::new(Operation::EventWait, self.site).named(self.name.clone());
        let (waiters, wake) = waiter::wait_in(&self.waiters, waiters, |w| w, deadline, blocked);
        match wake {
            // Woken by `set`: true even if a `clear` followed at once, as in CPython.
            Wake::Notified => true,
            Wake::TimedOut => self.flag.load(Ordering::Acquire),
            Wake::Interrupted => {
                drop(waiters);
                crate::interrupt::raise();
            }
        }
    }
}

impl Default for Event {
    #[track_caller]
    fn default() -> Self {
        Event::new()
    }
}

impl fmt::Debug for Event {
    /// Python's repr: `<threading.Event at 0x...: unset>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.is_set() { "set" } else { "unset" };
        write!(f, "<threading.Event at {:p}: {state}>", self as *const Self)
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
