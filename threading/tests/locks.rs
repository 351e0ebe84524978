//! Lock, RLock, Semaphore and BoundedSemaphore against Python's documented behaviour
//! (what CPython's lock_tests check: timeouts, non-blocking acquire, wrong-thread release,
//! re-entry, over-release, guards).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use threading::{BoundedSemaphore, Lock, RLock, Semaphore, Thread};

fn spawn(f: impl FnOnce() + Send + 'static) -> Thread {
    let t = Thread::new(f);
    t.start().unwrap();
    t
}

#[test]
fn lock_acquire_release_and_locked() {
    let lock = Lock::new();
    assert!(!lock.locked());
    assert!(lock.acquire());
    assert!(lock.locked());
    assert!(!lock.try_acquire(), "non-blocking acquire of a held lock fails");
    lock.release().unwrap();
    assert!(!lock.locked());
    assert_eq!(lock.release().unwrap_err().message(), "release unlocked lock");
}

#[test]
fn lock_timeout_waits_at_least_the_timeout_and_fails() {
    let lock = Lock::new();
    lock.acquire();
    let start = Instant::now();
    assert!(!lock.acquire_timeout(Duration::from_millis(30)));
    assert!(start.elapsed() >= Duration::from_millis(30));
    assert!(!lock.acquire_timeout(Duration::ZERO));
}

#[test]
fn lock_has_no_owner() {
    let lock = Arc::new(Lock::new());
    lock.acquire();
    let t = spawn({
        let lock = lock.clone();
        move || lock.release().unwrap()
    });
    t.join().unwrap();
    assert!(!lock.locked());
    // And the classic hand-off: one thread waits on a lock another one releases.
    lock.acquire();
    let waiter = spawn({
        let lock = lock.clone();
        move || {
            lock.acquire();
        }
    });
    threading::sleep(Duration::from_millis(10));
    assert!(waiter.is_alive(), "blocked while the lock is held");
    lock.release().unwrap();
    waiter.join().unwrap();
    assert!(lock.locked(), "the waiter took it");
}

#[test]
fn lock_acquire_timeout_succeeds_when_released_in_time() {
    let lock = Arc::new(Lock::new());
    lock.acquire();
    let t = spawn({
        let lock = lock.clone();
        move || {
            threading::sleep(Duration::from_millis(10));
            lock.release().unwrap();
        }
    });
    assert!(lock.acquire_timeout(Duration::from_secs(30)));
    t.join().unwrap();
}

#[test]
fn lock_guard_is_pythons_with() {
    let lock = Lock::with_data(Vec::new());
    {
        let mut items = lock.lock();
        items.push(1);
        assert!(lock.locked());
        assert!(lock.try_lock().is_none());
    }
    assert!(!lock.locked());
    assert_eq!(*lock.lock(), [1]);
    let _held = lock.lock();
    assert!(lock.lock_timeout(Duration::from_millis(5)).is_none());
}

#[test]
fn lock_guard_released_on_panic() {
    let lock = Arc::new(Lock::with_data(0));
    let result = std::panic::catch_unwind({
        let lock = lock.clone();
        move || {
            let _g = lock.lock();
            panic!("inside with");
        }
    });
    assert!(result.is_err());
    assert!(!lock.locked(), "the guard released the lock while unwinding");
}

#[test]
fn lock_repr() {
    let lock = Lock::new();
    assert!(format!("{lock:?}").starts_with("<unlocked _thread.lock object at 0x"));
    lock.acquire();
    assert!(lock.to_string().starts_with("<locked _thread.lock object at 0x"));
}

#[test]
fn rlock_reentry_and_counts() {
    let lock = RLock::new();
    for depth in 1..=5 {
        assert!(lock.acquire());
        assert_eq!(lock.recursion_count(), depth);
    }
    for depth in (0..5).rev() {
        lock.release().unwrap();
        assert_eq!(lock.recursion_count(), depth);
    }
    assert_eq!(lock.release().unwrap_err().message(), "cannot release un-acquired lock");
}

#[test]
fn rlock_release_by_another_thread_is_an_error() {
    let lock = Arc::new(RLock::new());
    lock.acquire();
    let t = spawn({
        let lock = lock.clone();
        move || {
            assert_eq!(lock.release().unwrap_err().message(), "cannot release un-acquired lock");
            assert!(!lock.is_owned());
            assert!(!lock.acquire_timeout(Duration::from_millis(5)));
        }
    });
    t.join().unwrap();
    assert!(lock.is_owned());
    lock.release().unwrap();
}

#[test]
fn rlock_blocks_other_threads_until_fully_released() {
    let lock = Arc::new(RLock::new());
    lock.acquire();
    lock.acquire();
    let got = Arc::new(AtomicUsize::new(0));
    let t = spawn({
        let (lock, got) = (lock.clone(), got.clone());
        move || {
            lock.acquire();
            got.store(1, Ordering::SeqCst);
            lock.release().unwrap();
        }
    });
    lock.release().unwrap();
    threading::sleep(Duration::from_millis(10));
    assert_eq!(got.load(Ordering::SeqCst), 0, "still held once");
    lock.release().unwrap();
    t.join().unwrap();
    assert_eq!(got.load(Ordering::SeqCst), 1);
}

#[test]
fn rlock_repr_shows_owner_and_count() {
    let lock = RLock::new();
    assert!(format!("{lock:?}").starts_with("<unlocked _thread.RLock object owner=0 count=0 at 0x"));
    let _a = lock.lock();
    let _b = lock.lock();
    let expected = format!("<locked _thread.RLock object owner={} count=2 at", threading::get_ident());
    assert!(lock.to_string().starts_with(&expected), "{lock}");
}

#[test]
fn semaphore_counts_and_blocks() {
    let sem = Arc::new(Semaphore::new(2));
    assert!(sem.acquire());
    assert!(sem.try_acquire());
    assert!(!sem.try_acquire());
    assert!(!sem.acquire_timeout(Duration::from_millis(5)));
    let t = spawn({
        let sem = sem.clone();
        move || {
            sem.acquire();
        }
    });
    threading::sleep(Duration::from_millis(10));
    assert!(t.is_alive());
    sem.release();
    t.join().unwrap();
    assert_eq!(sem.value(), 0);
    sem.release_n(3).unwrap();
    assert_eq!(sem.value(), 3);
    assert_eq!(sem.release_n(0).unwrap_err().message(), "n must be one or more");
}

#[test]
fn semaphore_release_n_wakes_n_waiters() {
    let sem = Arc::new(Semaphore::new(0));
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let sem = sem.clone();
            spawn(move || {
                sem.acquire();
            })
        })
        .collect();
    while sem.value() == 0 && threading::blocked_threads().iter().filter(|t| t.blocked.is_some()).count() < 3
    {
        threading::sleep(Duration::from_millis(1));
    }
    sem.release_n(3).unwrap();
    waiters.iter().for_each(|t| t.join().unwrap());
    assert_eq!(sem.value(), 0);
}

#[test]
fn bounded_semaphore_refuses_over_release() {
    let sem = BoundedSemaphore::new(2);
    assert_eq!(sem.release().unwrap_err().message(), "Semaphore released too many times");
    sem.acquire();
    sem.acquire();
    sem.release().unwrap();
    assert!(sem.release_n(2).is_err(), "would go above the initial value");
    assert_eq!(sem.value(), 1, "a refused release releases nothing");
    sem.release().unwrap();
    assert!(sem.release().is_err());
    assert!(format!("{sem:?}").contains("value=2/2"));
}

#[test]
fn semaphore_guard_is_pythons_with() {
    let sem = Semaphore::new(1);
    {
        let _slot = sem.guard();
        assert_eq!(sem.value(), 0);
    }
    assert_eq!(sem.value(), 1);
    let bounded = BoundedSemaphore::new(1);
    {
        let _slot = bounded.guard();
        assert_eq!(bounded.value(), 0);
    }
    assert_eq!(bounded.value(), 1);
}
