//! Python's module-level functions: `current_thread`, `enumerate`, `active_count`, ...

use crate::registry;
use crate::thread::Thread;
use std::time::Duration;

/// The calling thread (Python's `threading.current_thread()`). Threads this crate did not start
/// appear as `MainThread` or as dummy threads (`Dummy-N`), as in Python.
///
/// ```
/// let t = threading::Thread::builder().name("worker").target(|| {
///     assert_eq!(threading::current_thread().name(), "worker");
/// });
/// t.start().unwrap();
/// t.join().unwrap();
/// let other = std::thread::spawn(|| threading::current_thread().to_string()).join().unwrap();
/// assert!(other.starts_with("<_DummyThread(Dummy-"));
/// ```
pub fn current_thread() -> Thread {
    Thread::from_inner(registry::current())
}

/// The process's main thread (Python's `threading.main_thread()`).
///
/// ```
/// assert_eq!(threading::main_thread().name(), "MainThread");
/// assert!(threading::main_thread().to_string().starts_with("<_MainThread(MainThread, started"));
/// ```
pub fn main_thread() -> Thread {
    Thread::from_inner(registry::main_record())
}

/// Every alive thread: the main thread, started threads that have not ended, and dummy
/// threads (Python's `threading.enumerate()`).
///
/// ```
/// let all = threading::enumerate();
/// assert_eq!(all[0], threading::main_thread());
/// assert!(all.contains(&threading::current_thread()));
/// ```
pub fn enumerate() -> Vec<Thread> {
    registry::alive().into_iter().map(Thread::from_inner).collect()
}

/// How many threads [`enumerate`] would list (Python's `threading.active_count()`).
///
/// ```
/// assert!(threading::active_count() >= 1);
/// ```
pub fn active_count() -> usize {
    registry::alive().len()
}

/// The calling thread's `ident` (Python's `threading.get_ident()`).
///
/// ```
/// assert_ne!(threading::get_ident(), 0);
/// ```
pub fn get_ident() -> u64 {
    registry::current().ident()
}

/// The calling thread's OS thread id (Python's `threading.get_native_id()`).
///
/// ```
/// assert_ne!(threading::get_native_id(), 0);
/// ```
pub fn get_native_id() -> u64 {
    registry::current().native_id()
}

/// The longest timeout the blocking calls accept (Python's `threading.TIMEOUT_MAX`); longer
/// timeouts are treated as no timeout.
///
/// ```
/// assert!(threading::TIMEOUT_MAX.as_secs() > 9_000_000_000);
/// ```
pub const TIMEOUT_MAX: Duration = Duration::from_millis(9_223_372_036_854);
