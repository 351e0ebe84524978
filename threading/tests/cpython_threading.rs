//! Conformance: the cases of CPython 3.13's `Lib/test/test_threading.py` that Rust can express
//! (ThreadTests, ThreadJoinOnShutdown, ThreadingExceptionTests, ExceptHookTests, TimerTests),
//! run against `threading::Thread` and the module functions. Each test names the CPython test
//! it mirrors.
//!
//! The test harness runs each test on a thread this crate did not start (a dummy thread, daemonic
//! as in Python); tests about the main thread's defaults run their body in a non-daemon thread,
//! `as_main`. Assertions that run inside a `threading::Thread` are carried back to the test
//! (`Checked`), since a thread's panic goes to the excepthook, not to `join`.
//!
//! Every test holds `serial()`: they read process-wide state (`enumerate`, the name counter,
//! the excepthook, the stack size). Tests that look at what reaches stderr re-run this binary
//! as a child process (`child_stderr`).

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use threading::{
    BoundedSemaphore, Event, ExceptHookArgs, Lock, RLock, Run, Thread, Timer, current_thread, enumerate,
    get_ident, get_native_id, main_thread,
};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const HANG_GUARD: Duration = Duration::from_secs(30);

fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + HANG_GUARD;
    while !cond() {
        assert!(Instant::now() < deadline, "hang guard: still waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

type Failure = Arc<Mutex<Option<Box<dyn std::any::Any + Send>>>>;

/// Wraps a thread body so that its panic is kept for `reraise`.
fn checked(failure: &Failure, f: impl FnOnce() + Send + 'static) -> impl FnOnce() + Send + 'static {
    let failure = failure.clone();
    move || {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
            failure.lock().unwrap().get_or_insert(payload);
        }
    }
}

fn reraise(failure: &Failure) {
    if let Some(payload) = failure.lock().unwrap().take() {
        resume_unwind(payload);
    }
}

/// Runs `f` in a non-daemon `threading::Thread`, standing in for Python's main thread.
fn as_main(f: impl FnOnce() + Send + 'static) {
    let failure = Failure::default();
    let t = Thread::builder().daemon(false).target(checked(&failure, f));
    t.start().unwrap();
    assert_eq!(t.join_timeout(HANG_GUARD), Ok(true), "hang guard");
    reraise(&failure);
}

/// The number N of a default name `Thread-N` (or `Thread-N (target)`).
fn counter_of(name: &str) -> u64 {
    let rest = name.strip_prefix("Thread-").unwrap_or_else(|| panic!("not a default name: {name}"));
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    assert!(!digits.is_empty(), "not a default name: {name}");
    digits.parse().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Child processes: this binary re-run on one test, for what reaches stderr.
// ---------------------------------------------------------------------------------------------

const CHILD: &str = "THREADING_CONFORMANCE_CHILD";

fn is_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

/// Runs test `name` of this binary in a child process and returns its stderr.
fn child_stderr(name: &str) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "child {name} failed: {stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"), "child {name} did not run");
    stderr
}

// ---------------------------------------------------------------------------------------------
// ThreadTests
// ---------------------------------------------------------------------------------------------

fn func() {}

/// CPython: test_threading.ThreadTests.test_name
#[test]
fn test_name() {
    let _serial = serial();
    let thread = Thread::builder().name("myname1").target(|| {});
    assert_eq!(thread.name(), "myname1");
    // Convert int name to str
    let thread = Thread::builder().name(123.to_string()).target(|| {});
    assert_eq!(thread.name(), "123");
    // target name is ignored if name is specified
    let thread = Thread::builder().name("myname2").target(func);
    assert_eq!(thread.name(), "myname2");

    current_thread(); // this (dummy) thread's own name is taken first
    let empty = Thread::builder().name("").target(|| {});
    let default = Thread::new(|| {});
    let with_target = Thread::new(func);
    let n = counter_of(&empty.name());
    assert_eq!(empty.name(), format!("Thread-{n}"));
    assert_eq!(default.name(), format!("Thread-{}", n + 1));
    assert_eq!(with_target.name(), format!("Thread-{} (func)", n + 2));
    // A given name takes no number from the counter.
    let _named = Thread::builder().name("named").target(func);
    assert_eq!(Thread::new(|| {}).name(), format!("Thread-{}", n + 3));
    // Dummy threads number from the same counter (Python's _newname and _counter).
    let (dummy, next) =
        std::thread::spawn(|| (current_thread().name(), Thread::new(|| {}).name())).join().unwrap();
    assert_eq!(dummy, format!("Dummy-{}", n + 4));
    assert_eq!(next, format!("Thread-{}", n + 5));
}

/// Python's `TestThread`: at most 3 of them run at once, under a BoundedSemaphore(3).
struct TestThread {
    sema: Arc<BoundedSemaphore>,
    mutex: Arc<RLock<AtomicUsize>>,
    max_running: Arc<AtomicUsize>,
    negative: Arc<AtomicBool>,
}

impl Run for TestThread {
    fn run(&mut self) {
        let delay = Duration::from_micros(get_native_id() % 100);
        let _slot = self.sema.guard();
        {
            let running = self.mutex.lock();
            let now = running.fetch_add(1, SeqCst) + 1;
            self.max_running.fetch_max(now, SeqCst);
        }
        threading::sleep(delay);
        {
            let running = self.mutex.lock();
            if running.fetch_sub(1, SeqCst) == 0 {
                self.negative.store(true, SeqCst);
            }
        }
    }
}

fn various_ops() {
    const NUMTASKS: usize = 10;
    // no more than 3 of the 10 can run at once
    let sema = Arc::new(BoundedSemaphore::new(3));
    let mutex = Arc::new(RLock::with_data(AtomicUsize::new(0)));
    let max_running = Arc::new(AtomicUsize::new(0));
    let negative = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for i in 0..NUMTASKS {
        let t = Thread::builder().name(format!("<thread {i}>")).run(TestThread {
            sema: sema.clone(),
            mutex: mutex.clone(),
            max_running: max_running.clone(),
            negative: negative.clone(),
        });
        assert_eq!(t.ident(), None);
        assert_eq!(t.to_string(), format!("<TestThread(<thread {i}>, initial)>"));
        t.start().unwrap();
        threads.push(t);
    }
    let mut native_ids: Vec<_> = threads.iter().map(|t| t.native_id()).collect();
    native_ids.push(Some(get_native_id()));
    assert!(!native_ids.contains(&None));
    native_ids.sort();
    native_ids.dedup();
    assert_eq!(native_ids.len(), NUMTASKS + 1);
    for (i, t) in threads.iter().enumerate() {
        t.join().unwrap();
        assert!(!t.is_alive());
        let ident = t.ident().expect("a started thread has an ident");
        assert_ne!(ident, 0);
        assert_eq!(t.to_string(), format!("<TestThread(<thread {i}>, stopped {ident})>"));
    }
    assert_eq!(mutex.lock().load(SeqCst), 0);
    assert!(max_running.load(SeqCst) <= 3, "more than 3 ran at once");
    assert!(!negative.load(SeqCst));
}

/// CPython: test_threading.ThreadTests.test_various_ops
#[test]
fn test_various_ops() {
    let _serial = serial();
    as_main(various_ops);
}

/// CPython: test_threading.ThreadTests.test_various_ops_small_stack
#[test]
fn test_various_ops_small_stack() {
    let _serial = serial();
    let old = threading::set_stack_size(262144).unwrap();
    assert_eq!(threading::stack_size(), 262144);
    let outcome = catch_unwind(|| as_main(various_ops));
    threading::set_stack_size(old).unwrap();
    if let Err(payload) = outcome {
        resume_unwind(payload);
    }
}

/// CPython: test_threading.ThreadTests.test_various_ops_large_stack
#[test]
fn test_various_ops_large_stack() {
    let _serial = serial();
    let old = threading::set_stack_size(0x100000).unwrap();
    let outcome = catch_unwind(|| as_main(various_ops));
    threading::set_stack_size(old).unwrap();
    if let Err(payload) = outcome {
        resume_unwind(payload);
    }
}

/// CPython: test_thread.ThreadRunningTests.test_stack_size and test_nt_and_posix_stack_size
/// (`threading.stack_size` is `_thread.stack_size`)
#[test]
fn test_stack_size() {
    let _serial = serial();
    assert_eq!(threading::stack_size(), 0, "initial stack size is not 0");
    assert_eq!(threading::set_stack_size(0), Ok(0));
    assert_eq!(threading::stack_size(), 0, "stack_size not reset to default");
    assert_eq!(threading::set_stack_size(4096).unwrap_err().message(), "size not valid: 4096 bytes");
    for size in [262144, 0x100000] {
        assert_eq!(threading::set_stack_size(size), Ok(0));
        assert_eq!(threading::stack_size(), size);
        let t = Thread::new(|| {});
        t.start().unwrap();
        t.join().unwrap();
        assert_eq!(threading::set_stack_size(0), Ok(size));
    }
    assert_eq!(threading::stack_size(), 0);
}

/// CPython: test_threading.ThreadTests.test_ident_of_no_threading_threads
#[test]
fn test_ident_of_no_threading_threads() {
    let _serial = serial();
    // The ident still must work for the main thread and dummy threads.
    assert!(current_thread().ident().is_some());
    assert!(main_thread().ident().is_some());
    let handle = std::thread::spawn(|| current_thread().ident());
    #[cfg(unix)]
    let tid = {
        use std::os::unix::thread::JoinHandleExt;
        handle.as_pthread_t() as u64
    };
    let ident = handle.join().unwrap();
    #[cfg(unix)]
    assert_eq!(ident, Some(tid));
    #[cfg(not(unix))]
    assert!(ident.is_some());
}

/// CPython: test_threading.ThreadTests.test_foreign_thread
#[test]
fn test_foreign_thread() {
    let _serial = serial();
    // A "foreign" thread can use the threading module.
    let (dummy, alive, listed) = std::thread::spawn(|| {
        let dummy = current_thread();
        let alive = dummy.is_alive();
        let listed = enumerate().contains(&dummy);
        (dummy, alive, listed)
    })
    .join()
    .unwrap();
    assert!(alive, "Expected _DummyThread to be considered alive.");
    assert!(listed);
    assert!(dummy.to_string().contains("_DummyThread"), "{dummy}");
    assert!(dummy.name().starts_with("Dummy-"), "{}", dummy.name());
    assert!(dummy.daemon(), "dummy threads are daemonic");
    // gh-106236
    assert_eq!(dummy.join().unwrap_err().message(), "cannot join a dummy thread");
    // After the thread dies, its dummy thread leaves the active threads.
    wait_until("the dummy thread to leave enumerate()", || !enumerate().contains(&dummy));
    assert!(!dummy.is_alive());
}

/// CPython: test_threading.ThreadTests.test_enumerate_after_join
#[test]
fn test_enumerate_after_join() {
    let _serial = serial();
    // A thread is not returned by enumerate() after it has been join()ed.
    for i in 1..100 {
        let t = Thread::new(|| {});
        t.start().unwrap();
        t.join().unwrap();
        let l = enumerate();
        assert!(!l.contains(&t), "#1703448 triggered after {i} trials: {l:?}");
        assert!(!t.is_alive());
    }
    wait_until("active_count() == len(enumerate())", || threading::active_count() == enumerate().len());
}

/// CPython: test_threading.ThreadTests.test_join_from_multiple_threads
#[test]
fn test_join_from_multiple_threads() {
    let _serial = serial();
    // Thread.join() should be thread-safe
    let errors = Arc::new(Mutex::new(Vec::new()));
    for n in 2..20 {
        let worker = Thread::new(|| threading::sleep(Duration::from_millis(5)));
        let mut threads = vec![worker.clone()];
        for _ in 0..n {
            let (worker, errors) = (worker.clone(), errors.clone());
            threads.push(Thread::new(move || {
                if let Err(e) = worker.join() {
                    errors.lock().unwrap().push(e);
                }
            }));
        }
        threads.iter().for_each(|t| t.start().unwrap());
        threading::sleep(Duration::from_millis(10));
        for t in &threads {
            assert_eq!(t.join_timeout(HANG_GUARD), Ok(true));
        }
        assert_eq!(*errors.lock().unwrap(), []);
    }
}

/// CPython: test_threading.ThreadTests.test_join_with_timeout
#[test]
fn test_join_with_timeout() {
    let _serial = serial();
    let lock = Arc::new(Lock::new());
    lock.acquire();
    let thread = Thread::new({
        let lock = lock.clone();
        move || {
            lock.acquire();
        }
    });
    thread.start().unwrap();
    assert_eq!(thread.join_timeout(Duration::from_millis(10)), Ok(false));
    assert!(thread.is_alive());
    lock.release().unwrap();
    thread.join().unwrap();
    assert!(!thread.is_alive());
}

/// CPython: test_threading.ThreadTests.test_repr_daemon
#[test]
fn test_repr_daemon() {
    let _serial = serial();
    as_main(|| {
        let t = Thread::new(|| {});
        assert!(!t.to_string().contains("daemon"), "{t}");
        t.set_daemon(true).unwrap();
        assert!(t.to_string().contains("daemon"), "{t}");
    });
}

/// CPython: test_threading.ThreadTests.test_daemon_param
#[test]
fn test_daemon_param() {
    let _serial = serial();
    as_main(|| {
        let t = Thread::new(|| {});
        assert!(!t.daemon());
        let t = Thread::builder().daemon(false).target(|| {});
        assert!(!t.daemon());
        let t = Thread::builder().daemon(true).target(|| {});
        assert!(t.daemon());
    });
}

/// CPython: Lib/threading.py `Thread.__init__` (daemon=None inherits `current_thread().daemon`),
/// the default test_daemon_param relies on: threads made by a daemon thread, or by a foreign
/// (dummy, daemonic) thread, are daemons; those made by a non-daemon thread are not.
#[test]
fn test_daemon_inherited() {
    let _serial = serial();
    let inherited = Arc::new(Mutex::new(Vec::new()));
    for parent_daemon in [true, false] {
        let inherited = inherited.clone();
        let parent = Thread::builder().daemon(parent_daemon).target(move || {
            let child = Thread::new(|| {});
            inherited.lock().unwrap().push((parent_daemon, child.daemon()));
        });
        parent.start().unwrap();
        parent.join().unwrap();
    }
    assert_eq!(*inherited.lock().unwrap(), [(true, true), (false, false)]);
    let from_foreign = std::thread::spawn(|| Thread::new(|| {}).daemon()).join().unwrap();
    assert!(from_foreign, "a dummy thread is daemonic, and so are the threads it makes");
}

/// CPython: test_threading.ThreadTests.test_main_thread
#[test]
fn test_main_thread() {
    let _serial = serial();
    let main = main_thread();
    assert_eq!(main.name(), "MainThread");
    assert!(main.ident().is_some());
    assert!(main.to_string().starts_with("<_MainThread(MainThread, started"), "{main}");
    assert!(main.is_alive());
    let failure = Failure::default();
    let seen = Arc::new(Mutex::new(None));
    let th = Thread::new(checked(&failure, {
        let seen = seen.clone();
        move || {
            assert_ne!(main_thread().ident(), current_thread().ident());
            assert_eq!(current_thread().ident(), Some(get_ident()));
            *seen.lock().unwrap() = Some(current_thread());
        }
    }));
    th.start().unwrap();
    th.join().unwrap();
    reraise(&failure);
    assert_eq!(seen.lock().unwrap().as_ref(), Some(&th), "current_thread() is the Thread itself");
}

/// CPython: test_threading.ThreadTests.test_repr_stopped
#[test]
fn test_repr_stopped() {
    let _serial = serial();
    let started = Arc::new(Lock::new());
    let finish = Arc::new(Lock::new());
    started.acquire();
    finish.acquire();
    let t = Thread::new({
        let (started, finish) = (started.clone(), finish.clone());
        move || {
            started.release().unwrap();
            finish.acquire();
        }
    });
    t.start().unwrap();
    started.acquire();
    assert!(t.to_string().contains("started"), "{t}");
    finish.release().unwrap();
    // "stopped" shows up in the repr all on its own, without join() or is_alive().
    wait_until("stopped in the repr", || t.to_string().contains("stopped"));
    t.join().unwrap();
}

/// CPython: test_threading.ThreadTests.test_leak_without_join
#[test]
fn test_leak_without_join() {
    let _serial = serial();
    // A thread which is not joined explicitly still ends and leaves enumerate().
    let t = Thread::new(func);
    t.start().unwrap();
    wait_until("the unjoined thread to end", || !t.is_alive() && !enumerate().contains(&t));
}

/// CPython: test_threading.ThreadTests.test_no_refcycle_through_target — once the thread has
/// run, its target (and what the target holds) is freed, though the `Thread` is still around;
/// also when the target fails.
#[test]
fn test_no_refcycle_through_target() {
    let _serial = serial();
    let saved = threading::get_excepthook();
    threading::set_excepthook(|_| {});
    let mut outcomes = Vec::new();
    for should_raise in [false, true] {
        let object = Arc::new(should_raise);
        let weak = Arc::downgrade(&object);
        let thread = Thread::new(move || {
            if *object {
                panic!("SystemExit");
            }
        });
        thread.start().unwrap();
        let ended = thread.join_timeout(HANG_GUARD);
        outcomes.push((should_raise, ended, weak.upgrade().is_none()));
        drop(thread);
    }
    threading::restore_excepthook(saved);
    assert_eq!(outcomes, [(false, Ok(true), true), (true, Ok(true), true)], "references still around");
}

/// CPython: test_threading.ThreadJoinOnShutdown.test_thread_from_thread
#[test]
fn test_thread_from_thread() {
    let _serial = serial();
    // The program waits at exit (here: threading::shutdown) for non-daemon threads, including
    // one started by another thread after the main program is done.
    let out = Arc::new(Mutex::new(String::new()));
    let t = Thread::builder().daemon(false).target({
        let out = out.clone();
        move || {
            threading::sleep(Duration::from_millis(50));
            let t2 = Thread::new(move || {
                threading::sleep(Duration::from_millis(50));
                out.lock().unwrap().push_str("OK");
            });
            t2.start().unwrap();
        }
    });
    t.start().unwrap();
    // do not join() -- shutdown waits for non-daemon threads to finish.
    threading::shutdown();
    assert_eq!(*out.lock().unwrap(), "OK");
}

// ---------------------------------------------------------------------------------------------
// ThreadingExceptionTests
// ---------------------------------------------------------------------------------------------

/// CPython: test_threading.ThreadingExceptionTests.test_start_thread_again
#[test]
fn test_start_thread_again() {
    let _serial = serial();
    let thread = Thread::new(|| {});
    thread.start().unwrap();
    assert_eq!(thread.start().unwrap_err().message(), "threads can only be started once");
    thread.join().unwrap();
}

/// CPython: test_threading.ThreadingExceptionTests.test_joining_current_thread
#[test]
fn test_joining_current_thread() {
    let _serial = serial();
    assert_eq!(current_thread().join().unwrap_err().message(), "cannot join current thread");
    let failure = Failure::default();
    let t = Thread::new(checked(&failure, || {
        assert_eq!(current_thread().join().unwrap_err().message(), "cannot join current thread");
        assert_eq!(
            current_thread().join_timeout(Duration::from_millis(1)).unwrap_err().message(),
            "cannot join current thread"
        );
    }));
    t.start().unwrap();
    t.join().unwrap();
    reraise(&failure);
}

/// CPython: test_threading.ThreadingExceptionTests.test_joining_inactive_thread
#[test]
fn test_joining_inactive_thread() {
    let _serial = serial();
    let thread = Thread::new(|| {});
    assert_eq!(thread.join().unwrap_err().message(), "cannot join thread before it is started");
}

/// CPython: test_threading.ThreadingExceptionTests.test_daemonize_active_thread
#[test]
fn test_daemonize_active_thread() {
    let _serial = serial();
    let thread = Thread::new(|| {});
    thread.start().unwrap();
    assert_eq!(thread.set_daemon(true).unwrap_err().message(), "cannot set daemon status of active thread");
    thread.join().unwrap();
}

/// CPython: test_threading.ThreadingExceptionTests.test_releasing_unacquired_lock
#[test]
fn test_releasing_unacquired_lock() {
    let _serial = serial();
    assert_eq!(Lock::new().release().unwrap_err().message(), "release unlocked lock");
}

/// Child of test_print_exception and test_excepthook: a thread that fails, default hook.
#[test]
fn child_default_hook() {
    if !is_child() {
        return;
    }
    threading::reset_excepthook();
    let t = Thread::builder().name("excepthook thread").target(|| panic!("run failed"));
    t.start().unwrap();
    t.join().unwrap();
}

/// CPython: test_threading.ThreadingExceptionTests.test_print_exception
#[test]
fn test_print_exception() {
    let _serial = serial();
    let err = child_stderr("child_default_hook");
    assert!(err.contains("Exception in thread"), "{err}");
    assert!(err.contains("run failed"), "{err}");
    // Reported once, by the excepthook, not also by Rust's own panic message.
    assert!(!err.contains("thread 'excepthook thread' panicked"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// ExceptHookTests
// ---------------------------------------------------------------------------------------------

/// CPython: test_threading.ExceptHookTests.test_excepthook
#[test]
fn test_excepthook() {
    let _serial = serial();
    let err = child_stderr("child_default_hook");
    assert!(err.contains("Exception in thread excepthook thread:\n"), "{err}");
    // The traceback's line: where it panicked.
    assert!(err.contains("cpython_threading.rs"), "{err}");
    assert!(err.contains("run failed"), "{err}");
}

/// CPython: test_threading.ExceptHookTests.test_excepthook_thread_None
#[test]
fn test_excepthook_thread_none() {
    let _serial = serial();
    // excepthook called with thread=None logs the thread identifier.
    let args = ExceptHookArgs {
        exc_type: "panic".into(),
        exc_value: "bug".into(),
        location: Some("src/main.rs:1:1".into()),
        thread: None,
    };
    let text = args.to_string();
    assert!(text.starts_with(&format!("Exception in thread {}:\n", get_ident())), "{text}");
    assert!(text.contains("bug"), "{text}");
}

/// CPython: test_threading.ExceptHookTests.test_custom_excepthook
#[test]
fn test_custom_excepthook() {
    let _serial = serial();
    let args = Arc::new(Mutex::new(None));
    let saved = threading::get_excepthook();
    threading::set_excepthook({
        let args = args.clone();
        move |hook_args: &ExceptHookArgs| *args.lock().unwrap() = Some(hook_args.clone())
    });
    let thread = Thread::new(|| panic!("run failed"));
    thread.start().unwrap();
    let ended = thread.join_timeout(HANG_GUARD);
    threading::restore_excepthook(saved);
    assert_eq!(ended, Ok(true));
    let args = args.lock().unwrap().take().expect("the hook was called");
    assert_eq!(args.exc_type, "panic");
    assert_eq!(args.exc_value, "run failed");
    assert!(args.location.as_deref().is_some_and(|l| l.contains("cpython_threading.rs")), "{args:?}");
    assert_eq!(args.thread, Some(thread));
}

/// Child of test_custom_excepthook_fail: a hook that itself panics.
#[test]
fn child_failing_hook() {
    if !is_child() {
        return;
    }
    threading::set_excepthook(|_| panic!("threading_hook failed"));
    let thread = Thread::new(|| panic!("run failed"));
    thread.start().unwrap();
    assert_eq!(thread.join_timeout(HANG_GUARD), Ok(true));
}

/// CPython: test_threading.ExceptHookTests.test_custom_excepthook_fail
#[test]
fn test_custom_excepthook_fail() {
    let _serial = serial();
    let err = child_stderr("child_failing_hook");
    assert!(err.starts_with("Exception in threading.excepthook:\n"), "{err}");
    assert!(err.contains("threading_hook failed"), "{err}");
    assert!(!err.contains("Exception in thread "), "the thread's own report is the hook's: {err}");
}

/// CPython: test_threading.ExceptHookTests.test_custom_excepthook_fail — the thread still ends:
/// `is_alive()` is false, `join()` returns, `enumerate()` no longer lists it.
#[test]
fn test_custom_excepthook_fail_thread_ends() {
    let _serial = serial();
    let saved = threading::get_excepthook();
    threading::set_excepthook(|_| panic!("threading_hook failed"));
    let thread = Thread::new(|| panic!("run failed"));
    thread.start().unwrap();
    let ended = thread.join_timeout(HANG_GUARD);
    let alive = thread.is_alive();
    let listed = enumerate().contains(&thread);
    threading::restore_excepthook(saved);
    assert_eq!(ended, Ok(true), "join() returns");
    assert!(!alive);
    assert!(!listed);
    assert!(thread.to_string().contains("stopped"), "{thread}");
}

/// Child of test_original_excepthook: default, custom, then restored default, each followed
/// by a marker line.
#[test]
fn child_original_hook() {
    if !is_child() {
        return;
    }
    fn run_thread() {
        let thread = Thread::builder().name("excepthook thread").target(|| panic!("run failed"));
        thread.start().unwrap();
        thread.join().unwrap();
        eprintln!("--- marker ---");
    }
    threading::reset_excepthook();
    run_thread();
    threading::set_excepthook(|_| eprintln!("Running a thread failed"));
    run_thread();
    threading::reset_excepthook();
    run_thread();
}

/// CPython: test_threading.ExceptHookTests.test_original_excepthook
#[test]
fn test_original_excepthook() {
    let _serial = serial();
    let err = child_stderr("child_original_hook");
    let outputs: Vec<&str> = err.split("--- marker ---\n").collect();
    assert_eq!(outputs.len(), 4, "{err}");
    let (default_output, custom_hook_output, recovered_output) = (outputs[0], outputs[1], outputs[2]);
    assert_eq!(default_output, recovered_output);
    assert_ne!(default_output, custom_hook_output);
    assert_eq!(custom_hook_output, "Running a thread failed\n");
}

// ---------------------------------------------------------------------------------------------
// TimerTests
// ---------------------------------------------------------------------------------------------

/// CPython: test_threading.TimerTests.test_init_immutable_default_args (each timer calls its
/// own function once; Rust closures own their arguments, so there are none to share)
#[test]
fn test_timer_init_immutable_default_args() {
    let _serial = serial();
    let callback_args = Arc::new(Mutex::new(Vec::new()));
    let callback_event = Arc::new(Event::new());
    let spy = |tag: &'static str| {
        let (callback_args, callback_event) = (callback_args.clone(), callback_event.clone());
        move || {
            callback_args.lock().unwrap().push(tag);
            callback_event.set();
        }
    };
    let timer1 = Timer::new(Duration::from_millis(10), spy("timer1"));
    timer1.start().unwrap();
    assert!(callback_event.wait_timeout(HANG_GUARD));
    callback_event.clear();
    let timer2 = Timer::new(Duration::from_millis(10), spy("timer2"));
    timer2.start().unwrap();
    assert!(callback_event.wait_timeout(HANG_GUARD));
    timer1.join().unwrap();
    timer2.join().unwrap();
    assert_eq!(*callback_args.lock().unwrap(), ["timer1", "timer2"]);
}

/// CPython: Doc/library/threading.rst, Timer and Timer.cancel (test_threading has no cancel
/// test): a cancelled timer does not run its function, and its thread ends without waiting out
/// the interval; a Timer is a Thread named Thread-N.
#[test]
fn test_timer_cancel() {
    let _serial = serial();
    let fired = Arc::new(AtomicBool::new(false));
    let timer = Timer::new(Duration::from_secs(60), {
        let fired = fired.clone();
        move || fired.store(true, SeqCst)
    });
    assert!(timer.to_string().starts_with("<Timer(Thread-"), "{timer}");
    counter_of(&timer.name());
    timer.start().unwrap();
    let t0 = Instant::now();
    timer.cancel();
    assert_eq!(timer.join_timeout(HANG_GUARD), Ok(true));
    assert!(t0.elapsed() < Duration::from_secs(30), "cancel() did not stop the wait");
    assert!(!fired.load(SeqCst));
    // Cancelled before it starts: the function never runs either.
    let timer = Timer::new(Duration::from_secs(60), {
        let fired = fired.clone();
        move || fired.store(true, SeqCst)
    });
    timer.cancel();
    timer.start().unwrap();
    assert_eq!(timer.join_timeout(HANG_GUARD), Ok(true));
    assert!(!fired.load(SeqCst));
    // Cancelling after it has fired is harmless.
    let timer = Timer::new(Duration::ZERO, {
        let fired = fired.clone();
        move || fired.store(true, SeqCst)
    });
    timer.start().unwrap();
    timer.join().unwrap();
    timer.cancel();
    assert!(fired.load(SeqCst));
}
