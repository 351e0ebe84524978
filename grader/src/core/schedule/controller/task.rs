//! A controlled run's tasks: one per thread of the run, with what the controller knows about
//! it (runnable, blocked on which waiter, finished; set aside by the watchdog).

use std::sync::{Arc, Condvar};
use std::time::Instant;
use threading::Thread;

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    Runnable,
    Blocked,
    Finished,
}

/// One thread of the run, as the controller sees it.
#[derive(Debug)]
pub(super) struct Task {
    /// `None` for task 0, the thread that called `run`.
    pub(super) thread: Option<Thread>,
    pub(super) name: String,
    pub(super) ident: u64,
    /// The kernel thread id, for its CPU time.
    pub(super) tid: u64,
    pub(super) status: Status,
    /// The waiter a blocked task parks on (its address).
    pub(super) waiter: usize,
    pub(super) deadline: Option<Instant>,
    pub(super) timed_out: bool,
    /// The last point the task passed, for reports.
    pub(super) last_point: Option<String>,
    /// Set aside by the watchdog and still running outside control (until its next point).
    pub(super) free: bool,
    /// Where the task waits for the baton: one condition variable each, so that a hand-over
    /// wakes exactly the thread that gets the baton.
    pub(super) turn: Arc<Condvar>,
}

impl Task {
    pub(super) fn new(thread: Option<Thread>, name: String, ident: u64, tid: u64) -> Task {
        Task {
            thread,
            name,
            ident,
            tid,
            status: Status::Runnable,
            waiter: 0,
            deadline: None,
            timed_out: false,
            last_point: None,
            free: false,
            turn: Arc::new(Condvar::new()),
        }
    }
}
