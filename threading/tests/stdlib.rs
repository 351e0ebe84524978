//! `threading::stdlib`: the controlled drop-in `std::sync` / `std::thread`.
//!
//! * semantics against `std`'s documented behaviour (poisoning, `try_lock` errors, channel
//!   disconnection, rendezvous channels, `Once` under contention, barrier leaders, scoped
//!   borrowing, park tokens, condvar timeouts, ...);
//! * stress with real threads;
//! * under the scheduling hook: every operation is a point, a one-at-a-time controller runs
//!   correct programs correctly, and finds the classic `std` bugs (a lost wake-up with the flag
//!   outside the mutex becomes a deadlock, an `if` around a condvar wait fails on a spurious
//!   wake-up, a check-then-act over relaxed atomics prints a stale number).
//!
//! A scheduler is installed process-wide, so every test here runs alone (SERIAL).

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};
use threading::schedule::{self, AtomicOp, AtomicType, Operation, Point, Scheduler};
use threading::stdlib::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use threading::stdlib::sync::mpsc::{
    self, RecvError, RecvTimeoutError, SendError, TryRecvError, TrySendError,
};
use threading::stdlib::sync::{Arc, Barrier, Condvar, LazyLock, Mutex, Once, OnceLock, RwLock, TryLockError};
use threading::stdlib::thread;
use threading::{Waiter, Wake};

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Silences the default panic message for the panics these tests cause on purpose.
fn quietly<R>(body: impl FnOnce() -> R) -> R {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = body();
    std::panic::set_hook(previous);
    result
}

// ---------------------------------------------------------------------------------------------
// Semantics, no scheduler installed
// ---------------------------------------------------------------------------------------------

#[test]
fn a_panic_while_holding_a_mutex_poisons_it() {
    let _serial = serial();
    let m = Arc::new(Mutex::new(vec![1]));
    let m2 = Arc::clone(&m);
    let joined = quietly(|| {
        thread::spawn(move || {
            let mut guard = m2.lock().unwrap();
            guard.push(2);
            panic!("while holding");
        })
        .join()
    });
    assert_eq!(joined.unwrap_err().downcast_ref::<&str>(), Some(&"while holding"));
    assert!(m.is_poisoned());
    let guard = m.lock().unwrap_err().into_inner();
    assert_eq!(*guard, [1, 2], "the guard inside the PoisonError gives the data");
    drop(guard);
    match m.try_lock() {
        Err(TryLockError::Poisoned(p)) => assert_eq!(p.into_inner().len(), 2),
        other => panic!("expected Poisoned, got {other:?}"),
    }
    // A panic that started before the lock was taken does not poison (std: only a panic
    // while the guard is held).
    m.clear_poison();
    assert!(!m.is_poisoned());
    let m = Arc::try_unwrap(m).unwrap();
    assert_eq!(m.into_inner().unwrap(), [1, 2]);

    let mut m = Mutex::new(0);
    let _ = quietly(|| {
        catch_unwind(AssertUnwindSafe(|| {
            let _g = m.lock().unwrap();
            panic!()
        }))
    });
    assert!(m.get_mut().is_err());
    assert_eq!(m.into_inner().unwrap_err().into_inner(), 0);
}

#[test]
fn try_lock_would_block_while_held_and_guards_deref() {
    let _serial = serial();
    let m = Mutex::new(String::from("a"));
    {
        let mut g = m.lock().unwrap();
        g.push('b');
        assert!(matches!(m.try_lock(), Err(TryLockError::WouldBlock)));
        assert_eq!(format!("{m:?}"), "Mutex { data: <locked>, poisoned: false, .. }");
    }
    assert_eq!(&*m.try_lock().unwrap(), "ab");
    assert_eq!(format!("{m:?}"), "Mutex { data: \"ab\", poisoned: false, .. }");
    static GLOBAL: Mutex<u32> = Mutex::new(7);
    *GLOBAL.lock().unwrap() += 1;
    assert_eq!(*GLOBAL.lock().unwrap(), 8);
    // Unsized data, as std allows.
    let slice: &Mutex<[u8]> = &Mutex::new([1u8, 2, 3]);
    assert_eq!(slice.lock().unwrap().len(), 3);
}

#[test]
fn rwlock_readers_share_writers_exclude_and_a_writer_panic_poisons() {
    let _serial = serial();
    let lock = Arc::new(RwLock::new(0));
    let r1 = lock.read().unwrap();
    let r2 = lock.try_read().unwrap();
    assert!(matches!(lock.try_write(), Err(TryLockError::WouldBlock)));
    drop((r1, r2));
    let w = lock.write().unwrap();
    assert!(matches!(lock.try_read(), Err(TryLockError::WouldBlock)));
    drop(w);
    // A reader's panic does not poison.
    let l2 = Arc::clone(&lock);
    let _ = quietly(|| {
        thread::spawn(move || {
            let _r = l2.read().unwrap();
            panic!()
        })
        .join()
    });
    assert!(!lock.is_poisoned());
}

#[test]
fn rwlock_writer_panic_poisons_and_writers_are_not_starved() {
    let _serial = serial();
    let lock = Arc::new(RwLock::new(0));
    let l2 = Arc::clone(&lock);
    let _ = quietly(|| {
        thread::spawn(move || {
            let mut w = l2.write().unwrap();
            *w = 5;
            panic!("writer")
        })
        .join()
    });
    assert!(lock.is_poisoned());
    assert_eq!(*lock.read().unwrap_err().into_inner(), 5);
    lock.clear_poison();
    // Readers keep coming, a writer still gets in.
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (lock, stop) = (lock.clone(), stop.clone());
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let _r = lock.read().unwrap();
                    thread::yield_now();
                }
            })
        })
        .collect();
    for _ in 0..100 {
        *lock.write().unwrap() += 1;
    }
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().unwrap();
    }
    assert_eq!(*lock.read().unwrap(), 105);
}

#[test]
fn condvar_wait_timeout_times_out_and_wait_while_sees_the_change() {
    let _serial = serial();
    let pair = Arc::new((Mutex::new(0), Condvar::new()));
    let (m, c) = &*pair;
    let start = Instant::now();
    let (g, r) = c.wait_timeout(m.lock().unwrap(), Duration::from_millis(30)).unwrap();
    assert!(r.timed_out());
    assert!(start.elapsed() >= Duration::from_millis(30));
    drop(g);
    let (g, r) = c.wait_timeout_while(m.lock().unwrap(), Duration::from_millis(20), |n| *n == 0).unwrap();
    assert!(r.timed_out() && *g == 0);
    drop(g);

    let p = Arc::clone(&pair);
    let t = thread::spawn(move || {
        for i in 1..=3 {
            thread::sleep(Duration::from_millis(2));
            *p.0.lock().unwrap() = i;
            p.1.notify_all();
        }
    });
    let g = c.wait_while(m.lock().unwrap(), |n| *n < 3).unwrap();
    assert_eq!(*g, 3);
    drop(g);
    t.join().unwrap();
    let (g, r) = c.wait_timeout_while(m.lock().unwrap(), Duration::from_secs(5), |n| *n < 3).unwrap();
    assert!(!r.timed_out() && *g == 3);
}

#[test]
fn condvar_reports_poison_after_the_wait() {
    let _serial = serial();
    // (waiting, ready): the waiter says it waits under the lock, so once another thread holds
    // the lock and sees `waiting`, the waiter is inside `wait`.
    let pair = Arc::new((Mutex::new((false, false)), Condvar::new()));
    let p = Arc::clone(&pair);
    let waiter = thread::spawn(move || {
        let mut g = p.0.lock().unwrap();
        g.0 = true;
        let r = p.1.wait_while(g, |(_, ready)| !*ready);
        r.is_err()
    });
    while !pair.0.lock().unwrap().0 {
        thread::yield_now();
    }
    // Poison the mutex while the waiter waits, and wake it.
    let p = Arc::clone(&pair);
    let _ = quietly(|| {
        thread::spawn(move || {
            let mut g = p.0.lock().unwrap();
            g.1 = true;
            p.1.notify_all();
            panic!("poison")
        })
        .join()
    });
    assert!(waiter.join().unwrap(), "wait_while returned the PoisonError");
}

#[test]
fn channel_disconnection_errors_are_stds() {
    let _serial = serial();
    let (tx, rx) = mpsc::channel::<i32>();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert_eq!(rx.recv_timeout(Duration::from_millis(5)), Err(RecvTimeoutError::Timeout));
    let tx2 = tx.clone();
    tx.send(1).unwrap();
    drop(tx);
    tx2.send(2).unwrap();
    drop(tx2);
    // Queued messages are still delivered after every sender is gone, then Disconnected.
    assert_eq!(rx.recv(), Ok(1));
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.recv(), Err(RecvError));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    assert_eq!(rx.recv_timeout(Duration::from_millis(5)), Err(RecvTimeoutError::Disconnected));

    let (tx, rx) = mpsc::channel();
    drop(rx);
    assert_eq!(tx.send("x"), Err(SendError("x")));

    let (tx, rx) = mpsc::sync_channel(2);
    tx.send(1).unwrap();
    tx.try_send(2).unwrap();
    assert_eq!(tx.try_send(3), Err(TrySendError::Full(3)));
    assert_eq!(rx.try_iter().collect::<Vec<_>>(), [1, 2]);
    drop(rx);
    assert_eq!(tx.send(4), Err(SendError(4)));
    assert_eq!(tx.try_send(5), Err(TrySendError::Disconnected(5)));

    // A blocked receiver learns of the disconnection.
    let (tx, rx) = mpsc::channel::<()>();
    let t = thread::spawn(move || rx.recv());
    thread::sleep(Duration::from_millis(10));
    drop(tx);
    assert_eq!(t.join().unwrap(), Err(RecvError));
}

#[test]
fn sync_channel_zero_is_a_rendezvous() {
    let _serial = serial();
    let (tx, rx) = mpsc::sync_channel::<u32>(0);
    // No receiver waiting: try_send is Full.
    assert_eq!(tx.try_send(1), Err(TrySendError::Full(1)));
    let received = Arc::new(AtomicBool::new(false));
    let r = Arc::clone(&received);
    let t = thread::spawn(move || {
        thread::sleep(Duration::from_millis(30));
        r.store(true, Ordering::SeqCst);
        rx.recv().unwrap()
    });
    let start = Instant::now();
    tx.send(7).unwrap();
    // send returned only once the receiver was there to take it.
    assert!(received.load(Ordering::SeqCst));
    assert!(start.elapsed() >= Duration::from_millis(25));
    assert_eq!(t.join().unwrap(), 7);

    // A blocked rendezvous sender gets its message back when the receiver goes away.
    let (tx, rx) = mpsc::sync_channel::<String>(0);
    let t = thread::spawn(move || tx.send("kept".into()));
    thread::sleep(Duration::from_millis(10));
    drop(rx);
    assert_eq!(t.join().unwrap(), Err(SendError("kept".into())));

    // try_send succeeds when a receiver is blocked waiting.
    let (tx, rx) = mpsc::sync_channel::<u8>(0);
    let t = thread::spawn(move || rx.recv().unwrap());
    let mut sent = false;
    for _ in 0..1000 {
        if tx.try_send(9).is_ok() {
            sent = true;
            break;
        }
        thread::sleep(Duration::from_millis(1));
    }
    assert!(sent);
    assert_eq!(t.join().unwrap(), 9);
}

#[test]
fn once_runs_once_under_contention_and_poisons_on_panic() {
    let _serial = serial();
    let once = Arc::new(Once::new());
    let runs = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (once, runs, barrier) = (once.clone(), runs.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                once.call_once(|| {
                    thread::sleep(Duration::from_millis(10));
                    runs.fetch_add(1, Ordering::SeqCst);
                });
                // Everyone returns only after the initialiser completed.
                assert_eq!(runs.load(Ordering::SeqCst), 1);
                assert!(once.is_completed());
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);

    let once = Once::new();
    let r = quietly(|| catch_unwind(AssertUnwindSafe(|| once.call_once(|| panic!("init failed")))));
    assert!(r.is_err());
    assert!(!once.is_completed());
    let again = quietly(|| catch_unwind(AssertUnwindSafe(|| once.call_once(|| {}))));
    let message = again.unwrap_err();
    assert_eq!(message.downcast_ref::<&str>(), Some(&"Once instance has previously been poisoned"));
    let mut saw_poison = false;
    once.call_once_force(|state| saw_poison = state.is_poisoned());
    assert!(saw_poison && once.is_completed());
    once.call_once(|| unreachable!());
}

#[test]
fn once_lock_get_or_init_runs_one_initialiser() {
    let _serial = serial();
    static CELL: OnceLock<usize> = OnceLock::new();
    let inits = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..6)
        .map(|i| {
            let inits = inits.clone();
            thread::spawn(move || {
                *CELL.get_or_init(|| {
                    inits.fetch_add(1, Ordering::SeqCst);
                    thread::sleep(Duration::from_millis(5));
                    i
                })
            })
        })
        .collect();
    let values: HashSet<usize> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(values.len(), 1, "everyone sees the one value");
    assert_eq!(inits.load(Ordering::SeqCst), 1);
    assert_eq!(CELL.set(99), Err(99));

    // A panicking initialiser leaves the cell empty; the next one runs.
    let cell = OnceLock::new();
    let r = quietly(|| catch_unwind(AssertUnwindSafe(|| cell.get_or_init(|| -> i32 { panic!() }))));
    assert!(r.is_err());
    assert_eq!(cell.get(), None);
    assert_eq!(*cell.get_or_init(|| 3), 3);
    let mut cell = cell;
    assert_eq!(cell.take(), Some(3));
    assert_eq!(cell.set(4), Ok(()));
    assert_eq!(cell.into_inner(), Some(4));

    static LAZY: LazyLock<Vec<u8>> = LazyLock::new(|| vec![1, 2]);
    assert_eq!(LAZY.len(), 2);
    let poisoned: LazyLock<u8> = LazyLock::new(|| panic!("lazy init"));
    assert!(quietly(|| catch_unwind(AssertUnwindSafe(|| *poisoned))).is_err());
    let again = quietly(|| catch_unwind(AssertUnwindSafe(|| *poisoned))).unwrap_err();
    assert_eq!(again.downcast_ref::<&str>(), Some(&"LazyLock instance has previously been poisoned"));
}

#[test]
fn barrier_has_one_leader_per_round_and_is_reusable() {
    let _serial = serial();
    let n = 5;
    let rounds = 20;
    let barrier = Arc::new(Barrier::new(n));
    let leaders = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (barrier, leaders) = (barrier.clone(), leaders.clone());
            thread::spawn(move || {
                for _ in 0..rounds {
                    if barrier.wait().is_leader() {
                        leaders.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(leaders.load(Ordering::SeqCst), rounds);
    assert!(Barrier::new(0).wait().is_leader(), "new(0) behaves as new(1)");
}

#[test]
fn scope_borrows_joins_and_propagates_unjoined_panics() {
    let _serial = serial();
    let mut numbers = vec![1, 2, 3, 4];
    let total = AtomicUsize::new(0);
    let returned = thread::scope(|s| {
        for chunk in numbers.chunks(2) {
            s.spawn(|| {
                total.fetch_add(chunk.iter().sum::<usize>(), Ordering::SeqCst);
            });
        }
        // Nested spawn, borrowing the scope itself.
        s.spawn(|| {
            s.spawn(|| total.fetch_add(100, Ordering::SeqCst));
        });
        let h = s.spawn(|| numbers.len());
        h.join().unwrap()
    });
    assert_eq!(returned, 4);
    assert_eq!(total.load(Ordering::SeqCst), 110, "every scoped thread was joined");
    numbers.push(5); // the borrow ended with the scope

    // A joined panic is handled; an unjoined one makes the scope panic after all threads end.
    let finished = AtomicBool::new(false);
    let r = quietly(|| {
        catch_unwind(AssertUnwindSafe(|| {
            thread::scope(|s| {
                let h = s.spawn(|| -> () { panic!("joined") });
                assert!(h.join().is_err());
                s.spawn(|| -> () { panic!("not joined") });
                s.spawn(|| {
                    thread::sleep(Duration::from_millis(20));
                    finished.store(true, Ordering::SeqCst);
                });
            })
        }))
    });
    let payload = r.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"a scoped thread panicked"));
    assert!(finished.load(Ordering::SeqCst), "the scope waited for every thread first");
}

#[test]
fn park_unpark_token_semantics() {
    let _serial = serial();
    // A token made available before park is consumed by it; tokens do not accumulate.
    thread::current().unpark();
    thread::current().unpark();
    let start = Instant::now();
    thread::park();
    assert!(start.elapsed() < Duration::from_secs(1));
    thread::park_timeout(Duration::from_millis(20));
    assert!(start.elapsed() >= Duration::from_millis(20), "the second park found no token");

    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    let parked = thread::Builder::new()
        .name("parked".into())
        .spawn(move || {
            assert_eq!(thread::current().name(), Some("parked"));
            while !f.load(Ordering::Acquire) {
                thread::park();
            }
            thread::current().id()
        })
        .unwrap();
    thread::sleep(Duration::from_millis(10));
    flag.store(true, Ordering::Release);
    parked.thread().unpark();
    let id = parked.thread().id();
    assert_eq!(parked.join().unwrap(), id);
    assert_ne!(id, thread::current().id());
    assert_eq!(thread::spawn(|| thread::current().name().map(String::from)).join().unwrap(), None);
}

#[test]
fn spawned_threads_are_threading_threads() {
    let _serial = serial();
    let h =
        thread::Builder::new().name("visible".into()).spawn(|| threading::current_thread().name()).unwrap();
    assert_eq!(h.join().unwrap(), "visible");
    let unnamed = thread::spawn(|| threading::current_thread().name()).join().unwrap();
    assert!(unnamed.starts_with("Thread-"), "{unnamed}");
    let h = thread::spawn(|| 5u8);
    while !h.is_finished() {
        thread::yield_now();
    }
    assert_eq!(h.join().unwrap(), 5);
}

// ---------------------------------------------------------------------------------------------
// Stress, real threads
// ---------------------------------------------------------------------------------------------

#[test]
fn stress_mutex_counter_channel_and_condvar_queue() {
    let _serial = serial();
    let counter = Arc::new(Mutex::new(0usize));
    let (tx, rx) = mpsc::channel();
    let queue = Arc::new((Mutex::new(Vec::<usize>::new()), Condvar::new()));
    let producers: Vec<_> = (0..4)
        .map(|p| {
            let (counter, tx, queue) = (counter.clone(), tx.clone(), queue.clone());
            thread::spawn(move || {
                for i in 0..2000 {
                    *counter.lock().unwrap() += 1;
                    tx.send(p * 10_000 + i).unwrap();
                    let (m, c) = &*queue;
                    m.lock().unwrap().push(i);
                    c.notify_one();
                }
            })
        })
        .collect();
    drop(tx);
    let consumer = {
        let queue = queue.clone();
        thread::spawn(move || {
            let (m, c) = &*queue;
            let mut taken = 0;
            while taken < 8000 {
                let mut q = c.wait_while(m.lock().unwrap(), |q| q.is_empty()).unwrap();
                taken += q.drain(..).count();
            }
            taken
        })
    };
    let received: Vec<usize> = rx.iter().collect();
    for p in producers {
        p.join().unwrap();
    }
    assert_eq!(consumer.join().unwrap(), 8000);
    assert_eq!(*counter.lock().unwrap(), 8000);
    assert_eq!(received.len(), 8000);
    // Per-producer FIFO order.
    let mut last: HashMap<usize, usize> = HashMap::new();
    for v in received {
        let (p, i) = (v / 10_000, v % 10_000);
        if let Some(prev) = last.insert(p, i) {
            assert!(i > prev);
        }
    }
}

#[test]
fn stress_bounded_channel_and_rwlock() {
    let _serial = serial();
    let (tx, rx) = mpsc::sync_channel(3);
    let lock = Arc::new(RwLock::new(0u64));
    let senders: Vec<_> = (0..3)
        .map(|_| {
            let (tx, lock) = (tx.clone(), lock.clone());
            thread::spawn(move || {
                for i in 0..1000u64 {
                    tx.send(i).unwrap();
                    if i % 10 == 0 {
                        *lock.write().unwrap() += 1;
                    } else {
                        let _ = *lock.read().unwrap();
                    }
                }
            })
        })
        .collect();
    drop(tx);
    let sum: u64 = rx.iter().sum();
    for s in senders {
        s.join().unwrap();
    }
    assert_eq!(sum, 3 * 999 * 1000 / 2);
    assert_eq!(*lock.read().unwrap(), 300);
}

// ---------------------------------------------------------------------------------------------
// Under the scheduling hook
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<Seen>>);

/// What a [`Recorder`] saw: a point, or a call of the scheduler's `sleep`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Seen {
    Point(Operation),
    Sleep,
}

impl Scheduler for Recorder {
    fn point(&self, point: &Point<'_>) {
        self.0.lock().unwrap().push(Seen::Point(point.operation));
    }

    /// Yields and sleeps reach the scheduler's `sleep` (a controller's yield).
    fn sleep(&self, _: Duration) {
        self.0.lock().unwrap().push(Seen::Sleep);
    }
}

/// Touches every type, correctly synchronised; returns a checksum only a correct run gives.
fn workload() -> usize {
    let counter = Arc::new(Mutex::new(0usize));
    let ready = Arc::new((Mutex::new(false), Condvar::new()));
    let table = Arc::new(RwLock::new(0usize));
    let barrier = Arc::new(Barrier::new(2));
    let once = Arc::new(Once::new());
    let cell = Arc::new(OnceLock::new());
    let hits = Arc::new(AtomicUsize::new(0));
    let flag = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let (stx, srx) = mpsc::sync_channel(0);
    let worker = thread::spawn({
        let (counter, ready, table, barrier, once, cell, hits, flag) = (
            counter.clone(),
            ready.clone(),
            table.clone(),
            barrier.clone(),
            once.clone(),
            cell.clone(),
            hits.clone(),
            flag.clone(),
        );
        move || {
            for i in 1..=5 {
                *counter.lock().unwrap() += i;
                tx.send(i).unwrap();
                hits.fetch_add(1, Ordering::SeqCst);
            }
            drop(tx);
            *table.write().unwrap() += 1;
            once.call_once(|| {
                cell.set(10).unwrap();
            });
            stx.send(100).unwrap();
            barrier.wait();
            {
                let (m, c) = &*ready;
                *m.lock().unwrap() = true;
                c.notify_all();
            }
            flag.store(true, Ordering::Release);
            thread::park_timeout(Duration::from_micros(1));
        }
    });
    let sum: usize = rx.iter().sum();
    let rendezvous = srx.recv().unwrap();
    once.call_once(|| {
        cell.set(10).unwrap();
    });
    barrier.wait();
    let (m, c) = &*ready;
    // A wait that surely happens, timed so that it may end either way.
    drop(c.wait_timeout(m.lock().unwrap(), Duration::from_micros(1)).unwrap());
    drop(c.wait_while(m.lock().unwrap(), |r| !*r).unwrap());
    threading::stdlib::hint::spin_loop();
    thread::yield_now();
    while !flag.load(Ordering::Acquire) {
        threading::stdlib::hint::spin_loop();
        thread::yield_now();
    }
    worker.thread().unpark();
    worker.join().unwrap();
    let scoped = thread::scope(|s| s.spawn(|| *table.read().unwrap()).join().unwrap());
    sum + *counter.lock().unwrap() + rendezvous + *cell.get().unwrap() + hits.load(Ordering::SeqCst) + scoped
}

const WORKLOAD_TOTAL: usize = 15 + 15 + 100 + 10 + 5 + 1;

#[test]
fn every_operation_is_a_scheduling_point() {
    let _serial = serial();
    let recorder = Arc::new(Recorder::default());
    let guard = schedule::install(recorder.clone());
    assert_eq!(workload(), WORKLOAD_TOTAL);
    drop(guard);
    let seen = recorder.0.lock().unwrap().clone();
    for op in [
        Operation::ThreadSpawn,
        Operation::ThreadScope,
        Operation::JoinHandleJoin,
        Operation::ThreadExit,
        Operation::ThreadUnpark,
        Operation::ThreadParkTimeout,
        Operation::ThreadYieldNow,
        Operation::SpinLoop,
        Operation::MutexLock,
        Operation::MutexUnlock,
        Operation::CondvarWaitTimeout,
        Operation::CondvarNotifyAll,
        Operation::RwLockRead,
        Operation::RwLockWrite,
        Operation::RwLockWriteUnlock,
        Operation::RwLockReadUnlock,
        Operation::BarrierWait,
        Operation::OnceCallOnce,
        Operation::OnceLockSet,
        Operation::OnceLockGet,
        Operation::MpscSend,
        Operation::MpscRecv,
        Operation::MpscSenderDrop,
        Operation::Atomic(AtomicType::AtomicUsize, AtomicOp::FetchAdd),
        Operation::Atomic(AtomicType::AtomicUsize, AtomicOp::Load),
        Operation::Atomic(AtomicType::AtomicBool, AtomicOp::Store),
        Operation::Atomic(AtomicType::AtomicBool, AtomicOp::Load),
    ] {
        assert!(seen.contains(&Seen::Point(op)), "{op} never seen in {seen:?}");
    }
    assert!(seen.contains(&Seen::Sleep), "the scheduler's sleep never called: {seen:?}");

    // Exactly one point per operation.
    let recorder = Arc::new(Recorder::default());
    let a = AtomicUsize::new(0);
    let m = Mutex::new(0);
    let guard = schedule::install(recorder.clone());
    for _ in 0..10 {
        a.load(Ordering::Relaxed);
    }
    a.store(1, Ordering::Relaxed);
    *m.lock().unwrap() += 1;
    let _ = m.try_lock();
    threading::stdlib::sync::atomic::fence(Ordering::SeqCst);
    drop(guard);
    let seen = recorder.0.lock().unwrap().clone();
    let mut expected = vec![Operation::Atomic(AtomicType::AtomicUsize, AtomicOp::Load); 10];
    expected.extend([
        Operation::Atomic(AtomicType::AtomicUsize, AtomicOp::Store),
        Operation::MutexLock,
        Operation::MutexUnlock,
        Operation::MutexTryLock,
        Operation::MutexUnlock,
        Operation::Fence,
    ]);
    assert_eq!(seen, expected.into_iter().map(Seen::Point).collect::<Vec<_>>());
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Status {
    Runnable,
    Blocked { timed: bool },
    Finished,
}

#[derive(Default)]
struct Controlled {
    current: Option<threading::Thread>,
    threads: Vec<(threading::Thread, Status)>,
    rng: u64,
    deadlock: Option<String>,
    spurious: usize,
    /// (thread index in creation order, operation) at every point: the schedule.
    trace: Vec<(usize, Operation)>,
}

/// One thread at a time, the next one picked at random (seeded) at every point: the shape of
/// the grader's controllers, in miniature (as in `tests/schedule.rs`), plus spurious wake-ups
/// on some waits when `spurious` is set.
struct OneAtATime {
    state: std::sync::Mutex<Controlled>,
    turn: std::sync::Condvar,
    inside: std::sync::atomic::AtomicUsize,
    max_inside: std::sync::atomic::AtomicUsize,
    spurious: bool,
}

impl OneAtATime {
    fn new(seed: u64, spurious: bool) -> Self {
        OneAtATime {
            state: std::sync::Mutex::new(Controlled {
                rng: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
                ..Controlled::default()
            }),
            turn: std::sync::Condvar::new(),
            inside: std::sync::atomic::AtomicUsize::new(1), // the test thread
            max_inside: std::sync::atomic::AtomicUsize::new(0),
            spurious,
        }
    }

    fn next(state: &mut Controlled) -> u64 {
        state.rng ^= state.rng << 13;
        state.rng ^= state.rng >> 7;
        state.rng ^= state.rng << 17;
        state.rng
    }

    fn index(state: &mut Controlled, thread: &threading::Thread) -> usize {
        if let Some(i) = state.threads.iter().position(|(t, _)| t == thread) {
            return i;
        }
        state.threads.push((thread.clone(), Status::Runnable));
        if state.current.is_none() {
            state.current = Some(thread.clone());
        }
        state.threads.len() - 1
    }

    fn choose(&self, state: &mut Controlled) {
        let candidates: Vec<usize> = (0..state.threads.len())
            .filter(|&i| matches!(state.threads[i].1, Status::Runnable | Status::Blocked { timed: true }))
            .collect();
        if candidates.is_empty() {
            let blocked: Vec<String> = state
                .threads
                .iter()
                .filter(|(_, s)| matches!(s, Status::Blocked { .. }))
                .map(|(t, _)| t.name())
                .collect();
            if !blocked.is_empty() && state.deadlock.is_none() {
                state.deadlock =
                    Some(format!("deadlock: {} blocked\n{}", blocked.join(", "), threading::report()));
            }
            state.current = None;
        } else {
            let pick = candidates[(Self::next(state) % candidates.len() as u64) as usize];
            state.current = Some(state.threads[pick].0.clone());
        }
        self.turn.notify_all();
    }

    fn wait_turn<'a>(
        &self,
        state: std::sync::MutexGuard<'a, Controlled>,
        me: &threading::Thread,
    ) -> std::sync::MutexGuard<'a, Controlled> {
        self.inside.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        self.enter(state, me)
    }

    fn enter<'a>(
        &self,
        mut state: std::sync::MutexGuard<'a, Controlled>,
        me: &threading::Thread,
    ) -> std::sync::MutexGuard<'a, Controlled> {
        while state.current.as_ref() != Some(me) && state.deadlock.is_none() {
            state = self.turn.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        let now = self.inside.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        self.max_inside.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
        state
    }

    fn deadlock(&self) -> Option<String> {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).deadlock.clone()
    }
}

impl Scheduler for OneAtATime {
    fn point(&self, point: &Point<'_>) {
        let me = threading::current_thread();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let i = Self::index(&mut state, &me);
        state.trace.push((i, point.operation));
        self.choose(&mut state);
        drop(self.wait_turn(state, &me));
    }

    fn park(&self, waiter: &Waiter, deadline: Option<Instant>) -> Wake {
        let me = threading::current_thread();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let i = Self::index(&mut state, &me);
        if !waiter.is_notified() {
            state.threads[i].1 = Status::Blocked { timed: deadline.is_some() };
            self.choose(&mut state);
            state = self.wait_turn(state, &me);
            if let Some(report) = state.deadlock.clone() {
                drop(state);
                panic!("{report}");
            }
        }
        state.threads[i].1 = Status::Runnable;
        if waiter.is_notified() { Wake::Notified } else { Wake::TimedOut }
    }

    fn unpark(&self, waiter: &Waiter) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let i = Self::index(&mut state, &waiter.thread());
        if matches!(state.threads[i].1, Status::Blocked { .. }) {
            state.threads[i].1 = Status::Runnable;
        }
    }

    fn sleep(&self, _: Duration) {}

    fn spurious_wakeup(&self, _: &Point<'_>) -> bool {
        if !self.spurious {
            return false;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let wake = Self::next(&mut state).is_multiple_of(2);
        state.spurious += usize::from(wake);
        wake
    }

    fn thread_created(&self, thread: &threading::Thread) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).threads.push((thread.clone(), Status::Runnable));
    }

    fn thread_started(&self, thread: &threading::Thread) {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        drop(self.enter(state, thread));
    }

    fn thread_finished(&self, thread: &threading::Thread) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let i = Self::index(&mut state, thread);
        state.threads[i].1 = Status::Finished;
        self.inside.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        self.choose(&mut state);
    }
}

/// How one controlled run ended.
struct Run<R> {
    result: std::thread::Result<R>,
    deadlock: Option<String>,
    max_inside: usize,
    trace: Vec<(usize, Operation)>,
}

fn controlled<R>(seed: u64, spurious: bool, body: impl FnOnce() -> R) -> Run<R> {
    let controller = Arc::new(OneAtATime::new(seed, spurious));
    let guard = schedule::install(controller.clone());
    let result = catch_unwind(AssertUnwindSafe(body));
    if controller.deadlock().is_some() {
        // The deadlocked threads unwind (their parks panic with the report): let them finish
        // under this controller, so that none of them reaches the next run's.
        let me = threading::current_thread();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline
            && controller
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .threads
                .iter()
                .any(|(t, s)| *t != me && t.name() != "MainThread" && *s != Status::Finished)
        {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    drop(guard);
    let deadlock = controller.deadlock();
    let trace = std::mem::take(&mut controller.state.lock().unwrap_or_else(|e| e.into_inner()).trace);
    Run {
        result,
        deadlock,
        max_inside: controller.max_inside.load(std::sync::atomic::Ordering::SeqCst),
        trace,
    }
}

#[test]
fn a_controller_runs_std_code_one_thread_at_a_time() {
    let _serial = serial();
    for seed in 1..=30 {
        let run = controlled(seed, false, workload);
        assert!(run.deadlock.is_none(), "seed {seed}: {:?}", run.deadlock);
        assert_eq!(run.result.ok(), Some(WORKLOAD_TOTAL), "seed {seed}");
        assert_eq!(run.max_inside, 1, "seed {seed}: two threads ran at once");
    }
}

/// The first bug: the "done" flag is an atomic stored and notified outside the mutex
/// the waiter checks it under, so a store + notify between the check and the wait is lost.
fn lost_wakeup(flag_inside: bool) {
    let done = Arc::new(AtomicBool::new(false));
    let pair = Arc::new((Mutex::new(()), Condvar::new()));
    let notifier = thread::spawn({
        let (done, pair) = (done.clone(), pair.clone());
        move || {
            if flag_inside {
                let _g = pair.0.lock().unwrap();
                done.store(true, Ordering::SeqCst);
            } else {
                done.store(true, Ordering::SeqCst);
            }
            pair.1.notify_one();
        }
    });
    let (m, c) = &*pair;
    let mut g = m.lock().unwrap();
    while !done.load(Ordering::SeqCst) {
        g = c.wait(g).unwrap();
    }
    drop(g);
    notifier.join().unwrap();
}

#[test]
fn a_lost_wakeup_with_the_flag_outside_the_mutex_is_a_detected_deadlock() {
    let _serial = serial();
    let mut found = None;
    quietly(|| {
        for seed in 1..=200 {
            let run = controlled(seed, false, || lost_wakeup(false));
            if let Some(report) = run.deadlock {
                assert!(run.result.is_err(), "the blocked main thread learned of the deadlock");
                found = Some((seed, report));
                break;
            }
            assert!(run.result.is_ok());
        }
    });
    let (seed, report) = found.expect("no schedule in 200 reached the lost wake-up");
    assert!(report.contains("Condvar.wait"), "seed {seed}: {report}");
    // Let the unwound threads of the deadlocked run finish before the next test.
    thread::sleep(Duration::from_millis(20));

    // Stored under the mutex, the same code never deadlocks.
    for seed in 1..=100 {
        let run = controlled(seed, false, || lost_wakeup(true));
        assert!(run.deadlock.is_none(), "seed {seed}: {:?}", run.deadlock);
        assert!(run.result.is_ok(), "seed {seed}");
    }
}

/// `if` where a `while` belongs: correct only if waits never wake spuriously.
fn if_instead_of_while(use_while: bool) -> bool {
    let pair = Arc::new((Mutex::new(false), Condvar::new()));
    let setter = thread::spawn({
        let pair = pair.clone();
        move || {
            *pair.0.lock().unwrap() = true;
            pair.1.notify_one();
        }
    });
    let (m, c) = &*pair;
    let mut ready = m.lock().unwrap();
    if use_while {
        while !*ready {
            ready = c.wait(ready).unwrap();
        }
    } else if !*ready {
        ready = c.wait(ready).unwrap();
    }
    let saw = *ready;
    drop(ready);
    setter.join().unwrap();
    saw
}

#[test]
fn injected_spurious_wakeups_catch_an_if_around_a_condvar_wait() {
    let _serial = serial();
    // Without a scheduler, and under a controller that injects none, the `if` happens to work.
    for _ in 0..200 {
        assert!(if_instead_of_while(false));
    }
    for seed in 1..=30 {
        assert_eq!(controlled(seed, false, || if_instead_of_while(false)).result.ok(), Some(true));
    }
    // With spurious wake-ups, some schedule wakes the waiter before the flag is set.
    let caught = (1..=100)
        .find(|&seed| controlled(seed, true, || if_instead_of_while(false)).result.ok() == Some(false));
    assert!(caught.is_some(), "no schedule in 100 woke the `if` spuriously");
    // The `while` loop is right under every schedule.
    for seed in 1..=100 {
        let run = controlled(seed, true, || if_instead_of_while(true));
        assert_eq!(run.result.ok(), Some(true), "seed {seed}");
    }
}

/// The second bug: a turn-taking printer that reads the number before checking whose
/// turn it is, with relaxed atomics and a `yield_now` spin; returns what was printed.
fn check_then_act(rounds: usize) -> Vec<usize> {
    let turn = Arc::new(AtomicUsize::new(0));
    let number = Arc::new(AtomicUsize::new(0));
    let printed = Arc::new(Mutex::new(Vec::new()));
    let players: Vec<_> = (0..2)
        .map(|me| {
            let (turn, number, printed) = (turn.clone(), number.clone(), printed.clone());
            thread::spawn(move || {
                let mut mine = 0;
                while mine < rounds {
                    let n = number.load(Ordering::Relaxed); // read too early
                    if turn.load(Ordering::Relaxed) == me {
                        printed.lock().unwrap().push(n);
                        number.store(n + 1, Ordering::Relaxed);
                        turn.store(1 - me, Ordering::Relaxed);
                        mine += 1;
                    } else {
                        thread::yield_now();
                    }
                }
            })
        })
        .collect();
    for p in players {
        p.join().unwrap();
    }
    Arc::try_unwrap(printed).unwrap().into_inner().unwrap()
}

#[test]
fn a_check_then_act_over_relaxed_atomics_prints_a_stale_number_under_some_schedule() {
    let _serial = serial();
    let expected: Vec<usize> = (0..6).collect();
    let caught = (1..=100).find(|&seed| {
        let run = controlled(seed, false, || check_then_act(3));
        assert!(run.deadlock.is_none());
        run.result.unwrap() != expected
    });
    assert!(caught.is_some(), "no schedule in 100 showed the stale read");
}

#[test]
fn a_controller_sees_a_deadlock_between_two_std_mutexes() {
    let _serial = serial();
    let mut found = None;
    quietly(|| {
        for seed in 1..=100 {
            let run = controlled(seed, false, || {
                let (a, b) = (Arc::new(Mutex::new(())), Arc::new(Mutex::new(())));
                let t = thread::spawn({
                    let (a, b) = (a.clone(), b.clone());
                    move || {
                        let _b = b.lock().unwrap();
                        let _a = a.lock().unwrap();
                    }
                });
                {
                    let _a = a.lock().unwrap();
                    let _b = b.lock().unwrap();
                }
                t.join().unwrap();
            });
            if let Some(report) = run.deadlock {
                found = Some(report);
                break;
            }
        }
    });
    let report = found.expect("no schedule in 100 deadlocked");
    assert!(report.contains("Mutex.lock"), "{report}");
    thread::sleep(Duration::from_millis(20));
}

/// What the grader does to a submission: every `std::` path becomes `threading::stdlib::`,
/// grouped imports included; what is not controlled is `std`'s own.
mod rewritten_submission {
    use threading::stdlib::collections::HashMap;
    use threading::stdlib::sync::{Arc, Mutex, mpsc};
    use threading::stdlib::{thread, time::Duration};

    pub fn word_counts(texts: Vec<&'static str>) -> HashMap<String, usize> {
        let counts = Arc::new(Mutex::new(HashMap::new()));
        let (tx, rx) = mpsc::channel();
        let handles: Vec<thread::JoinHandle<()>> = texts
            .into_iter()
            .map(|text| {
                let (counts, tx) = (Arc::clone(&counts), tx.clone());
                thread::spawn(move || {
                    for word in text.split_whitespace() {
                        *counts.lock().unwrap().entry(word.to_owned()).or_insert(0) += 1;
                    }
                    thread::sleep(Duration::from_millis(1));
                    tx.send(()).unwrap();
                })
            })
            .collect();
        drop(tx);
        assert_eq!(rx.iter().count(), handles.len());
        for h in handles {
            h.join().unwrap();
        }
        let counts: threading::stdlib::sync::Mutex<HashMap<String, usize>> = Arc::into_inner(counts).unwrap();
        counts.into_inner().unwrap()
    }
}

#[test]
fn a_submission_with_every_std_path_rewritten_runs_controlled() {
    let _serial = serial();
    let counts = rewritten_submission::word_counts(vec!["a b a", "b c"]);
    assert_eq!((counts["a"], counts["b"], counts["c"]), (2, 2, 1));
    let recorder = Arc::new(Recorder::default());
    let guard = schedule::install(recorder.clone());
    let _ = rewritten_submission::word_counts(vec!["x"]);
    drop(guard);
    let seen = recorder.0.lock().unwrap().clone();
    for op in [
        Operation::ThreadSpawn,
        Operation::MutexLock,
        Operation::MpscSend,
        Operation::MpscRecv,
        Operation::Sleep,
        Operation::JoinHandleJoin,
    ] {
        assert!(seen.contains(&Seen::Point(op)), "{op} never seen in {seen:?}");
    }
    for seed in 1..=10 {
        let run = controlled(seed, true, || rewritten_submission::word_counts(vec!["p q", "q"]));
        assert!(run.deadlock.is_none(), "seed {seed}");
        assert_eq!(run.result.unwrap()["q"], 2);
    }
}

fn shareable<T: Send + Sync + std::panic::RefUnwindSafe + std::panic::UnwindSafe>() {}
fn send_sync<T: Send + Sync>() {}

#[test]
fn types_share_and_unwind_like_stds() {
    let _serial = serial();
    shareable::<Mutex<Vec<u8>>>();
    shareable::<RwLock<String>>();
    shareable::<Condvar>();
    shareable::<Barrier>();
    shareable::<Once>();
    shareable::<OnceLock<String>>();
    shareable::<LazyLock<String>>();
    shareable::<AtomicUsize>();
    shareable::<AtomicBool>();
    shareable::<threading::stdlib::sync::atomic::AtomicI64>();
    send_sync::<threading::stdlib::sync::atomic::AtomicPtr<u8>>();
    send_sync::<mpsc::Sender<String>>();
    send_sync::<mpsc::SyncSender<String>>();
    fn send<T: Send>() {}
    send::<mpsc::Receiver<String>>();
    send_sync::<thread::JoinHandle<u8>>();
    send_sync::<thread::Thread>();
    // Used inside catch_unwind as std's are.
    let m = Mutex::new(1);
    let c = Condvar::new();
    let outcome = catch_unwind(|| {
        c.notify_all();
        *m.lock().unwrap()
    });
    assert_eq!(outcome.ok(), Some(1));
}

#[test]
fn blocked_std_calls_can_be_interrupted() {
    let _serial = serial();
    let (tx, rx) = mpsc::channel::<u8>();
    let m = Arc::new(Mutex::new(()));
    let held = m.lock().unwrap();
    let pair = Arc::new((Mutex::new(()), Condvar::new()));
    let stuck: Vec<_> = ["stuck-park", "stuck-lock", "stuck-wait"]
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let (m, pair) = (m.clone(), pair.clone());
            thread::Builder::new()
                .name(name.into())
                .spawn(move || match i {
                    1 => drop(m.lock()),
                    2 => {
                        let g = pair.0.lock().unwrap();
                        let _g = pair.1.wait(g);
                    }
                    _ => thread::park(),
                })
                .unwrap()
        })
        .collect();
    let receiver = thread::Builder::new().name("stuck-recv".into()).spawn(move || rx.recv()).unwrap();
    let names = ["stuck-park", "stuck-lock", "stuck-wait", "stuck-recv"];
    let deadline = Instant::now() + Duration::from_secs(10);
    while threading::blocked_threads()
        .iter()
        .filter(|b| names.contains(&b.name.as_str()) && b.blocked.is_some())
        .count()
        < 4
    {
        assert!(Instant::now() < deadline, "{:?}", threading::blocked_threads());
        thread::sleep(Duration::from_millis(1));
    }
    for name in names {
        let t = threading::enumerate().into_iter().find(|t| t.name() == name);
        threading::interrupt(&t.unwrap_or_else(|| panic!("{name} is not a threading thread")));
    }
    for h in stuck {
        let payload = h.join().unwrap_err();
        assert!(payload.downcast_ref::<threading::KeyboardInterrupt>().is_some());
    }
    assert!(receiver.join().unwrap_err().downcast_ref::<threading::KeyboardInterrupt>().is_some());
    drop(held);
    drop(tx);
    // The primitives are still usable.
    drop(m.lock().unwrap());
    pair.1.notify_all();
}

/// Timed waits whose timeout the controller decides, so a schedule does not depend on the clock.
fn timed_handoff() -> (bool, bool, Result<u8, RecvTimeoutError>) {
    let pair = Arc::new((Mutex::new(false), Condvar::new()));
    let (tx, rx) = mpsc::channel();
    let t = thread::spawn({
        let pair = pair.clone();
        move || {
            *pair.0.lock().unwrap() = true;
            pair.1.notify_one();
            tx.send(1u8).unwrap();
        }
    });
    let (m, c) = &*pair;
    let (g, r) = c.wait_timeout_while(m.lock().unwrap(), Duration::from_millis(1), |ready| !*ready).unwrap();
    let outcome = (*g, r.timed_out(), rx.recv_timeout(Duration::from_micros(10)));
    drop(g);
    thread::park_timeout(Duration::from_micros(1));
    t.join().unwrap();
    outcome
}

#[test]
fn a_seed_replays_the_same_schedule() {
    let _serial = serial();
    let mut outcomes = HashSet::new();
    for seed in 1..=15 {
        let first = controlled(seed, true, workload);
        let again = controlled(seed, true, workload);
        assert_eq!(first.result.ok(), Some(WORKLOAD_TOTAL));
        assert!(first.trace.len() > 50);
        assert_eq!(first.trace, again.trace, "seed {seed} replayed differently");

        let first = controlled(seed, false, timed_handoff);
        // Slow the second run down: real time must not change the schedule.
        let again = controlled(seed, false, || {
            std::thread::sleep(Duration::from_millis(3));
            timed_handoff()
        });
        assert_eq!(first.trace, again.trace, "seed {seed} replayed differently");
        let (first, again) = (first.result.unwrap(), again.result.unwrap());
        assert_eq!(first, again);
        outcomes.insert(format!("{first:?}"));
    }
    assert!(outcomes.len() > 1, "the controller chose between timing out and not: {outcomes:?}");
}

/// `use threading::*;` next to `use std::...` must keep compiling: the module is not named `std`.
mod glob_user {
    use std::sync::Arc;
    #[allow(unused_imports)]
    use threading::*;

    pub fn shared_lock() -> Arc<Lock> {
        Arc::new(Lock::new())
    }
}

#[test]
fn a_glob_import_of_threading_leaves_std_alone() {
    let _serial = serial();
    let lock = glob_user::shared_lock();
    lock.acquire();
    lock.release().unwrap();
}

/// `notify_one` where two threads wait for the same state change: the second sleeps forever.
fn notify_one_for_two(notify_all: bool) {
    let pair = Arc::new((Mutex::new(false), Condvar::new()));
    let waiters: Vec<_> = (0..2)
        .map(|_| {
            let pair = pair.clone();
            thread::spawn(move || {
                let (m, c) = &*pair;
                drop(c.wait_while(m.lock().unwrap(), |go| !*go).unwrap());
            })
        })
        .collect();
    *pair.0.lock().unwrap() = true;
    if notify_all {
        pair.1.notify_all();
    } else {
        pair.1.notify_one();
    }
    for w in waiters {
        w.join().unwrap();
    }
}

#[test]
fn notify_one_with_two_waiters_is_a_detected_deadlock() {
    let _serial = serial();
    let found = quietly(|| {
        (1..=200).find(|&seed| controlled(seed, false, || notify_one_for_two(false)).deadlock.is_some())
    });
    assert!(found.is_some(), "no schedule in 200 left a waiter asleep");
    for seed in 1..=100 {
        let run = controlled(seed, false, || notify_one_for_two(true));
        assert!(run.deadlock.is_none() && run.result.is_ok(), "seed {seed}");
    }
}

/// `park` without a loop around it: right only if parks never return spuriously.
fn park_once() -> bool {
    let flag = Arc::new(AtomicBool::new(false));
    let parked = thread::spawn({
        let flag = flag.clone();
        move || {
            if !flag.load(Ordering::Acquire) {
                thread::park();
            }
            flag.load(Ordering::Acquire)
        }
    });
    flag.store(true, Ordering::Release);
    parked.thread().unpark();
    parked.join().unwrap()
}

#[test]
fn injected_spurious_wakeups_catch_a_park_without_a_loop() {
    let _serial = serial();
    for seed in 1..=30 {
        assert_eq!(controlled(seed, false, park_once).result.ok(), Some(true), "seed {seed}");
    }
    let caught = (1..=100).find(|&seed| controlled(seed, true, park_once).result.ok() == Some(false));
    assert!(caught.is_some(), "no schedule in 100 woke the park spuriously");
}
