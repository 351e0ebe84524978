//! Python's `concurrent.futures.wait` and `as_completed`: waiting for several futures at once.

use super::error::TimeoutError;
use super::future::Future;
use super::watch::Watcher;
use crate::raw_lock::deadline_after;
use crate::schedule::Operation;
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::panic::Location;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// When [`wait`] returns (Python's `return_when` constants).
///
/// ```
/// use threading::futures::{ReturnWhen, ALL_COMPLETED};
/// assert_eq!(ALL_COMPLETED, ReturnWhen::AllCompleted);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReturnWhen {
    /// As soon as any future finishes or is cancelled (`FIRST_COMPLETED`).
    FirstCompleted,
    /// As soon as any future finishes by panicking, or when all are done if none does
    /// (`FIRST_EXCEPTION`).
    FirstException,
    /// When every future is done (`ALL_COMPLETED`).
    AllCompleted,
}

/// Python's `concurrent.futures.FIRST_COMPLETED`: [`wait`] returns once any future is done.
///
/// ```
/// use threading::futures::{self, ThreadPoolExecutor, FIRST_COMPLETED};
/// let executor = ThreadPoolExecutor::new(2).unwrap();
/// let fs = [executor.submit(|| 1).unwrap(), executor.submit(|| 2).unwrap()];
/// let (done, _not_done) = futures::wait(&fs, FIRST_COMPLETED);
/// assert!(!done.is_empty());
/// ```
pub const FIRST_COMPLETED: ReturnWhen = ReturnWhen::FirstCompleted;
/// Python's `concurrent.futures.FIRST_EXCEPTION`: [`wait`] returns at the first panic, or
/// when all are done.
///
/// ```
/// use threading::futures::{self, ThreadPoolExecutor, FIRST_EXCEPTION};
/// let executor = ThreadPoolExecutor::new(2).unwrap();
/// let fs = [executor.submit(|| 1).unwrap(), executor.submit(|| 2).unwrap()];
/// let (done, not_done) = futures::wait(&fs, FIRST_EXCEPTION);
/// assert_eq!((done.len(), not_done.len()), (2, 0), "no panic: it waited for all");
/// ```
pub const FIRST_EXCEPTION: ReturnWhen = ReturnWhen::FirstException;
/// Python's `concurrent.futures.ALL_COMPLETED`: [`wait`] returns when every future is done.
///
/// ```
/// use threading::futures::{self, ThreadPoolExecutor, ALL_COMPLETED};
/// let executor = ThreadPoolExecutor::new(2).unwrap();
/// let fs = [executor.submit(|| 1).unwrap(), executor.submit(|| 2).unwrap()];
/// let (done, not_done) = futures::wait(&fs, ALL_COMPLETED);
/// assert_eq!((done.len(), not_done.len()), (2, 0));
/// ```
pub const ALL_COMPLETED: ReturnWhen = ReturnWhen::AllCompleted;

/// What [`wait`] returns: `(done, not_done)` (Python's `DoneAndNotDoneFutures` named tuple of
/// two sets; here a tuple of two `Vec`s in the order the futures were given, each future once).
///
/// ```
/// use threading::futures::{self, DoneAndNotDoneFutures, ThreadPoolExecutor, ALL_COMPLETED};
/// let executor = ThreadPoolExecutor::new(1).unwrap();
/// let f = executor.submit(|| 1).unwrap();
/// // Python: done, not_done = wait([f, f])
/// let (done, not_done): DoneAndNotDoneFutures<'_, i32> = futures::wait([&f, &f], ALL_COMPLETED);
/// assert_eq!((done, not_done), (vec![&f], vec![]));
/// ```
pub type DoneAndNotDoneFutures<'a, T> = (Vec<&'a Future<T>>, Vec<&'a Future<T>>);

/// The futures `wait` was given, each once, in the order first given (Python uses a set).
fn distinct<'a, T>(fs: impl IntoIterator<Item = &'a Future<T>>) -> Vec<&'a Future<T>>
where
    T: 'a,
{
    let mut seen = HashSet::new();
    fs.into_iter().filter(|f| seen.insert(f.id())).collect()
}

/// A watcher installed on each future, taken off again however the wait ends (an interrupt
/// unwinds through here).
struct Watching<'a, T> {
    fs: Vec<&'a Future<T>>,
    watcher: Arc<Watcher>,
}

impl<'a, T> Watching<'a, T> {
    /// Installs the watcher; returns the indices of the futures already done, in input order.
    fn install(
        fs: Vec<&'a Future<T>>,
        operation: Operation,
        site: &'static Location<'static>,
    ) -> (Self, Vec<usize>) {
        let watcher = Watcher::new(operation, site);
        let done = fs.iter().enumerate().filter(|(i, f)| f.watch(&watcher, *i)).map(|(i, _)| i).collect();
        (Watching { fs, watcher }, done)
    }
}

impl<T> Drop for Watching<'_, T> {
    fn drop(&mut self) {
        for f in &self.fs {
            f.unwatch(&self.watcher);
        }
    }
}

/// Waits for the futures until `return_when` holds; returns `(done, not_done)`, each in the
/// order the futures were given (Python's `concurrent.futures.wait(fs, return_when=...)`).
/// Interruptible.
///
/// ```
/// use threading::futures::{self, ThreadPoolExecutor, ALL_COMPLETED};
/// let executor = ThreadPoolExecutor::new(4).unwrap();
/// let fs: Vec<_> = (0..4).map(|i| executor.submit(move || i * 10).unwrap()).collect();
/// let (done, not_done) = futures::wait(&fs, ALL_COMPLETED);
/// assert_eq!((done.len(), not_done.len()), (4, 0));
/// assert_eq!(done[3].result(), Ok(&30));
/// ```
#[track_caller]
pub fn wait<'a, T: 'a>(
    fs: impl IntoIterator<Item = &'a Future<T>>,
    return_when: ReturnWhen,
) -> DoneAndNotDoneFutures<'a, T> {
    wait_until(fs, None, return_when, Location::caller())
}

/// Like [`wait`], returning after `timeout` at the latest with what is done by then (Python's
/// `wait(fs, timeout, return_when)`; a timeout is not an error there either).
///
/// ```
/// use std::time::Duration;
/// use threading::futures::{self, ThreadPoolExecutor, FIRST_COMPLETED};
/// let executor = ThreadPoolExecutor::new(2).unwrap();
/// let gate = std::sync::Arc::new(threading::Event::new());
/// let stuck = executor.submit({ let gate = gate.clone(); move || { gate.wait(); } }).unwrap();
/// let (done, not_done) = futures::wait_timeout([&stuck], Duration::from_millis(10), FIRST_COMPLETED);
/// assert!(done.is_empty() && not_done.len() == 1);
/// gate.set();
/// ```
#[track_caller]
pub fn wait_timeout<'a, T: 'a>(
    fs: impl IntoIterator<Item = &'a Future<T>>,
    timeout: Duration,
    return_when: ReturnWhen,
) -> DoneAndNotDoneFutures<'a, T> {
    wait_until(fs, deadline_after(timeout), return_when, Location::caller())
}

fn wait_until<'a, T: 'a>(
    fs: impl IntoIterator<Item = &'a Future<T>>,
    deadline: Option<Instant>,
    return_when: ReturnWhen,
    site: &'static Location<'static>,
) -> DoneAndNotDoneFutures<'a, T> {
    let (watching, already) = Watching::install(distinct(fs), Operation::FuturesWait, site);
    let mut done = vec![false; watching.fs.len()];
    let mut finished = already;
    loop {
        for i in finished {
            done[i] = true;
        }
        let all = done.iter().all(|d| *d);
        let satisfied = all
            || match return_when {
                ReturnWhen::FirstCompleted => done.iter().any(|d| *d),
                ReturnWhen::FirstException => watching.fs.iter().zip(&done).any(|(f, d)| *d && f.panicked()),
                ReturnWhen::AllCompleted => false,
            };
        if satisfied {
            break;
        }
        finished = watching.watcher.wait(deadline);
        if finished.is_empty() {
            break; // timed out
        }
    }
    let (done, not_done): (Vec<_>, Vec<_>) = watching.fs.iter().zip(done).partition(|(_, d)| *d);
    (done.into_iter().map(|(f, _)| *f).collect(), not_done.into_iter().map(|(f, _)| *f).collect())
}

/// The futures in the order they finish (Python's `concurrent.futures.as_completed(fs)`):
/// those already done first, then each as it finishes. Waiting is interruptible.
///
/// ```
/// use std::collections::HashMap;
/// use threading::futures::{self, ThreadPoolExecutor};
///
/// // Python: future_to_url = {executor.submit(load_url, url): url for url in URLS}
/// //         for future in as_completed(future_to_url): url = future_to_url[future] ...
/// let executor = ThreadPoolExecutor::new(3).unwrap();
/// let future_to_url: HashMap<_, _> = ["a.org", "bb.org", "ccc.org"]
///     .into_iter()
///     .map(|url| (executor.submit(move || url.len()).unwrap(), url))
///     .collect();
/// for future in futures::as_completed(future_to_url.keys()) {
///     let url = future_to_url[future];
///     println!("{url} page is {} bytes", future.result().unwrap());
/// }
/// ```
#[track_caller]
pub fn as_completed<'a, T: 'a>(fs: impl IntoIterator<Item = &'a Future<T>>) -> AsCompleted<'a, T> {
    AsCompleted { inner: Completions::new(fs, None, Location::caller()) }
}

/// Like [`as_completed`], giving up `timeout` after the call: the iterator then yields one
/// `Err(`[`TimeoutError`]`)` saying how many of how many futures are unfinished, and ends
/// (Python's `as_completed(fs, timeout)` raising `TimeoutError("1 (of 2) futures unfinished")`).
///
/// ```
/// use std::time::Duration;
/// use threading::futures::{self, ThreadPoolExecutor};
/// let executor = ThreadPoolExecutor::new(2).unwrap();
/// let gate = std::sync::Arc::new(threading::Event::new());
/// let quick = executor.submit(|| 1).unwrap();
/// let stuck = executor.submit({ let gate = gate.clone(); move || { gate.wait(); 2 } }).unwrap();
/// quick.result().unwrap();
/// let seen: Vec<_> = futures::as_completed_timeout([&quick, &stuck], Duration::from_millis(20)).collect();
/// assert_eq!(seen, [Ok(&quick), Err(futures::TimeoutError { unfinished: 1, total: 2 })]);
/// assert_eq!(seen[1].unwrap_err().to_string(), "1 (of 2) futures unfinished");
/// gate.set();
/// ```
#[track_caller]
pub fn as_completed_timeout<'a, T: 'a>(
    fs: impl IntoIterator<Item = &'a Future<T>>,
    timeout: Duration,
) -> AsCompletedTimeout<'a, T> {
    let deadline = deadline_after(timeout);
    AsCompletedTimeout { inner: Completions::new(fs, deadline, Location::caller()), timed_out: false }
}

struct Completions<'a, T> {
    watching: Watching<'a, T>,
    ready: VecDeque<usize>,
    pending: usize,
    deadline: Option<Instant>,
}

impl<'a, T> Completions<'a, T> {
    fn new(
        fs: impl IntoIterator<Item = &'a Future<T>>,
        deadline: Option<Instant>,
        site: &'static Location<'static>,
    ) -> Self {
        let (watching, done) = Watching::install(distinct(fs), Operation::FuturesAsCompleted, site);
        let pending = watching.fs.len() - done.len();
        Completions { watching, ready: done.into(), pending, deadline }
    }

    /// The next finished future; `Err` once the deadline has passed with futures pending.
    fn next(&mut self) -> Option<Result<&'a Future<T>, TimeoutError>> {
        loop {
            if let Some(i) = self.ready.pop_front() {
                return Some(Ok(self.watching.fs[i]));
            }
            if self.pending == 0 {
                return None;
            }
            let finished = self.watching.watcher.wait(self.deadline);
            if finished.is_empty() {
                return Some(Err(TimeoutError { unfinished: self.pending, total: self.watching.fs.len() }));
            }
            self.pending -= finished.len();
            self.ready.extend(finished);
        }
    }
}

/// The iterator [`as_completed`] returns.
///
/// ```
/// let executor = threading::futures::ThreadPoolExecutor::new(1).unwrap();
/// let f = executor.submit(|| 5).unwrap();
/// let mut it = threading::futures::as_completed([&f]);
/// assert_eq!(it.next(), Some(&f));
/// assert_eq!(it.next(), None);
/// ```
pub struct AsCompleted<'a, T> {
    inner: Completions<'a, T>,
}

impl<'a, T> Iterator for AsCompleted<'a, T> {
    type Item = &'a Future<T>;

    fn next(&mut self) -> Option<&'a Future<T>> {
        match self.inner.next()? {
            Ok(future) => Some(future),
            Err(TimeoutError { .. }) => {
                unreachable!("as_completed without a timeout waits until each is done")
            }
        }
    }
}

/// The iterator [`as_completed_timeout`] returns.
///
/// ```
/// use std::time::Duration;
/// let executor = threading::futures::ThreadPoolExecutor::new(1).unwrap();
/// let f = executor.submit(|| 5).unwrap();
/// let mut it = threading::futures::as_completed_timeout([&f], Duration::from_secs(10));
/// assert_eq!(it.next(), Some(Ok(&f)));
/// assert_eq!(it.next(), None);
/// ```
pub struct AsCompletedTimeout<'a, T> {
    inner: Completions<'a, T>,
    timed_out: bool,
}

impl<'a, T> Iterator for AsCompletedTimeout<'a, T> {
    type Item = Result<&'a Future<T>, TimeoutError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.timed_out {
            return None;
        }
        let next = self.inner.next()?;
        self.timed_out = next.is_err();
        Some(next)
    }
}

impl<T> fmt::Debug for AsCompleted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted").field("pending", &self.inner.pending).finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for AsCompletedTimeout<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompletedTimeout").field("pending", &self.inner.pending).finish_non_exhaustive()
    }
}
