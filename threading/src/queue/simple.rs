//! Python's `queue.SimpleQueue`.

use super::error::Empty;
use super::spin::LenHint;
use crate::raw_lock::deadline_after;
use crate::registry::Blocked;
use crate::schedule::{self, Operation};
use crate::sys;
use crate::waiter::{self, WaitList, Wake};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::panic::Location;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct State<T> {
    items: VecDeque<T>,
    getters: WaitList,
}

/// An unbounded first-in, first-out queue without task tracking (Python's
/// `queue.SimpleQueue`): `put` never blocks, and there is no `task_done`, `join`, `maxsize`
/// or `shutdown`.
///
/// ```
/// use std::sync::Arc;
/// use threading::{Thread, queue::SimpleQueue};
///
/// let results = Arc::new(SimpleQueue::new());
/// let workers: Vec<_> = (0..3)
///     .map(|i| {
///         let results = results.clone();
///         Thread::new(move || results.put(i * i))
///     })
///     .collect();
/// workers.iter().for_each(|t| t.start().unwrap());
/// let mut squares: Vec<i32> = (0..3).map(|_| results.get().unwrap()).collect();
/// squares.sort();
/// assert_eq!(squares, [0, 1, 4]);
/// ```
///
/// # Differences from Python
/// * `get(timeout=t)` is [`get_timeout`](SimpleQueue::get_timeout), `get(block=False)` is
///   [`get_nowait`](SimpleQueue::get_nowait); both fail with [`Empty`].
/// * [`get`](SimpleQueue::get) returns a `Result` that is never an error (Python's
///   `SimpleQueue` has no `shutdown`), so that `q.get()?` and `q.get().unwrap()` read the same
///   for every queue of this module.
/// * A blocked `get` is interruptible ([`KeyboardInterrupt`](crate::KeyboardInterrupt)).
pub struct SimpleQueue<T> {
    state: sys::Mutex<State<T>>,
    len_hint: LenHint,
    site: &'static Location<'static>,
    name: Option<Arc<str>>,
}

impl<T> SimpleQueue<T> {
    /// An empty queue (Python's `queue.SimpleQueue()`).
    ///
    /// ```
    /// let q = threading::queue::SimpleQueue::<String>::new();
    /// assert!(q.empty());
    /// ```
    #[track_caller]
    pub fn new() -> Self {
        SimpleQueue {
            state: sys::Mutex::new(State { items: VecDeque::new(), getters: WaitList::new() }),
            len_hint: LenHint::default(),
            site: Location::caller(),
            name: None,
        }
    }

    /// Names the queue, for deadlock reports and the scheduler.
    ///
    /// ```
    /// let q = threading::queue::SimpleQueue::<i32>::new().named("results");
    /// assert_eq!(q.name(), Some("results"));
    /// ```
    pub fn named(mut self, name: impl Into<Arc<str>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The name given with [`named`](SimpleQueue::named).
    ///
    /// ```
    /// assert_eq!(threading::queue::SimpleQueue::<i32>::new().name(), None);
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Puts `item`; never blocks (Python's `q.put(item)`).
    ///
    /// ```
    /// let q = threading::queue::SimpleQueue::new();
    /// q.put(1);
    /// assert_eq!(q.get(), Ok(1));
    /// ```
    #[inline]
    pub fn put(&self, item: T) {
        schedule::point_named(Operation::SimpleQueuePut, self.site, self.name.as_deref());
        let mut state = self.state.lock();
        state.items.push_back(item);
        self.len_hint.set(state.items.len());
        let getter = state.getters.pop();
        drop(state);
        if let Some(getter) = getter {
            getter.notify();
        }
    }

    /// The same as [`put`](SimpleQueue::put), for symmetry with Python's `q.put_nowait(item)`.
    ///
    /// ```
    /// let q = threading::queue::SimpleQueue::new();
    /// q.put_nowait('x');
    /// assert_eq!(q.qsize(), 1);
    /// ```
    pub fn put_nowait(&self, item: T) {
        self.put(item);
    }

    /// Removes and returns the next item, waiting while the queue is empty (Python's
    /// `q.get()`). Interruptible.
    ///
    /// It never fails: the error type is [`Infallible`]. It returns a `Result` all the same,
    /// shaped like [`Queue::get`](super::Queue::get) (which fails once the queue is shut down),
    /// so that a lesson's `item = q.get()` is `let item = q.get()?;` (or `.unwrap()`) whichever
    /// queue it uses; `let Ok(item) = q.get();` also compiles, since the error cannot happen.
    ///
    /// ```
    /// let q = threading::queue::SimpleQueue::new();
    /// q.put("a");
    /// q.put("b");
    /// assert_eq!((q.get().unwrap(), q.get().unwrap()), ("a", "b"));
    /// q.put("c");
    /// let Ok(item) = q.get();
    /// assert_eq!(item, "c");
    /// ```
    #[inline]
    pub fn get(&self) -> Result<T, Infallible> {
        match self.get_until(None, true) {
            Ok(item) => Ok(item),
            Err(Empty) => unreachable!("an untimed get waits until it has an item"),
        }
    }

    /// Removes and returns the next item, waiting at most `timeout` (Python's
    /// `q.get(timeout=t)`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let q = threading::queue::SimpleQueue::<i32>::new();
    /// assert_eq!(q.get_timeout(Duration::from_millis(5)), Err(threading::queue::Empty));
    /// ```
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, Empty> {
        self.get_until(deadline_after(timeout), true)
    }

    /// Removes and returns an item only if one is there now (Python's `q.get_nowait()`).
    ///
    /// ```
    /// let q = threading::queue::SimpleQueue::new();
    /// assert!(q.get_nowait().is_err());
    /// q.put(3);
    /// assert_eq!(q.get_nowait(), Ok(3));
    /// ```
    pub fn get_nowait(&self) -> Result<T, Empty> {
        self.get_until(None, false)
    }

    fn get_until(&self, deadline: Option<Instant>, block: bool) -> Result<T, Empty> {
        schedule::point_named(Operation::SimpleQueueGet, self.site, self.name.as_deref());
        let mut state = self.state.lock();
        let mut spun = false;
        loop {
            if let Some(item) = state.items.pop_front() {
                self.len_hint.set(state.items.len());
                return Ok(item);
            }
            if !block {
                return Err(Empty);
            }
            if !spun {
                spun = true;
                drop(state);
                self.len_hint.spin_until(|len| len > 0);
                state = self.state.lock();
                continue;
            }
            let blocked = Blocked::new(Operation::SimpleQueueGet, self.site).named(self.name.clone());
            let (next, wake) = waiter::wait_in(&self.state, state, |s| &mut s.getters, deadline, blocked);
            state = next;
            match wake {
                Wake::Notified => {}
                Wake::TimedOut => {
                    let item = state.items.pop_front().ok_or(Empty)?;
                    self.len_hint.set(state.items.len());
                    return Ok(item);
                }
                Wake::Interrupted => {
                    drop(state);
                    crate::interrupt::raise();
                }
            }
        }
    }

    /// How many items are queued now (Python's `q.qsize()`).
    ///
    /// ```
    /// let q = threading::queue::SimpleQueue::new();
    /// q.put(());
    /// assert_eq!(q.qsize(), 1);
    /// ```
    pub fn qsize(&self) -> usize {
        self.state.lock().items.len()
    }

    /// Whether the queue is empty now (Python's `q.empty()`).
    ///
    /// ```
    /// assert!(threading::queue::SimpleQueue::<u8>::new().empty());
    /// ```
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }

    /// Removes every queued item now, in order (the executor's `cancel_futures`).
    pub(crate) fn drain(&self) -> Vec<T> {
        let mut state = self.state.lock();
        self.len_hint.set(0);
        state.items.drain(..).collect()
    }
}

impl<T> Default for SimpleQueue<T> {
    #[track_caller]
    fn default() -> Self {
        SimpleQueue::new()
    }
}

impl<T> fmt::Debug for SimpleQueue<T> {
    /// Python's repr: `<_queue.SimpleQueue object at 0x...>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<_queue.SimpleQueue object at {:p}>", self as *const Self)
    }
}

impl<T> fmt::Display for SimpleQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
