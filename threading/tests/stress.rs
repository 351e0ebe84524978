//! Many threads hammering each primitive; every run must end with exact counts.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use threading::{Barrier, BoundedSemaphore, Condition, Event, Lock, RLock, Thread};

const THREADS: usize = 16;

fn run_all(threads: Vec<Thread>) {
    threads.iter().for_each(|t| t.start().unwrap());
    threads.iter().for_each(|t| t.join().unwrap());
}

#[test]
fn lock_counter_never_loses_an_update() {
    const PER_THREAD: usize = 20_000;
    let counter = Arc::new(Lock::with_data(0usize));
    run_all(
        (0..THREADS)
            .map(|_| {
                let counter = counter.clone();
                Thread::new(move || {
                    for _ in 0..PER_THREAD {
                        *counter.lock() += 1;
                    }
                })
            })
            .collect(),
    );
    assert_eq!(*counter.lock(), THREADS * PER_THREAD);
}

#[test]
fn bare_lock_acquire_release_from_many_threads() {
    const PER_THREAD: usize = 20_000;
    let lock = Arc::new(Lock::new());
    let inside = Arc::new(AtomicUsize::new(0));
    let total = Arc::new(AtomicUsize::new(0));
    run_all(
        (0..THREADS)
            .map(|i| {
                let (lock, inside, total) = (lock.clone(), inside.clone(), total.clone());
                Thread::new(move || {
                    for j in 0..PER_THREAD {
                        let acquired = match (i + j) % 3 {
                            0 => lock.acquire(),
                            1 => lock.acquire_timeout(Duration::from_secs(60)),
                            _ => {
                                while !lock.try_acquire() {
                                    std::thread::yield_now();
                                }
                                true
                            }
                        };
                        assert!(acquired);
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two threads inside");
                        total.fetch_add(1, Ordering::Relaxed);
                        inside.fetch_sub(1, Ordering::SeqCst);
                        lock.release().unwrap();
                    }
                })
            })
            .collect(),
    );
    assert_eq!(total.load(Ordering::SeqCst), THREADS * PER_THREAD);
    assert!(!lock.locked());
}

#[test]
fn rlock_nested_sections() {
    const PER_THREAD: usize = 5_000;
    let lock = Arc::new(RLock::with_data(std::cell::Cell::new(0usize)));
    run_all(
        (0..THREADS)
            .map(|_| {
                let lock = lock.clone();
                Thread::new(move || {
                    for _ in 0..PER_THREAD {
                        let outer = lock.lock();
                        let inner = lock.lock();
                        inner.set(inner.get() + 1);
                        drop(inner);
                        outer.set(outer.get() + 1);
                    }
                })
            })
            .collect(),
    );
    assert_eq!(lock.lock().get(), 2 * THREADS * PER_THREAD);
}

#[test]
fn condition_bounded_buffer_many_producers_many_consumers() {
    const ITEMS_PER_PRODUCER: usize = 5_000;
    const CAPACITY: usize = 8;
    let buffer = Arc::new(Condition::with_data(std::collections::VecDeque::new()));
    let received = Arc::new(Lock::with_data(Vec::new()));
    let producers: Vec<_> = (0..THREADS / 2)
        .map(|p| {
            let buffer = buffer.clone();
            Thread::new(move || {
                for i in 0..ITEMS_PER_PRODUCER {
                    let mut items = buffer.lock();
                    items.wait_for(|items| items.len() < CAPACITY);
                    items.push_back(p * ITEMS_PER_PRODUCER + i);
                    items.notify_all();
                }
            })
        })
        .collect();
    let consumers: Vec<_> = (0..THREADS / 2)
        .map(|_| {
            let (buffer, received) = (buffer.clone(), received.clone());
            Thread::new(move || {
                for _ in 0..ITEMS_PER_PRODUCER {
                    let mut items = buffer.lock();
                    items.wait_for(|items| !items.is_empty());
                    let item = items.pop_front().unwrap();
                    items.notify_all();
                    drop(items);
                    received.lock().push(item);
                }
            })
        })
        .collect();
    run_all(producers.into_iter().chain(consumers).collect());
    let mut received = std::mem::take(&mut *received.lock());
    received.sort_unstable();
    assert_eq!(received, (0..THREADS / 2 * ITEMS_PER_PRODUCER).collect::<Vec<_>>(), "each item exactly once");
}

#[test]
fn event_ping_pong() {
    const ROUNDS: usize = 5_000;
    let ping = Arc::new(Event::new());
    let pong = Arc::new(Event::new());
    let partner = Thread::new({
        let (ping, pong) = (ping.clone(), pong.clone());
        move || {
            for _ in 0..ROUNDS {
                ping.wait();
                ping.clear();
                pong.set();
            }
        }
    });
    partner.start().unwrap();
    for _ in 0..ROUNDS {
        ping.set();
        pong.wait();
        pong.clear();
    }
    partner.join().unwrap();
}

#[test]
fn barrier_many_cycles() {
    const CYCLES: usize = 500;
    let barrier = Arc::new(Barrier::new(THREADS).unwrap());
    let firsts = Arc::new(AtomicUsize::new(0));
    run_all(
        (0..THREADS)
            .map(|_| {
                let (barrier, firsts) = (barrier.clone(), firsts.clone());
                Thread::new(move || {
                    for _ in 0..CYCLES {
                        if barrier.wait().unwrap() == 0 {
                            firsts.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                })
            })
            .collect(),
    );
    assert_eq!(firsts.load(Ordering::SeqCst), CYCLES, "exactly one index 0 per cycle");
}

#[test]
fn bounded_semaphore_limits_concurrency() {
    const LIMIT: usize = 3;
    let sem = Arc::new(BoundedSemaphore::new(LIMIT));
    let inside = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    run_all(
        (0..THREADS)
            .map(|_| {
                let (sem, inside, peak) = (sem.clone(), inside.clone(), peak.clone());
                Thread::new(move || {
                    for _ in 0..2_000 {
                        let _slot = sem.guard();
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect(),
    );
    assert!(peak.load(Ordering::SeqCst) <= LIMIT);
    assert_eq!(sem.value(), LIMIT);
}

#[test]
fn timed_waits_racing_with_notifications_lose_nothing() {
    // Timeouts that expire just as a notification arrives must neither lose the notification
    // nor leave a stale waiter behind.
    let cond = Arc::new(Condition::with_data(0usize));
    let consumed = Arc::new(AtomicUsize::new(0));
    const ITEMS: usize = 20_000;
    let consumers: Vec<_> = (0..4)
        .map(|_| {
            let (cond, consumed) = (cond.clone(), consumed.clone());
            Thread::new(move || {
                loop {
                    let mut available = cond.lock();
                    while *available == 0 {
                        if consumed.load(Ordering::SeqCst) == ITEMS {
                            return;
                        }
                        available.wait_timeout(Duration::from_micros(50));
                    }
                    *available -= 1;
                    consumed.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    consumers.iter().for_each(|t| t.start().unwrap());
    for _ in 0..ITEMS {
        let mut available = cond.lock();
        *available += 1;
        available.notify();
    }
    consumers.iter().for_each(|t| t.join().unwrap());
    assert_eq!(consumed.load(Ordering::SeqCst), ITEMS);
    assert_eq!(*cond.lock(), 0);
}
