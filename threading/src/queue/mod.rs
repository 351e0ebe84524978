//! Python's `queue` module: thread-safe queues for handing work and results between threads.
//!
//! | Python | Rust |
//! | --- | --- |
//! | `q = queue.Queue(maxsize=10)` | `let q = Arc::new(Queue::new(10));` |
//! | `q.put(item)` / `item = q.get()` | `q.put(item)?;` / `let item = q.get()?;` |
//! | `q.put(item, timeout=1)` / `q.get(timeout=1)` | `q.put_timeout(item, Duration::from_secs(1))` / `q.get_timeout(..)` |
//! | `q.put_nowait(item)` / `q.get_nowait()` | `q.put_nowait(item)` / `q.get_nowait()` |
//! | `except queue.Full:` / `except queue.Empty:` | `Err(PutError::Full(item))` / `Err(GetError::Empty)` |
//! | `q.task_done()`, `q.join()` | `q.task_done()?`, `q.join()` |
//! | `q.shutdown()` (3.13), `except queue.ShutDown:` | `q.shutdown(false)`, `Err(ShutDown(..))` |
//! | `queue.LifoQueue()`, `queue.PriorityQueue()` | [`LifoQueue::new(0)`](LifoQueue::new), [`PriorityQueue::new(0)`](PriorityQueue::new) |
//! | `queue.SimpleQueue()` | [`SimpleQueue::new()`](SimpleQueue::new) |
//!
//! ```
//! use std::sync::Arc;
//! use threading::{Thread, queue::Queue};
//!
//! // Python's "worker with task_done/join" recipe from the queue docs.
//! let q = Arc::new(Queue::new(0));
//! let worker = Thread::builder().daemon(true).target({
//!     let q = q.clone();
//!     move || loop {
//!         let item: String = q.get().unwrap();
//!         println!("Working on {item}");
//!         println!("Finished {item}");
//!         q.task_done().unwrap();
//!     }
//! });
//! worker.start().unwrap();
//! for item in 0..30 {
//!     q.put(format!("item {item}")).unwrap();
//! }
//! q.join(); // block until all tasks are done
//! println!("All work completed");
//! ```
//!
//! # Differences from Python
//! * Python's `block=`/`timeout=` arguments are separate methods: `put`/`put_timeout`/
//!   `put_nowait`, `get`/`get_timeout`/`get_nowait`.
//! * `queue.Full`, `queue.Empty` and `queue.ShutDown` are error values; a refused item comes
//!   back inside the error instead of being lost.
//! * Python 3.13's `shutdown` is included, so `Queue::get` and `Queue::put` return `Result`
//!   (they fail only after a shutdown). [`SimpleQueue`] has no shutdown, but its `get` is
//!   shaped alike: a `Result` whose error cannot happen, so `q.get()?` reads the same for
//!   every queue.
//! * Every blocking call is interruptible ([`interrupt`](crate::interrupt) makes it unwind
//!   with [`KeyboardInterrupt`](crate::KeyboardInterrupt)), is a
//!   [scheduling point](crate::schedule) (`Queue.put`, `Queue.get`, `Queue.task_done`,
//!   `Queue.join`, `SimpleQueue.put`, `SimpleQueue.get`), and shows in
//!   [`report`](crate::report) with the queue's creation site.

mod base;
mod error;
mod simple;
mod spin;
mod storage;
mod types;

pub use error::{Empty, GetError, PutError, ShutDown};
pub use simple::SimpleQueue;
pub use types::{LifoQueue, PriorityQueue, Queue};
