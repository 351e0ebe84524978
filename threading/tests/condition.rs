//! Condition against Python's documented behaviour (what CPython's ConditionTests check:
//! notify counts, wait timeouts, wait_for's return value, ownership errors, RLock conditions).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use threading::schedule::Operation;
use threading::{Condition, Lock, RLock, Thread};

fn spawn(f: impl FnOnce() + Send + 'static) -> Thread {
    let t = Thread::new(f);
    t.start().unwrap();
    t
}

/// Waits until every thread of `threads` is parked in `Condition.wait` (other tests in this
/// binary run at the same time, so their waiters must not count).
fn until_waiting(threads: &[Thread]) {
    let idents: Vec<u64> = threads.iter().map(|t| t.ident().unwrap()).collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    while threading::blocked_threads()
        .iter()
        .filter(|t| idents.contains(&t.ident))
        .filter(|t| t.blocked.as_ref().is_some_and(|b| b.blocked.operation == Operation::ConditionWait))
        .count()
        < threads.len()
    {
        assert!(Instant::now() < deadline, "threads never started waiting");
        threading::sleep(Duration::from_millis(1));
    }
}

#[test]
fn notify_wakes_exactly_n_and_notify_all_the_rest() {
    let cond = Arc::new(Condition::with_data(0usize));
    let woken = Arc::new(AtomicUsize::new(0));
    let waiters: Vec<_> = (0..5)
        .map(|_| {
            let (cond, woken) = (cond.clone(), woken.clone());
            spawn(move || {
                let mut generation = cond.lock();
                let start = *generation;
                while *generation == start {
                    generation.wait();
                }
                woken.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();
    until_waiting(&waiters);
    {
        let mut generation = cond.lock();
        *generation += 1;
        generation.notify_n(2);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while woken.load(Ordering::SeqCst) < 2 {
        assert!(Instant::now() < deadline);
        threading::sleep(Duration::from_millis(1));
    }
    threading::sleep(Duration::from_millis(20));
    assert_eq!(woken.load(Ordering::SeqCst), 2, "notify(2) wakes two, not more");
    cond.lock().notify_all();
    waiters.iter().for_each(|t| t.join().unwrap());
    assert_eq!(woken.load(Ordering::SeqCst), 5);
}

#[test]
fn wait_timeout_returns_false_and_holds_the_lock_again() {
    let cond = Condition::with_data(1);
    let mut guard = cond.lock();
    let start = Instant::now();
    assert!(!guard.wait_timeout(Duration::from_millis(20)));
    assert!(start.elapsed() >= Duration::from_millis(20));
    *guard += 1; // the lock is held again
    assert_eq!(*guard, 2);
}

#[test]
fn wait_for_returns_the_predicates_last_value() {
    let cond = Arc::new(Condition::with_data(0));
    let mut value = cond.lock();
    assert!(!value.wait_for_timeout(|v| *v == 1, Duration::from_millis(10)));
    let setter = spawn({
        let cond = cond.clone();
        move || {
            for i in 1..=3 {
                let mut v = cond.lock();
                *v = i;
                v.notify_all();
            }
        }
    });
    assert!(value.wait_for(|v| *v == 3));
    assert_eq!(*value, 3);
    drop(value);
    setter.join().unwrap();
}

#[test]
fn bare_api_needs_the_lock_held() {
    let cond = Condition::new();
    assert_eq!(cond.wait().unwrap_err().message(), "cannot wait on un-acquired lock");
    assert_eq!(cond.notify().unwrap_err().message(), "cannot notify on un-acquired lock");
    assert_eq!(cond.notify_all().unwrap_err().message(), "cannot notify on un-acquired lock");
    assert!(cond.acquire());
    assert_eq!(cond.wait_timeout(Duration::from_millis(1)), Ok(false));
    assert_eq!(cond.wait_for_timeout(|| false, Duration::from_millis(1)), Ok(false));
    cond.notify_all().unwrap();
    cond.release().unwrap();
    assert!(cond.release().is_err());
}

#[test]
fn condition_over_an_rlock_checks_ownership_per_thread() {
    let rlock = Arc::new(RLock::new());
    let cond = Arc::new(Condition::with_rlock(rlock.clone()));
    rlock.acquire();
    rlock.acquire(); // recursion level 2 survives a wait
    let other = spawn({
        let cond = cond.clone();
        move || {
            assert_eq!(cond.notify().unwrap_err().message(), "cannot notify on un-acquired lock");
            let _held = cond.lock();
            cond.notify_all().unwrap();
        }
    });
    assert_eq!(cond.wait_timeout(Duration::from_secs(30)), Ok(true));
    assert_eq!(rlock.recursion_count(), 2, "wait restored the recursion level");
    rlock.release().unwrap();
    rlock.release().unwrap();
    other.join().unwrap();
}

#[test]
fn two_conditions_share_one_lock_like_queue() {
    let lock = Arc::new(Lock::with_data(Vec::<u32>::new()));
    let not_empty = Arc::new(Condition::with_lock(lock.clone()));
    let not_full = Arc::new(Condition::with_lock(lock.clone()));
    const CAPACITY: usize = 2;
    let producer = spawn({
        let (not_empty, not_full) = (not_empty.clone(), not_full.clone());
        move || {
            for i in 0..100 {
                let mut items = not_full.lock();
                items.wait_for(|items| items.len() < CAPACITY);
                items.push(i);
                not_empty.notify_held(&items, 1);
            }
        }
    });
    let mut received = Vec::new();
    while received.len() < 100 {
        let mut items = not_empty.lock();
        items.wait_for(|items| !items.is_empty());
        assert!(items.len() <= CAPACITY);
        received.push(items.remove(0));
        not_full.notify_held(&items, 1);
    }
    producer.join().unwrap();
    assert_eq!(received, (0..100).collect::<Vec<_>>());
}

#[test]
fn producer_consumer_with_several_consumers() {
    // Seed 004's Condition lesson: one producer, several consumers waiting on the same condition.
    let cond = Arc::new(Condition::with_data(Vec::<usize>::new()));
    let consumed = Arc::new(AtomicUsize::new(0));
    let consumers: Vec<_> = (0..4)
        .map(|_| {
            let (cond, consumed) = (cond.clone(), consumed.clone());
            spawn(move || {
                loop {
                    let mut items = cond.lock();
                    items.wait_for(|items| !items.is_empty());
                    let item = items.pop().unwrap();
                    if item == usize::MAX {
                        items.push(item); // pass the stop marker on
                        items.notify_all();
                        return;
                    }
                    consumed.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for i in 0..1000 {
        let mut items = cond.lock();
        items.insert(0, i);
        items.notify();
    }
    {
        let mut items = cond.lock();
        items.insert(0, usize::MAX);
        items.notify_all();
    }
    consumers.iter().for_each(|t| t.join().unwrap());
    assert_eq!(consumed.load(Ordering::SeqCst), 1000);
}

#[test]
fn condition_repr() {
    // Python: repr(Condition()) names the default RLock; repr(Condition(Lock())) the lock.
    let cond = Condition::new();
    let repr = format!("{cond:?}");
    assert!(repr.starts_with("<Condition(<unlocked _thread.RLock object owner=0 count=0 at 0x"), "{repr}");
    assert!(repr.ends_with(", 0)>"), "{repr}");
    let over_lock = Condition::with_data(());
    let repr = format!("{over_lock:?}");
    assert!(repr.starts_with("<Condition(<unlocked _thread.lock object at 0x"), "{repr}");
}

#[test]
fn default_condition_is_reentrant() {
    // Python: the default lock of Condition() is an RLock, so `with cond: with cond:` works.
    let cond = Condition::new();
    let outer = cond.lock();
    let inner = cond.lock();
    assert!(cond.acquire(), "a third level through the bare API");
    cond.release().unwrap();
    drop(inner);
    cond.notify().unwrap();
    drop(outer);
    assert_eq!(cond.release().unwrap_err().message(), "cannot release un-acquired lock");
}

/// A thread that does not hold the condition's lock must neither wait (which would release the
/// holder's lock and let two threads into the critical section) nor release it.
fn non_owner_is_refused(cond: Arc<Condition>) {
    let inside = Arc::new(AtomicUsize::new(0));
    cond.acquire();
    inside.fetch_add(1, Ordering::SeqCst);
    // A std thread, so that a failed assertion in it fails the test through `join`.
    let intruder = std::thread::spawn({
        let (cond, inside) = (cond.clone(), inside.clone());
        move || {
            assert_eq!(cond.wait().unwrap_err().message(), "cannot wait on un-acquired lock");
            assert_eq!(
                cond.wait_timeout(Duration::from_millis(1)).unwrap_err().message(),
                "cannot wait on un-acquired lock"
            );
            assert_eq!(cond.wait_for(|| true).unwrap_err().message(), "cannot wait on un-acquired lock");
            assert_eq!(cond.notify().unwrap_err().message(), "cannot notify on un-acquired lock");
            assert_eq!(cond.release().unwrap_err().message(), "cannot release un-acquired lock");
            // Still locked by the owner: a non-blocking acquire fails.
            assert!(!cond.try_acquire(), "the owner's lock was released by another thread");
            let _held = cond.lock();
            assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two threads in the critical section");
            inside.fetch_sub(1, Ordering::SeqCst);
        }
    });
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(inside.fetch_sub(1, Ordering::SeqCst), 1);
    cond.release().unwrap();
    intruder.join().unwrap();
}

#[test]
fn non_owner_cannot_wait_or_release_the_default_condition() {
    non_owner_is_refused(Arc::new(Condition::new()));
}

#[test]
fn non_owner_cannot_wait_or_release_a_condition_over_a_lock() {
    non_owner_is_refused(Arc::new(Condition::with_lock(Arc::new(Lock::new()))));
}

#[test]
fn condition_over_a_lock_acquired_directly_follows_python() {
    // Python's reading for Condition(Lock()): a lock held through the Lock itself counts as held.
    let lock = Arc::new(Lock::new());
    let cond = Condition::with_lock(lock.clone());
    lock.acquire();
    assert_eq!(cond.wait_timeout(Duration::from_millis(1)), Ok(false));
    assert!(lock.locked(), "the wait re-acquired the lock");
    lock.release().unwrap();
}
