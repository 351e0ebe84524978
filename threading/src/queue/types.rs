//! `Queue`, `LifoQueue` and `PriorityQueue`: one set of methods over three storage orders,
//! as Python's subclasses of `queue.Queue` share its methods.

use super::base::{Base, Block};
use super::error::{GetError, PutError, ShutDown};
use super::storage::{Fifo, Lifo, Priority};
use crate::error::ValueError;
use crate::raw_lock::deadline_after;
use std::fmt;
use std::panic::Location;
use std::sync::Arc;
use std::time::Duration;

macro_rules! queue_class {
    (
        $(#[$doc:meta])*
        $Name:ident<T $(: $bound:ident)?> in $Store:ident
    ) => {
        $(#[$doc])*
        pub struct $Name<T $(: $bound)?> {
            base: Base<$Store<T>>,
        }

        impl<T $(: $bound)?> $Name<T> {
            #[doc = concat!("A queue holding at most `maxsize` items; 0 means no limit (Python's `queue.", stringify!($Name), "(maxsize)`).")]
            ///
            /// ```
            #[doc = concat!("let q = threading::queue::", stringify!($Name), "::new(2);")]
            /// q.put(1).unwrap();
            /// q.put(2).unwrap();
            /// assert!(q.full());
            /// assert!(q.put_nowait(3).unwrap_err().is_full());
            /// ```
            #[track_caller]
            pub fn new(maxsize: usize) -> Self {
                $Name { base: Base::new(maxsize, Location::caller()) }
            }

            /// Names the queue, for deadlock reports and the scheduler.
            ///
            /// ```
            #[doc = concat!("let q = threading::queue::", stringify!($Name), "::<i32>::new(0).named(\"jobs\");")]
            /// assert_eq!(q.name(), Some("jobs"));
            /// ```
            pub fn named(mut self, name: impl Into<Arc<str>>) -> Self {
                self.base.set_name(name.into());
                self
            }

            #[doc = concat!("The name given with [`named`](", stringify!($Name), "::named).")]
            ///
            /// ```
            #[doc = concat!("assert_eq!(threading::queue::", stringify!($Name), "::<i32>::new(0).name(), None);")]
            /// ```
            pub fn name(&self) -> Option<&str> {
                self.base.name()
            }

            /// The capacity given at creation; 0 means unbounded (Python's `q.maxsize`).
            ///
            /// ```
            #[doc = concat!("assert_eq!(threading::queue::", stringify!($Name), "::<i32>::new(5).maxsize(), 5);")]
            /// ```
            pub fn maxsize(&self) -> usize {
                self.base.maxsize()
            }

            /// How many items are queued now (Python's `q.qsize()`). Other threads may change
            /// it as soon as it is returned.
            ///
            /// ```
            #[doc = concat!("let q = threading::queue::", stringify!($Name), "::new(0);")]
            /// q.put(1).unwrap();
            /// assert_eq!(q.qsize(), 1);
            /// ```
            pub fn qsize(&self) -> usize {
                self.base.qsize()
            }

            /// Whether the queue holds no items now (Python's `q.empty()`).
            ///
            /// ```
            #[doc = concat!("let q = threading::queue::", stringify!($Name), "::<i32>::new(0);")]
            /// assert!(q.empty());
            /// ```
            pub fn empty(&self) -> bool {
                self.base.qsize() == 0
            }

            /// Whether the queue has `maxsize` items now; never for an unbounded queue
            /// (Python's `q.full()`).
            ///
            /// ```
            #[doc = concat!("let q = threading::queue::", stringify!($Name), "::new(1);")]
            /// assert!(!q.full());
            /// q.put(1).unwrap();
            /// assert!(q.full());
            /// ```
            pub fn full(&self) -> bool {
                self.base.full()
            }

            /// Puts `item`, waiting while the queue is full (Python's `q.put(item)`).
            ///
            /// Fails only once the queue is [`shutdown`](Self::shutdown); the item then comes
            /// back in the error.
            ///
            /// ```
            #[doc = concat!("let q = threading::queue::", stringify!($Name), "::new(0);")]
            /// q.put("job").unwrap();
            /// assert_eq!(q.get(), Ok("job"));
            /// ```
            #[inline]
            pub fn put(&self, item: T) -> Result<(), ShutDown<T>> {
                self.base.put(item, Block::Forever).map_err(|refused| ShutDown(refused.into_inner()))
            }

            /// Puts `item`, waiting at most `timeout` for a free slot (Python's
            /// `q.put(item, timeout=t)`); [`PutError::Full`] gives the item back.
            ///
            /// ```
            /// use std::time::Duration;
            #[doc = concat!("let q = threading::queue::", stringify!($Name), "::new(1);")]
            /// q.put(1).unwrap();
            /// let err = q.put_timeout(2, Duration::from_millis(5)).unwrap_err();
            /// assert_eq!(err.into_inner(), 2);
            /// ```
            pub fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), PutError<T>> {
                self.base.put(item, Block::Until(deadline_after(timeout)))
            }

            /// Puts `item` only if there is a free slot now (Python's `q.put_nowait(item)`).
            ///
            /// ```
            #[doc = concat!("let q = threading::queue::", stringify!($Name), "::new(1);")]
            /// assert!(q.put_nowait(1).is_ok());
            /// assert!(q.put_nowait(2).unwrap_err().is_full());
            /// ```
            pub fn put_nowait(&self, item: T) -> Result<(), PutError<T>> {
                self.base.put(item, Block::No)
            }

            /// Removes and returns the next item, waiting while the queue is empty (Python's
            /// `q.get()`).
            ///
            /// Fails only once the queue is [`shutdown`](Self::shutdown) and empty, so a
            /// consumer can loop with `while let Ok(item) = q.get()`. The wait is
            /// interruptible: it unwinds with [`KeyboardInterrupt`](crate::KeyboardInterrupt).
            ///
            /// ```
            /// use std::sync::Arc;
            #[doc = concat!("let q = Arc::new(threading::queue::", stringify!($Name), "::new(0));")]
            /// let producer = threading::Thread::new({
            ///     let q = q.clone();
            ///     move || {
            ///         for i in 0..3 { q.put(i).unwrap(); }
            ///         q.shutdown(false);
            ///     }
            /// });
            /// producer.start().unwrap();
            /// let mut total = 0;
            /// while let Ok(item) = q.get() {
            ///     total += item;
            /// }
            /// assert_eq!(total, 3);
            /// ```
            #[inline]
            pub fn get(&self) -> Result<T, ShutDown> {
                self.base.get(Block::Forever).map_err(|_| ShutDown(()))
            }

            /// Removes and returns the next item, waiting at most `timeout` (Python's
            /// `q.get(timeout=t)`).
            ///
            /// ```
            /// use std::time::Duration;
            /// use threading::queue::GetError;
            #[doc = concat!("let q = threading::queue::", stringify!($Name), "::<i32>::new(0);")]
            /// assert_eq!(q.get_timeout(Duration::from_millis(5)), Err(GetError::Empty));
            /// ```
            pub fn get_timeout(&self, timeout: Duration) -> Result<T, GetError> {
                self.base.get(Block::Until(deadline_after(timeout)))
            }

            /// Removes and returns an item only if one is there now (Python's `q.get_nowait()`).
            ///
            /// ```
            /// use threading::queue::GetError;
            #[doc = concat!("let q = threading::queue::", stringify!($Name), "::new(0);")]
            /// assert_eq!(q.get_nowait(), Err(GetError::Empty));
            /// q.put(7).unwrap();
            /// assert_eq!(q.get_nowait(), Ok(7));
            /// ```
            pub fn get_nowait(&self) -> Result<T, GetError> {
                self.base.get(Block::No)
            }

            /// Tells the queue that a task taken with `get` is complete (Python's
            /// `q.task_done()`): when every put item has been marked done, [`join`](Self::join)
            /// returns. Calling it more often than items were put is an error.
            ///
            /// ```
            #[doc = concat!("let q = threading::queue::", stringify!($Name), "::new(0);")]
            /// q.put(1).unwrap();
            /// q.get().unwrap();
            /// q.task_done().unwrap();
            /// assert_eq!(q.task_done().unwrap_err().to_string(), "task_done() called too many times");
            /// ```
            pub fn task_done(&self) -> Result<(), ValueError> {
                self.base.task_done()
            }

            /// Waits until every item ever put has been marked done with
            /// [`task_done`](Self::task_done) (Python's `q.join()`). Interruptible.
            ///
            /// ```
            /// use std::sync::Arc;
            #[doc = concat!("let q = Arc::new(threading::queue::", stringify!($Name), "::new(0));")]
            /// let worker = threading::Thread::builder().daemon(true).target({
            ///     let q = q.clone();
            ///     move || while let Ok(job) = q.get() {
            ///         println!("working on {job}");
            ///         q.task_done().unwrap();
            ///     }
            /// });
            /// worker.start().unwrap();
            /// for job in 0..5 { q.put(job).unwrap(); }
            /// q.join(); // every job is done
            /// assert_eq!(q.unfinished_tasks(), 0);
            /// ```
            pub fn join(&self) {
                self.base.join()
            }

            /// Items put and not yet marked done (Python's `q.unfinished_tasks`).
            ///
            /// ```
            #[doc = concat!("let q = threading::queue::", stringify!($Name), "::new(0);")]
            /// q.put(1).unwrap();
            /// q.get().unwrap();
            /// assert_eq!(q.unfinished_tasks(), 1, "taken but not yet task_done");
            /// ```
            pub fn unfinished_tasks(&self) -> usize {
                self.base.unfinished_tasks()
            }

            /// Shuts the queue down (Python 3.13's `q.shutdown(immediate)`): puts fail with
            /// [`ShutDown`] and wake; gets still take what is left, then fail with `ShutDown`.
            /// With `immediate`, what is left is dropped (and counted as done, so `join`
            /// returns) and blocked gets wake at once.
            ///
            /// ```
            #[doc = concat!("let q = threading::queue::", stringify!($Name), "::new(0);")]
            /// q.put(1).unwrap();
            /// q.shutdown(true);
            /// assert!(q.is_shutdown());
            /// assert!(q.get().is_err(), "immediate: the item was dropped");
            /// q.join(); // returns: the dropped item counts as done
            /// ```
            pub fn shutdown(&self, immediate: bool) {
                self.base.shutdown(immediate)
            }

            #[doc = concat!("Whether [`shutdown`](", stringify!($Name), "::shutdown) was called (Python's `q.is_shutdown`).")]
            ///
            /// ```
            #[doc = concat!("let q = threading::queue::", stringify!($Name), "::<i32>::new(0);")]
            /// assert!(!q.is_shutdown());
            /// ```
            pub fn is_shutdown(&self) -> bool {
                self.base.is_shutdown()
            }
        }

        impl<T $(: $bound)?> Default for $Name<T> {
            /// An unbounded queue.
            #[track_caller]
            fn default() -> Self {
                $Name::new(0)
            }
        }

        impl<T $(: $bound)?> fmt::Debug for $Name<T> {
            #[doc = concat!("Python's repr: `<queue.", stringify!($Name), " object at 0x...>`.")]
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!("<queue.", stringify!($Name), " object at {:p}>"), self as *const Self)
            }
        }

        impl<T $(: $bound)?> fmt::Display for $Name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self, f)
            }
        }
    };
}

queue_class! {
    /// A first-in, first-out queue for handing work between threads (Python's `queue.Queue`).
    ///
    /// Seed 002's producer/consumer pipeline: an [`Event`](crate::Event) stops the producer,
    /// and [`shutdown`](Queue::shutdown) tells the consumer that nothing more will come (the
    /// seed's `while not event.is_set() or not pipeline.empty()` can block in `get` forever if
    /// the producer stops right after the consumer found the queue empty).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use threading::{Event, Thread, queue::Queue};
    ///
    /// let pipeline = Arc::new(Queue::new(10)); // Queue(maxsize=10)
    /// let event = Arc::new(Event::new());
    /// let producer = Thread::new({
    ///     let (pipeline, event) = (pipeline.clone(), event.clone());
    ///     move || {
    ///         let mut message = 0;
    ///         while !event.is_set() {
    ///             message += 1;
    ///             pipeline.put(message).unwrap();
    ///         }
    ///         pipeline.shutdown(false);
    ///     }
    /// });
    /// let consumer = Thread::new({
    ///     let pipeline = pipeline.clone();
    ///     move || {
    ///         while let Ok(message) = pipeline.get() {
    ///             println!("Consumer storing message: {message} (queue size={})", pipeline.qsize());
    ///         }
    ///     }
    /// });
    /// producer.start().unwrap();
    /// consumer.start().unwrap();
    /// threading::sleep(std::time::Duration::from_millis(10));
    /// event.set();
    /// producer.join().unwrap();
    /// consumer.join().unwrap();
    /// assert!(pipeline.empty());
    /// ```
    ///
    /// Items come out in the order they were put:
    ///
    /// ```
    /// let q = threading::queue::Queue::new(0);
    /// for i in 1..=3 { q.put(i).unwrap(); }
    /// assert_eq!([q.get(), q.get(), q.get()], [Ok(1), Ok(2), Ok(3)]);
    /// ```
    ///
    /// # Differences from Python
    /// * `put(item, block=False)` is [`put_nowait`](Queue::put_nowait), `put(item, timeout=t)`
    ///   is [`put_timeout`](Queue::put_timeout); the same for `get`.
    /// * `Full`, `Empty` and `ShutDown` are error values ([`PutError`], [`GetError`],
    ///   [`ShutDown`]); a refused item comes back inside the error.
    /// * `get` and `put` return `Result` because of Python 3.13's [`shutdown`](Queue::shutdown);
    ///   until a queue is shut down they always succeed.
    /// * Blocking calls are interruptible ([`KeyboardInterrupt`](crate::KeyboardInterrupt)).
    Queue<T> in Fifo
}

queue_class! {
    /// A last-in, first-out queue: a stack shared between threads (Python's `queue.LifoQueue`).
    ///
    /// ```
    /// let stack = threading::queue::LifoQueue::new(0);
    /// for i in 1..=3 { stack.put(i).unwrap(); }
    /// assert_eq!([stack.get(), stack.get(), stack.get()], [Ok(3), Ok(2), Ok(1)]);
    /// ```
    ///
    /// It has every method of [`Queue`], with the same differences from Python.
    LifoQueue<T> in Lifo
}

queue_class! {
    /// A queue that hands out the smallest item first, as Python's `queue.PriorityQueue` does
    /// with `heapq`. Put `(priority, item)` tuples to order by priority.
    ///
    /// ```
    /// let q = threading::queue::PriorityQueue::new(0);
    /// q.put((3, "low")).unwrap();
    /// q.put((1, "urgent")).unwrap();
    /// q.put((2, "normal")).unwrap();
    /// assert_eq!(q.get(), Ok((1, "urgent")));
    /// assert_eq!(q.get(), Ok((2, "normal")));
    /// assert_eq!(q.get(), Ok((3, "low")));
    /// ```
    ///
    /// It has every method of [`Queue`], with the same differences from Python. Items must be
    /// [`Ord`]; like `heapq`, equal items come out in no particular order.
    PriorityQueue<T: Ord> in Priority
}
