//! What Python's `multiprocessing` raises, as typed errors.

use std::io;

/// Misuse of a [`Process`](super::Process), or the OS refusing to make one.
///
/// Python raises `AssertionError` (or `ValueError`) with these messages; they are kept word
/// for word so a lesson's output reads the same.
///
/// ```
/// use threading::process::{Process, ProcessError};
/// let p = Process::new(|| {});
/// let err = p.join().unwrap_err();
/// assert!(matches!(err, ProcessError::Assertion(_)));
/// assert_eq!(err.to_string(), "can only join a started process");
/// ```
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// Python's `AssertionError`: `cannot start a process twice`, `can only join a child process`, ...
    #[error("{0}")]
    Assertion(&'static str),
    /// [`Process::entry`](super::Process::entry) named an entry nobody registered with
    /// [`register_entry`](super::register_entry) (Python: the spawned child cannot find the target).
    #[error("no process entry named {0:?} (register it with register_entry before calling entry_point)")]
    UnknownEntry(String),
    /// The OS refused (`fork` failed: too many processes, not enough memory, ...).
    #[error("{operation} failed: {source}")]
    Os {
        /// The call that failed.
        operation: &'static str,
        /// The OS's reason.
        #[source]
        source: io::Error,
    },
}

/// Why a [`Connection`](super::Connection) operation failed (Python's `EOFError`, `OSError`,
/// `BrokenPipeError`, or a serde error where Python would fail to pickle or unpickle).
///
/// ```
/// use threading::process::{ConnectionError, pipe};
/// let (a, b) = pipe(true).unwrap();
/// drop(b);
/// assert!(matches!(a.recv::<String>(), Err(ConnectionError::Eof)));
/// assert!(matches!(a.send("hello"), Err(ConnectionError::BrokenPipe)));
/// ```
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    /// Python's `EOFError`: nothing left to receive and every copy of the other end is closed.
    #[error("EOFError: the other end of the connection is closed")]
    Eof,
    /// Python's `BrokenPipeError`: every copy of the other end is closed, so nobody can receive.
    #[error("BrokenPipeError: the other end of the connection is closed")]
    BrokenPipe,
    /// Python's `OSError("handle is closed")`: this end was [`close`](super::Connection::close)d.
    #[error("OSError: handle is closed")]
    Closed,
    /// Python's `OSError("connection is write-only")`: receiving on the sending end of a one-way pipe.
    #[error("OSError: connection is write-only")]
    WriteOnly,
    /// Python's `OSError("connection is read-only")`: sending on the receiving end of a one-way pipe.
    #[error("OSError: connection is read-only")]
    ReadOnly,
    /// Python's `OSError("bad message length")`: the next message is longer than the limit the
    /// receiver gave. The message stays in the connection: a later receive with a larger limit
    /// gets it.
    #[error("OSError: bad message length: the message has {length} bytes, more than the {limit} allowed")]
    TooLong {
        /// The message's length.
        length: u64,
        /// The receiver's limit.
        limit: u64,
    },
    /// The other end closed in the middle of a message (it died while sending).
    #[error("EOFError: the connection closed after {received} of the message's {length} bytes")]
    Truncated {
        /// The message's announced length.
        length: u64,
        /// How many bytes arrived.
        received: u64,
    },
    /// A send or receive was interrupted in the middle of a message, so the byte stream is out
    /// of step and this connection cannot be used any more.
    #[error("OSError: the connection is unusable: a {0} was interrupted in the middle of a message")]
    Desynchronised(&'static str),
    /// The value could not be serialised (Python: cannot pickle).
    #[error("cannot encode the message: {0}")]
    Encode(#[source] postcard::Error),
    /// A message arrived but is not a valid `type_name` (Python: cannot unpickle). The raw
    /// bytes are kept, so nothing is lost.
    #[error("cannot decode a {}-byte message as `{type_name}`: {source}", bytes.len())]
    Decode {
        /// The message as received.
        bytes: Vec<u8>,
        /// The type the receiver asked for.
        type_name: &'static str,
        /// What the decoder found wrong.
        #[source]
        source: postcard::Error,
    },
    /// Any other OS error.
    #[error("OSError: {0}")]
    Io(#[from] io::Error),
}

/// Why a [`Queue`](super::Queue) operation failed: Python's `queue.Empty` and `queue.Full`,
/// or an error of the pipe underneath.
///
/// ```
/// use threading::process::{Queue, QueueError};
/// let q: Queue<i32> = Queue::with_maxsize(1).unwrap();
/// assert!(matches!(q.get_nowait(), Err(QueueError::Empty)));
/// q.put(&1).unwrap();
/// assert!(matches!(q.put_nowait(&2), Err(QueueError::Full)));
/// ```
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// Python's `queue.Empty`: nothing arrived in time.
    #[error("Empty")]
    Empty,
    /// Python's `queue.Full`: no room freed up in time.
    #[error("Full")]
    Full,
    /// The pipe underneath failed (a message that cannot be encoded or decoded, an OS error).
    #[error(transparent)]
    Connection(#[from] ConnectionError),
}
