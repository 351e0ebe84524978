//! Design Bounded Blocking Queue (LeetCode 1188): two producer threads call `enqueue` n times
//! each, two consumer threads call `dequeue` n times each and one thread calls `size` 3n times,
//! on one `BoundedBlockingQueue::new(capacity(n))`. The values are unique and say who put
//! them in: producer p's call i enqueues [`value(p, i)`](value) = 100 (p + 1) + i.
//!
//! The checker sees only each call's interval (its [`Call`](EventKind::Call) and
//! [`Return`](EventKind::Return) events, in the order they happened) and what `dequeue` and
//! `size` returned (on their Return events, through
//! [`Printer::returned`](crate::Printer::returned)). Every rule below holds in every run of a
//! correct (linearizable) bounded FIFO queue, whatever the overlap of the calls, because an
//! operation takes effect somewhere between its Call and its Return event; a run that breaks
//! one cannot come from a correct queue:
//!
//! - **capacity**: the items certainly in the queue — enqueues returned minus dequeues called —
//!   never exceed the capacity;
//! - **values**: a dequeue returns a value some `enqueue` was given, whose enqueue was called
//!   before the dequeue returned, and no value is dequeued twice;
//! - **FIFO, waiting**: when a dequeue returns y, every value whose enqueue returned before y's
//!   was called and that is not dequeued yet must be the (future) result of another dequeue in
//!   progress — there are at least as many of those as such values;
//! - **FIFO, real time**: if dequeue D1 returned x before dequeue D2 was called, D2 does not
//!   return a value whose enqueue returned before x's was called;
//! - **size**: `size()` returns at most the capacity, and a count the queue had at some moment
//!   of the call: at least the lowest (enqueues returned − dequeues called) and at most the
//!   highest (enqueues called − dequeues returned) seen during the call;
//! - **complete**: once every thread returned, every value was dequeued.
//!
//! Blocking is not checked by these rules: a queue that busy-waits correctly is slow, not
//! wrong (as everywhere in the grader); one that spins holding its lock never finishes, and
//! the judge reports that (timeout, or deadlock when every thread waits).

use super::{Count, Exercise, Fault, Problem, Role, Run, Token};
use crate::core::record::EventKind;
use std::collections::HashMap;

/// The exercise.
pub static EXERCISE: Exercise = Exercise {
    id: "bounded-blocking-queue",
    aliases: &["bounded_blocking_queue", "blocking-queue", "1188"],
    title: "Design Bounded Blocking Queue",
    type_name: "BoundedBlockingQueue",
    roles: &[
        Role { method: "enqueue", threads: Count::Fixed(PRODUCERS), calls: Count::TimesN(1) },
        Role { method: "dequeue", threads: Count::Fixed(2), calls: Count::TimesN(1) },
        Role { method: "size", threads: Count::Fixed(1), calls: Count::TimesN(SIZE_CALLS) },
    ],
    rule: "a bounded FIFO queue: never more items than the capacity (enqueue blocks while full), dequeue \
           blocks while empty and returns each enqueued value exactly once, values of one producer leave in \
           the order they were enqueued (and any value enqueued before another was enqueued leaves first), \
           size() returns a count the queue had during the call",
    skeleton: "pub struct BoundedBlockingQueue { /* ... */ }
impl BoundedBlockingQueue {
    pub fn new(capacity: usize) -> BoundedBlockingQueue;
    pub fn enqueue(&self, element: i32); // 2 producer threads, n calls each; blocks while full
    pub fn dequeue(&self) -> i32;        // 2 consumer threads, n calls each; blocks while empty
    pub fn size(&self) -> usize;         // 1 thread, 3n calls
}",
    // Capacity 1, 2, 3, 1, 2 (and 1 at the large n): 2n items through 5 threads.
    sizes: &[1, 2, 3, 4, 5],
    large_size: Some(10),
    expected,
    exact: false,
    records_calls: true,
    check: check_run,
    separator: " ",
};

const PRODUCERS: usize = 2;
/// size() calls per n: the size thread is the one witness of an over-full queue while both
/// consumers wait in dequeue (a history that is otherwise linearizable).
const SIZE_CALLS: usize = 3;
const ENQUEUE: usize = 0;
const DEQUEUE: usize = 1;
const SIZE: usize = 2;
/// Producer p's values are `STRIDE * (p + 1) + i` (n stays below it).
const STRIDE: usize = 100;

/// The queue's capacity for `n`: 1, 2, 3, 1, 2, ... (capacity bugs show at 1 and 2).
pub const fn capacity(n: usize) -> usize {
    1 + n.saturating_sub(1) % 3
}

/// The value producer `producer` enqueues in its call `call` (0-based): 100, 101, ... for the
/// first producer, 200, 201, ... for the second.
pub const fn value(producer: usize, call: usize) -> usize {
    STRIDE * (producer + 1) + call
}

/// The producer and call a value comes from, if a producer of this run enqueues it.
fn origin(token: &Token, n: usize) -> Option<usize> {
    let Token::Number(v) = token else { return None };
    let v = usize::try_from(*v).ok()?;
    let (producer, call) = ((v / STRIDE).checked_sub(1)?, v % STRIDE);
    (producer < PRODUCERS && call < n).then_some(v)
}

/// One correct run's output (what `dequeue` and `size` returned, in order), the calls made one
/// at a time: each round, the first producer's value goes in and out, then the second's, then
/// size() finds the queue empty.
fn expected(n: usize) -> Vec<Token> {
    (0..n)
        .flat_map(|i| [value(0, i) as u64, value(1, i) as u64].into_iter().chain([0; SIZE_CALLS]))
        .map(Token::Number)
        .collect()
}

/// What the checker knows about one value.
#[derive(Default)]
struct Item {
    /// Enqueues returned when its enqueue was called (those values leave before it).
    before: usize,
    /// Its place among the enqueues that returned.
    returned: Option<usize>,
    /// Whether a dequeue returned it.
    dequeued: bool,
}

fn check_run(run: &Run<'_>) -> Result<(), Problem> {
    let capacity = capacity(run.n);
    let mut items: HashMap<usize, Item> = HashMap::new();
    // Values in the order their enqueues returned, and their dequeues returned.
    let mut enqueued: Vec<usize> = Vec::new();
    let mut dequeued: Vec<usize> = Vec::new();
    let (mut enqueue_calls, mut dequeue_calls) = (0usize, 0usize);
    // Per thread in a dequeue: dequeues returned when it was called.
    let mut dequeue_from: HashMap<usize, usize> = HashMap::new();
    // Per thread in a size(): the lowest and highest possible counts since it was called.
    let mut size_bounds: HashMap<usize, (i64, i64)> = HashMap::new();
    for (index, event) in run.events.iter().enumerate() {
        let who = run.thread_name(event.owner);
        let wrong = |message: String| Err(Problem::new(Fault::WrongOutput, index, message));
        match (event.kind, event.role) {
            (EventKind::Call, ENQUEUE) => {
                enqueue_calls += 1;
                let v = value(run.instance(event.owner), event.call);
                items.insert(v, Item { before: enqueued.len(), ..Item::default() });
            }
            (EventKind::Return, ENQUEUE) => {
                let v = value(run.instance(event.owner), event.call);
                if let Some(item) = items.get_mut(&v) {
                    item.returned = Some(enqueued.len());
                }
                enqueued.push(v);
                let inside = enqueued.len().saturating_sub(dequeue_calls);
                if inside > capacity {
                    return wrong(format!(
                        "{who}'s enqueue({v}) returned with at least {inside} items in a queue of capacity \
                         {capacity} ({} enqueues returned, only {dequeue_calls} dequeues called): enqueue must \
                         block while the queue is full",
                        enqueued.len()
                    ));
                }
            }
            (EventKind::Call, DEQUEUE) => {
                dequeue_calls += 1;
                dequeue_from.insert(event.owner, dequeued.len());
            }
            (EventKind::Return, DEQUEUE) => {
                let since = dequeue_from.remove(&event.owner).unwrap_or(0);
                let got = &event.token;
                let Some(v) = origin(got, run.n) else {
                    return wrong(format!(
                        "{who}'s dequeue() returned {got}, a value no enqueue() was given"
                    ));
                };
                let Some(item) = items.get(&v) else {
                    return wrong(format!(
                        "{who}'s dequeue() returned {v} before enqueue({v}) was called: dequeue must block \
                         while the queue is empty"
                    ));
                };
                if item.dequeued {
                    return wrong(format!(
                        "{who}'s dequeue() returned {v}, which an earlier dequeue had returned"
                    ));
                }
                // Values that had to leave before v and have not: each needs a dequeue in progress.
                let before: Vec<usize> = enqueued[..item.before]
                    .iter()
                    .copied()
                    .filter(|x| items.get(x).is_none_or(|i| !i.dequeued))
                    .collect();
                let in_progress = dequeue_calls - dequeued.len() - 1;
                if before.len() > in_progress {
                    return wrong(format!(
                        "{who}'s dequeue() returned {v} while {} was still in the queue: enqueue({}) returned \
                         before enqueue({v}) was called, so {} leaves first (FIFO)",
                        before[0], before[0], before[0]
                    ));
                }
                // Values returned before this dequeue began must not come after v.
                if let Some(returned) = item.returned
                    && let Some(&y) = dequeued[..since.min(dequeued.len())]
                        .iter()
                        .find(|y| items.get(y).is_some_and(|i| returned < i.before))
                {
                    return wrong(format!(
                        "{who}'s dequeue() returned {v} after another dequeue had already returned {y}, though \
                         enqueue({v}) returned before enqueue({y}) was called: {v} had to leave first (FIFO)"
                    ));
                }
                if let Some(item) = items.get_mut(&v) {
                    item.dequeued = true;
                }
                dequeued.push(v);
            }
            (EventKind::Call, SIZE) => {
                let bounds = (
                    enqueued.len() as i64 - dequeue_calls as i64,
                    enqueue_calls as i64 - dequeued.len() as i64,
                );
                size_bounds.insert(event.owner, bounds);
            }
            (EventKind::Return, SIZE) => {
                let (low, high) = size_bounds.remove(&event.owner).unwrap_or((i64::MIN, i64::MAX));
                let got = &event.token;
                let count = match got {
                    Token::Number(c) => i64::try_from(*c).unwrap_or(i64::MAX),
                    Token::Word(_) => -1,
                };
                if count < 0 || count as usize > capacity {
                    return wrong(format!(
                        "{who}'s size() returned {got} in a queue of capacity {capacity}: a size is 0 to the \
                         capacity"
                    ));
                }
                if count < low.max(0) {
                    return wrong(format!(
                        "{who}'s size() returned {count} while at least {low} items were in the queue all through \
                         the call (enqueues returned minus dequeues called)"
                    ));
                }
                if count > high {
                    return wrong(format!(
                        "{who}'s size() returned {count} while at most {high} items were in the queue all through \
                         the call (enqueues called minus dequeues returned)"
                    ));
                }
            }
            _ => {}
        }
        // Every size() in progress: the widest bounds seen since it was called.
        let low = enqueued.len() as i64 - dequeue_calls as i64;
        let high = enqueue_calls as i64 - dequeued.len() as i64;
        for bounds in size_bounds.values_mut() {
            *bounds = (bounds.0.min(low), bounds.1.max(high));
        }
    }
    let total = PRODUCERS * run.n;
    if run.complete && dequeued.len() < total {
        let missing = (0..PRODUCERS)
            .flat_map(|p| (0..run.n).map(move |i| value(p, i)))
            .find(|v| items.get(v).is_none_or(|item| !item.dequeued))
            .unwrap_or(0);
        let message = format!(
            "every thread returned, but only {} of the {total} values were dequeued ({missing} never was)",
            dequeued.len()
        );
        return Err(Problem::new(Fault::WrongOutput, run.events.len(), message));
    }
    Ok(())
}

/// `adapter!(BoundedBlockingQueue)`: the [`Subject`](crate::Subject) for the learner's
/// `BoundedBlockingQueue`; the capacity, the elements and the results may be of any integer
/// type (`as _`), and what `dequeue` and `size` return goes on their Return events.
#[doc(hidden)]
#[macro_export]
macro_rules! __bounded_blocking_queue_adapter {
    ($t:ty) => {
        $crate::Subject::of::<$t>(&$crate::core::exercise::bounded_blocking_queue::EXERCISE, |n| {
            <$t>::new($crate::core::exercise::bounded_blocking_queue::capacity(n) as _)
        })
        .method(|o, p| {
            o.enqueue($crate::core::exercise::bounded_blocking_queue::value(p.instance(), p.call()) as _)
        })
        .method(|o, p| p.returned_integer(o.dequeue() as i64))
        .method(|o, p| p.returned_integer(o.size() as i64))
        .build()
    };
}
pub use crate::__bounded_blocking_queue_adapter as adapter;
