//! The handful of low-level primitives every other module is built from.
//!
//! Everything that must be model-checked goes through here, so that `RUSTFLAGS="--cfg loom"`
//! swaps in loom's instrumented atomics, mutex and park/unpark without touching the primitives.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU8, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

#[cfg(loom)]
pub(crate) use loom::thread_local;
#[cfg(not(loom))]
pub(crate) use std::thread_local;

#[cfg(not(loom))]
pub(crate) use std::thread::Thread as OsThread;

use std::time::Instant;

/// A mutex for the primitives' internal state: parking_lot's, whose adaptive spinning cuts a
/// contended queue (4 producers, 4 consumers) to a third of its cost on std's (see
/// BENCHMARKS.md). Poisoning is ignored: internal state is only mutated by this crate's code,
/// which never panics while holding it, and a user's panic in another critical section must not
/// make every later `acquire` fail.
#[derive(Debug, Default)]
pub(crate) struct Mutex<T>(#[cfg(not(loom))] parking_lot::Mutex<T>, #[cfg(loom)] loom::sync::Mutex<T>);

#[cfg(not(loom))]
pub(crate) type MutexGuard<'a, T> = parking_lot::MutexGuard<'a, T>;
#[cfg(loom)]
pub(crate) type MutexGuard<'a, T> = loom::sync::MutexGuard<'a, T>;

// std's `Mutex` is unwind-safe because a panic poisons it; this one ignores poisoning (see above),
// and the primitives built on it must stay usable inside `catch_unwind`, as std's are.
impl<T> std::panic::RefUnwindSafe for Mutex<T> {}
impl<T> std::panic::UnwindSafe for Mutex<T> {}

impl<T> Mutex<T> {
    pub(crate) fn new(value: T) -> Self {
        #[cfg(not(loom))]
        return Mutex(parking_lot::Mutex::new(value));
        #[cfg(loom)]
        return Mutex(loom::sync::Mutex::new(value));
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
        #[cfg(not(loom))]
        return self.0.lock();
        #[cfg(loom)]
        return self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    }
}

/// The OS handle of the calling thread, used to unpark it.
#[cfg(not(loom))]
pub(crate) fn current_os_thread() -> OsThread {
    std::thread::current()
}

/// Parks the calling thread until unparked, a spurious wake-up, or `deadline`.
#[cfg(not(loom))]
pub(crate) fn park_until(deadline: Option<Instant>) {
    match deadline {
        None => std::thread::park(),
        Some(deadline) => {
            let now = Instant::now();
            if deadline > now {
                std::thread::park_timeout(deadline - now);
            }
        }
    }
}

/// Under loom, a park token per thread, built from loom's mutex and condvar: loom's own
/// `unpark` also wakes a thread blocked on a mutex, which is not what real threads do.
#[cfg(loom)]
#[derive(Clone, Debug)]
pub(crate) struct OsThread(std::sync::Arc<(loom::sync::Mutex<bool>, loom::sync::Condvar)>);

#[cfg(loom)]
impl OsThread {
    pub(crate) fn unpark(&self) {
        *self.0.0.lock().unwrap() = true;
        self.0.1.notify_one();
    }
}

#[cfg(loom)]
loom::thread_local! {
    static PARKER: OsThread = OsThread(Default::default());
}

#[cfg(loom)]
pub(crate) fn current_os_thread() -> OsThread {
    PARKER.with(OsThread::clone)
}

/// loom has no notion of time: a timed park is modelled as an untimed one.
#[cfg(loom)]
pub(crate) fn park_until(_deadline: Option<Instant>) {
    let parker = current_os_thread();
    let mut token = parker.0.0.lock().unwrap();
    while !*token {
        token = parker.0.1.wait(token).unwrap();
    }
    *token = false;
}
