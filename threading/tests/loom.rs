//! Model checks of the blocking core with loom: every interleaving of the primitives' atomics,
//! internal mutexes and park/unpark is explored for small thread counts.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test -p threading --release --test loom`.
#![cfg(loom)]

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use threading::{Barrier, Condition, Event, Lock};

#[test]
fn lock_is_mutually_exclusive_and_wakes_its_waiter() {
    loom::model(|| {
        let counter = Arc::new(Lock::with_data(0));
        let other = {
            let counter = counter.clone();
            thread::spawn(move || *counter.lock() += 1)
        };
        *counter.lock() += 1;
        other.join().unwrap();
        assert_eq!(*counter.lock(), 2);
    });
}

#[test]
fn lock_released_by_another_thread_wakes_the_acquirer() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        lock.acquire();
        let releaser = {
            let lock = lock.clone();
            thread::spawn(move || lock.release().unwrap())
        };
        lock.acquire(); // blocks until the other thread releases: no owner
        releaser.join().unwrap();
        assert!(lock.locked());
    });
}

#[test]
fn event_set_is_never_lost() {
    loom::model(|| {
        let event = Arc::new(Event::new());
        let setter = {
            let event = event.clone();
            thread::spawn(move || event.set())
        };
        assert!(event.wait());
        setter.join().unwrap();
    });
}

#[test]
fn event_clear_then_set_wakes_waiter() {
    loom::model(|| {
        let event = Arc::new(Event::new());
        let waiter = {
            let event = event.clone();
            thread::spawn(move || event.wait())
        };
        event.clear();
        event.set();
        assert!(waiter.join().unwrap());
    });
}

#[test]
fn condition_wait_for_sees_the_notified_state() {
    loom::model(|| {
        let cond = Arc::new(Condition::with_data(0));
        let producer = {
            let cond = cond.clone();
            thread::spawn(move || {
                let mut value = cond.lock();
                *value = 1;
                value.notify_all();
            })
        };
        let mut value = cond.lock();
        assert!(value.wait_for(|v| *v == 1));
        drop(value);
        producer.join().unwrap();
    });
}

#[test]
fn condition_notify_one_wakes_exactly_enough() {
    loom::model(|| {
        let cond = Arc::new(Condition::with_data(0usize));
        let consumers: Vec<_> = (0..2)
            .map(|_| {
                let cond = cond.clone();
                thread::spawn(move || {
                    let mut items = cond.lock();
                    items.wait_for(|n| *n > 0);
                    *items -= 1;
                })
            })
            .collect();
        for _ in 0..2 {
            let mut items = cond.lock();
            *items += 1;
            items.notify();
        }
        for consumer in consumers {
            consumer.join().unwrap();
        }
        assert_eq!(*cond.lock(), 0);
    });
}

#[test]
fn barrier_releases_both_parties_with_distinct_indices() {
    loom::model(|| {
        let barrier = Arc::new(Barrier::new(2).unwrap());
        let seen = Arc::new(AtomicUsize::new(0));
        let other = {
            let (barrier, seen) = (barrier.clone(), seen.clone());
            thread::spawn(move || {
                let index = barrier.wait().unwrap();
                seen.fetch_add(1 << index, Ordering::SeqCst);
            })
        };
        let index = barrier.wait().unwrap();
        seen.fetch_add(1 << index, Ordering::SeqCst);
        other.join().unwrap();
        assert_eq!(seen.load(Ordering::SeqCst), 0b11, "indices 0 and 1, once each");
    });
}

#[test]
fn barrier_abort_wakes_the_waiter_with_an_error() {
    loom::model(|| {
        let barrier = Arc::new(Barrier::new(2).unwrap());
        let waiter = {
            let barrier = barrier.clone();
            thread::spawn(move || barrier.wait())
        };
        barrier.abort();
        assert!(waiter.join().unwrap().is_err());
    });
}

mod queue_models {
    use super::*;
    use threading::queue::Queue;

    #[test]
    fn bounded_queue_hands_over_every_item_in_order() {
        loom::model(|| {
            let q = Arc::new(Queue::new(1));
            let producer = {
                let q = q.clone();
                thread::spawn(move || {
                    q.put(1).unwrap();
                    q.put(2).unwrap(); // waits for the consumer to make room
                })
            };
            assert_eq!(q.get(), Ok(1));
            assert_eq!(q.get(), Ok(2));
            producer.join().unwrap();
            assert!(q.empty());
        });
    }

    #[test]
    fn join_returns_only_after_task_done() {
        loom::model(|| {
            let q = Arc::new(Queue::new(0));
            let done = Arc::new(AtomicUsize::new(0));
            let worker = {
                let (q, done) = (q.clone(), done.clone());
                thread::spawn(move || {
                    let item = q.get().unwrap();
                    done.store(item, Ordering::SeqCst);
                    q.task_done().unwrap();
                })
            };
            q.put(7).unwrap();
            q.join();
            assert_eq!(done.load(Ordering::SeqCst), 7, "join saw the finished task");
            worker.join().unwrap();
        });
    }

    #[test]
    fn shutdown_ends_a_waiting_consumer_after_the_last_item() {
        loom::model(|| {
            let q = Arc::new(Queue::new(0));
            let consumer = {
                let q = q.clone();
                thread::spawn(move || {
                    let mut total = 0;
                    while let Ok(item) = q.get() {
                        total += item;
                    }
                    total
                })
            };
            q.put(5).unwrap();
            q.shutdown(false);
            assert_eq!(consumer.join().unwrap(), 5);
        });
    }
}
