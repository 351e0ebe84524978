//! A lock and a counter that work across processes: 32-bit words in memory shared by every
//! process forked after it was created, waited on with futexes.
//!
//! The lock word holds the holder's pid (0 when free) plus a "someone may be waiting" bit, so
//! a waiter that finds the holder gone (killed in the middle of a `put`) takes the lock over
//! instead of hanging: the protected stream may then hold half a message, which the queue
//! detects and reports.

use super::error::ConnectionError;
use super::frame::{self, Waiting};
use super::sys;
use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

const WAITERS: u32 = 1 << 31;
const OWNER: u32 = !WAITERS;

/// Holds a cross-process lock; releases it when dropped.
#[derive(Debug)]
pub(crate) struct LockGuard<'a> {
    word: &'a AtomicU32,
    /// Whether the lock was taken over from a process that died holding it: what it protects
    /// may have been left half done.
    pub(crate) taken_over: bool,
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        if self.word.swap(0, Ordering::Release) & WAITERS != 0 {
            sys::futex_wake(self.word, 1);
        }
    }
}

/// Takes the lock in `word` for the calling process, waiting until `deadline` (`None` if it
/// passed first).
pub(crate) fn lock<'a>(
    word: &'a AtomicU32,
    deadline: Option<Instant>,
    waiting: Waiting<'_>,
) -> Result<Option<LockGuard<'a>>, ConnectionError> {
    let me = sys::getpid();
    if word.compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed).is_ok() {
        return Ok(Some(LockGuard { word, taken_over: false }));
    }
    let taken_over = Cell::new(false);
    let taken = frame::wait_until(
        || taken_over.get() || try_lock_contended(word, me),
        |slice| {
            let seen = word.load(Ordering::Relaxed);
            if seen & OWNER != 0 && seen & WAITERS != 0 {
                sys::futex_wait(word, seen, slice);
            }
            taken_over.set(take_over_from_the_dead(word, me));
        },
        deadline,
        waiting,
    )?;
    Ok(taken.then(|| LockGuard { word, taken_over: taken_over.get() }))
}

/// Takes a free lock (keeping the waiters bit: others may still be asleep), or marks that
/// someone waits.
fn try_lock_contended(word: &AtomicU32, me: u32) -> bool {
    loop {
        let seen = word.load(Ordering::Relaxed);
        let next = if seen & OWNER == 0 { me | WAITERS } else { seen | WAITERS };
        if seen == next {
            return false;
        }
        match word.compare_exchange(seen, next, Ordering::Acquire, Ordering::Relaxed) {
            Ok(_) => return seen & OWNER == 0,
            Err(_) => continue,
        }
    }
}

/// Takes the lock if the process holding it no longer exists.
fn take_over_from_the_dead(word: &AtomicU32, me: u32) -> bool {
    let seen = word.load(Ordering::Relaxed);
    let holder = seen & OWNER;
    if holder == 0 || holder == me || sys::pid_exists(holder) {
        return false;
    }
    let taken = word.compare_exchange(seen, me | WAITERS, Ordering::Acquire, Ordering::Relaxed).is_ok();
    if taken {
        log::warn!("process {holder} died holding a queue lock; taking the lock over");
    }
    taken
}

/// Takes one of `max` slots counted in `count` (`max == 0`: unlimited), waiting until `deadline`.
pub(crate) fn take_slot(
    count: &AtomicU32,
    max: u32,
    deadline: Option<Instant>,
    waiting: Waiting<'_>,
) -> Result<bool, ConnectionError> {
    let try_take = || {
        count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |c| {
                (max == 0 || c < max).then(|| c.saturating_add(1))
            })
            .is_ok()
    };
    frame::wait_until(
        try_take,
        |slice: Duration| {
            let seen = count.load(Ordering::Acquire);
            if max != 0 && seen >= max {
                sys::futex_wait(count, seen, slice);
            }
        },
        deadline,
        waiting,
    )
}

/// Gives back a slot taken with [`take_slot`], waking one waiting taker.
pub(crate) fn give_slot(count: &AtomicU32) {
    let _ = count.fetch_update(Ordering::AcqRel, Ordering::Acquire, |c| Some(c.saturating_sub(1)));
    sys::futex_wake(count, 1);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::Location;

    fn waiting() -> Waiting<'static> {
        Waiting {
            operation: crate::schedule::Operation::QueuePut,
            site: Location::caller(),
            name: None,
            closed: None,
        }
    }

    #[test]
    fn the_lock_excludes_and_times_out() {
        let words = sys::SharedWords::new(1).unwrap();
        let guard = lock(words.word(0), None, waiting()).unwrap().unwrap();
        let soon = Some(Instant::now() + Duration::from_millis(20));
        assert!(lock(words.word(0), soon, waiting()).unwrap().is_none());
        drop(guard);
        assert_eq!(words.word(0).load(Ordering::Relaxed), 0, "released, waiters bit cleared");
        assert!(lock(words.word(0), soon, waiting()).unwrap().is_some());
    }

    #[test]
    fn a_dead_holder_loses_the_lock() {
        let words = sys::SharedWords::new(1).unwrap();
        // A pid that cannot exist (above the kernel's maximum of 2^22).
        words.word(0).store((1 << 22) + 1, Ordering::Relaxed);
        let guard = lock(words.word(0), None, waiting()).unwrap().unwrap();
        assert!(guard.taken_over);
    }

    #[test]
    fn slots_are_counted() {
        let words = sys::SharedWords::new(1).unwrap();
        let count = words.word(0);
        let now = Some(Instant::now());
        assert!(take_slot(count, 2, now, waiting()).unwrap());
        assert!(take_slot(count, 2, now, waiting()).unwrap());
        assert!(!take_slot(count, 2, now, waiting()).unwrap());
        give_slot(count);
        assert!(take_slot(count, 2, now, waiting()).unwrap());
        assert_eq!(count.load(Ordering::Relaxed), 2);
    }
}
