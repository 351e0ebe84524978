//! Python's `time.sleep`, as a synchronisation point.

use crate::registry::{self, Blocked};
use crate::schedule::{self, Operation};
use crate::waiter::{Waiter, Wake};
use std::panic::Location;
use std::time::{Duration, Instant};

/// Sleeps for `duration`, like Python's `time.sleep`.
///
/// Unlike `std::thread::sleep` it is interruptible (see [`interrupt`](crate::interrupt)) and a
/// [synchronisation point](crate::schedule): under a controlled scheduler a sleep is a yield, so
/// code that sleeps to order threads is caught rather than lucky.
///
/// ```
/// use std::time::{Duration, Instant};
/// let start = Instant::now();
/// threading::sleep(Duration::from_millis(10));
/// assert!(start.elapsed() >= Duration::from_millis(10));
/// ```
#[track_caller]
pub fn sleep(duration: Duration) {
    let site = Location::caller();
    if let Some(scheduler) = schedule::installed() {
        scheduler.point(&schedule::Point {
            duration: Some(duration),
            ..schedule::Point::new(Operation::Sleep, site)
        });
        scheduler.sleep(duration);
        return;
    }
    sleep_interruptibly(duration, site);
}

/// The real sleep: parks with a deadline so an interrupt can end it early.
pub(crate) fn sleep_os(duration: Duration) {
    sleep_interruptibly(duration, Location::caller());
}

fn sleep_interruptibly(duration: Duration, site: &'static Location<'static>) {
    let deadline = Instant::now().checked_add(duration);
    let waiter = Waiter::for_current();
    let me = registry::current();
    crate::interrupt::check(&me);
    let _scope = registry::BlockedScope::enter(&me, Blocked::new(Operation::Sleep, site));
    if waiter.park_os(deadline) == Wake::Interrupted {
        drop(_scope);
        crate::interrupt::raise();
    }
}
