//! `std::sync::Condvar`, controlled, with spurious wake-ups a scheduler can inject.

use super::mutex::MutexGuard;
use crate::registry::Blocked;
use crate::schedule::{self, Operation};
use crate::stdlib::wait;
use crate::waiter::{self, WaitList, Wake};
use std::fmt;
use std::panic::{Location, RefUnwindSafe, UnwindSafe};
use std::sync::{LockResult, PoisonError};
use std::time::{Duration, Instant};

/// `std::sync::Condvar`: lets threads wait, with a [`Mutex`](super::Mutex) released, until
/// another thread notifies them.
///
/// Every wait and notify is a synchronisation point (`Condvar.wait`, `Condvar.notify_one`,
/// `Condvar.notify_all`). As `std` documents, a wait may end without a notification: here the
/// installed scheduler decides when ([`Scheduler::spurious_wakeup`](crate::schedule::Scheduler::spurious_wakeup)),
/// so waiting under an `if` instead of a `while` (or [`wait_while`](Condvar::wait_while)) can
/// be caught; with no scheduler installed no wake-up is spurious.
///
/// ```
/// use threading::stdlib::sync::{Arc, Condvar, Mutex};
/// use threading::stdlib::thread;
///
/// let pair = Arc::new((Mutex::new(false), Condvar::new()));
/// let pair2 = Arc::clone(&pair);
/// let t = thread::spawn(move || {
///     let (lock, cvar) = &*pair2;
///     *lock.lock().unwrap() = true;
///     cvar.notify_one();
/// });
/// let (lock, cvar) = &*pair;
/// let mut started = lock.lock().unwrap();
/// while !*started {
///     started = cvar.wait(started).unwrap();
/// }
/// t.join().unwrap();
/// ```
pub struct Condvar {
    waiters: parking_lot::Mutex<WaitList>,
    site: &'static Location<'static>,
}

impl UnwindSafe for Condvar {}
impl RefUnwindSafe for Condvar {}

/// Whether a timed wait on a [`Condvar`] ended because its time ran out
/// (`std::sync::WaitTimeoutResult`).
///
/// ```
/// use std::time::Duration;
/// use threading::stdlib::sync::{Condvar, Mutex};
/// let (m, c) = (Mutex::new(()), Condvar::new());
/// let (_guard, result) = c.wait_timeout(m.lock().unwrap(), Duration::from_millis(1)).unwrap();
/// assert!(result.timed_out());
/// ```
#[derive(Debug, PartialEq, Eq, Copy, Clone)]
pub struct WaitTimeoutResult(bool);

impl WaitTimeoutResult {
    /// Whether the wait is known to have timed out.
    ///
    /// ```
    /// use std::time::Duration;
    /// use threading::stdlib::sync::{Condvar, Mutex};
    /// let (m, c) = (Mutex::new(()), Condvar::new());
    /// assert!(c.wait_timeout(m.lock().unwrap(), Duration::ZERO).unwrap().1.timed_out());
    /// ```
    #[must_use]
    pub fn timed_out(&self) -> bool {
        self.0
    }
}

impl Condvar {
    /// A new condition variable (`const`, so it can be a `static`).
    ///
    /// ```
    /// static READY: threading::stdlib::sync::Condvar = threading::stdlib::sync::Condvar::new();
    /// READY.notify_all();
    /// ```
    #[track_caller]
    #[must_use]
    pub const fn new() -> Condvar {
        Condvar { waiters: parking_lot::Mutex::new(WaitList::new()), site: Location::caller() }
    }

    /// Releases the guard's mutex, blocks until notified (or woken spuriously), re-acquires it.
    /// `Err` (with the guard inside) if the mutex is poisoned when re-acquired.
    ///
    /// ```
    /// use threading::stdlib::sync::{Arc, Condvar, Mutex};
    /// let pair = Arc::new((Mutex::new(0), Condvar::new()));
    /// let p = pair.clone();
    /// let t = threading::stdlib::thread::spawn(move || {
    ///     *p.0.lock().unwrap() = 1;
    ///     p.1.notify_all();
    /// });
    /// let mut n = pair.0.lock().unwrap();
    /// while *n == 0 {
    ///     n = pair.1.wait(n).unwrap();
    /// }
    /// t.join().unwrap();
    /// ```
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> LockResult<MutexGuard<'a, T>> {
        let (guard, _) = self.wait_until(guard, None, Operation::CondvarWait);
        guard
    }

    /// Waits while `condition` holds for the data, as `while condition(&mut *g) { g = wait(g)? }`.
    ///
    /// ```
    /// use threading::stdlib::sync::{Arc, Condvar, Mutex};
    /// let pair = Arc::new((Mutex::new(true), Condvar::new()));
    /// let p = pair.clone();
    /// let t = threading::stdlib::thread::spawn(move || {
    ///     *p.0.lock().unwrap() = false;
    ///     p.1.notify_one();
    /// });
    /// let guard = pair.1.wait_while(pair.0.lock().unwrap(), |pending| *pending).unwrap();
    /// assert!(!*guard);
    /// # drop(guard);
    /// t.join().unwrap();
    /// ```
    pub fn wait_while<'a, T, F>(
        &self,
        mut guard: MutexGuard<'a, T>,
        mut condition: F,
    ) -> LockResult<MutexGuard<'a, T>>
    where
        F: FnMut(&mut T) -> bool,
    {
        while condition(&mut *guard) {
            guard = self.wait(guard)?;
        }
        Ok(guard)
    }

    /// [`wait`](Condvar::wait) for at most `dur`; the result says whether it timed out.
    ///
    /// ```
    /// use std::time::Duration;
    /// use threading::stdlib::sync::{Condvar, Mutex};
    /// let (m, c) = (Mutex::new(0), Condvar::new());
    /// let (guard, result) = c.wait_timeout(m.lock().unwrap(), Duration::from_millis(10)).unwrap();
    /// assert!(result.timed_out());
    /// assert_eq!(*guard, 0);
    /// ```
    pub fn wait_timeout<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        dur: Duration,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
        let (guard, timed_out) = self.wait_until(guard, wait::deadline(dur), Operation::CondvarWaitTimeout);
        let result = WaitTimeoutResult(timed_out);
        match guard {
            Ok(guard) => Ok((guard, result)),
            Err(poisoned) => Err(PoisonError::new((poisoned.into_inner(), result))),
        }
    }

    /// Waits while `condition` holds, for at most `dur` in all; the result says whether the
    /// time ran out with the condition still true.
    ///
    /// ```
    /// use std::time::Duration;
    /// use threading::stdlib::sync::{Condvar, Mutex};
    /// let (m, c) = (Mutex::new(true), Condvar::new());
    /// let (guard, result) =
    ///     c.wait_timeout_while(m.lock().unwrap(), Duration::from_millis(10), |pending| *pending).unwrap();
    /// assert!(result.timed_out() && *guard);
    /// ```
    pub fn wait_timeout_while<'a, T, F>(
        &self,
        mut guard: MutexGuard<'a, T>,
        dur: Duration,
        mut condition: F,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)>
    where
        F: FnMut(&mut T) -> bool,
    {
        // One deadline for the whole wait, and no reading of the clock here: the timed wait
        // reports the timeout (under a controller, when the schedule says so), so a replayed
        // schedule takes the same path whatever the real time.
        let deadline = wait::deadline(dur);
        loop {
            if !condition(&mut *guard) {
                return Ok((guard, WaitTimeoutResult(false)));
            }
            let (next, timed_out) = self.wait_until(guard, deadline, Operation::CondvarWaitTimeout);
            guard = match next {
                Ok(next) => next,
                Err(poisoned) => {
                    return Err(PoisonError::new((poisoned.into_inner(), WaitTimeoutResult(timed_out))));
                }
            };
            if timed_out {
                let still = condition(&mut *guard);
                return Ok((guard, WaitTimeoutResult(still)));
            }
        }
    }

    /// Wakes one waiting thread, if any (the longest-waiting one).
    ///
    /// ```
    /// threading::stdlib::sync::Condvar::new().notify_one(); // nobody waits: a no-op
    /// ```
    pub fn notify_one(&self) {
        wait::point(Operation::CondvarNotifyOne, self.site);
        let waiter = self.waiters.lock().pop();
        if let Some(waiter) = waiter {
            waiter.notify();
        }
    }

    /// Wakes every waiting thread.
    ///
    /// ```
    /// threading::stdlib::sync::Condvar::new().notify_all(); // nobody waits: a no-op
    /// ```
    pub fn notify_all(&self) {
        wait::point(Operation::CondvarNotifyAll, self.site);
        let mut woken = Vec::new();
        {
            let mut list = self.waiters.lock();
            while let Some(waiter) = list.pop() {
                woken.push(waiter);
            }
        }
        for waiter in woken {
            waiter.notify();
        }
    }

    /// The wait itself: enqueue, release the mutex, park (unless the scheduler makes this
    /// wake-up spurious), dequeue, re-acquire. Returns the re-locked guard and whether it timed out.
    fn wait_until<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        deadline: Option<Instant>,
        operation: Operation,
    ) -> (LockResult<MutexGuard<'a, T>>, bool) {
        wait::point(operation, self.site);
        let mutex = MutexGuard::mutex(&guard);
        let waiter = self.waiters.lock().push_current();
        drop(guard);
        let spurious = schedule::active() && wait::spurious(operation, self.site);
        let wake = if spurious {
            Wake::Notified
        } else {
            waiter::park(&waiter, deadline, Blocked::new(operation, self.site))
        };
        let timed_out = {
            let mut list = self.waiters.lock();
            let removed = list.remove(&waiter);
            match wake {
                Wake::Notified => false,
                Wake::TimedOut => removed,
                Wake::Interrupted => {
                    if !removed {
                        list.notify_one();
                    }
                    drop(list);
                    crate::interrupt::raise();
                }
            }
        };
        (mutex.lock(), timed_out)
    }
}

impl Default for Condvar {
    /// ```
    /// let c: threading::stdlib::sync::Condvar = Default::default();
    /// c.notify_one();
    /// ```
    #[track_caller]
    fn default() -> Self {
        Condvar::new()
    }
}

impl fmt::Debug for Condvar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condvar").finish_non_exhaustive()
    }
}
