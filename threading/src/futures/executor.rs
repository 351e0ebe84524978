//! Python's `concurrent.futures.ThreadPoolExecutor`.

use super::error::TaskPanic;
use super::future::{self, Future, Outcome, Promise};
use super::map::{Map, MapTimeout};
use crate::error::{RuntimeError, ValueError};
use crate::excepthook;
use crate::lock::Lock;
use crate::queue::{Empty, SimpleQueue};
use crate::raw_lock::deadline_after;
use crate::semaphore::Semaphore;
use crate::thread::Thread;
use std::fmt;
use std::io::Write;
use std::panic::{AssertUnwindSafe, Location};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// Python's `ThreadPoolExecutor._counter`: numbers the default thread name prefixes.
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Python's `_threads_queues`: every pool, so that the program's exit can shut them down.
static POOLS: Mutex<Vec<Weak<Pool>>> = Mutex::new(Vec::new());

const BROKEN: &str = "A thread initializer failed, the thread pool is not usable anymore";

/// A pool of worker threads that run submitted tasks (Python's
/// `concurrent.futures.ThreadPoolExecutor`).
///
/// Workers are [`Thread`]s named `ThreadPoolExecutor-N_i` (or `PREFIX_i`), started one at a
/// time as tasks arrive while no worker is idle, up to `max_workers`. Dropping the executor
/// is Python's `with` block ending: [`shutdown(true, false)`](ThreadPoolExecutor::shutdown),
/// which waits for every submitted task.
///
/// Workers are not daemon threads (as since Python 3.9), nor are the threads a task starts.
/// At the program's exit ([`threading::shutdown`](crate::shutdown) or the
/// [`exit_guard`](crate::exit_guard)), every executor still alive stops taking tasks, finishes
/// what is queued and joins its workers, before the other non-daemon threads are joined
/// (Python's `threading._register_atexit` hook); a `submit` after that fails with
/// `cannot schedule new futures after interpreter shutdown`.
///
/// Seed 002, with the pool as a context manager:
///
/// ```
/// use threading::futures::ThreadPoolExecutor;
/// use threading::logging::{self, info};
///
/// fn thread_function(name: i32) {
///     info!("Thread {name}: starting");
///     threading::sleep(std::time::Duration::from_millis(20));
///     info!("Thread {name}: ending");
/// }
///
/// let format = "%(asctime)s: %(message)s";
/// logging::basic_config(logging::Config::new().format(format).level(logging::INFO).datefmt("%H:%M:%S")).unwrap();
/// {
///     // with concurrent.futures.ThreadPoolExecutor(max_workers=3) as executor:
///     let executor = ThreadPoolExecutor::new(3).unwrap();
///     executor.map(thread_function, 0..3).unwrap();
/// } // the executor is dropped: every task has finished
/// ```
///
/// A task's panic is kept in its [`Future`]; one that nobody looks at is reported when the
/// future is dropped, so seed 002's "the program terminates with no output" cannot happen.
///
/// # Differences from Python
/// * `submit(fn, *args)` takes a closure: `submit(move || f(a, b))`. `map(fn, *iterables)`
///   is [`map`](ThreadPoolExecutor::map) for one iterable, [`map2`](ThreadPoolExecutor::map2)
///   and [`map3`](ThreadPoolExecutor::map3) for two and three (`f` takes one item of each,
///   stopping at the shortest, as Python's does); for more, `map` over
///   [`std::iter::zip`]s with a closure that takes a tuple.
/// * `submit` and `map` return `Result` where Python raises `RuntimeError` (after shutdown,
///   or when an initializer failed: Python's `BrokenThreadPool`).
/// * `shutdown` has no defaults: `shutdown(true, false)` is Python's `shutdown()`.
/// * `map(fn, it, timeout=t)` is [`map_timeout`](ThreadPoolExecutor::map_timeout), whose
///   items are `Result`s; a panicking item panics again (Python: re-raises) when the
///   iteration reaches it. There is no `chunksize` (Python ignores it for threads).
pub struct ThreadPoolExecutor {
    pool: Arc<Pool>,
}

struct Pool {
    max_workers: usize,
    prefix: String,
    initializer: Option<Initializer>,
    work: SimpleQueue<Option<Box<dyn Work>>>,
    idle: Semaphore,
    shutdown: AtomicBool,
    life: Lock<Life>,
}

type Initializer = Arc<dyn Fn() + Send + Sync>;

/// What Python guards with `_shutdown_lock`.
struct Life {
    shutdown: bool,
    broken: bool,
    /// The program's exit shut the pool down (Python's global `_shutdown`).
    exited: bool,
    threads: Vec<Thread>,
}

/// A submitted task with its future, type-erased for the work queue (Python's `_WorkItem`).
trait Work: Send {
    fn run(self: Box<Self>);
    fn cancel(self: Box<Self>);
    fn fail(self: Box<Self>, panic: TaskPanic);
}

struct WorkItem<T, F> {
    future: Promise<T>,
    task: F,
}

impl<T, F> Work for WorkItem<T, F>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    fn run(self: Box<Self>) {
        let WorkItem { future, task } = *self;
        if !future.set_running_or_notify_cancel() {
            return;
        }
        let (outcome, location) = excepthook::capturing(|| std::panic::catch_unwind(AssertUnwindSafe(task)));
        let outcome = match outcome {
            Ok(value) => Outcome::Returned(value),
            Err(payload) => {
                Outcome::Panicked(TaskPanic::new(payload.as_ref(), location, crate::current_thread().name()))
            }
        };
        future.finish(outcome);
    }

    fn cancel(self: Box<Self>) {
        self.future.cancel();
    }

    fn fail(self: Box<Self>, panic: TaskPanic) {
        if self.future.set_running_or_notify_cancel() {
            self.future.finish(Outcome::Panicked(panic));
        }
    }
}

impl ThreadPoolExecutor {
    /// A pool of at most `max_workers` threads (Python's `ThreadPoolExecutor(max_workers)`);
    /// 0 is an error, as in Python.
    ///
    /// ```
    /// use threading::futures::ThreadPoolExecutor;
    /// let executor = ThreadPoolExecutor::new(4).unwrap();
    /// assert_eq!(executor.max_workers(), 4);
    /// assert_eq!(ThreadPoolExecutor::new(0).unwrap_err().to_string(), "max_workers must be greater than 0");
    /// ```
    pub fn new(max_workers: usize) -> Result<ThreadPoolExecutor, ValueError> {
        ThreadPoolExecutor::builder().max_workers(max_workers).build()
    }

    /// A builder for Python's other keyword arguments: `thread_name_prefix`, `initializer`.
    ///
    /// ```
    /// let executor = threading::futures::ThreadPoolExecutor::builder()
    ///     .max_workers(2)
    ///     .thread_name_prefix("downloader")
    ///     .initializer(|| println!("worker {} ready", threading::current_thread().name()))
    ///     .build()
    ///     .unwrap();
    /// let name = executor.submit(|| threading::current_thread().name()).unwrap();
    /// assert_eq!(name.result().unwrap(), "downloader_0");
    /// ```
    pub fn builder() -> ExecutorBuilder {
        ExecutorBuilder::default()
    }

    /// The most worker threads the pool will start.
    ///
    /// ```
    /// let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    /// let executor = threading::futures::ThreadPoolExecutor::default();
    /// assert_eq!(executor.max_workers(), (cpus + 4).min(32));
    /// ```
    pub fn max_workers(&self) -> usize {
        self.pool.max_workers
    }

    /// Schedules `task` to run on a worker and returns its [`Future`] (Python's
    /// `executor.submit(fn, *args)`). Fails after [`shutdown`](ThreadPoolExecutor::shutdown).
    ///
    /// ```
    /// use threading::futures::ThreadPoolExecutor;
    /// let executor = ThreadPoolExecutor::new(2).unwrap();
    /// let x = 21;
    /// let doubled = executor.submit(move || x * 2).unwrap();
    /// assert_eq!(doubled.result(), Ok(&42));
    /// executor.shutdown(true, false);
    /// let err = executor.submit(|| ()).unwrap_err();
    /// assert_eq!(err.to_string(), "cannot schedule new futures after shutdown");
    /// ```
    ///
    /// The result must be `Send` (it is made on a worker and handed to whoever holds the
    /// future); it need not be `Sync` (see [`Future::into_result`]):
    ///
    /// ```compile_fail,E0277
    /// let executor = threading::futures::ThreadPoolExecutor::new(1).unwrap();
    /// let shared = executor.submit(|| std::rc::Rc::new(1)); // `Rc` cannot leave its thread
    /// ```
    #[track_caller]
    pub fn submit<F, T>(&self, task: F) -> Result<Future<T>, RuntimeError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.submit_at(task, Location::caller())
    }

    pub(crate) fn submit_at<F, T>(
        &self,
        task: F,
        site: &'static Location<'static>,
    ) -> Result<Future<T>, RuntimeError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let mut life = self.pool.life.lock();
        if life.broken {
            return Err(RuntimeError::new(BROKEN));
        }
        if life.exited {
            return Err(RuntimeError::new("cannot schedule new futures after interpreter shutdown"));
        }
        if life.shutdown {
            return Err(RuntimeError::new("cannot schedule new futures after shutdown"));
        }
        let (future, promise) = future::pair(site);
        self.pool.work.put(Some(Box::new(WorkItem { future: promise, task })));
        self.adjust_thread_count(&mut life)?;
        Ok(future)
    }

    /// Starts a worker unless one is idle or the pool is at `max_workers` (Python's
    /// `_adjust_thread_count`).
    fn adjust_thread_count(&self, life: &mut Life) -> Result<(), RuntimeError> {
        if self.pool.idle.try_acquire() {
            return Ok(());
        }
        let n = life.threads.len();
        if n < self.pool.max_workers {
            let pool = Arc::clone(&self.pool);
            let thread = Thread::builder()
                .name(format!("{}_{n}", self.pool.prefix))
                .daemon(false)
                .target(move || worker(pool));
            thread.start()?;
            life.threads.push(thread);
        }
        Ok(())
    }

    /// Runs `f` on every item, on the pool, and returns the results in input order (Python's
    /// `executor.map(fn, iterable)`). Every item is submitted at once; the iterator waits for
    /// each result in turn. A panicking item panics again, on the iterating thread, when the
    /// iteration reaches it; dropping the iterator cancels the items not yet started.
    ///
    /// ```
    /// let executor = threading::futures::ThreadPoolExecutor::new(4).unwrap();
    /// let squares: Vec<u64> = executor.map(|x: u64| x * x, 1..=5).unwrap().collect();
    /// assert_eq!(squares, [1, 4, 9, 16, 25]);
    /// // Python: list(executor.map(print, ["Knock?", "Knock!"]))
    /// let printed: Vec<()> = executor.map(|s| println!("{s}"), ["Knock?", "Knock!"]).unwrap().collect();
    /// assert_eq!(printed, [(), ()]);
    /// ```
    #[track_caller]
    pub fn map<I, F, T>(&self, f: F, iterable: I) -> Result<Map<T>, RuntimeError>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        let site = Location::caller();
        let f = Arc::new(f);
        let futures = iterable
            .into_iter()
            .map(|item| {
                let f = Arc::clone(&f);
                self.submit_at(move || f(item), site)
            })
            .collect::<Result<_, _>>()?;
        Ok(Map::new(futures, site))
    }

    /// Python's `executor.map(fn, iterable, timeout=t)`: as [`map`](ThreadPoolExecutor::map),
    /// but the iterator gives up once `timeout` has passed since this call, yielding
    /// `Err(TimeoutError)` and cancelling the tasks not started (see [`MapTimeout`]). For
    /// several iterables, pass a [`std::iter::zip`] and a closure that takes a tuple.
    ///
    /// ```
    /// use std::time::Duration;
    /// let executor = threading::futures::ThreadPoolExecutor::new(2).unwrap();
    /// let doubled: Result<Vec<i32>, _> =
    ///     executor.map_timeout(|x| x * 2, [1, 2, 3], Duration::from_secs(60)).unwrap().collect();
    /// assert_eq!(doubled, Ok(vec![2, 4, 6]));
    /// ```
    #[track_caller]
    pub fn map_timeout<I, F, T>(
        &self,
        f: F,
        iterable: I,
        timeout: Duration,
    ) -> Result<MapTimeout<T>, RuntimeError>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        let deadline = deadline_after(timeout);
        Ok(MapTimeout::new(self.map(f, iterable)?, deadline))
    }

    /// Python's `executor.map(fn, a, b)`: runs `f(x, y)` for the items of `a` and `b` taken
    /// side by side, stopping at the shorter, and returns the results in order. As
    /// [`map`](ThreadPoolExecutor::map) otherwise.
    ///
    /// ```
    /// let executor = threading::futures::ThreadPoolExecutor::new(2).unwrap();
    /// // Python: list(executor.map(pow, [2, 3, 10], [5, 2]))
    /// let powers: Vec<u32> = executor.map2(u32::pow, [2, 3, 10], [5, 2]).unwrap().collect();
    /// assert_eq!(powers, [32, 9]);
    /// ```
    #[track_caller]
    pub fn map2<A, B, F, T>(&self, f: F, a: A, b: B) -> Result<Map<T>, RuntimeError>
    where
        A: IntoIterator,
        B: IntoIterator,
        A::Item: Send + 'static,
        B::Item: Send + 'static,
        F: Fn(A::Item, B::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        self.map(move |(x, y)| f(x, y), std::iter::zip(a, b))
    }

    /// Python's `executor.map(fn, a, b, c)`: as [`map2`](ThreadPoolExecutor::map2), with three
    /// iterables.
    ///
    /// ```
    /// let executor = threading::futures::ThreadPoolExecutor::new(2).unwrap();
    /// let sums: Vec<i32> = executor.map3(|x, y, z| x + y + z, [1, 2], [10, 20], [100, 200, 300]).unwrap().collect();
    /// assert_eq!(sums, [111, 222]);
    /// ```
    #[track_caller]
    pub fn map3<A, B, C, F, T>(&self, f: F, a: A, b: B, c: C) -> Result<Map<T>, RuntimeError>
    where
        A: IntoIterator,
        B: IntoIterator,
        C: IntoIterator,
        A::Item: Send + 'static,
        B::Item: Send + 'static,
        C::Item: Send + 'static,
        F: Fn(A::Item, B::Item, C::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        self.map(move |((x, y), z)| f(x, y, z), std::iter::zip(std::iter::zip(a, b), c))
    }

    /// Stops taking tasks (Python's `executor.shutdown(wait, cancel_futures)`). With
    /// `cancel_futures`, tasks no worker has started are cancelled; with `wait`, returns once
    /// every worker has finished its tasks and exited. Waiting is interruptible.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use threading::Event;
    /// let executor = threading::futures::ThreadPoolExecutor::new(1).unwrap();
    /// let (started, gate) = (Arc::new(Event::new()), Arc::new(Event::new()));
    /// let running = executor
    ///     .submit({ let (started, gate) = (started.clone(), gate.clone()); move || { started.set(); gate.wait(); } })
    ///     .unwrap();
    /// let queued = executor.submit(|| ()).unwrap();
    /// started.wait();
    /// executor.shutdown(false, true); // returns at once, cancelling what has not started
    /// gate.set();
    /// assert!(queued.cancelled());
    /// assert!(running.result().is_ok(), "a started task runs to its end");
    /// ```
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) {
        let (threads, cancelled) = {
            let mut life = self.pool.life.lock();
            life.shutdown = true;
            self.pool.shutdown.store(true, Ordering::Release);
            let cancelled = if cancel_futures { self.pool.work.drain() } else { Vec::new() };
            self.pool.work.put(None);
            (life.threads.clone(), cancelled)
        };
        cancelled.into_iter().flatten().for_each(|work| work.cancel());
        if wait {
            let me = crate::current_thread();
            for thread in threads.iter().filter(|t| **t != me) {
                let _ = thread.join();
            }
        }
    }
}

impl Pool {
    /// Python's `_initializer_failed`: the pool is broken and queued tasks fail.
    fn initializer_failed(&self, thread: String) {
        let queued = {
            let mut life = self.life.lock();
            life.broken = true;
            self.work.drain()
        };
        for work in queued.into_iter().flatten() {
            work.fail(TaskPanic { message: BROKEN.to_owned(), location: None, thread: thread.clone() });
        }
    }
}

/// Python's `_python_exit`, which `concurrent.futures.thread` registers with
/// `threading._register_atexit`: at the program's exit ([`shutdown`](crate::shutdown)), before
/// the non-daemon threads are joined, every pool stops taking tasks and its workers finish
/// what is queued and are joined.
pub(crate) fn at_exit() {
    let pools: Vec<Arc<Pool>> = {
        let mut pools = POOLS.lock().unwrap_or_else(|e| e.into_inner());
        pools.retain(|pool| pool.strong_count() > 0);
        pools.iter().filter_map(Weak::upgrade).collect()
    };
    let mut threads = Vec::new();
    for pool in &pools {
        let mut life = pool.life.lock();
        life.exited = true;
        pool.shutdown.store(true, Ordering::Release);
        pool.work.put(None);
        threads.extend(life.threads.iter().cloned());
    }
    let me = crate::current_thread();
    for thread in threads.iter().filter(|t| **t != me) {
        let _ = thread.join();
    }
}

/// A worker's loop (Python's `_worker`).
fn worker(pool: Arc<Pool>) {
    if let Some(initializer) = &pool.initializer {
        let (outcome, location) =
            excepthook::capturing(|| std::panic::catch_unwind(AssertUnwindSafe(|| initializer())));
        if let Err(payload) = outcome {
            let thread = crate::current_thread().name();
            let panic = TaskPanic::new(payload.as_ref(), location, thread.clone());
            let _ = writeln!(std::io::stderr().lock(), "Exception in initializer:\n{panic}");
            pool.initializer_failed(thread);
            return;
        }
    }
    loop {
        let work = match pool.work.get_nowait() {
            Ok(work) => work,
            Err(Empty) => {
                pool.idle.release();
                let Ok(work) = pool.work.get();
                work
            }
        };
        match work {
            Some(work) => work.run(),
            None if pool.shutdown.load(Ordering::Acquire) => {
                pool.work.put(None); // wake the next worker, so that all of them exit
                return;
            }
            None => {}
        }
    }
}

impl Default for ThreadPoolExecutor {
    /// Python's `ThreadPoolExecutor()`: `min(32, cpu_count + 4)` workers.
    fn default() -> Self {
        ExecutorBuilder::default().build().expect("the default max_workers is valid")
    }
}

impl Drop for ThreadPoolExecutor {
    /// The end of Python's `with ThreadPoolExecutor() as executor:` block.
    fn drop(&mut self) {
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| self.shutdown(true, false)));
        if let Err(payload) = outcome
            && !std::thread::panicking()
        {
            std::panic::resume_unwind(payload); // an interrupt while waiting
        }
    }
}

impl fmt::Debug for ThreadPoolExecutor {
    /// Python's repr: `<concurrent.futures.thread.ThreadPoolExecutor object at 0x...>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<concurrent.futures.thread.ThreadPoolExecutor object at {:p}>", Arc::as_ptr(&self.pool))
    }
}

/// Python's `ThreadPoolExecutor(max_workers=None, thread_name_prefix='', initializer=None)`
/// keyword arguments.
///
/// ```
/// let executor = threading::futures::ThreadPoolExecutor::builder().max_workers(3).build().unwrap();
/// assert_eq!(executor.max_workers(), 3);
/// ```
#[derive(Default)]
#[must_use = "a builder does nothing until `build`"]
pub struct ExecutorBuilder {
    max_workers: Option<usize>,
    thread_name_prefix: Option<String>,
    initializer: Option<Initializer>,
}

impl ExecutorBuilder {
    /// The most worker threads; default `min(32, cpu_count + 4)`, as in Python.
    ///
    /// ```
    /// let b = threading::futures::ThreadPoolExecutor::builder().max_workers(2);
    /// assert_eq!(b.build().unwrap().max_workers(), 2);
    /// ```
    pub fn max_workers(mut self, max_workers: usize) -> Self {
        self.max_workers = Some(max_workers);
        self
    }

    /// Workers are named `{prefix}_0`, `{prefix}_1`, ...; default `ThreadPoolExecutor-N`
    /// with `N` counting executors from 0, as in Python.
    ///
    /// ```
    /// let executor = threading::futures::ThreadPoolExecutor::builder().thread_name_prefix("io").build().unwrap();
    /// let name = executor.submit(|| threading::current_thread().name()).unwrap();
    /// assert_eq!(name.result().unwrap(), "io_0");
    /// ```
    pub fn thread_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.thread_name_prefix = Some(prefix.into());
        self
    }

    /// Runs `initializer` at the start of each worker thread (Python's `initializer=`, with
    /// `initargs` captured by the closure). If it panics, the pool is broken, as in Python:
    /// queued tasks fail and `submit` is refused.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// let started = Arc::new(AtomicUsize::new(0));
    /// let executor = threading::futures::ThreadPoolExecutor::builder()
    ///     .initializer({ let started = started.clone(); move || { started.fetch_add(1, Ordering::SeqCst); } })
    ///     .build()
    ///     .unwrap();
    /// executor.submit(|| ()).unwrap().result().unwrap();
    /// assert_eq!(started.load(Ordering::SeqCst), 1);
    /// ```
    pub fn initializer(mut self, initializer: impl Fn() + Send + Sync + 'static) -> Self {
        self.initializer = Some(Arc::new(initializer));
        self
    }

    /// Makes the executor; no thread starts until the first `submit`.
    ///
    /// ```
    /// let err = threading::futures::ThreadPoolExecutor::builder().max_workers(0).build().unwrap_err();
    /// assert_eq!(err.to_string(), "max_workers must be greater than 0");
    /// ```
    pub fn build(self) -> Result<ThreadPoolExecutor, ValueError> {
        let max_workers = match self.max_workers {
            Some(0) => return Err(ValueError::new("max_workers must be greater than 0")),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()).saturating_add(4).min(32),
        };
        let prefix = match self.thread_name_prefix {
            Some(prefix) if !prefix.is_empty() => prefix,
            _ => format!("ThreadPoolExecutor-{}", COUNTER.fetch_add(1, Ordering::Relaxed)),
        };
        let pool = Arc::new(Pool {
            max_workers,
            prefix,
            initializer: self.initializer,
            work: SimpleQueue::new(),
            idle: Semaphore::new(0),
            shutdown: AtomicBool::new(false),
            life: Lock::with_data(Life {
                shutdown: false,
                broken: false,
                exited: false,
                threads: Vec::new(),
            }),
        });
        let mut pools = POOLS.lock().unwrap_or_else(|e| e.into_inner());
        pools.retain(|pool| pool.strong_count() > 0);
        pools.push(Arc::downgrade(&pool));
        Ok(ThreadPoolExecutor { pool })
    }
}

impl fmt::Debug for ExecutorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutorBuilder")
            .field("max_workers", &self.max_workers)
            .field("thread_name_prefix", &self.thread_name_prefix)
            .field("initializer", &self.initializer.as_ref().map(|_| "Fn()"))
            .finish()
    }
}
