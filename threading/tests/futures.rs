//! Behaviour of `threading::futures`, after what CPython's `test_concurrent_futures` checks:
//! results and exceptions, `map` order, cancelling, shutdown, worker names and lazy start,
//! `as_completed` and `wait`, done callbacks, reprs, interrupts, and (going past Python) the
//! report of a panic nobody looked at.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use threading::futures::{
    self, ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, FutureError, ThreadPoolExecutor,
};
use threading::schedule::Operation;
use threading::{Event, KeyboardInterrupt, Thread};

/// Waits until a thread whose name satisfies `name` is blocked in `operation`.
fn wait_until_blocked(name: impl Fn(&str) -> bool, operation: Operation) {
    let start = Instant::now();
    loop {
        let blocked = threading::blocked_threads()
            .into_iter()
            .any(|t| name(&t.name) && t.blocked.as_ref().is_some_and(|b| b.blocked.operation == operation));
        if blocked {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no thread ever blocked in {operation}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// A pool whose workers are named `{prefix}_0`, ..., so a test can find its own threads.
fn pool(prefix: &str, max_workers: usize) -> ThreadPoolExecutor {
    ThreadPoolExecutor::builder().max_workers(max_workers).thread_name_prefix(prefix).build().unwrap()
}

/// An event a task waits on, to hold it running until the test lets it go.
fn gate() -> Arc<Event> {
    Arc::new(Event::new())
}

#[test]
fn result_and_exception_of_a_returning_task() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    let f = executor.submit(|| String::from("done")).unwrap();
    assert_eq!(f.result().map(String::as_str), Ok("done"));
    assert_eq!(f.result().map(String::as_str), Ok("done"), "a result can be read again");
    assert_eq!(f.exception(), Ok(None));
    assert!(f.done() && !f.running() && !f.cancelled());
}

#[test]
fn a_panicking_task_comes_back_as_an_error_with_message_location_and_thread() {
    let executor = ThreadPoolExecutor::builder().thread_name_prefix("panicky").build().unwrap();
    let f = executor.submit(|| -> u32 { panic!("bad value {}", 42) }).unwrap();
    let line = line!() - 1;
    let Err(FutureError::Panicked(panic)) = f.result() else { panic!("expected a panic") };
    assert_eq!(panic.message, "bad value 42");
    assert_eq!(panic.thread, "panicky_0");
    let location = panic.location.clone().unwrap();
    assert!(location.starts_with(&format!("{}:{line}:", file!())), "{location}");
    assert_eq!(f.exception(), Ok(Some(&panic)));
    assert_eq!(panic.to_string(), format!("panicky_0 panicked at {location}:\nbad value 42"));
    assert!(f.to_string().ends_with("state=finished raised panic>"), "{f}");
}

#[test]
fn map_returns_results_in_input_order() {
    let executor = ThreadPoolExecutor::new(4).unwrap();
    // Later items finish first.
    let results: Vec<u64> = executor
        .map(
            |i: u64| {
                threading::sleep(Duration::from_millis(5 * (8 - i)));
                i * i
            },
            0..8,
        )
        .unwrap()
        .collect();
    assert_eq!(results, [0, 1, 4, 9, 16, 25, 36, 49]);
}

#[test]
fn map_re_raises_a_panic_when_its_item_is_reached() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    let mut results =
        executor.map(|i: i32| if i == 2 { panic!("item {i} failed") } else { i }, 0..4).unwrap();
    assert_eq!(results.next(), Some(0));
    assert_eq!(results.next(), Some(1));
    let caught = catch_unwind(AssertUnwindSafe(|| results.next())).unwrap_err();
    let message = caught.downcast_ref::<String>().unwrap();
    assert!(message.contains("item 2 failed"), "{message}");
    assert!(message.contains(file!()), "the re-raise names where the task panicked: {message}");
    assert_eq!(results.next(), Some(3), "the items after it are still there");
}

#[test]
fn map_dropped_unused_still_runs_every_item_like_python() {
    let ran = Arc::new(AtomicUsize::new(0));
    {
        let executor = ThreadPoolExecutor::new(2).unwrap();
        let ran = ran.clone();
        // Seed 002: `executor.map(thread_function, range(3))`, result thrown away.
        let _ = executor.map(move |_: i32| ran.fetch_add(1, Ordering::SeqCst), 0..10).unwrap();
    }
    assert_eq!(ran.load(Ordering::SeqCst), 10);
}

#[test]
fn map_dropped_while_iterating_cancels_the_items_not_started() {
    let executor = pool("map-drop", 1);
    let ran = Arc::new(AtomicUsize::new(0));
    let hold = gate();
    let mut results = executor
        .map(
            {
                let (ran, hold) = (ran.clone(), hold.clone());
                move |i: usize| {
                    ran.fetch_add(1, Ordering::SeqCst);
                    if i == 1 {
                        hold.wait();
                    }
                    i
                }
            },
            0..10,
        )
        .unwrap();
    assert_eq!(results.next(), Some(0));
    wait_until_blocked(|n| n == "map-drop_0", Operation::EventWait);
    drop(results); // item 1 is running; 2..10 wait in the queue and are cancelled
    hold.set();
    executor.shutdown(true, false);
    assert_eq!(ran.load(Ordering::SeqCst), 2);
}

#[test]
fn cancel_only_works_on_pending_futures() {
    let executor = pool("cancel", 1);
    let hold = gate();
    let running = executor
        .submit({
            let hold = hold.clone();
            move || hold.wait()
        })
        .unwrap();
    let pending = executor.submit(|| 1).unwrap();
    wait_until_blocked(|n| n == "cancel_0", Operation::EventWait);
    assert!(running.running());
    assert!(!running.cancel(), "a running task cannot be cancelled");
    assert!(pending.cancel());
    assert!(pending.cancel(), "cancelling twice still says cancelled");
    assert!(pending.cancelled() && pending.done() && !pending.running());
    assert_eq!(pending.result(), Err(FutureError::Cancelled));
    assert_eq!(pending.exception(), Err(FutureError::Cancelled));
    assert!(pending.to_string().ends_with("state=cancelled>"));
    hold.set();
    assert_eq!(running.result(), Ok(&true));
    assert!(!running.cancel(), "a finished task cannot be cancelled");
}

#[test]
fn shutdown_with_cancel_futures_cancels_everything_queued() {
    let executor = pool("cancel-futures", 1);
    let hold = gate();
    let running = executor
        .submit({
            let hold = hold.clone();
            move || hold.wait()
        })
        .unwrap();
    let queued: Vec<_> = (0..10).map(|i| executor.submit(move || i).unwrap()).collect();
    wait_until_blocked(|n| n == "cancel-futures_0", Operation::EventWait);
    executor.shutdown(false, true);
    assert!(queued.iter().all(|f| f.cancelled()));
    hold.set();
    assert_eq!(running.result(), Ok(&true));
}

#[test]
fn shutdown_without_wait_returns_while_tasks_run_and_refuses_new_ones() {
    let executor = Arc::new(ThreadPoolExecutor::new(1).unwrap());
    let hold = gate();
    let running = executor
        .submit({
            let hold = hold.clone();
            move || hold.wait()
        })
        .unwrap();
    let queued = executor.submit(|| 7).unwrap();
    let closer = Thread::new({
        let executor = executor.clone();
        move || executor.shutdown(false, false)
    });
    closer.start().unwrap();
    assert_eq!(closer.join_timeout(Duration::from_secs(30)), Ok(true), "shutdown(wait=false) did not wait");
    assert!(!running.done());
    let err = executor.submit(|| ()).unwrap_err();
    assert_eq!(err.message(), "cannot schedule new futures after shutdown");
    hold.set();
    assert_eq!(queued.result(), Ok(&7), "work queued before the shutdown still runs");
}

#[test]
fn shutdown_with_wait_and_drop_wait_for_every_task() {
    let done = Arc::new(AtomicUsize::new(0));
    let executor = ThreadPoolExecutor::new(3).unwrap();
    for _ in 0..9 {
        let done = done.clone();
        executor
            .submit(move || {
                threading::sleep(Duration::from_millis(2));
                done.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
    }
    executor.shutdown(true, false);
    assert_eq!(done.load(Ordering::SeqCst), 9);
    let executor = ThreadPoolExecutor::new(3).unwrap();
    for _ in 0..9 {
        let done = done.clone();
        executor
            .submit(move || {
                threading::sleep(Duration::from_millis(2));
                done.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
    }
    drop(executor); // Python's `with` exit
    assert_eq!(done.load(Ordering::SeqCst), 18);
}

/// Submits `tasks` tasks that each wait on one gate, lets them go once `running` workers
/// whose names start with `prefix` are waiting on it, and returns the names of the workers
/// that ran them.
fn worker_names(executor: &ThreadPoolExecutor, prefix: &str, tasks: usize, running: usize) -> Vec<String> {
    let hold = gate();
    let fs: Vec<_> = (0..tasks)
        .map(|_| {
            let hold = hold.clone();
            executor
                .submit(move || {
                    hold.wait();
                    let me = threading::current_thread();
                    assert!(!me.daemon(), "workers are not daemon threads (Python 3.9+)");
                    me.name()
                })
                .unwrap()
        })
        .collect();
    let start = Instant::now();
    while threading::blocked_threads()
        .iter()
        .filter(|t| {
            t.name.starts_with(prefix)
                && t.blocked.as_ref().is_some_and(|b| b.blocked.operation == Operation::EventWait)
        })
        .count()
        < running
    {
        assert!(start.elapsed() < Duration::from_secs(30), "the workers never all waited");
        std::thread::sleep(Duration::from_millis(1));
    }
    hold.set();
    let mut names: Vec<String> = fs.iter().map(|f| f.result().unwrap().clone()).collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn workers_are_named_after_the_prefix() {
    let executor =
        ThreadPoolExecutor::builder().max_workers(3).thread_name_prefix("SpecialPool").build().unwrap();
    let names = worker_names(&executor, "SpecialPool_", 3, 3);
    assert_eq!(names, ["SpecialPool_0", "SpecialPool_1", "SpecialPool_2"]);
}

#[test]
fn default_names_number_the_executors() {
    let first = ThreadPoolExecutor::new(1).unwrap();
    let second = ThreadPoolExecutor::new(1).unwrap();
    let name_of = |e: &ThreadPoolExecutor| {
        e.submit(|| threading::current_thread().name()).unwrap().result().unwrap().clone()
    };
    let (a, b) = (name_of(&first), name_of(&second));
    let number = |name: &str| -> usize {
        let rest = name.strip_prefix("ThreadPoolExecutor-").unwrap();
        let (n, worker) = rest.split_once('_').unwrap();
        assert_eq!(worker, "0");
        n.parse().unwrap()
    };
    assert!(number(&b) > number(&a), "{a} then {b}");
}

#[test]
fn workers_start_lazily_and_idle_ones_are_reused() {
    let executor = ThreadPoolExecutor::builder().max_workers(5).thread_name_prefix("lazy").build().unwrap();
    let alive = || threading::enumerate().iter().filter(|t| t.name().starts_with("lazy_")).count();
    assert_eq!(alive(), 0, "no thread before the first submit");
    for i in 0..15 {
        assert_eq!(executor.submit(move || i).unwrap().result(), Ok(&i));
        // Once the worker waits for work again it is idle, and the next task reuses it.
        wait_until_blocked(|n| n == "lazy_0", Operation::SimpleQueueGet);
    }
    assert_eq!(alive(), 1);
    let names = worker_names(&executor, "lazy_", 8, 5);
    assert_eq!(names.len(), 5, "never more than max_workers: {names:?}");
    assert_eq!(alive(), 5);
}

#[test]
fn the_initializer_runs_on_each_worker() {
    let initialized = Arc::new(Mutex::new(Vec::new()));
    let executor = ThreadPoolExecutor::builder()
        .max_workers(2)
        .thread_name_prefix("init")
        .initializer({
            let initialized = initialized.clone();
            move || initialized.lock().unwrap().push(threading::current_thread().name())
        })
        .build()
        .unwrap();
    worker_names(&executor, "init_", 2, 2);
    let mut names = initialized.lock().unwrap().clone();
    names.sort();
    assert_eq!(names, ["init_0", "init_1"]);
}

#[test]
fn a_failing_initializer_breaks_the_pool() {
    const TEST: &str = "a_failing_initializer_breaks_the_pool";
    if is_child(TEST) {
        let executor = ThreadPoolExecutor::builder()
            .max_workers(1)
            .thread_name_prefix("broken")
            .initializer(|| panic!("no database"))
            .build()
            .unwrap();
        let f = executor.submit(|| 1).unwrap();
        let Err(FutureError::Panicked(panic)) = f.result() else { panic!("the task cannot run") };
        assert_eq!(panic.message, "A thread initializer failed, the thread pool is not usable anymore");
        let err = executor.submit(|| 2).unwrap_err();
        assert_eq!(err.message(), "A thread initializer failed, the thread pool is not usable anymore");
        return;
    }
    let stderr = run_child(TEST);
    let expected = format!("Exception in initializer:\nbroken_0 panicked at {}:", file!());
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains("\nno database\n"), "{stderr}");
}

#[test]
fn zero_workers_is_an_error() {
    assert_eq!(ThreadPoolExecutor::new(0).unwrap_err().to_string(), "max_workers must be greater than 0");
}

#[test]
fn as_completed_yields_in_completion_order() {
    let executor = ThreadPoolExecutor::new(3).unwrap();
    let gates: Vec<_> = (0..3).map(|_| gate()).collect();
    let fs: Vec<_> = gates
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let g = g.clone();
            executor
                .submit(move || {
                    g.wait();
                    i
                })
                .unwrap()
        })
        .collect();
    let order = Arc::new(Mutex::new(Vec::new()));
    let collector = Thread::new({
        let (fs, order) = (fs.clone(), order.clone());
        move || {
            for f in futures::as_completed(&fs) {
                order.lock().unwrap().push(*f.result().unwrap());
            }
        }
    });
    collector.start().unwrap();
    for i in [2, 0, 1] {
        gates[i].set();
        fs[i].result().unwrap();
        while order.lock().unwrap().len() < [2, 0, 1].iter().position(|&j| j == i).unwrap() + 1 {
            threading::sleep(Duration::from_millis(1));
        }
    }
    collector.join().unwrap();
    assert_eq!(*order.lock().unwrap(), [2, 0, 1]);
}

#[test]
fn as_completed_yields_finished_futures_first_and_each_future_once() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    let hold = gate();
    let finished = executor.submit(|| 1).unwrap();
    finished.result().unwrap();
    let later = executor
        .submit({
            let hold = hold.clone();
            move || {
                hold.wait();
                2
            }
        })
        .unwrap();
    let mut it = futures::as_completed([&later, &finished, &later, &finished]);
    assert_eq!(it.next(), Some(&finished));
    hold.set();
    assert_eq!(it.next(), Some(&later));
    assert_eq!(it.next(), None);
}

#[test]
fn as_completed_timeout_ends_with_a_timeout_error() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    let hold = gate();
    let finished = executor.submit(|| true).unwrap();
    finished.result().unwrap();
    let stuck = executor
        .submit({
            let hold = hold.clone();
            move || hold.wait()
        })
        .unwrap();
    let finished_erased = &finished;
    let mut it = futures::as_completed_timeout([finished_erased], Duration::from_secs(60));
    assert_eq!(it.next(), Some(Ok(&finished)));
    assert_eq!(it.next(), None);
    let seen: Vec<_> = futures::as_completed_timeout([&stuck], Duration::from_millis(20)).collect();
    assert_eq!(seen, [Err(futures::TimeoutError { unfinished: 1, total: 1 })]);
    // Python: TimeoutError("1 (of 2) futures unfinished"); a future given twice counts once.
    let seen: Vec<_> =
        futures::as_completed_timeout([&finished, &stuck, &stuck], Duration::from_millis(20)).collect();
    assert_eq!(seen[0], Ok(&finished));
    assert_eq!(seen[1].unwrap_err().to_string(), "1 (of 2) futures unfinished");
    assert_eq!(seen.len(), 2);
    hold.set();
}

#[test]
fn wait_first_completed_returns_as_soon_as_one_is_done() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    let hold = gate();
    let stuck = executor
        .submit({
            let hold = hold.clone();
            move || hold.wait()
        })
        .unwrap();
    let quick = executor.submit(|| true).unwrap();
    let (done, not_done) = futures::wait([&stuck, &quick], FIRST_COMPLETED);
    assert_eq!(done, [&quick]);
    assert_eq!(not_done, [&stuck]);
    hold.set();
}

#[test]
fn wait_first_exception_returns_at_the_first_panic() {
    let executor = ThreadPoolExecutor::new(3).unwrap();
    let hold = gate();
    let stuck = executor
        .submit({
            let hold = hold.clone();
            move || {
                hold.wait();
                0
            }
        })
        .unwrap();
    let fine = executor.submit(|| 1).unwrap();
    fine.result().unwrap();
    let failing = executor.submit(|| -> i32 { panic!("first exception") }).unwrap();
    let (done, not_done) = futures::wait([&stuck, &fine, &failing], FIRST_EXCEPTION);
    assert_eq!(done, [&fine, &failing]);
    assert_eq!(not_done, [&stuck]);
    assert_eq!(failing.exception().unwrap().unwrap().message, "first exception");
    hold.set();
    // Without any panic, FIRST_EXCEPTION waits for all.
    let fs: Vec<_> = (0..4).map(|i| executor.submit(move || i).unwrap()).collect();
    let (done, not_done) = futures::wait(&fs, FIRST_EXCEPTION);
    assert_eq!((done.len(), not_done.len()), (4, 0));
}

#[test]
fn wait_all_completed_and_wait_timeout() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    let hold = gate();
    let stuck = executor
        .submit({
            let hold = hold.clone();
            move || hold.wait()
        })
        .unwrap();
    let quick = executor.submit(|| true).unwrap();
    quick.result().unwrap();
    let (done, not_done) = futures::wait_timeout([&stuck, &quick], Duration::from_millis(20), ALL_COMPLETED);
    assert_eq!((done, not_done), (vec![&quick], vec![&stuck]));
    let waiter = Thread::new({
        let (stuck, quick) = (stuck.clone(), quick.clone());
        move || {
            let (done, not_done) = futures::wait([&stuck, &quick], ALL_COMPLETED);
            assert_eq!((done.len(), not_done.len()), (2, 0));
        }
    });
    waiter.start().unwrap();
    wait_until_blocked(|n| n == waiter.name(), Operation::FuturesWait);
    hold.set();
    waiter.join().unwrap();
}

#[test]
fn a_cancelled_future_counts_as_completed() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let hold = gate();
    let stuck = executor
        .submit({
            let hold = hold.clone();
            move || hold.wait()
        })
        .unwrap();
    let queued = executor.submit(|| ()).unwrap();
    let waiter = Thread::builder().name("cancel-waiter").target({
        let queued = queued.clone();
        move || {
            let (done, not_done) = futures::wait([&queued], FIRST_COMPLETED);
            assert_eq!((done, not_done), (vec![&queued], vec![]));
        }
    });
    waiter.start().unwrap();
    wait_until_blocked(|n| n == "cancel-waiter", Operation::FuturesWait);
    assert!(queued.cancel());
    waiter.join().unwrap();
    hold.set();
    stuck.result().unwrap();
}

#[test]
fn done_callbacks_run_in_order_on_finish_and_at_once_when_done() {
    let executor = ThreadPoolExecutor::builder().max_workers(1).thread_name_prefix("cb").build().unwrap();
    let hold = gate();
    let f = executor
        .submit({
            let hold = hold.clone();
            move || {
                hold.wait();
                5
            }
        })
        .unwrap();
    let calls = Arc::new(Mutex::new(Vec::new()));
    for i in 0..3 {
        let calls = calls.clone();
        f.add_done_callback(move |f| {
            let value = *f.result().unwrap();
            calls.lock().unwrap().push(format!("{i}:{value}:{}", threading::current_thread().name()));
        });
    }
    assert!(calls.lock().unwrap().is_empty(), "not done yet");
    hold.set();
    f.result().unwrap();
    executor.shutdown(true, false); // the callbacks ran on the worker before it exited
    assert_eq!(*calls.lock().unwrap(), ["0:5:cb_0", "1:5:cb_0", "2:5:cb_0"]);
    let me = threading::current_thread().name();
    f.add_done_callback({
        let calls = calls.clone();
        move |_| calls.lock().unwrap().push(threading::current_thread().name())
    });
    assert_eq!(calls.lock().unwrap().last(), Some(&me), "already done: called at once, here");
}

#[test]
fn a_panicking_callback_is_reported_and_the_next_ones_still_run() {
    const TEST: &str = "a_panicking_callback_is_reported_and_the_next_ones_still_run";
    if is_child(TEST) {
        let executor = pool("callbacks", 1);
        let hold = gate();
        let f = executor
            .submit({
                let hold = hold.clone();
                move || hold.wait()
            })
            .unwrap();
        f.add_done_callback(|_| panic!("a broken callback"));
        f.add_done_callback(|_| eprintln!("the next callback ran"));
        hold.set();
        executor.shutdown(true, false);
        return;
    }
    let stderr = run_child(TEST);
    let expected = format!("state=finished returned bool>\ncallbacks_0 panicked at {}:", file!());
    assert!(stderr.contains("exception calling callback for <Future at 0x"), "{stderr}");
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains("a broken callback\nthe next callback ran"), "{stderr}");
}

#[test]
fn cancelling_runs_the_done_callbacks() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let hold = gate();
    let _running = executor
        .submit({
            let hold = hold.clone();
            move || hold.wait()
        })
        .unwrap();
    let queued = executor.submit(|| ()).unwrap();
    let saw = Arc::new(Mutex::new(None));
    queued.add_done_callback({
        let saw = saw.clone();
        move |f| *saw.lock().unwrap() = Some(f.cancelled())
    });
    assert!(queued.cancel());
    assert_eq!(*saw.lock().unwrap(), Some(true));
    hold.set();
}

#[test]
fn reprs_show_the_state_like_python() {
    let executor = pool("repr", 1);
    let hold = gate();
    let running = executor
        .submit({
            let hold = hold.clone();
            move || hold.wait()
        })
        .unwrap();
    let pending = executor.submit(|| 3_i32).unwrap();
    wait_until_blocked(|n| n == "repr_0", Operation::EventWait);
    let repr = pending.to_string();
    assert!(repr.starts_with("<Future at 0x") && repr.ends_with(" state=pending>"), "{repr}");
    assert!(running.to_string().ends_with(" state=running>"));
    hold.set();
    pending.result().unwrap();
    assert!(pending.to_string().ends_with(" state=finished returned i32>"));
    assert!(running.to_string().ends_with(" state=finished returned bool>"));
    assert_eq!(format!("{pending:?}"), pending.to_string());
    assert!(
        format!("{executor:?}").starts_with("<concurrent.futures.thread.ThreadPoolExecutor object at 0x")
    );
}

#[test]
#[allow(clippy::mutable_key_type)] // a Future hashes by identity, which never changes
fn futures_are_handles_that_compare_and_hash_by_identity() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    let a = executor.submit(|| 1).unwrap();
    let b = executor.submit(|| 1).unwrap();
    assert_eq!(a, a.clone());
    assert_ne!(a, b);
    let names: HashMap<_, _> = [(a.clone(), "a"), (b.clone(), "b")].into_iter().collect();
    for f in futures::as_completed(names.keys()) {
        assert_eq!(f.result(), Ok(&1));
        assert!(["a", "b"].contains(&names[f]));
    }
}

#[test]
fn many_tasks_on_a_small_pool() {
    let executor = ThreadPoolExecutor::new(8).unwrap();
    let fs: Vec<_> = (0..10_000u64).map(|i| executor.submit(move || i * 2).unwrap()).collect();
    let total: u64 = fs.iter().map(|f| *f.result().unwrap()).sum();
    assert_eq!(total, 2 * (0..10_000u64).sum::<u64>());
    let squares: u64 = executor.map(|i: u64| i * i, 0..1000).unwrap().sum();
    assert_eq!(squares, (0..1000u64).map(|i| i * i).sum());
}

/// Runs `body` on a thread named `name`, interrupts it once it is blocked in `operation`, and
/// returns whether it unwound with `KeyboardInterrupt`.
fn interrupted_while_blocked(name: &str, operation: Operation, body: impl FnOnce() + Send + 'static) -> bool {
    let outcome = Arc::new(Mutex::new(None));
    let t = Thread::builder().name(name).target({
        let outcome = outcome.clone();
        move || {
            let caught = catch_unwind(AssertUnwindSafe(body));
            *outcome.lock().unwrap() = Some(caught.is_err_and(|payload| KeyboardInterrupt::is(&payload)));
        }
    });
    t.start().unwrap();
    wait_until_blocked(|n| n == name, operation);
    threading::interrupt(&t);
    t.join().unwrap();
    let result = outcome.lock().unwrap().take();
    result.expect("the thread recorded its outcome")
}

#[test]
fn waits_on_futures_unwind_on_interrupt() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let hold = gate();
    let stuck = executor
        .submit({
            let hold = hold.clone();
            move || hold.wait()
        })
        .unwrap();
    let f = stuck.clone();
    assert!(interrupted_while_blocked("interrupted-result", Operation::FutureResult, move || {
        let _ = f.result();
    }));
    let f = stuck.clone();
    assert!(interrupted_while_blocked("interrupted-wait", Operation::FuturesWait, move || {
        let _ = futures::wait([&f], ALL_COMPLETED);
    }));
    let f = stuck.clone();
    assert!(interrupted_while_blocked(
        "interrupted-as-completed",
        Operation::FuturesAsCompleted,
        move || {
            let _ = futures::as_completed([&f]).count();
        }
    ));
    hold.set();
    assert_eq!(stuck.result(), Ok(&true), "the future still works after the interrupted waits");
}

#[test]
fn report_shows_where_the_awaited_task_was_submitted() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let hold = gate();
    let stuck = executor
        .submit({
            let hold = hold.clone();
            move || hold.wait()
        })
        .unwrap();
    let line = line!() - 5;
    let waiter = Thread::builder().name("result-waiter").target({
        let stuck = stuck.clone();
        move || {
            stuck.result().unwrap();
        }
    });
    waiter.start().unwrap();
    wait_until_blocked(|n| n == "result-waiter", Operation::FutureResult);
    let report = threading::report();
    let expected = format!("result-waiter: blocked in Future.result (created at {}:{line}:", file!());
    assert!(report.contains(&expected), "{report}");
    hold.set();
    waiter.join().unwrap();
}

/// The environment variable that makes a test of this binary run its child half.
const CHILD: &str = "THREADING_FUTURES_TEST_CHILD";

/// Runs this test binary again with only `test` selected and [`CHILD`] set; returns its stderr.
fn run_child(test: &str) -> String {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, test)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "child failed:\n{stderr}");
    stderr
}

fn is_child(test: &str) -> bool {
    std::env::var(CHILD).is_ok_and(|v| v == test)
}

#[test]
fn an_unobserved_panic_is_reported_when_its_future_is_dropped() {
    const TEST: &str = "an_unobserved_panic_is_reported_when_its_future_is_dropped";
    if is_child(TEST) {
        let executor = ThreadPoolExecutor::builder().thread_name_prefix("quiet").build().unwrap();
        // Seed 002: `executor.submit(...)` with the future thrown away, in a `with` block.
        executor.submit(|| -> () { panic!("nobody looks at this") }).unwrap();
        let kept = executor.submit(|| -> i32 { panic!("kept but never asked") }).unwrap();
        drop(executor);
        drop(kept);
        return;
    }
    let stderr = run_child(TEST);
    assert_eq!(stderr.matches("Future exception was never retrieved").count(), 2, "{stderr}");
    assert!(stderr.contains(&format!("quiet_0 panicked at {}:", file!())), "{stderr}");
    assert!(stderr.contains("\nnobody looks at this\n"), "{stderr}");
    assert!(stderr.contains("\nkept but never asked\n"), "{stderr}");
    assert!(stderr.contains(&format!("(the task was submitted at {}:", file!())), "{stderr}");
    assert!(
        !stderr.contains("thread 'quiet_0' panicked"),
        "no second report from Rust's panic hook:\n{stderr}"
    );
}

#[test]
fn an_observed_panic_is_not_reported_again() {
    const TEST: &str = "an_observed_panic_is_not_reported_again";
    if is_child(TEST) {
        let executor = ThreadPoolExecutor::new(2).unwrap();
        let seen_by_result = executor.submit(|| -> i32 { panic!("seen") }).unwrap();
        let seen_by_exception = executor.submit(|| -> i32 { panic!("seen too") }).unwrap();
        assert!(seen_by_result.result().is_err());
        assert!(seen_by_exception.exception().unwrap().is_some());
        eprintln!("child done");
        return;
    }
    let stderr = run_child(TEST);
    assert!(stderr.contains("child done"), "{stderr}");
    assert!(!stderr.contains("never retrieved"), "{stderr}");
    assert!(!stderr.contains("panicked at"), "{stderr}");
}

mod scheduling {
    use super::*;
    use threading::schedule::{self, Point, Scheduler};

    struct Recorder {
        thread: u64,
        operations: Mutex<Vec<Operation>>,
    }

    fn is_future(operation: Operation) -> bool {
        matches!(
            operation,
            Operation::FutureResult
                | Operation::FutureException
                | Operation::FutureCancel
                | Operation::FutureSetResult
                | Operation::FutureSetException
        )
    }

    impl Scheduler for Recorder {
        fn point(&self, point: &Point<'_>) {
            if threading::get_ident() == self.thread && is_future(point.operation) {
                self.operations.lock().unwrap().push(point.operation);
            }
        }
    }

    #[test]
    fn waiting_for_a_future_is_a_scheduling_point() {
        let executor = ThreadPoolExecutor::new(1).unwrap();
        let f = executor.submit(|| 1).unwrap();
        let recorder =
            Arc::new(Recorder { thread: threading::get_ident(), operations: Mutex::new(Vec::new()) });
        let guard = schedule::install(recorder.clone());
        f.result().unwrap();
        f.exception().unwrap();
        f.cancel();
        drop(guard);
        assert_eq!(
            *recorder.operations.lock().unwrap(),
            [Operation::FutureResult, Operation::FutureException, Operation::FutureCancel]
        );
    }
}

#[test]
fn workers_are_not_daemon_threads_nor_are_the_threads_their_tasks_start() {
    let executor = pool("nondaemon", 1);
    let f = executor
        .submit(|| {
            let child = Thread::new(|| {});
            (threading::current_thread().daemon(), child.daemon())
        })
        .unwrap();
    assert_eq!(f.result(), Ok(&(false, false)), "Python 3.9+: neither is a daemon thread");
}

#[test]
fn at_exit_queued_work_finishes_and_the_pools_are_joined() {
    const TEST: &str = "at_exit_queued_work_finishes_and_the_pools_are_joined";
    if is_child(TEST) {
        let done = Arc::new(AtomicUsize::new(0));
        let executor = pool("atexit", 1);
        let fs: Vec<_> = (0..5)
            .map(|_| {
                let done = done.clone();
                executor
                    .submit(move || {
                        threading::sleep(Duration::from_millis(10));
                        done.fetch_add(1, Ordering::SeqCst);
                    })
                    .unwrap()
            })
            .collect();
        // The executor is still alive (not dropped, not shut down): the exit shuts it down.
        threading::shutdown();
        assert_eq!(done.load(Ordering::SeqCst), 5, "every queued task ran before the exit");
        assert!(fs.iter().all(|f| f.done()));
        assert!(threading::enumerate().iter().all(|t| !t.name().starts_with("atexit")), "workers joined");
        let err = executor.submit(|| ()).unwrap_err();
        assert_eq!(err.to_string(), "cannot schedule new futures after interpreter shutdown");
        eprintln!("child: ok");
        return;
    }
    assert!(run_child(TEST).contains("child: ok"));
}

#[test]
fn a_send_but_not_sync_result_is_taken_with_into_result() {
    use std::cell::Cell;
    let executor = ThreadPoolExecutor::new(2).unwrap();
    let f = executor.submit(|| Cell::new(41)).unwrap();
    let cell = f.into_result().unwrap();
    cell.set(cell.get() + 1);
    assert_eq!(cell.get(), 42);
    let bad = executor.submit(|| -> Cell<i32> { panic!("no cell") }).unwrap();
    match bad.into_result() {
        Err(FutureError::Panicked(panic)) => assert_eq!(panic.message, "no cell"),
        other => panic!("expected the panic, got {other:?}"),
    }
    let gate = gate();
    let _busy = executor.submit({
        let gate = gate.clone();
        move || {
            gate.wait();
        }
    });
    let _busy2 = executor.submit({
        let gate = gate.clone();
        move || {
            gate.wait();
        }
    });
    let queued = executor.submit(|| Cell::new(0)).unwrap();
    assert!(queued.cancel());
    assert_eq!(queued.into_result().err(), Some(FutureError::Cancelled));
    gate.set();
}

#[test]
fn into_result_refuses_while_a_clone_could_lend_the_value() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let f = executor.submit(|| String::from("x")).unwrap();
    let other = f.clone();
    let caught = catch_unwind(AssertUnwindSafe(|| f.into_result()));
    let message = caught.unwrap_err();
    let message = message.downcast_ref::<String>().unwrap();
    assert!(message.contains("1 other handle(s)"), "{message}");
    assert_eq!(other.result().map(String::as_str), Ok("x"), "the value is still there");
    assert_eq!(other.into_result().as_deref(), Ok("x"), "the last handle can take it");
}

#[test]
fn into_result_waits_for_the_done_callbacks_to_end() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let hold = gate();
    let f = executor
        .submit({
            let hold = hold.clone();
            move || {
                hold.wait();
                vec![1, 2]
            }
        })
        .unwrap();
    let callback_ended = Arc::new(std::sync::atomic::AtomicBool::new(false));
    f.add_done_callback({
        let callback_ended = callback_ended.clone();
        move |f| {
            assert!(f.done());
            threading::sleep(Duration::from_millis(50));
            callback_ended.store(true, Ordering::SeqCst);
        }
    });
    hold.set();
    // Without waiting, into_result would find the callback's handle and refuse.
    assert_eq!(f.into_result(), Ok(vec![1, 2]));
    assert!(callback_ended.load(Ordering::SeqCst));
}

#[test]
fn map_over_several_iterables_stops_at_the_shortest() {
    let executor = ThreadPoolExecutor::new(3).unwrap();
    let powers: Vec<u64> = executor.map2(u64::pow, [2u64, 3, 4], [10u32, 2]).unwrap().collect();
    assert_eq!(powers, [1024, 9]);
    let joined: Vec<String> = executor
        .map3(|a: &str, b: char, c: usize| format!("{a}{b}{c}"), ["x", "y", "z"], ['1', '2', '3'], 7..)
        .unwrap()
        .collect();
    assert_eq!(joined, ["x17", "y28", "z39"]);
    let none: Vec<i32> = executor.map2(|a: i32, b: i32| a + b, Vec::new(), [1]).unwrap().collect();
    assert!(none.is_empty());
}

#[test]
fn into_result_inside_the_futures_own_callback_panics_instead_of_waiting_forever() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let hold = gate();
    let f = executor
        .submit({
            let hold = hold.clone();
            move || {
                hold.wait();
                1
            }
        })
        .unwrap();
    let message = Arc::new(Mutex::new(String::new()));
    f.add_done_callback({
        let message = message.clone();
        move |f| {
            let own = f.clone();
            let caught = catch_unwind(AssertUnwindSafe(move || own.into_result())).unwrap_err();
            let text = caught.downcast_ref::<&str>().map(|s| s.to_string());
            *message.lock().unwrap() =
                text.or_else(|| caught.downcast_ref::<String>().cloned()).unwrap_or_default();
        }
    });
    hold.set();
    assert_eq!(f.into_result(), Ok(1));
    assert!(message.lock().unwrap().contains("inside the future's own done callback"), "{message:?}");
}
