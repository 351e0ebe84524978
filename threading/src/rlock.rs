//! Python's `threading.RLock`: a re-entrant lock with an owner.

use crate::error::RuntimeError;
use crate::raw_lock::{LockKind, RawLock, deadline_after};
use crate::registry;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A re-entrant lock (Python's `threading.RLock`): the owning thread may acquire it again, and
/// must release it as many times; only the owner may release it.
///
/// ```
/// use threading::RLock;
/// let lock = RLock::new();
/// lock.acquire();
/// lock.acquire(); // re-entry: a Lock would deadlock here
/// lock.release().unwrap();
/// lock.release().unwrap();
/// assert_eq!(lock.release().unwrap_err().to_string(), "cannot release un-acquired lock");
/// ```
///
/// [`lock`](RLock::lock) returns a guard (Python's `with rlock:`) that dereferences to the guarded
/// value; since the owner may hold several guards at once the value is shared (`&T`): use
/// `Cell`, `RefCell` or atomics inside for what changes.
///
/// ```
/// use std::cell::Cell;
/// let counter = threading::RLock::with_data(Cell::new(0));
/// let outer = counter.lock();
/// let inner = counter.lock();
/// inner.set(inner.get() + 1);
/// drop(inner);
/// assert_eq!(outer.get(), 1);
/// ```
///
/// # Differences from Python
/// * `acquire(blocking=False)` is [`try_acquire`](RLock::try_acquire), `acquire(timeout=t)` is
///   [`acquire_timeout`](RLock::acquire_timeout).
pub struct RLock<T: ?Sized = ()> {
    raw: RawLock,
    /// The owner's record address (0 when free): unique among live threads, unlike `ident`.
    owner: AtomicUsize,
    count: AtomicUsize,
    data: T,
}

// SAFETY: the value is only reached through guards, which exist only on the owning thread
// (guards are neither `Send` nor `Sync`), so one thread at a time sees it: `T: Send` suffices,
// as for parking_lot's `ReentrantMutex`.
#[allow(unsafe_code)]
unsafe impl<T: ?Sized + Send> Sync for RLock<T> {}

impl RLock<()> {
    /// An unlocked re-entrant lock (Python's `threading.RLock()`).
    ///
    /// ```
    /// let lock = threading::RLock::new();
    /// assert!(!lock.is_owned());
    /// ```
    #[track_caller]
    pub fn new() -> RLock<()> {
        RLock::with_data(())
    }
}

impl Default for RLock<()> {
    #[track_caller]
    fn default() -> Self {
        RLock::new()
    }
}

fn me() -> usize {
    registry::current_key()
}

impl<T> RLock<T> {
    /// An unlocked re-entrant lock guarding `data` (shared, since the owner may re-enter).
    ///
    /// ```
    /// let lock = threading::RLock::with_data(std::cell::RefCell::new(Vec::<i32>::new()));
    /// lock.lock().borrow_mut().push(1);
    /// assert_eq!(lock.lock().borrow().len(), 1);
    /// ```
    #[track_caller]
    pub fn with_data(data: T) -> RLock<T> {
        RLock {
            raw: RawLock::new(Location::caller(), LockKind::RLock),
            owner: AtomicUsize::new(0),
            count: AtomicUsize::new(0),
            data,
        }
    }

    /// Names the lock, for deadlock reports and the scheduler.
    ///
    /// ```
    /// assert_eq!(threading::RLock::new().named("table").name(), Some("table"));
    /// ```
    pub fn named(mut self, name: impl Into<Arc<str>>) -> Self {
        self.raw.name = Some(name.into());
        self
    }
}

impl<T: ?Sized> RLock<T> {
    /// The name given with [`named`](RLock::named).
    pub fn name(&self) -> Option<&str> {
        self.raw.name.as_deref()
    }

    /// Acquires the lock, or increments the recursion level if this thread owns it already.
    /// Returns `true`.
    ///
    /// ```
    /// let lock = threading::RLock::new();
    /// assert!(lock.acquire());
    /// assert!(lock.acquire());
    /// assert_eq!(lock.recursion_count(), 2);
    /// ```
    pub fn acquire(&self) -> bool {
        self.acquire_until(None)
    }

    /// Waits at most `timeout`; returns whether the lock was acquired.
    ///
    /// ```
    /// use std::time::Duration;
    /// let lock = std::sync::Arc::new(threading::RLock::new());
    /// lock.acquire();
    /// let other = std::thread::spawn({
    ///     let lock = lock.clone();
    ///     move || lock.acquire_timeout(Duration::from_millis(10))
    /// });
    /// assert!(!other.join().unwrap());
    /// ```
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.acquire_until(deadline_after(timeout))
    }

    /// Acquires only if that needs no waiting.
    ///
    /// ```
    /// let lock = threading::RLock::new();
    /// assert!(lock.try_acquire());
    /// assert!(lock.try_acquire());
    /// ```
    pub fn try_acquire(&self) -> bool {
        let me = me();
        if self.owner.load(Ordering::Relaxed) == me {
            self.count.fetch_add(1, Ordering::Relaxed);
            return true;
        }
        if self.raw.try_acquire() {
            self.take_ownership(me, 1);
            return true;
        }
        false
    }

    fn acquire_until(&self, deadline: Option<Instant>) -> bool {
        let me = me();
        if self.owner.load(Ordering::Relaxed) == me {
            self.count.fetch_add(1, Ordering::Relaxed);
            return true;
        }
        if self.raw.acquire(deadline) {
            self.take_ownership(me, 1);
            true
        } else {
            false
        }
    }

    fn take_ownership(&self, owner: usize, count: usize) {
        self.owner.store(owner, Ordering::Relaxed);
        self.count.store(count, Ordering::Relaxed);
    }

    /// Decrements the recursion level, unlocking at zero. Only the owner may release.
    ///
    /// ```
    /// let lock = threading::RLock::new();
    /// assert!(lock.release().is_err());
    /// ```
    pub fn release(&self) -> Result<(), RuntimeError> {
        if self.owner.load(Ordering::Relaxed) != me() {
            return Err(RuntimeError::new("cannot release un-acquired lock"));
        }
        let remaining = self.count.load(Ordering::Relaxed) - 1;
        self.count.store(remaining, Ordering::Relaxed);
        if remaining == 0 {
            self.owner.store(0, Ordering::Relaxed);
            self.raw.release()?;
        }
        Ok(())
    }

    /// Whether the calling thread owns the lock (Python's `_is_owned()`).
    ///
    /// ```
    /// let lock = threading::RLock::new();
    /// let _g = lock.lock();
    /// assert!(lock.is_owned());
    /// ```
    pub fn is_owned(&self) -> bool {
        self.owner.load(Ordering::Relaxed) == me()
    }

    /// How many times the owner holds the lock; 0 if the calling thread does not own it
    /// (Python 3.12's `_recursion_count()`).
    ///
    /// ```
    /// let lock = threading::RLock::new();
    /// assert_eq!(lock.recursion_count(), 0);
    /// ```
    pub fn recursion_count(&self) -> usize {
        if self.is_owned() { self.count.load(Ordering::Relaxed) } else { 0 }
    }

    /// Acquires (or re-enters) and returns a guard that releases once when dropped
    /// (Python's `with rlock:`).
    ///
    /// ```
    /// let lock = threading::RLock::with_data(5);
    /// let a = lock.lock();
    /// let b = lock.lock();
    /// assert_eq!(*a + *b, 10);
    /// ```
    pub fn lock(&self) -> RLockGuard<'_, T> {
        self.acquire_until(None);
        RLockGuard { lock: self, _not_send: PhantomData }
    }

    /// Releases completely and returns the owner's recursion level, for [`Condition::wait`](crate::Condition).
    pub(crate) fn release_save(&self) -> Result<usize, RuntimeError> {
        if !self.is_owned() {
            return Err(RuntimeError::new("cannot release un-acquired lock"));
        }
        let count = self.count.swap(0, Ordering::Relaxed);
        self.owner.store(0, Ordering::Relaxed);
        self.raw.release()?;
        Ok(count)
    }

    /// Re-acquires after [`release_save`](RLock::release_save), restoring the recursion level.
    pub(crate) fn acquire_restore(&self, count: usize) {
        self.raw.acquire(None);
        self.take_ownership(me(), count);
    }
}

impl<T: ?Sized> fmt::Debug for RLock<T> {
    /// Python's repr: `<unlocked _thread.RLock object owner=0 count=0 at 0x...>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.raw.locked() { "locked" } else { "unlocked" };
        let owner = match self.owner.load(Ordering::Relaxed) {
            0 => 0,
            // SAFETY-free: reading the owner's ident through the registry of alive threads.
            ptr => registry::alive()
                .iter()
                .find(|t| Arc::as_ptr(t) as usize == ptr)
                .map(|t| t.ident())
                .unwrap_or(0),
        };
        let count = if owner == 0 { 0 } else { self.count.load(Ordering::Relaxed) };
        write!(
            f,
            "<{state} _thread.RLock object owner={owner} count={count} at {:p}>",
            self as *const Self as *const u8
        )
    }
}

impl<T: ?Sized> fmt::Display for RLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Holds one level of an [`RLock`] for as long as it lives.
///
/// ```
/// let lock = threading::RLock::new();
/// let guard = lock.lock();
/// assert!(lock.is_owned());
/// drop(guard);
/// assert!(!lock.is_owned());
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct RLockGuard<'a, T: ?Sized> {
    lock: &'a RLock<T>,
    /// Guards must stay on the owning thread.
    _not_send: PhantomData<*const ()>,
}

impl<T: ?Sized> Deref for RLockGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.lock.data
    }
}

impl<T: ?Sized> Drop for RLockGuard<'_, T> {
    fn drop(&mut self) {
        let _ = self.lock.release();
    }
}
