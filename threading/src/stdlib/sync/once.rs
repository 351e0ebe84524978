//! `std::sync::{Once, OnceLock, LazyLock}`, controlled.

use crate::schedule::Operation;
use crate::stdlib::wait;
use crate::waiter::WaitList;
use std::fmt;
use std::ops::Deref;
use std::panic::{Location, RefUnwindSafe, UnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};

const INCOMPLETE: u8 = 0;
const RUNNING: u8 = 1;
const POISONED: u8 = 2;
const COMPLETE: u8 = 3;

/// `std::sync::Once`: runs an initialisation exactly once, however many threads race to it;
/// the others wait until it is done. A panicking initialiser poisons it. Every call is a
/// synchronisation point (`Once.call_once`, ...).
///
/// ```
/// use threading::stdlib::sync::Once;
/// static INIT: Once = Once::new();
/// static COUNT: threading::stdlib::sync::atomic::AtomicUsize = threading::stdlib::sync::atomic::AtomicUsize::new(0);
/// # use threading::stdlib::sync::atomic::Ordering;
/// for _ in 0..3 {
///     INIT.call_once(|| { COUNT.fetch_add(1, Ordering::Relaxed); });
/// }
/// assert_eq!(COUNT.load(Ordering::Relaxed), 1);
/// assert!(INIT.is_completed());
/// ```
pub struct Once {
    done: AtomicBool,
    state: parking_lot::Mutex<OnceInner>,
    site: &'static Location<'static>,
}

impl UnwindSafe for Once {}
impl RefUnwindSafe for Once {}

struct OnceInner {
    state: u8,
    waiters: WaitList,
}

/// The state [`Once::call_once_force`] gives its closure (`std::sync::OnceState`).
///
/// ```
/// let once = threading::stdlib::sync::Once::new();
/// once.call_once_force(|state| assert!(!state.is_poisoned()));
/// ```
#[derive(Debug)]
pub struct OnceState {
    poisoned: bool,
}

impl OnceState {
    /// Whether an earlier initialiser panicked.
    ///
    /// ```
    /// use threading::stdlib::sync::Once;
    /// let once = Once::new();
    /// let _ = std::panic::catch_unwind(|| once.call_once(|| panic!()));
    /// once.call_once_force(|state| assert!(state.is_poisoned()));
    /// assert!(once.is_completed());
    /// ```
    pub fn is_poisoned(&self) -> bool {
        self.poisoned
    }
}

/// Finishes a run: marks the `Once` complete, or poisoned if the initialiser unwinds.
struct Finish<'a> {
    once: &'a Once,
    to: u8,
}

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        let mut state = self.once.state.lock();
        state.state = self.to;
        if self.to == COMPLETE {
            self.once.done.store(true, Ordering::Release);
        }
        state.waiters.notify_all();
    }
}

impl Once {
    /// A new `Once` (`const`, for a `static`).
    ///
    /// ```
    /// static START: threading::stdlib::sync::Once = threading::stdlib::sync::Once::new();
    /// assert!(!START.is_completed());
    /// ```
    #[track_caller]
    #[must_use]
    pub const fn new() -> Once {
        Once {
            done: AtomicBool::new(false),
            state: parking_lot::Mutex::new(OnceInner { state: INCOMPLETE, waiters: WaitList::new() }),
            site: Location::caller(),
        }
    }

    /// Runs `f` if no call has completed yet; otherwise waits for the running one, or returns.
    /// Panics if an earlier initialiser panicked (the `Once` is poisoned).
    ///
    /// ```
    /// let once = threading::stdlib::sync::Once::new();
    /// let mut runs = 0;
    /// once.call_once(|| runs += 1);
    /// once.call_once(|| runs += 1);
    /// assert_eq!(runs, 1);
    /// ```
    #[track_caller]
    pub fn call_once<F: FnOnce()>(&self, f: F) {
        wait::point(Operation::OnceCallOnce, self.site);
        if self.done.load(Ordering::Acquire) {
            return;
        }
        self.run(false, |_| f());
    }

    /// As [`call_once`](Once::call_once), but runs even if the `Once` is poisoned, telling `f`.
    ///
    /// ```
    /// let once = threading::stdlib::sync::Once::new();
    /// once.call_once_force(|state| assert!(!state.is_poisoned()));
    /// assert!(once.is_completed());
    /// ```
    pub fn call_once_force<F: FnOnce(&OnceState)>(&self, f: F) {
        wait::point(Operation::OnceCallOnceForce, self.site);
        if self.done.load(Ordering::Acquire) {
            return;
        }
        self.run(true, f);
    }

    /// Whether an initialiser has completed (successfully).
    ///
    /// ```
    /// let once = threading::stdlib::sync::Once::new();
    /// once.call_once(|| {});
    /// assert!(once.is_completed());
    /// ```
    pub fn is_completed(&self) -> bool {
        wait::point(Operation::OnceIsCompleted, self.site);
        self.done.load(Ordering::Acquire)
    }

    /// Blocks until an initialiser has completed; panics if the `Once` is poisoned.
    ///
    /// ```
    /// let once = threading::stdlib::sync::Once::new();
    /// once.call_once(|| {});
    /// once.wait();
    /// ```
    pub fn wait(&self) {
        self.wait_inner(false);
    }

    /// Blocks until an initialiser has completed, ignoring poison.
    ///
    /// ```
    /// let once = threading::stdlib::sync::Once::new();
    /// once.call_once(|| {});
    /// once.wait_force();
    /// ```
    pub fn wait_force(&self) {
        self.wait_inner(true);
    }

    fn wait_inner(&self, ignore_poison: bool) {
        wait::point(Operation::OnceWait, self.site);
        if self.done.load(Ordering::Acquire) {
            return;
        }
        let mut state = self.state.lock();
        loop {
            match state.state {
                COMPLETE => return,
                POISONED if !ignore_poison => {
                    drop(state);
                    panic!("Once instance has previously been poisoned");
                }
                _ => {
                    state = wait::wait(
                        &self.state,
                        state,
                        |s| &mut s.waiters,
                        None,
                        Operation::OnceWait,
                        self.site,
                    )
                    .0
                }
            }
        }
    }

    fn run(&self, ignore_poison: bool, f: impl FnOnce(&OnceState)) {
        let mut state = self.state.lock();
        loop {
            match state.state {
                COMPLETE => return,
                POISONED if !ignore_poison => {
                    drop(state);
                    panic!("Once instance has previously been poisoned");
                }
                RUNNING => {
                    state = wait::wait(
                        &self.state,
                        state,
                        |s| &mut s.waiters,
                        None,
                        Operation::OnceCallOnce,
                        self.site,
                    )
                    .0;
                }
                _ => {
                    let poisoned = state.state == POISONED;
                    state.state = RUNNING;
                    drop(state);
                    let mut finish = Finish { once: self, to: POISONED };
                    f(&OnceState { poisoned });
                    finish.to = COMPLETE;
                    return;
                }
            }
        }
    }
}

impl Default for Once {
    #[track_caller]
    fn default() -> Self {
        Once::new()
    }
}

impl fmt::Debug for Once {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Once").finish_non_exhaustive()
    }
}

/// `std::sync::OnceLock`: a cell written at most once, readable by every thread afterwards.
/// Its operations are synchronisation points (`OnceLock.get`, `OnceLock.set`, `Once.*`).
///
/// ```
/// use threading::stdlib::sync::OnceLock;
/// static CONFIG: OnceLock<String> = OnceLock::new();
/// assert!(CONFIG.get().is_none());
/// assert_eq!(CONFIG.get_or_init(|| "ready".to_owned()), "ready");
/// assert_eq!(CONFIG.set("again".to_owned()), Err("again".to_owned()));
/// ```
pub struct OnceLock<T> {
    once: Once,
    value: std::sync::OnceLock<T>,
}

impl<T> OnceLock<T> {
    /// An empty cell (`const`).
    ///
    /// ```
    /// let cell: threading::stdlib::sync::OnceLock<u8> = threading::stdlib::sync::OnceLock::new();
    /// assert!(cell.get().is_none());
    /// ```
    #[track_caller]
    #[must_use]
    pub const fn new() -> OnceLock<T> {
        OnceLock { once: Once::new(), value: std::sync::OnceLock::new() }
    }

    /// The value, if it has been set.
    ///
    /// ```
    /// let cell = threading::stdlib::sync::OnceLock::new();
    /// cell.set(1).unwrap();
    /// assert_eq!(cell.get(), Some(&1));
    /// ```
    pub fn get(&self) -> Option<&T> {
        wait::point(Operation::OnceLockGet, self.once.site);
        self.value.get()
    }

    /// The value through a unique borrow.
    ///
    /// ```
    /// let mut cell = threading::stdlib::sync::OnceLock::from(1);
    /// *cell.get_mut().unwrap() += 1;
    /// assert_eq!(cell.get(), Some(&2));
    /// ```
    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.value.get_mut()
    }

    /// Sets the value if the cell is empty; otherwise gives it back. Waits for an
    /// initialisation in progress, as `std`'s does.
    ///
    /// ```
    /// let cell = threading::stdlib::sync::OnceLock::new();
    /// assert_eq!(cell.set(1), Ok(()));
    /// assert_eq!(cell.set(2), Err(2));
    /// ```
    pub fn set(&self, value: T) -> Result<(), T> {
        wait::point(Operation::OnceLockSet, self.once.site);
        let mut value = Some(value);
        self.once.call_once_force(|_| {
            if let Some(v) = value.take() {
                let _ = self.value.set(v);
            }
        });
        match value {
            None => Ok(()),
            Some(value) => Err(value),
        }
    }

    /// The value, initialised by `f` if the cell is empty: exactly one racing thread runs its
    /// `f`, the others wait and get its value. If `f` panics the cell stays empty.
    ///
    /// ```
    /// let cell = threading::stdlib::sync::OnceLock::new();
    /// assert_eq!(*cell.get_or_init(|| 92), 92);
    /// assert_eq!(*cell.get_or_init(|| unreachable!()), 92);
    /// ```
    pub fn get_or_init<F: FnOnce() -> T>(&self, f: F) -> &T {
        if let Some(value) = self.get() {
            return value;
        }
        self.once.call_once_force(|_| {
            if self.value.get().is_none() {
                let _ = self.value.set(f());
            }
        });
        self.value.get().expect("the cell is set once its Once has completed")
    }

    /// Blocks until the cell has a value, and returns it.
    ///
    /// ```
    /// let cell = threading::stdlib::sync::OnceLock::from(5);
    /// assert_eq!(*cell.wait(), 5);
    /// ```
    pub fn wait(&self) -> &T {
        self.once.wait_force();
        self.value.get().expect("the cell is set once its Once has completed")
    }

    /// Consumes the cell and returns its value, if any.
    ///
    /// ```
    /// assert_eq!(threading::stdlib::sync::OnceLock::from(3).into_inner(), Some(3));
    /// ```
    pub fn into_inner(self) -> Option<T> {
        self.value.into_inner()
    }

    /// Takes the value out, leaving the cell empty.
    ///
    /// ```
    /// let mut cell = threading::stdlib::sync::OnceLock::from(3);
    /// assert_eq!(cell.take(), Some(3));
    /// assert_eq!(cell.get(), None);
    /// cell.set(4).unwrap();
    /// ```
    pub fn take(&mut self) -> Option<T> {
        let value = self.value.take();
        let site = self.once.site;
        self.once = Once { site, ..Once::new() };
        value
    }
}

impl<T> Default for OnceLock<T> {
    #[track_caller]
    fn default() -> Self {
        OnceLock::new()
    }
}

impl<T> From<T> for OnceLock<T> {
    #[track_caller]
    fn from(value: T) -> Self {
        let cell = OnceLock::new();
        let _ = cell.set(value);
        cell
    }
}

impl<T: Clone> Clone for OnceLock<T> {
    #[track_caller]
    fn clone(&self) -> Self {
        let cell = OnceLock::new();
        if let Some(value) = self.get() {
            let _ = cell.set(value.clone());
        }
        cell
    }
}

impl<T: PartialEq> PartialEq for OnceLock<T> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceLock<T> {}

impl<T: UnwindSafe> UnwindSafe for OnceLock<T> {}
impl<T: RefUnwindSafe + UnwindSafe> RefUnwindSafe for OnceLock<T> {}

impl<T: fmt::Debug> fmt::Debug for OnceLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_tuple("OnceLock");
        match self.value.get() {
            Some(v) => d.field(v),
            None => d.field(&format_args!("<uninit>")),
        };
        d.finish()
    }
}

/// `std::sync::LazyLock`: a value computed on first access, by exactly one thread. If the
/// initialiser panics, later accesses panic too (poisoned), as in `std`.
///
/// ```
/// use std::collections::HashMap;
/// use threading::stdlib::sync::LazyLock;
/// static SQUARES: LazyLock<HashMap<u32, u32>> = LazyLock::new(|| (1..=3).map(|n| (n, n * n)).collect());
/// assert_eq!(SQUARES[&3], 9);
/// ```
pub struct LazyLock<T, F = fn() -> T> {
    cell: OnceLock<T>,
    init: parking_lot::Mutex<Option<F>>,
}

impl<T, F: FnOnce() -> T> LazyLock<T, F> {
    /// A lazy value computed by `f` (`const`).
    ///
    /// ```
    /// let lazy = threading::stdlib::sync::LazyLock::new(|| 6 * 7);
    /// assert_eq!(*lazy, 42);
    /// ```
    #[track_caller]
    pub const fn new(f: F) -> LazyLock<T, F> {
        LazyLock { cell: OnceLock::new(), init: parking_lot::Mutex::new(Some(f)) }
    }

    /// Forces the evaluation and returns the value (`LazyLock::force(&lazy)`).
    ///
    /// ```
    /// use threading::stdlib::sync::LazyLock;
    /// let lazy = LazyLock::new(|| 1);
    /// assert_eq!(*LazyLock::force(&lazy), 1);
    /// ```
    pub fn force(this: &LazyLock<T, F>) -> &T {
        this.cell.get_or_init(|| {
            let init = this.init.lock().take();
            match init {
                Some(f) => f(),
                None => panic!("LazyLock instance has previously been poisoned"),
            }
        })
    }
}

impl<T, F: FnOnce() -> T> Deref for LazyLock<T, F> {
    type Target = T;
    fn deref(&self) -> &T {
        LazyLock::force(self)
    }
}

impl<T: Default> Default for LazyLock<T> {
    #[track_caller]
    fn default() -> Self {
        LazyLock::new(T::default)
    }
}

impl<T: fmt::Debug, F> fmt::Debug for LazyLock<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_tuple("LazyLock");
        match self.cell.value.get() {
            Some(v) => d.field(v),
            None => d.field(&format_args!("<uninit>")),
        };
        d.finish()
    }
}

impl<T: RefUnwindSafe + UnwindSafe, F: UnwindSafe> RefUnwindSafe for LazyLock<T, F> {}
impl<T: UnwindSafe, F: UnwindSafe> UnwindSafe for LazyLock<T, F> {}
