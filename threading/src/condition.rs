//! Python's `threading.Condition`.

#![allow(unsafe_code)]

use crate::error::RuntimeError;
use crate::lock::Lock;
use crate::raw_lock::deadline_after;
use crate::registry::{self, Blocked};
use crate::rlock::RLock;
use crate::schedule::{self, Operation};
use crate::sys;
use crate::waiter::{self, WaitList, Wake};
use std::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A condition variable (Python's `threading.Condition`): threads wait until another thread,
/// holding the same lock, changes some state and notifies them.
///
/// In Python the state lives in attributes next to the condition. Here the condition can guard
/// the state itself: [`Condition::with_data`] makes a `Condition<T>` whose guard (from
/// [`lock`](Condition::lock), Python's `with cond:`) dereferences to `T` and has the
/// `wait`/`wait_for`/`notify` methods. Seed 002's Print in Order reads:
///
/// ```
/// use std::sync::Arc;
/// use threading::{Condition, Thread};
///
/// struct Foo { order: Condition<u8> }
///
/// impl Foo {
///     fn first(&self, print_first: impl FnOnce()) {
///         let mut order = self.order.lock();    // with self.exec_condition:
///         print_first();
///         *order = 1;                            // self.order = 1
///         order.notify_all();
///     }
///     fn second(&self, print_second: impl FnOnce()) {
///         let mut order = self.order.lock();
///         order.wait_for(|o| *o == 1);           // wait_for(self.first_finish)
///         print_second();
///         *order = 2;
///         order.notify_all();
///     }
///     fn third(&self, print_third: impl FnOnce()) {
///         let mut order = self.order.lock();
///         order.wait_for(|o| *o == 2);
///         print_third();
///     }
/// }
///
/// let foo = Arc::new(Foo { order: Condition::with_data(0) });
/// let out = Arc::new(threading::Lock::with_data(String::new()));
/// let threads = [
///     { let (foo, out) = (foo.clone(), out.clone()); Thread::new(move || foo.third(|| out.lock().push_str("third"))) },
///     { let (foo, out) = (foo.clone(), out.clone()); Thread::new(move || foo.second(|| out.lock().push_str("second"))) },
///     { let (foo, out) = (foo.clone(), out.clone()); Thread::new(move || foo.first(|| out.lock().push_str("first"))) },
/// ];
/// threads.iter().for_each(|t| t.start().unwrap());
/// threads.iter().for_each(|t| t.join().unwrap());
/// assert_eq!(*out.lock(), "firstsecondthird");
/// ```
///
/// A data-less `Condition` (from [`new`](Condition::new), [`with_lock`](Condition::with_lock) or
/// [`with_rlock`](Condition::with_rlock)) also has Python's bare `acquire`/`release`/`wait`/
/// `notify`, which fail with Python's `RuntimeError` when the calling thread does not hold the
/// lock. [`Condition::new`] is built on an [`RLock`], as Python's `Condition()` is, so a thread
/// that holds it may enter it again (nested `with cond:`).
///
/// # Differences from Python
/// * A condition that guards data ([`with_data`](Condition::with_data),
///   [`with_lock`](Condition::with_lock)) is built on a [`Lock`]: its guard hands out `&mut T`,
///   which re-entry would alias.
/// * Over a plain `Lock`, Python's `Condition` takes "the lock is locked" for "I hold it", so a
///   thread that does not hold it can `wait` and release another thread's lock. This condition
///   remembers which thread acquired the lock through it and refuses the others
///   (`cannot wait on un-acquired lock`, `cannot release un-acquired lock`); only a lock
///   acquired directly through the shared `Lock` falls back to Python's reading.
/// * `wait(timeout)` is [`wait_timeout`](ConditionGuard::wait_timeout); `wait_for(pred, timeout)`
///   is [`wait_for_timeout`](ConditionGuard::wait_for_timeout).
/// * The guard's methods cannot fail: holding the guard proves the lock is held.
/// * A wait is interruptible: it re-acquires the lock and unwinds with
///   [`KeyboardInterrupt`](crate::KeyboardInterrupt).
pub struct Condition<T = ()> {
    lock: CondLock<T>,
    /// For a plain `Lock`: the registry key of the thread that acquired it through this
    /// condition, 0 if none did (an `RLock` knows its owner itself).
    owner: AtomicUsize,
    waiters: sys::Mutex<WaitList>,
    site: &'static Location<'static>,
}

enum CondLock<T> {
    Lock(Arc<Lock<T>>),
    /// Only for `Condition<()>`: the unit lives here, since an `RLock`'s value is shared.
    RLock(Arc<RLock<()>>, UnsafeCell<T>),
}

// SAFETY: the value is reached only through a guard, held while the lock is held; see `Lock`.
unsafe impl<T: Send> Sync for Condition<T> {}
unsafe impl<T: Send> Send for Condition<T> {}

impl<T> std::panic::UnwindSafe for Condition<T> {}
impl<T> std::panic::RefUnwindSafe for Condition<T> {}

impl Condition<()> {
    /// A condition with its own re-entrant lock (Python's `threading.Condition()`, whose
    /// default lock is an `RLock`).
    ///
    /// ```
    /// let cond = threading::Condition::new();
    /// cond.acquire();
    /// cond.acquire(); // with cond: with cond: ...
    /// cond.notify_all().unwrap();
    /// cond.release().unwrap();
    /// cond.release().unwrap();
    /// assert!(format!("{cond:?}").starts_with("<Condition(<unlocked _thread.RLock object owner=0 count=0 at "));
    /// ```
    #[track_caller]
    pub fn new() -> Condition<()> {
        Condition::with_rlock(Arc::new(RLock::new()))
    }

    /// A condition over an existing re-entrant lock (Python's `Condition(rlock)`).
    ///
    /// ```
    /// use std::sync::Arc;
    /// let rlock = Arc::new(threading::RLock::new());
    /// let cond = threading::Condition::with_rlock(rlock.clone());
    /// let _g = cond.lock();
    /// assert!(rlock.is_owned());
    /// ```
    #[track_caller]
    pub fn with_rlock(rlock: Arc<RLock<()>>) -> Condition<()> {
        Condition {
            lock: CondLock::RLock(rlock, UnsafeCell::new(())),
            owner: AtomicUsize::new(0),
            waiters: sys::Mutex::new(WaitList::new()),
            site: Location::caller(),
        }
    }

    /// Acquires the underlying lock (Python's `cond.acquire()`).
    ///
    /// ```
    /// let cond = threading::Condition::new();
    /// assert!(cond.acquire());
    /// cond.release().unwrap();
    /// ```
    pub fn acquire(&self) -> bool {
        self.acquire_until(None)
    }

    /// Waits at most `timeout` for the underlying lock.
    ///
    /// ```
    /// let cond = threading::Condition::new();
    /// assert!(cond.acquire_timeout(std::time::Duration::from_millis(5)));
    /// ```
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.acquire_until(deadline_after(timeout))
    }

    /// Acquires the underlying lock only if it is free now (or, for an `RLock`, already
    /// held by this thread).
    ///
    /// ```
    /// let cond = threading::Condition::with_data(());
    /// assert!(cond.try_acquire());
    /// assert!(!cond.try_acquire(), "a plain Lock is not re-entrant");
    /// let reentrant = threading::Condition::new();
    /// assert!(reentrant.try_acquire() && reentrant.try_acquire());
    /// ```
    pub fn try_acquire(&self) -> bool {
        match &self.lock {
            CondLock::Lock(lock) => lock.raw().try_acquire() && self.took_lock(),
            CondLock::RLock(rlock, _) => rlock.try_acquire(),
        }
    }

    /// Releases the underlying lock (Python's `cond.release()`). A thread that does not hold
    /// it gets `RuntimeError("cannot release un-acquired lock")` and the holder keeps it.
    ///
    /// ```
    /// let cond = threading::Condition::new();
    /// assert_eq!(cond.release().unwrap_err().to_string(), "cannot release un-acquired lock");
    /// ```
    pub fn release(&self) -> Result<(), RuntimeError> {
        match &self.lock {
            CondLock::Lock(lock) => {
                let owner = self.owner.load(Ordering::Relaxed);
                if owner != 0 && owner != registry::current_key() {
                    return Err(RuntimeError::new("cannot release un-acquired lock"));
                }
                self.release_plain(lock)
            }
            CondLock::RLock(rlock, _) => rlock.release(),
        }
    }

    /// Releases the lock, waits for a notification, re-acquires the lock; returns `true`.
    /// The lock must be held (Python's `cond.wait()`).
    ///
    /// ```
    /// let cond = threading::Condition::new();
    /// assert_eq!(cond.wait().unwrap_err().to_string(), "cannot wait on un-acquired lock");
    /// ```
    pub fn wait(&self) -> Result<bool, RuntimeError> {
        self.check_owned("cannot wait on un-acquired lock")?;
        Ok(self.wait_until(None, &mut true))
    }

    /// Like [`wait`](Condition::wait), for at most `timeout`; returns whether it was notified.
    ///
    /// ```
    /// use std::time::Duration;
    /// let cond = threading::Condition::new();
    /// cond.acquire();
    /// assert_eq!(cond.wait_timeout(Duration::from_millis(5)), Ok(false));
    /// assert!(cond.release().is_ok(), "the lock is held again after the wait");
    /// ```
    pub fn wait_timeout(&self, timeout: Duration) -> Result<bool, RuntimeError> {
        self.check_owned("cannot wait on un-acquired lock")?;
        Ok(self.wait_until(deadline_after(timeout), &mut true))
    }

    /// Waits until `predicate()` is true; returns its last value (Python's `cond.wait_for`).
    ///
    /// ```
    /// let cond = threading::Condition::new();
    /// cond.acquire();
    /// assert_eq!(cond.wait_for(|| true), Ok(true));
    /// ```
    pub fn wait_for(&self, mut predicate: impl FnMut() -> bool) -> Result<bool, RuntimeError> {
        self.check_owned("cannot wait on un-acquired lock")?;
        Ok(self.wait_for_until(|_| predicate(), None, &mut true))
    }

    /// Like [`wait_for`](Condition::wait_for), giving up after `timeout`.
    ///
    /// ```
    /// let cond = threading::Condition::new();
    /// cond.acquire();
    /// assert_eq!(cond.wait_for_timeout(|| false, std::time::Duration::from_millis(5)), Ok(false));
    /// ```
    pub fn wait_for_timeout(
        &self,
        mut predicate: impl FnMut() -> bool,
        timeout: Duration,
    ) -> Result<bool, RuntimeError> {
        self.check_owned("cannot wait on un-acquired lock")?;
        Ok(self.wait_for_until(|_| predicate(), deadline_after(timeout), &mut true))
    }

    /// Wakes one waiting thread. The lock must be held (Python's `cond.notify()`).
    ///
    /// ```
    /// let cond = threading::Condition::new();
    /// assert_eq!(cond.notify().unwrap_err().to_string(), "cannot notify on un-acquired lock");
    /// ```
    pub fn notify(&self) -> Result<(), RuntimeError> {
        self.notify_n(1)
    }

    /// Wakes up to `n` waiting threads. The lock must be held (Python's `cond.notify(n)`).
    ///
    /// ```
    /// let cond = threading::Condition::new();
    /// assert_eq!(cond.notify_n(2).unwrap_err().to_string(), "cannot notify on un-acquired lock");
    /// ```
    pub fn notify_n(&self, n: usize) -> Result<(), RuntimeError> {
        self.check_owned("cannot notify on un-acquired lock")?;
        self.wake(n);
        Ok(())
    }

    /// Wakes every waiting thread. The lock must be held (Python's `cond.notify_all()`).
    ///
    /// ```
    /// let cond = threading::Condition::new();
    /// let _held = cond.lock();
    /// assert!(cond.notify_all().is_ok());
    /// ```
    pub fn notify_all(&self) -> Result<(), RuntimeError> {
        self.notify_n(usize::MAX)
    }

    /// Whether the calling thread holds the lock (Python's `Condition._is_owned`, but exact
    /// for a plain `Lock` acquired through this condition: see the type's differences).
    fn check_owned(&self, message: &str) -> Result<(), RuntimeError> {
        let owned = match &self.lock {
            CondLock::Lock(lock) => {
                let owner = self.owner.load(Ordering::Relaxed);
                lock.locked() && (owner == 0 || owner == registry::current_key())
            }
            CondLock::RLock(rlock, _) => rlock.is_owned(),
        };
        if owned { Ok(()) } else { Err(RuntimeError::new(message)) }
    }
}

impl Default for Condition<()> {
    #[track_caller]
    fn default() -> Self {
        Condition::new()
    }
}

impl<T> Condition<T> {
    /// A condition with its own lock, guarding `data`.
    ///
    /// ```
    /// let items = threading::Condition::with_data(Vec::<u32>::new());
    /// items.lock().push(1);
    /// assert_eq!(items.lock().len(), 1);
    /// ```
    #[track_caller]
    pub fn with_data(data: T) -> Condition<T> {
        Condition::with_lock(Arc::new(Lock::with_data(data)))
    }

    /// A condition over a shared lock (Python's `Condition(lock)`), so that several conditions
    /// can wait on one lock, as `queue.Queue`'s `not_empty` and `not_full` do.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let lock = Arc::new(threading::Lock::with_data(0));
    /// let not_empty = threading::Condition::with_lock(lock.clone());
    /// let not_full = threading::Condition::with_lock(lock.clone());
    /// let mut count = not_empty.lock();
    /// *count += 1;
    /// not_full.notify_all_held(&count);
    /// ```
    #[track_caller]
    pub fn with_lock(lock: Arc<Lock<T>>) -> Condition<T> {
        Condition {
            lock: CondLock::Lock(lock),
            owner: AtomicUsize::new(0),
            waiters: sys::Mutex::new(WaitList::new()),
            site: Location::caller(),
        }
    }

    /// Acquires the lock; the guard is Python's `with cond:` block and dereferences to the data.
    ///
    /// ```
    /// let cond = threading::Condition::with_data(1);
    /// *cond.lock() += 1;
    /// assert_eq!(*cond.lock(), 2);
    /// ```
    pub fn lock(&self) -> ConditionGuard<'_, T> {
        self.acquire_until(None);
        ConditionGuard { cond: self, held: true, _value: PhantomData }
    }

    /// Like [`lock`](Condition::lock), waiting at most `timeout` for the lock.
    ///
    /// ```
    /// let cond = threading::Condition::with_data(0);
    /// let held = cond.lock();
    /// assert!(cond.lock_timeout(std::time::Duration::from_millis(5)).is_none());
    /// ```
    pub fn lock_timeout(&self, timeout: Duration) -> Option<ConditionGuard<'_, T>> {
        self.acquire_until(deadline_after(timeout)).then_some(ConditionGuard {
            cond: self,
            held: true,
            _value: PhantomData,
        })
    }

    /// Wakes up to `n` waiters of this condition while `guard` (of this condition or of another
    /// condition on the same lock) proves the lock is held.
    ///
    /// ```
    /// let cond = threading::Condition::with_data(());
    /// let guard = cond.lock();
    /// cond.notify_held(&guard, 1);
    /// ```
    pub fn notify_held<U>(&self, guard: &ConditionGuard<'_, U>, n: usize) {
        debug_assert!(guard.held);
        self.wake(n);
    }

    /// Wakes every waiter of this condition; see [`notify_held`](Condition::notify_held).
    ///
    /// ```
    /// let cond = threading::Condition::with_data(());
    /// let guard = cond.lock();
    /// cond.notify_all_held(&guard);
    /// ```
    pub fn notify_all_held<U>(&self, guard: &ConditionGuard<'_, U>) {
        self.notify_held(guard, usize::MAX);
    }

    fn acquire_until(&self, deadline: Option<Instant>) -> bool {
        match &self.lock {
            CondLock::Lock(lock) => lock.raw().acquire(deadline) && self.took_lock(),
            CondLock::RLock(rlock, _) => match deadline {
                None => rlock.acquire(),
                Some(deadline) => rlock.acquire_timeout(deadline.saturating_duration_since(Instant::now())),
            },
        }
    }

    /// Records the calling thread as the plain lock's holder; returns `true` for `&&` chains.
    fn took_lock(&self) -> bool {
        self.owner.store(registry::current_key(), Ordering::Relaxed);
        true
    }

    /// Releases a plain lock, forgetting its holder first (the one place both happen).
    fn release_plain(&self, lock: &Lock<T>) -> Result<(), RuntimeError> {
        self.owner.store(0, Ordering::Relaxed);
        lock.raw().release()
    }

    /// Releases the lock a guard holds (the caller holds it, so no ownership check).
    fn release_held(&self) {
        let _ = match &self.lock {
            CondLock::Lock(lock) => self.release_plain(lock),
            CondLock::RLock(rlock, _) => rlock.release(),
        };
    }

    fn wake(&self, n: usize) {
        schedule::point(|| schedule::Point::new(Operation::ConditionNotify, self.site));
        self.waiters.lock().notify(n);
    }

    /// Python's `Condition.wait`: enqueue (still holding the lock, so no notify is missed),
    /// release, park, re-acquire. `held` tracks whether the lock is held, for the guard.
    fn wait_until(&self, deadline: Option<Instant>, held: &mut bool) -> bool {
        schedule::point(|| schedule::Point::new(Operation::ConditionWait, self.site));
        let waiter = self.waiters.lock().push_current();
        *held = false;
        let saved = self.release_save();
        let wake = waiter::park(&waiter, deadline, Blocked::new(Operation::ConditionWait, self.site));
        let notified = match wake {
            Wake::Notified => true,
            Wake::TimedOut => !self.waiters.lock().remove(&waiter),
            Wake::Interrupted => {
                let mut waiters = self.waiters.lock();
                if !waiters.remove(&waiter) {
                    waiters.notify_one();
                }
                false
            }
        };
        self.acquire_restore(saved);
        *held = true;
        if wake == Wake::Interrupted {
            crate::interrupt::raise();
        }
        notified
    }

    fn wait_for_until(
        &self,
        mut predicate: impl FnMut(&Self) -> bool,
        deadline: Option<Instant>,
        held: &mut bool,
    ) -> bool {
        loop {
            let result = predicate(self);
            if result || deadline.is_some_and(|d| Instant::now() >= d) {
                return result;
            }
            self.wait_until(deadline, held);
        }
    }

    fn release_save(&self) -> usize {
        match &self.lock {
            CondLock::Lock(lock) => {
                let _ = self.release_plain(lock);
                1
            }
            CondLock::RLock(rlock, _) => rlock.release_save().unwrap_or(1),
        }
    }

    fn acquire_restore(&self, saved: usize) {
        match &self.lock {
            CondLock::Lock(lock) => {
                lock.raw().acquire(None);
                self.took_lock();
            }
            CondLock::RLock(rlock, _) => rlock.acquire_restore(saved),
        }
    }

    fn data(&self) -> *mut T {
        match &self.lock {
            // SAFETY: called only by a guard that holds the lock.
            CondLock::Lock(lock) => unsafe { lock.data_ptr() },
            CondLock::RLock(_, unit) => unit.get(),
        }
    }
}

impl<T> fmt::Debug for Condition<T> {
    /// Python's repr: `<Condition(<unlocked _thread.lock object at 0x...>, 0)>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let waiting = self.waiters.lock().len();
        match &self.lock {
            CondLock::Lock(lock) => write!(f, "<Condition({lock:?}, {waiting})>"),
            CondLock::RLock(rlock, _) => write!(f, "<Condition({rlock:?}, {waiting})>"),
        }
    }
}

/// The lock of a [`Condition`], held: Python's `with cond:` block. Dereferences to the
/// condition's data and carries the wait and notify methods.
///
/// ```
/// let cond = threading::Condition::with_data(vec![1]);
/// let mut items = cond.lock();
/// items.push(2);
/// items.notify_all();
/// assert_eq!(*items, [1, 2]);
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct ConditionGuard<'a, T> {
    cond: &'a Condition<T>,
    /// False only while waiting, or if an interrupt cut a wait's re-acquire short.
    held: bool,
    _value: PhantomData<&'a mut T>,
}

impl<T> ConditionGuard<'_, T> {
    /// Releases the lock, waits for a notification, re-acquires; returns `true`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let ready = Arc::new(threading::Condition::with_data(false));
    /// let setter = threading::Thread::new({
    ///     let ready = ready.clone();
    ///     move || { let mut r = ready.lock(); *r = true; r.notify_all(); }
    /// });
    /// let mut r = ready.lock();
    /// setter.start().unwrap();
    /// while !*r { r.wait(); }
    /// ```
    pub fn wait(&mut self) -> bool {
        self.cond.wait_until(None, &mut self.held)
    }

    /// Like [`wait`](ConditionGuard::wait), for at most `timeout`; returns whether it was notified.
    ///
    /// ```
    /// let cond = threading::Condition::new();
    /// let mut guard = cond.lock();
    /// assert!(!guard.wait_timeout(std::time::Duration::from_millis(5)));
    /// ```
    pub fn wait_timeout(&mut self, timeout: Duration) -> bool {
        self.cond.wait_until(deadline_after(timeout), &mut self.held)
    }

    /// Waits until `predicate(&data)` holds; returns its last value (Python's `wait_for`).
    ///
    /// ```
    /// let cond = threading::Condition::with_data(3);
    /// let mut n = cond.lock();
    /// assert!(n.wait_for(|n| *n == 3));
    /// ```
    pub fn wait_for(&mut self, mut predicate: impl FnMut(&T) -> bool) -> bool {
        // SAFETY: the predicate runs while the lock is held (wait_until re-acquires before returning).
        self.cond.wait_for_until(|c| predicate(unsafe { &*c.data() }), None, &mut self.held)
    }

    /// Like [`wait_for`](ConditionGuard::wait_for), giving up after `timeout`; returns the
    /// predicate's last value.
    ///
    /// ```
    /// let cond = threading::Condition::with_data(0);
    /// let mut n = cond.lock();
    /// assert!(!n.wait_for_timeout(|n| *n > 0, std::time::Duration::from_millis(5)));
    /// ```
    pub fn wait_for_timeout(&mut self, mut predicate: impl FnMut(&T) -> bool, timeout: Duration) -> bool {
        // SAFETY: as in `wait_for`.
        self.cond.wait_for_until(
            |c| predicate(unsafe { &*c.data() }),
            deadline_after(timeout),
            &mut self.held,
        )
    }

    /// Wakes one waiting thread (Python's `notify()`).
    ///
    /// ```
    /// let cond = threading::Condition::new();
    /// cond.lock().notify();
    /// ```
    pub fn notify(&self) {
        self.cond.wake(1);
    }

    /// Wakes up to `n` waiting threads (Python's `notify(n)`).
    ///
    /// ```
    /// let cond = threading::Condition::new();
    /// cond.lock().notify_n(2);
    /// ```
    pub fn notify_n(&self, n: usize) {
        self.cond.wake(n);
    }

    /// Wakes every waiting thread (Python's `notify_all()`).
    ///
    /// ```
    /// let cond = threading::Condition::new();
    /// cond.lock().notify_all();
    /// ```
    pub fn notify_all(&self) {
        self.cond.wake(usize::MAX);
    }
}

impl<T> Deref for ConditionGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        assert!(self.held, "Condition guard used after an interrupted wait lost its lock");
        // SAFETY: the guard holds the condition's lock.
        unsafe { &*self.cond.data() }
    }
}

impl<T> DerefMut for ConditionGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        assert!(self.held, "Condition guard used after an interrupted wait lost its lock");
        // SAFETY: as in `deref`, and `&mut self` makes this the only borrow through the guard.
        unsafe { &mut *self.cond.data() }
    }
}

impl<T> Drop for ConditionGuard<'_, T> {
    fn drop(&mut self) {
        if self.held {
            self.cond.release_held();
        }
    }
}
