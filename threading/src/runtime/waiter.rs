//! The waiting machinery every blocking primitive shares.
//!
//! A primitive keeps its state and a [`WaitList`] behind one internal mutex. To block, a thread
//! enqueues a [`Waiter`] while holding that mutex, releases it, and [`park`]s; to wake it, another
//! thread pops the waiter (again under the mutex) and calls [`Waiter::notify`]. Because the flag
//! is set before the unpark, a wake-up that lands between the release and the park is not lost.
//!
//! Parking is where the crate's three cross-cutting features meet: the registry learns what the
//! thread is blocked on, an interrupt request can end the wait, and an installed
//! [scheduler](crate::schedule) can take over the decision of who runs next.

use crate::registry::{self, Blocked, ThreadInner};
use crate::schedule;
use crate::sys::{self, AtomicBool, Ordering};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

/// How a wait ended (what [`Scheduler::park`](crate::schedule::Scheduler::park) returns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// Another thread notified this waiter.
    Notified,
    /// The deadline passed first.
    TimedOut,
    /// The thread was interrupted (see [`interrupt`](crate::interrupt)).
    Interrupted,
}

/// One thread's stake in one wait: a flag set by the notifier and the thread to unpark.
#[derive(Debug)]
pub struct Waiter {
    notified: AtomicBool,
    thread: Arc<ThreadInner>,
}

impl Waiter {
    pub(crate) fn for_current() -> Arc<Waiter> {
        Arc::new(Waiter { notified: AtomicBool::new(false), thread: registry::current() })
    }

    /// Whether a notifier has already woken this waiter.
    pub fn is_notified(&self) -> bool {
        self.notified.load(Ordering::Acquire)
    }

    /// The `ident` of the waiting thread.
    pub fn thread_ident(&self) -> u64 {
        self.thread.ident()
    }

    /// The waiting thread (compares equal to the handles `current_thread()` and
    /// [`Scheduler::thread_created`](crate::schedule::Scheduler::thread_created) give out).
    pub fn thread(&self) -> crate::Thread {
        crate::Thread::from_inner(Arc::clone(&self.thread))
    }

    /// Marks the waiter notified and wakes its thread.
    pub(crate) fn notify(&self) {
        self.notified.store(true, Ordering::Release);
        match schedule::installed() {
            Some(scheduler) => scheduler.unpark(self),
            None => self.unpark_os(),
        }
    }

    /// Wakes the waiting OS thread (what the default scheduler does on notify and interrupt).
    pub fn unpark_os(&self) {
        self.thread.unpark();
    }

    /// Blocks the waiting (calling) OS thread until notified, interrupted or `deadline`: the
    /// default parking strategy, for schedulers that only observe.
    pub fn park_os(&self, deadline: Option<Instant>) -> Wake {
        loop {
            if self.is_notified() {
                return Wake::Notified;
            }
            if self.thread.take_interrupt() {
                return Wake::Interrupted;
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Wake::TimedOut;
            }
            sys::park_until(deadline);
        }
    }
}

/// Blocks the current thread on `waiter` until notified, timed out or interrupted, recording
/// in the registry what it waits for.
pub(crate) fn park(waiter: &Waiter, deadline: Option<Instant>, blocked: Blocked) -> Wake {
    let _record = registry::BlockedScope::enter(&waiter.thread, blocked);
    match schedule::installed() {
        Some(scheduler) => scheduler.park(waiter, deadline),
        None => waiter.park_os(deadline),
    }
}

/// A FIFO of waiters, kept inside a primitive's internal state.
#[derive(Debug, Default)]
pub(crate) struct WaitList {
    waiters: VecDeque<Arc<Waiter>>,
}

impl WaitList {
    pub(crate) const fn new() -> Self {
        WaitList { waiters: VecDeque::new() }
    }

    /// Enqueues the current thread and returns its waiter, to [`park`] on once the state's
    /// mutex is released.
    pub(crate) fn push_current(&mut self) -> Arc<Waiter> {
        let waiter = Waiter::for_current();
        self.waiters.push_back(Arc::clone(&waiter));
        waiter
    }

    pub(crate) fn len(&self) -> usize {
        self.waiters.len()
    }

    /// Wakes the longest-waiting thread; returns whether there was one.
    pub(crate) fn notify_one(&mut self) -> bool {
        match self.waiters.pop_front() {
            Some(waiter) => {
                waiter.notify();
                true
            }
            None => false,
        }
    }

    /// Takes the longest-waiting thread out of the list without waking it, so that the caller
    /// can [`Waiter::notify`] it after releasing the state's mutex (the woken thread then does
    /// not find the mutex still held, and the wake-up's system call is not made under it).
    pub(crate) fn pop(&mut self) -> Option<Arc<Waiter>> {
        self.waiters.pop_front()
    }

    /// Wakes up to `n` threads in FIFO order; returns how many were woken.
    pub(crate) fn notify(&mut self, n: usize) -> usize {
        let mut woken = 0;
        while woken < n && self.notify_one() {
            woken += 1;
        }
        woken
    }

    pub(crate) fn notify_all(&mut self) -> usize {
        self.notify(usize::MAX)
    }

    /// Takes a waiter that stopped waiting (timeout, interrupt) out of the list. Returns false
    /// if it was no longer there, meaning a notifier got to it first.
    pub(crate) fn remove(&mut self, waiter: &Arc<Waiter>) -> bool {
        match self.waiters.iter().position(|w| Arc::ptr_eq(w, waiter)) {
            Some(index) => {
                self.waiters.remove(index);
                true
            }
            None => false,
        }
    }
}

/// Waits on `list` (reached through `guard`) with the guard's mutex released while parked, and
/// returns the guard re-locked with how the wait ended.
///
/// A waiter that times out or is interrupted after a notifier already picked it reports
/// [`Wake::Notified`] for a timeout (the notification wins, as in CPython) and, for an
/// interrupt, hands the notification on so that no other waiter loses its wake-up.
pub(crate) fn wait_in<'a, T>(
    mutex: &'a sys::Mutex<T>,
    mut guard: sys::MutexGuard<'a, T>,
    list: impl Fn(&mut T) -> &mut WaitList,
    deadline: Option<Instant>,
    blocked: Blocked,
) -> (sys::MutexGuard<'a, T>, Wake) {
    let waiter = list(&mut guard).push_current();
    drop(guard);
    let wake = park(&waiter, deadline, blocked);
    let mut guard = mutex.lock();
    let wake = match wake {
        Wake::Notified => Wake::Notified,
        Wake::TimedOut if list(&mut guard).remove(&waiter) => Wake::TimedOut,
        Wake::TimedOut => Wake::Notified,
        Wake::Interrupted => {
            if !list(&mut guard).remove(&waiter) {
                list(&mut guard).notify_one();
            }
            Wake::Interrupted
        }
    };
    (guard, wake)
}
