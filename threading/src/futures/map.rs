//! The iterator [`ThreadPoolExecutor::map`](super::ThreadPoolExecutor::map) returns.

use super::error::FutureError;
use super::future::Future;
use crate::error::TimeoutError;
use std::collections::VecDeque;
use std::fmt;
use std::panic::Location;
use std::time::Instant;

/// The results of [`ThreadPoolExecutor::map`](super::ThreadPoolExecutor::map), in input
/// order (Python's `result_iterator` generator).
///
/// `next` waits for the next item's task. A task that panicked panics again here, with the
/// task's message and location (Python re-raises its exception). Dropping the iterator once
/// iteration has begun cancels the tasks that have not started; dropping it unused, as
/// seed 002's `executor.map(thread_function, range(3))` does, leaves them to run, as in Python.
///
/// ```
/// let executor = threading::futures::ThreadPoolExecutor::new(2).unwrap();
/// let mut lengths = executor.map(|w: &str| w.len(), ["a", "bb", "ccc"]).unwrap();
/// assert_eq!(lengths.len(), 3);
/// assert_eq!(lengths.next(), Some(1));
/// assert_eq!(lengths.collect::<Vec<_>>(), [2, 3]);
/// ```
pub struct Map<T> {
    futures: VecDeque<Future<T>>,
    started: bool,
    site: &'static Location<'static>,
}

impl<T> Map<T> {
    pub(crate) fn new(futures: VecDeque<Future<T>>, site: &'static Location<'static>) -> Self {
        Map { futures, started: false, site }
    }
}

impl<T> Iterator for Map<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.started = true;
        let future = self.futures.pop_front()?;
        match future.into_result_until(None, self.site) {
            Ok(value) => Some(value),
            Err(FutureError::Panicked(panic)) => panic!("{panic}"),
            Err(error) => panic!("{error}"),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.futures.len(), Some(self.futures.len()))
    }
}

impl<T> ExactSizeIterator for Map<T> {}

impl<T> Drop for Map<T> {
    /// Python's `finally: for future in fs: future.cancel()`, which runs only if the generator
    /// was started.
    fn drop(&mut self) {
        if !self.started {
            return;
        }
        for future in &self.futures {
            future.cancel();
        }
    }
}

impl<T> fmt::Debug for Map<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Map").field("remaining", &self.futures.len()).finish()
    }
}

/// The results of [`ThreadPoolExecutor::map_timeout`](super::ThreadPoolExecutor::map_timeout),
/// in input order: Python's `executor.map(fn, iterable, timeout=t)`.
///
/// Each item is `Ok(value)`, until the deadline (`timeout` after the `map_timeout` call) passes
/// before the next result is ready: then it yields `Err(TimeoutError)`, cancels the tasks that
/// have not started (the one it waited for too) and ends, as Python's iterator raises
/// `TimeoutError` and cancels the rest. A task's panic panics again here, as with [`Map`].
///
/// ```
/// use std::time::Duration;
/// let executor = threading::futures::ThreadPoolExecutor::new(1).unwrap();
/// let gate = std::sync::Arc::new(threading::Event::new());
/// let wait = { let gate = gate.clone(); move |x: i32| { if x == 3 { gate.wait(); } x } };
/// let results: Vec<_> = executor.map_timeout(wait, [1, 2, 3, 4], Duration::from_millis(50)).unwrap().collect();
/// assert_eq!(results, [Ok(1), Ok(2), Err(threading::TimeoutError)]);
/// gate.set();
/// ```
pub struct MapTimeout<T> {
    map: Map<T>,
    deadline: Option<Instant>,
    timed_out: bool,
}

impl<T> MapTimeout<T> {
    pub(crate) fn new(map: Map<T>, deadline: Option<Instant>) -> Self {
        MapTimeout { map, deadline, timed_out: false }
    }
}

impl<T> Iterator for MapTimeout<T> {
    type Item = Result<T, TimeoutError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.timed_out {
            return None;
        }
        self.map.started = true;
        let future = self.map.futures.pop_front()?;
        match future.into_result_until(self.deadline, self.map.site) {
            Ok(value) => Some(Ok(value)),
            Err(FutureError::Timeout) => {
                self.timed_out = true;
                for future in self.map.futures.drain(..) {
                    future.cancel();
                }
                Some(Err(TimeoutError))
            }
            Err(FutureError::Panicked(panic)) => panic!("{panic}"),
            Err(error) => panic!("{error}"),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = if self.timed_out { 0 } else { self.map.futures.len() };
        (0, Some(n))
    }
}

impl<T> fmt::Debug for MapTimeout<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapTimeout").field("remaining", &self.map.futures.len()).finish_non_exhaustive()
    }
}
