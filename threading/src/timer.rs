//! Python's `threading.Timer`.

use crate::event::Event;
use crate::thread::{Builder, Thread};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

/// A thread that runs a function after a delay unless [`cancel`](Timer::cancel)ed first
/// (Python's `threading.Timer`). It is a [`Thread`] (it dereferences to one), named `Thread-N`.
///
/// ```
/// use std::time::Duration;
/// use threading::Timer;
///
/// let t1 = Timer::new(Duration::from_millis(10), || println!("t1 fired"));
/// let t2 = Timer::new(Duration::from_millis(10), || unreachable!("t2 was cancelled"));
/// assert!(t1.to_string().starts_with("<Timer(Thread-"));
/// t1.start().unwrap();
/// t2.start().unwrap();
/// t2.cancel();
/// t1.join().unwrap();
/// t2.join().unwrap();
/// ```
pub struct Timer {
    thread: Thread,
    finished: Arc<Event>,
}

impl Timer {
    /// A timer that will run `function` `interval` after [`start`](Thread::start).
    ///
    /// ```
    /// let t = threading::Timer::new(std::time::Duration::ZERO, || {});
    /// t.start().unwrap();
    /// t.join().unwrap();
    /// ```
    #[track_caller]
    pub fn new<F>(interval: Duration, function: F) -> Timer
    where
        F: FnOnce() + Send + 'static,
    {
        Timer::with_builder(Builder::new(), interval, function)
    }

    /// Like [`new`](Timer::new), with a name and daemon flag from `builder`.
    ///
    /// ```
    /// let b = threading::Thread::builder().name("alarm");
    /// let t = threading::Timer::with_builder(b, std::time::Duration::ZERO, || {});
    /// assert_eq!(t.name(), "alarm");
    /// ```
    #[track_caller]
    pub fn with_builder<F>(builder: Builder, interval: Duration, function: F) -> Timer
    where
        F: FnOnce() + Send + 'static,
    {
        let finished = Arc::new(Event::new());
        let thread = builder.class("Timer").target({
            let finished = Arc::clone(&finished);
            move || {
                finished.wait_timeout(interval);
                if !finished.is_set() {
                    function();
                }
                finished.set();
            }
        });
        Timer { thread, finished }
    }

    /// Stops the timer if it has not fired yet (Python's `cancel()`).
    ///
    /// ```
    /// let fired = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    /// let t = threading::Timer::new(std::time::Duration::from_millis(50), {
    ///     let fired = fired.clone();
    ///     move || fired.store(true, std::sync::atomic::Ordering::SeqCst)
    /// });
    /// t.start().unwrap();
    /// t.cancel();
    /// t.join().unwrap();
    /// assert!(!fired.load(std::sync::atomic::Ordering::SeqCst));
    /// ```
    pub fn cancel(&self) {
        self.finished.set();
    }

    /// The timer's thread.
    pub fn thread(&self) -> &Thread {
        &self.thread
    }
}

impl Deref for Timer {
    type Target = Thread;
    fn deref(&self) -> &Thread {
        &self.thread
    }
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.thread, f)
    }
}

impl fmt::Debug for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.thread, f)
    }
}
