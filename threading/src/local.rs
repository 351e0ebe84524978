//! Python's `threading.local`: a value per thread.

use parking_lot::Mutex;
use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

/// One thread's value of one `Local`: `None` until the initialiser has run on that thread.
/// The mutex is only ever taken by its own thread, or by the `Local`'s drop once no thread can
/// reach the `Local` any more, so it is never contended; it turns a re-entrant access into a
/// clear panic instead of a second `&mut`.
type Slot<T> = Mutex<Option<T>>;

thread_local! {
    /// This thread's slots, by `Local` id (each an `Arc<Slot<T>>`). Dropped when the thread
    /// ends, with its values, as Python drops a thread's `local` dicts.
    static SLOTS: RefCell<HashMap<u64, Box<dyn Any>>> = RefCell::new(HashMap::new());
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

const REENTERED: &str = "threading::Local: this thread's value is already in use by an enclosing \
    `with` of the same Local (read it there, or pass it down)";

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
/// Dropping the `Local` drops every thread's value, the values of threads still running
/// included, as deleting a Python `local` drops each thread's dict.
///
/// # Differences from Python
/// * Python's `local` has dynamic attributes; here the per-thread value is any type `T`
///   (a struct for several attributes, an `Option` for "not set yet").
/// * [`with`](Local::with) lends the value mutably, so reaching the same `Local` again from
///   inside it (where Python would simply read the attribute) panics with a clear message
///   rather than alias the value or lose a write.
pub struct Local<T: 'static> {
    id: u64,
    init: Box<dyn Fn() -> T + Send + Sync>,
    /// Every thread's slot, so that dropping the `Local` drops them all.
    slots: Mutex<Vec<Weak<Slot<T>>>>,
}

impl<T: 'static> Local<T> {
    /// A thread-local value made by `init` on each thread's first access.
    ///
    /// ```
    /// let name = threading::Local::new(|| threading::current_thread().name());
    /// assert_eq!(name.get(), threading::current_thread().name());
    /// ```
    pub fn new(init: impl Fn() -> T + Send + Sync + 'static) -> Local<T> {
        Local {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            init: Box::new(init),
            slots: Mutex::new(Vec::new()),
        }
    }

    /// The calling thread's slot, made (and registered with this `Local`) on first use.
    fn slot(&self) -> Arc<Slot<T>> {
        SLOTS.with(|slots| {
            let mut slots = slots.borrow_mut();
            if let Some(slot) = slots.get(&self.id).and_then(|slot| slot.downcast_ref::<Arc<Slot<T>>>()) {
                return Arc::clone(slot);
            }
            let slot = Arc::new(Mutex::new(None));
            let mut registered = self.slots.lock();
            // Forget the slots of threads that have ended, so a long-lived `Local` used by
            // many short threads stays small.
            if registered.len() >= 8 && registered.len().is_power_of_two() {
                registered.retain(|slot| slot.strong_count() > 0);
            }
            registered.push(Arc::downgrade(&slot));
            slots.insert(self.id, Box::new(Arc::clone(&slot)));
            slot
        })
    }

    /// Runs `f` with mutable access to the calling thread's value.
    ///
    /// ```
    /// let hits = threading::Local::new(|| 0);
    /// hits.with(|h| *h += 1);
    /// assert_eq!(hits.with(|h| *h), 1);
    /// ```
    ///
    /// # Panics
    /// If `f` reaches this same `Local` again (see the differences from Python).
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let slot = self.slot();
        let mut value = slot.try_lock().expect(REENTERED);
        f(value.get_or_insert_with(|| (self.init)()))
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
        let slot = SLOTS.with(|slots| {
            slots.borrow().get(&self.id).and_then(|slot| slot.downcast_ref::<Arc<Slot<T>>>()).cloned()
        });
        // A slot borrowed right now (by an enclosing `with`) has been initialised.
        slot.is_some_and(|slot| slot.try_lock().is_none_or(|value| value.is_some()))
    }
}

impl<T: Default + 'static> Default for Local<T> {
    fn default() -> Self {
        Local::new(T::default)
    }
}

impl<T: 'static> Drop for Local<T> {
    /// Drops every thread's value now. A value of another thread is dropped here, which is
    /// sound because a `Local` reachable from several threads is `Sync`, so `T: Send`.
    fn drop(&mut self) {
        for slot in self.slots.get_mut().drain(..) {
            if let Some(slot) = slot.upgrade() {
                slot.lock().take();
            }
        }
        let _ = SLOTS.try_with(|slots| slots.borrow_mut().remove(&self.id));
    }
}

impl<T: 'static> fmt::Debug for Local<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<_thread._local object at {:p}>", self as *const Self)
    }
}
