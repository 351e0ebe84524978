//! The waiting machinery of [`waiter`](crate::waiter), for state kept behind a `parking_lot`
//! mutex (whose `new` is `const`, as `std`'s constructors are).

use crate::registry::Blocked;
use crate::schedule::Operation;
use crate::schedule::{self, Point};
use crate::waiter::{self, WaitList, Wake};
use parking_lot::{Mutex, MutexGuard};
use std::panic::Location;
use std::time::{Duration, Instant};

/// A synchronisation point (one relaxed load when no scheduler is installed).
#[inline(always)]
pub(crate) fn point(operation: Operation, site: &'static Location<'static>) {
    if schedule::active() {
        schedule::point_named(operation, site, None);
    }
}

/// A yield (`thread::yield_now`, `hint::spin_loop`): a point, then the scheduler's
/// [`sleep`](crate::schedule::Scheduler::sleep) of zero, which a controller treats as a yield (as
/// it does `sleep(0)`), so a spin loop gives way. Returns false if no scheduler is installed.
pub(crate) fn yield_point(operation: Operation, site: &'static Location<'static>) -> bool {
    match schedule::installed() {
        Some(scheduler) => {
            scheduler.point(&Point { duration: Some(Duration::ZERO), ..Point::new(operation, site) });
            scheduler.sleep(Duration::ZERO);
            true
        }
        None => false,
    }
}

/// Whether the installed scheduler makes the wait at `operation` end spuriously.
pub(crate) fn spurious(operation: Operation, site: &'static Location<'static>) -> bool {
    schedule::installed().is_some_and(|s| s.spurious_wakeup(&Point::new(operation, site)))
}

/// `now + timeout`, or `None` (forever) if that overflows.
pub(crate) fn deadline(timeout: Duration) -> Option<Instant> {
    Instant::now().checked_add(timeout)
}

/// Waits on the list reached through `guard`, with `mutex` released while parked; returns the
/// guard re-locked and how the wait ended. An interrupted waiter hands a notification it
/// already received on, then unwinds with `KeyboardInterrupt`.
pub(crate) fn wait<'a, S>(
    mutex: &'a Mutex<S>,
    guard: MutexGuard<'a, S>,
    list: impl Fn(&mut S) -> &mut WaitList,
    deadline: Option<Instant>,
    operation: Operation,
    site: &'static Location<'static>,
) -> (MutexGuard<'a, S>, Wake) {
    let hand_on = |state: &mut S, removed: bool| {
        if !removed {
            list(state).notify_one();
        }
    };
    wait_with(mutex, guard, &list, deadline, operation, site, hand_on)
}

/// [`wait`], with `on_interrupt(state, removed)` run under the mutex before an interrupt unwinds
/// (`removed` is false if a notifier had already taken the waiter off the list).
pub(crate) fn wait_with<'a, S>(
    mutex: &'a Mutex<S>,
    mut guard: MutexGuard<'a, S>,
    list: impl Fn(&mut S) -> &mut WaitList,
    deadline: Option<Instant>,
    operation: Operation,
    site: &'static Location<'static>,
    on_interrupt: impl FnOnce(&mut S, bool),
) -> (MutexGuard<'a, S>, Wake) {
    let waiter = list(&mut guard).push_current();
    drop(guard);
    let wake = waiter::park(&waiter, deadline, Blocked::new(operation, site));
    let mut guard = mutex.lock();
    let wake = match wake {
        Wake::Notified => Wake::Notified,
        Wake::TimedOut if list(&mut guard).remove(&waiter) => Wake::TimedOut,
        Wake::TimedOut => Wake::Notified,
        Wake::Interrupted => {
            let removed = list(&mut guard).remove(&waiter);
            on_interrupt(&mut guard, removed);
            drop(guard);
            crate::interrupt::raise();
        }
    };
    (guard, wake)
}
