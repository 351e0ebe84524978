//! The owner-less lock under [`Mutex`](super::Mutex): the state word of the crate's `RawLock`
//! (0 unlocked, 1 locked, 2 locked with possible waiters), waiters in a [`WaitList`], and a
//! `const` constructor.

use crate::schedule::{self, Operation};
use crate::waiter::WaitList;
use parking_lot::Mutex as PlMutex;
use std::panic::Location;
use std::sync::atomic::{AtomicU8, Ordering};

const UNLOCKED: u8 = 0;
const LOCKED: u8 = 1;
const CONTENDED: u8 = 2;
const SPINS: usize = 100;

#[derive(Debug)]
pub(crate) struct RawMutex {
    state: AtomicU8,
    waiters: PlMutex<WaitList>,
}

impl RawMutex {
    pub(crate) const fn new() -> Self {
        RawMutex { state: AtomicU8::new(UNLOCKED), waiters: PlMutex::new(WaitList::new()) }
    }

    pub(crate) fn try_lock(&self, operation: Operation, site: &'static Location<'static>) -> bool {
        super::super::wait::point(operation, site);
        self.state.compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed).is_ok()
    }

    #[inline]
    pub(crate) fn lock(&self, operation: Operation, site: &'static Location<'static>) {
        if !schedule::active()
            && self.state.compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed).is_ok()
        {
            return;
        }
        self.lock_slow(operation, site);
    }

    #[cold]
    fn lock_slow(&self, operation: Operation, site: &'static Location<'static>) {
        super::super::wait::point(operation, site);
        let mut state =
            match self.state.compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed) {
                Ok(_) => return,
                Err(state) => state,
            };
        let spins = if schedule::active() { 0 } else { SPINS };
        for _ in 0..spins {
            if state == UNLOCKED {
                match self.state.compare_exchange_weak(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
                {
                    Ok(_) => return,
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
                let (list, _) = super::super::wait::wait(&self.waiters, list, |l| l, None, operation, site);
                drop(list);
            } else {
                drop(list);
            }
            state = self.state.swap(CONTENDED, Ordering::Acquire);
        }
    }

    #[inline]
    pub(crate) fn unlock(&self, operation: Operation, site: &'static Location<'static>) {
        super::super::wait::point(operation, site);
        if self.state.swap(UNLOCKED, Ordering::Release) == CONTENDED {
            self.waiters.lock().notify_one();
        }
    }
}
