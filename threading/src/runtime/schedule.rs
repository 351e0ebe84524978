//! One hook at every synchronisation point, for test drivers that want to steer the schedule.
//!
//! Every acquire, release, wait, notify, set, clear, put, get, spawn, join and sleep in this
//! crate calls [`Scheduler::point`] before it acts, and every park and wake goes through the installed
//! [`Scheduler`]. With nothing installed the hook costs one relaxed atomic load.
//!
//! Two kinds of driver fit this one trait:
//!
//! * **observers** that keep real OS scheduling and only perturb it (seeded yields, delays and
//!   starvation windows in [`Scheduler::point`]), leaving `park`/`unpark` at their defaults;
//! * **controllers** that run threads one at a time and choose who runs next at every point,
//!   as shuttle and CHESS do: they learn every thread from [`Scheduler::thread_created`],
//!   hold each new thread in [`Scheduler::thread_started`] until it is chosen, see every
//!   blocked thread in [`Scheduler::park`] and every wake-up in [`Scheduler::unpark`], so a
//!   state where nobody can run is a deadlock they can report.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use threading::schedule::{self, Operation, Point, Scheduler};
//!
//! /// Counts synchronisation points by operation.
//! #[derive(Default)]
//! struct Counter(Mutex<Vec<Operation>>);
//! impl Scheduler for Counter {
//!     fn point(&self, point: &Point) {
//!         self.0.lock().unwrap().push(point.operation);
//!     }
//! }
//!
//! let counter = Arc::new(Counter::default());
//! let guard = schedule::install(counter.clone());
//! let lock = threading::Lock::new();
//! lock.acquire();
//! lock.release().unwrap();
//! drop(guard);
//! assert_eq!(*counter.0.lock().unwrap(), [Operation::LockAcquire, Operation::LockRelease]);
//! ```

pub use super::operation::{AtomicOp, AtomicType, Claim, Operation};
use crate::waiter::{Waiter, Wake};
use std::panic::Location;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// A synchronisation point: what is about to happen, on which primitive.
#[derive(Debug, Clone, Copy)]
pub struct Point<'a> {
    /// [`Operation::LockAcquire`], [`Operation::ConditionNotify`], [`Operation::Sleep`], ...
    pub operation: Operation,
    /// Where the primitive was created (or the call site for `sleep` and `start`).
    pub site: &'static Location<'static>,
    /// The primitive's name, if it has one.
    pub name: Option<&'a str>,
    /// The sleep's duration, for `sleep`.
    pub duration: Option<Duration>,
}

impl<'a> Point<'a> {
    pub(crate) fn new(operation: Operation, site: &'static Location<'static>) -> Self {
        Point { operation, site, name: None, duration: None }
    }
}

/// A test driver's view of, and say over, the schedule. All methods have defaults that behave
/// as if nothing were installed, so an implementation overrides only what it needs.
pub trait Scheduler: Send + Sync + 'static {
    /// Called by the current thread before every synchronisation operation.
    fn point(&self, point: &Point<'_>) {
        let _ = point;
    }

    /// The current thread must wait until `waiter` is notified, `deadline` passes or it is
    /// interrupted. A controller marks the thread blocked and passes control on; the thread
    /// reports [`Wake::TimedOut`] only if the controller lets its deadline pass.
    fn park(&self, waiter: &Waiter, deadline: Option<Instant>) -> Wake {
        waiter.park_os(deadline)
    }

    /// `waiter` was notified (its flag is already set): make its thread runnable.
    fn unpark(&self, waiter: &Waiter) {
        waiter.unpark_os();
    }

    /// `sleep(duration)` was called. The default sleeps; a controller treats it as a yield,
    /// which is what catches solutions that use sleeps to order threads.
    fn sleep(&self, duration: Duration) {
        crate::sleep::sleep_os(duration);
    }

    /// A [`Thread`](crate::Thread) with `ident`-to-be `name` is about to be spawned by the
    /// current thread. Called before the OS thread exists, in spawn order.
    fn thread_created(&self, thread: &crate::Thread) {
        let _ = thread;
    }

    /// First thing on a new thread, before its target runs: a controller blocks here until it
    /// chooses the thread.
    fn thread_started(&self, thread: &crate::Thread) {
        let _ = thread;
    }

    /// Last thing on a thread, after it has woken its joiners: a controller picks the next
    /// thread to run. The thread ends after this returns.
    fn thread_finished(&self, thread: &crate::Thread) {
        let _ = thread;
    }

    /// A wait that `std` allows to end spuriously ([`Condvar::wait`](crate::stdlib::sync::Condvar::wait)
    /// and its variants, [`thread::park`](crate::stdlib::thread::park)) is about to block at `point`:
    /// return `true` to wake it at once without a notification, as `std` documents may happen.
    /// The default never does; a controller that returns `true` on some runs catches an `if`
    /// where a `while` belongs. Called only by the [`stdlib`](crate::stdlib) module's types.
    fn spurious_wakeup(&self, point: &Point<'_>) -> bool {
        let _ = point;
        false
    }
}

static ACTIVE: AtomicBool = AtomicBool::new(false);
static INSTALLED: RwLock<Option<Arc<dyn Scheduler>>> = RwLock::new(None);

/// Whether a scheduler is installed: the one relaxed load on every fast path.
#[inline(always)]
pub(crate) fn active() -> bool {
    ACTIVE.load(Ordering::Relaxed)
}

/// The installed scheduler, if any.
#[inline]
pub(crate) fn installed() -> Option<Arc<dyn Scheduler>> {
    if !active() {
        return None;
    }
    INSTALLED.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// In a forked child: the parent's scheduler steers threads that do not exist there, so it
/// is switched off (without touching its lock, which another thread may have held at the fork).
#[cfg(feature = "process")]
pub(crate) fn disable_after_fork() {
    ACTIVE.store(false, Ordering::SeqCst);
}

/// Calls the installed scheduler's [`Scheduler::point`].
#[inline]
pub(crate) fn point(point: impl FnOnce() -> Point<'static>) {
    if active()
        && let Some(scheduler) = installed()
    {
        scheduler.point(&point());
    }
}

/// Calls the installed scheduler's [`Scheduler::point`] for a named primitive.
#[inline]
pub(crate) fn point_named(operation: Operation, site: &'static Location<'static>, name: Option<&str>) {
    if active()
        && let Some(scheduler) = installed()
    {
        scheduler.point(&Point { operation, site, name, duration: None });
    }
}

/// Uninstalls the scheduler when dropped (returned by [`install`]).
#[must_use = "the scheduler is uninstalled when this guard is dropped"]
#[derive(Debug)]
pub struct InstallGuard {
    _private: (),
}

impl Drop for InstallGuard {
    fn drop(&mut self) {
        uninstall();
    }
}

/// Installs `scheduler` process-wide, replacing any other, until the guard is dropped.
///
/// ```
/// use std::sync::Arc;
/// struct Quiet;
/// impl threading::schedule::Scheduler for Quiet {}
/// let guard = threading::schedule::install(Arc::new(Quiet));
/// assert!(threading::schedule::is_installed());
/// drop(guard);
/// assert!(!threading::schedule::is_installed());
/// ```
pub fn install(scheduler: Arc<dyn Scheduler>) -> InstallGuard {
    *INSTALLED.write().unwrap_or_else(|e| e.into_inner()) = Some(scheduler);
    ACTIVE.store(true, Ordering::SeqCst);
    InstallGuard { _private: () }
}

/// Removes the installed scheduler, if any.
///
/// ```
/// threading::schedule::uninstall();
/// assert!(!threading::schedule::is_installed());
/// ```
pub fn uninstall() {
    ACTIVE.store(false, Ordering::SeqCst);
    *INSTALLED.write().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Whether a scheduler is installed.
///
/// ```
/// assert!(!threading::schedule::is_installed());
/// ```
pub fn is_installed() -> bool {
    active()
}

/// The idle hook alone, for the benchmark that measures its cost (one relaxed load and a branch).
#[doc(hidden)]
#[inline(never)]
pub fn __idle_point_probe() {
    point_named(Operation::Probe, Location::caller(), None);
}
