//! Python's program exit: wait for non-daemon threads, abandon daemon threads.

use crate::current::{current_thread, enumerate};

/// Waits for every alive non-daemon thread started by this crate, as Python does when the main
/// program ends; daemon threads are left running and die with the process.
///
/// A Rust program exits when `main` returns, killing every thread, daemon or not. Call this
/// at the end of `main` (or hold an [`exit_guard`]) to get Python's behaviour (seeds 003 and 004).
///
/// ```
/// use std::time::Duration;
/// let worker = threading::Thread::new(|| threading::sleep(Duration::from_millis(20)));
/// let daemon = threading::Thread::builder().daemon(true).target(|| threading::sleep(Duration::from_secs(60)));
/// worker.start().unwrap();
/// daemon.start().unwrap();
/// threading::shutdown();
/// assert!(!worker.is_alive());
/// assert!(daemon.is_alive(), "daemon threads are not waited for");
/// ```
pub fn shutdown() {
    // Python's `threading._register_atexit` hooks, run before the join: thread pools finish
    // their queued work and stop.
    crate::futures::at_exit();
    let me = current_thread();
    loop {
        let pending: Vec<_> = enumerate()
            .into_iter()
            .filter(|t| *t != me && !t.daemon() && t.is_alive() && t.site().is_some())
            .collect();
        if pending.is_empty() {
            break;
        }
        for thread in pending {
            let _ = thread.join();
        }
    }
    // Then, as Python's `multiprocessing` at exit: terminate daemon processes, join the others.
    #[cfg(feature = "process")]
    crate::process::at_exit();
}

/// Calls [`shutdown`] when dropped, so that `main` ends as a Python program does.
///
/// ```
/// // At the top of `main`:
/// let _exit = threading::exit_guard();
/// threading::Thread::new(|| println!("joined before the process exits")).start().unwrap();
/// // ... at the end of `main` the guard waits for the thread.
/// ```
#[must_use = "the guard waits for non-daemon threads when it is dropped"]
#[derive(Debug)]
pub struct ExitGuard {
    _private: (),
}

impl Drop for ExitGuard {
    fn drop(&mut self) {
        shutdown();
    }
}

/// A guard that runs [`shutdown`] at the end of its scope (the end of `main`).
///
/// ```
/// let guard = threading::exit_guard();
/// drop(guard);
/// ```
pub fn exit_guard() -> ExitGuard {
    ExitGuard { _private: () }
}
