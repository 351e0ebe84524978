//! Python's `multiprocessing.Queue`: a FIFO shared by the processes forked after its creation.
//!
//! Under the hood: one socket pair (messages are length-prefixed serde values, as on a
//! [`Connection`](super::Connection)) and a few words of shared memory holding a writers'
//! lock, a readers' lock and the item count. The locks make each `put` and each `get` one
//! whole message even when several processes and threads write and read at once; the count
//! gives `qsize`, `empty`, `full` and `maxsize`.
//!
//! # Differences from Python
//! * A queue carries one type `T` (any serde value), named when it is created.
//! * `put` writes the message itself, where Python hands it to a feeder thread and returns at
//!   once. So `put` blocks while the socket's buffer (about 200 KiB) is full, until some
//!   process `get`s: one process cannot `put` more than that and only then `get` it back.
//!   In exchange nothing is left in a feeder thread when a process ends, and there is no
//!   `join_thread`/`cancel_join_thread`.
//! * If a process is killed in the middle of a `put` or `get` (or a thread is interrupted
//!   there), the stream may hold half a message: the queue reports itself broken
//!   ([`ConnectionError::Desynchronised`]) in every process rather than return garbage or
//!   hang. The lock the killed process held is taken over, not waited on forever; taking it
//!   over is what marks the queue broken (Python's queue would hang or return garbage).

use super::connection::decode;
use super::error::{ConnectionError, QueueError};
use super::frame::{self, Incoming, Waiting};
use super::shm;
use super::sys::SharedWords;
use crate::schedule::{self, Operation};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsFd, OwnedFd};
use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

const WRITE_LOCK: usize = 0;
const READ_LOCK: usize = 1;
const COUNT: usize = 2;
const BROKEN: usize = 3;
const WORDS: usize = 4;

/// A process-shared FIFO queue of `T` (Python's `multiprocessing.Queue`).
///
/// Cloning gives another handle to the same queue; handles moved into a
/// [`Process`](super::Process) reach the child.
///
/// ```
/// use threading::process::{Process, Queue};
///
/// // Python:
/// //   q = mp.Queue()
/// //   p = mp.Process(target=lambda q: q.put((42, None, 'hello')), args=(q,))
/// //   p.start(); print(q.get()); p.join()
/// let q: Queue<(i32, Option<i32>, String)> = Queue::new().unwrap();
/// let p = Process::new({
///     let q = q.clone();
///     move || q.put(&(42, None, "hello".to_string())).unwrap()
/// });
/// p.start().unwrap();
/// assert_eq!(q.get().unwrap(), (42, None, "hello".to_string()));
/// p.join().unwrap();
/// ```
pub struct Queue<T> {
    inner: Arc<Inner>,
    _items: PhantomData<fn(T) -> T>,
}

struct Inner {
    reader: OwnedFd,
    writer: OwnedFd,
    shared: SharedWords,
    maxsize: u32,
    site: &'static Location<'static>,
}

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Queue { inner: Arc::clone(&self.inner), _items: PhantomData }
    }
}

impl<T: Serialize + DeserializeOwned> Queue<T> {
    /// An unbounded queue (Python's `multiprocessing.Queue()`).
    ///
    /// ```
    /// let q = threading::process::Queue::new().unwrap();
    /// q.put(&"a".to_string()).unwrap();
    /// assert_eq!(q.get().unwrap(), "a");
    /// ```
    #[track_caller]
    pub fn new() -> io::Result<Queue<T>> {
        Queue::make(0, Location::caller())
    }

    /// A queue holding at most `maxsize` items; 0 means unbounded (Python's `Queue(maxsize)`).
    ///
    /// ```
    /// let q: threading::process::Queue<u8> = threading::process::Queue::with_maxsize(2).unwrap();
    /// q.put(&1).unwrap();
    /// q.put(&2).unwrap();
    /// assert!(q.full());
    /// ```
    #[track_caller]
    pub fn with_maxsize(maxsize: usize) -> io::Result<Queue<T>> {
        let maxsize = u32::try_from(maxsize).unwrap_or(u32::MAX);
        Queue::make(maxsize, Location::caller())
    }

    fn make(maxsize: u32, site: &'static Location<'static>) -> io::Result<Queue<T>> {
        let (reader, writer) = frame::socket_pair()?;
        let inner = Inner { reader, writer, shared: SharedWords::new(WORDS)?, maxsize, site };
        Ok(Queue { inner: Arc::new(inner), _items: PhantomData })
    }

    /// Puts `item` at the end, waiting while the queue is full (Python's `put(obj)`).
    ///
    /// The queue stores an encoded copy, so the caller keeps `item` (as a Python caller keeps
    /// the object it put).
    ///
    /// ```
    /// let q = threading::process::Queue::new().unwrap();
    /// let data = vec![1, 2, 3];
    /// q.put(&data).unwrap();
    /// q.put(&data).unwrap();
    /// assert_eq!(q.qsize(), 2);
    /// assert_eq!(q.get().unwrap(), data);
    /// ```
    #[track_caller]
    pub fn put(&self, item: &T) -> Result<(), QueueError> {
        self.put_until(item, None, Location::caller())
    }

    /// Like [`put`](Queue::put), giving up with [`QueueError::Full`] after `timeout` (Python's
    /// `put(obj, timeout=t)`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let q: threading::process::Queue<i32> = threading::process::Queue::with_maxsize(1).unwrap();
    /// q.put(&1).unwrap();
    /// let full = q.put_timeout(&2, Duration::from_millis(10));
    /// assert!(matches!(full, Err(threading::process::QueueError::Full)));
    /// ```
    #[track_caller]
    pub fn put_timeout(&self, item: &T, timeout: Duration) -> Result<(), QueueError> {
        self.put_until(item, Instant::now().checked_add(timeout), Location::caller())
    }

    /// Puts `item` only if there is room now, else [`QueueError::Full`] (Python's `put_nowait`).
    ///
    /// ```
    /// let q: threading::process::Queue<i32> = threading::process::Queue::with_maxsize(1).unwrap();
    /// q.put_nowait(&1).unwrap();
    /// assert!(q.put_nowait(&2).is_err());
    /// ```
    #[track_caller]
    pub fn put_nowait(&self, item: &T) -> Result<(), QueueError> {
        self.put_until(item, Some(Instant::now()), Location::caller())
    }

    fn put_until(
        &self,
        item: &T,
        deadline: Option<Instant>,
        site: &'static Location<'static>,
    ) -> Result<(), QueueError> {
        schedule::point_named(Operation::QueuePut, site, None);
        let body = postcard::to_stdvec(item).map_err(ConnectionError::Encode)?;
        let inner = &*self.inner;
        inner.check_broken()?;
        let count = inner.shared.word(COUNT);
        if !shm::take_slot(count, inner.maxsize, deadline, inner.waiting(Operation::QueuePut))? {
            return Err(QueueError::Full);
        }
        let written = inner.write(&body);
        if written.is_err() {
            shm::give_slot(count);
        }
        written.map_err(QueueError::from)
    }

    /// Removes and returns the first item, waiting until there is one (Python's `get()`).
    ///
    /// ```
    /// let q = threading::process::Queue::new().unwrap();
    /// q.put(&1).unwrap();
    /// q.put(&2).unwrap();
    /// assert_eq!((q.get().unwrap(), q.get().unwrap()), (1, 2));
    /// ```
    #[track_caller]
    pub fn get(&self) -> Result<T, QueueError> {
        self.get_until(None, Location::caller())
    }

    /// Like [`get`](Queue::get), giving up with [`QueueError::Empty`] after `timeout` (Python's
    /// `get(timeout=t)`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let q: threading::process::Queue<i32> = threading::process::Queue::new().unwrap();
    /// let empty = q.get_timeout(Duration::from_millis(10));
    /// assert!(matches!(empty, Err(threading::process::QueueError::Empty)));
    /// ```
    #[track_caller]
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, QueueError> {
        self.get_until(Instant::now().checked_add(timeout), Location::caller())
    }

    /// Returns the first item if one is there now, else [`QueueError::Empty`] (Python's `get_nowait`).
    ///
    /// ```
    /// let q: threading::process::Queue<i32> = threading::process::Queue::new().unwrap();
    /// assert!(q.get_nowait().is_err());
    /// q.put(&7).unwrap();
    /// assert_eq!(q.get_nowait().unwrap(), 7);
    /// ```
    #[track_caller]
    pub fn get_nowait(&self) -> Result<T, QueueError> {
        self.get_until(Some(Instant::now()), Location::caller())
    }

    fn get_until(
        &self,
        deadline: Option<Instant>,
        site: &'static Location<'static>,
    ) -> Result<T, QueueError> {
        schedule::point_named(Operation::QueueGet, site, None);
        let inner = &*self.inner;
        inner.check_broken()?;
        let bytes = match inner.read(deadline)? {
            Some(bytes) => bytes,
            None => return Err(QueueError::Empty),
        };
        shm::give_slot(inner.shared.word(COUNT));
        Ok(decode(bytes)?)
    }

    /// How many items are in the queue, counting those being put (Python's `qsize()`; as
    /// there, only a snapshot while other processes use the queue).
    ///
    /// ```
    /// let q = threading::process::Queue::new().unwrap();
    /// q.put(&1).unwrap();
    /// assert_eq!(q.qsize(), 1);
    /// ```
    pub fn qsize(&self) -> usize {
        self.inner.shared.word(COUNT).load(Ordering::Acquire) as usize
    }

    /// Whether the queue is empty (Python's `empty()`; a snapshot).
    ///
    /// ```
    /// let q: threading::process::Queue<i32> = threading::process::Queue::new().unwrap();
    /// assert!(q.empty());
    /// ```
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }

    /// Whether the queue holds `maxsize` items (Python's `full()`; never for an unbounded queue).
    ///
    /// ```
    /// let q: threading::process::Queue<i32> = threading::process::Queue::new().unwrap();
    /// q.put(&1).unwrap();
    /// assert!(!q.full());
    /// ```
    pub fn full(&self) -> bool {
        self.inner.maxsize != 0 && self.qsize() >= self.inner.maxsize as usize
    }

    /// The queue's capacity, 0 for unbounded (Python's `_maxsize`).
    ///
    /// ```
    /// let q: threading::process::Queue<i32> = threading::process::Queue::with_maxsize(3).unwrap();
    /// assert_eq!(q.maxsize(), 3);
    /// ```
    pub fn maxsize(&self) -> usize {
        self.inner.maxsize as usize
    }
}

/// Sets the queue's shared "broken" word if a message was left half written or half read
/// (an error or an unwinding interrupt in the middle of one).
struct BreakOnPartial<'a> {
    partial: AtomicBool,
    broken: &'a AtomicU32,
}

impl Drop for BreakOnPartial<'_> {
    fn drop(&mut self) {
        if self.partial.load(Ordering::Acquire) {
            self.broken.store(1, Ordering::Release);
        }
    }
}

impl Inner {
    fn waiting(&self, operation: Operation) -> Waiting<'_> {
        Waiting { operation, site: self.site, name: None, closed: None }
    }

    fn check_broken(&self) -> Result<(), ConnectionError> {
        if self.shared.word(BROKEN).load(Ordering::Acquire) != 0 {
            return Err(ConnectionError::Desynchronised("queue operation"));
        }
        Ok(())
    }

    /// A lock taken over from a dead process may guard half a message: the queue is broken.
    fn check_taken_over(&self, taken_over: bool) -> Result<(), ConnectionError> {
        if taken_over {
            self.shared.word(BROKEN).store(1, Ordering::Release);
        }
        self.check_broken()
    }

    fn write(&self, body: &[u8]) -> Result<(), ConnectionError> {
        let waiting = self.waiting(Operation::QueuePut);
        let writer = shm::lock(self.shared.word(WRITE_LOCK), None, waiting)?.expect("no deadline");
        self.check_taken_over(writer.taken_over)?;
        let guard = BreakOnPartial { partial: AtomicBool::new(false), broken: self.shared.word(BROKEN) };
        frame::write_message(self.writer.as_fd(), body, waiting, &guard.partial)
    }

    fn read(&self, deadline: Option<Instant>) -> Result<Option<Vec<u8>>, ConnectionError> {
        let waiting = self.waiting(Operation::QueueGet);
        let Some(reader) = shm::lock(self.shared.word(READ_LOCK), deadline, waiting)? else {
            return Ok(None);
        };
        self.check_taken_over(reader.taken_over)?;
        let mut guard = BreakOnHalfRead { incoming: Incoming::default(), broken: self.shared.word(BROKEN) };
        frame::read_message(self.reader.as_fd(), &mut guard.incoming, u64::MAX, deadline, waiting)
    }
}

/// Sets the queue's shared "broken" word if a read ends in the middle of a message.
struct BreakOnHalfRead<'a> {
    incoming: Incoming,
    broken: &'a AtomicU32,
}

impl Drop for BreakOnHalfRead<'_> {
    fn drop(&mut self) {
        if !self.incoming.is_empty() {
            self.broken.store(1, Ordering::Release);
        }
    }
}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Queue")
            .field("qsize", &self.inner.shared.word(COUNT).load(Ordering::Relaxed))
            .field("maxsize", &self.inner.maxsize)
            .finish()
    }
}
