//! Python's `threading.Semaphore` and `threading.BoundedSemaphore`.

use crate::error::ValueError;
use crate::raw_lock::deadline_after;
use crate::registry::Blocked;
use crate::schedule::{self, Operation};
use crate::sys;
use crate::waiter::{self, WaitList, Wake};
use std::fmt;
use std::panic::Location;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct State {
    value: usize,
    waiters: WaitList,
}

/// The counter and waiters shared by both semaphores.
struct Counter {
    state: sys::Mutex<State>,
    site: &'static Location<'static>,
    name: Option<Arc<str>>,
    /// `Semaphore.acquire` or `BoundedSemaphore.acquire`, and the release.
    acquire_op: Operation,
    release_op: Operation,
}

impl Counter {
    fn new(
        value: usize,
        site: &'static Location<'static>,
        (acquire_op, release_op): (Operation, Operation),
    ) -> Self {
        let state = sys::Mutex::new(State { value, waiters: WaitList::new() });
        Counter { state, site, name: None, acquire_op, release_op }
    }

    fn acquire(&self, deadline: Option<Instant>) -> bool {
        schedule::point_named(self.acquire_op, self.site, self.name.as_deref());
        let mut state = self.state.lock();
        while state.value == 0 {
            let blocked = Blocked::new(self.acquire_op, self.site).named(self.name.clone());
            let (next, wake) = waiter::wait_in(&self.state, state, |s| &mut s.waiters, deadline, blocked);
            state = next;
            match wake {
                Wake::Notified => {}
                Wake::TimedOut if state.value == 0 => return false,
                Wake::TimedOut => {}
                Wake::Interrupted => {
                    drop(state);
                    crate::interrupt::raise();
                }
            }
        }
        state.value -= 1;
        true
    }

    fn try_acquire(&self) -> bool {
        schedule::point_named(self.acquire_op, self.site, self.name.as_deref());
        let mut state = self.state.lock();
        if state.value == 0 {
            return false;
        }
        state.value -= 1;
        true
    }

    fn release(&self, n: usize, bound: Option<usize>) -> Result<(), ValueError> {
        if n == 0 {
            return Err(ValueError::new("n must be one or more"));
        }
        schedule::point_named(self.release_op, self.site, self.name.as_deref());
        let mut state = self.state.lock();
        if bound.is_some_and(|bound| state.value + n > bound) {
            return Err(ValueError::new("Semaphore released too many times"));
        }
        state.value += n;
        state.waiters.notify(n);
        Ok(())
    }

    fn value(&self) -> usize {
        self.state.lock().value
    }
}

macro_rules! semaphore_common {
    ($ty:ident, $guard:ident) => {
        impl $ty {
            /// Names the semaphore, for deadlock reports and the scheduler.
            ///
            /// ```
            #[doc = concat!("let s = threading::", stringify!($ty), "::new(1).named(\"pool\");")]
            /// assert_eq!(s.name(), Some("pool"));
            /// ```
            pub fn named(mut self, name: impl Into<Arc<str>>) -> Self {
                self.counter.name = Some(name.into());
                self
            }

            /// The name given with `named`.
            pub fn name(&self) -> Option<&str> {
                self.counter.name.as_deref()
            }

            /// Blocks until the counter is positive, then decrements it; returns `true`.
            ///
            /// ```
            #[doc = concat!("let s = threading::", stringify!($ty), "::new(1);")]
            /// assert!(s.acquire());
            /// assert!(!s.try_acquire());
            /// ```
            pub fn acquire(&self) -> bool {
                self.counter.acquire(None)
            }

            /// Waits at most `timeout`; returns whether the counter was decremented.
            ///
            /// ```
            #[doc = concat!("let s = threading::", stringify!($ty), "::new(0);")]
            /// assert!(!s.acquire_timeout(std::time::Duration::from_millis(5)));
            /// ```
            pub fn acquire_timeout(&self, timeout: Duration) -> bool {
                self.counter.acquire(deadline_after(timeout))
            }

            /// Decrements only if the counter is positive now (Python's `acquire(blocking=False)`).
            ///
            /// ```
            #[doc = concat!("let s = threading::", stringify!($ty), "::new(1);")]
            /// assert!(s.try_acquire());
            /// assert!(!s.try_acquire());
            /// ```
            pub fn try_acquire(&self) -> bool {
                self.counter.try_acquire()
            }

            /// The counter's current value (Python's `_value`).
            ///
            /// ```
            #[doc = concat!("let s = threading::", stringify!($ty), "::new(3);")]
            /// s.acquire();
            /// assert_eq!(s.value(), 2);
            /// ```
            pub fn value(&self) -> usize {
                self.counter.value()
            }

            /// Acquires and returns a guard that releases when dropped (Python's `with sem:`).
            ///
            /// ```
            #[doc = concat!("let s = threading::", stringify!($ty), "::new(1);")]
            /// {
            ///     let _slot = s.guard();
            ///     assert_eq!(s.value(), 0);
            /// }
            /// assert_eq!(s.value(), 1);
            /// ```
            pub fn guard(&self) -> $guard<'_> {
                self.acquire();
                $guard { semaphore: self }
            }
        }

        impl fmt::Debug for $ty {
            /// Python's repr: `<threading.Semaphore at 0x...: value=1>`.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "<threading.{} at {:p}: value={}",
                    stringify!($ty),
                    self as *const Self,
                    self.value()
                )?;
                if let Some(bound) = self.bound() {
                    write!(f, "/{bound}")?;
                }
                f.write_str(">")
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self, f)
            }
        }

        /// Holds one unit of a semaphore for as long as it lives (Python's `with sem:` block).
        #[must_use = "the semaphore is released as soon as the guard is dropped"]
        #[derive(Debug)]
        pub struct $guard<'a> {
            semaphore: &'a $ty,
        }

        impl Drop for $guard<'_> {
            fn drop(&mut self) {
                let _ = self.semaphore.release();
            }
        }
    };
}

/// A counter of permits (Python's `threading.Semaphore`): `acquire` takes one, waiting while
/// there are none; `release` gives one back. Seed 004 limits a pool of workers with it.
///
/// ```
/// use std::sync::Arc;
/// use threading::{Semaphore, Thread};
///
/// let pool = Arc::new(Semaphore::new(2));
/// let active = Arc::new(std::sync::atomic::AtomicUsize::new(0));
/// let workers: Vec<_> = (0..5)
///     .map(|_| {
///         let (pool, active) = (pool.clone(), active.clone());
///         Thread::new(move || {
///             let _slot = pool.guard();
///             let now = active.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
///             assert!(now <= 2, "at most two workers at once");
///             threading::sleep(std::time::Duration::from_millis(5));
///             active.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
///         })
///     })
///     .collect();
/// workers.iter().for_each(|t| t.start().unwrap());
/// workers.iter().for_each(|t| t.join().unwrap());
/// ```
///
/// # Differences from Python
/// * The initial value is a `usize`, so Python's "value must be >= 0" cannot happen.
/// * `release(n)` is [`release_n`](Semaphore::release_n).
pub struct Semaphore {
    counter: Counter,
}

impl Semaphore {
    /// A semaphore with `value` permits (Python's `Semaphore(value)`).
    ///
    /// ```
    /// assert_eq!(threading::Semaphore::new(3).value(), 3);
    /// ```
    #[track_caller]
    pub fn new(value: usize) -> Semaphore {
        Semaphore {
            counter: Counter::new(
                value,
                Location::caller(),
                (Operation::SemaphoreAcquire, Operation::SemaphoreRelease),
            ),
        }
    }

    /// Gives back one permit, waking a waiter.
    ///
    /// ```
    /// let s = threading::Semaphore::new(0);
    /// s.release();
    /// assert_eq!(s.value(), 1);
    /// ```
    pub fn release(&self) {
        let _ = self.counter.release(1, None);
    }

    /// Gives back `n` permits, waking up to `n` waiters (Python's `release(n)`).
    ///
    /// ```
    /// let s = threading::Semaphore::new(0);
    /// s.release_n(3).unwrap();
    /// assert_eq!(s.value(), 3);
    /// assert!(s.release_n(0).is_err());
    /// ```
    pub fn release_n(&self, n: usize) -> Result<(), ValueError> {
        self.counter.release(n, None)
    }

    fn bound(&self) -> Option<usize> {
        None
    }
}

semaphore_common!(Semaphore, SemaphoreGuard);

impl Default for Semaphore {
    /// One permit, Python's `Semaphore()` default.
    ///
    /// ```
    /// assert_eq!(threading::Semaphore::default().value(), 1);
    /// ```
    #[track_caller]
    fn default() -> Semaphore {
        Semaphore::new(1)
    }
}

/// A semaphore that refuses to be released above its initial value (Python's
/// `threading.BoundedSemaphore`), catching a release without an acquire.
///
/// ```
/// let s = threading::BoundedSemaphore::new(2);
/// s.acquire();
/// s.release().unwrap();
/// assert_eq!(s.release().unwrap_err().to_string(), "Semaphore released too many times");
/// ```
pub struct BoundedSemaphore {
    counter: Counter,
    initial: usize,
}

impl BoundedSemaphore {
    /// A bounded semaphore with `value` permits.
    ///
    /// ```
    /// assert_eq!(threading::BoundedSemaphore::new(1).value(), 1);
    /// ```
    #[track_caller]
    pub fn new(value: usize) -> BoundedSemaphore {
        BoundedSemaphore {
            counter: Counter::new(
                value,
                Location::caller(),
                (Operation::BoundedSemaphoreAcquire, Operation::BoundedSemaphoreRelease),
            ),
            initial: value,
        }
    }

    /// Gives back one permit; more releases than acquires are an error.
    ///
    /// ```
    /// let s = threading::BoundedSemaphore::new(1);
    /// assert!(s.release().is_err());
    /// ```
    pub fn release(&self) -> Result<(), ValueError> {
        self.counter.release(1, Some(self.initial))
    }

    /// Gives back `n` permits; going above the initial value is an error and releases nothing.
    ///
    /// ```
    /// let s = threading::BoundedSemaphore::new(2);
    /// s.acquire();
    /// assert!(s.release_n(2).is_err());
    /// assert_eq!(s.value(), 1);
    /// ```
    pub fn release_n(&self, n: usize) -> Result<(), ValueError> {
        self.counter.release(n, Some(self.initial))
    }

    fn bound(&self) -> Option<usize> {
        Some(self.initial)
    }
}

semaphore_common!(BoundedSemaphore, BoundedSemaphoreGuard);

impl Default for BoundedSemaphore {
    /// One permit, Python's `BoundedSemaphore()` default.
    ///
    /// ```
    /// assert_eq!(threading::BoundedSemaphore::default().value(), 1);
    /// ```
    #[track_caller]
    fn default() -> BoundedSemaphore {
        BoundedSemaphore::new(1)
    }
}
