//! Python's `queue.Empty`, `queue.Full` and `queue.ShutDown`, as typed errors.

use std::fmt;

/// Python's `queue.Empty`: [`SimpleQueue::get_nowait`](super::SimpleQueue::get_nowait) or
/// [`get_timeout`](super::SimpleQueue::get_timeout) found nothing to take.
///
/// ```
/// let q = threading::queue::SimpleQueue::<i32>::new();
/// assert_eq!(q.get_nowait(), Err(threading::queue::Empty));
/// assert_eq!(threading::queue::Empty.to_string(), "Empty");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("Empty")]
pub struct Empty;

/// Python's `queue.ShutDown` (3.13): the queue was [`shutdown`](super::Queue::shutdown).
///
/// From [`get`](super::Queue::get) it means "shut down and nothing left": the end of the
/// stream, so a consumer can loop with `while let Ok(item) = q.get()`. From
/// [`put`](super::Queue::put) it carries the item back, so nothing is lost.
///
/// ```
/// use threading::queue::{Queue, ShutDown};
/// let q = Queue::new(0);
/// q.put(1).unwrap();
/// q.shutdown(false);
/// assert_eq!(q.put(2), Err(ShutDown(2)), "the refused item comes back");
/// assert_eq!(q.get(), Ok(1), "what was queued before the shutdown can still be taken");
/// assert_eq!(q.get(), Err(ShutDown(())));
/// assert_eq!(ShutDown(()).to_string(), "ShutDown");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("ShutDown")]
pub struct ShutDown<T = ()>(pub T);

impl<T> ShutDown<T> {
    /// The item that could not be put.
    ///
    /// ```
    /// let q = threading::queue::Queue::new(0);
    /// q.shutdown(false);
    /// assert_eq!(q.put("job").unwrap_err().into_inner(), "job");
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for ShutDown<T> {
    /// `ShutDown(..)`: the item is left out so that `unwrap` works for any item type.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShutDown(..)")
    }
}

/// Why [`Queue::get_nowait`](super::Queue::get_nowait) or
/// [`get_timeout`](super::Queue::get_timeout) returned no item: Python's `queue.Empty` or
/// `queue.ShutDown`.
///
/// ```
/// use std::time::Duration;
/// use threading::queue::{GetError, Queue};
/// let q = Queue::<i32>::new(0);
/// assert_eq!(q.get_timeout(Duration::from_millis(5)), Err(GetError::Empty));
/// q.shutdown(false);
/// assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
/// assert_eq!(GetError::Empty.to_string(), "Empty");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum GetError {
    /// Python's `queue.Empty`: nothing arrived in time.
    #[error("Empty")]
    Empty,
    /// Python's `queue.ShutDown`: the queue is shut down and has nothing left.
    #[error("ShutDown")]
    ShutDown,
}

impl From<ShutDown> for GetError {
    fn from(_: ShutDown) -> Self {
        GetError::ShutDown
    }
}

/// Why [`Queue::put_nowait`](super::Queue::put_nowait) or
/// [`put_timeout`](super::Queue::put_timeout) refused an item: Python's `queue.Full` or
/// `queue.ShutDown`. Either way the item comes back.
///
/// ```
/// use threading::queue::{PutError, Queue};
/// let q = Queue::new(1);
/// q.put_nowait("a").unwrap();
/// let err = q.put_nowait("b").unwrap_err();
/// assert_eq!(err, PutError::Full("b"));
/// assert_eq!(err.to_string(), "Full");
/// assert_eq!(err.into_inner(), "b");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum PutError<T> {
    /// Python's `queue.Full`: no free slot in time.
    #[error("Full")]
    Full(T),
    /// Python's `queue.ShutDown`: the queue no longer takes items.
    #[error("ShutDown")]
    ShutDown(T),
}

impl<T> PutError<T> {
    /// The item that could not be put.
    ///
    /// ```
    /// let q = threading::queue::Queue::new(1);
    /// q.put(1).unwrap();
    /// assert_eq!(q.put_nowait(2).unwrap_err().into_inner(), 2);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            PutError::Full(item) | PutError::ShutDown(item) => item,
        }
    }

    /// Whether this is Python's `queue.Full`.
    ///
    /// ```
    /// let q = threading::queue::Queue::new(1);
    /// q.put(1).unwrap();
    /// assert!(q.put_nowait(2).unwrap_err().is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        matches!(self, PutError::Full(_))
    }
}

impl<T> From<ShutDown<T>> for PutError<T> {
    fn from(ShutDown(item): ShutDown<T>) -> Self {
        PutError::ShutDown(item)
    }
}

impl<T> fmt::Debug for PutError<T> {
    /// `Full(..)` / `ShutDown(..)`: the item is left out so that `unwrap` works for any item type.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PutError::Full(_) => f.write_str("Full(..)"),
            PutError::ShutDown(_) => f.write_str("ShutDown(..)"),
        }
    }
}
