//! `std::sync::RwLock`, controlled.

use crate::schedule::Operation;
use crate::stdlib::wait;
use crate::waiter::WaitList;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::panic::{Location, RefUnwindSafe, UnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LockResult, PoisonError, TryLockError, TryLockResult};

/// `std::sync::RwLock`: many readers or one writer. A writer that panics poisons it. Every
/// acquire and release is a synchronisation point (`RwLock.read`, `RwLock.write`,
/// `RwLock.read_unlock`, `RwLock.write_unlock`, `RwLock.try_read`, `RwLock.try_write`).
///
/// Waiting writers are preferred: a reader blocks while a writer waits, so writers are not
/// starved (as `std`'s own implementation on Linux does; `std` leaves the policy unspecified).
///
/// ```
/// use threading::stdlib::sync::RwLock;
/// let lock = RwLock::new(5);
/// {
///     let r1 = lock.read().unwrap();
///     let r2 = lock.read().unwrap();
///     assert_eq!(*r1 + *r2, 10);
/// }
/// *lock.write().unwrap() += 1;
/// assert_eq!(*lock.read().unwrap(), 6);
/// ```
pub struct RwLock<T: ?Sized> {
    state: parking_lot::Mutex<State>,
    poisoned: AtomicBool,
    site: &'static Location<'static>,
    data: parking_lot::RwLock<T>,
}

impl<T: ?Sized> UnwindSafe for RwLock<T> {}
impl<T: ?Sized> RefUnwindSafe for RwLock<T> {}

#[derive(Debug)]
struct State {
    readers: usize,
    writer: bool,
    /// Writers waiting, including those woken but not yet in: readers stay out meanwhile.
    writers_waiting: usize,
    read_waiters: WaitList,
    write_waiters: WaitList,
}

impl State {
    fn can_read(&self) -> bool {
        !self.writer && self.writers_waiting == 0
    }

    fn can_write(&self) -> bool {
        !self.writer && self.readers == 0
    }

    /// Wakes whoever can now go: one writer if the lock is free, else (no writer waiting) every reader.
    fn wake(&mut self) {
        if self.writer {
            return;
        }
        if self.writers_waiting > 0 {
            if self.readers == 0 {
                self.write_waiters.notify_one();
            }
        } else {
            self.read_waiters.notify_all();
        }
    }
}

/// Shared access to a [`RwLock`]'s data (`std::sync::RwLockReadGuard`).
///
/// ```
/// let lock = threading::stdlib::sync::RwLock::new(1);
/// let guard = lock.read().unwrap();
/// assert_eq!(*guard, 1);
/// ```
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockReadGuard<'a, T: ?Sized + 'a> {
    data: parking_lot::RwLockReadGuard<'a, T>,
    _unlock: ReadUnlock<'a, T>,
}

/// Exclusive access to a [`RwLock`]'s data (`std::sync::RwLockWriteGuard`); poisons the lock if
/// dropped while panicking.
///
/// ```
/// let lock = threading::stdlib::sync::RwLock::new(1);
/// *lock.write().unwrap() = 2;
/// assert_eq!(*lock.read().unwrap(), 2);
/// ```
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockWriteGuard<'a, T: ?Sized + 'a> {
    data: parking_lot::RwLockWriteGuard<'a, T>,
    _unlock: WriteUnlock<'a, T>,
}

struct ReadUnlock<'a, T: ?Sized>(&'a RwLock<T>);
struct WriteUnlock<'a, T: ?Sized>(&'a RwLock<T>, bool);

impl<T: ?Sized> Drop for ReadUnlock<'_, T> {
    fn drop(&mut self) {
        let lock = self.0;
        wait::point(Operation::RwLockReadUnlock, lock.site);
        let mut state = lock.state.lock();
        state.readers -= 1;
        state.wake();
    }
}

impl<T: ?Sized> Drop for WriteUnlock<'_, T> {
    fn drop(&mut self) {
        let lock = self.0;
        if !self.1 && std::thread::panicking() {
            lock.poisoned.store(true, Ordering::Relaxed);
        }
        wait::point(Operation::RwLockWriteUnlock, lock.site);
        let mut state = lock.state.lock();
        state.writer = false;
        state.wake();
    }
}

impl<T> RwLock<T> {
    /// A new, unlocked lock (`const`, so it can be a `static`).
    ///
    /// ```
    /// static CONFIG: threading::stdlib::sync::RwLock<u32> = threading::stdlib::sync::RwLock::new(0);
    /// *CONFIG.write().unwrap() = 8;
    /// assert_eq!(*CONFIG.read().unwrap(), 8);
    /// ```
    #[track_caller]
    pub const fn new(value: T) -> RwLock<T> {
        RwLock {
            state: parking_lot::Mutex::new(State {
                readers: 0,
                writer: false,
                writers_waiting: 0,
                read_waiters: WaitList::new(),
                write_waiters: WaitList::new(),
            }),
            poisoned: AtomicBool::new(false),
            site: Location::caller(),
            data: parking_lot::RwLock::new(value),
        }
    }

    /// Consumes the lock and returns its data; `Err` (data inside) if poisoned.
    ///
    /// ```
    /// assert_eq!(threading::stdlib::sync::RwLock::new(3).into_inner().unwrap(), 3);
    /// ```
    pub fn into_inner(self) -> LockResult<T> {
        let poisoned = self.poisoned.load(Ordering::Relaxed);
        let data = self.data.into_inner();
        if poisoned { Err(PoisonError::new(data)) } else { Ok(data) }
    }
}

impl<T: ?Sized> RwLock<T> {
    /// Blocks until shared access is granted; `Err` (guard inside) if poisoned.
    ///
    /// ```
    /// let lock = threading::stdlib::sync::RwLock::new("a");
    /// assert_eq!(*lock.read().unwrap(), "a");
    /// ```
    pub fn read(&self) -> LockResult<RwLockReadGuard<'_, T>> {
        wait::point(Operation::RwLockRead, self.site);
        let mut state = self.state.lock();
        while !state.can_read() {
            let cleanup = |s: &mut State, _removed: bool| s.wake();
            state = wait::wait_with(
                &self.state,
                state,
                |s| &mut s.read_waiters,
                None,
                Operation::RwLockRead,
                self.site,
                cleanup,
            )
            .0;
        }
        state.readers += 1;
        drop(state);
        self.read_guard()
    }

    /// Blocks until exclusive access is granted; `Err` (guard inside) if poisoned.
    ///
    /// ```
    /// let lock = threading::stdlib::sync::RwLock::new(vec![1]);
    /// lock.write().unwrap().push(2);
    /// assert_eq!(lock.read().unwrap().len(), 2);
    /// ```
    pub fn write(&self) -> LockResult<RwLockWriteGuard<'_, T>> {
        wait::point(Operation::RwLockWrite, self.site);
        let mut state = self.state.lock();
        if !state.can_write() {
            state.writers_waiting += 1;
            while !state.can_write() {
                let cleanup = |s: &mut State, _removed: bool| {
                    s.writers_waiting -= 1;
                    s.wake();
                };
                state = wait::wait_with(
                    &self.state,
                    state,
                    |s| &mut s.write_waiters,
                    None,
                    Operation::RwLockWrite,
                    self.site,
                    cleanup,
                )
                .0;
            }
            state.writers_waiting -= 1;
        }
        state.writer = true;
        drop(state);
        self.write_guard()
    }

    /// Shared access if no writer holds or waits: `Err(TryLockError::WouldBlock)` otherwise.
    ///
    /// ```
    /// use threading::stdlib::sync::{RwLock, TryLockError};
    /// let lock = RwLock::new(0);
    /// let w = lock.write().unwrap();
    /// assert!(matches!(lock.try_read(), Err(TryLockError::WouldBlock)));
    /// drop(w);
    /// assert!(lock.try_read().is_ok());
    /// ```
    pub fn try_read(&self) -> TryLockResult<RwLockReadGuard<'_, T>> {
        wait::point(Operation::RwLockTryRead, self.site);
        let mut state = self.state.lock();
        if !state.can_read() {
            return Err(TryLockError::WouldBlock);
        }
        state.readers += 1;
        drop(state);
        Ok(self.read_guard()?)
    }

    /// Exclusive access if the lock is free: `Err(TryLockError::WouldBlock)` otherwise.
    ///
    /// ```
    /// use threading::stdlib::sync::{RwLock, TryLockError};
    /// let lock = RwLock::new(0);
    /// let r = lock.read().unwrap();
    /// assert!(matches!(lock.try_write(), Err(TryLockError::WouldBlock)));
    /// drop(r);
    /// assert!(lock.try_write().is_ok());
    /// ```
    pub fn try_write(&self) -> TryLockResult<RwLockWriteGuard<'_, T>> {
        wait::point(Operation::RwLockTryWrite, self.site);
        let mut state = self.state.lock();
        if !state.can_write() {
            return Err(TryLockError::WouldBlock);
        }
        state.writer = true;
        drop(state);
        Ok(self.write_guard()?)
    }

    fn read_guard(&self) -> LockResult<RwLockReadGuard<'_, T>> {
        let guard = RwLockReadGuard {
            data: self.data.try_read().expect("no writer holds the data while readers are admitted"),
            _unlock: ReadUnlock(self),
        };
        if self.poisoned.load(Ordering::Relaxed) { Err(PoisonError::new(guard)) } else { Ok(guard) }
    }

    fn write_guard(&self) -> LockResult<RwLockWriteGuard<'_, T>> {
        let guard = RwLockWriteGuard {
            data: self.data.try_write().expect("nobody holds the data while a writer is admitted"),
            _unlock: WriteUnlock(self, std::thread::panicking()),
        };
        if self.poisoned.load(Ordering::Relaxed) { Err(PoisonError::new(guard)) } else { Ok(guard) }
    }

    /// Whether a writer panicked while holding the lock.
    ///
    /// ```
    /// assert!(!threading::stdlib::sync::RwLock::new(0).is_poisoned());
    /// ```
    pub fn is_poisoned(&self) -> bool {
        self.poisoned.load(Ordering::Relaxed)
    }

    /// Clears the poison.
    ///
    /// ```
    /// let lock = threading::stdlib::sync::RwLock::new(0);
    /// let _ = std::panic::catch_unwind(|| {
    ///     let _w = lock.write().unwrap();
    ///     panic!();
    /// });
    /// assert!(lock.is_poisoned());
    /// lock.clear_poison();
    /// assert!(!lock.is_poisoned());
    /// ```
    pub fn clear_poison(&self) {
        self.poisoned.store(false, Ordering::Relaxed);
    }

    /// The data through a unique borrow; `Err` if poisoned.
    ///
    /// ```
    /// let mut lock = threading::stdlib::sync::RwLock::new(0);
    /// *lock.get_mut().unwrap() = 4;
    /// assert_eq!(*lock.read().unwrap(), 4);
    /// ```
    pub fn get_mut(&mut self) -> LockResult<&mut T> {
        let poisoned = self.poisoned.load(Ordering::Relaxed);
        let data = self.data.get_mut();
        if poisoned { Err(PoisonError::new(data)) } else { Ok(data) }
    }
}

impl<T: Default> Default for RwLock<T> {
    /// ```
    /// let lock: threading::stdlib::sync::RwLock<i32> = Default::default();
    /// assert_eq!(*lock.read().unwrap(), 0);
    /// ```
    #[track_caller]
    fn default() -> Self {
        RwLock::new(T::default())
    }
}

impl<T> From<T> for RwLock<T> {
    /// ```
    /// let lock = threading::stdlib::sync::RwLock::from(2);
    /// assert_eq!(*lock.read().unwrap(), 2);
    /// ```
    #[track_caller]
    fn from(value: T) -> Self {
        RwLock::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(guard) => d.field("data", &&*guard),
            Err(TryLockError::Poisoned(err)) => d.field("data", &&**err.get_ref()),
            Err(TryLockError::WouldBlock) => d.field("data", &format_args!("<locked>")),
        };
        d.field("poisoned", &self.is_poisoned());
        d.finish_non_exhaustive()
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.data
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
