//! The runtime core under the Python primitives: thread records and the registry of who waits
//! on what, the shared waiting machinery, interrupts, the owner-less raw lock, the scheduling
//! hook, and the low-level `sys`/`os` layer that loom swaps out.
//!
//! Nothing here is Python's API; the primitives at the crate root (`Lock`, `Condition`,
//! `Thread`, ...) are built on it, as parking_lot's typed locks are on its raw ones.

pub(crate) mod interrupt;
pub(crate) mod operation;
pub(crate) mod os;
pub(crate) mod raw_lock;
pub(crate) mod registry;
pub mod schedule;
pub(crate) mod sys;
pub(crate) mod waiter;
