//! A short spin before parking, as crossbeam's channels do: on a busy queue the item (or the
//! free slot) usually arrives within a microsecond or two, far sooner than a park and an OS
//! wake-up would take.

#[cfg(not(loom))]
use crate::schedule;

/// The item count as of the last put or get, readable without the queue's mutex.
///
/// Under loom it is empty and nothing spins: the model must see every wait as a park.
#[derive(Debug, Default)]
pub(crate) struct LenHint {
    #[cfg(not(loom))]
    len: std::sync::atomic::AtomicUsize,
}

impl LenHint {
    /// Records the count; called with the queue's mutex held.
    #[inline]
    pub(crate) fn set(&self, _len: usize) {
        #[cfg(not(loom))]
        self.len.store(_len, std::sync::atomic::Ordering::Relaxed);
    }

    /// Spins, then yields, for a few microseconds at most until `ready(count)` seems to hold.
    /// The caller re-checks under the mutex either way. Never under an installed scheduler,
    /// which decides who runs and must see the wait.
    #[cold]
    pub(crate) fn spin_until(&self, _ready: impl Fn(usize) -> bool) {
        #[cfg(not(loom))]
        if !schedule::active() {
            for step in 0..10u32 {
                if _ready(self.len.load(std::sync::atomic::Ordering::Relaxed)) {
                    return;
                }
                if step < 6 {
                    (0..1u32 << step).for_each(|_| std::hint::spin_loop());
                } else {
                    std::thread::yield_now();
                }
            }
        }
    }
}
