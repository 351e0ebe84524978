//! This process's view of the process tree: who it is, who started it, which children it
//! started, and the counter behind `Process-N` names (Python's module globals
//! `_current_process`, `_parent_process`, `_children`, `_process_counter`).

use super::process::{Process, ProcessInner, Role};
use std::sync::{Arc, Mutex, MutexGuard};

pub(crate) struct World {
    current: Option<Process>,
    parent: Option<Process>,
    children: Vec<Process>,
    counter: u32,
}

static WORLD: Mutex<World> =
    Mutex::new(World { current: None, parent: None, children: Vec::new(), counter: 0 });

/// Locks the world; `start` holds this across `fork` so the child never inherits it mid-update.
pub(crate) fn lock() -> MutexGuard<'static, World> {
    WORLD.lock().unwrap_or_else(|e| e.into_inner())
}

impl World {
    /// The current process, created as `MainProcess` on first use.
    pub(crate) fn current(&mut self) -> Process {
        self.current
            .get_or_insert_with(|| {
                Process::from_inner(ProcessInner::new(
                    Role::Main,
                    "_MainProcess",
                    Arc::from("MainProcess"),
                    false,
                    vec![],
                ))
            })
            .clone()
    }

    /// The name of the current process (what a child will call its parent).
    pub(crate) fn current_name(&mut self) -> Arc<str> {
        self.current().inner.name()
    }

    pub(crate) fn add_child(&mut self, child: Process) {
        self.children.push(child);
    }

    /// In a freshly started child: it is the process `me` describes now, started by
    /// `parent_pid`, with no children yet and a fresh name counter (as Python's
    /// `BaseProcess._bootstrap`). The records are new, so no lock copied from the parent in a
    /// held state is ever touched.
    pub(crate) fn become_child(&mut self, me: &Identity, parent_name: Arc<str>, parent_pid: u32) {
        let current =
            ProcessInner::new(Role::Current, &me.class, Arc::clone(&me.name), me.daemon, me.identity.clone())
                .with_parent(Some(parent_pid), None);
        let parent = ProcessInner::new(Role::Parent, "_ParentProcess", parent_name, false, vec![])
            .with_parent(None, Some(parent_pid));
        // The parent's records are left unreachable rather than dropped: they were copied in
        // whatever state the parent's other threads had them.
        std::mem::forget(self.current.replace(Process::from_inner(current)));
        std::mem::forget(self.parent.replace(Process::from_inner(parent)));
        std::mem::forget(std::mem::take(&mut self.children));
        self.counter = 0;
    }
}

/// What a child needs to know to be "the current process".
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub(crate) class: Arc<str>,
    pub(crate) name: Arc<str>,
    pub(crate) daemon: bool,
    pub(crate) identity: Vec<u32>,
}

impl Identity {
    pub(crate) fn of(process: &Process) -> Identity {
        let inner = &process.inner;
        Identity {
            class: Arc::clone(&inner.class),
            name: inner.name(),
            daemon: inner.daemon(),
            identity: inner.identity.clone(),
        }
    }
}

/// The current process (see [`current_process`](super::current_process)).
pub(crate) fn current() -> Process {
    lock().current()
}

/// The process that started this one, if it was started as a `Process`.
pub(crate) fn parent() -> Option<Process> {
    lock().parent.clone()
}

/// The identity of a new process object: the current process's, plus the next count.
pub(crate) fn next_identity() -> Vec<u32> {
    let mut world = lock();
    world.counter += 1;
    let counter = world.counter;
    let mut identity = world.current().inner.identity.clone();
    identity.push(counter);
    identity
}

/// Reaps the children that have ended and forgets them (Python's `_cleanup`, run by `start`).
pub(crate) fn reap_finished_children() {
    let _ = active_children();
}

/// The children started by this process that have not ended; ended ones are forgotten
/// (Python's `active_children()`, which also reaps them).
pub(crate) fn active_children() -> Vec<Process> {
    let mut world = lock();
    world.children.retain(|child| child.is_alive());
    world.children.clone()
}

/// Python's `multiprocessing.util._exit_function`: terminate the daemon children, then join
/// every child. Runs at the end of [`shutdown`](crate::shutdown).
pub(crate) fn at_exit() {
    for child in active_children() {
        if child.daemon() {
            let _ = child.terminate();
        }
    }
    for child in active_children() {
        let _ = child.join();
    }
}
