//! The controller on small programs of its own, one behaviour each: a run completes, a
//! deadlock and a spin are stopped with a report, a timed wait times out only when nothing
//! else can run, the recorded trace replays the same interleaving, the fairness rule and the
//! watchdog keep spin loops finite. (The corpus tests the controller only through whole
//! exercises.)

use super::{Abort, ControlOutcome, Controller, ControllerLimits};
use crate::core::harness::{RUN_LOCK, RunLimits};
use crate::core::schedule::random::RandomWalk;
use crate::core::schedule::replay::Replay;
use crate::core::schedule::{ChoicePoint, Strategy, Trace};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use threading::{Event, Lock, Thread};

/// One controlled run at a time: the scheduling hook and the watchdog are process-wide.
fn serial() -> MutexGuard<'static, ()> {
    RUN_LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn limits() -> ControllerLimits {
    RunLimits::default().controller(0)
}

/// Runs `body` under `strategy`. Tasks of an aborted run unwind with `KeyboardInterrupt` by
/// design: that is no failure worth printing, anything else is.
fn controlled<R>(
    strategy: impl Strategy + 'static,
    limits: ControllerLimits,
    body: impl FnOnce() -> R,
) -> (Option<R>, ControlOutcome) {
    let previous = threading::get_excepthook();
    threading::set_excepthook(|args| {
        if args.exc_type != "KeyboardInterrupt" {
            eprintln!("exception in a test thread: {}: {}", args.exc_type, args.exc_value);
        }
    });
    let result = Controller::new(Box::new(strategy), limits).run(body);
    threading::restore_excepthook(previous);
    result
}

/// Starts one `threading` thread per closure and joins them all.
fn start_and_join(bodies: Vec<Box<dyn FnOnce() + Send>>) {
    let threads: Vec<Thread> = bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| {
            let body = Mutex::new(Some(body));
            let thread = Thread::builder().name(format!("t{i}")).target(move || {
                if let Some(body) = body.lock().unwrap().take() {
                    body()
                }
            });
            thread.start().unwrap();
            thread
        })
        .collect();
    for thread in threads {
        let _ = thread.join();
    }
}

/// Three threads append their number under a lock, twice each: the order is the schedule.
fn appends() -> Vec<usize> {
    let log = Arc::new(Lock::with_data(Vec::new()));
    let bodies = (0..3)
        .map(|i| {
            let log = Arc::clone(&log);
            Box::new(move || {
                for _ in 0..2 {
                    log.lock().push(i);
                }
            }) as Box<dyn FnOnce() + Send>
        })
        .collect();
    start_and_join(bodies);
    log.lock().clone()
}

/// Always hands the baton to another task when it can (maximal interleaving).
struct Alternate;

impl Strategy for Alternate {
    fn choose(&mut self, point: &ChoicePoint<'_>) -> usize {
        let others: Vec<usize> =
            point.candidates.iter().copied().filter(|&t| Some(t) != point.current).collect();
        others.last().copied().unwrap_or(point.candidates[0])
    }
}

/// Never switches while the running task can go on (the fairness rule must step in).
struct Sticky;

impl Strategy for Sticky {
    fn choose(&mut self, point: &ChoicePoint<'_>) -> usize {
        match point.current {
            Some(current) if !point.unfair => current,
            _ => point
                .candidates
                .iter()
                .copied()
                .find(|&t| Some(t) != point.current)
                .unwrap_or(point.candidates[0]),
        }
    }
}

#[test]
fn a_correct_program_completes_with_every_step_counted() {
    let _serial = serial();
    let (order, outcome) = controlled(RandomWalk::new(3), limits(), appends);
    assert!(outcome.abort.is_none(), "{:?}", outcome.abort);
    let mut order = order.expect("the run completes");
    order.sort_unstable();
    assert_eq!(order, [0, 0, 1, 1, 2, 2]);
    assert!(outcome.steps >= 6, "every acquire is a point: {} steps", outcome.steps);
    assert!(!outcome.trace.0.is_empty());
    assert_eq!(outcome.preemptions, 0);
}

#[test]
fn a_recorded_trace_replays_the_same_interleaving() {
    let _serial = serial();
    for seed in 1..6 {
        let (first, recorded) = controlled(RandomWalk::new(seed), limits(), appends);
        let trace: Trace = recorded.trace.to_string().parse().unwrap();
        let (again, replayed) = controlled(Replay::new(trace), limits(), appends);
        assert_eq!(first, again, "seed {seed}: trace {}", recorded.trace);
        assert_eq!(recorded.trace, replayed.trace);
        assert_eq!(replayed.note, None, "the replay did not diverge");
    }
}

#[test]
fn locks_taken_in_opposite_orders_deadlock_with_a_report_of_each_thread() {
    let _serial = serial();
    let (a, b) = (Arc::new(Lock::new().named("a")), Arc::new(Lock::new().named("b")));
    let (result, outcome) = controlled(Alternate, limits(), || {
        let (a1, b1, a2, b2) = (Arc::clone(&a), Arc::clone(&b), Arc::clone(&a), Arc::clone(&b));
        start_and_join(vec![
            Box::new(move || {
                let _a = a1.lock();
                let _b = b1.lock();
            }),
            Box::new(move || {
                let _b = b2.lock();
                let _a = a2.lock();
            }),
        ]);
    });
    assert!(result.is_none());
    let Some(Abort::Deadlock(threads)) = outcome.abort else {
        panic!("expected a deadlock: {:?}", outcome.abort)
    };
    let states: Vec<&str> = threads.iter().map(|t| t.state.as_str()).collect();
    assert!(
        states.iter().any(|s| s.contains("on a")) && states.iter().any(|s| s.contains("on b")),
        "{states:?}"
    );
    assert!(threads.iter().any(|t| t.harness && t.state.starts_with("waiting to join")), "{threads:?}");
}

#[test]
fn a_timed_wait_times_out_only_when_nothing_else_can_run() {
    let _serial = serial();
    let event = Arc::new(Event::new());
    let (result, outcome) = controlled(RandomWalk::new(1), limits(), || {
        let waited = Arc::new(Mutex::new(None));
        let (e1, e2, w) = (Arc::clone(&event), Arc::clone(&event), Arc::clone(&waited));
        start_and_join(vec![
            Box::new(move || *w.lock().unwrap() = Some(e1.wait_timeout(Duration::from_millis(20)))),
            // Sets the event unless the waiter timed out first: with a scheduler that lets
            // time jump only when nothing can run, it always gets to set it.
            Box::new(move || e2.set()),
        ]);
        waited.lock().unwrap().take()
    });
    assert!(outcome.abort.is_none(), "{:?}", outcome.abort);
    assert_eq!(result, Some(Some(true)), "the waiter saw the event");

    let (result, outcome) = controlled(RandomWalk::new(1), limits(), || {
        let lonely = Event::new();
        let started = Instant::now();
        (lonely.wait_timeout(Duration::from_millis(20)), started.elapsed())
    });
    assert!(outcome.abort.is_none(), "a timed wait alone is no deadlock: {:?}", outcome.abort);
    let (set, waited) = result.unwrap();
    assert!(!set);
    assert!(waited >= Duration::from_millis(20), "time jumps only to the real deadline: {waited:?}");
}

#[test]
fn a_spin_through_synchronisation_points_stops_at_the_step_cap() {
    let _serial = serial();
    let capped = ControllerLimits { max_steps: 200, ..limits() };
    let (result, outcome) = controlled(RandomWalk::new(1), capped, || {
        let never = Event::new();
        while !never.wait_timeout(Duration::ZERO) {
            threading::sleep(Duration::ZERO);
        }
    });
    assert!(result.is_none());
    assert!(matches!(outcome.abort, Some(Abort::Steps(201, _))), "{:?}", outcome.abort);
}

#[test]
fn fairness_ends_a_spin_with_yield_that_the_strategy_would_never_interrupt() {
    let _serial = serial();
    let (result, outcome) = controlled(Sticky, limits(), || {
        let flag = Arc::new(Event::new());
        let (spinner, setter) = (Arc::clone(&flag), Arc::clone(&flag));
        start_and_join(vec![
            Box::new(move || {
                while !spinner.is_set() {
                    threading::sleep(Duration::ZERO);
                }
            }),
            Box::new(move || setter.set()),
        ]);
    });
    assert!(outcome.abort.is_none(), "{:?}", outcome.abort);
    assert!(result.is_some());
}

#[test]
fn the_watchdog_sets_aside_a_thread_that_spins_without_reaching_a_point() {
    let _serial = serial();
    let quick = ControllerLimits { slice: Duration::from_millis(20), ..limits() };
    let (result, outcome) = controlled(Sticky, quick, || {
        let flag = Arc::new(AtomicBool::new(false));
        let (spinner, setter) = (Arc::clone(&flag), Arc::clone(&flag));
        start_and_join(vec![
            // Busy-waits on a plain atomic: no `threading` point until the flag is up.
            Box::new(move || {
                while !spinner.load(Ordering::Acquire) {
                    std::hint::spin_loop();
                }
            }),
            Box::new(move || setter.store(true, Ordering::Release)),
        ]);
    });
    assert!(outcome.abort.is_none(), "{:?}", outcome.abort);
    assert!(result.is_some());
    assert!(outcome.preemptions >= 1);
    assert!(outcome.trace.has_preemptions(), "the trace marks it: {}", outcome.trace);
}

/// Picks the lowest runnable task and answers each wait that may end spuriously from a script
/// (`None` once it runs out: a run without spurious wake-ups).
struct Scripted(std::vec::IntoIter<bool>);

impl Strategy for Scripted {
    fn choose(&mut self, decision: &ChoicePoint<'_>) -> usize {
        decision.candidates[0]
    }

    fn spurious_wakeup(&mut self, _step: u64) -> Option<bool> {
        self.0.next()
    }
}

/// A `std`-style wait under an `if`, with nobody to notify it: only spurious wake-ups end it.
fn wait_nobody_notifies() -> u32 {
    use threading::stdlib::sync::{Condvar, Mutex};
    let (lock, changed) = (Mutex::new(0u32), Condvar::new());
    let mut woken = 0;
    let mut guard = lock.lock().unwrap();
    for _ in 0..2 {
        guard = changed.wait(guard).unwrap();
        woken += 1;
    }
    drop(guard);
    woken
}

#[test]
fn spurious_wakeups_end_std_waits_as_the_strategy_says_and_replay_exactly() {
    let _serial = serial();
    let (woken, outcome) = controlled(Scripted(vec![true, true].into_iter()), limits(), wait_nobody_notifies);
    assert_eq!(woken, Some(2));
    assert_eq!(outcome.trace.to_string(), "+2");
    let (again, replayed) = controlled(Replay::new(outcome.trace.clone()), limits(), wait_nobody_notifies);
    assert_eq!(again, Some(2));
    assert_eq!(replayed.trace, outcome.trace);

    // A wait the script leaves alone is recorded too (`.`), so a replay does not hand its
    // wake-up to the next wait: with nobody to notify, the run deadlocks, replayed or not.
    let (none, outcome) = controlled(Scripted(vec![true, false].into_iter()), limits(), wait_nobody_notifies);
    assert!(none.is_none() && matches!(outcome.abort, Some(Abort::Deadlock(_))), "{:?}", outcome.abort);
    assert_eq!(outcome.trace.to_string(), "+.");
    let (none, replayed) = controlled(Replay::new(outcome.trace.clone()), limits(), wait_nobody_notifies);
    assert!(none.is_none() && matches!(replayed.abort, Some(Abort::Deadlock(_))));
    assert_eq!(replayed.trace, outcome.trace);

    // A run that injects none (the default) records no wait at all.
    let (none, outcome) = controlled(Replay::new(Trace::default()), limits(), wait_nobody_notifies);
    assert!(none.is_none() && outcome.trace.0.is_empty());
}
