//! `std::sync::Barrier`, controlled.

use crate::schedule::Operation;
use crate::stdlib::wait;
use crate::waiter::WaitList;
use std::fmt;
use std::panic::{Location, RefUnwindSafe, UnwindSafe};

/// `std::sync::Barrier`: `n` threads wait until all of them have arrived, then all go on; one
/// of them is told it is the leader. [`wait`](Barrier::wait) is a synchronisation point
/// (`Barrier.wait`). A barrier is reusable, and `new(0)` behaves as `new(1)`, as in `std`.
///
/// ```
/// use threading::stdlib::sync::{Arc, Barrier};
/// use threading::stdlib::thread;
///
/// let barrier = Arc::new(Barrier::new(3));
/// let handles: Vec<_> = (0..3)
///     .map(|_| {
///         let barrier = Arc::clone(&barrier);
///         thread::spawn(move || barrier.wait().is_leader())
///     })
///     .collect();
/// let leaders = handles.into_iter().filter(|_| true).map(|h| h.join().unwrap()).filter(|&l| l).count();
/// assert_eq!(leaders, 1);
/// ```
pub struct Barrier {
    state: parking_lot::Mutex<State>,
    n: usize,
    site: &'static Location<'static>,
}

impl UnwindSafe for Barrier {}
impl RefUnwindSafe for Barrier {}

struct State {
    arrived: usize,
    generation: u64,
    waiters: WaitList,
}

/// What [`Barrier::wait`] returns (`std::sync::BarrierWaitResult`).
///
/// ```
/// let result = threading::stdlib::sync::Barrier::new(1).wait();
/// assert!(result.is_leader());
/// ```
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// Whether this thread was the barrier's leader (the last to arrive): exactly one per round.
    ///
    /// ```
    /// assert!(threading::stdlib::sync::Barrier::new(1).wait().is_leader());
    /// ```
    #[must_use]
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

impl Barrier {
    /// A barrier for `n` threads (`const`).
    ///
    /// ```
    /// let barrier = threading::stdlib::sync::Barrier::new(2);
    /// # let _ = barrier;
    /// ```
    #[track_caller]
    #[must_use]
    pub const fn new(n: usize) -> Barrier {
        Barrier {
            state: parking_lot::Mutex::new(State { arrived: 0, generation: 0, waiters: WaitList::new() }),
            n,
            site: Location::caller(),
        }
    }

    /// Blocks until `n` threads have called `wait` in this round; the last one is the leader.
    ///
    /// ```
    /// use threading::stdlib::sync::{Arc, Barrier};
    /// let barrier = Arc::new(Barrier::new(2));
    /// let b = barrier.clone();
    /// let t = threading::stdlib::thread::spawn(move || b.wait().is_leader());
    /// let me = barrier.wait().is_leader();
    /// assert!(me ^ t.join().unwrap());
    /// ```
    pub fn wait(&self) -> BarrierWaitResult {
        wait::point(Operation::BarrierWait, self.site);
        let mut state = self.state.lock();
        state.arrived += 1;
        if state.arrived >= self.n {
            state.arrived = 0;
            state.generation = state.generation.wrapping_add(1);
            state.waiters.notify_all();
            return BarrierWaitResult(true);
        }
        let generation = state.generation;
        while state.generation == generation {
            state =
                wait::wait(&self.state, state, |s| &mut s.waiters, None, Operation::BarrierWait, self.site).0;
        }
        BarrierWaitResult(false)
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier").finish_non_exhaustive()
    }
}

impl fmt::Debug for BarrierWaitResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BarrierWaitResult").field("is_leader", &self.0).finish()
    }
}
