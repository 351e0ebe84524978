//! What a [`Future`](super::Future) hands back instead of a value: Python's `CancelledError`,
//! `TimeoutError`, or the task's exception (here, its panic).

use crate::error::TimeoutError as CrateTimeoutError;
use std::any::Any;
use std::fmt;

/// A task's panic, kept by its [`Future`](super::Future): Python's exception object that
/// `future.exception()` returns and `future.result()` re-raises.
///
/// Its `Display` reads like Rust's own panic message, naming the worker thread:
/// `ThreadPoolExecutor-0_0 panicked at src/main.rs:5:9:` and the message on the next line.
///
/// ```
/// use threading::futures::{FutureError, ThreadPoolExecutor};
/// let executor = ThreadPoolExecutor::new(1).unwrap();
/// let future = executor.submit(|| -> i32 { panic!("division by zero") }).unwrap();
/// let Err(FutureError::Panicked(panic)) = future.result() else { unreachable!() };
/// assert_eq!(panic.message, "division by zero");
/// assert!(panic.thread.starts_with("ThreadPoolExecutor-"));
/// assert!(panic.location.as_deref().unwrap().contains(".rs:"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskPanic {
    /// The panic message (`"Box<dyn Any>"` for a payload that is not a string).
    pub message: String,
    /// Where the task panicked, `file:line:column`, when known.
    pub location: Option<String>,
    /// The name of the thread the task ran on.
    pub thread: String,
}

impl TaskPanic {
    pub(crate) fn new(payload: &(dyn Any + Send), location: Option<String>, thread: String) -> Self {
        TaskPanic { message: crate::error::panic_message(payload), location, thread }
    }

    /// Whether the task was stopped by [`interrupt`](crate::interrupt) rather than a panic of
    /// its own.
    ///
    /// ```
    /// use threading::futures::{FutureError, ThreadPoolExecutor};
    /// let executor = ThreadPoolExecutor::new(1).unwrap();
    /// let future = executor.submit(|| panic!("boom")).unwrap();
    /// let Err(FutureError::Panicked(panic)) = future.result() else { unreachable!() };
    /// assert!(!panic.is_keyboard_interrupt());
    /// ```
    pub fn is_keyboard_interrupt(&self) -> bool {
        self.message == "KeyboardInterrupt" && self.location.is_none()
    }
}

impl fmt::Display for TaskPanic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{} panicked at {location}:\n{}", self.thread, self.message),
            None => write!(f, "{} panicked:\n{}", self.thread, self.message),
        }
    }
}

impl std::error::Error for TaskPanic {}

/// Why [`Future::result`](super::Future::result) (or `exception`) has no value to give.
///
/// ```
/// use std::{sync::Arc, time::Duration};
/// use threading::futures::{FutureError, ThreadPoolExecutor};
/// let executor = ThreadPoolExecutor::new(1).unwrap();
/// let gate = Arc::new(threading::Event::new());
/// let busy = executor.submit({ let gate = gate.clone(); move || { gate.wait(); } }).unwrap();
/// let queued = executor.submit(|| ()).unwrap();
/// assert!(queued.cancel());
/// assert_eq!(queued.result(), Err(FutureError::Cancelled));
/// assert_eq!(busy.result_timeout(Duration::from_millis(1)), Err(FutureError::Timeout));
/// assert_eq!(FutureError::Cancelled.to_string(), "CancelledError");
/// gate.set();
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FutureError {
    /// Python's `concurrent.futures.CancelledError`: the future was cancelled before it ran.
    #[error("CancelledError")]
    Cancelled,
    /// Python's `TimeoutError`: a timed wait ended before the future finished.
    #[error("TimeoutError")]
    Timeout,
    /// The task panicked: Python's `result()` re-raising the task's exception.
    #[error("{0}")]
    Panicked(TaskPanic),
}

/// Python's `TimeoutError("1 (of 2) futures unfinished")`: what
/// [`as_completed_timeout`](super::as_completed_timeout) yields when its time is up with
/// futures still unfinished (Python's `concurrent.futures.TimeoutError`, an alias of the
/// built-in `TimeoutError`, raised with that message). It converts to the crate's
/// [`TimeoutError`](crate::TimeoutError) and to [`FutureError::Timeout`].
///
/// ```
/// use std::time::Duration;
/// use threading::futures::{self, ThreadPoolExecutor};
/// let executor = ThreadPoolExecutor::new(1).unwrap();
/// let gate = std::sync::Arc::new(threading::Event::new());
/// let quick = executor.submit(|| true).unwrap();
/// quick.result().unwrap();
/// let stuck = executor.submit({ let gate = gate.clone(); move || gate.wait() }).unwrap();
/// let err = futures::as_completed_timeout([&quick, &stuck], Duration::from_millis(10))
///     .find_map(Result::err)
///     .unwrap();
/// assert_eq!(err, futures::TimeoutError { unfinished: 1, total: 2 });
/// assert_eq!(err.to_string(), "1 (of 2) futures unfinished");
/// assert_eq!(threading::TimeoutError::from(err), threading::TimeoutError);
/// gate.set();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{unfinished} (of {total}) futures unfinished")]
pub struct TimeoutError {
    /// How many of the futures had not finished (nor been yielded) when the time was up.
    pub unfinished: usize,
    /// How many distinct futures were given.
    pub total: usize,
}

impl From<TimeoutError> for CrateTimeoutError {
    fn from(_: TimeoutError) -> Self {
        CrateTimeoutError
    }
}

impl From<TimeoutError> for FutureError {
    fn from(_: TimeoutError) -> Self {
        FutureError::Timeout
    }
}

impl From<CrateTimeoutError> for FutureError {
    fn from(_: CrateTimeoutError) -> Self {
        FutureError::Timeout
    }
}
