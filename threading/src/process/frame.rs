//! Messages over a stream socket: a length prefix, then the bytes; and the interruptible
//! waits every blocking call of `process` goes through.
//!
//! The prefix is Python's (`multiprocessing.connection`): a big-endian `i32` length, or `-1`
//! followed by a big-endian `u64` for messages over 2 GiB.
//!
//! Sockets are made with a send and a receive timeout of one [`SLICE`]: a send or receive
//! blocks in the kernel (which moves a large message in as few calls as the socket buffer
//! allows, `MSG_WAITALL` on the receiving side) and comes back at least every slice, so that
//! the wait notices an interrupt request ([`interrupt`](crate::interrupt)) or a `close` from
//! another thread without any helper thread. Waits with a deadline (`poll`, `Queue::get`
//! with a timeout) `poll` in slices instead.

use super::error::ConnectionError;
use super::sys;
use crate::registry::{self, Blocked, BlockedScope, ThreadInner};
use crate::schedule::Operation;
use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long one `poll` lasts before the wait looks at interrupts and `close` again.
pub(crate) const SLICE: Duration = Duration::from_millis(50);

/// The most a receive allocates ahead of the bytes actually arriving, so that a corrupt
/// length prefix cannot make it reserve gigabytes.
const ALLOCATION_STEP: u64 = 16 << 20;

/// What a blocked call is, for [`report`](crate::report), and what else ends its wait.
#[derive(Clone, Copy)]
pub(crate) struct Waiting<'a> {
    /// `Connection.recv`, `Queue.put`, ...
    pub(crate) operation: Operation,
    /// Where the connection or queue was created.
    pub(crate) site: &'static Location<'static>,
    /// The primitive's name, if it has one (a process's).
    pub(crate) name: Option<&'a str>,
    /// Set when this end is closed by another thread: the wait ends with [`ConnectionError::Closed`].
    pub(crate) closed: Option<&'a AtomicBool>,
}

impl Waiting<'_> {
    fn blocked(&self) -> Blocked {
        Blocked::new(self.operation, self.site).named(self.name.map(Arc::from))
    }

    /// Fails if the end was closed meanwhile.
    pub(crate) fn check_closed(&self) -> Result<(), ConnectionError> {
        match self.closed {
            Some(closed) if closed.load(Ordering::Acquire) => Err(ConnectionError::Closed),
            _ => Ok(()),
        }
    }
}

/// A connected pair of stream sockets whose blocking calls come back after one [`SLICE`].
pub(crate) fn socket_pair() -> io::Result<(OwnedFd, OwnedFd)> {
    let (a, b) = UnixStream::pair()?;
    for socket in [&a, &b] {
        socket.set_read_timeout(Some(SLICE))?;
        socket.set_write_timeout(Some(SLICE))?;
    }
    Ok((a.into(), b.into()))
}

/// Waits until `fd` is readable (or hung up): `Ok(true)`, or `Ok(false)` once
/// `deadline` passes. An interrupt request unwinds with [`KeyboardInterrupt`](crate::KeyboardInterrupt).
pub(crate) fn wait_ready(
    fd: BorrowedFd<'_>,
    deadline: Option<Instant>,
    waiting: Waiting<'_>,
) -> Result<bool, ConnectionError> {
    if sys::poll_readable(fd, Some(Duration::ZERO))? {
        return Ok(true);
    }
    let me = registry::current();
    let _scope = BlockedScope::enter(&me, waiting.blocked());
    poll_in_slices(&me, fd, deadline, waiting)
}

fn poll_in_slices(
    me: &ThreadInner,
    fd: BorrowedFd<'_>,
    deadline: Option<Instant>,
    waiting: Waiting<'_>,
) -> Result<bool, ConnectionError> {
    if sys::poll_readable(fd, Some(Duration::ZERO))? {
        return Ok(true);
    }
    loop {
        between_slices(me, waiting)?;
        let slice = match deadline {
            None => SLICE,
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => left.min(SLICE),
                _ => return Ok(false),
            },
        };
        if sys::poll_readable(fd, Some(slice))? {
            return Ok(true);
        }
    }
}

/// What a wait looks at between slices: an interrupt request (unwinds) and a `close`.
fn between_slices(me: &ThreadInner, waiting: Waiting<'_>) -> Result<(), ConnectionError> {
    crate::interrupt::check(me);
    waiting.check_closed()
}

/// Waits in slices until `ready()` holds or `deadline` passes (for waits on shared memory or
/// a pidfd, where `sleep` returns early when something changes).
pub(crate) fn wait_until(
    mut ready: impl FnMut() -> bool,
    mut sleep: impl FnMut(Duration),
    deadline: Option<Instant>,
    waiting: Waiting<'_>,
) -> Result<bool, ConnectionError> {
    if ready() {
        return Ok(true);
    }
    let me = registry::current();
    let _scope = BlockedScope::enter(&me, waiting.blocked());
    loop {
        between_slices(&me, waiting)?;
        let slice = match deadline {
            None => SLICE,
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => left.min(SLICE),
                _ => return Ok(false),
            },
        };
        sleep(slice);
        if ready() {
            return Ok(true);
        }
    }
}

/// Python's length prefix for a message of `length` bytes: the buffer and how much of it to send.
fn encode_header(length: usize) -> ([u8; 12], usize) {
    let mut header = [0u8; 12];
    match i32::try_from(length) {
        Ok(short) => {
            header[..4].copy_from_slice(&short.to_be_bytes());
            (header, 4)
        }
        Err(_) => {
            header[..4].copy_from_slice(&(-1i32).to_be_bytes());
            header[4..].copy_from_slice(&(length as u64).to_be_bytes());
            (header, 12)
        }
    }
}

/// Marks the stream out of step if a send stops (error or unwinding) after some but not all
/// of a message went out.
struct SendProgress<'a> {
    sent: usize,
    total: usize,
    desynchronised: &'a AtomicBool,
}

impl Drop for SendProgress<'_> {
    fn drop(&mut self) {
        if self.sent > 0 && self.sent < self.total {
            self.desynchronised.store(true, Ordering::Release);
        }
    }
}

/// Sends one message: the length prefix and `body`, in as few system calls as the socket allows.
pub(crate) fn write_message(
    fd: BorrowedFd<'_>,
    body: &[u8],
    waiting: Waiting<'_>,
    desynchronised: &AtomicBool,
) -> Result<(), ConnectionError> {
    let (header, header_len) = encode_header(body.len());
    let mut progress = SendProgress { sent: 0, total: header_len + body.len(), desynchronised };
    let me = registry::current();
    let _scope = BlockedScope::enter(&me, waiting.blocked());
    while progress.sent < progress.total {
        let sent = progress.sent;
        let result = if sent < header_len {
            sys::send_vectored(fd, &[&header[sent..header_len], body])
        } else {
            sys::send_vectored(fd, &[&body[sent - header_len..]])
        };
        match result {
            Ok(n) => {
                progress.sent += n;
                if progress.sent < progress.total {
                    between_slices(&me, waiting)?;
                }
            }
            Err(error) => match error.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => between_slices(&me, waiting)?,
                io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset => {
                    return Err(ConnectionError::BrokenPipe);
                }
                _ => return Err(error.into()),
            },
        }
    }
    Ok(())
}

/// A message being received: what has arrived so far. Kept between calls by a
/// [`Connection`](super::Connection), so a receive interrupted in the middle loses nothing.
#[derive(Debug, Default)]
pub(crate) struct Incoming {
    header: Vec<u8>,
    body: Vec<u8>,
}

impl Incoming {
    /// Whether no byte of the next message has arrived yet.
    pub(crate) fn is_empty(&self) -> bool {
        self.header.is_empty()
    }

    /// The body's length once the prefix is complete; how many prefix bytes are still needed otherwise.
    fn length(&self) -> Result<Result<u64, usize>, ConnectionError> {
        if self.header.len() < 4 {
            return Ok(Err(4 - self.header.len()));
        }
        let short = i32::from_be_bytes(self.header[..4].try_into().expect("four bytes"));
        match short {
            0.. => Ok(Ok(short as u64)),
            -1 if self.header.len() < 12 => Ok(Err(12 - self.header.len())),
            -1 => Ok(Ok(u64::from_be_bytes(self.header[4..12].try_into().expect("eight bytes")))),
            _ => {
                Err(io::Error::new(io::ErrorKind::InvalidData, format!("bad message length prefix {short}"))
                    .into())
            }
        }
    }
}

/// Receives one message's body into `incoming` and returns it.
///
/// `Ok(None)` if `deadline` passed before the first byte of a message arrived (once a message
/// has begun, the rest is waited for). A message longer than `limit` is left in place and
/// reported as [`ConnectionError::TooLong`].
pub(crate) fn read_message(
    fd: BorrowedFd<'_>,
    incoming: &mut Incoming,
    limit: u64,
    deadline: Option<Instant>,
    waiting: Waiting<'_>,
) -> Result<Option<Vec<u8>>, ConnectionError> {
    let me = registry::current();
    let _scope = BlockedScope::enter(&me, waiting.blocked());
    loop {
        let (in_header, missing) = match incoming.length()? {
            Err(header_missing) => (true, header_missing as u64),
            Ok(length) if length > limit => return Err(ConnectionError::TooLong { length, limit }),
            Ok(length) => {
                let missing = length - incoming.body.len() as u64;
                if missing == 0 {
                    incoming.header.clear();
                    return Ok(Some(std::mem::take(&mut incoming.body)));
                }
                (false, missing)
            }
        };
        if incoming.is_empty() && deadline.is_some() && !poll_in_slices(&me, fd, deadline, waiting)? {
            return Ok(None);
        }
        let buffer = if in_header { &mut incoming.header } else { &mut incoming.body };
        if buffer.capacity() == buffer.len() {
            buffer.reserve(missing.min(ALLOCATION_STEP) as usize);
        }
        let want = usize::try_from(missing).unwrap_or(usize::MAX);
        match sys::recv_into(fd, buffer, want) {
            Ok(0) => return Err(end_of_stream(incoming)),
            Ok(_) => {}
            Err(error) => match error.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => between_slices(&me, waiting)?,
                io::ErrorKind::ConnectionReset => return Err(end_of_stream(incoming)),
                _ => return Err(error.into()),
            },
        }
    }
}

/// The error for a stream that ended: clean between messages, truncated in the middle of one.
fn end_of_stream(incoming: &Incoming) -> ConnectionError {
    match incoming.length() {
        _ if incoming.is_empty() => ConnectionError::Eof,
        Ok(Ok(length)) => ConnectionError::Truncated { length, received: incoming.body.len() as u64 },
        _ => ConnectionError::Truncated { length: 4, received: incoming.header.len() as u64 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    fn pair() -> (UnixStream, UnixStream) {
        let (a, b) = socket_pair().unwrap();
        (a.into(), b.into())
    }

    fn waiting() -> Waiting<'static> {
        Waiting { operation: Operation::ConnectionRecv, site: Location::caller(), name: None, closed: None }
    }

    #[test]
    fn header_is_pythons() {
        assert_eq!(&encode_header(5).0[..4], &[0, 0, 0, 5]);
        let (big, len) = encode_header(1 << 31);
        assert_eq!(len, 12);
        assert_eq!(&big[..4], &[0xff; 4]);
        assert_eq!(&big[4..], &(1u64 << 31).to_be_bytes());
    }

    #[test]
    fn the_deadline_applies_before_a_message_begins_only() {
        use std::io::Write;
        let (a, b) = pair();
        let flag = AtomicBool::new(false);
        let mut incoming = Incoming::default();
        let soon = || Some(Instant::now() + Duration::from_millis(20));
        assert!(read_message(b.as_fd(), &mut incoming, u64::MAX, soon(), waiting()).unwrap().is_none());
        // Half a prefix now, the rest later: once a message has begun the deadline no longer applies.
        (&a).write_all(&[0, 0]).unwrap();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(60));
            (&a).write_all(&[0, 3, b'a', b'b', b'c']).unwrap();
            a
        });
        let message = read_message(b.as_fd(), &mut incoming, u64::MAX, soon(), waiting()).unwrap();
        assert_eq!(message.unwrap(), b"abc");
        let a = writer.join().unwrap();
        write_message(a.as_fd(), b"next", waiting(), &flag).unwrap();
        let next = read_message(b.as_fd(), &mut incoming, u64::MAX, None, waiting()).unwrap();
        assert_eq!(next.unwrap(), b"next");
        assert!(!flag.load(Ordering::Relaxed));
    }

    #[test]
    fn a_corrupt_prefix_is_an_error() {
        let (a, b) = pair();
        use std::io::Write;
        (&a).write_all(&(-7i32).to_be_bytes()).unwrap();
        let error = read_message(b.as_fd(), &mut Incoming::default(), u64::MAX, None, waiting()).unwrap_err();
        assert!(error.to_string().contains("bad message length prefix -7"), "{error}");
    }
}
