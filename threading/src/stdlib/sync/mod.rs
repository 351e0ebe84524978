//! `std::sync`, controlled: the same names, signatures and semantics, with every operation a
//! [synchronisation point](crate::schedule). See [the module above](crate::stdlib) for the
//! differences from `std`.
//!
//! ```
//! use threading::stdlib::sync::{Arc, Mutex, RwLock};
//! let shared = Arc::new((Mutex::new(1), RwLock::new(2)));
//! assert_eq!(*shared.0.lock().unwrap() + *shared.1.read().unwrap(), 3);
//! ```

pub mod atomic;
mod barrier;
mod condvar;
pub mod mpsc;
mod mutex;
mod once;
mod raw;
mod rwlock;

pub use barrier::{Barrier, BarrierWaitResult};
pub use condvar::{Condvar, WaitTimeoutResult};
pub use mutex::{Mutex, MutexGuard};
pub use once::{LazyLock, Once, OnceLock, OnceState};
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};
pub use std::sync::{Arc, LockResult, PoisonError, TryLockError, TryLockResult, Weak};
// Anything else `std::sync` has (unstable or deprecated items), unchanged; the items above shadow std's.
#[allow(deprecated)]
pub use std::sync::*;
