//! The owner-less lock every lock-like primitive is built on.
//!
//! The state word follows Drepper's "Futexes are tricky" mutex: 0 unlocked, 1 locked,
//! 2 locked with possible waiters. Uncontended acquire and release are one CAS each (plus one
//! relaxed load of the scheduling hook); waiters queue in the shared [`WaitList`], so an
//! interrupt, a timeout or a controlled scheduler can take over any of them.

use crate::error::RuntimeError;
use crate::registry::Blocked;
use crate::schedule::{self, Operation};
use crate::sys::{self, AtomicU8, Ordering};
use crate::waiter::{self, WaitList, Wake};
use std::panic::Location;
use std::sync::Arc;
use std::time::Instant;

const UNLOCKED: u8 = 0;
const LOCKED: u8 = 1;
const CONTENDED: u8 = 2;

/// Spins before parking, when the lock is held but nobody waits yet.
const SPINS: usize = if cfg!(loom) { 0 } else { 100 };

#[derive(Debug)]
pub(crate) struct RawLock {
    state: AtomicU8,
    waiters: sys::Mutex<WaitList>,
    pub(crate) site: &'static Location<'static>,
    pub(crate) name: Option<Arc<str>>,
    /// `Lock.acquire`, `Condition.acquire`, ... for the registry and the scheduler.
    acquire_op: Operation,
    release_op: Operation,
}

impl RawLock {
    pub(crate) fn new(site: &'static Location<'static>, kind: LockKind) -> Self {
        let (acquire_op, release_op) = kind.operations();
        RawLock {
            state: AtomicU8::new(UNLOCKED),
            waiters: sys::Mutex::new(WaitList::new()),
            site,
            name: None,
            acquire_op,
            release_op,
        }
    }

    pub(crate) fn locked(&self) -> bool {
        self.state.load(Ordering::Relaxed) != UNLOCKED
    }

    /// Acquires without blocking; the operation is still a synchronisation point.
    pub(crate) fn try_acquire(&self) -> bool {
        if schedule::active() {
            schedule::point_named(self.acquire_op, self.site, self.name.as_deref());
        }
        self.state.compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed).is_ok()
    }

    /// Acquires, blocking until `deadline` at most. Unwinds with `KeyboardInterrupt` if the
    /// thread is interrupted while it waits.
    #[inline]
    pub(crate) fn acquire(&self, deadline: Option<Instant>) -> bool {
        if !schedule::active()
            && self.state.compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed).is_ok()
        {
            return true;
        }
        self.acquire_slow(deadline)
    }

    #[cold]
    fn acquire_slow(&self, deadline: Option<Instant>) -> bool {
        schedule::point_named(self.acquire_op, self.site, self.name.as_deref());
        let mut state =
            match self.state.compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(state) => state,
            };
        // Spin briefly first, as std's and parking_lot's mutexes do: a holder that is about to
        // release (a notifier leaving its critical section) is cheaper to wait for than to sleep on.
        for _ in 0..SPINS {
            if state == UNLOCKED {
                match self.state.compare_exchange_weak(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
                {
                    Ok(_) => return true,
                    Err(actual) => state = actual,
                }
            } else if state == CONTENDED {
                break;
            } else {
                std::hint::spin_loop();
                state = self.state.load(Ordering::Relaxed);
            }
        }
        if state != CONTENDED {
            state = self.state.swap(CONTENDED, Ordering::Acquire);
        }
        while state != UNLOCKED {
            let list = self.waiters.lock();
            if self.state.load(Ordering::Relaxed) == CONTENDED {
                let blocked = Blocked::new(self.acquire_op, self.site).named(self.name.clone());
                let (list, wake) = waiter::wait_in(&self.waiters, list, |l| l, deadline, blocked);
                drop(list);
                match wake {
                    Wake::Notified => {}
                    Wake::TimedOut => return false,
                    Wake::Interrupted => crate::interrupt::raise(),
                }
            } else {
                drop(list);
            }
            state = self.state.swap(CONTENDED, Ordering::Acquire);
        }
        true
    }

    /// Releases; any thread may release (Python's locks have no owner).
    #[inline]
    pub(crate) fn release(&self) -> Result<(), RuntimeError> {
        if schedule::active() {
            schedule::point_named(self.release_op, self.site, self.name.as_deref());
        }
        // One swap: releasing an unlocked lock stores the 0 that was already there, then errs.
        match self.state.swap(UNLOCKED, Ordering::Release) {
            UNLOCKED => Err(RuntimeError::new("release unlocked lock")),
            CONTENDED => {
                self.waiters.lock().notify_one();
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// Which primitive a [`RawLock`] serves, for the names of its operations.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LockKind {
    Lock,
    RLock,
}

impl LockKind {
    fn operations(self) -> (Operation, Operation) {
        match self {
            LockKind::Lock => (Operation::LockAcquire, Operation::LockRelease),
            LockKind::RLock => (Operation::RLockAcquire, Operation::RLockRelease),
        }
    }
}

/// `Some(now + timeout)`, or `None` (wait forever) for timeouts beyond [`TIMEOUT_MAX`](crate::TIMEOUT_MAX).
pub(crate) fn deadline_after(timeout: std::time::Duration) -> Option<Instant> {
    if timeout > crate::TIMEOUT_MAX { None } else { Instant::now().checked_add(timeout) }
}
