//! `std::sync::mpsc`, controlled: multi-producer, single-consumer channels whose every send,
//! receive and disconnection is a synchronisation point (`mpsc.send`, `mpsc.recv`, ...).
//!
//! ```
//! use threading::stdlib::sync::mpsc::channel;
//! use threading::stdlib::thread;
//!
//! let (tx, rx) = channel();
//! for id in 0..3 {
//!     let tx = tx.clone();
//!     thread::spawn(move || tx.send(id).unwrap());
//! }
//! drop(tx);
//! let mut got: Vec<i32> = rx.iter().collect();
//! got.sort();
//! assert_eq!(got, [0, 1, 2]);
//! ```
//!
//! The error types are `std`'s own.

use crate::schedule::Operation;
use crate::stdlib::wait;
use crate::waiter::{WaitList, Wake};
use std::cell::Cell;
use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::panic::Location;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use std::sync::mpsc::{RecvError, RecvTimeoutError, SendError, TryRecvError, TrySendError};

struct Chan<T> {
    state: parking_lot::Mutex<State<T>>,
    site: &'static Location<'static>,
}

struct State<T> {
    queue: VecDeque<T>,
    /// `None`: unbounded (`channel`); `Some(0)`: rendezvous.
    cap: Option<usize>,
    senders: usize,
    receiver: bool,
    /// Receivers blocked in a receive (what a rendezvous `try_send` needs).
    receiving: usize,
    /// Messages received so far (a rendezvous sender waits until its own is taken).
    taken: u64,
    pushed: u64,
    recv_waiters: WaitList,
    send_waiters: WaitList,
    handoff_waiters: WaitList,
}

impl<T> Chan<T> {
    fn new(cap: Option<usize>, site: &'static Location<'static>) -> Arc<Chan<T>> {
        Arc::new(Chan {
            state: parking_lot::Mutex::new(State {
                queue: VecDeque::new(),
                cap,
                senders: 1,
                receiver: true,
                receiving: 0,
                taken: 0,
                pushed: 0,
                recv_waiters: WaitList::new(),
                send_waiters: WaitList::new(),
                handoff_waiters: WaitList::new(),
            }),
            site,
        })
    }

    fn send(&self, value: T) -> Result<(), SendError<T>> {
        wait::point(Operation::MpscSend, self.site);
        let mut state = self.state.lock();
        let Some(cap) = state.cap else {
            if !state.receiver {
                return Err(SendError(value));
            }
            state.queue.push_back(value);
            state.pushed += 1;
            state.recv_waiters.notify_one();
            return Ok(());
        };
        loop {
            if !state.receiver {
                return Err(SendError(value));
            }
            if state.queue.len() < cap.max(1) {
                break;
            }
            state =
                wait::wait(&self.state, state, |s| &mut s.send_waiters, None, Operation::MpscSend, self.site)
                    .0;
        }
        state.queue.push_back(value);
        let ticket = state.pushed;
        state.pushed += 1;
        state.recv_waiters.notify_one();
        if cap > 0 {
            return Ok(());
        }
        // Rendezvous: wait until the receiver has taken this message.
        loop {
            if state.taken > ticket {
                return Ok(());
            }
            if !state.receiver {
                let value = state.queue.pop_back().expect("an untaken rendezvous message is still queued");
                return Err(SendError(value));
            }
            let on_interrupt = |s: &mut State<T>, _removed: bool| {
                // Unwinding out of a send that never happened: take the message back.
                if s.taken <= ticket {
                    let _ = s.queue.pop_back();
                    s.send_waiters.notify_one();
                }
            };
            state = wait::wait_with(
                &self.state,
                state,
                |s| &mut s.handoff_waiters,
                None,
                Operation::MpscSend,
                self.site,
                on_interrupt,
            )
            .0;
        }
    }

    fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        wait::point(Operation::MpscTrySend, self.site);
        let mut state = self.state.lock();
        if !state.receiver {
            return Err(TrySendError::Disconnected(value));
        }
        let cap = state.cap.unwrap_or(usize::MAX);
        let room = if cap == 0 { state.receiving > state.queue.len() } else { state.queue.len() < cap };
        if !room {
            return Err(TrySendError::Full(value));
        }
        state.queue.push_back(value);
        state.pushed += 1;
        state.recv_waiters.notify_one();
        Ok(())
    }

    fn take(state: &mut State<T>) -> Option<T> {
        let value = state.queue.pop_front()?;
        state.taken += 1;
        state.handoff_waiters.notify_all();
        state.send_waiters.notify_one();
        Some(value)
    }

    fn recv(&self, deadline: Option<Instant>, operation: Operation) -> Result<T, RecvTimeoutError> {
        wait::point(operation, self.site);
        let mut state = self.state.lock();
        loop {
            if let Some(value) = Self::take(&mut state) {
                return Ok(value);
            }
            if state.senders == 0 {
                return Err(RecvTimeoutError::Disconnected);
            }
            state.receiving += 1;
            let on_interrupt = |s: &mut State<T>, removed: bool| {
                s.receiving -= 1;
                if !removed {
                    s.recv_waiters.notify_one();
                }
            };
            let (next, wake) = wait::wait_with(
                &self.state,
                state,
                |s| &mut s.recv_waiters,
                deadline,
                operation,
                self.site,
                on_interrupt,
            );
            state = next;
            state.receiving -= 1;
            if wake == Wake::TimedOut {
                return match Self::take(&mut state) {
                    Some(value) => Ok(value),
                    None if state.senders == 0 => Err(RecvTimeoutError::Disconnected),
                    None => Err(RecvTimeoutError::Timeout),
                };
            }
        }
    }

    fn try_recv(&self) -> Result<T, TryRecvError> {
        wait::point(Operation::MpscTryRecv, self.site);
        let mut state = self.state.lock();
        match Self::take(&mut state) {
            Some(value) => Ok(value),
            None if state.senders == 0 => Err(TryRecvError::Disconnected),
            None => Err(TryRecvError::Empty),
        }
    }

    fn add_sender(&self) {
        wait::point(Operation::MpscSenderClone, self.site);
        self.state.lock().senders += 1;
    }

    fn drop_sender(&self) {
        wait::point(Operation::MpscSenderDrop, self.site);
        let mut state = self.state.lock();
        state.senders -= 1;
        if state.senders == 0 {
            state.recv_waiters.notify_all();
        }
    }

    fn drop_receiver(&self) {
        wait::point(Operation::MpscReceiverDrop, self.site);
        let dropped = {
            let mut state = self.state.lock();
            state.receiver = false;
            state.send_waiters.notify_all();
            state.handoff_waiters.notify_all();
            // A rendezvous sender takes its message back itself.
            if state.cap == Some(0) { VecDeque::new() } else { std::mem::take(&mut state.queue) }
        };
        drop(dropped);
    }
}

/// Creates an unbounded channel (`std::sync::mpsc::channel`): sends never block.
///
/// ```
/// let (tx, rx) = threading::stdlib::sync::mpsc::channel();
/// tx.send(1).unwrap();
/// assert_eq!(rx.recv(), Ok(1));
/// drop(tx);
/// assert_eq!(rx.recv(), Err(threading::stdlib::sync::mpsc::RecvError));
/// ```
#[track_caller]
#[must_use]
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let chan = Chan::new(None, Location::caller());
    (Sender { chan: Arc::clone(&chan) }, Receiver { chan, _not_sync: PhantomData })
}

/// Creates a channel holding at most `bound` messages (`std::sync::mpsc::sync_channel`): a
/// send blocks while it is full; with `bound == 0` every send waits until it is received (a
/// rendezvous).
///
/// ```
/// use threading::stdlib::sync::mpsc::{sync_channel, TrySendError};
/// let (tx, rx) = sync_channel(1);
/// tx.send(1).unwrap();
/// assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
/// assert_eq!(rx.recv().unwrap(), 1);
/// ```
#[track_caller]
#[must_use]
pub fn sync_channel<T>(bound: usize) -> (SyncSender<T>, Receiver<T>) {
    let chan = Chan::new(Some(bound), Location::caller());
    (SyncSender { chan: Arc::clone(&chan) }, Receiver { chan, _not_sync: PhantomData })
}

/// The sending half of a [`channel`] (`std::sync::mpsc::Sender`); clone it for more producers.
///
/// ```
/// let (tx, rx) = threading::stdlib::sync::mpsc::channel();
/// let tx2 = tx.clone();
/// tx.send("a").unwrap();
/// tx2.send("b").unwrap();
/// assert_eq!(rx.try_iter().collect::<Vec<_>>(), ["a", "b"]);
/// ```
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

/// The sending half of a [`sync_channel`] (`std::sync::mpsc::SyncSender`).
///
/// ```
/// let (tx, rx) = threading::stdlib::sync::mpsc::sync_channel(0);
/// let t = threading::stdlib::thread::spawn(move || tx.send(7).unwrap());
/// assert_eq!(rx.recv().unwrap(), 7);
/// t.join().unwrap();
/// ```
pub struct SyncSender<T> {
    chan: Arc<Chan<T>>,
}

/// The receiving half of a channel (`std::sync::mpsc::Receiver`).
///
/// ```
/// let (tx, rx) = threading::stdlib::sync::mpsc::channel::<u8>();
/// drop(tx);
/// assert!(rx.recv().is_err());
/// ```
pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
    _not_sync: PhantomData<Cell<()>>,
}

impl<T> Sender<T> {
    /// Sends `t`; `Err(SendError(t))` if the receiver is gone. Never blocks.
    ///
    /// ```
    /// let (tx, rx) = threading::stdlib::sync::mpsc::channel();
    /// drop(rx);
    /// assert_eq!(tx.send(5).unwrap_err().0, 5);
    /// ```
    pub fn send(&self, t: T) -> Result<(), SendError<T>> {
        self.chan.send(t)
    }
}

impl<T> SyncSender<T> {
    /// Sends `t`, blocking while the channel is full (for a rendezvous channel, until it is
    /// received); `Err(SendError(t))` if the receiver is gone.
    ///
    /// ```
    /// let (tx, rx) = threading::stdlib::sync::mpsc::sync_channel(1);
    /// tx.send(1).unwrap();
    /// drop(rx);
    /// assert_eq!(tx.send(2).unwrap_err().0, 2);
    /// ```
    pub fn send(&self, t: T) -> Result<(), SendError<T>> {
        self.chan.send(t)
    }

    /// Sends `t` only if that needs no waiting: `Full(t)` if there is no room (for a rendezvous
    /// channel, no receiver waiting), `Disconnected(t)` if the receiver is gone.
    ///
    /// ```
    /// use threading::stdlib::sync::mpsc::{sync_channel, TrySendError};
    /// let (tx, rx) = sync_channel(0);
    /// assert_eq!(tx.try_send(1), Err(TrySendError::Full(1)));
    /// drop(rx);
    /// assert_eq!(tx.try_send(1), Err(TrySendError::Disconnected(1)));
    /// ```
    pub fn try_send(&self, t: T) -> Result<(), TrySendError<T>> {
        self.chan.try_send(t)
    }
}

impl<T> Receiver<T> {
    /// Blocks until a message arrives; `Err(RecvError)` once the channel is empty and every
    /// sender is gone.
    ///
    /// ```
    /// let (tx, rx) = threading::stdlib::sync::mpsc::channel();
    /// threading::stdlib::thread::spawn(move || tx.send(3).unwrap());
    /// assert_eq!(rx.recv(), Ok(3));
    /// ```
    pub fn recv(&self) -> Result<T, RecvError> {
        self.chan.recv(None, Operation::MpscRecv).map_err(|_| RecvError)
    }

    /// A message if one is waiting: `Empty` if none, `Disconnected` if none will come.
    ///
    /// ```
    /// use threading::stdlib::sync::mpsc::{channel, TryRecvError};
    /// let (tx, rx) = channel::<i32>();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    /// ```
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        self.chan.try_recv()
    }

    /// [`recv`](Receiver::recv) for at most `timeout`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use threading::stdlib::sync::mpsc::{channel, RecvTimeoutError};
    /// let (tx, rx) = channel::<i32>();
    /// assert_eq!(rx.recv_timeout(Duration::from_millis(5)), Err(RecvTimeoutError::Timeout));
    /// drop(tx);
    /// assert_eq!(rx.recv_timeout(Duration::from_millis(5)), Err(RecvTimeoutError::Disconnected));
    /// ```
    pub fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvTimeoutError> {
        self.chan.recv(wait::deadline(timeout), Operation::MpscRecvTimeout)
    }

    /// Iterates over messages, blocking for each, until every sender is gone.
    ///
    /// ```
    /// let (tx, rx) = threading::stdlib::sync::mpsc::channel();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.iter().sum::<i32>(), 3);
    /// ```
    pub fn iter(&self) -> Iter<'_, T> {
        Iter { rx: self }
    }

    /// Iterates over the messages already waiting, without blocking.
    ///
    /// ```
    /// let (tx, rx) = threading::stdlib::sync::mpsc::channel();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_iter().count(), 1);
    /// ```
    pub fn try_iter(&self) -> TryIter<'_, T> {
        TryIter { rx: self }
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.chan.add_sender();
        Sender { chan: Arc::clone(&self.chan) }
    }
}

impl<T> Clone for SyncSender<T> {
    fn clone(&self) -> Self {
        self.chan.add_sender();
        SyncSender { chan: Arc::clone(&self.chan) }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> Drop for SyncSender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.chan.drop_receiver();
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for SyncSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncSender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}

/// Blocking iterator over a [`Receiver`]'s messages (`std::sync::mpsc::Iter`).
///
/// ```
/// let (tx, rx) = threading::stdlib::sync::mpsc::channel();
/// tx.send(1).unwrap();
/// drop(tx);
/// let mut it = rx.iter();
/// assert_eq!(it.next(), Some(1));
/// assert_eq!(it.next(), None);
/// ```
#[derive(Debug)]
pub struct Iter<'a, T: 'a> {
    rx: &'a Receiver<T>,
}

/// Non-blocking iterator over a [`Receiver`]'s waiting messages (`std::sync::mpsc::TryIter`).
///
/// ```
/// let (tx, rx) = threading::stdlib::sync::mpsc::channel::<u8>();
/// assert_eq!(rx.try_iter().next(), None);
/// # drop(tx);
/// ```
#[derive(Debug)]
pub struct TryIter<'a, T: 'a> {
    rx: &'a Receiver<T>,
}

/// Owning blocking iterator over a [`Receiver`]'s messages (`std::sync::mpsc::IntoIter`).
///
/// ```
/// let (tx, rx) = threading::stdlib::sync::mpsc::channel();
/// tx.send('x').unwrap();
/// drop(tx);
/// assert_eq!(rx.into_iter().collect::<String>(), "x");
/// ```
#[derive(Debug)]
pub struct IntoIter<T> {
    rx: Receiver<T>,
}

impl<T> Iterator for Iter<'_, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.rx.recv().ok()
    }
}

impl<T> Iterator for TryIter<'_, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.rx.try_recv().ok()
    }
}

impl<T> Iterator for IntoIter<T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.rx.recv().ok()
    }
}

impl<'a, T> IntoIterator for &'a Receiver<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T> IntoIterator for Receiver<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;
    fn into_iter(self) -> IntoIter<T> {
        IntoIter { rx: self }
    }
}
