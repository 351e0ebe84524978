//! Event and Barrier against Python's documented behaviour (what CPython's EventTests and
//! BarrierTests check: wait results, timeouts, clear; barrier indices, action, abort, reset, timeout).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use threading::{Barrier, BrokenBarrierError, Event, Thread};

fn spawn(f: impl FnOnce() + Send + 'static) -> Thread {
    let t = Thread::new(f);
    t.start().unwrap();
    t
}

#[test]
fn event_set_wakes_every_waiter() {
    let event = Arc::new(Event::new());
    let results = Arc::new(AtomicUsize::new(0));
    let waiters: Vec<_> = (0..5)
        .map(|_| {
            let (event, results) = (event.clone(), results.clone());
            spawn(move || {
                if event.wait() {
                    results.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    threading::sleep(Duration::from_millis(10));
    event.set();
    waiters.iter().for_each(|t| t.join().unwrap());
    assert_eq!(results.load(Ordering::SeqCst), 5);
    assert!(event.wait(), "a set event does not block");
}

#[test]
fn event_wait_timeout_returns_the_flag() {
    let event = Event::new();
    let start = Instant::now();
    assert!(!event.wait_timeout(Duration::from_millis(20)));
    assert!(start.elapsed() >= Duration::from_millis(20));
    event.set();
    assert!(event.wait_timeout(Duration::from_millis(20)));
    event.clear();
    assert!(!event.is_set());
    assert!(!event.wait_timeout(Duration::ZERO));
    assert!(format!("{event:?}").ends_with(": unset>"));
}

#[test]
fn event_set_then_clear_still_wakes_a_waiter_that_was_waiting() {
    // CPython's set() wakes the current waiters and their wait() returns True even if clear()
    // follows at once: a wake-up is never lost to a quick clear.
    let event = Arc::new(Event::new());
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = {
        let event = event.clone();
        spawn(move || tx.send(event.wait()).unwrap())
    };
    while !threading::report().contains("blocked in Event.wait") {
        threading::sleep(Duration::from_millis(1));
    }
    event.set();
    event.clear();
    assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(true));
    waiter.join().unwrap();
}

#[test]
fn barrier_indices_are_distinct_and_the_action_runs_once_per_cycle() {
    const PARTIES: usize = 5;
    const CYCLES: usize = 20;
    let actions = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(
        Barrier::with_action(PARTIES, {
            let actions = actions.clone();
            move || {
                actions.fetch_add(1, Ordering::SeqCst);
            }
        })
        .unwrap(),
    );
    let seen = Arc::new(threading::Lock::with_data(vec![Vec::new(); CYCLES]));
    let threads: Vec<_> = (0..PARTIES)
        .map(|_| {
            let (barrier, seen) = (barrier.clone(), seen.clone());
            spawn(move || {
                for cycle in 0..CYCLES {
                    let index = barrier.wait().unwrap();
                    seen.lock()[cycle].push(index);
                }
            })
        })
        .collect();
    threads.iter().for_each(|t| t.join().unwrap());
    assert_eq!(actions.load(Ordering::SeqCst), CYCLES);
    for mut indices in seen.lock().clone() {
        indices.sort();
        assert_eq!(indices, (0..PARTIES).collect::<Vec<_>>());
    }
    assert_eq!(barrier.n_waiting(), 0);
    assert!(!barrier.broken());
}

#[test]
fn barrier_abort_breaks_current_and_future_waits() {
    let barrier = Arc::new(Barrier::new(3).unwrap());
    let waiter = {
        let barrier = barrier.clone();
        spawn(move || assert_eq!(barrier.wait(), Err(BrokenBarrierError)))
    };
    while barrier.n_waiting() < 1 {
        threading::sleep(Duration::from_millis(1));
    }
    barrier.abort();
    waiter.join().unwrap();
    assert!(barrier.broken());
    assert_eq!(barrier.wait(), Err(BrokenBarrierError));
    barrier.reset();
    assert!(!barrier.broken());
}

#[test]
fn barrier_reset_breaks_waiters_then_is_usable_again() {
    let barrier = Arc::new(Barrier::new(2).unwrap());
    let waiter = {
        let barrier = barrier.clone();
        spawn(move || assert_eq!(barrier.wait(), Err(BrokenBarrierError)))
    };
    while barrier.n_waiting() < 1 {
        threading::sleep(Duration::from_millis(1));
    }
    barrier.reset();
    waiter.join().unwrap();
    assert!(!barrier.broken());
    let partner = {
        let barrier = barrier.clone();
        spawn(move || {
            barrier.wait().unwrap();
        })
    };
    barrier.wait().unwrap();
    partner.join().unwrap();
}

#[test]
fn barrier_timeout_breaks_it_for_everyone() {
    let barrier = Arc::new(Barrier::new(3).unwrap());
    let patient = {
        let barrier = barrier.clone();
        spawn(move || assert_eq!(barrier.wait(), Err(BrokenBarrierError)))
    };
    while barrier.n_waiting() < 1 {
        threading::sleep(Duration::from_millis(1));
    }
    assert_eq!(barrier.wait_timeout(Duration::from_millis(10)), Err(BrokenBarrierError));
    patient.join().unwrap();
    assert!(barrier.broken());
    let with_default = Barrier::new(2).unwrap().timeout(Duration::from_millis(5));
    assert_eq!(with_default.wait(), Err(BrokenBarrierError));
}

#[test]
fn barrier_action_panic_breaks_the_barrier_and_unwinds_the_last_thread() {
    let barrier = Arc::new(Barrier::with_action(2, || panic!("action failed")).unwrap());
    let other = {
        let barrier = barrier.clone();
        spawn(move || {
            let _ = std::panic::catch_unwind(|| barrier.wait());
        })
    };
    let mine = std::panic::catch_unwind({
        let barrier = barrier.clone();
        move || barrier.wait()
    });
    other.join().unwrap();
    assert!(barrier.broken());
    // Exactly one of the two ran the action and unwound; the other got BrokenBarrierError.
    match mine {
        Err(payload) => assert_eq!(payload.downcast_ref::<&str>(), Some(&"action failed")),
        Ok(result) => assert_eq!(result, Err(BrokenBarrierError)),
    }
}

#[test]
fn barrier_repr() {
    let barrier = Barrier::new(3).unwrap();
    assert!(format!("{barrier:?}").ends_with(": waiters=0/3>"));
    barrier.abort();
    assert!(barrier.to_string().ends_with(": broken>"));
}
