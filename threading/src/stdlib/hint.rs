//! `std::hint`, controlled: [`spin_loop`] is a synchronisation point, so a spin-wait gives a
//! controlled scheduler the chance to run the thread it waits for.

// The rest of `std::hint`, unchanged (`spin_loop` below shadows std's).
pub use std::hint::*;

/// `std::hint::spin_loop`: signals a busy-wait. Under a scheduler it is a synchronisation point
/// (`hint::spin_loop`) followed by the scheduler's [`sleep`](crate::schedule::Scheduler::sleep)
/// of zero, a yield to a controller, as [`thread::yield_now`](super::thread::yield_now) is.
///
/// ```
/// use threading::stdlib::sync::atomic::{AtomicBool, Ordering};
/// use threading::stdlib::sync::Arc;
///
/// let ready = Arc::new(AtomicBool::new(false));
/// let t = threading::stdlib::thread::spawn({
///     let ready = ready.clone();
///     move || ready.store(true, Ordering::Release)
/// });
/// while !ready.load(Ordering::Acquire) {
///     threading::stdlib::hint::spin_loop();
/// }
/// t.join().unwrap();
/// ```
#[track_caller]
#[inline]
pub fn spin_loop() {
    if !(crate::schedule::active()
        && super::wait::yield_point(crate::schedule::Operation::SpinLoop, std::panic::Location::caller()))
    {
        std::hint::spin_loop();
    }
}
