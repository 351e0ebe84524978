//! Interrupting a blocked thread from outside: the notebook's interrupt button.
//!
//! Python turns SIGINT into `KeyboardInterrupt` in the main thread. Here any thread can be
//! interrupted: its current blocking call in this crate (or its next one, if it is busy) stops
//! and unwinds with a [`KeyboardInterrupt`] payload, so the caller's state survives and a
//! `catch_unwind` (the kernel's, a test's) sees what happened. A primitive interrupted
//! mid-wait is left consistent: a lock is not acquired, a condition's lock is not held, a
//! notification the thread had already received is passed on to another waiter.

use crate::error::KeyboardInterrupt;
use crate::registry::{self, ThreadInner};
use crate::thread::Thread;

/// Interrupts `thread`: its blocking call in this crate unwinds with [`KeyboardInterrupt`].
///
/// If the thread is not blocked, the request stays pending until its next blocking call
/// (or [`check_interrupt`]).
///
/// ```
/// use std::time::Duration;
/// let lock = std::sync::Arc::new(threading::Lock::new());
/// lock.acquire();
/// let stuck = threading::Thread::new({
///     let lock = lock.clone();
///     move || { lock.acquire(); }
/// });
/// stuck.start().unwrap();
/// threading::sleep(Duration::from_millis(20));
/// threading::interrupt(&stuck);
/// stuck.join().unwrap();
/// assert!(lock.locked(), "the interrupted acquire did not take the lock");
/// ```
pub fn interrupt(thread: &Thread) {
    thread.inner().request_interrupt();
}

/// Interrupts the process's main thread, as Python's `_thread.interrupt_main()` (and Ctrl-C) do.
///
/// ```no_run
/// // From a watchdog thread: stop the main thread's wait.
/// threading::interrupt_main();
/// ```
pub fn interrupt_main() {
    registry::main_record().request_interrupt();
}

/// Unwinds with [`KeyboardInterrupt`] if the calling thread has a pending interrupt request.
///
/// Long computations that never block can call this to stay interruptible.
///
/// ```
/// threading::interrupt(&threading::current_thread());
/// let caught = std::panic::catch_unwind(threading::check_interrupt);
/// assert!(threading::KeyboardInterrupt::is(&caught.unwrap_err()));
/// threading::check_interrupt(); // the request was consumed
/// ```
pub fn check_interrupt() {
    if registry::current().take_interrupt() {
        raise();
    }
}

/// Unwinds the calling thread with [`KeyboardInterrupt`], without running the panic hook.
pub(crate) fn raise() -> ! {
    std::panic::resume_unwind(Box::new(KeyboardInterrupt))
}

/// Consumes a pending request of `thread` and unwinds if there was one.
pub(crate) fn check(thread: &ThreadInner) {
    if thread.take_interrupt() {
        raise();
    }
}
