//! The iterator [`ThreadPoolExecutor::map`](super::ThreadPoolExecutor::map) returns.

use super::error::FutureError;
use super::future::Future;
use std::collections::VecDeque;
use std::fmt;

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
}

impl<T> Map<T> {
    pub(crate) fn new(futures: VecDeque<Future<T>>) -> Self {
        Map { futures, started: false }
    }
}

impl<T> Iterator for Map<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.started = true;
        let future = self.futures.pop_front()?;
        match future.into_result() {
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
