//! `Thread` and the module functions, against Python's documented behaviour
//! (what CPython's test_threading checks: start/join errors, names, idents, repr, enumerate, daemon).
//!
//! Note: the test harness runs each test on a thread it started itself, which this crate sees as a
//! dummy thread; dummy threads are daemonic, and new threads inherit the creator's daemon flag, as in
//! Python. Tests that care about the flag set it explicitly.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use threading::{Event, Run, Thread, current_thread, enumerate, main_thread};

#[test]
fn start_twice_is_an_error_with_pythons_message() {
    let t = Thread::new(|| {});
    t.start().unwrap();
    assert_eq!(t.start().unwrap_err().message(), "threads can only be started once");
    t.join().unwrap();
    assert_eq!(t.start().unwrap_err().message(), "threads can only be started once");
}

#[test]
fn join_errors() {
    let t = Thread::new(|| {});
    assert_eq!(t.join().unwrap_err().message(), "cannot join thread before it is started");
    assert_eq!(
        t.join_timeout(Duration::from_millis(1)).unwrap_err().message(),
        "cannot join thread before it is started"
    );
    let inner = Thread::new(|| {
        let err = current_thread().join().unwrap_err();
        assert_eq!(err.message(), "cannot join current thread");
    });
    inner.start().unwrap();
    inner.join().unwrap();
    assert!(!inner.is_alive());
}

#[test]
fn join_timeout_reports_whether_the_thread_ended() {
    let release = Arc::new(Event::new());
    let t = Thread::new({
        let release = release.clone();
        move || {
            release.wait();
        }
    });
    t.start().unwrap();
    assert_eq!(t.join_timeout(Duration::from_millis(20)), Ok(false));
    assert!(t.is_alive());
    release.set();
    assert_eq!(t.join_timeout(Duration::from_secs(30)), Ok(true));
    assert!(!t.is_alive());
}

#[test]
fn default_names_count_up_process_wide() {
    let a = Thread::new(|| {});
    let b = Thread::new(|| {});
    let n = |t: &Thread| t.name().strip_prefix("Thread-").unwrap().parse::<u64>().unwrap();
    assert!(n(&b) > n(&a), "{} then {}", a.name(), b.name());
    let named = Thread::builder().name("worker").target(|| {});
    assert_eq!(named.name(), "worker");
}

#[test]
fn repr_follows_pythons_lifecycle() {
    let t = Thread::builder().name("life").daemon(false).target(|| {});
    assert_eq!(t.to_string(), "<Thread(life, initial)>");
    let gate = Arc::new(Event::new());
    let running = Thread::builder().name("life2").daemon(true).target({
        let gate = gate.clone();
        move || {
            gate.wait();
        }
    });
    running.start().unwrap();
    let ident = running.ident().unwrap();
    assert_eq!(running.to_string(), format!("<Thread(life2, started daemon {ident})>"));
    gate.set();
    running.join().unwrap();
    assert_eq!(running.to_string(), format!("<Thread(life2, stopped daemon {ident})>"));
    assert_eq!(format!("{running:?}"), running.to_string());
}

#[test]
fn main_thread_repr_and_identity() {
    let main = main_thread();
    assert_eq!(main.name(), "MainThread");
    assert!(!main.daemon());
    assert!(main.is_alive());
    let repr = main.to_string();
    assert!(repr.starts_with("<_MainThread(MainThread, started "), "{repr}");
    assert_eq!(enumerate()[0], main);
}

struct CountdownThread {
    n: u32,
    seen: Arc<AtomicUsize>,
}

impl Run for CountdownThread {
    fn run(&mut self) {
        while self.n > 0 {
            self.seen.fetch_add(1, Ordering::SeqCst);
            self.n -= 1;
        }
    }
}

#[test]
fn run_trait_is_a_subclass_overriding_run() {
    let seen = Arc::new(AtomicUsize::new(0));
    let t = Thread::from_run(CountdownThread { n: 5, seen: seen.clone() });
    assert!(t.to_string().starts_with("<CountdownThread(Thread-"), "{t}");
    t.start().unwrap();
    t.join().unwrap();
    assert_eq!(seen.load(Ordering::SeqCst), 5);
}

#[test]
fn current_thread_inside_a_thread_is_that_thread() {
    let (tx, rx) = std::sync::mpsc::channel();
    let t = Thread::builder().name("me").target(move || tx.send(current_thread()).unwrap());
    t.start().unwrap();
    let inside = rx.recv().unwrap();
    t.join().unwrap();
    assert_eq!(inside, t);
    assert_eq!(inside.ident(), t.ident());
    assert_eq!(inside.native_id(), t.native_id());
    assert_ne!(t.ident(), main_thread().ident());
}

#[test]
fn enumerate_lists_alive_started_threads_and_dummies() {
    let gate = Arc::new(Event::new());
    let t = Thread::builder().name("listed").target({
        let gate = gate.clone();
        move || {
            gate.wait();
        }
    });
    assert!(!enumerate().contains(&t), "not started yet");
    t.start().unwrap();
    assert!(enumerate().contains(&t));
    assert!(threading::active_count() >= 2);
    // A thread this crate did not start shows up as a dummy thread while it runs.
    let (tx, rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let foreign = std::thread::spawn(move || {
        let me = current_thread();
        tx.send(me.clone()).unwrap();
        done_rx.recv().unwrap();
        me
    });
    let dummy = rx.recv().unwrap();
    assert!(dummy.name().starts_with("Dummy-"));
    assert!(dummy.daemon(), "dummy threads are daemonic, as in Python");
    assert!(enumerate().contains(&dummy));
    assert_eq!(dummy.join().unwrap_err().message(), "cannot join a dummy thread");
    done_tx.send(()).unwrap();
    foreign.join().unwrap();
    assert!(!enumerate().contains(&dummy), "gone when the OS thread exits");
    gate.set();
    t.join().unwrap();
    assert!(!enumerate().contains(&t));
}

#[test]
fn daemon_is_inherited_from_the_creating_thread() {
    for parent_is_daemon in [false, true] {
        let (tx, rx) = std::sync::mpsc::channel();
        let parent = Thread::builder()
            .daemon(parent_is_daemon)
            .target(move || tx.send(Thread::new(|| {}).daemon()).unwrap());
        parent.start().unwrap();
        parent.join().unwrap();
        assert_eq!(rx.recv().unwrap(), parent_is_daemon);
    }
    // The harness's own thread is a dummy thread, hence daemonic, hence so are its children.
    assert!(current_thread().daemon());
    assert!(Thread::new(|| {}).daemon());
    let started = Thread::new(|| {});
    started.start().unwrap();
    assert_eq!(started.set_daemon(true).unwrap_err().message(), "cannot set daemon status of active thread");
    started.join().unwrap();
}

#[test]
fn set_name_renames() {
    let t = Thread::builder().daemon(false).target(|| {});
    t.set_name("renamed");
    assert_eq!(t.name(), "renamed");
    assert!(t.to_string().contains("(renamed, initial)"));
}

#[test]
fn get_ident_and_native_id_match_the_current_thread() {
    let (tx, rx) = std::sync::mpsc::channel();
    let t = Thread::new(move || tx.send((threading::get_ident(), threading::get_native_id())).unwrap());
    t.start().unwrap();
    t.join().unwrap();
    assert_eq!(rx.recv().unwrap(), (t.ident().unwrap(), t.native_id().unwrap()));
}

#[test]
fn a_panicking_thread_goes_through_the_excepthook() {
    // The hook is process-wide: this is the only test in this binary that replaces it, and it
    // only looks at the thread it starts.
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    threading::set_excepthook({
        let seen = seen.clone();
        move |args: &threading::ExceptHookArgs| {
            seen.lock().unwrap().push((
                args.thread.as_ref().map(Thread::name),
                args.exc_type.clone(),
                args.exc_value.clone(),
                args.location.clone(),
            ))
        }
    });
    let t = Thread::builder().name("boom").target(|| panic!("kaboom {}", 42));
    t.start().unwrap();
    t.join().unwrap();
    threading::reset_excepthook();
    let seen = seen.lock().unwrap();
    let ours: Vec<_> = seen.iter().filter(|s| s.0.as_deref() == Some("boom")).collect();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0].1, "panic");
    assert_eq!(ours[0].2, "kaboom 42");
    assert!(ours[0].3.as_deref().unwrap().contains("tests/thread.rs"), "{:?}", ours[0].3);
}

#[test]
fn stack_size_applies_to_new_threads() {
    assert!(threading::set_stack_size(4096).is_err());
    let big_enough = Arc::new(AtomicBool::new(false));
    let old = threading::set_stack_size(8 * 1024 * 1024).unwrap();
    let t = Thread::new({
        let big_enough = big_enough.clone();
        move || {
            // 4 MiB on the stack would overflow a default 2 MiB Rust thread stack.
            let buffer = [1u8; 4 * 1024 * 1024];
            big_enough.store(std::hint::black_box(&buffer).iter().all(|&b| b == 1), Ordering::SeqCst);
        }
    });
    threading::set_stack_size(old).unwrap();
    t.start().unwrap();
    t.join().unwrap();
    assert!(big_enough.load(Ordering::SeqCst));
}

#[test]
fn timer_fires_once_and_cancel_prevents_it() {
    let fired = Arc::new(AtomicUsize::new(0));
    let t1 = threading::Timer::new(Duration::from_millis(5), {
        let fired = fired.clone();
        move || {
            fired.fetch_add(1, Ordering::SeqCst);
        }
    });
    let t2 = threading::Timer::new(Duration::from_secs(30), {
        let fired = fired.clone();
        move || {
            fired.fetch_add(100, Ordering::SeqCst);
        }
    });
    assert!(t1.to_string().starts_with("<Timer(Thread-"));
    t1.start().unwrap();
    t2.start().unwrap();
    t2.cancel();
    t1.join().unwrap();
    t2.join_timeout(Duration::from_secs(30)).unwrap();
    assert!(!t2.is_alive(), "a cancelled timer ends without waiting out its interval");
    assert_eq!(fired.load(Ordering::SeqCst), 1);
}

#[test]
fn local_values_are_per_thread_and_initialised_once_per_thread() {
    let inits = Arc::new(AtomicUsize::new(0));
    let local = Arc::new(threading::Local::new({
        let inits = inits.clone();
        move || {
            inits.fetch_add(1, Ordering::SeqCst);
            current_thread().name()
        }
    }));
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let local = local.clone();
            Thread::builder().name(format!("local-{i}")).target(move || {
                for _ in 0..3 {
                    assert_eq!(local.get(), format!("local-{i}"));
                }
                local.set("changed".into());
                assert_eq!(local.get(), "changed");
            })
        })
        .collect();
    threads.iter().for_each(|t| t.start().unwrap());
    threads.iter().for_each(|t| t.join().unwrap());
    assert_eq!(inits.load(Ordering::SeqCst), 4, "once per thread");
    assert_eq!(local.get(), current_thread().name(), "this thread's value is its own");
}

#[test]
fn shutdown_waits_for_non_daemon_threads_only() {
    let worker_done = Arc::new(AtomicBool::new(false));
    let daemon_release = Arc::new(Event::new());
    let worker = Thread::builder().daemon(false).target({
        let worker_done = worker_done.clone();
        move || {
            threading::sleep(Duration::from_millis(30));
            worker_done.store(true, Ordering::SeqCst);
        }
    });
    let daemon = Thread::builder().daemon(true).target({
        let release = daemon_release.clone();
        move || {
            release.wait();
        }
    });
    worker.start().unwrap();
    daemon.start().unwrap();
    threading::shutdown();
    assert!(worker_done.load(Ordering::SeqCst));
    assert!(daemon.is_alive());
    daemon_release.set();
    daemon.join().unwrap();
}
