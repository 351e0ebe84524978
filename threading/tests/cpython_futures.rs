//! Conformance with CPython's own `Lib/test/test_concurrent_futures/` (`test_future.py`,
//! `test_as_completed.py`, `test_wait.py`, `test_thread_pool.py` and the `ExecutorTest` cases
//! of `executor.py`), for the thread pool: each test names the CPython test it mirrors. The
//! behaviours are CPython's; the code is Rust's.
//!
//! CPython builds futures in each state by hand (`create_future(state=...)`); here they come
//! from real executors ([`Fixtures`]). Timeouts are hang guards only, except where the test is
//! about a timeout, and there the outcome never depends on how long anything took.

// Futures hash and compare by identity, never by their (mutable) state.
#![allow(clippy::mutable_key_type)]

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use threading::futures::{
    self, ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, Future, FutureError, ThreadPoolExecutor,
};
use threading::schedule::Operation;
use threading::{Event, Semaphore, Thread};

/// Long enough never to expire in a passing run: a hang guard.
const LONG: Duration = Duration::from_secs(60);

fn pool(prefix: &str, max_workers: usize) -> ThreadPoolExecutor {
    ThreadPoolExecutor::builder().max_workers(max_workers).thread_name_prefix(prefix).build().unwrap()
}

fn gated(gate: &Arc<Event>, value: i32) -> impl FnOnce() -> i32 + Send + 'static {
    let gate = gate.clone();
    move || {
        gate.wait();
        value
    }
}

/// CPython's `util.py` futures, one of each state: `PENDING_FUTURE`, `RUNNING_FUTURE`,
/// `CANCELLED_AND_NOTIFIED_FUTURE`, `EXCEPTION_FUTURE` (its task panicked with `"OSError"`)
/// and `SUCCESSFUL_FUTURE` (42). (A cancelled future is at once "cancelled and notified" here:
/// see the module's skipped cases.)
struct Fixtures {
    pending: Future<i32>,
    running: Future<i32>,
    cancelled: Future<i32>,
    exception: Future<i32>,
    successful: Future<i32>,
    gate: Arc<Event>,
    _busy: ThreadPoolExecutor,
}

impl Fixtures {
    fn new() -> Fixtures {
        let busy = ThreadPoolExecutor::new(1).unwrap();
        let gate = Arc::new(Event::new());
        let started = Arc::new(Event::new());
        let running = busy
            .submit({
                let (gate, started) = (gate.clone(), started.clone());
                move || {
                    started.set();
                    gate.wait();
                    0
                }
            })
            .unwrap();
        started.wait();
        let pending = busy.submit(gated(&gate, 1)).unwrap();
        let cancelled = busy.submit(gated(&gate, 2)).unwrap();
        assert!(cancelled.cancel());
        let done = ThreadPoolExecutor::new(1).unwrap();
        let exception = done.submit(|| -> i32 { panic!("OSError") }).unwrap();
        let successful = done.submit(|| 42).unwrap();
        drop(done); // both have finished
        Fixtures { pending, running, cancelled, exception, successful, gate, _busy: busy }
    }
}

impl Drop for Fixtures {
    fn drop(&mut self) {
        self.gate.set();
        let _ = self.exception.exception(); // looked at: no "never retrieved" report
    }
}

/// The futures as a set, by identity (Python compares sets of futures).
fn set<'a, T: 'a>(fs: impl IntoIterator<Item = &'a Future<T>>) -> HashSet<Future<T>> {
    fs.into_iter().cloned().collect()
}

/// The environment variable that makes a test of this binary run its child half.
const CHILD: &str = "THREADING_CPYTHON_FUTURES_CHILD";

/// Runs this test binary again with only `test` selected; returns the child's stderr.
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

mod future_tests {
    use super::*;

    /// A future whose task waits for `gate`, then returns or panics with `"test"`.
    fn held(executor: &ThreadPoolExecutor, gate: &Arc<Event>, panics: bool) -> Future<i32> {
        let gate = gate.clone();
        executor
            .submit(move || {
                gate.wait();
                if panics {
                    panic!("test");
                }
                5
            })
            .unwrap()
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_done_callback_with_result
    #[test]
    fn test_done_callback_with_result() {
        let executor = ThreadPoolExecutor::new(1).unwrap();
        let gate = Arc::new(Event::new());
        let f = held(&executor, &gate, false);
        let seen = Arc::new(Mutex::new(None));
        f.add_done_callback({
            let seen = seen.clone();
            move |f| *seen.lock().unwrap() = Some(*f.result().unwrap())
        });
        gate.set();
        f.result().unwrap();
        drop(executor); // the callback has run once the worker is joined
        assert_eq!(*seen.lock().unwrap(), Some(5));
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_done_callback_with_exception
    #[test]
    fn test_done_callback_with_exception() {
        let executor = ThreadPoolExecutor::new(1).unwrap();
        let gate = Arc::new(Event::new());
        let f = held(&executor, &gate, true);
        let seen = Arc::new(Mutex::new(None));
        f.add_done_callback({
            let seen = seen.clone();
            move |f| *seen.lock().unwrap() = f.exception().unwrap().map(|p| p.message.clone())
        });
        gate.set();
        drop(executor);
        assert_eq!(seen.lock().unwrap().as_deref(), Some("test"));
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_done_callback_with_cancel
    #[test]
    fn test_done_callback_with_cancel() {
        let executor = ThreadPoolExecutor::new(1).unwrap();
        let gate = Arc::new(Event::new());
        let _running = held(&executor, &gate, false);
        let f = held(&executor, &gate, false);
        let was_cancelled = Arc::new(AtomicBool::new(false));
        f.add_done_callback({
            let was_cancelled = was_cancelled.clone();
            move |f| was_cancelled.store(f.cancelled(), Ordering::SeqCst)
        });
        assert!(f.cancel());
        assert!(was_cancelled.load(Ordering::SeqCst), "the callback ran in cancel()");
        gate.set();
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_done_callback_raises
    #[test]
    fn test_done_callback_raises() {
        const TEST: &str = "future_tests::test_done_callback_raises";
        if is_child(TEST) {
            let executor = ThreadPoolExecutor::new(1).unwrap();
            let gate = Arc::new(Event::new());
            let f = held(&executor, &gate, false);
            let raising_was_called = Arc::new(AtomicBool::new(false));
            let fn_was_called = Arc::new(AtomicBool::new(false));
            f.add_done_callback({
                let called = raising_was_called.clone();
                move |_| {
                    called.store(true, Ordering::SeqCst);
                    panic!("doh!");
                }
            });
            f.add_done_callback({
                let called = fn_was_called.clone();
                move |_| called.store(true, Ordering::SeqCst)
            });
            gate.set();
            drop(executor);
            assert!(raising_was_called.load(Ordering::SeqCst));
            assert!(fn_was_called.load(Ordering::SeqCst));
            eprintln!("child: ok");
            return;
        }
        let stderr = run_child(TEST);
        assert!(stderr.contains("child: ok"), "{stderr}");
        assert!(stderr.contains("doh!"), "{stderr}");
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_done_callback_already_successful
    #[test]
    fn test_done_callback_already_successful() {
        let fx = Fixtures::new();
        let seen = Arc::new(Mutex::new(None));
        fx.successful.add_done_callback({
            let seen = seen.clone();
            move |f| *seen.lock().unwrap() = Some(*f.result().unwrap())
        });
        assert_eq!(*seen.lock().unwrap(), Some(42), "run at once, on this thread");
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_done_callback_already_failed
    #[test]
    fn test_done_callback_already_failed() {
        let fx = Fixtures::new();
        let seen = Arc::new(Mutex::new(None));
        fx.exception.add_done_callback({
            let seen = seen.clone();
            move |f| *seen.lock().unwrap() = f.exception().unwrap().map(|p| p.message.clone())
        });
        assert_eq!(seen.lock().unwrap().as_deref(), Some("OSError"));
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_done_callback_already_cancelled
    #[test]
    fn test_done_callback_already_cancelled() {
        let fx = Fixtures::new();
        let was_cancelled = Arc::new(AtomicBool::new(false));
        fx.cancelled.add_done_callback({
            let was_cancelled = was_cancelled.clone();
            move |f| was_cancelled.store(f.cancelled(), Ordering::SeqCst)
        });
        assert!(was_cancelled.load(Ordering::SeqCst));
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_done_callback_raises_already_succeeded
    #[test]
    fn test_done_callback_raises_already_succeeded() {
        const TEST: &str = "future_tests::test_done_callback_raises_already_succeeded";
        if is_child(TEST) {
            let fx = Fixtures::new();
            fx.successful.add_done_callback(|_| panic!("doh!"));
            eprintln!("child: ok");
            return;
        }
        let stderr = run_child(TEST);
        assert!(stderr.contains("child: ok"), "{stderr}");
        assert!(stderr.contains("exception calling callback for"), "{stderr}");
        assert!(stderr.contains("doh!"), "{stderr}");
    }

    fn assert_repr(f: &Future<i32>, state: &str) {
        let repr = f.to_string();
        let rest = repr.strip_prefix("<Future at 0x").unwrap_or_else(|| panic!("{repr}"));
        let (address, tail) = rest.split_once(' ').unwrap();
        assert!(!address.is_empty() && address.chars().all(|c| c.is_ascii_hexdigit()), "{repr}");
        assert_eq!(tail, format!("state={state}>"), "{repr}");
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_repr (a panic is shown as
    /// `raised panic` where Python names the exception's class)
    #[test]
    fn test_repr() {
        let fx = Fixtures::new();
        assert_repr(&fx.pending, "pending");
        assert_repr(&fx.running, "running");
        assert_repr(&fx.cancelled, "cancelled");
        assert_repr(&fx.exception, "finished raised panic");
        assert_repr(&fx.successful, "finished returned i32");
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_cancel
    #[test]
    fn test_cancel() {
        let fx = Fixtures::new();
        assert!(fx.pending.cancel());
        assert!(fx.pending.cancelled());
        assert!(!fx.running.cancel());
        assert!(fx.running.running());
        assert!(fx.cancelled.cancel(), "cancelling again is true");
        assert!(fx.cancelled.cancelled());
        assert!(!fx.exception.cancel());
        assert!(fx.exception.done() && !fx.exception.cancelled());
        assert!(!fx.successful.cancel());
        assert_eq!(fx.successful.result(), Ok(&42));
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_cancelled
    #[test]
    fn test_cancelled() {
        let fx = Fixtures::new();
        assert!(!fx.pending.cancelled());
        assert!(!fx.running.cancelled());
        assert!(fx.cancelled.cancelled());
        assert!(!fx.exception.cancelled());
        assert!(!fx.successful.cancelled());
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_done
    #[test]
    fn test_done() {
        let fx = Fixtures::new();
        assert!(!fx.pending.done());
        assert!(!fx.running.done());
        assert!(fx.cancelled.done());
        assert!(fx.exception.done());
        assert!(fx.successful.done());
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_running
    #[test]
    fn test_running() {
        let fx = Fixtures::new();
        assert!(!fx.pending.running());
        assert!(fx.running.running());
        assert!(!fx.cancelled.running());
        assert!(!fx.exception.running());
        assert!(!fx.successful.running());
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_result_with_timeout
    #[test]
    fn test_result_with_timeout() {
        let fx = Fixtures::new();
        assert_eq!(fx.pending.result_timeout(Duration::ZERO), Err(FutureError::Timeout));
        assert_eq!(fx.running.result_timeout(Duration::ZERO), Err(FutureError::Timeout));
        assert_eq!(fx.cancelled.result_timeout(Duration::ZERO), Err(FutureError::Cancelled));
        match fx.exception.result_timeout(Duration::ZERO) {
            Err(FutureError::Panicked(panic)) => assert_eq!(panic.message, "OSError"),
            other => panic!("expected the task's panic, got {other:?}"),
        }
        assert_eq!(fx.successful.result_timeout(Duration::ZERO), Ok(&42));
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_result_with_success
    #[test]
    fn test_result_with_success() {
        let executor = ThreadPoolExecutor::new(1).unwrap();
        let gate = Arc::new(Event::new());
        let f1 = executor.submit(gated(&gate, 42)).unwrap();
        let notifier = Thread::new({
            let gate = gate.clone();
            move || {
                threading::sleep(Duration::from_millis(100)); // let the main thread wait first
                gate.set();
            }
        });
        notifier.start().unwrap();
        assert_eq!(f1.result_timeout(LONG), Ok(&42));
        notifier.join().unwrap();
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_result_with_cancel
    #[test]
    fn test_result_with_cancel() {
        let fx = Fixtures::new();
        let notifier = Thread::new({
            let f1 = fx.pending.clone();
            move || {
                threading::sleep(Duration::from_millis(100)); // let the main thread wait first
                assert!(f1.cancel());
            }
        });
        notifier.start().unwrap();
        assert_eq!(fx.pending.result_timeout(LONG), Err(FutureError::Cancelled));
        notifier.join().unwrap();
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_exception_with_timeout
    #[test]
    fn test_exception_with_timeout() {
        let fx = Fixtures::new();
        assert_eq!(fx.pending.exception_timeout(Duration::ZERO), Err(FutureError::Timeout));
        assert_eq!(fx.running.exception_timeout(Duration::ZERO), Err(FutureError::Timeout));
        assert_eq!(fx.cancelled.exception_timeout(Duration::ZERO), Err(FutureError::Cancelled));
        assert_eq!(fx.exception.exception_timeout(Duration::ZERO).unwrap().unwrap().message, "OSError");
        assert_eq!(fx.successful.exception_timeout(Duration::ZERO), Ok(None));
    }

    /// CPython: test_concurrent_futures.test_future.FutureTests.test_exception_with_success
    #[test]
    fn test_exception_with_success() {
        let executor = ThreadPoolExecutor::new(1).unwrap();
        let gate = Arc::new(Event::new());
        let f1 = executor
            .submit({
                let gate = gate.clone();
                move || -> i32 {
                    gate.wait();
                    panic!("OSError")
                }
            })
            .unwrap();
        let notifier = Thread::new({
            let gate = gate.clone();
            move || {
                threading::sleep(Duration::from_millis(100));
                gate.set();
            }
        });
        notifier.start().unwrap();
        assert_eq!(f1.exception_timeout(LONG).unwrap().unwrap().message, "OSError");
        notifier.join().unwrap();
    }
}

mod as_completed_tests {
    use super::*;

    /// CPython: test_concurrent_futures.test_as_completed.AsCompletedTests.test_no_timeout
    /// (ThreadPoolAsCompletedTest)
    #[test]
    fn test_no_timeout() {
        let fx = Fixtures::new();
        let executor = ThreadPoolExecutor::new(2).unwrap();
        let future1 = executor.submit(|| 2 * 21).unwrap();
        let future2 = executor.submit(|| 7 * 6).unwrap();
        let all = [&fx.cancelled, &fx.exception, &fx.successful, &future1, &future2];
        let completed = set(futures::as_completed(all));
        assert_eq!(completed, set(all));
    }

    /// CPython: test_concurrent_futures.test_as_completed.AsCompletedTests.test_future_times_out
    #[test]
    fn test_future_times_out() {
        let fx = Fixtures::new();
        let executor = ThreadPoolExecutor::new(1).unwrap();
        let already_completed = set([&fx.cancelled, &fx.exception, &fx.successful]);
        for timeout in [Duration::ZERO, Duration::from_millis(100)] {
            let gate = Arc::new(Event::new());
            let future = executor.submit(gated(&gate, 0)).unwrap();
            let mut completed = HashSet::new();
            let mut timed_out = false;
            for f in futures::as_completed_timeout(
                [&fx.cancelled, &fx.exception, &fx.successful, &future],
                timeout,
            ) {
                match f {
                    Ok(f) => {
                        completed.insert(f.clone());
                    }
                    Err(_) => timed_out = true,
                }
            }
            assert!(timed_out);
            assert_eq!(completed, already_completed, "the future still running was not yielded");
            gate.set();
        }
    }

    /// CPython: test_concurrent_futures.test_as_completed.AsCompletedTests.test_duplicate_futures
    #[test]
    fn test_duplicate_futures() {
        let executor = ThreadPoolExecutor::new(1).unwrap();
        let future1 = executor.submit(|| threading::sleep(Duration::from_millis(50))).unwrap();
        let completed: Vec<_> = futures::as_completed(std::iter::repeat_n(&future1, 3)).collect();
        assert_eq!(completed.len(), 1);
    }

    /// CPython: test_concurrent_futures.test_as_completed.AsCompletedTests.test_correct_timeout_exception_msg
    #[test]
    fn test_correct_timeout_exception_msg() {
        let fx = Fixtures::new();
        let fs = [&fx.cancelled, &fx.pending, &fx.running, &fx.successful];
        let err = futures::as_completed_timeout(fs, Duration::ZERO).find_map(Result::err).unwrap();
        assert_eq!(err.to_string(), "2 (of 4) futures unfinished");
        assert_eq!(err, futures::TimeoutError { unfinished: 2, total: 4 });
    }
}

mod wait_tests {
    use super::*;

    /// CPython: test_concurrent_futures.test_wait.WaitTests.test_20369 (ThreadPoolWaitTests)
    #[test]
    fn test_20369() {
        let executor = ThreadPoolExecutor::new(1).unwrap();
        let future = executor.submit(|| 2).unwrap();
        let (done, not_done) = futures::wait([&future, &future], ALL_COMPLETED);
        assert_eq!(set(done), set([&future]));
        assert!(not_done.is_empty());
    }

    /// CPython: test_concurrent_futures.test_wait.WaitTests.test_first_completed (without
    /// CPython's never-notified CANCELLED_FUTURE, which this crate cannot make)
    #[test]
    fn test_first_completed() {
        let executor = ThreadPoolExecutor::new(2).unwrap();
        let event = Arc::new(Event::new());
        let future1 = executor.submit(|| 21 * 2).unwrap();
        let future2 = executor.submit(gated(&event, 0)).unwrap();
        let (done, not_done) = futures::wait([&future1, &future2], FIRST_COMPLETED);
        assert_eq!(set(done), set([&future1]));
        assert_eq!(set(not_done), set([&future2]));
        event.set();
        future2.result().unwrap();
    }

    /// CPython: test_concurrent_futures.test_wait.WaitTests.test_first_completed_some_already_completed
    #[test]
    fn test_first_completed_some_already_completed() {
        let fx = Fixtures::new();
        let executor = ThreadPoolExecutor::new(1).unwrap();
        let event = Arc::new(Event::new());
        let future1 = executor.submit(gated(&event, 0)).unwrap();
        let (finished, pending) = futures::wait([&fx.cancelled, &fx.successful, &future1], FIRST_COMPLETED);
        assert_eq!(set(finished), set([&fx.cancelled, &fx.successful]));
        assert_eq!(set(pending), set([&future1]));
        event.set();
        future1.result().unwrap();
    }

    /// CPython: test_concurrent_futures.test_wait.WaitTests.test_first_exception
    #[test]
    fn test_first_exception() {
        let executor = ThreadPoolExecutor::new(3).unwrap();
        let event1 = Arc::new(Event::new());
        let event2 = Arc::new(Event::new());
        let future1 = executor.submit(|| 2 * 21).unwrap();
        let future2 = executor
            .submit({
                let event1 = event1.clone();
                move || -> i32 {
                    event1.wait();
                    panic!("this is an exception")
                }
            })
            .unwrap();
        let future3 = executor.submit(gated(&event2, 0)).unwrap();
        // future1 finishes before future2 does.
        let t = Thread::new({
            let (future1, event1) = (future1.clone(), event1.clone());
            move || {
                future1.result().unwrap();
                event1.set();
            }
        });
        t.start().unwrap();
        let (finished, pending) = futures::wait([&future1, &future2, &future3], FIRST_EXCEPTION);
        assert_eq!(set(finished), set([&future1, &future2]));
        assert_eq!(set(pending), set([&future3]));
        t.join().unwrap();
        event2.set();
        future3.result().unwrap();
        let _ = future2.exception();
    }

    /// CPython: test_concurrent_futures.test_wait.WaitTests.test_first_exception_some_already_complete
    /// (without the never-notified CANCELLED_FUTURE)
    #[test]
    fn test_first_exception_some_already_complete() {
        let fx = Fixtures::new();
        let executor = ThreadPoolExecutor::new(2).unwrap();
        let event = Arc::new(Event::new());
        let zero = std::hint::black_box(0);
        let future1 = executor.submit(move || 21 / zero).unwrap();
        let future2 = executor.submit(gated(&event, 0)).unwrap();
        let (finished, pending) =
            futures::wait([&fx.successful, &fx.cancelled, &future1, &future2], FIRST_EXCEPTION);
        assert_eq!(set(finished), set([&fx.successful, &fx.cancelled, &future1]));
        assert_eq!(set(pending), set([&future2]));
        event.set();
        future2.result().unwrap();
        let _ = future1.exception();
    }

    /// CPython: test_concurrent_futures.test_wait.WaitTests.test_first_exception_one_already_failed
    #[test]
    fn test_first_exception_one_already_failed() {
        let fx = Fixtures::new();
        let executor = ThreadPoolExecutor::new(1).unwrap();
        let event = Arc::new(Event::new());
        let future1 = executor.submit(gated(&event, 0)).unwrap();
        let (finished, pending) = futures::wait([&fx.exception, &future1], FIRST_EXCEPTION);
        assert_eq!(set(finished), set([&fx.exception]));
        assert_eq!(set(pending), set([&future1]));
        event.set();
        future1.result().unwrap();
    }

    /// CPython: test_concurrent_futures.test_wait.WaitTests.test_all_completed
    #[test]
    fn test_all_completed() {
        let fx = Fixtures::new();
        let executor = ThreadPoolExecutor::new(2).unwrap();
        let zero = std::hint::black_box(0);
        let future1 = executor.submit(move || 2 / zero).unwrap();
        let future2 = executor.submit(|| 2 * 21).unwrap();
        let all = [&fx.successful, &fx.cancelled, &fx.exception, &future1, &future2];
        let (finished, pending) = futures::wait(all, ALL_COMPLETED);
        assert_eq!(set(finished), set(all));
        assert!(pending.is_empty());
        let _ = future1.exception();
    }

    /// CPython: test_concurrent_futures.test_wait.WaitTests.test_timeout
    #[test]
    fn test_timeout() {
        let fx = Fixtures::new();
        let executor = ThreadPoolExecutor::new(1).unwrap();
        let event = Arc::new(Event::new());
        let future = executor.submit(gated(&event, 0)).unwrap();
        let (finished, pending) = futures::wait_timeout(
            [&fx.cancelled, &fx.exception, &fx.successful, &future],
            Duration::from_millis(50),
            ALL_COMPLETED,
        );
        assert_eq!(set(finished), set([&fx.cancelled, &fx.exception, &fx.successful]));
        assert_eq!(set(pending), set([&future]));
        event.set();
        future.result().unwrap();
    }

    /// CPython: test_concurrent_futures.test_wait.ThreadPoolWaitTests.test_pending_calls_race
    #[test]
    fn test_pending_calls_race() {
        let executor = ThreadPoolExecutor::new(8).unwrap();
        let event = Arc::new(Event::new());
        let fs: Vec<_> = (0..100).map(|_| executor.submit(gated(&event, 0)).unwrap()).collect();
        event.set();
        let (done, not_done) = futures::wait(&fs, ALL_COMPLETED);
        assert_eq!((done.len(), not_done.len()), (100, 0));
    }
}

mod thread_pool_executor_tests {
    use super::*;

    /// CPython: test_concurrent_futures.executor.ExecutorTest.test_submit (ThreadPoolExecutorTest)
    #[test]
    fn test_submit() {
        let executor = ThreadPoolExecutor::new(2).unwrap();
        let future = executor.submit(|| 2i64.pow(8)).unwrap();
        assert_eq!(future.result(), Ok(&256));
    }

    /// CPython: test_concurrent_futures.executor.ExecutorTest.test_map
    #[test]
    fn test_map() {
        let executor = ThreadPoolExecutor::new(4).unwrap();
        let pooled: Vec<u64> = executor.map2(u64::pow, 0..10u64, 0..10u32).unwrap().collect();
        let serial: Vec<u64> = (0..10u64).zip(0..10u32).map(|(x, y)| x.pow(y)).collect();
        assert_eq!(pooled, serial);
    }

    /// CPython: test_concurrent_futures.executor.ExecutorTest.test_map_exception
    #[test]
    fn test_map_exception() {
        let executor = ThreadPoolExecutor::new(4).unwrap();
        let divmod = |x: i32, y: i32| (x / y, x % y);
        let mut i = executor.map2(divmod, [1, 1, 1, 1], [2, 3, 0, 5]).unwrap();
        assert_eq!(i.next(), Some((0, 1)));
        assert_eq!(i.next(), Some((0, 1)));
        let raised = catch_unwind(AssertUnwindSafe(|| i.next())).unwrap_err();
        let message = raised.downcast_ref::<String>().unwrap();
        assert!(message.contains("attempt to divide by zero"), "{message}");
    }

    /// CPython: test_concurrent_futures.executor.ExecutorTest.test_map_timeout (the third item
    /// waits for an event set only after the iteration, where Python sleeps 6 s)
    #[test]
    fn test_map_timeout() {
        let executor = ThreadPoolExecutor::new(4).unwrap();
        let gate = Arc::new(Event::new());
        let wait = {
            let gate = gate.clone();
            move |hold: bool| {
                if hold {
                    gate.wait();
                }
            }
        };
        let mut results = Vec::new();
        let mut timed_out = false;
        for item in executor.map_timeout(wait, [false, false, true], Duration::from_secs(2)).unwrap() {
            match item {
                Ok(value) => results.push(value),
                Err(threading::TimeoutError) => timed_out = true,
            }
        }
        gate.set();
        assert!(timed_out, "expected TimeoutError");
        assert_eq!(results, [(), ()]);
    }

    /// CPython: test_concurrent_futures.executor.ExecutorTest.test_shutdown_race_issue12456
    #[test]
    fn test_shutdown_race_issue12456() {
        let executor = ThreadPoolExecutor::new(2).unwrap();
        let _ = executor.map(|x: i32| x.to_string(), vec![2; executor.max_workers() + 1]).unwrap();
        executor.shutdown(true, false);
    }

    /// CPython: test_concurrent_futures.executor.ExecutorTest.test_no_stale_references: a
    /// task's closure (and what it holds) is dropped once it has run, even when its future is
    /// discarded.
    #[test]
    fn test_no_stale_references() {
        let executor = ThreadPoolExecutor::new(2).unwrap();
        let my_object = Arc::new(String::from("my object"));
        let weak = Arc::downgrade(&my_object);
        let _ = executor.submit(move || my_object.len()).unwrap(); // the future is discarded
        let start = std::time::Instant::now();
        while weak.upgrade().is_some() {
            assert!(start.elapsed() < LONG, "stale reference not collected");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// CPython: test_concurrent_futures.executor.ExecutorTest.test_max_workers_negative (0
    /// only: a negative count has no `usize`)
    #[test]
    fn test_max_workers_negative() {
        let err = ThreadPoolExecutor::new(0).unwrap_err();
        assert_eq!(err.to_string(), "max_workers must be greater than 0");
    }

    /// CPython: test_concurrent_futures.executor.ExecutorTest.test_free_reference: the result
    /// iterator keeps no reference to a result it has yielded.
    #[test]
    fn test_free_reference() {
        let executor = ThreadPoolExecutor::new(4).unwrap();
        for obj in executor.map(|_| Arc::new(()), 0..10).unwrap() {
            let weak = Arc::downgrade(&obj);
            drop(obj);
            assert!(weak.upgrade().is_none());
        }
    }

    /// CPython: test_concurrent_futures.test_thread_pool.ThreadPoolExecutorTest.test_map_submits_without_iteration
    #[test]
    fn test_map_submits_without_iteration() {
        let executor = ThreadPoolExecutor::new(4).unwrap();
        let finished = Arc::new(Mutex::new(Vec::new()));
        let record = {
            let finished = finished.clone();
            move |n: i32| finished.lock().unwrap().push(n)
        };
        let _ = executor.map(record, 0..10).unwrap();
        executor.shutdown(true, false);
        let mut finished = finished.lock().unwrap().clone();
        finished.sort();
        assert_eq!(finished, (0..10).collect::<Vec<_>>());
    }

    /// CPython: test_concurrent_futures.test_thread_pool.ThreadPoolExecutorTest.test_default_workers
    /// (the CPU count is `std::thread::available_parallelism`)
    #[test]
    fn test_default_workers() {
        let executor = ThreadPoolExecutor::default();
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(executor.max_workers(), (cpus + 4).min(32));
    }

    /// Waits until the worker `name` is blocked waiting for work (a hang guard bounds it).
    fn wait_until_idle(name: &str) {
        let start = std::time::Instant::now();
        while !threading::blocked_threads().iter().any(|t| {
            t.name == name
                && t.blocked.as_ref().is_some_and(|b| b.blocked.operation == Operation::SimpleQueueGet)
        }) {
            assert!(start.elapsed() < LONG, "{name} never went idle");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn threads_named(prefix: &str) -> usize {
        threading::enumerate().iter().filter(|t| t.name().starts_with(prefix)).count()
    }

    /// CPython: test_concurrent_futures.test_thread_pool.ThreadPoolExecutorTest.test_saturation
    /// (the pool's threads are counted by name, where Python reads `executor._threads`)
    #[test]
    fn test_saturation() {
        let executor = pool("saturation", 4);
        let sem = Arc::new(Semaphore::new(0));
        for _ in 0..15 * executor.max_workers() {
            let sem = sem.clone();
            executor.submit(move || sem.acquire()).unwrap();
        }
        assert_eq!(threads_named("saturation_"), executor.max_workers());
        for _ in 0..15 * executor.max_workers() {
            sem.release();
        }
        executor.shutdown(true, false);
    }

    /// CPython: test_concurrent_futures.test_thread_pool.ThreadPoolExecutorTest.test_idle_thread_reuse
    /// (each submit waits until the worker is idle again, where CPython's test relies on the
    /// GIL's timing and is skipped without it, gh-117344)
    #[test]
    fn test_idle_thread_reuse() {
        let executor = pool("reuse", 4);
        for task in [|| 21 * 2, || 6 * 7, || 3 * 14] {
            assert_eq!(executor.submit(task).unwrap().result(), Ok(&42));
            wait_until_idle("reuse_0");
        }
        assert_eq!(threads_named("reuse_"), 1);
        executor.shutdown(true, false);
    }

    /// CPython: test_concurrent_futures.test_thread_pool.ThreadPoolExecutorTest.test_executor_map_current_future_cancel
    #[test]
    fn test_executor_map_current_future_cancel() {
        let stop_event = Arc::new(Event::new());
        let log = Arc::new(Mutex::new(Vec::new()));
        let log_n_wait = {
            let (stop_event, log) = (stop_event.clone(), log.clone());
            move |ident: &'static str| {
                log.lock().unwrap().push(format!("ident={ident:?} started"));
                stop_event.wait();
                log.lock().unwrap().push(format!("ident={ident:?} stopped"));
            }
        };
        {
            let pool = ThreadPoolExecutor::new(1).unwrap();
            let fut = pool.submit({
                let log_n_wait = log_n_wait.clone();
                move || log_n_wait("first")
            });
            let mut results = pool.map_timeout(log_n_wait, ["second", "third"], Duration::ZERO).unwrap();
            assert_eq!(results.next(), Some(Err(threading::TimeoutError)));
            drop(results);
            stop_event.set();
            fut.unwrap().result().unwrap();
        }
        // "second" was cancelled by the timeout, "third" because it was still queued.
        assert_eq!(*log.lock().unwrap(), [r#"ident="first" started"#, r#"ident="first" stopped"#]);
    }

    /// Python 3.9+: workers are not daemon threads, so a task's own threads are not either.
    /// CPython: test_concurrent_futures.test_shutdown.ThreadPoolShutdownTest.test_interpreter_shutdown
    /// (queued work still runs at exit)
    #[test]
    fn test_interpreter_shutdown() {
        const TEST: &str = "thread_pool_executor_tests::test_interpreter_shutdown";
        if is_child(TEST) {
            let executor = ThreadPoolExecutor::new(1).unwrap();
            let ran = Arc::new(AtomicUsize::new(0));
            for _ in 0..3 {
                let ran = ran.clone();
                let _ = executor.submit(move || {
                    threading::sleep(Duration::from_millis(20));
                    ran.fetch_add(1, Ordering::SeqCst);
                    assert!(!threading::current_thread().daemon());
                });
            }
            threading::shutdown(); // the program's exit: the pool is shut down and joined
            assert_eq!(ran.load(Ordering::SeqCst), 3);
            assert_eq!(
                executor.submit(|| ()).unwrap_err().to_string(),
                "cannot schedule new futures after interpreter shutdown"
            );
            eprintln!("child: ok");
            return;
        }
        assert!(run_child(TEST).contains("child: ok"));
    }
}

mod shutdown_tests {
    use super::*;

    fn join_threads_named(prefix: &str) -> usize {
        let threads: Vec<_> =
            threading::enumerate().into_iter().filter(|t| t.name().starts_with(prefix)).collect();
        for t in &threads {
            t.join().unwrap();
        }
        threads.len()
    }

    /// CPython: test_concurrent_futures.test_shutdown.ExecutorShutdownTest.test_run_after_shutdown
    #[test]
    fn test_run_after_shutdown() {
        let executor = ThreadPoolExecutor::new(2).unwrap();
        executor.shutdown(true, false);
        let err = executor.submit(|| 2i32.pow(5)).unwrap_err();
        assert_eq!(err.to_string(), "cannot schedule new futures after shutdown");
    }

    /// CPython: test_concurrent_futures.test_shutdown.ExecutorShutdownTest.test_hang_issue12364
    #[test]
    fn test_hang_issue12364() {
        let executor = ThreadPoolExecutor::new(5).unwrap();
        let fs: Vec<_> = (0..50)
            .map(|_| executor.submit(|| threading::sleep(Duration::from_millis(2))).unwrap())
            .collect();
        executor.shutdown(true, false);
        for f in &fs {
            f.result().unwrap();
        }
    }

    /// CPython: test_concurrent_futures.test_shutdown.ExecutorShutdownTest.test_cancel_futures
    /// (the running tasks wait for a gate opened once the queued ones are cancelled)
    #[test]
    fn test_cancel_futures() {
        let executor = ThreadPoolExecutor::new(5).unwrap();
        let gate = Arc::new(Event::new());
        let fs: Vec<_> = (0..50).map(|_| executor.submit(gated(&gate, 0)).unwrap()).collect();
        let opener = Thread::new({
            let (gate, last) = (gate.clone(), fs[49].clone());
            move || {
                while !last.cancelled() {
                    threading::sleep(Duration::from_millis(1));
                }
                gate.set();
            }
        });
        opener.start().unwrap();
        executor.shutdown(true, true);
        opener.join().unwrap();
        let cancelled = fs.iter().filter(|f| f.cancelled()).count();
        assert!(cancelled > 20, "{cancelled} cancelled");
        let others: Vec<_> = fs.iter().filter(|f| !f.cancelled()).collect();
        for f in &others {
            assert!(f.done());
            assert_eq!(f.exception(), Ok(None));
        }
        assert!(!others.is_empty());
    }

    /// CPython: test_concurrent_futures.test_shutdown.ExecutorShutdownTest.test_hang_gh83386:
    /// `shutdown(wait=False)`, then the program's exit, still runs the task.
    #[test]
    fn test_hang_gh83386() {
        const TEST: &str = "shutdown_tests::test_hang_gh83386";
        if is_child(TEST) {
            let t = ThreadPoolExecutor::new(3).unwrap();
            let printed = Arc::new(AtomicBool::new(false));
            let _ = t.submit({
                let printed = printed.clone();
                move || {
                    threading::sleep(Duration::from_millis(100));
                    eprintln!("apple");
                    printed.store(true, Ordering::SeqCst);
                }
            });
            t.shutdown(false, false);
            threading::shutdown();
            assert!(printed.load(Ordering::SeqCst));
            return;
        }
        assert_eq!(run_child(TEST).matches("apple").count(), 1);
    }

    /// CPython: test_concurrent_futures.test_shutdown.ExecutorShutdownTest.test_hang_gh94440
    #[test]
    fn test_hang_gh94440() {
        let executor = ThreadPoolExecutor::new(1).unwrap();
        executor.submit(|| 0).unwrap().result().unwrap();
        executor.submit(|| 0).unwrap().cancel();
        executor.shutdown(true, false);
    }

    /// CPython: test_concurrent_futures.test_shutdown.ThreadPoolShutdownTest.test_threads_terminate
    #[test]
    fn test_threads_terminate() {
        let executor = pool("terminate", 5);
        let sem = Arc::new(Semaphore::new(0));
        for _ in 0..3 {
            let sem = sem.clone();
            executor.submit(move || sem.acquire()).unwrap();
        }
        assert_eq!(threading::enumerate().iter().filter(|t| t.name().starts_with("terminate_")).count(), 3);
        for _ in 0..3 {
            sem.release();
        }
        executor.shutdown(true, false);
        assert_eq!(join_threads_named("terminate_"), 0, "every worker has ended");
    }

    /// CPython: test_concurrent_futures.test_shutdown.ThreadPoolShutdownTest.test_context_manager_shutdown
    #[test]
    fn test_context_manager_shutdown() {
        {
            let e = pool("context", 5);
            let abs: Vec<i32> = e.map(i32::abs, -5..5).unwrap().collect();
            assert_eq!(abs, [5, 4, 3, 2, 1, 0, 1, 2, 3, 4]);
        }
        assert_eq!(join_threads_named("context_"), 0, "the end of the block joined the workers");
    }

    /// CPython: test_concurrent_futures.test_shutdown.ThreadPoolShutdownTest.test_del_shutdown
    #[test]
    fn test_del_shutdown() {
        let executor = pool("del", 5);
        let res = executor.map(i32::abs, -5..5).unwrap();
        drop(executor);
        assert_eq!(join_threads_named("del_"), 0);
        assert!(res.zip(-5..5i32).all(|(r, v)| r == v.abs()), "computed before the shutdown");
    }

    /// CPython: test_concurrent_futures.test_shutdown.ThreadPoolShutdownTest.test_shutdown_no_wait
    #[test]
    fn test_shutdown_no_wait() {
        let executor = pool("nowait", 5);
        let res = executor.map(i32::abs, -5..5).unwrap();
        executor.shutdown(false, false);
        join_threads_named("nowait_");
        assert!(res.zip(-5..5i32).all(|(r, v)| r == v.abs()), "computed before the shutdown");
    }

    /// CPython: test_concurrent_futures.test_shutdown.ThreadPoolShutdownTest.test_thread_names_assigned
    #[test]
    fn test_thread_names_assigned() {
        let executor = pool("SpecialPool", 5);
        let _ = executor.map(i32::abs, -5..5).unwrap();
        let names: Vec<String> = threading::enumerate()
            .iter()
            .map(|t| t.name())
            .filter(|name| name.starts_with("SpecialPool"))
            .collect();
        assert!(!names.is_empty());
        for name in names {
            let index = name.strip_prefix("SpecialPool_").unwrap();
            assert!(["0", "1", "2", "3", "4"].contains(&index), "{name}");
        }
    }

    /// CPython: test_concurrent_futures.test_shutdown.ThreadPoolShutdownTest.test_thread_names_default
    #[test]
    fn test_thread_names_default() {
        let executor = ThreadPoolExecutor::new(5).unwrap();
        let name = executor.submit(|| threading::current_thread().name()).unwrap();
        let name = name.result().unwrap();
        let (prefix, index) = name.rsplit_once('_').unwrap();
        let n = prefix.strip_prefix("ThreadPoolExecutor-").unwrap();
        assert!(!n.is_empty() && n.chars().all(|c| c.is_ascii_digit()), "{name}");
        assert!(["0", "1", "2", "3", "4"].contains(&index), "{name}");
    }

    /// CPython: test_concurrent_futures.test_shutdown.ThreadPoolShutdownTest.test_cancel_futures_wait_false
    #[test]
    fn test_cancel_futures_wait_false() {
        const TEST: &str = "shutdown_tests::test_cancel_futures_wait_false";
        if is_child(TEST) {
            let t = ThreadPoolExecutor::default();
            let _ = t.submit(|| {
                threading::sleep(Duration::from_millis(100));
                eprintln!("apple");
            });
            t.shutdown(false, true);
            threading::shutdown();
            eprintln!("child: ok");
            return;
        }
        let stderr = run_child(TEST);
        assert!(stderr.contains("child: ok"), "{stderr}");
        assert!(stderr.matches("apple").count() <= 1, "{stderr}");
    }
}
