//! `std::sync::Mutex`, controlled.

use super::raw::RawMutex;
use crate::schedule::Operation;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::panic::{Location, RefUnwindSafe, UnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LockResult, PoisonError, TryLockError, TryLockResult};

/// `std::sync::Mutex`: a mutual exclusion lock protecting a `T`, poisoned when a thread panics
/// while holding it. [`lock`](Mutex::lock), [`try_lock`](Mutex::try_lock) and every unlock are
/// synchronisation points (`Mutex.lock`, `Mutex.unlock`), and a blocked `lock` parks where a
/// controlled scheduler sees it.
///
/// ```
/// use threading::stdlib::sync::{Arc, Mutex};
/// use threading::stdlib::thread;
///
/// let counter = Arc::new(Mutex::new(0));
/// let handles: Vec<_> = (0..4)
///     .map(|_| {
///         let counter = Arc::clone(&counter);
///         thread::spawn(move || *counter.lock().unwrap() += 1)
///     })
///     .collect();
/// for h in handles {
///     h.join().unwrap();
/// }
/// assert_eq!(*counter.lock().unwrap(), 4);
/// ```
pub struct Mutex<T: ?Sized> {
    raw: RawMutex,
    poisoned: AtomicBool,
    site: &'static Location<'static>,
    data: parking_lot::Mutex<T>,
}

// As std's: a panic poisons the mutex, so observing it after a caught panic is detectable.
impl<T: ?Sized> UnwindSafe for Mutex<T> {}
impl<T: ?Sized> RefUnwindSafe for Mutex<T> {}

/// The lock of a [`Mutex`], held while this guard lives (`std::sync::MutexGuard`); dereferences
/// to the data. Dropping it unlocks, and poisons the mutex if the thread is panicking.
///
/// ```
/// let m = threading::stdlib::sync::Mutex::new(vec![1]);
/// let mut guard = m.lock().unwrap();
/// guard.push(2);
/// drop(guard);
/// assert_eq!(*m.lock().unwrap(), [1, 2]);
/// ```
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct MutexGuard<'a, T: ?Sized + 'a> {
    // Field order matters: the data is released before the lock (`unlock`'s drop).
    data: parking_lot::MutexGuard<'a, T>,
    unlock: Unlock<'a, T>,
}

struct Unlock<'a, T: ?Sized> {
    mutex: &'a Mutex<T>,
    panicking: bool,
}

impl<T: ?Sized> Drop for Unlock<'_, T> {
    fn drop(&mut self) {
        if !self.panicking && std::thread::panicking() {
            self.mutex.poisoned.store(true, Ordering::Relaxed);
        }
        self.mutex.raw.unlock(Operation::MutexUnlock, self.mutex.site);
    }
}

impl<T> Mutex<T> {
    /// A new, unlocked mutex (`const`, so it can be a `static`).
    ///
    /// ```
    /// use threading::stdlib::sync::Mutex;
    /// static NAMES: Mutex<Vec<String>> = Mutex::new(Vec::new());
    /// NAMES.lock().unwrap().push("a".into());
    /// assert_eq!(NAMES.lock().unwrap().len(), 1);
    /// ```
    #[track_caller]
    pub const fn new(value: T) -> Mutex<T> {
        Mutex {
            raw: RawMutex::new(),
            poisoned: AtomicBool::new(false),
            site: Location::caller(),
            data: parking_lot::Mutex::new(value),
        }
    }

    /// Consumes the mutex and returns its data; `Err` (with the data inside) if it is poisoned.
    ///
    /// ```
    /// let m = threading::stdlib::sync::Mutex::new(5);
    /// assert_eq!(m.into_inner().unwrap(), 5);
    /// ```
    pub fn into_inner(self) -> LockResult<T> {
        let poisoned = self.poisoned.load(Ordering::Relaxed);
        let data = self.data.into_inner();
        if poisoned { Err(PoisonError::new(data)) } else { Ok(data) }
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Blocks until the lock is acquired. `Err` if a thread panicked while holding it; the
    /// guard is inside the error ([`PoisonError::into_inner`]).
    ///
    /// ```
    /// use threading::stdlib::sync::{Arc, Mutex};
    /// let m = Arc::new(Mutex::new(0));
    /// let m2 = Arc::clone(&m);
    /// let _ = threading::stdlib::thread::spawn(move || {
    ///     let _guard = m2.lock().unwrap();
    ///     panic!("poison it");
    /// })
    /// .join();
    /// let guard = m.lock().unwrap_err().into_inner();
    /// assert_eq!(*guard, 0);
    /// ```
    #[inline]
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
        self.raw.lock(Operation::MutexLock, self.site);
        self.guard()
    }

    /// Acquires the lock if it is free: `Err(TryLockError::WouldBlock)` if it is held,
    /// `Err(TryLockError::Poisoned(..))` if it is poisoned (the lock is then held).
    ///
    /// ```
    /// use threading::stdlib::sync::{Mutex, TryLockError};
    /// let m = Mutex::new(1);
    /// let held = m.lock().unwrap();
    /// assert!(matches!(m.try_lock(), Err(TryLockError::WouldBlock)));
    /// drop(held);
    /// assert_eq!(*m.try_lock().unwrap(), 1);
    /// ```
    pub fn try_lock(&self) -> TryLockResult<MutexGuard<'_, T>> {
        if self.raw.try_lock(Operation::MutexTryLock, self.site) {
            Ok(self.guard()?)
        } else {
            Err(TryLockError::WouldBlock)
        }
    }

    fn guard(&self) -> LockResult<MutexGuard<'_, T>> {
        let guard = MutexGuard {
            data: self.data.try_lock().expect("the data lock is free whenever the mutex is acquired"),
            unlock: Unlock { mutex: self, panicking: std::thread::panicking() },
        };
        if self.poisoned.load(Ordering::Relaxed) { Err(PoisonError::new(guard)) } else { Ok(guard) }
    }

    /// Whether a thread panicked while holding the lock (and the poison was not cleared).
    ///
    /// ```
    /// assert!(!threading::stdlib::sync::Mutex::new(0).is_poisoned());
    /// ```
    #[inline]
    pub fn is_poisoned(&self) -> bool {
        self.poisoned.load(Ordering::Relaxed)
    }

    /// Clears the poison, once the data has been checked or repaired.
    ///
    /// ```
    /// use threading::stdlib::sync::Mutex;
    /// let m = Mutex::new(0);
    /// let _ = std::panic::catch_unwind(|| {
    ///     let _guard = m.lock().unwrap();
    ///     panic!();
    /// });
    /// assert!(m.is_poisoned());
    /// m.clear_poison();
    /// assert!(!m.is_poisoned());
    /// ```
    #[inline]
    pub fn clear_poison(&self) {
        self.poisoned.store(false, Ordering::Relaxed);
    }

    /// The data, through a unique borrow (no locking needed); `Err` if poisoned.
    ///
    /// ```
    /// let mut m = threading::stdlib::sync::Mutex::new(0);
    /// *m.get_mut().unwrap() = 10;
    /// assert_eq!(*m.lock().unwrap(), 10);
    /// ```
    pub fn get_mut(&mut self) -> LockResult<&mut T> {
        let poisoned = self.poisoned.load(Ordering::Relaxed);
        let data = self.data.get_mut();
        if poisoned { Err(PoisonError::new(data)) } else { Ok(data) }
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// The mutex this guard locks (what `Condvar` waits release and re-acquire).
    pub(crate) fn mutex(this: &Self) -> &'a Mutex<T> {
        this.unlock.mutex
    }
}

impl<T: Default> Default for Mutex<T> {
    /// ```
    /// let m: threading::stdlib::sync::Mutex<u8> = Default::default();
    /// assert_eq!(*m.lock().unwrap(), 0);
    /// ```
    #[track_caller]
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    /// ```
    /// let m = threading::stdlib::sync::Mutex::from(3);
    /// assert_eq!(*m.lock().unwrap(), 3);
    /// ```
    #[track_caller]
    fn from(value: T) -> Self {
        Mutex::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    /// As std's: `Mutex { data: .., poisoned: false, .. }`, `<locked>` if it is held.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(guard) => d.field("data", &&*guard),
            Err(TryLockError::Poisoned(err)) => d.field("data", &&**err.get_ref()),
            Err(TryLockError::WouldBlock) => d.field("data", &format_args!("<locked>")),
        };
        d.field("poisoned", &self.is_poisoned());
        d.finish_non_exhaustive()
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.data
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
