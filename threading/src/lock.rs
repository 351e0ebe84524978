//! Python's `threading.Lock`: a primitive lock with no owner.

#![allow(unsafe_code)]

use crate::error::RuntimeError;
use crate::raw_lock::{LockKind, RawLock, deadline_after};
use std::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::panic::Location;
use std::sync::Arc;
use std::time::Duration;

/// A primitive lock (Python's `threading.Lock`), optionally guarding a value.
///
/// It has no owner: any thread may [`release`](Lock::release) a `Lock<()>`, not only the one
/// that acquired it (seed 000's "a mutex doesn't have an owner"; the two-lock pipeline relies on
/// it). Releasing an unlocked lock is an error. [`lock`](Lock::lock) returns a guard, Python's
/// `with lock:`.
///
/// ```
/// use std::sync::Arc;
/// use threading::{Lock, Thread};
///
/// let lock = Arc::new(Lock::new());
/// lock.acquire();
/// // Another thread releases it: allowed, Python's Lock has no owner.
/// let releaser = Thread::new({
///     let lock = lock.clone();
///     move || lock.release().unwrap()
/// });
/// releaser.start().unwrap();
/// releaser.join().unwrap();
/// assert!(!lock.locked());
/// assert_eq!(lock.release().unwrap_err().to_string(), "release unlocked lock");
/// ```
///
/// To keep state next to the lock, as Python code keeps attributes next to `self.lock`, let
/// the lock guard the state: `Lock::with_data(0)` and `*counter.lock() += 1`. Such a lock has
/// no bare `acquire`/`release` (a release by another thread would leave two writers); its guard
/// is the only way in.
///
/// ```
/// use std::sync::Arc;
/// let counter = Arc::new(threading::Lock::with_data(0));
/// let threads: Vec<_> = (0..4)
///     .map(|_| {
///         let counter = counter.clone();
///         threading::Thread::new(move || for _ in 0..1000 { *counter.lock() += 1 })
///     })
///     .collect();
/// threads.iter().for_each(|t| t.start().unwrap());
/// threads.iter().for_each(|t| t.join().unwrap());
/// assert_eq!(*counter.lock(), 4000);
/// ```
///
/// # Differences from Python
/// * `acquire(blocking=False)` is [`try_acquire`](Lock::try_acquire); `acquire(timeout=t)` is
///   [`acquire_timeout`](Lock::acquire_timeout).
/// * A blocked acquire is interruptible (it unwinds with [`KeyboardInterrupt`](crate::KeyboardInterrupt)).
pub struct Lock<T: ?Sized = ()> {
    raw: RawLock,
    data: UnsafeCell<T>,
}

// SAFETY: the value is only reached through a guard, which exists only while the lock is held;
// `Lock<T>` for `T != ()` offers no bare release, so one guard at a time has the value.
unsafe impl<T: ?Sized + Send> Sync for Lock<T> {}
unsafe impl<T: ?Sized + Send> Send for Lock<T> {}

// Like `std::sync::Mutex`: a panic while the lock is held releases it (the guard's drop), and
// Python's locks have no poisoning either.
impl<T: ?Sized> std::panic::UnwindSafe for Lock<T> {}
impl<T: ?Sized> std::panic::RefUnwindSafe for Lock<T> {}

impl Lock<()> {
    /// An unlocked lock (Python's `threading.Lock()`).
    ///
    /// ```
    /// assert!(!threading::Lock::new().locked());
    /// ```
    #[track_caller]
    pub fn new() -> Lock<()> {
        Lock::with_data(())
    }

    /// Blocks until the lock is acquired; returns `true`, as Python's `acquire()` does.
    ///
    /// ```
    /// let lock = threading::Lock::new();
    /// assert!(lock.acquire());
    /// assert!(lock.locked());
    /// ```
    pub fn acquire(&self) -> bool {
        self.raw.acquire(None)
    }

    /// Waits at most `timeout` for the lock; returns whether it was acquired
    /// (Python's `acquire(timeout=...)`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let lock = threading::Lock::new();
    /// lock.acquire();
    /// assert!(!lock.acquire_timeout(Duration::from_millis(10)));
    /// ```
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.raw.acquire(deadline_after(timeout))
    }

    /// Acquires only if the lock is free right now (Python's `acquire(blocking=False)`).
    ///
    /// ```
    /// let lock = threading::Lock::new();
    /// assert!(lock.try_acquire());
    /// assert!(!lock.try_acquire());
    /// ```
    pub fn try_acquire(&self) -> bool {
        self.raw.try_acquire()
    }

    /// Releases the lock, from any thread. Releasing an unlocked lock is an error.
    ///
    /// ```
    /// let lock = threading::Lock::new();
    /// lock.acquire();
    /// lock.release().unwrap();
    /// assert!(lock.release().is_err());
    /// ```
    pub fn release(&self) -> Result<(), RuntimeError> {
        self.raw.release()
    }
}

impl Default for Lock<()> {
    #[track_caller]
    fn default() -> Self {
        Lock::new()
    }
}

impl<T> Lock<T> {
    /// An unlocked lock guarding `data`; reach it with [`lock`](Lock::lock).
    ///
    /// ```
    /// let names = threading::Lock::with_data(vec!["a"]);
    /// names.lock().push("b");
    /// assert_eq!(names.lock().len(), 2);
    /// ```
    #[track_caller]
    pub fn with_data(data: T) -> Lock<T> {
        Lock { raw: RawLock::new(Location::caller(), LockKind::Lock), data: UnsafeCell::new(data) }
    }

    /// Consumes the lock and returns the value.
    ///
    /// ```
    /// assert_eq!(threading::Lock::with_data(5).into_inner(), 5);
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T: ?Sized> Lock<T> {
    /// Names the lock, for deadlock reports and the scheduler.
    ///
    /// ```
    /// let fork = threading::Lock::new().named("fork 1");
    /// assert_eq!(fork.name(), Some("fork 1"));
    /// ```
    pub fn named(mut self, name: impl Into<Arc<str>>) -> Self
    where
        T: Sized,
    {
        self.raw.name = Some(name.into());
        self
    }

    /// The name given with [`named`](Lock::named).
    pub fn name(&self) -> Option<&str> {
        self.raw.name.as_deref()
    }

    /// Whether the lock is held by some thread (Python's `locked()`).
    ///
    /// ```
    /// let lock = threading::Lock::new();
    /// let guard = lock.lock();
    /// assert!(lock.locked());
    /// drop(guard);
    /// assert!(!lock.locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.raw.locked()
    }

    /// Acquires the lock and returns a guard that releases it when dropped: Python's
    /// `with lock:`. The guard dereferences to the guarded value.
    ///
    /// ```
    /// let lock = threading::Lock::with_data(1);
    /// {
    ///     let mut value = lock.lock(); // with lock:
    ///     *value += 1;
    /// } // released here
    /// assert_eq!(*lock.lock(), 2);
    /// ```
    pub fn lock(&self) -> LockGuard<'_, T> {
        self.raw.acquire(None);
        LockGuard { lock: self, _value: PhantomData }
    }

    /// Like [`lock`](Lock::lock), waiting at most `timeout`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let lock = threading::Lock::with_data(0);
    /// let held = lock.lock();
    /// assert!(lock.lock_timeout(Duration::from_millis(5)).is_none());
    /// drop(held);
    /// assert!(lock.lock_timeout(Duration::from_millis(5)).is_some());
    /// ```
    pub fn lock_timeout(&self, timeout: Duration) -> Option<LockGuard<'_, T>> {
        self.raw.acquire(deadline_after(timeout)).then_some(LockGuard { lock: self, _value: PhantomData })
    }

    /// Like [`lock`](Lock::lock), only if the lock is free now.
    ///
    /// ```
    /// let lock = threading::Lock::with_data(0);
    /// let held = lock.try_lock().unwrap();
    /// assert!(lock.try_lock().is_none());
    /// ```
    pub fn try_lock(&self) -> Option<LockGuard<'_, T>> {
        self.raw.try_acquire().then_some(LockGuard { lock: self, _value: PhantomData })
    }

    /// Mutable access without locking, when the borrow checker proves no one else can look.
    ///
    /// ```
    /// let mut lock = threading::Lock::with_data(1);
    /// *lock.get_mut() = 2;
    /// assert_eq!(*lock.lock(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.data.get_mut()
    }

    pub(crate) fn raw(&self) -> &RawLock {
        &self.raw
    }

    /// The guarded value, for guards of other primitives built on this lock.
    ///
    /// SAFETY: the caller must hold the lock and be the only one reaching the value through it.
    pub(crate) unsafe fn data_ptr(&self) -> *mut T {
        self.data.get()
    }
}

impl<T: ?Sized> fmt::Debug for Lock<T> {
    /// Python's repr: `<unlocked _thread.lock object at 0x...>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.locked() { "locked" } else { "unlocked" };
        write!(f, "<{state} _thread.lock object at {:p}>", self as *const Self as *const u8)
    }
}

impl<T: ?Sized> fmt::Display for Lock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Holds a [`Lock`] for as long as it lives (Python's `with lock:` block).
///
/// ```
/// let lock = threading::Lock::with_data(String::new());
/// lock.lock().push_str("hi");
/// assert_eq!(&*lock.lock(), "hi");
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<'a, T: ?Sized> {
    lock: &'a Lock<T>,
    /// Makes the guard `Sync` only for `T: Sync`, as `std::sync::MutexGuard`.
    _value: PhantomData<&'a mut T>,
}

impl<T: ?Sized> Deref for LockGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard exists only while the lock is held (see the `Sync` impl).
        unsafe { &*self.lock.data.get() }
    }
}

impl<T: ?Sized> DerefMut for LockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes this the only borrow through the guard.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T: ?Sized> Drop for LockGuard<'_, T> {
    fn drop(&mut self) {
        // Only a `Lock<()>` can be released behind its guard's back; Python would raise at the
        // end of the `with` block, a destructor cannot, and there is no data to protect.
        let _ = self.lock.raw.release();
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for LockGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
