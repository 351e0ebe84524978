//! Behaviour of `threading::queue`, after what CPython's `test_queue` checks: order, sizes,
//! blocking and timed puts and gets, `task_done`/`join`, `shutdown`, many producers and
//! consumers, interrupts and what the registry and the scheduler see.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use threading::queue::{Empty, GetError, LifoQueue, PriorityQueue, PutError, Queue, ShutDown, SimpleQueue};
use threading::schedule::Operation;
use threading::{KeyboardInterrupt, Thread};

/// Waits (without a time limit on success) until `name` is blocked in `operation`.
fn wait_until_blocked(name: &str, operation: Operation) {
    let start = Instant::now();
    loop {
        let blocked = threading::blocked_threads()
            .into_iter()
            .any(|t| t.name == name && t.blocked.as_ref().is_some_and(|b| b.blocked.operation == operation));
        if blocked {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{name} never blocked in {operation}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn spawn(name: &str, body: impl FnOnce() + Send + 'static) -> Thread {
    let t = Thread::builder().name(name).target(body);
    t.start().unwrap();
    t
}

#[test]
fn fifo_lifo_and_priority_orders() {
    let fifo = Queue::new(0);
    let lifo = LifoQueue::new(0);
    let prio = PriorityQueue::new(0);
    for item in [111, 333, 222] {
        fifo.put(item).unwrap();
        lifo.put(item).unwrap();
        prio.put(item).unwrap();
    }
    let drain = |get: &dyn Fn() -> i32| [get(), get(), get()];
    assert_eq!(drain(&|| fifo.get().unwrap()), [111, 333, 222]);
    assert_eq!(drain(&|| lifo.get().unwrap()), [222, 333, 111]);
    assert_eq!(drain(&|| prio.get().unwrap()), [111, 222, 333]);
}

#[test]
fn priority_queue_orders_tuples_by_priority_first() {
    let q = PriorityQueue::new(0);
    q.put((2, "code")).unwrap();
    q.put((1, "eat")).unwrap();
    q.put((3, "sleep")).unwrap();
    q.put((1, "coffee")).unwrap();
    let order: Vec<_> = (0..4).map(|_| q.get().unwrap().1).collect();
    assert_eq!(order, ["coffee", "eat", "code", "sleep"]);
}

#[test]
fn sizes_empty_and_full() {
    let q = Queue::new(2);
    assert!(q.empty() && !q.full());
    assert_eq!((q.qsize(), q.maxsize()), (0, 2));
    q.put(1).unwrap();
    assert!(!q.empty() && !q.full());
    q.put(2).unwrap();
    assert!(q.full());
    assert_eq!(q.qsize(), 2);
    let unbounded = Queue::new(0);
    for i in 0..1000 {
        unbounded.put(i).unwrap();
    }
    assert!(!unbounded.full(), "maxsize 0 is never full");
}

#[test]
fn nowait_variants_report_full_and_empty_and_give_the_item_back() {
    let q = Queue::new(1);
    assert_eq!(q.get_nowait(), Err(GetError::Empty));
    q.put_nowait(String::from("a")).unwrap();
    let err = q.put_nowait(String::from("b")).unwrap_err();
    assert_eq!(err.to_string(), "Full");
    assert_eq!(err, PutError::Full(String::from("b")));
    assert_eq!(q.get_nowait().as_deref(), Ok("a"));
    assert_eq!(GetError::Empty.to_string(), "Empty");
}

#[test]
fn timed_put_and_get_give_up_after_the_timeout() {
    let q = Queue::new(1);
    q.put(1).unwrap();
    let start = Instant::now();
    assert_eq!(q.put_timeout(2, Duration::from_millis(50)), Err(PutError::Full(2)));
    assert!(start.elapsed() >= Duration::from_millis(50));
    assert_eq!(q.get(), Ok(1));
    let start = Instant::now();
    assert_eq!(q.get_timeout(Duration::from_millis(50)), Err(GetError::Empty));
    assert!(start.elapsed() >= Duration::from_millis(50));
    assert_eq!(q.qsize(), 0, "a failed put leaves nothing behind");
}

#[test]
fn blocking_get_waits_for_a_put() {
    let q = Arc::new(Queue::new(0));
    let getter = {
        let q = q.clone();
        spawn("blocking-getter", move || assert_eq!(q.get(), Ok("hello")))
    };
    wait_until_blocked("blocking-getter", Operation::QueueGet);
    q.put("hello").unwrap();
    getter.join().unwrap();
}

#[test]
fn blocking_put_waits_for_a_free_slot() {
    let q = Arc::new(Queue::new(1));
    q.put(1).unwrap();
    let putter = {
        let q = q.clone();
        spawn("blocking-putter", move || q.put(2).unwrap())
    };
    wait_until_blocked("blocking-putter", Operation::QueuePut);
    assert_eq!(q.qsize(), 1);
    assert_eq!(q.get(), Ok(1));
    putter.join().unwrap();
    assert_eq!(q.get(), Ok(2));
}

#[test]
fn timed_get_returns_an_item_put_while_it_waits() {
    let q = Arc::new(Queue::new(0));
    let getter = {
        let q = q.clone();
        spawn("timed-getter", move || assert_eq!(q.get_timeout(Duration::from_secs(60)), Ok(5)))
    };
    wait_until_blocked("timed-getter", Operation::QueueGet);
    q.put(5).unwrap();
    getter.join().unwrap();
}

#[test]
fn join_waits_until_every_task_is_done() {
    let q = Arc::new(Queue::new(0));
    for i in 0..3 {
        q.put(i).unwrap();
    }
    let joined = Arc::new(AtomicUsize::new(0));
    let joiner = {
        let (q, joined) = (q.clone(), joined.clone());
        spawn("queue-joiner", move || {
            q.join();
            joined.store(1, Ordering::SeqCst);
        })
    };
    wait_until_blocked("queue-joiner", Operation::QueueJoin);
    for _ in 0..3 {
        q.get().unwrap();
    }
    q.task_done().unwrap();
    q.task_done().unwrap();
    assert_eq!(q.unfinished_tasks(), 1);
    assert_eq!(joiner.join_timeout(Duration::from_millis(50)), Ok(false), "one task is still open");
    assert_eq!(joined.load(Ordering::SeqCst), 0);
    q.task_done().unwrap();
    joiner.join().unwrap();
    assert_eq!(joined.load(Ordering::SeqCst), 1);
    q.join(); // nothing unfinished: returns at once
}

#[test]
fn too_many_task_done_calls_are_an_error() {
    let q = Queue::new(0);
    let err = q.task_done().unwrap_err();
    assert_eq!(err.to_string(), "task_done() called too many times");
    q.put(1).unwrap();
    q.task_done().unwrap();
    assert!(q.task_done().is_err());
    assert_eq!(q.unfinished_tasks(), 0, "a refused task_done changes nothing");
}

#[test]
fn worker_pool_with_task_done_and_join() {
    let q = Arc::new(Queue::new(0));
    let total = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..4)
        .map(|i| {
            let (q, total) = (q.clone(), total.clone());
            spawn(&format!("join-worker-{i}"), move || {
                while let Ok(n) = q.get() {
                    total.fetch_add(n, Ordering::SeqCst);
                    q.task_done().unwrap();
                }
            })
        })
        .collect();
    for n in 1..=100 {
        q.put(n).unwrap();
    }
    q.join();
    assert_eq!(total.load(Ordering::SeqCst), 5050, "join returned only after every task was done");
    q.shutdown(false);
    workers.iter().for_each(|w| w.join().unwrap());
}

#[test]
fn shutdown_refuses_puts_and_drains_then_ends_gets() {
    let q = Queue::new(0);
    q.put(1).unwrap();
    q.put(2).unwrap();
    q.shutdown(false);
    assert!(q.is_shutdown());
    assert_eq!(q.put(3), Err(ShutDown(3)));
    assert_eq!(q.put_nowait(4), Err(PutError::ShutDown(4)));
    assert_eq!(q.get(), Ok(1));
    assert_eq!(q.get_nowait(), Ok(2));
    assert_eq!(q.get(), Err(ShutDown(())));
    assert_eq!(q.get_timeout(Duration::from_secs(60)), Err(GetError::ShutDown));
    assert_eq!(q.unfinished_tasks(), 2, "a plain shutdown keeps the task count");
}

#[test]
fn shutdown_wakes_blocked_getters_and_putters() {
    let empty = Arc::new(Queue::<i32>::new(0));
    let full = Arc::new(Queue::new(1));
    full.put(0).unwrap();
    let getter = {
        let q = empty.clone();
        spawn("shutdown-getter", move || assert_eq!(q.get(), Err(ShutDown(()))))
    };
    let putter = {
        let q = full.clone();
        spawn("shutdown-putter", move || assert_eq!(q.put(1), Err(ShutDown(1))))
    };
    wait_until_blocked("shutdown-getter", Operation::QueueGet);
    wait_until_blocked("shutdown-putter", Operation::QueuePut);
    empty.shutdown(false);
    full.shutdown(false);
    getter.join().unwrap();
    putter.join().unwrap();
}

#[test]
fn immediate_shutdown_drops_items_and_releases_join() {
    let q = Arc::new(Queue::new(0));
    for i in 0..5 {
        q.put(i).unwrap();
    }
    q.get().unwrap(); // taken, not done: still unfinished after the shutdown
    let joiner = {
        let q = q.clone();
        spawn("immediate-joiner", move || q.join())
    };
    wait_until_blocked("immediate-joiner", Operation::QueueJoin);
    q.shutdown(true);
    assert_eq!(q.qsize(), 0);
    assert_eq!(q.unfinished_tasks(), 1);
    assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
    // Python wakes joiners on an immediate shutdown; they re-check and wait for the last task.
    assert_eq!(joiner.join_timeout(Duration::from_millis(20)), Ok(false));
    q.task_done().unwrap();
    joiner.join().unwrap();
}

#[test]
fn many_producers_and_consumers_move_every_item_exactly_once() {
    const PRODUCERS: usize = 8;
    const ITEMS: usize = 10_000;
    let q = Arc::new(Queue::new(64));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let consumers: Vec<_> = (0..PRODUCERS)
        .map(|i| {
            let (q, seen) = (q.clone(), seen.clone());
            spawn(&format!("stress-consumer-{i}"), move || {
                let mut mine = Vec::new();
                while let Ok(item) = q.get() {
                    mine.push(item);
                    q.task_done().unwrap();
                }
                seen.lock().unwrap().extend(mine);
            })
        })
        .collect();
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let q = q.clone();
            spawn(&format!("stress-producer-{p}"), move || {
                for i in 0..ITEMS {
                    q.put(p * ITEMS + i).unwrap();
                }
            })
        })
        .collect();
    producers.iter().for_each(|t| t.join().unwrap());
    q.join();
    q.shutdown(false);
    consumers.iter().for_each(|t| t.join().unwrap());
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), PRODUCERS * ITEMS);
    let distinct: HashSet<_> = seen.iter().copied().collect();
    assert_eq!(distinct.len(), PRODUCERS * ITEMS, "no item was delivered twice");
}

#[test]
fn timed_getters_racing_with_puts_lose_nothing() {
    // Getters that time out while a put notifies them must pass the wake-up on.
    const ITEMS: usize = 20_000;
    let q = Arc::new(Queue::new(0));
    let taken = Arc::new(AtomicUsize::new(0));
    let consumers: Vec<_> = (0..4)
        .map(|i| {
            let (q, taken) = (q.clone(), taken.clone());
            spawn(&format!("timed-consumer-{i}"), move || {
                loop {
                    match q.get_timeout(Duration::from_micros(50)) {
                        Ok(_) => {
                            taken.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(GetError::Empty) => {}
                        Err(GetError::ShutDown) => return,
                    }
                }
            })
        })
        .collect();
    for i in 0..ITEMS {
        q.put(i).unwrap();
    }
    q.shutdown(false);
    consumers.iter().for_each(|t| t.join().unwrap());
    assert_eq!(taken.load(Ordering::SeqCst), ITEMS);
}

#[test]
fn bounded_producer_consumer_keeps_order() {
    let q = Arc::new(Queue::new(3));
    let producer = {
        let q = q.clone();
        spawn("ordered-producer", move || {
            for i in 0..10_000 {
                q.put(i).unwrap();
            }
        })
    };
    for expected in 0..10_000 {
        assert_eq!(q.get(), Ok(expected));
        assert!(q.qsize() <= 3);
    }
    producer.join().unwrap();
}

/// Runs `body` on a thread named `name`, interrupts it once it is blocked in `operation`, and
/// returns whether it unwound with `KeyboardInterrupt`.
fn interrupted_while_blocked(name: &str, operation: Operation, body: impl FnOnce() + Send + 'static) -> bool {
    let outcome = Arc::new(Mutex::new(None));
    let t = {
        let outcome = outcome.clone();
        spawn(name, move || {
            let caught = catch_unwind(AssertUnwindSafe(body));
            *outcome.lock().unwrap() = Some(caught.is_err_and(|payload| KeyboardInterrupt::is(&payload)));
        })
    };
    wait_until_blocked(name, operation);
    threading::interrupt(&t);
    t.join().unwrap();
    let result = outcome.lock().unwrap().take();
    result.expect("the thread recorded its outcome")
}

#[test]
fn blocked_get_put_and_join_unwind_on_interrupt_and_leave_the_queue_usable() {
    let q = Arc::new(Queue::<i32>::new(1));
    let getter_q = q.clone();
    assert!(interrupted_while_blocked("interrupted-get", Operation::QueueGet, move || {
        let _ = getter_q.get();
    }));
    q.put(1).unwrap();
    let putter_q = q.clone();
    assert!(interrupted_while_blocked("interrupted-put", Operation::QueuePut, move || {
        let _ = putter_q.put(2);
    }));
    assert_eq!(q.qsize(), 1, "the interrupted put added nothing");
    let joiner_q = q.clone();
    assert!(interrupted_while_blocked("interrupted-join", Operation::QueueJoin, move || joiner_q.join()));
    // The interrupted waiters left no stale entry behind: a new getter is woken by the next put.
    assert_eq!(q.get(), Ok(1));
    let getter = {
        let q = q.clone();
        spawn("after-interrupt-getter", move || assert_eq!(q.get(), Ok(3)))
    };
    wait_until_blocked("after-interrupt-getter", Operation::QueueGet);
    q.put(3).unwrap();
    getter.join().unwrap();
}

#[test]
fn simple_queue_get_is_interruptible() {
    let q = Arc::new(SimpleQueue::<i32>::new());
    let getter_q = q.clone();
    assert!(interrupted_while_blocked("interrupted-simple-get", Operation::SimpleQueueGet, move || {
        let _ = getter_q.get();
    }));
    q.put(1);
    assert_eq!(q.get(), Ok(1));
}

#[test]
fn simple_queue_basics() {
    let q = Arc::new(SimpleQueue::new());
    assert!(q.empty());
    assert_eq!(q.get_nowait(), Err(Empty));
    assert_eq!(q.get_timeout(Duration::from_millis(10)), Err(Empty));
    q.put(1);
    q.put_nowait(2);
    assert_eq!(q.qsize(), 2);
    assert_eq!((q.get(), q.get_nowait()), (Ok(1), Ok(2)));
    let getter = {
        let q = q.clone();
        spawn("simple-getter", move || assert_eq!(q.get(), Ok(42)))
    };
    wait_until_blocked("simple-getter", Operation::SimpleQueueGet);
    q.put(42);
    getter.join().unwrap();
    assert_eq!(Empty.to_string(), "Empty");
}

#[test]
fn report_names_the_queue_and_where_it_was_created() {
    let q = Arc::new(Queue::<i32>::new(0).named("jobs"));
    let line = line!() - 1;
    let getter = {
        let q = q.clone();
        spawn("report-getter", move || {
            let _ = q.get();
        })
    };
    wait_until_blocked("report-getter", Operation::QueueGet);
    let report = threading::report();
    let expected = format!("report-getter: blocked in Queue.get on jobs (created at {}:{line}:", file!());
    assert!(report.contains(&expected), "{report}");
    q.shutdown(false);
    getter.join().unwrap();
}

#[test]
fn reprs_follow_python() {
    let q = Queue::<i32>::new(0);
    assert!(format!("{q:?}").starts_with("<queue.Queue object at 0x"), "{q:?}");
    assert!(LifoQueue::<i32>::new(0).to_string().starts_with("<queue.LifoQueue object at 0x"));
    assert!(PriorityQueue::<i32>::new(0).to_string().starts_with("<queue.PriorityQueue object at 0x"));
    assert!(SimpleQueue::<i32>::new().to_string().starts_with("<_queue.SimpleQueue object at 0x"));
    assert_eq!(format!("{:?}", ShutDown(vec![1])), "ShutDown(..)");
}

mod scheduling {
    use super::*;
    use threading::schedule::{self, Point, Scheduler};

    /// Records the operations the test's own thread goes through.
    struct Recorder {
        thread: u64,
        operations: Mutex<Vec<Operation>>,
    }

    impl Scheduler for Recorder {
        fn point(&self, point: &Point<'_>) {
            if threading::get_ident() == self.thread
                && matches!(
                    point.operation,
                    Operation::QueuePut
                        | Operation::QueueGet
                        | Operation::QueueTaskDone
                        | Operation::QueueJoin
                        | Operation::QueueShutdown
                )
            {
                self.operations.lock().unwrap().push(point.operation);
            }
        }
    }

    #[test]
    fn every_queue_operation_is_a_scheduling_point() {
        let recorder =
            Arc::new(Recorder { thread: threading::get_ident(), operations: Mutex::new(Vec::new()) });
        let guard = schedule::install(recorder.clone());
        let q = Queue::new(0);
        q.put(1).unwrap();
        q.get().unwrap();
        q.task_done().unwrap();
        q.join();
        drop(guard);
        assert_eq!(
            *recorder.operations.lock().unwrap(),
            [Operation::QueuePut, Operation::QueueGet, Operation::QueueTaskDone, Operation::QueueJoin]
        );
    }
}

/// An item ordered by its key only, as Python's `@dataclass(order=True)` with a
/// `field(compare=False)` payload, the `queue` docs' recipe.
#[derive(Debug)]
struct Keyed(u8, usize);

impl PartialEq for Keyed {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for Keyed {}

impl PartialOrd for Keyed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Keyed {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

#[test]
fn priority_queue_hands_out_equal_keys_in_pythons_heapq_order() {
    // Computed with CPython's heapq: pushes of these keys (payload = index), a pop after every
    // third push, then pops until empty.
    let keys = [
        2, 1, 3, 0, 0, 4, 0, 2, 4, 0, 4, 1, 0, 0, 3, 3, 0, 1, 0, 4, 3, 0, 4, 0, 1, 4, 0, 4, 4, 3, 0, 1, 0, 4,
        1, 2, 3, 1, 4, 0,
    ];
    let python = [
        1, 3, 4, 6, 9, 12, 16, 18, 21, 13, 23, 26, 30, 32, 39, 17, 34, 37, 31, 11, 24, 7, 0, 35, 20, 36, 15,
        29, 14, 2, 10, 38, 28, 22, 33, 5, 8, 19, 25, 27,
    ];
    let q = PriorityQueue::new(0);
    let mut out = Vec::new();
    for (i, key) in keys.into_iter().enumerate() {
        q.put(Keyed(key, i)).unwrap();
        if i % 3 == 2 {
            out.push(q.get().unwrap().1);
        }
    }
    while let Ok(item) = q.get_nowait() {
        out.push(item.1);
    }
    assert_eq!(out, python);
}
