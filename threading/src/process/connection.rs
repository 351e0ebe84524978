//! Python's `multiprocessing.Pipe` and `Connection`: two ends of a socket that carry messages.
//!
//! # Differences from Python
//! * Messages are any `serde` value, encoded with `postcard`, where Python pickles any object.
//!   The receiver names the type it expects (`conn.recv::<String>()`); a message that does not
//!   decode as that type is a [`ConnectionError::Decode`] carrying the raw bytes.
//! * Both ends are Unix stream sockets, also for `duplex = false` (Python uses an `os.pipe`
//!   there); the one-way ends refuse the other direction with Python's messages.
//! * A `Connection` can be shared between threads (`Arc<Connection>`): sends are serialised, so
//!   are receives, and a message is never interleaved with another.
//! * A blocked `recv`, `send` or `poll` is interruptible, and ends with
//!   [`ConnectionError::Closed`] if another thread closes the connection.
//! * Moving an end into a [`Process`](super::Process)'s closure gives it to the child: the
//!   parent's copy is closed when `start` returns (Python keeps it open until you close it), so
//!   the parent's `recv` on the other end reports [`ConnectionError::Eof`] once the child is
//!   gone instead of hanging.
//!
//! As in Python, a forked child inherits *every* open descriptor, the parent's end of a pipe
//! included: the child sees the end of the stream only once that copy is closed too. To close
//! it, give the child a handle to it (an `Arc<Connection>` clone) and call
//! [`close`](Connection::close) there; it closes the child's copy only.
//!
//! ```
//! use std::sync::Arc;
//! use threading::process::{ConnectionError, Process, pipe};
//! let (parent_conn, child_conn) = pipe(true).unwrap();
//! let parent_conn = Arc::new(parent_conn);
//! let p = Process::new({
//!     let inherited = parent_conn.clone();
//!     move || {
//!         inherited.close(); // the child's copy of the parent's end
//!         while let Ok(n) = child_conn.recv::<i32>() {
//!             println!("got {n}");
//!         }
//!         // Err(Eof): the parent closed its end
//!     }
//! });
//! p.start().unwrap();
//! parent_conn.send(&1).unwrap();
//! parent_conn.close();
//! p.join().unwrap();
//! assert_eq!(p.exitcode(), Some(0));
//! ```

use super::error::ConnectionError;
use super::frame::{self, Incoming, Waiting};
use crate::schedule::{self, Operation};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::panic::Location;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Python's `multiprocessing.Pipe(duplex)`: two connected [`Connection`]s.
///
/// With `duplex` both ends send and receive; without, the first end only receives and the
/// second only sends. Create the pipe before starting the process that uses it, so that the
/// child inherits it.
///
/// ```
/// use threading::process::{Process, pipe};
///
/// // Python (seed 000):
/// //   def ponger(conn): conn.send("pong")
/// //   parent_conn, child_conn = mp.Pipe()
/// //   p = mp.Process(target=ponger, args=(child_conn,)); p.start()
/// //   parent_conn.recv()   # 'pong'
/// let (parent_conn, child_conn) = pipe(true).unwrap();
/// let p = Process::new(move || child_conn.send("pong").unwrap());
/// p.start().unwrap();
/// assert_eq!(parent_conn.recv::<String>().unwrap(), "pong");
/// p.join().unwrap();
/// assert_eq!(p.exitcode(), Some(0));
/// ```
#[track_caller]
pub fn pipe(duplex: bool) -> io::Result<(Connection, Connection)> {
    let site = Location::caller();
    let (a, b) = frame::socket_pair()?;
    Ok(if duplex {
        (Connection::new(a, true, true, site), Connection::new(b, true, true, site))
    } else {
        (Connection::new(a, true, false, site), Connection::new(b, false, true, site))
    })
}

/// One end of a [`pipe`] (Python's `multiprocessing.connection.Connection`).
///
/// ```
/// let (a, b) = threading::process::pipe(true).unwrap();
/// a.send(&vec![1, 2, 3]).unwrap();
/// b.send_bytes(b"raw").unwrap();
/// assert_eq!(b.recv::<Vec<i32>>().unwrap(), [1, 2, 3]);
/// assert_eq!(a.recv_bytes().unwrap(), b"raw");
/// assert!(!a.poll().unwrap());
/// ```
pub struct Connection {
    /// `None` once closed. Operations clone the `Arc`, so `close` never pulls the descriptor
    /// from under a call in progress: it is released when the last such call returns.
    fd: Mutex<Option<Arc<OwnedFd>>>,
    closed: AtomicBool,
    readable: bool,
    writable: bool,
    send_lock: Mutex<()>,
    desynchronised: AtomicBool,
    incoming: Mutex<Incoming>,
    site: &'static Location<'static>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Connection {
    fn new(fd: OwnedFd, readable: bool, writable: bool, site: &'static Location<'static>) -> Connection {
        Connection {
            fd: Mutex::new(Some(Arc::new(fd))),
            closed: AtomicBool::new(false),
            readable,
            writable,
            send_lock: Mutex::new(()),
            desynchronised: AtomicBool::new(false),
            incoming: Mutex::new(Incoming::default()),
            site,
        }
    }

    /// A duplex end over a descriptor inherited from a parent (the spawn start method).
    pub(crate) fn from_fd(fd: OwnedFd, site: &'static Location<'static>) -> Connection {
        Connection::new(fd, true, true, site)
    }

    /// The descriptor's number, unless closed.
    pub(crate) fn raw_fd(&self) -> Option<i32> {
        lock(&self.fd).as_ref().map(|fd| fd.as_raw_fd())
    }

    fn handle(&self) -> Result<Arc<OwnedFd>, ConnectionError> {
        lock(&self.fd).clone().ok_or(ConnectionError::Closed)
    }

    fn waiting(&self, operation: Operation) -> Waiting<'_> {
        Waiting { operation, site: self.site, name: None, closed: Some(&self.closed) }
    }

    fn check_writable(&self) -> Result<(), ConnectionError> {
        if !self.writable {
            return Err(ConnectionError::ReadOnly);
        }
        if self.desynchronised.load(Ordering::Acquire) {
            return Err(ConnectionError::Desynchronised("send"));
        }
        Ok(())
    }

    /// Sends `obj` to the other end (Python's `send(obj)`), encoded with serde.
    ///
    /// Blocks only while the socket's buffer is full (the other end is not receiving).
    ///
    /// ```
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct Job { id: u32, name: String }
    /// let (a, b) = threading::process::pipe(true).unwrap();
    /// a.send(&Job { id: 1, name: "resize".into() }).unwrap();
    /// assert_eq!(b.recv::<Job>().unwrap(), Job { id: 1, name: "resize".into() });
    /// ```
    #[track_caller]
    pub fn send<T: Serialize + ?Sized>(&self, obj: &T) -> Result<(), ConnectionError> {
        self.check_writable()?;
        let body = postcard::to_stdvec(obj).map_err(ConnectionError::Encode)?;
        self.send_message(&body, Location::caller())
    }

    /// Sends `buf` as one message, as is (Python's `send_bytes(buf)`; slice the buffer for
    /// Python's `offset` and `size`).
    ///
    /// ```
    /// let (a, b) = threading::process::pipe(true).unwrap();
    /// a.send_bytes(&[1, 2, 3, 4][1..3]).unwrap();
    /// assert_eq!(b.recv_bytes().unwrap(), [2, 3]);
    /// ```
    #[track_caller]
    pub fn send_bytes(&self, buf: &[u8]) -> Result<(), ConnectionError> {
        self.check_writable()?;
        self.send_message(buf, Location::caller())
    }

    fn send_message(&self, body: &[u8], site: &'static Location<'static>) -> Result<(), ConnectionError> {
        schedule::point_named(Operation::ConnectionSend, site, None);
        let fd = self.handle()?;
        let _one_sender = lock(&self.send_lock);
        self.check_writable()?;
        frame::write_message(fd.as_fd(), body, self.waiting(Operation::ConnectionSend), &self.desynchronised)
    }

    /// Receives the next message, decoded as a `T` (Python's `recv()`). Blocks until one
    /// arrives; [`ConnectionError::Eof`] once every copy of the other end is closed.
    ///
    /// ```
    /// let (a, b) = threading::process::pipe(true).unwrap();
    /// a.send(&(1, "one")).unwrap();
    /// let (n, word): (i32, String) = b.recv().unwrap();
    /// assert_eq!((n, word.as_str()), (1, "one"));
    /// drop(a);
    /// assert!(matches!(b.recv::<i32>(), Err(threading::process::ConnectionError::Eof)));
    /// ```
    #[track_caller]
    pub fn recv<T: DeserializeOwned>(&self) -> Result<T, ConnectionError> {
        let bytes = self.recv_message(u64::MAX, Location::caller())?;
        decode(bytes)
    }

    /// Receives the next message as raw bytes (Python's `recv_bytes()`).
    ///
    /// A message larger than the socket's buffer (about 200 KiB) needs a receiver while it is
    /// sent, here another thread:
    ///
    /// ```
    /// let (a, b) = threading::process::pipe(true).unwrap();
    /// let sender = std::thread::spawn(move || a.send_bytes(&vec![7; 10_000_000]).unwrap());
    /// assert_eq!(b.recv_bytes().unwrap().len(), 10_000_000);
    /// sender.join().unwrap();
    /// ```
    #[track_caller]
    pub fn recv_bytes(&self) -> Result<Vec<u8>, ConnectionError> {
        self.recv_message(u64::MAX, Location::caller())
    }

    /// Receives the next message as raw bytes if it is at most `maxlength` bytes long (Python's
    /// `recv_bytes(maxlength)`). A longer message is an error and stays in the connection.
    ///
    /// ```
    /// use threading::process::ConnectionError;
    /// let (a, b) = threading::process::pipe(true).unwrap();
    /// a.send_bytes(b"too long").unwrap();
    /// assert!(matches!(b.recv_bytes_max(3), Err(ConnectionError::TooLong { length: 8, limit: 3 })));
    /// assert_eq!(b.recv_bytes().unwrap(), b"too long");
    /// ```
    #[track_caller]
    pub fn recv_bytes_max(&self, maxlength: usize) -> Result<Vec<u8>, ConnectionError> {
        self.recv_message(maxlength as u64, Location::caller())
    }

    fn recv_message(&self, limit: u64, site: &'static Location<'static>) -> Result<Vec<u8>, ConnectionError> {
        if !self.readable {
            return Err(ConnectionError::WriteOnly);
        }
        schedule::point_named(Operation::ConnectionRecv, site, None);
        let fd = self.handle()?;
        let mut incoming = lock(&self.incoming);
        let message = frame::read_message(
            fd.as_fd(),
            &mut incoming,
            limit,
            None,
            self.waiting(Operation::ConnectionRecv),
        )?;
        Ok(message.expect("a receive without a deadline returns a message"))
    }

    /// Whether a message (or the end of the stream) is waiting to be received, without
    /// blocking (Python's `poll()`).
    ///
    /// ```
    /// let (a, b) = threading::process::pipe(true).unwrap();
    /// assert!(!b.poll().unwrap());
    /// a.send(&1).unwrap();
    /// assert!(b.poll().unwrap());
    /// ```
    pub fn poll(&self) -> Result<bool, ConnectionError> {
        self.poll_until(Some(Instant::now()))
    }

    /// Waits at most `timeout` for a message (or the end of the stream) to be ready (Python's
    /// `poll(timeout)`; [`TIMEOUT_MAX`](crate::TIMEOUT_MAX) for Python's `poll(None)`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let (a, b) = threading::process::pipe(true).unwrap();
    /// assert!(!b.poll_timeout(Duration::from_millis(10)).unwrap());
    /// drop(a);
    /// assert!(b.poll_timeout(Duration::from_secs(10)).unwrap(), "end of stream counts as ready");
    /// ```
    pub fn poll_timeout(&self, timeout: Duration) -> Result<bool, ConnectionError> {
        self.poll_until(Instant::now().checked_add(timeout))
    }

    fn poll_until(&self, deadline: Option<Instant>) -> Result<bool, ConnectionError> {
        if !self.readable {
            return Err(ConnectionError::WriteOnly);
        }
        let fd = self.handle()?;
        frame::wait_ready(fd.as_fd(), deadline, self.waiting(Operation::ConnectionPoll))
    }

    /// Closes this end in this process (Python's `close()`); closing twice is harmless. The
    /// other end sees the end of the stream once every copy of this end (in every process) is
    /// closed. A call blocked on this end in another thread ends with [`ConnectionError::Closed`].
    ///
    /// ```
    /// let (a, b) = threading::process::pipe(true).unwrap();
    /// a.close();
    /// assert!(a.closed());
    /// assert!(matches!(a.send(&1), Err(threading::process::ConnectionError::Closed)));
    /// assert!(matches!(b.recv::<i32>(), Err(threading::process::ConnectionError::Eof)));
    /// ```
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        lock(&self.fd).take();
    }

    /// Whether this end was closed (Python's `closed`).
    ///
    /// ```
    /// let (a, _b) = threading::process::pipe(true).unwrap();
    /// assert!(!a.closed());
    /// ```
    pub fn closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Whether this end can receive (Python's `readable`).
    ///
    /// ```
    /// let (reader, writer) = threading::process::pipe(false).unwrap();
    /// assert!(reader.readable() && !reader.writable());
    /// assert!(writer.writable() && !writer.readable());
    /// ```
    pub fn readable(&self) -> bool {
        self.readable
    }

    /// Whether this end can send (Python's `writable`).
    ///
    /// ```
    /// let (reader, writer) = threading::process::pipe(false).unwrap();
    /// assert!(matches!(reader.send(&1), Err(threading::process::ConnectionError::ReadOnly)));
    /// assert!(writer.writable());
    /// ```
    pub fn writable(&self) -> bool {
        self.writable
    }
}

/// Decodes a whole message as a `T`, keeping the bytes if it is not one.
pub(crate) fn decode<T: DeserializeOwned>(bytes: Vec<u8>) -> Result<T, ConnectionError> {
    let result = match postcard::take_from_bytes::<T>(&bytes) {
        Ok((value, [])) => Ok(value),
        Ok(_) => Err(postcard::Error::DeserializeBadEncoding),
        Err(error) => Err(error),
    };
    result.map_err(|source| ConnectionError::Decode { bytes, type_name: std::any::type_name::<T>(), source })
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fd = lock(&self.fd).as_ref().map(|fd| fd.as_raw_fd());
        f.debug_struct("Connection")
            .field("fd", &fd)
            .field("readable", &self.readable)
            .field("writable", &self.writable)
            .field("closed", &self.closed())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_bytes_are_a_decode_error() {
        let (a, b) = pipe(true).unwrap();
        a.send(&(1u8, 2u8)).unwrap();
        match b.recv::<u8>() {
            Err(ConnectionError::Decode { bytes, type_name, .. }) => {
                assert_eq!(bytes, [1, 2]);
                assert_eq!(type_name, "u8");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn one_way_ends_refuse_the_other_direction() {
        let (reader, writer) = pipe(false).unwrap();
        assert!(matches!(writer.recv::<i32>(), Err(ConnectionError::WriteOnly)));
        assert!(matches!(writer.poll(), Err(ConnectionError::WriteOnly)));
        assert!(matches!(reader.send_bytes(b"x"), Err(ConnectionError::ReadOnly)));
        writer.send(&5).unwrap();
        assert_eq!(reader.recv::<i32>().unwrap(), 5);
    }
}
