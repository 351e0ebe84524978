//! The machinery `Queue`, `LifoQueue` and `PriorityQueue` share: Python's `queue.Queue` class,
//! of which the other two are subclasses that only change the storage order.
//!
//! One internal mutex guards the items, the unfinished-task count and the three wait lists
//! (Python's `not_empty`, `not_full` and `all_tasks_done` conditions over one lock). A put or
//! get that need not wait takes the mutex once, moves the item and wakes a waiter only if there
//! is one: no allocation and no system call on that path.

use super::error::{GetError, PutError};
use super::spin::LenHint;
use super::storage::Storage;
use crate::error::ValueError;
use crate::registry::Blocked;
use crate::schedule::{self, Operation};
use crate::sys;
use crate::waiter::{self, WaitList, Wake};
use std::panic::Location;
use std::sync::Arc;
use std::time::Instant;

struct State<S> {
    items: S,
    unfinished: usize,
    shutdown: bool,
    not_empty: WaitList,
    not_full: WaitList,
    all_tasks_done: WaitList,
}

/// How long a put or get may wait.
#[derive(Clone, Copy)]
pub(crate) enum Block {
    Forever,
    Until(Option<Instant>),
    No,
}

impl Block {
    fn deadline(self) -> Option<Instant> {
        match self {
            Block::Until(deadline) => deadline,
            Block::Forever | Block::No => None,
        }
    }
}

pub(crate) struct Base<S> {
    state: sys::Mutex<State<S>>,
    len_hint: LenHint,
    maxsize: usize,
    site: &'static Location<'static>,
    name: Option<Arc<str>>,
}

impl<S: Storage> Base<S> {
    pub(crate) fn new(maxsize: usize, site: &'static Location<'static>) -> Self {
        Base {
            state: sys::Mutex::new(State {
                items: S::new(),
                unfinished: 0,
                shutdown: false,
                not_empty: WaitList::new(),
                not_full: WaitList::new(),
                all_tasks_done: WaitList::new(),
            }),
            len_hint: LenHint::default(),
            maxsize,
            site,
            name: None,
        }
    }

    pub(crate) fn set_name(&mut self, name: Arc<str>) {
        self.name = Some(name);
    }

    pub(crate) fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    pub(crate) fn maxsize(&self) -> usize {
        self.maxsize
    }

    pub(crate) fn qsize(&self) -> usize {
        self.state.lock().items.len()
    }

    pub(crate) fn full(&self) -> bool {
        self.maxsize > 0 && self.qsize() >= self.maxsize
    }

    pub(crate) fn unfinished_tasks(&self) -> usize {
        self.state.lock().unfinished
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.state.lock().shutdown
    }

    fn point(&self, operation: Operation) {
        schedule::point_named(operation, self.site, self.name.as_deref());
    }

    fn blocked(&self, operation: Operation) -> Blocked {
        Blocked::new(operation, self.site).named(self.name.clone())
    }

    /// Python's `Queue.put(item, block, timeout)`.
    #[inline]
    pub(crate) fn put(&self, item: S::Item, block: Block) -> Result<(), PutError<S::Item>> {
        self.point(Operation::QueuePut);
        let mut state = self.state.lock();
        if state.shutdown {
            return Err(PutError::ShutDown(item));
        }
        if self.maxsize > 0 && state.items.len() >= self.maxsize {
            state = match self.wait_for_room(state, block) {
                Ok(state) => state,
                Err(refused) => return Err(refused.with(item)),
            };
        }
        state.items.push(item);
        self.len_hint.set(state.items.len());
        state.unfinished += 1;
        let getter = state.not_empty.pop();
        drop(state);
        if let Some(getter) = getter {
            getter.notify();
        }
        Ok(())
    }

    #[cold]
    fn wait_for_room<'a>(
        &'a self,
        mut state: sys::MutexGuard<'a, State<S>>,
        block: Block,
    ) -> Result<sys::MutexGuard<'a, State<S>>, Refused> {
        let mut spun = false;
        while state.items.len() >= self.maxsize {
            if matches!(block, Block::No) {
                return Err(Refused::Full);
            }
            if !spun {
                spun = true;
                drop(state);
                self.len_hint.spin_until(|len| len < self.maxsize);
                state = self.state.lock();
            } else {
                let blocked = self.blocked(Operation::QueuePut);
                let (next, wake) =
                    waiter::wait_in(&self.state, state, |s| &mut s.not_full, block.deadline(), blocked);
                state = next;
                match wake {
                    Wake::Notified => {}
                    Wake::TimedOut if state.items.len() >= self.maxsize && !state.shutdown => {
                        return Err(Refused::Full);
                    }
                    Wake::TimedOut => {}
                    Wake::Interrupted => {
                        drop(state);
                        crate::interrupt::raise();
                    }
                }
            }
            if state.shutdown {
                return Err(Refused::ShutDown);
            }
        }
        Ok(state)
    }

    /// Python's `Queue.get(block, timeout)`.
    #[inline]
    pub(crate) fn get(&self, block: Block) -> Result<S::Item, GetError> {
        self.point(Operation::QueueGet);
        let mut state = self.state.lock();
        let mut spun = false;
        loop {
            if let Some(item) = state.items.pop() {
                self.len_hint.set(state.items.len());
                let putter = if self.maxsize > 0 { state.not_full.pop() } else { None };
                drop(state);
                if let Some(putter) = putter {
                    putter.notify();
                }
                return Ok(item);
            }
            if state.shutdown {
                return Err(GetError::ShutDown);
            }
            state = self.wait_for_item(state, block, &mut spun)?;
        }
    }

    /// Waits once for a put (the first time by spinning briefly, then by parking); returns the
    /// re-locked state for the caller to look again, or `Err(Empty)` when time is up.
    #[cold]
    fn wait_for_item<'a>(
        &'a self,
        state: sys::MutexGuard<'a, State<S>>,
        block: Block,
        spun: &mut bool,
    ) -> Result<sys::MutexGuard<'a, State<S>>, GetError> {
        if matches!(block, Block::No) {
            return Err(GetError::Empty);
        }
        if !*spun {
            *spun = true;
            drop(state);
            self.len_hint.spin_until(|len| len > 0);
            return Ok(self.state.lock());
        }
        let blocked = self.blocked(Operation::QueueGet);
        let (state, wake) =
            waiter::wait_in(&self.state, state, |s| &mut s.not_empty, block.deadline(), blocked);
        match wake {
            Wake::Notified => Ok(state),
            // One last look: an item that arrived with the deadline is still taken.
            Wake::TimedOut if state.items.len() > 0 || state.shutdown => Ok(state),
            Wake::TimedOut => Err(GetError::Empty),
            Wake::Interrupted => {
                drop(state);
                crate::interrupt::raise();
            }
        }
    }

    /// Python's `Queue.task_done()`.
    pub(crate) fn task_done(&self) -> Result<(), ValueError> {
        self.point(Operation::QueueTaskDone);
        let mut state = self.state.lock();
        match state.unfinished {
            0 => Err(ValueError::new("task_done() called too many times")),
            1 => {
                state.unfinished = 0;
                state.all_tasks_done.notify_all();
                Ok(())
            }
            _ => {
                state.unfinished -= 1;
                Ok(())
            }
        }
    }

    /// Python's `Queue.join()`.
    pub(crate) fn join(&self) {
        self.point(Operation::QueueJoin);
        let mut state = self.state.lock();
        while state.unfinished > 0 {
            let blocked = self.blocked(Operation::QueueJoin);
            let (next, wake) = waiter::wait_in(&self.state, state, |s| &mut s.all_tasks_done, None, blocked);
            state = next;
            if wake == Wake::Interrupted {
                drop(state);
                crate::interrupt::raise();
            }
        }
    }

    /// Python 3.13's `Queue.shutdown(immediate)`.
    pub(crate) fn shutdown(&self, immediate: bool) {
        self.point(Operation::QueueShutdown);
        let mut state = self.state.lock();
        state.shutdown = true;
        if immediate {
            let dropped = state.items.clear();
            self.len_hint.set(0);
            state.unfinished = state.unfinished.saturating_sub(dropped);
            state.all_tasks_done.notify_all();
        }
        state.not_empty.notify_all();
        state.not_full.notify_all();
    }
}

/// Why a put was refused, before the item is attached.
enum Refused {
    Full,
    ShutDown,
}

impl Refused {
    fn with<T>(self, item: T) -> PutError<T> {
        match self {
            Refused::Full => PutError::Full(item),
            Refused::ShutDown => PutError::ShutDown(item),
        }
    }
}
