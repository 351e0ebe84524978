//! Conformance: the cases of CPython 3.13's `Lib/test/lock_tests.py` that Rust can express, run
//! against this crate's `Lock`, `RLock`, `Event`, `Condition`, `Semaphore`, `BoundedSemaphore`
//! and `Barrier`, as `Lib/test/test_threading.py` runs them against Python's.
//!
//! Each test names the CPython test it mirrors. CPython's `Bunch` starts its threads with
//! `_thread.start_new_thread`, that is threads `threading` did not start; here they are
//! `std::thread`s, whose panics (failed assertions) reach the test through `join`.
//!
//! The tests of this binary run one at a time (`serial()`): some count threads, and the timing
//! bounds (CPython's `assertTimeout`) are kinder to a machine that is not also running the rest.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use threading::{
    Barrier, BoundedSemaphore, BrokenBarrierError, Condition, Event, Lock, RLock, RuntimeError, Semaphore,
    TIMEOUT_MAX, ValueError,
};

// ---------------------------------------------------------------------------------------------
// Helpers: CPython's Bunch, sleeping_retry, wait_threads_blocked and assertTimeout.
// ---------------------------------------------------------------------------------------------

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// CPython's `support.SHORT_TIMEOUT`: the hang guard of every polling loop.
const HANG_GUARD: Duration = Duration::from_secs(30);

/// `for _ in support.sleeping_retry(SHORT_TIMEOUT): if cond(): break`, failing on a hang.
fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + HANG_GUARD;
    while !cond() {
        assert!(Instant::now() < deadline, "hang guard: still waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// CPython's `wait_threads_blocked(n)`: an arbitrary sleep for `n` threads to block.
fn wait_threads_blocked(n: u32) {
    std::thread::sleep(Duration::from_millis(10) * n.max(1));
}

/// CPython's `BaseTestCase.assertTimeout`.
fn assert_timeout(actual: Duration, expected: Duration) {
    assert!(actual >= expected.mul_f64(0.6), "{actual:?} is shorter than 0.6 x {expected:?}");
    assert!(actual < expected * 10, "{actual:?} is longer than 10 x {expected:?}");
}

/// CPython's `Bunch`: `n` foreign threads running `f`; `start` returns once all have started
/// (`__enter__`), `join` waits for them and re-raises the first failure (`__exit__`).
struct Bunch {
    n: usize,
    started: Arc<AtomicUsize>,
    finished: Arc<AtomicUsize>,
    can_exit: Arc<AtomicBool>,
    handles: Vec<JoinHandle<()>>,
}

impl Bunch {
    fn start(n: usize, f: impl Fn() + Send + Sync + 'static) -> Bunch {
        Bunch::start_with(n, false, f)
    }

    fn start_with(n: usize, wait_before_exit: bool, f: impl Fn() + Send + Sync + 'static) -> Bunch {
        let f = Arc::new(f);
        let started = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicUsize::new(0));
        let can_exit = Arc::new(AtomicBool::new(!wait_before_exit));
        let handles = (0..n)
            .map(|_| {
                let (f, started, finished, can_exit) =
                    (f.clone(), started.clone(), finished.clone(), can_exit.clone());
                std::thread::spawn(move || {
                    started.fetch_add(1, SeqCst);
                    let outcome = catch_unwind(AssertUnwindSafe(|| f()));
                    finished.fetch_add(1, SeqCst);
                    let deadline = Instant::now() + HANG_GUARD;
                    while !can_exit.load(SeqCst) && Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    if let Err(payload) = outcome {
                        resume_unwind(payload);
                    }
                })
            })
            .collect();
        let bunch = Bunch { n, started, finished, can_exit, handles };
        wait_until("the bunch to start", || bunch.started.load(SeqCst) >= n);
        bunch
    }

    fn finished(&self) -> usize {
        self.finished.load(SeqCst)
    }

    fn do_finish(&self) {
        self.can_exit.store(true, SeqCst);
    }

    fn join(self) {
        wait_until("the bunch to finish", || self.finished() >= self.n);
        let mut failure = None;
        for handle in self.handles {
            if let Err(payload) = handle.join() {
                failure.get_or_insert(payload);
            }
        }
        if let Some(payload) = failure {
            resume_unwind(payload);
        }
    }
}

/// `with Bunch(f, n): pass`
fn run_bunch(n: usize, f: impl Fn() + Send + Sync + 'static) {
    Bunch::start(n, f).join();
}

fn shared<T>(value: T) -> Arc<Mutex<T>> {
    Arc::new(Mutex::new(value))
}

/// `list.append(item)`; `item` is computed before the list is locked.
fn push<T>(list: &Mutex<Vec<T>>, item: T) {
    list.lock().unwrap().push(item);
}

fn get<T: Clone>(value: &Mutex<T>) -> T {
    value.lock().unwrap().clone()
}

// ---------------------------------------------------------------------------------------------
// The lock-like types of BaseLockTests: Lock, RLock, and Condition() used as an RLock
// (test_threading.ConditionAsRLockTests).
// ---------------------------------------------------------------------------------------------

trait PyLock: fmt::Debug + Send + Sync + 'static {
    /// `acquire()`
    fn acq(&self) -> bool;
    /// `acquire(False)`
    fn try_acq(&self) -> bool;
    /// `acquire(timeout=t)`
    fn acq_timeout(&self, timeout: Duration) -> bool;
    /// `release()`
    fn rel(&self) -> Result<(), RuntimeError>;
    /// `with lock: f()`
    fn with_held<R>(&self, f: impl FnOnce() -> R) -> R;
}

impl PyLock for Lock {
    fn acq(&self) -> bool {
        Lock::acquire(self)
    }
    fn try_acq(&self) -> bool {
        Lock::try_acquire(self)
    }
    fn acq_timeout(&self, timeout: Duration) -> bool {
        Lock::acquire_timeout(self, timeout)
    }
    fn rel(&self) -> Result<(), RuntimeError> {
        Lock::release(self)
    }
    fn with_held<R>(&self, f: impl FnOnce() -> R) -> R {
        let _held = self.lock();
        f()
    }
}

impl PyLock for RLock {
    fn acq(&self) -> bool {
        RLock::acquire(self)
    }
    fn try_acq(&self) -> bool {
        RLock::try_acquire(self)
    }
    fn acq_timeout(&self, timeout: Duration) -> bool {
        RLock::acquire_timeout(self, timeout)
    }
    fn rel(&self) -> Result<(), RuntimeError> {
        RLock::release(self)
    }
    fn with_held<R>(&self, f: impl FnOnce() -> R) -> R {
        let _held = self.lock();
        f()
    }
}

impl PyLock for Condition {
    fn acq(&self) -> bool {
        Condition::acquire(self)
    }
    fn try_acq(&self) -> bool {
        Condition::try_acquire(self)
    }
    fn acq_timeout(&self, timeout: Duration) -> bool {
        Condition::acquire_timeout(self, timeout)
    }
    fn rel(&self) -> Result<(), RuntimeError> {
        Condition::release(self)
    }
    fn with_held<R>(&self, f: impl FnOnce() -> R) -> R {
        let _held = self.lock();
        f()
    }
}

/// `lock_tests.BaseLockTests`, for any lock type.
mod base_lock {
    use super::*;

    pub fn test_constructor<L: PyLock>(make: fn() -> L) {
        let lock = make();
        assert!(lock.try_acq(), "a new lock is unlocked");
        lock.rel().unwrap();
        drop(lock);
    }

    pub fn test_repr<L: PyLock>(make: fn() -> L) {
        let lock = make();
        let repr = format!("{lock:?}");
        assert!(
            repr.contains("<unlocked ") && repr.contains(" object ") && repr.contains(" at 0x"),
            "{repr}"
        );
    }

    pub fn test_locked_repr<L: PyLock>(make: fn() -> L) {
        let lock = make();
        lock.acq();
        let repr = format!("{lock:?}");
        assert!(repr.contains("<locked ") && repr.contains(" object ") && repr.contains(" at 0x"), "{repr}");
        lock.rel().unwrap();
    }

    pub fn test_acquire_destroy<L: PyLock>(make: fn() -> L) {
        let lock = make();
        assert!(lock.acq());
        drop(lock);
    }

    pub fn test_acquire_release<L: PyLock>(make: fn() -> L) {
        let lock = make();
        assert!(lock.acq());
        lock.rel().unwrap();
        assert!(lock.try_acq(), "released");
        lock.rel().unwrap();
    }

    pub fn test_try_acquire<L: PyLock>(make: fn() -> L) {
        let lock = make();
        assert!(lock.try_acq());
        lock.rel().unwrap();
    }

    pub fn test_try_acquire_contended<L: PyLock>(make: fn() -> L) {
        let lock = Arc::new(make());
        lock.acq();
        let result = shared(Vec::new());
        run_bunch(1, {
            let (lock, result) = (lock.clone(), result.clone());
            move || push(&result, lock.try_acq())
        });
        assert_eq!(get(&result), [false]);
        lock.rel().unwrap();
    }

    pub fn test_acquire_contended<L: PyLock>(make: fn() -> L) {
        let lock = Arc::new(make());
        lock.acq();
        const N: usize = 5;
        let bunch = Bunch::start(N, {
            let lock = lock.clone();
            move || {
                lock.acq();
                lock.rel().unwrap();
            }
        });
        // Threads block on lock.acquire()
        wait_threads_blocked(N as u32);
        assert_eq!(bunch.finished(), 0);
        // Threads unblocked
        lock.rel().unwrap();
        let finished = bunch.finished.clone();
        bunch.join();
        assert_eq!(finished.load(SeqCst), N);
    }

    pub fn test_with<L: PyLock>(make: fn() -> L) {
        let lock = Arc::new(make());
        let acquire_release = {
            let lock = lock.clone();
            move || {
                assert!(lock.acq_timeout(Duration::from_secs(10)), "the lock was left locked");
                lock.rel().unwrap();
            }
        };
        // Acquire the lock, do nothing, `with` releases the lock
        lock.with_held(|| {});
        run_bunch(1, acquire_release.clone());
        // Acquire the lock, raise an exception, `with` releases the lock
        let raised = catch_unwind(AssertUnwindSafe(|| lock.with_held(|| panic!("TypeError"))));
        assert!(raised.is_err());
        run_bunch(1, acquire_release);
    }

    pub fn test_thread_leak<L: PyLock>(make: fn() -> L) {
        let lock = Arc::new(make());
        let before = threading::enumerate().len();
        let foreign = shared(Vec::new());
        run_bunch(15, {
            let (lock, foreign) = (lock.clone(), foreign.clone());
            move || {
                lock.acq();
                lock.rel().unwrap();
                push(&foreign, threading::current_thread());
            }
        });
        // The foreign threads have ended: none of them may be left behind as a Thread.
        let foreign = get(&foreign);
        assert_eq!(foreign.len(), 15);
        wait_until("the foreign threads to leave enumerate()", || {
            let alive = threading::enumerate();
            foreign.iter().all(|t| !alive.contains(t))
        });
        assert!(foreign.iter().all(|t| !t.is_alive()));
        assert!(threading::enumerate().len() <= before);
    }

    pub fn test_timeout<L: PyLock>(make: fn() -> L) {
        let lock = Arc::new(make());
        // TIMEOUT_MAX is ok (and, unlike Python's OverflowError, so is anything longer).
        assert!(lock.acq_timeout(TIMEOUT_MAX));
        lock.rel().unwrap();
        assert!(lock.acq_timeout(Duration::MAX));
        lock.rel().unwrap();
        let t1 = Instant::now();
        assert!(lock.acq_timeout(Duration::from_secs(5)));
        // Just a sanity test that it didn't actually wait for the timeout.
        assert!(t1.elapsed() < Duration::from_secs(5));
        let results = shared(Vec::new());
        run_bunch(1, {
            let (lock, results) = (lock.clone(), results.clone());
            move || {
                let t1 = Instant::now();
                let acquired = lock.acq_timeout(Duration::from_millis(500));
                push(&results, (acquired, t1.elapsed()));
            }
        });
        let results = get(&results);
        assert!(!results[0].0);
        assert_timeout(results[0].1, Duration::from_millis(500));
        lock.rel().unwrap();
    }

    pub fn test_weakref_exists<L: PyLock>(make: fn() -> L) {
        let lock = Arc::new(make());
        let weak = Arc::downgrade(&lock);
        assert!(weak.upgrade().is_some());
    }

    pub fn test_weakref_deleted<L: PyLock>(make: fn() -> L) {
        let lock = Arc::new(make());
        let weak = Arc::downgrade(&lock);
        drop(lock);
        assert!(weak.upgrade().is_none());
    }
}

macro_rules! base_lock_tests {
    ($module:ident, $class:literal, $make:expr) => {
        mod $module {
            use super::*;
            macro_rules! case {
                ($name:ident) => {
                    #[doc = concat!("CPython: lock_tests.BaseLockTests.", stringify!($name), " (as test_threading.", $class, ")")]
                    #[test]
                    fn $name() {
                        let _serial = serial();
                        base_lock::$name($make);
                    }
                };
            }
            case!(test_constructor);
            case!(test_repr);
            case!(test_locked_repr);
            case!(test_acquire_destroy);
            case!(test_acquire_release);
            case!(test_try_acquire);
            case!(test_try_acquire_contended);
            case!(test_acquire_contended);
            case!(test_with);
            case!(test_thread_leak);
            case!(test_timeout);
            case!(test_weakref_exists);
            case!(test_weakref_deleted);
        }
    };
}

base_lock_tests!(lock_base, "LockTests", Lock::new);
base_lock_tests!(rlock_base, "RLockTests", RLock::new);
base_lock_tests!(condition_as_rlock_base, "ConditionAsRLockTests", Condition::new);

// ---------------------------------------------------------------------------------------------
// LockTests
// ---------------------------------------------------------------------------------------------

/// CPython: lock_tests.LockTests.test_reacquire
#[test]
fn lock_test_reacquire() {
    let _serial = serial();
    // Lock needs to be released before re-acquiring.
    let lock = Arc::new(Lock::new());
    let phase = Arc::new(AtomicUsize::new(0));
    let thread = std::thread::spawn({
        let (lock, phase) = (lock.clone(), phase.clone());
        move || {
            lock.acquire();
            phase.fetch_add(1, SeqCst);
            lock.acquire();
            phase.fetch_add(1, SeqCst);
        }
    });
    // Thread blocked on lock.acquire()
    wait_until("phase 1", || phase.load(SeqCst) >= 1);
    wait_threads_blocked(1);
    assert_eq!(phase.load(SeqCst), 1);
    // Thread unblocked
    lock.release().unwrap();
    wait_until("phase 2", || phase.load(SeqCst) >= 2);
    assert_eq!(phase.load(SeqCst), 2);
    thread.join().unwrap();
}

/// CPython: lock_tests.LockTests.test_different_thread
#[test]
fn lock_test_different_thread() {
    let _serial = serial();
    // Lock can be released from a different thread.
    let lock = Arc::new(Lock::new());
    lock.acquire();
    run_bunch(1, {
        let lock = lock.clone();
        move || lock.release().unwrap()
    });
    assert!(lock.try_acquire());
    lock.release().unwrap();
}

/// CPython: lock_tests.LockTests.test_state_after_timeout
#[test]
fn lock_test_state_after_timeout() {
    let _serial = serial();
    let lock = Lock::new();
    lock.acquire();
    assert!(!lock.acquire_timeout(Duration::from_millis(10)));
    lock.release().unwrap();
    assert!(!lock.locked());
    assert!(lock.try_acquire());
}

/// CPython: test_threading.ThreadingExceptionTests.test_releasing_unacquired_lock (and the
/// message of `_thread.lock.release`)
#[test]
fn lock_release_unacquired() {
    let _serial = serial();
    let err = Lock::new().release().unwrap_err();
    assert_eq!(err.message(), "release unlocked lock");
}

// ---------------------------------------------------------------------------------------------
// RLockTests (and ConditionAsRLockTests, which runs them on Condition())
// ---------------------------------------------------------------------------------------------

/// CPython: lock_tests.RLockTests.test_repr_count
#[test]
fn rlock_test_repr_count() {
    let _serial = serial();
    let lock = Arc::new(RLock::new());
    let repr = format!("{lock:?}");
    assert!(repr.contains("count=0") && repr.contains("<unlocked"), "{repr}");
    lock.acquire();
    lock.acquire();
    let repr = format!("{lock:?}");
    assert!(repr.contains("count=2") && repr.contains("<locked"), "{repr}");
    // The owner is the acquiring thread's ident, as in Python's repr.
    assert!(repr.contains(&format!(" owner={} ", threading::get_ident())), "{repr}");
    let result = shared(String::new());
    run_bunch(1, {
        let (lock, result) = (lock.clone(), result.clone());
        move || *result.lock().unwrap() = format!("{lock:?}")
    });
    let other = get(&result);
    assert!(other.contains("count=2") && other.contains("<locked"), "{other}");
    lock.release().unwrap();
    lock.release().unwrap();
}

/// CPython: lock_tests.RLockTests.test_repr_count (as test_threading.ConditionAsRLockTests)
#[test]
fn condition_as_rlock_test_repr_count() {
    let _serial = serial();
    let cond = Arc::new(Condition::new());
    let repr = format!("{cond:?}");
    assert!(repr.contains("count=0") && repr.contains("<unlocked"), "{repr}");
    cond.acquire();
    cond.acquire();
    let repr = format!("{cond:?}");
    assert!(repr.contains("count=2") && repr.contains("<locked"), "{repr}");
    let result = shared(String::new());
    run_bunch(1, {
        let (cond, result) = (cond.clone(), result.clone());
        move || *result.lock().unwrap() = format!("{cond:?}")
    });
    let other = get(&result);
    assert!(other.contains("count=2") && other.contains("<locked"), "{other}");
    cond.release().unwrap();
    cond.release().unwrap();
}

fn check_reacquire<L: PyLock>(lock: L) {
    assert!(lock.acq());
    assert!(lock.acq());
    lock.rel().unwrap();
    assert!(lock.acq());
    lock.rel().unwrap();
    lock.rel().unwrap();
    assert!(lock.rel().is_err(), "released as many times as acquired");
}

/// CPython: lock_tests.RLockTests.test_reacquire
#[test]
fn rlock_test_reacquire() {
    let _serial = serial();
    check_reacquire(RLock::new());
}

/// CPython: lock_tests.RLockTests.test_reacquire (as test_threading.ConditionAsRLockTests)
#[test]
fn condition_as_rlock_test_reacquire() {
    let _serial = serial();
    check_reacquire(Condition::new());
}

fn check_release_unacquired<L: PyLock>(lock: L) {
    // Cannot release an unacquired lock
    assert_eq!(lock.rel().unwrap_err().message(), "cannot release un-acquired lock");
    lock.acq();
    lock.acq();
    lock.rel().unwrap();
    lock.acq();
    lock.rel().unwrap();
    lock.rel().unwrap();
    assert_eq!(lock.rel().unwrap_err().message(), "cannot release un-acquired lock");
}

/// CPython: lock_tests.RLockTests.test_release_unacquired
#[test]
fn rlock_test_release_unacquired() {
    let _serial = serial();
    check_release_unacquired(RLock::new());
}

/// CPython: lock_tests.RLockTests.test_release_unacquired (as test_threading.ConditionAsRLockTests)
#[test]
fn condition_as_rlock_test_release_unacquired() {
    let _serial = serial();
    check_release_unacquired(Condition::new());
}

/// CPython: lock_tests.RLockTests.test_recursion_count
#[test]
fn rlock_test_recursion_count() {
    let _serial = serial();
    let lock = Arc::new(RLock::new());
    assert_eq!(lock.recursion_count(), 0);
    lock.acquire();
    assert_eq!(lock.recursion_count(), 1);
    lock.acquire();
    lock.acquire();
    assert_eq!(lock.recursion_count(), 3);
    lock.release().unwrap();
    assert_eq!(lock.recursion_count(), 2);
    lock.release().unwrap();
    lock.release().unwrap();
    assert_eq!(lock.recursion_count(), 0);

    let phase = Arc::new(AtomicUsize::new(0));
    let thread = std::thread::spawn({
        let (lock, phase) = (lock.clone(), phase.clone());
        move || {
            lock.acquire();
            phase.fetch_add(1, SeqCst);
            wait_until("phase 2", || phase.load(SeqCst) >= 2);
            lock.release().unwrap();
            phase.fetch_add(1, SeqCst);
        }
    });
    wait_until("phase 1", || phase.load(SeqCst) >= 1);
    // Another thread holds it: this thread's recursion count is 0.
    assert_eq!(lock.recursion_count(), 0);
    phase.fetch_add(1, SeqCst);
    wait_until("phase 3", || phase.load(SeqCst) >= 3);
    assert_eq!(lock.recursion_count(), 0);
    thread.join().unwrap();
}

fn check_rlock_different_thread<L: PyLock>(lock: L) {
    // Cannot release from a different thread
    let lock = Arc::new(lock);
    let bunch = Bunch::start_with(1, true, {
        let lock = lock.clone();
        move || {
            lock.acq();
        }
    });
    wait_until("the other thread to acquire", || bunch.finished() >= 1);
    let result = lock.rel();
    bunch.do_finish();
    bunch.join();
    assert_eq!(result.unwrap_err().message(), "cannot release un-acquired lock");
}

/// CPython: lock_tests.RLockTests.test_different_thread
#[test]
fn rlock_test_different_thread() {
    let _serial = serial();
    check_rlock_different_thread(RLock::new());
}

/// CPython: lock_tests.RLockTests.test_different_thread (as test_threading.ConditionAsRLockTests)
#[test]
fn condition_as_rlock_test_different_thread() {
    let _serial = serial();
    check_rlock_different_thread(Condition::new());
}

/// CPython: lock_tests.RLockTests.test__is_owned
#[test]
fn rlock_test_is_owned() {
    let _serial = serial();
    let lock = Arc::new(RLock::new());
    assert!(!lock.is_owned());
    lock.acquire();
    assert!(lock.is_owned());
    lock.acquire();
    assert!(lock.is_owned());
    let result = shared(Vec::new());
    run_bunch(1, {
        let (lock, result) = (lock.clone(), result.clone());
        move || push(&result, lock.is_owned())
    });
    assert_eq!(get(&result), [false]);
    lock.release().unwrap();
    assert!(lock.is_owned());
    lock.release().unwrap();
    assert!(!lock.is_owned());
}

// ---------------------------------------------------------------------------------------------
// EventTests
// ---------------------------------------------------------------------------------------------

/// CPython: lock_tests.EventTests.test_is_set
#[test]
fn event_test_is_set() {
    let _serial = serial();
    let evt = Event::new();
    assert!(!evt.is_set());
    evt.set();
    assert!(evt.is_set());
    evt.set();
    assert!(evt.is_set());
    evt.clear();
    assert!(!evt.is_set());
    evt.clear();
    assert!(!evt.is_set());
}

fn check_event_notify(evt: &Arc<Event>) {
    // All threads get notified
    const N: usize = 5;
    let results1 = shared(Vec::new());
    let results2 = shared(Vec::new());
    let bunch = Bunch::start(N, {
        let (evt, results1, results2) = (evt.clone(), results1.clone(), results2.clone());
        move || {
            push(&results1, evt.wait());
            push(&results2, evt.wait());
        }
    });
    // Threads blocked on first evt.wait()
    wait_threads_blocked(N as u32);
    assert_eq!(get(&results1).len(), 0);
    // Threads unblocked
    evt.set();
    bunch.join();
    assert_eq!(get(&results1), [true; N]);
    assert_eq!(get(&results2), [true; N]);
}

/// CPython: lock_tests.EventTests.test_notify
#[test]
fn event_test_notify() {
    let _serial = serial();
    let evt = Arc::new(Event::new());
    check_event_notify(&evt);
    // Another time, after an explicit clear()
    evt.set();
    evt.clear();
    check_event_notify(&evt);
}

/// CPython: lock_tests.EventTests.test_timeout
#[test]
fn event_test_timeout() {
    let _serial = serial();
    const N: usize = 5;
    let evt = Arc::new(Event::new());
    let results1 = shared(Vec::new());
    let results2 = shared(Vec::new());
    let f = {
        let (evt, results1, results2) = (evt.clone(), results1.clone(), results2.clone());
        move || {
            push(&results1, evt.wait_timeout(Duration::ZERO));
            let t1 = Instant::now();
            let r = evt.wait_timeout(Duration::from_millis(500));
            push(&results2, (r, t1.elapsed()));
        }
    };
    run_bunch(N, f.clone());
    assert_eq!(get(&results1), [false; N]);
    for (r, dt) in get(&results2) {
        assert!(!r);
        assert_timeout(dt, Duration::from_millis(500));
    }
    // The event is set
    results1.lock().unwrap().clear();
    results2.lock().unwrap().clear();
    evt.set();
    run_bunch(N, f);
    assert_eq!(get(&results1), [true; N]);
    let results2 = get(&results2);
    assert_eq!(results2.len(), N);
    for (r, _) in results2 {
        assert!(r);
    }
}

/// CPython: lock_tests.EventTests.test_set_and_clear
#[test]
fn event_test_set_and_clear() {
    let _serial = serial();
    // gh-57711: wait() returns true even when the event is cleared before the waiting thread
    // is woken up.
    const N: usize = 5;
    let event = Arc::new(Event::new());
    let results = shared(Vec::new());
    let bunch = Bunch::start(N, {
        let (event, results) = (event.clone(), results.clone());
        move || push(&results, event.wait_timeout(HANG_GUARD))
    });
    // Threads blocked on event.wait()
    wait_threads_blocked(N as u32);
    // Threads unblocked
    event.set();
    event.clear();
    bunch.join();
    assert_eq!(get(&results), [true; N]);
}

/// CPython: lock_tests.EventTests.test_repr
#[test]
fn event_test_repr() {
    let _serial = serial();
    let evt = Event::new();
    let repr = format!("{evt:?}");
    assert!(repr.starts_with("<threading.Event at 0x") && repr.ends_with(": unset>"), "{repr}");
    evt.set();
    let repr = format!("{evt:?}");
    assert!(repr.starts_with("<threading.Event at 0x") && repr.ends_with(": set>"), "{repr}");
}

// ---------------------------------------------------------------------------------------------
// ConditionTests, for Condition() (an RLock inside, as Python's default) and Condition(Lock())
// ---------------------------------------------------------------------------------------------

/// CPython: lock_tests.ConditionTests.test_acquire
#[test]
fn condition_test_acquire() {
    let _serial = serial();
    let cond = Condition::new();
    // By default we have an RLock: the condition can be acquired multiple times.
    assert!(cond.acquire());
    assert!(cond.acquire());
    cond.release().unwrap();
    cond.release().unwrap();

    let lock = Arc::new(Lock::new());
    let cond = Condition::with_lock(lock.clone());
    cond.acquire();
    assert!(!lock.try_acquire());
    cond.release().unwrap();
    assert!(lock.try_acquire());
    assert!(!cond.try_acquire());
    lock.release().unwrap();
    {
        let _with = cond.lock();
        assert!(!lock.try_acquire());
    }
    assert!(!lock.locked(), "the with block released the lock");
}

mod condition {
    use super::*;

    pub fn test_unacquired_wait(cond: Condition) {
        assert_eq!(cond.wait().unwrap_err().message(), "cannot wait on un-acquired lock");
        assert_eq!(
            cond.wait_timeout(Duration::from_millis(1)).unwrap_err().message(),
            "cannot wait on un-acquired lock"
        );
        assert_eq!(cond.wait_for(|| true).unwrap_err().message(), "cannot wait on un-acquired lock");
    }

    pub fn test_unacquired_notify(cond: Condition) {
        assert_eq!(cond.notify().unwrap_err().message(), "cannot notify on un-acquired lock");
        assert_eq!(cond.notify_n(2).unwrap_err().message(), "cannot notify on un-acquired lock");
        assert_eq!(cond.notify_all().unwrap_err().message(), "cannot notify on un-acquired lock");
    }

    fn check_notify(cond: &Arc<Condition>) {
        const N: usize = 5;
        let ready = shared(Vec::new());
        let results1 = shared(Vec::new());
        let results2 = shared(Vec::new());
        let phase_num = Arc::new(AtomicUsize::new(0));
        let bunch = Bunch::start(N, {
            let (cond, ready, results1, results2, phase_num) =
                (cond.clone(), ready.clone(), results1.clone(), results2.clone(), phase_num.clone());
            move || {
                cond.acquire();
                push(&ready, phase_num.load(SeqCst));
                let result = cond.wait().unwrap();
                cond.release().unwrap();
                push(&results1, (result, phase_num.load(SeqCst)));

                cond.acquire();
                push(&ready, phase_num.load(SeqCst));
                let result = cond.wait().unwrap();
                cond.release().unwrap();
                push(&results2, (result, phase_num.load(SeqCst)));
            }
        });
        // First wait, to ensure all workers settle into cond.wait() before we continue.
        wait_until("all workers ready", || get(&ready).len() >= N);
        ready.lock().unwrap().clear();
        assert_eq!(get(&results1), []);

        // Notify 3 threads at first
        let count1 = 3;
        cond.acquire();
        cond.notify_n(count1).unwrap();
        wait_threads_blocked(count1 as u32);
        // Phase 1
        phase_num.store(1, SeqCst);
        cond.release().unwrap();
        wait_until("results1", || get(&results1).len() >= count1);
        assert_eq!(get(&results1), vec![(true, 1); count1]);
        assert_eq!(get(&results2), []);

        // Wait until awaken workers are blocked on cond.wait()
        wait_until("the woken workers to wait again", || get(&ready).len() >= count1);
        // Notify 5 threads: they might be in their first or second wait
        cond.acquire();
        cond.notify_n(5).unwrap();
        wait_threads_blocked(N as u32);
        // Phase 2
        phase_num.store(2, SeqCst);
        cond.release().unwrap();
        wait_until("phase 2 results", || get(&results1).len() + get(&results2).len() >= N + count1);
        let count2 = N - count1;
        let mut expected1 = vec![(true, 1); count1];
        expected1.extend(vec![(true, 2); count2]);
        assert_eq!(get(&results1), expected1);
        assert_eq!(get(&results2), vec![(true, 2); count1]);

        // Make sure all workers settle into cond.wait()
        wait_until("all workers in their second wait", || get(&ready).len() >= N);
        // Notify all threads: they are all in their second wait
        cond.acquire();
        cond.notify_all().unwrap();
        wait_threads_blocked(N as u32);
        // Phase 3
        phase_num.store(3, SeqCst);
        cond.release().unwrap();
        wait_until("results2", || get(&results2).len() >= N);
        assert_eq!(get(&results1), expected1);
        let mut expected2 = vec![(true, 2); count1];
        expected2.extend(vec![(true, 3); count2]);
        assert_eq!(get(&results2), expected2);
        bunch.join();
    }

    pub fn test_notify(cond: Condition) {
        let cond = Arc::new(cond);
        check_notify(&cond);
        // A second time, to check internal state is still ok.
        check_notify(&cond);
    }

    pub fn test_timeout(cond: Condition) {
        const N: usize = 5;
        let timeout = Duration::from_millis(500);
        let cond = Arc::new(cond);
        let results = shared(Vec::new());
        run_bunch(N, {
            let (cond, results) = (cond.clone(), results.clone());
            move || {
                cond.acquire();
                let t1 = Instant::now();
                let result = cond.wait_timeout(timeout).unwrap();
                let dt = t1.elapsed();
                cond.release().unwrap();
                push(&results, (dt, result));
            }
        });
        let results = get(&results);
        assert_eq!(results.len(), N);
        for (dt, result) in results {
            assert_timeout(dt, timeout);
            // This implementation has no spurious wakeups.
            assert!(!result);
        }
    }

    pub fn test_waitfor(cond: Condition) {
        let cond = Arc::new(cond);
        let state = Arc::new(AtomicUsize::new(0));
        let bunch = Bunch::start(1, {
            let (cond, state) = (cond.clone(), state.clone());
            move || {
                let _with = cond.lock();
                let result = cond.wait_for(|| state.load(SeqCst) == 4).unwrap();
                assert!(result);
                assert_eq!(state.load(SeqCst), 4);
            }
        });
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(10));
            let _with = cond.lock();
            state.fetch_add(1, SeqCst);
            cond.notify().unwrap();
        }
        bunch.join();
    }

    pub fn test_waitfor_timeout(cond: Condition) {
        let cond = Arc::new(cond);
        let state = Arc::new(AtomicUsize::new(0));
        let success = Arc::new(AtomicUsize::new(0));
        let bunch = Bunch::start(1, {
            let (cond, state, success) = (cond.clone(), state.clone(), success.clone());
            move || {
                let _with = cond.lock();
                let t1 = Instant::now();
                let timeout = Duration::from_millis(100);
                let result = cond.wait_for_timeout(|| state.load(SeqCst) == 4, timeout).unwrap();
                assert!(!result);
                assert_timeout(t1.elapsed(), timeout);
                success.fetch_add(1, SeqCst);
            }
        });
        // Only increment 3 times, so state == 4 is never reached.
        for _ in 0..3 {
            std::thread::sleep(Duration::from_millis(10));
            let _with = cond.lock();
            state.fetch_add(1, SeqCst);
            cond.notify().unwrap();
        }
        bunch.join();
        assert_eq!(success.load(SeqCst), 1);
    }
}

macro_rules! condition_tests {
    ($module:ident, $variant:literal, $make:expr) => {
        mod $module {
            use super::*;
            macro_rules! case {
                ($name:ident) => {
                    #[doc = concat!("CPython: lock_tests.ConditionTests.", stringify!($name), " (", $variant, ")")]
                    #[test]
                    fn $name() {
                        let _serial = serial();
                        condition::$name($make);
                    }
                };
            }
            case!(test_unacquired_wait);
            case!(test_unacquired_notify);
            case!(test_notify);
            case!(test_timeout);
            case!(test_waitfor);
            case!(test_waitfor_timeout);
        }
    };
}

condition_tests!(condition_rlock, "Condition(), on an RLock", Condition::new());
condition_tests!(condition_lock, "Condition(Lock())", Condition::with_lock(Arc::new(Lock::new())));

/// CPython: lock_tests.ConditionTests.test_waitfor, written with a condition that guards its
/// state (`Condition::with_data`), the crate's form of `with cond: cond.wait_for(pred)`.
#[test]
fn condition_with_data_test_waitfor() {
    let _serial = serial();
    let cond = Arc::new(Condition::with_data(0));
    let bunch = Bunch::start(1, {
        let cond = cond.clone();
        move || {
            let mut state = cond.lock();
            assert!(state.wait_for(|s| *s == 4));
            assert_eq!(*state, 4);
        }
    });
    for _ in 0..4 {
        std::thread::sleep(Duration::from_millis(10));
        let mut state = cond.lock();
        *state += 1;
        state.notify();
    }
    bunch.join();
}

/// CPython: lock_tests.ConditionTests.test_waitfor_timeout, with `Condition::with_data`.
#[test]
fn condition_with_data_test_waitfor_timeout() {
    let _serial = serial();
    let cond = Arc::new(Condition::with_data(0));
    let bunch = Bunch::start(1, {
        let cond = cond.clone();
        move || {
            let mut state = cond.lock();
            let t1 = Instant::now();
            let timeout = Duration::from_millis(100);
            assert!(!state.wait_for_timeout(|s| *s == 4, timeout));
            assert_timeout(t1.elapsed(), timeout);
        }
    });
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(10));
        let mut state = cond.lock();
        *state += 1;
        state.notify();
    }
    bunch.join();
}

// ---------------------------------------------------------------------------------------------
// BaseSemaphoreTests, SemaphoreTests, BoundedSemaphoreTests
// ---------------------------------------------------------------------------------------------

trait PySemaphore: fmt::Debug + Send + Sync + 'static {
    fn make(value: usize) -> Self;
    fn make_default() -> Self;
    fn acq(&self) -> bool;
    fn try_acq(&self) -> bool;
    fn acq_timeout(&self, timeout: Duration) -> bool;
    fn rel(&self) -> Result<(), ValueError>;
    fn rel_n(&self, n: usize) -> Result<(), ValueError>;
    fn with_held<R>(&self, f: impl FnOnce() -> R) -> R;
}

macro_rules! py_semaphore {
    ($ty:ident, |$s:ident| $release:expr) => {
        impl PySemaphore for $ty {
            fn make(value: usize) -> Self {
                $ty::new(value)
            }
            fn make_default() -> Self {
                $ty::default()
            }
            fn acq(&self) -> bool {
                $ty::acquire(self)
            }
            fn try_acq(&self) -> bool {
                $ty::try_acquire(self)
            }
            fn acq_timeout(&self, timeout: Duration) -> bool {
                $ty::acquire_timeout(self, timeout)
            }
            fn rel(&self) -> Result<(), ValueError> {
                let $s = self;
                $release
            }
            fn rel_n(&self, n: usize) -> Result<(), ValueError> {
                $ty::release_n(self, n)
            }
            fn with_held<R>(&self, f: impl FnOnce() -> R) -> R {
                let _held = self.guard();
                f()
            }
        }
    };
}

py_semaphore!(Semaphore, |s| {
    Semaphore::release(s);
    Ok(())
});
py_semaphore!(BoundedSemaphore, |s| BoundedSemaphore::release(s));

mod base_semaphore {
    use super::*;

    pub fn test_acquire<S: PySemaphore>() {
        let sem = S::make(1);
        assert!(sem.acq());
        sem.rel().unwrap();
        let sem = S::make(2);
        assert!(sem.acq());
        assert!(sem.acq());
        assert!(!sem.try_acq(), "two permits taken");
        sem.rel().unwrap();
        sem.rel().unwrap();
    }

    pub fn test_acquire_destroy<S: PySemaphore>() {
        let sem = S::make_default();
        assert!(sem.acq());
        drop(sem);
    }

    pub fn test_acquire_contended<S: PySemaphore>() {
        let sem_value = 7;
        let sem = Arc::new(S::make(sem_value));
        sem.acq();
        let sem_results = shared(Vec::new());
        let results = shared(Vec::new());
        let phase_num = Arc::new(AtomicUsize::new(0));
        let bunch = Bunch::start(10, {
            let (sem, sem_results, results, phase_num) =
                (sem.clone(), sem_results.clone(), results.clone(), phase_num.clone());
            move || {
                for _ in 0..2 {
                    let acquired = sem.acq();
                    push(&sem_results, acquired);
                    push(&results, phase_num.load(SeqCst));
                }
            }
        });
        let wait_count = |count: usize| wait_until("acquisitions", || get(&results).len() >= count);
        let sorted = || {
            let mut r = get(&results);
            r.sort();
            r
        };
        // Phase 0
        let count1 = sem_value - 1;
        wait_count(count1);
        assert_eq!(sorted(), vec![0; count1]);
        // Phase 1
        phase_num.store(1, SeqCst);
        for _ in 0..sem_value {
            sem.rel().unwrap();
        }
        let count2 = sem_value;
        wait_count(count1 + count2);
        let mut expected = vec![0; count1];
        expected.extend(vec![1; count2]);
        assert_eq!(sorted(), expected);
        // Phase 2
        phase_num.store(2, SeqCst);
        let count3 = sem_value - 1;
        for _ in 0..count3 {
            sem.rel().unwrap();
        }
        wait_count(count1 + count2 + count3);
        expected.extend(vec![2; count3]);
        assert_eq!(sorted(), expected);
        // The semaphore is still locked
        assert!(!sem.try_acq());
        // Final release, to let the last thread finish
        let count4 = 1;
        sem.rel().unwrap();
        bunch.join();
        assert_eq!(get(&sem_results), vec![true; count1 + count2 + count3 + count4]);
    }

    pub fn test_multirelease<S: PySemaphore>() {
        let sem_value = 7;
        let sem = Arc::new(S::make(sem_value));
        sem.acq();
        let results = shared(Vec::new());
        let phase_num = Arc::new(AtomicUsize::new(0));
        let bunch = Bunch::start(10, {
            let (sem, results, phase_num) = (sem.clone(), results.clone(), phase_num.clone());
            move || {
                for _ in 0..2 {
                    sem.acq();
                    push(&results, phase_num.load(SeqCst));
                }
            }
        });
        let wait_count = |count: usize| wait_until("acquisitions", || get(&results).len() >= count);
        let sorted = || {
            let mut r = get(&results);
            r.sort();
            r
        };
        // Phase 0
        let count1 = sem_value - 1;
        wait_count(count1);
        assert_eq!(sorted(), vec![0; count1]);
        // Phase 1
        phase_num.store(1, SeqCst);
        let count2 = sem_value;
        sem.rel_n(count2).unwrap();
        wait_count(count1 + count2);
        let mut expected = vec![0; count1];
        expected.extend(vec![1; count2]);
        assert_eq!(sorted(), expected);
        // Phase 2
        phase_num.store(2, SeqCst);
        let count3 = sem_value - 1;
        sem.rel_n(count3).unwrap();
        wait_count(count1 + count2 + count3);
        expected.extend(vec![2; count3]);
        assert_eq!(sorted(), expected);
        // The semaphore is still locked
        assert!(!sem.try_acq());
        // Final release, to let the last thread finish
        sem.rel().unwrap();
        bunch.join();
    }

    pub fn test_try_acquire<S: PySemaphore>() {
        let sem = S::make(2);
        assert!(sem.try_acq());
        assert!(sem.try_acq());
        assert!(!sem.try_acq());
        sem.rel().unwrap();
        assert!(sem.try_acq());
    }

    pub fn test_try_acquire_contended<S: PySemaphore>() {
        let sem = Arc::new(S::make(4));
        sem.acq();
        let results = shared(Vec::new());
        run_bunch(5, {
            let (sem, results) = (sem.clone(), results.clone());
            move || {
                let first = sem.try_acq();
                push(&results, first);
                let second = sem.try_acq();
                push(&results, second);
            }
        });
        let mut results = get(&results);
        results.sort();
        let mut expected = vec![false; 7];
        expected.extend([true; 3]);
        assert_eq!(results, expected);
    }

    pub fn test_acquire_timeout<S: PySemaphore>() {
        let sem = S::make(2);
        let short = Duration::from_millis(5);
        assert!(sem.acq_timeout(short));
        assert!(sem.acq_timeout(short));
        assert!(!sem.acq_timeout(short));
        sem.rel().unwrap();
        assert!(sem.acq_timeout(short));
        let t = Instant::now();
        assert!(!sem.acq_timeout(Duration::from_millis(500)));
        assert_timeout(t.elapsed(), Duration::from_millis(500));
    }

    pub fn test_default_value<S: PySemaphore>() {
        // The default initial value is 1.
        let sem = Arc::new(S::make_default());
        sem.acq();
        let bunch = Bunch::start(1, {
            let sem = sem.clone();
            move || {
                sem.acq();
                sem.rel().unwrap();
            }
        });
        // Thread blocked on sem.acquire()
        wait_threads_blocked(1);
        assert_eq!(bunch.finished(), 0);
        // Thread unblocked
        sem.rel().unwrap();
        bunch.join();
    }

    pub fn test_with<S: PySemaphore>() {
        let sem = S::make(2);
        let with = |err: bool| {
            sem.with_held(|| {
                assert!(sem.try_acq());
                sem.rel().unwrap();
                sem.with_held(|| {
                    assert!(!sem.try_acq());
                    if err {
                        panic!("TypeError");
                    }
                })
            })
        };
        with(false);
        assert!(sem.try_acq());
        sem.rel().unwrap();
        assert!(catch_unwind(AssertUnwindSafe(|| with(true))).is_err());
        assert!(sem.try_acq());
        assert!(sem.try_acq(), "both permits were given back after the exception");
        sem.rel().unwrap();
        sem.rel().unwrap();
    }
}

macro_rules! semaphore_tests {
    ($module:ident, $class:literal, $ty:ty) => {
        mod $module {
            use super::*;
            macro_rules! case {
                ($name:ident) => {
                    #[doc = concat!("CPython: lock_tests.BaseSemaphoreTests.", stringify!($name), " (as test_threading.", $class, ")")]
                    #[test]
                    fn $name() {
                        let _serial = serial();
                        base_semaphore::$name::<$ty>();
                    }
                };
            }
            case!(test_acquire);
            case!(test_acquire_destroy);
            case!(test_acquire_contended);
            case!(test_multirelease);
            case!(test_try_acquire);
            case!(test_try_acquire_contended);
            case!(test_acquire_timeout);
            case!(test_default_value);
            case!(test_with);
        }
    };
}

semaphore_tests!(semaphore_base, "SemaphoreTests", Semaphore);
semaphore_tests!(bounded_semaphore_base, "BoundedSemaphoreTests", BoundedSemaphore);

/// CPython: lock_tests.SemaphoreTests.test_release_unacquired
#[test]
fn semaphore_test_release_unacquired() {
    let _serial = serial();
    // Unbounded releases are allowed and increment the semaphore's value
    let sem = Semaphore::new(1);
    sem.release();
    assert!(sem.acquire());
    assert!(sem.try_acquire());
    assert!(!sem.try_acquire());
    sem.release();
}

/// CPython: lock_tests.SemaphoreTests.test_repr
#[test]
fn semaphore_test_repr() {
    let _serial = serial();
    let sem = Semaphore::new(3);
    let repr = |sem: &Semaphore| format!("{sem:?}");
    assert!(
        repr(&sem).starts_with("<threading.Semaphore at 0x") && repr(&sem).ends_with(": value=3>"),
        "{sem:?}"
    );
    sem.acquire();
    assert!(repr(&sem).ends_with(": value=2>"), "{sem:?}");
    sem.release();
    sem.release();
    assert!(repr(&sem).ends_with(": value=4>"), "{sem:?}");
}

/// CPython: lock_tests.BoundedSemaphoreTests.test_release_unacquired
#[test]
fn bounded_semaphore_test_release_unacquired() {
    let _serial = serial();
    // Cannot go past the initial value
    let sem = BoundedSemaphore::default();
    assert_eq!(sem.release().unwrap_err().message(), "Semaphore released too many times");
    sem.acquire();
    sem.release().unwrap();
    assert_eq!(sem.release().unwrap_err().message(), "Semaphore released too many times");
}

/// CPython: lock_tests.BoundedSemaphoreTests.test_repr
#[test]
fn bounded_semaphore_test_repr() {
    let _serial = serial();
    let sem = BoundedSemaphore::new(3);
    let repr = format!("{sem:?}");
    assert!(
        repr.starts_with("<threading.BoundedSemaphore at 0x") && repr.ends_with(": value=3/3>"),
        "{repr}"
    );
    sem.acquire();
    let repr = format!("{sem:?}");
    assert!(repr.ends_with(": value=2/3>"), "{repr}");
}

/// CPython: test_threading.ThreadTests.test_BoundedSemaphore_limit
#[test]
fn bounded_semaphore_limit() {
    let _serial = serial();
    // BoundedSemaphore should raise ValueError if released too often.
    for limit in 1..10 {
        let bs = Arc::new(BoundedSemaphore::new(limit));
        let threads: Vec<_> = (0..limit)
            .map(|_| {
                let bs = bs.clone();
                threading::Thread::new(move || {
                    bs.acquire();
                })
            })
            .collect();
        threads.iter().for_each(|t| t.start().unwrap());
        threads.iter().for_each(|t| t.join().unwrap());
        assert_eq!(bs.value(), 0);
        let results = shared(Vec::new());
        let threads: Vec<_> = (0..limit)
            .map(|_| {
                let (bs, results) = (bs.clone(), results.clone());
                threading::Thread::new(move || push(&results, bs.release().is_ok()))
            })
            .collect();
        threads.iter().for_each(|t| t.start().unwrap());
        threads.iter().for_each(|t| t.join().unwrap());
        assert_eq!(get(&results), vec![true; limit]);
        assert_eq!(bs.value(), limit);
        assert_eq!(bs.release().unwrap_err().message(), "Semaphore released too many times");
    }
}

// ---------------------------------------------------------------------------------------------
// BarrierTests
// ---------------------------------------------------------------------------------------------

const N: usize = 5;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// `BarrierTests.setUp`: a barrier for N threads with a default timeout of 2 seconds;
/// `tearDown` aborts it.
struct BarrierCase {
    barrier: Arc<Barrier>,
}

impl BarrierCase {
    fn new() -> BarrierCase {
        BarrierCase { barrier: Arc::new(Barrier::new(N).unwrap().timeout(DEFAULT_TIMEOUT)) }
    }

    /// `run_threads(f)`: N threads run `f(barrier)`.
    fn run_threads(&self, f: impl Fn(&Barrier) + Send + Sync + 'static) {
        let barrier = self.barrier.clone();
        run_bunch(N, move || f(&barrier));
    }
}

impl Drop for BarrierCase {
    fn drop(&mut self) {
        self.barrier.abort();
    }
}

fn multipass(barrier: &Barrier, results: &[AtomicUsize; 2], n: usize) {
    let m = barrier.parties();
    assert_eq!(m, N);
    for i in 0..n {
        results[0].fetch_add(1, SeqCst);
        assert_eq!(results[1].load(SeqCst), i * m);
        barrier.wait().unwrap();
        results[1].fetch_add(1, SeqCst);
        assert_eq!(results[0].load(SeqCst), (i + 1) * m);
        barrier.wait().unwrap();
    }
    assert_eq!(barrier.n_waiting(), 0);
    assert!(!barrier.broken());
}

/// CPython: lock_tests.BarrierTests.test_constructor
#[test]
fn barrier_test_constructor() {
    let _serial = serial();
    assert_eq!(Barrier::new(0).unwrap_err().message(), "parties must be > 0");
    assert_eq!(Barrier::with_action(0, || {}).unwrap_err().message(), "parties must be > 0");
}

fn barrier_passes(passes: usize) {
    let case = BarrierCase::new();
    let results = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    case.run_threads(move |barrier| multipass(barrier, &results, passes));
}

/// CPython: lock_tests.BarrierTests.test_barrier
#[test]
fn barrier_test_barrier() {
    let _serial = serial();
    barrier_passes(1);
}

/// CPython: lock_tests.BarrierTests.test_barrier_10
#[test]
fn barrier_test_barrier_10() {
    let _serial = serial();
    barrier_passes(10);
}

/// CPython: lock_tests.BarrierTests.test_wait_return
#[test]
fn barrier_test_wait_return() {
    let _serial = serial();
    let case = BarrierCase::new();
    let results = shared(Vec::new());
    case.run_threads({
        let results = results.clone();
        move |barrier| {
            let r = barrier.wait().unwrap();
            push(&results, r);
        }
    });
    let results = get(&results);
    assert_eq!(results.iter().sum::<usize>(), (0..N).sum());
    let mut sorted = results;
    sorted.sort();
    assert_eq!(sorted, (0..N).collect::<Vec<_>>());
}

/// CPython: lock_tests.BarrierTests.test_action
#[test]
fn barrier_test_action() {
    let _serial = serial();
    let results = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(
        Barrier::with_action(N, {
            let results = results.clone();
            move || {
                results.fetch_add(1, SeqCst);
            }
        })
        .unwrap(),
    );
    run_bunch(N, {
        let (barrier, results) = (barrier.clone(), results.clone());
        move || {
            barrier.wait().unwrap();
            assert_eq!(results.load(SeqCst), 1);
        }
    });
}

/// CPython: lock_tests.BarrierTests.test_abort
#[test]
fn barrier_test_abort() {
    let _serial = serial();
    let case = BarrierCase::new();
    let results1 = Arc::new(AtomicUsize::new(0));
    let results2 = Arc::new(AtomicUsize::new(0));
    case.run_threads({
        let (results1, results2) = (results1.clone(), results2.clone());
        move |barrier| {
            let outcome = (|| -> Result<(), BrokenBarrierError> {
                let i = barrier.wait()?;
                if i == N / 2 {
                    // raise RuntimeError -> except RuntimeError: barrier.abort()
                    barrier.abort();
                    return Ok(());
                }
                barrier.wait()?;
                results1.fetch_add(1, SeqCst);
                Ok(())
            })();
            if outcome.is_err() {
                results2.fetch_add(1, SeqCst);
            }
        }
    });
    assert_eq!(results1.load(SeqCst), 0);
    assert_eq!(results2.load(SeqCst), N - 1);
    assert!(case.barrier.broken());
}

/// CPython: lock_tests.BarrierTests.test_reset
#[test]
fn barrier_test_reset() {
    let _serial = serial();
    let case = BarrierCase::new();
    let results = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0)]);
    case.run_threads({
        let results = results.clone();
        move |barrier| {
            let i = barrier.wait().unwrap();
            if i == N / 2 {
                // Wait until the other threads are all in the barrier.
                wait_until("the others to wait", || barrier.n_waiting() >= N - 1);
                barrier.reset();
            } else {
                match barrier.wait() {
                    Ok(_) => results[0].fetch_add(1, SeqCst),
                    Err(BrokenBarrierError) => results[1].fetch_add(1, SeqCst),
                };
            }
            // Now, pass the barrier again
            barrier.wait().unwrap();
            results[2].fetch_add(1, SeqCst);
        }
    });
    assert_eq!(results[0].load(SeqCst), 0);
    assert_eq!(results[1].load(SeqCst), N - 1);
    assert_eq!(results[2].load(SeqCst), N);
}

/// CPython: lock_tests.BarrierTests.test_abort_and_reset
#[test]
fn barrier_test_abort_and_reset() {
    let _serial = serial();
    let case = BarrierCase::new();
    let barrier2 = Arc::new(Barrier::new(N).unwrap());
    let results = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0)]);
    case.run_threads({
        let results = results.clone();
        move |barrier| {
            let outcome = (|| -> Result<(), BrokenBarrierError> {
                let i = barrier.wait()?;
                if i == N / 2 {
                    barrier.abort();
                    return Ok(());
                }
                barrier.wait()?;
                results[0].fetch_add(1, SeqCst);
                Ok(())
            })();
            if outcome.is_err() {
                results[1].fetch_add(1, SeqCst);
            }
            // Synchronize and reset the barrier. Must synchronize first so that everyone has
            // left it when we reset, and after so that no one enters it before the reset.
            if barrier2.wait().unwrap() == N / 2 {
                barrier.reset();
            }
            barrier2.wait().unwrap();
            barrier.wait().unwrap();
            results[2].fetch_add(1, SeqCst);
        }
    });
    assert_eq!(results[0].load(SeqCst), 0);
    assert_eq!(results[1].load(SeqCst), N - 1);
    assert_eq!(results[2].load(SeqCst), N);
}

/// CPython: lock_tests.BarrierTests.test_timeout
#[test]
fn barrier_test_timeout() {
    let _serial = serial();
    let case = BarrierCase::new();
    case.run_threads(|barrier| {
        let i = barrier.wait().unwrap();
        if i == N / 2 {
            // One thread is late!
            std::thread::sleep(DEFAULT_TIMEOUT / 2);
        }
        // Default timeout is 2.0, so this is shorter.
        assert_eq!(barrier.wait_timeout(DEFAULT_TIMEOUT / 4), Err(BrokenBarrierError));
    });
}

/// CPython: lock_tests.BarrierTests.test_default_timeout
#[test]
fn barrier_test_default_timeout() {
    let _serial = serial();
    let timeout = Duration::from_millis(100);
    let barrier = Arc::new(Barrier::new(2).unwrap().timeout(timeout));
    let start = Instant::now();
    run_bunch(1, {
        let barrier = barrier.clone();
        move || assert_eq!(barrier.wait(), Err(BrokenBarrierError))
    });
    assert!(start.elapsed() >= timeout);
}

/// CPython: lock_tests.BarrierTests.test_single_thread
#[test]
fn barrier_test_single_thread() {
    let _serial = serial();
    let b = Barrier::new(1).unwrap();
    assert_eq!(b.wait(), Ok(0));
    assert_eq!(b.wait(), Ok(0));
}

/// CPython: lock_tests.BarrierTests.test_repr
#[test]
fn barrier_test_repr() {
    let _serial = serial();
    let barrier = Arc::new(Barrier::new(3).unwrap());
    let repr = format!("{barrier:?}");
    assert!(repr.starts_with("<threading.Barrier at 0x") && repr.ends_with(": waiters=0/3>"), "{repr}");
    const WAITERS: usize = 2;
    let bunch = Bunch::start(WAITERS, {
        let barrier = barrier.clone();
        move || {
            barrier.wait_timeout(HANG_GUARD).unwrap();
        }
    });
    // Threads blocked on barrier.wait()
    wait_until("two waiters", || barrier.n_waiting() >= WAITERS);
    let repr = format!("{barrier:?}");
    assert!(repr.ends_with(": waiters=2/3>"), "{repr}");
    // Threads unblocked
    barrier.wait_timeout(HANG_GUARD).unwrap();
    bunch.join();
    let repr = format!("{barrier:?}");
    assert!(repr.ends_with(": waiters=0/3>"), "{repr}");
    // Abort the barrier
    barrier.abort();
    let repr = format!("{barrier:?}");
    assert!(repr.starts_with("<threading.Barrier at 0x") && repr.ends_with(": broken>"), "{repr}");
}
