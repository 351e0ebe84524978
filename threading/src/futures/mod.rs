//! Python's `concurrent.futures` (its thread half): run tasks on a pool of worker threads and
//! collect their results as [`Future`]s.
//!
//! | Python | Rust |
//! | --- | --- |
//! | `with ThreadPoolExecutor(max_workers=4) as executor:` | `let executor = ThreadPoolExecutor::new(4)?;` (dropping it ends the `with`) |
//! | `ThreadPoolExecutor(thread_name_prefix="io", initializer=f)` | `ThreadPoolExecutor::builder().thread_name_prefix("io").initializer(f).build()?` |
//! | `f = executor.submit(fn, a, b)` | `let f = executor.submit(move \|\| fn(a, b))?;` |
//! | `f.result()`, `f.result(timeout=1)` | `f.result()`, `f.result_timeout(Duration::from_secs(1))` (lend the value; or `f.into_result()` takes it) |
//! | `f.exception()`, `f.done()`, `f.running()`, `f.cancelled()`, `f.cancel()` | the same names |
//! | `f.add_done_callback(fn)` | `f.add_done_callback(\|f\| ...)` |
//! | `for r in executor.map(fn, items):` | `for r in executor.map(fn, items)? {` |
//! | `executor.map(fn, xs, ys)` | `executor.map2(fn, xs, ys)?` (and `map3`) |
//! | `except TimeoutError as e:` (`"1 (of 2) futures unfinished"`) | `Err(e)` from `as_completed_timeout`: a [`TimeoutError`] |
//! | `executor.shutdown(wait=True, cancel_futures=False)` | `executor.shutdown(true, false)` |
//! | `for f in as_completed(fs):` | `for f in futures::as_completed(&fs) {` |
//! | `done, not_done = wait(fs, return_when=FIRST_COMPLETED)` | `let (done, not_done) = futures::wait(&fs, FIRST_COMPLETED);` |
//! | `except CancelledError`, `except TimeoutError` | `Err(FutureError::Cancelled)`, `Err(FutureError::Timeout)` |
//!
//! ```
//! use threading::futures::{self, FutureError, ThreadPoolExecutor, FIRST_EXCEPTION};
//!
//! let executor = ThreadPoolExecutor::new(3).unwrap();
//! let fs: Vec<_> = [4, 0, 2]
//!     .into_iter()
//!     .map(|d| executor.submit(move || 12 / d).unwrap())
//!     .collect();
//! let (done, _not_done) = futures::wait(&fs, FIRST_EXCEPTION);
//! assert!(done.iter().any(|f| f.exception().unwrap().is_some()));
//! match fs[1].result() {
//!     Err(FutureError::Panicked(panic)) => assert!(panic.message.contains("divide by zero")),
//!     other => panic!("expected the task's panic, got {other:?}"),
//! }
//! assert_eq!(fs[0].result(), Ok(&3));
//! ```
//!
//! # Differences from Python
//! * A task's panic is Python's exception: `result()` returns it as
//!   [`FutureError::Panicked`] (with the message, location and worker thread) and
//!   `exception()` returns it as a [`TaskPanic`]. A panic nobody looked at is reported on
//!   stderr when its future is dropped (`Future exception was never retrieved ...`), where
//!   Python keeps silent.
//! * [`Future::result`] lends the value (`&T`, so it can be asked again) and needs `T: Sync`;
//!   [`Future::into_result`] moves it out, for any `T: Send` (a `Cell`, a `Receiver`, ...).
//! * Timeouts are separate `_timeout` functions; `wait` and `as_completed` take futures by
//!   reference and return references to them.
//! * Every wait is interruptible and a [scheduling point](crate::schedule); worker threads
//!   are this crate's [`Thread`](crate::Thread)s, so they show in
//!   [`enumerate`](crate::enumerate) and [`report`](crate::report).
//! * Only threads: there is no `ProcessPoolExecutor`.

mod error;
mod executor;
mod future;
mod map;
mod wait;
mod watch;

pub use error::{FutureError, TaskPanic, TimeoutError};
pub(crate) use executor::at_exit;
pub use executor::{ExecutorBuilder, ThreadPoolExecutor};
pub use future::Future;
pub use map::{Map, MapTimeout};
pub use wait::{
    ALL_COMPLETED, AsCompleted, AsCompletedTimeout, DoneAndNotDoneFutures, FIRST_COMPLETED, FIRST_EXCEPTION,
    ReturnWhen, as_completed, as_completed_timeout, wait, wait_timeout,
};
