//! Python's `threading.local`: a value per thread.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

thread_local! {
    static VALUES: RefCell<HashMap<u64, Box<dyn Any>>> = RefCell::new(HashMap::new());
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Thread-local data (Python's `threading.local`): one `Local` shared by all threads, each
/// thread seeing its own value.
///
/// A thread's value is made by the initialiser on its first access from that thread, like the
/// `__init__` of a Python `local` subclass, which runs once per thread (seed 004).
///
/// ```
/// use std::sync::Arc;
/// use threading::{Local, Thread};
///
/// let data = Arc::new(Local::new(|| {
///     println!("initialising for {}", threading::current_thread().name());
///     0
/// }));
/// data.set(1000);
/// let t = Thread::new({
///     let data = data.clone();
///     move || {
///         assert_eq!(data.get(), 0); // this thread's own value, freshly initialised
///         data.with(|v| *v += 1);
///         assert_eq!(data.get(), 1);
///     }
/// });
/// t.start().unwrap();
/// t.join().unwrap();
/// assert_eq!(data.get(), 1000); // untouched by the other thread
/// ```
///
/// # Differences from Python
/// * Python's `local` has dynamic attributes; here the per-thread value is any type `T`
///   (a struct for several attributes, an `Option` for "not set yet").
pub struct Local<T: 'static> {
    id: u64,
    init: Box<dyn Fn() -> T + Send + Sync>,
}

impl<T: 'static> Local<T> {
    /// A thread-local value made by `init` on each thread's first access.
    ///
    /// ```
    /// let name = threading::Local::new(|| threading::current_thread().name());
    /// assert_eq!(name.get(), threading::current_thread().name());
    /// ```
    pub fn new(init: impl Fn() -> T + Send + Sync + 'static) -> Local<T> {
        Local { id: NEXT_ID.fetch_add(1, Ordering::Relaxed), init: Box::new(init) }
    }

    /// Runs `f` with mutable access to the calling thread's value.
    ///
    /// ```
    /// let hits = threading::Local::new(|| 0);
    /// hits.with(|h| *h += 1);
    /// assert_eq!(hits.with(|h| *h), 1);
    /// ```
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let mut value = VALUES
            .with(|values| values.borrow_mut().remove(&self.id))
            .and_then(|boxed| boxed.downcast::<T>().ok())
            .unwrap_or_else(|| Box::new((self.init)()));
        // The value is taken out while `f` runs, so `f` may use other `Local`s (or this one,
        // which then sees a fresh value) without a double borrow.
        let result = f(&mut value);
        VALUES.with(|values| values.borrow_mut().insert(self.id, value));
        result
    }

    /// A copy of the calling thread's value.
    ///
    /// ```
    /// let x = threading::Local::new(|| 7);
    /// assert_eq!(x.get(), 7);
    /// ```
    pub fn get(&self) -> T
    where
        T: Clone,
    {
        self.with(|value| value.clone())
    }

    /// Replaces the calling thread's value.
    ///
    /// ```
    /// let x = threading::Local::new(|| 0);
    /// x.set(5);
    /// assert_eq!(x.get(), 5);
    /// ```
    pub fn set(&self, value: T) {
        self.with(|slot| *slot = value);
    }

    /// Whether the calling thread has a value yet (has the initialiser run here?).
    ///
    /// ```
    /// let x = threading::Local::new(|| 0);
    /// assert!(!x.is_initialized());
    /// x.get();
    /// assert!(x.is_initialized());
    /// ```
    pub fn is_initialized(&self) -> bool {
        VALUES.with(|values| values.borrow().contains_key(&self.id))
    }
}

impl<T: Default + 'static> Default for Local<T> {
    fn default() -> Self {
        Local::new(T::default)
    }
}

impl<T: 'static> Drop for Local<T> {
    fn drop(&mut self) {
        let _ = VALUES.try_with(|values| values.borrow_mut().remove(&self.id));
    }
}

impl<T: 'static> fmt::Debug for Local<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<_thread._local object at {:p}>", self as *const Self)
    }
}
