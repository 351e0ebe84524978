//! Python's `threading.Barrier`.

use crate::error::{BrokenBarrierError, ValueError};
use crate::raw_lock::deadline_after;
use crate::registry::Blocked;
use crate::schedule::{self, Operation};
use crate::sys;
use crate::waiter::{self, WaitList, Wake};
use std::fmt;
use std::panic::{AssertUnwindSafe, Location};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Filling,
    Draining,
    Resetting,
    Broken,
}

struct State {
    phase: Phase,
    count: usize,
    waiters: WaitList,
}

type Action = Box<dyn Fn() + Send + Sync>;

/// A meeting point for a fixed number of threads (Python's `threading.Barrier`): each
/// [`wait`](Barrier::wait) blocks until `parties` threads have called it, then all go on.
/// It is reusable: the next `parties` calls form the next cycle.
///
/// `wait` returns the thread's arrival index, `0..parties`; the last to arrive runs the
/// optional action first. [`abort`](Barrier::abort), a timeout or a panicking action break the
/// barrier: every waiter, now and later, gets [`BrokenBarrierError`] until [`reset`](Barrier::reset).
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use threading::{Barrier, Thread};
///
/// let cycles = Arc::new(AtomicUsize::new(0));
/// let barrier = Arc::new(Barrier::with_action(3, {
///     let cycles = cycles.clone();
///     move || { cycles.fetch_add(1, Ordering::SeqCst); }
/// }).unwrap());
/// let threads: Vec<_> = (0..3)
///     .map(|_| {
///         let barrier = barrier.clone();
///         Thread::new(move || { barrier.wait().unwrap(); })
///     })
///     .collect();
/// threads.iter().for_each(|t| t.start().unwrap());
/// threads.iter().for_each(|t| t.join().unwrap());
/// assert_eq!(cycles.load(Ordering::SeqCst), 1);
/// assert_eq!(barrier.n_waiting(), 0);
/// ```
///
/// # Differences from Python
/// * `wait(timeout)` is [`wait_timeout`](Barrier::wait_timeout); the default timeout is set
///   with [`timeout`](Barrier::timeout).
/// * The action's panic breaks the barrier and unwinds in the thread that ran it, as an
///   exception does in Python.
pub struct Barrier {
    parties: usize,
    action: Option<Action>,
    default_timeout: Option<Duration>,
    state: sys::Mutex<State>,
    site: &'static Location<'static>,
}

// A panic anywhere (the action included) leaves the barrier broken, never half-updated.
impl std::panic::UnwindSafe for Barrier {}
impl std::panic::RefUnwindSafe for Barrier {}

impl Barrier {
    /// A barrier for `parties` threads (Python's `Barrier(parties)`); no parties is Python's
    /// `ValueError`.
    ///
    /// ```
    /// assert_eq!(threading::Barrier::new(3).unwrap().parties(), 3);
    /// assert_eq!(threading::Barrier::new(0).unwrap_err().to_string(), "parties must be > 0");
    /// ```
    #[track_caller]
    pub fn new(parties: usize) -> Result<Barrier, ValueError> {
        if parties == 0 {
            return Err(ValueError::new("parties must be > 0"));
        }
        Ok(Barrier {
            parties,
            action: None,
            default_timeout: None,
            state: sys::Mutex::new(State { phase: Phase::Filling, count: 0, waiters: WaitList::new() }),
            site: Location::caller(),
        })
    }

    /// A barrier whose last arriving thread runs `action` before the others are released
    /// (Python's `Barrier(parties, action=f)`).
    ///
    /// ```
    /// let b = threading::Barrier::with_action(1, || println!("all here")).unwrap();
    /// assert_eq!(b.wait(), Ok(0));
    /// ```
    #[track_caller]
    pub fn with_action(
        parties: usize,
        action: impl Fn() + Send + Sync + 'static,
    ) -> Result<Barrier, ValueError> {
        Ok(Barrier { action: Some(Box::new(action)), ..Barrier::new(parties)? })
    }

    /// Sets the default timeout of [`wait`](Barrier::wait) (Python's `Barrier(timeout=...)`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = threading::Barrier::new(2).unwrap().timeout(Duration::from_millis(5));
    /// assert!(b.wait().is_err());
    /// assert!(b.broken());
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Barrier {
        self.default_timeout = Some(timeout);
        self
    }

    /// Waits for the others; returns this thread's arrival index (`0` first, `parties - 1`
    /// last).
    ///
    /// ```
    /// let b = threading::Barrier::new(1).unwrap();
    /// assert_eq!(b.wait(), Ok(0));
    /// assert_eq!(b.wait(), Ok(0)); // a new cycle
    /// ```
    pub fn wait(&self) -> Result<usize, BrokenBarrierError> {
        self.wait_until(self.default_timeout.and_then(deadline_after))
    }

    /// Like [`wait`](Barrier::wait), but a wait longer than `timeout` breaks the barrier.
    ///
    /// ```
    /// let b = threading::Barrier::new(2).unwrap();
    /// assert!(b.wait_timeout(std::time::Duration::from_millis(5)).is_err());
    /// assert!(b.broken());
    /// ```
    pub fn wait_timeout(&self, timeout: Duration) -> Result<usize, BrokenBarrierError> {
        self.wait_until(deadline_after(timeout))
    }

    fn wait_until(&self, deadline: Option<Instant>) -> Result<usize, BrokenBarrierError> {
        schedule::point(|| schedule::Point::new(Operation::BarrierWait, self.site));
        let mut state = self.state.lock();
        // Python's _enter: wait for a previous cycle to drain or a reset to finish.
        while matches!(state.phase, Phase::Draining | Phase::Resetting) {
            state = self.park(state, None).0;
        }
        if state.phase == Phase::Broken {
            return Err(BrokenBarrierError);
        }
        let index = state.count;
        state.count += 1;
        let result = if index + 1 == self.parties {
            self.release(state)
        } else {
            self.wait_for_release(state, deadline)
        };
        // Python's _exit, in the `finally` of wait.
        let mut state = self.state.lock();
        state.count -= 1;
        if state.count == 0 && matches!(state.phase, Phase::Draining | Phase::Resetting) {
            state.phase = Phase::Filling;
            state.waiters.notify_all();
        }
        drop(state);
        match result {
            Ok(()) => Ok(index),
            Err(Outcome::Broken) => Err(BrokenBarrierError),
            Err(Outcome::Unwind(payload)) => std::panic::resume_unwind(payload),
        }
    }

    /// The last thread in: run the action, then release everyone.
    fn release<'a>(&'a self, state: sys::MutexGuard<'a, State>) -> Result<(), Outcome> {
        if let Some(action) = &self.action {
            drop(state);
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(action));
            let mut state = self.state.lock();
            if let Err(payload) = outcome {
                Self::break_locked(&mut state);
                return Err(Outcome::Unwind(payload));
            }
            Self::drain_locked(&mut state);
        } else {
            let mut state = state;
            Self::drain_locked(&mut state);
        }
        Ok(())
    }

    fn drain_locked(state: &mut State) {
        state.phase = Phase::Draining;
        state.waiters.notify_all();
    }

    fn wait_for_release<'a>(
        &'a self,
        mut state: sys::MutexGuard<'a, State>,
        deadline: Option<Instant>,
    ) -> Result<(), Outcome> {
        while state.phase == Phase::Filling {
            let (next, wake) = self.park(state, deadline);
            state = next;
            match wake {
                Wake::Notified => {}
                Wake::TimedOut if state.phase == Phase::Filling => {
                    Self::break_locked(&mut state);
                    return Err(Outcome::Broken);
                }
                Wake::TimedOut => {}
                Wake::Interrupted => return Err(Outcome::Unwind(Box::new(crate::KeyboardInterrupt))),
            }
        }
        if matches!(state.phase, Phase::Broken | Phase::Resetting) { Err(Outcome::Broken) } else { Ok(()) }
    }

    fn park<'a>(
        &'a self,
        state: sys::MutexGuard<'a, State>,
        deadline: Option<Instant>,
    ) -> (sys::MutexGuard<'a, State>, Wake) {
        waiter::wait_in(
            &self.state,
            state,
            |s| &mut s.waiters,
            deadline,
            Blocked::new(Operation::BarrierWait, self.site),
        )
    }

    fn break_locked(state: &mut State) {
        state.phase = Phase::Broken;
        state.waiters.notify_all();
    }

    /// Returns the barrier to its empty state; threads waiting now get [`BrokenBarrierError`].
    ///
    /// ```
    /// let b = threading::Barrier::new(2).unwrap();
    /// b.abort();
    /// b.reset();
    /// assert!(!b.broken());
    /// ```
    pub fn reset(&self) {
        schedule::point(|| schedule::Point::new(Operation::BarrierReset, self.site));
        let mut state = self.state.lock();
        if state.count > 0 {
            state.phase = match state.phase {
                Phase::Filling => Phase::Resetting,
                Phase::Broken => Phase::Resetting,
                other => other,
            };
        } else {
            state.phase = Phase::Filling;
        }
        state.waiters.notify_all();
    }

    /// Breaks the barrier: current and future waiters get [`BrokenBarrierError`] (seed 004's
    /// way to let workers give up).
    ///
    /// ```
    /// let b = threading::Barrier::new(3).unwrap();
    /// b.abort();
    /// assert!(b.broken());
    /// assert!(b.wait().is_err());
    /// ```
    pub fn abort(&self) {
        schedule::point(|| schedule::Point::new(Operation::BarrierAbort, self.site));
        Self::break_locked(&mut self.state.lock());
    }

    /// How many threads must call [`wait`](Barrier::wait) to pass.
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// How many threads are waiting now.
    ///
    /// ```
    /// assert_eq!(threading::Barrier::new(2).unwrap().n_waiting(), 0);
    /// ```
    pub fn n_waiting(&self) -> usize {
        let state = self.state.lock();
        if state.phase == Phase::Filling { state.count } else { 0 }
    }

    /// Whether the barrier is broken.
    ///
    /// ```
    /// assert!(!threading::Barrier::new(2).unwrap().broken());
    /// ```
    pub fn broken(&self) -> bool {
        self.state.lock().phase == Phase::Broken
    }
}

enum Outcome {
    Broken,
    Unwind(Box<dyn std::any::Any + Send>),
}

impl fmt::Debug for Barrier {
    /// Python's repr: `<threading.Barrier at 0x...: waiters=1/3>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.broken() {
            return write!(f, "<threading.Barrier at {:p}: broken>", self as *const Self);
        }
        write!(
            f,
            "<threading.Barrier at {:p}: waiters={}/{}>",
            self as *const Self,
            self.n_waiting(),
            self.parties
        )
    }
}

impl fmt::Display for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<Barrier>();
    check::<Arc<Barrier>>();
}
