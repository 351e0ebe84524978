//! Conformance with CPython's own `Lib/test/test_queue.py` (3.13, with `shutdown`): each test
//! names the CPython test it mirrors. The behaviours are CPython's; the code is Rust's.
//!
//! `BaseQueueTestMixin` runs for `Queue`, `LifoQueue` and `PriorityQueue` (one module each,
//! made by `base_queue_tests!`), `BaseSimpleQueueTest` for `SimpleQueue`. Timeouts are hang
//! guards only: no assertion depends on how long anything took.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use threading::queue::{Empty, GetError, PutError, ShutDown, SimpleQueue};
use threading::{Barrier, Event, Thread};

/// Python's `QUEUE_SIZE`.
const QUEUE_SIZE: usize = 5;

/// Long enough never to expire in a passing run: a hang guard.
const LONG: Duration = Duration::from_secs(10);

fn spawn(f: impl FnOnce() + Send + 'static) -> Thread {
    let thread = Thread::new(f);
    thread.start().unwrap();
    thread
}

/// Python's `BlockingTestMixin.do_blocking_test`: runs `block` (which must block until
/// `trigger` has run) while another thread runs `trigger` after a pause; fails if `block`
/// returned before the trigger thread started its work.
fn do_blocking_test<R>(block: impl FnOnce() -> R, trigger: impl FnOnce() + Send + 'static) -> R {
    let started = Arc::new(Event::new());
    let thread = spawn({
        let started = started.clone();
        move || {
            threading::sleep(Duration::from_millis(100));
            started.set();
            trigger();
        }
    });
    // Python's `finally:` joins the trigger thread however the blocking call ended.
    let result = catch_unwind(AssertUnwindSafe(block));
    thread.join().unwrap();
    assert!(started.is_set(), "the blocking function appeared not to block");
    result.unwrap_or_else(|panic| resume_unwind(panic))
}

macro_rules! base_queue_tests {
    ($module:ident, $Queue:ident, $order:expr) => {
        mod $module {
            use super::*;
            use threading::queue::$Queue;

            type Q = $Queue<i64>;

            fn qfull(q: &Q) -> bool {
                q.maxsize() > 0 && q.qsize() == q.maxsize()
            }

            /// Python's `BaseQueueTestMixin.basic_queue_test`.
            fn basic_queue_test(q: &Arc<Q>) {
                assert_eq!(q.qsize(), 0, "call this with an empty queue");
                assert!(q.empty());
                assert!(!q.full());
                q.put(111).unwrap();
                q.put(333).unwrap();
                q.put(222).unwrap();
                let actual = [q.get().unwrap(), q.get().unwrap(), q.get().unwrap()];
                assert_eq!(actual, $order, "didn't seem to queue the correct data");
                for i in 0..QUEUE_SIZE as i64 - 1 {
                    q.put(i).unwrap();
                    assert!(q.qsize() > 0, "queue should not be empty");
                }
                assert!(!qfull(q), "queue should not be full");
                let last = 2 * QUEUE_SIZE as i64;
                let full = 3 * 2 * QUEUE_SIZE as i64;
                q.put(last).unwrap();
                assert!(qfull(q), "queue should be full");
                assert!(!q.empty());
                assert!(q.full());
                assert_eq!(q.put_nowait(full), Err(PutError::Full(full)), "didn't appear to block with a full queue");
                assert_eq!(
                    q.put_timeout(full, Duration::from_millis(10)),
                    Err(PutError::Full(full)),
                    "didn't appear to time out with a full queue"
                );
                // Blocking puts, each freed by a get on another thread.
                let getter = q.clone();
                do_blocking_test(|| q.put(full).unwrap(), move || { getter.get().unwrap(); });
                let getter = q.clone();
                do_blocking_test(|| q.put_timeout(full, LONG).unwrap(), move || { getter.get().unwrap(); });
                for _ in 0..QUEUE_SIZE {
                    q.get().unwrap();
                }
                assert_eq!(q.qsize(), 0, "queue should be empty");
                assert_eq!(q.get_nowait(), Err(GetError::Empty), "didn't appear to block with an empty queue");
                assert_eq!(
                    q.get_timeout(Duration::from_millis(10)),
                    Err(GetError::Empty),
                    "didn't appear to time out with an empty queue"
                );
                // Blocking gets, each freed by a put on another thread.
                let putter = q.clone();
                assert_eq!(do_blocking_test(|| q.get().unwrap(), move || putter.put(-7).unwrap()), -7);
                let putter = q.clone();
                assert_eq!(do_blocking_test(|| q.get_timeout(LONG).unwrap(), move || putter.put(-8).unwrap()), -8);
                // Leave the queue's task count as Python's test does not care about it.
                while q.unfinished_tasks() > 0 {
                    q.task_done().unwrap();
                }
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_basic (QueueTest, LifoQueueTest,
            /// PriorityQueueTest): done twice on the same queue.
            #[test]
            fn test_basic() {
                let q = Arc::new(Q::new(QUEUE_SIZE));
                basic_queue_test(&q);
                basic_queue_test(&q);
            }

            /// Python's `BaseQueueTestMixin.queue_join_test`, with its `worker`.
            fn queue_join_test(q: &Arc<Q>) {
                let cum = Arc::new(AtomicUsize::new(0));
                let threads: Vec<_> = (0..2)
                    .map(|_| {
                        let (q, cum) = (q.clone(), cum.clone());
                        spawn(move || {
                            loop {
                                let x = q.get().unwrap();
                                if x < 0 {
                                    q.task_done().unwrap();
                                    return;
                                }
                                cum.fetch_add(x as usize, Ordering::SeqCst);
                                q.task_done().unwrap();
                            }
                        })
                    })
                    .collect();
                for i in 0..100 {
                    q.put(i).unwrap();
                }
                q.join();
                assert_eq!(cum.load(Ordering::SeqCst), (0..100).sum::<usize>(), "join did not block until all tasks were done");
                for _ in 0..2 {
                    q.put(-1).unwrap(); // tell the workers to stop
                }
                q.join(); // a queue can be joined twice
                for thread in threads {
                    thread.join().unwrap();
                }
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_queue_task_done
            #[test]
            fn test_queue_task_done() {
                let q = Q::new(0);
                let err = q.task_done().unwrap_err();
                assert_eq!(err.to_string(), "task_done() called too many times");
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_queue_join
            #[test]
            fn test_queue_join() {
                let q = Arc::new(Q::new(0));
                queue_join_test(&q);
                queue_join_test(&q);
                assert!(q.task_done().is_err(), "did not detect the task count going negative");
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_nowait
            #[test]
            fn test_nowait() {
                let q = Q::new(QUEUE_SIZE);
                for _ in 0..QUEUE_SIZE {
                    q.put_nowait(1).unwrap();
                }
                assert!(q.put_nowait(1).unwrap_err().is_full());
                for _ in 0..QUEUE_SIZE {
                    q.get_nowait().unwrap();
                }
                assert_eq!(q.get_nowait(), Err(GetError::Empty));
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_empty
            #[test]
            fn test_shutdown_empty() {
                let q = Q::new(0);
                q.shutdown(false);
                assert!(matches!(q.put(1), Err(ShutDown(1))));
                assert!(q.get().is_err());
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_nonempty
            #[test]
            fn test_shutdown_nonempty() {
                let q = Q::new(0);
                q.put(1).unwrap();
                q.shutdown(false);
                assert_eq!(q.get(), Ok(1));
                assert_eq!(q.get(), Err(ShutDown(())));
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate
            #[test]
            fn test_shutdown_immediate() {
                let q = Q::new(0);
                q.put(1).unwrap();
                q.shutdown(true);
                assert_eq!(q.get(), Err(ShutDown(())));
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_allowed_transitions
            #[test]
            fn test_shutdown_allowed_transitions() {
                let q = Q::new(0);
                assert!(!q.is_shutdown());
                q.shutdown(false);
                assert!(q.is_shutdown());
                q.shutdown(true);
                assert!(q.is_shutdown());
                q.shutdown(false);
                assert!(q.is_shutdown());
            }

            /// Python's `_shutdown_all_methods_in_one_thread`.
            fn shutdown_all_methods_in_one_thread(immediate: bool) {
                let q = Q::new(2);
                q.put(1).unwrap();
                q.put_nowait(2).unwrap();
                q.shutdown(immediate);
                assert!(q.put(3).is_err());
                assert_eq!(q.put_nowait(4), Err(PutError::ShutDown(4)));
                if immediate {
                    assert!(q.get().is_err());
                    assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
                    assert!(q.task_done().is_err(), "immediate shutdown left no task to mark done");
                    q.join();
                } else {
                    assert!([1, 2].contains(&q.get().unwrap()));
                    q.task_done().unwrap();
                    assert!([1, 2].contains(&q.get().unwrap()));
                    q.task_done().unwrap();
                    q.join();
                    // Shut down and empty: every get raises ShutDown.
                    assert!(q.get().is_err());
                    assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
                    assert_eq!(q.get_timeout(Duration::from_secs(1)), Err(GetError::ShutDown));
                }
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_all_methods_in_one_thread
            #[test]
            fn test_shutdown_all_methods_in_one_thread() {
                shutdown_all_methods_in_one_thread(false);
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate_all_methods_in_one_thread
            #[test]
            fn test_shutdown_immediate_all_methods_in_one_thread() {
                shutdown_all_methods_in_one_thread(true);
            }

            /// Python's `_shutdown_all_methods_in_many_threads`: producers, consumers and
            /// joiners, with one thread shutting the queue down halfway.
            fn shutdown_all_methods_in_many_threads(immediate: bool) {
                let q = Arc::new(Q::new(0));
                let (write_threads, read_threads, join_threads) = (4, 6, 2);
                let nb_msgs = 1024 * 64;
                let nb_msgs_w = nb_msgs / write_threads;
                let when_exec_shutdown = nb_msgs_w / 2;
                let parties = write_threads + read_threads + if immediate { join_threads } else { 0 };
                let barrier = Arc::new(Barrier::new(parties).unwrap());
                let ev_exec_shutdown = Arc::new(Event::new());
                let res_puts = Arc::new(Mutex::new(Vec::new()));
                let res_gets = Arc::new(Mutex::new(Vec::new()));
                let res_shutdown = Arc::new(Mutex::new(Vec::new()));
                let mut threads = Vec::new();
                for _ in 0..write_threads {
                    let (q, barrier, ev, res) = (q.clone(), barrier.clone(), ev_exec_shutdown.clone(), res_puts.clone());
                    threads.push(spawn(move || {
                        for i in 0..when_exec_shutdown / 2 {
                            q.put(i as i64).unwrap();
                        }
                        barrier.wait().unwrap();
                        for i in when_exec_shutdown / 2..nb_msgs_w {
                            if q.put(i as i64).is_err() {
                                res.lock().unwrap().push(false);
                                break;
                            }
                            if i == when_exec_shutdown && !ev.is_set() {
                                ev.set();
                                res.lock().unwrap().push(true);
                            }
                        }
                    }));
                }
                for _ in 0..read_threads {
                    let (q, barrier, res) = (q.clone(), barrier.clone(), res_gets.clone());
                    threads.push(spawn(move || {
                        q.get().unwrap();
                        q.task_done().unwrap();
                        barrier.wait().unwrap();
                        loop {
                            match q.get_nowait() {
                                Ok(_) => q.task_done().unwrap(),
                                Err(GetError::ShutDown) => {
                                    res.lock().unwrap().push(true);
                                    break;
                                }
                                Err(GetError::Empty) => std::thread::yield_now(),
                            }
                        }
                    }));
                }
                {
                    let (q, ev, res) = (q.clone(), ev_exec_shutdown.clone(), res_shutdown.clone());
                    threads.push(spawn(move || {
                        ev.wait();
                        q.shutdown(immediate);
                        res.lock().unwrap().push(q.qsize() == 0);
                    }));
                }
                if immediate {
                    for _ in 0..join_threads {
                        let (q, barrier) = (q.clone(), barrier.clone());
                        threads.push(spawn(move || {
                            barrier.wait().unwrap();
                            q.join();
                        }));
                    }
                }
                for thread in threads {
                    thread.join().unwrap();
                }
                assert!(res_puts.lock().unwrap().contains(&true));
                assert_eq!(res_gets.lock().unwrap().iter().filter(|r| **r).count(), read_threads);
                if immediate {
                    assert_eq!(*res_shutdown.lock().unwrap(), [true]);
                    assert!(q.empty());
                }
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_all_methods_in_many_threads
            #[test]
            fn test_shutdown_all_methods_in_many_threads() {
                shutdown_all_methods_in_many_threads(false);
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate_all_methods_in_many_threads
            #[test]
            fn test_shutdown_immediate_all_methods_in_many_threads() {
                shutdown_all_methods_in_many_threads(true);
            }

            /// Python's `_shutdown_get`: getters released by a shutdown of a full queue.
            fn shutdown_get(immediate: bool) {
                let q = Arc::new(Q::new(2));
                let go = Arc::new(Event::new());
                let results = Arc::new(Mutex::new(Vec::new()));
                q.put(1).unwrap();
                q.put(2).unwrap();
                // On a plain shutdown, the two items are still got and one getter is refused;
                // on an immediate one, both getters are refused.
                let getters = if immediate { 2 } else { 3 };
                let threads: Vec<_> = (0..getters)
                    .map(|_| {
                        let (q, go, results) = (q.clone(), go.clone(), results.clone());
                        spawn(move || {
                            go.wait();
                            let got = q.get().is_ok();
                            results.lock().unwrap().push(got);
                        })
                    })
                    .collect();
                q.shutdown(immediate);
                go.set();
                for thread in threads {
                    thread.join().unwrap();
                }
                let mut results = results.lock().unwrap().clone();
                results.sort();
                if immediate {
                    assert_eq!(results, [false, false]);
                } else {
                    assert_eq!(results, [false, true, true]);
                }
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_get
            #[test]
            fn test_shutdown_get() {
                shutdown_get(false);
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate_get
            #[test]
            fn test_shutdown_immediate_get() {
                shutdown_get(true);
            }

            /// Python's `_shutdown_put`: putters to a full queue refused by the shutdown.
            fn shutdown_put(immediate: bool) {
                let q = Arc::new(Q::new(2));
                let go = Arc::new(Event::new());
                let results = Arc::new(Mutex::new(Vec::new()));
                q.put(1).unwrap();
                q.put(2).unwrap();
                let threads: Vec<_> = [3, 4]
                    .into_iter()
                    .map(|item| {
                        let (q, go, results) = (q.clone(), go.clone(), results.clone());
                        spawn(move || {
                            go.wait();
                            let refused = matches!(q.put(item), Err(ShutDown(i)) if i == item);
                            results.lock().unwrap().push(refused);
                        })
                    })
                    .collect();
                q.shutdown(immediate);
                go.set();
                for thread in threads {
                    thread.join().unwrap();
                }
                assert_eq!(*results.lock().unwrap(), [true, true]);
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_put
            #[test]
            fn test_shutdown_put() {
                shutdown_put(false);
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate_put
            #[test]
            fn test_shutdown_immediate_put() {
                shutdown_put(true);
            }

            /// Python's `_shutdown_join`: joiners return once the work is done or dropped.
            fn shutdown_join(immediate: bool) {
                let q = Arc::new(Q::new(0));
                let go = Arc::new(Event::new());
                q.put(1).unwrap();
                let mut threads: Vec<_> = (0..2)
                    .map(|_| {
                        let q = q.clone();
                        spawn(move || q.join())
                    })
                    .collect();
                let got = Arc::new(Mutex::new(Vec::new()));
                if !immediate {
                    for _ in 0..q.qsize() {
                        let (q, go, got) = (q.clone(), go.clone(), got.clone());
                        threads.push(spawn(move || {
                            go.wait();
                            let ok = q.get().is_ok();
                            if ok {
                                q.task_done().unwrap();
                            }
                            got.lock().unwrap().push(ok);
                        }));
                    }
                }
                q.shutdown(immediate);
                go.set();
                for thread in threads {
                    thread.join().unwrap();
                }
                assert_eq!(q.unfinished_tasks(), 0);
                if !immediate {
                    assert_eq!(*got.lock().unwrap(), [true]);
                }
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_join
            #[test]
            fn test_shutdown_join() {
                shutdown_join(false);
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate_join
            #[test]
            fn test_shutdown_immediate_join() {
                shutdown_join(true);
            }

            /// Python's `_shutdown_put_join`.
            fn shutdown_put_join(immediate: bool) {
                let q = Arc::new(Q::new(2));
                let go = Arc::new(Event::new());
                let results = Arc::new(Mutex::new(Vec::new()));
                q.put(1).unwrap();
                let putter = {
                    let (q, go, results) = (q.clone(), go.clone(), results.clone());
                    spawn(move || {
                        go.wait();
                        let refused = q.put(5).is_err();
                        results.lock().unwrap().push(refused);
                    })
                };
                let joiner = {
                    let (q, results) = (q.clone(), results.clone());
                    spawn(move || {
                        q.join();
                        results.lock().unwrap().push(true);
                    })
                };
                assert_eq!(q.unfinished_tasks(), 1);
                q.shutdown(immediate);
                go.set();
                if immediate {
                    assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
                } else {
                    assert_eq!(q.get(), Ok(1));
                    q.task_done().unwrap();
                }
                putter.join().unwrap();
                joiner.join().unwrap();
                assert_eq!(*results.lock().unwrap(), [true, true]);
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_put_join
            #[test]
            fn test_shutdown_put_join() {
                shutdown_put_join(false);
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_immediate_put_join
            #[test]
            fn test_shutdown_immediate_put_join() {
                shutdown_put_join(true);
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_get_task_done_join
            #[test]
            fn test_shutdown_get_task_done_join() {
                let q = Arc::new(Q::new(2));
                let go = Arc::new(Event::new());
                let results = Arc::new(Mutex::new(Vec::new()));
                q.put(1).unwrap();
                q.put(2).unwrap();
                assert_eq!(q.unfinished_tasks(), q.qsize());
                let mut threads = Vec::new();
                for _ in 0..2 {
                    let (q, go, results) = (q.clone(), go.clone(), results.clone());
                    threads.push(spawn(move || {
                        go.wait();
                        let ok = q.get().is_ok();
                        if ok {
                            q.task_done().unwrap();
                        }
                        results.lock().unwrap().push(ok);
                    }));
                }
                for _ in 0..2 {
                    let (q, results) = (q.clone(), results.clone());
                    threads.push(spawn(move || {
                        q.join();
                        results.lock().unwrap().push(true);
                    }));
                }
                go.set();
                q.shutdown(false);
                for thread in threads {
                    thread.join().unwrap();
                }
                assert_eq!(*results.lock().unwrap(), [true; 4]);
            }

            /// CPython: test_queue.BaseQueueTestMixin.test_shutdown_pending_get
            #[test]
            fn test_shutdown_pending_get() {
                let q = Arc::new(Q::new(0));
                let result = Arc::new(Mutex::new(None));
                let getter = {
                    let (q, result) = (q.clone(), result.clone());
                    spawn(move || *result.lock().unwrap() = Some(q.get()))
                };
                q.shutdown(false);
                getter.join().unwrap();
                assert_eq!(*result.lock().unwrap(), Some(Err(ShutDown(()))));
            }
        }
    };
}

base_queue_tests!(queue_test, Queue, [111, 333, 222]);
base_queue_tests!(lifo_queue_test, LifoQueue, [222, 333, 111]);
base_queue_tests!(priority_queue_test, PriorityQueue, [111, 222, 333]);

/// Python's `BaseSimpleQueueTest`.
mod simple_queue_test {
    use super::*;

    type Item = Option<usize>;

    /// Python's `feed`: takes inputs from the shared sequence until it is empty, then puts the
    /// sentinel (`None`).
    fn feed(q: &SimpleQueue<Item>, seq: &Mutex<Vec<usize>>) {
        loop {
            let next = seq.lock().unwrap().pop();
            match next {
                Some(val) => {
                    q.put(Some(val));
                    if val % 3 == 0 {
                        std::thread::yield_now(); // Python sleeps at random here
                    }
                }
                None => {
                    q.put(None);
                    return;
                }
            }
        }
    }

    #[derive(Clone, Copy)]
    enum Consume {
        Blocking,
        Nonblock,
        Timeout,
    }

    /// Python's `consume`, `consume_nonblock` and `consume_timeout`.
    fn consume(q: &SimpleQueue<Item>, results: &Mutex<Vec<usize>>, how: Consume) {
        loop {
            let val = match how {
                Consume::Blocking => q.get().unwrap(),
                Consume::Nonblock => loop {
                    match q.get_nowait() {
                        Ok(val) => break val,
                        Err(Empty) => std::thread::sleep(Duration::from_micros(10)),
                    }
                },
                Consume::Timeout => loop {
                    if let Ok(val) = q.get_timeout(Duration::from_micros(10)) {
                        break val;
                    }
                },
            };
            match val {
                Some(val) => results.lock().unwrap().push(val),
                None => return,
            }
        }
    }

    /// Python's `run_threads`.
    fn run_threads(n_threads: usize, inputs: &[usize], how: Consume) -> Vec<usize> {
        let q = Arc::new(SimpleQueue::new());
        let mut seq = inputs.to_vec();
        seq.reverse();
        let seq = Arc::new(Mutex::new(seq));
        let results = Arc::new(Mutex::new(Vec::new()));
        let mut threads = Vec::new();
        for _ in 0..n_threads {
            let (q, seq) = (q.clone(), seq.clone());
            threads.push(spawn(move || feed(&q, &seq)));
        }
        for _ in 0..n_threads {
            let (q, results) = (q.clone(), results.clone());
            threads.push(spawn(move || consume(&q, &results, how)));
        }
        for thread in threads {
            thread.join().unwrap();
        }
        assert!(q.empty());
        assert_eq!(q.qsize(), 0);
        results.lock().unwrap().clone()
    }

    /// CPython: test_queue.BaseSimpleQueueTest.test_basic
    #[test]
    fn test_basic() {
        let q = SimpleQueue::new();
        assert!(q.empty());
        assert_eq!(q.qsize(), 0);
        q.put(1);
        assert!(!q.empty());
        assert_eq!(q.qsize(), 1);
        q.put(2);
        q.put_nowait(3);
        q.put(4);
        assert!(!q.empty());
        assert_eq!(q.qsize(), 4);
        assert_eq!(q.get(), Ok(1));
        assert_eq!(q.qsize(), 3);
        assert_eq!(q.get_nowait(), Ok(2));
        assert_eq!(q.qsize(), 2);
        assert_eq!(q.get_nowait(), Ok(3)); // Python: get(block=False)
        assert!(!q.empty());
        assert_eq!(q.qsize(), 1);
        assert_eq!(q.get_timeout(Duration::from_millis(100)), Ok(4));
        assert!(q.empty());
        assert_eq!(q.qsize(), 0);
        assert_eq!(q.get_nowait(), Err(Empty));
        assert_eq!(q.get_timeout(Duration::from_millis(1)), Err(Empty));
        assert!(q.empty());
        assert_eq!(q.qsize(), 0);
    }

    /// CPython: test_queue.BaseSimpleQueueTest.test_order
    #[test]
    fn test_order() {
        let inputs: Vec<usize> = (0..100).collect();
        // One producer, one consumer: the results come in order.
        assert_eq!(run_threads(1, &inputs, Consume::Blocking), inputs);
    }

    /// CPython: test_queue.BaseSimpleQueueTest.test_many_threads
    #[test]
    fn test_many_threads() {
        let inputs: Vec<usize> = (0..10000).collect();
        let mut results = run_threads(50, &inputs, Consume::Blocking);
        results.sort();
        assert_eq!(results, inputs);
    }

    /// CPython: test_queue.BaseSimpleQueueTest.test_many_threads_nonblock
    #[test]
    fn test_many_threads_nonblock() {
        let inputs: Vec<usize> = (0..10000).collect();
        let mut results = run_threads(50, &inputs, Consume::Nonblock);
        results.sort();
        assert_eq!(results, inputs);
    }

    /// CPython: test_queue.BaseSimpleQueueTest.test_many_threads_timeout
    #[test]
    fn test_many_threads_timeout() {
        let inputs: Vec<usize> = (0..1000).collect();
        let mut results = run_threads(50, &inputs, Consume::Timeout);
        results.sort();
        assert_eq!(results, inputs);
    }

    /// CPython: test_queue.BaseSimpleQueueTest.test_references: the queue keeps no
    /// reference to an item once it has been got.
    #[test]
    fn test_references() {
        let q = SimpleQueue::new();
        for _ in 0..20 {
            q.put(Arc::new(()));
        }
        for _ in 0..20 {
            let weak = Arc::downgrade(&q.get().unwrap());
            assert!(weak.upgrade().is_none());
        }
    }
}

/// Python's `queue.Queue` keeps no reference to a got item either (the same check, for the
/// three classes that `BaseSimpleQueueTest.test_references` does not cover).
#[test]
fn queue_lifo_and_priority_keep_no_reference_to_got_items() {
    use threading::queue::{LifoQueue, PriorityQueue, Queue};
    let fifo = Queue::new(0);
    let lifo = LifoQueue::new(0);
    let prio = PriorityQueue::new(0);
    for i in 0..5 {
        fifo.put(Arc::new(i)).unwrap();
        lifo.put(Arc::new(i)).unwrap();
        prio.put(Arc::new(i)).unwrap();
    }
    for _ in 0..5 {
        for item in [fifo.get().unwrap(), lifo.get().unwrap(), prio.get().unwrap()] {
            let weak = Arc::downgrade(&item);
            drop(item);
            assert!(weak.upgrade().is_none());
        }
    }
}

/// Python's `FailingQueueTest`: its `FailingQueue` raises from `_put` or `_get` when told to.
/// Rust has no subclass hook; the nearest failure inside a queue's own storage is an item whose
/// `Ord` panics while a `PriorityQueue` orders it. The queue must come out undamaged: the
/// panic reaches the caller, the item is not counted, and the queue goes on working.
mod failing_queue_test {
    use super::*;
    use std::cell::Cell;
    use std::cmp::Ordering as CmpOrdering;
    use threading::queue::PriorityQueue;

    thread_local! {
        /// Python's `fail_next_put` / `fail_next_get`, for the calling thread.
        static FAIL_NEXT: Cell<bool> = const { Cell::new(false) };
    }

    fn fail_next() {
        FAIL_NEXT.with(|f| f.set(true));
    }

    #[derive(Debug, PartialEq, Eq)]
    struct Item(i64);

    impl Ord for Item {
        fn cmp(&self, other: &Self) -> CmpOrdering {
            if FAIL_NEXT.with(|f| f.replace(false)) {
                panic!("You Lose");
            }
            self.0.cmp(&other.0)
        }
    }

    impl PartialOrd for Item {
        fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
            Some(self.cmp(other))
        }
    }

    type Q = PriorityQueue<Item>;

    fn qfull(q: &Q) -> bool {
        q.maxsize() > 0 && q.qsize() == q.maxsize()
    }

    /// Runs `f`, which must panic with FailingQueueException's "You Lose".
    fn fails<R>(f: impl FnOnce() -> R) {
        let panic =
            catch_unwind(AssertUnwindSafe(f)).err().expect("the queue didn't fail when it should have");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"You Lose"));
    }

    /// Python's `FailingQueueTest.failing_queue_test`.
    fn failing_queue_test(q: &Arc<Q>) {
        assert_eq!(q.qsize(), 0, "call this with an empty queue");
        for i in 0..QUEUE_SIZE as i64 - 1 {
            q.put(Item(i)).unwrap();
        }
        // A failing non-blocking put, and a failing put with a timeout.
        fail_next();
        fails(|| q.put_nowait(Item(100)));
        fail_next();
        fails(|| q.put_timeout(Item(100), Duration::from_millis(100)));
        assert_eq!(q.qsize(), QUEUE_SIZE - 1, "the failed puts left nothing behind");
        q.put(Item(10)).unwrap();
        assert!(qfull(q), "queue should be full");
        // A failing blocking put: it blocks, a get makes room, then it fails.
        fail_next();
        let getter = q.clone();
        fails(|| {
            do_blocking_test(
                || q.put(Item(30)),
                move || {
                    getter.get().unwrap();
                },
            )
        });
        // The queue is not damaged: the put failed but the get succeeded, so re-add.
        q.put(Item(10)).unwrap();
        // A failing put with a timeout, blocked until a get.
        fail_next();
        let getter = q.clone();
        fails(|| {
            do_blocking_test(
                || q.put_timeout(Item(30), LONG),
                move || {
                    getter.get().unwrap();
                },
            )
        });
        q.put(Item(10)).unwrap();
        assert!(qfull(q), "queue should be full");
        q.get().unwrap();
        assert!(!qfull(q), "queue should not be full");
        q.put(Item(10)).unwrap();
        assert!(qfull(q), "queue should be full");
        // A blocking put that does not fail.
        let getter = q.clone();
        do_blocking_test(
            || q.put(Item(30)).unwrap(),
            move || {
                getter.get().unwrap();
            },
        );
        for _ in 0..QUEUE_SIZE {
            q.get().unwrap();
        }
        assert_eq!(q.qsize(), 0, "queue should be empty");
        // Failing gets leave the item in the queue. (Python puts one item; taking from a heap
        // of one or two compares nothing, so here there are three.)
        for i in 1..=3 {
            q.put(Item(i)).unwrap();
        }
        fail_next();
        fails(|| q.get());
        assert_eq!(q.qsize(), 3, "queue should not be empty");
        fail_next();
        fails(|| q.get_timeout(Duration::from_millis(100)));
        assert_eq!(q.qsize(), 3, "queue should not be empty");
        assert_eq!(q.get(), Ok(Item(1)), "the failed gets took nothing");
        assert_eq!(q.get(), Ok(Item(2)));
        assert_eq!(q.get(), Ok(Item(3)));
        assert_eq!(q.qsize(), 0, "queue should be empty");
        // Only the puts that succeeded count as tasks.
        while q.unfinished_tasks() > 0 {
            q.task_done().unwrap();
        }
        assert!(q.task_done().is_err());
    }

    /// CPython: test_queue.FailingQueueTest.test_failing_queue (with a panicking `Ord`; the
    /// failing blocked `get` is left out: see the module's note)
    #[test]
    fn test_failing_queue() {
        let q = Arc::new(Q::new(QUEUE_SIZE));
        failing_queue_test(&q);
        failing_queue_test(&q);
    }

    /// The successful puts are counted exactly: as many `task_done` as puts.
    #[test]
    fn failed_puts_are_not_counted_as_tasks() {
        let q = Q::new(0);
        q.put(Item(1)).unwrap();
        fail_next();
        fails(|| q.put(Item(2)));
        assert_eq!((q.qsize(), q.unfinished_tasks()), (1, 1));
        assert_eq!(q.get(), Ok(Item(1)));
        q.task_done().unwrap();
        q.join();
    }
}
