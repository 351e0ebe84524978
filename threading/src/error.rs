//! Python's exceptions, as typed errors.

use std::fmt;

/// Python's `RuntimeError`: a primitive used in a way its contract forbids, such as releasing an
/// unlocked [`Lock`](crate::Lock) or starting a [`Thread`](crate::Thread) twice.
///
/// The message is Python's own, word for word, so a lesson's output reads the same.
///
/// ```
/// let lock = threading::Lock::new();
/// let err = lock.release().unwrap_err();
/// assert_eq!(err.to_string(), "release unlocked lock");
/// assert_eq!(format!("{err:?}"), "RuntimeError('release unlocked lock')");
/// ```
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RuntimeError {
    message: String,
}

impl RuntimeError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        RuntimeError { message: message.into() }
    }

    /// The message Python would have raised with.
    ///
    /// ```
    /// let err = threading::current_thread().join().unwrap_err();
    /// assert_eq!(err.message(), "cannot join current thread");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Python's `ValueError`: an argument out of range, such as releasing a
/// [`BoundedSemaphore`](crate::BoundedSemaphore) too many times.
///
/// ```
/// let sem = threading::BoundedSemaphore::new(1);
/// assert_eq!(sem.release().unwrap_err().to_string(), "Semaphore released too many times");
/// ```
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValueError {
    message: String,
}

impl ValueError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ValueError { message: message.into() }
    }

    /// The message Python would have raised with.
    ///
    /// ```
    /// let err = threading::set_stack_size(1).unwrap_err();
    /// assert_eq!(err.message(), "size not valid: 1 bytes");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Python's `threading.BrokenBarrierError`: the [`Barrier`](crate::Barrier) was aborted, reset
/// while this thread waited, or broken by a timeout or a failing action.
///
/// ```
/// let barrier = threading::Barrier::new(2).unwrap();
/// barrier.abort();
/// assert_eq!(barrier.wait(), Err(threading::BrokenBarrierError));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("BrokenBarrierError")]
pub struct BrokenBarrierError;

/// Python's `TimeoutError`: a timed wait for a result ran out, as in
/// [`as_completed_timeout`](crate::futures::as_completed_timeout) (and, as
/// [`FutureError::Timeout`](crate::futures::FutureError::Timeout), in
/// [`Future::result_timeout`](crate::futures::Future::result_timeout)).
///
/// ```
/// use std::{sync::Arc, time::Duration};
/// use threading::futures::{self, FutureError, ThreadPoolExecutor};
///
/// let executor = ThreadPoolExecutor::new(1).unwrap();
/// let gate = Arc::new(threading::Event::new());
/// let f = executor.submit({ let gate = gate.clone(); move || gate.wait() }).unwrap();
/// assert_eq!(f.result_timeout(Duration::from_millis(5)), Err(FutureError::Timeout));
/// let mut completions = futures::as_completed_timeout([&f], Duration::from_millis(5));
/// let err = completions.next().unwrap().unwrap_err(); // futures::TimeoutError, with a message
/// assert_eq!(err.to_string(), "1 (of 1) futures unfinished");
/// assert_eq!(threading::TimeoutError::from(err), threading::TimeoutError);
/// assert_eq!(threading::TimeoutError.to_string(), "TimeoutError");
/// gate.set();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("TimeoutError")]
pub struct TimeoutError;

/// Python's `KeyboardInterrupt`: the payload a blocked call unwinds with when the thread is
/// interrupted from outside (the notebook's interrupt button, or [`interrupt_main`](crate::interrupt_main)).
///
/// It unwinds with [`std::panic::resume_unwind`], so no panic message is printed; catch it
/// with [`std::panic::catch_unwind`] and test the payload with [`KeyboardInterrupt::is`].
///
/// ```
/// use std::time::Duration;
/// let me = threading::current_thread();
/// threading::Timer::new(Duration::from_millis(20), move || threading::interrupt(&me)).start().unwrap();
/// let caught = std::panic::catch_unwind(|| threading::Event::new().wait());
/// assert!(threading::KeyboardInterrupt::is(&caught.unwrap_err()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyboardInterrupt;

impl KeyboardInterrupt {
    /// Whether a caught panic payload is a `KeyboardInterrupt`.
    ///
    /// ```
    /// let payload: Box<dyn std::any::Any + Send> = Box::new(threading::KeyboardInterrupt);
    /// assert!(threading::KeyboardInterrupt::is(&payload));
    /// ```
    pub fn is(payload: &Box<dyn std::any::Any + Send>) -> bool {
        payload.downcast_ref::<KeyboardInterrupt>().is_some()
    }
}

impl fmt::Display for KeyboardInterrupt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyboardInterrupt")
    }
}

/// The text of a panic payload, as Python would show an exception's value.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if payload.downcast_ref::<KeyboardInterrupt>().is_some() {
        "KeyboardInterrupt".to_owned()
    } else {
        "Box<dyn Any>".to_owned()
    }
}

/// Python's repr, `RuntimeError('message')`, which is also what `unwrap()` shows.
impl fmt::Debug for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RuntimeError('{}')", self.message.replace('\'', "\\'"))
    }
}

/// Python's repr, `ValueError('message')`, which is also what `unwrap()` shows.
impl fmt::Debug for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ValueError('{}')", self.message.replace('\'', "\\'"))
    }
}
