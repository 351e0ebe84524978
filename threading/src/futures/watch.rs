//! How one thread waits for the first of several futures: Python's `_Waiter`, installed on
//! each future by `wait` and `as_completed`.
//!
//! A future that finishes (or is cancelled) tells each installed watcher its index; the
//! waiting thread sleeps on the watcher, not on any one future.

use crate::registry::Blocked;
use crate::schedule::{self, Operation};
use crate::sys;
use crate::waiter::{self, WaitList, Wake};
use std::panic::Location;
use std::sync::Arc;
use std::time::Instant;

#[derive(Default)]
struct State {
    /// Indices of futures that finished since the waiter last looked, in finishing order.
    finished: Vec<usize>,
    waiters: WaitList,
}

pub(crate) struct Watcher {
    state: sys::Mutex<State>,
    operation: Operation,
    site: &'static Location<'static>,
}

impl Watcher {
    pub(crate) fn new(operation: Operation, site: &'static Location<'static>) -> Arc<Watcher> {
        Arc::new(Watcher { state: sys::Mutex::new(State::default()), operation, site })
    }

    /// Called by a future as it finishes.
    pub(crate) fn finished(&self, index: usize) {
        let mut state = self.state.lock();
        state.finished.push(index);
        state.waiters.notify_all();
    }

    /// Waits until some future has finished since the last call, or `deadline`; returns the
    /// indices of those that did (empty on timeout). Interruptible.
    pub(crate) fn wait(&self, deadline: Option<Instant>) -> Vec<usize> {
        schedule::point(|| schedule::Point::new(self.operation, self.site));
        let mut state = self.state.lock();
        while state.finished.is_empty() {
            let blocked = Blocked::new(self.operation, self.site);
            let (next, wake) = waiter::wait_in(&self.state, state, |s| &mut s.waiters, deadline, blocked);
            state = next;
            match wake {
                Wake::Notified => {}
                Wake::TimedOut => break,
                Wake::Interrupted => {
                    drop(state);
                    crate::interrupt::raise();
                }
            }
        }
        std::mem::take(&mut state.finished)
    }
}
