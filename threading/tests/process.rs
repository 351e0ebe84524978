//! `threading::process` end to end: real forks, real pipes, real signals.
//!
//! Scenarios that need a whole program of their own (what reaches stdout, what happens at
//! program exit) re-run this test binary as a subprocess with `ROLE` set: the `role` test
//! (ignored in normal runs) then plays that program.

#![cfg(feature = "process")]

use serde::{Deserialize, Serialize};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};
use threading::process::{
    Connection, ConnectionError, Process, ProcessError, Queue, QueueError, active_children, current_process,
    parent_process, pipe,
};
use threading::{Event, Lock, Thread};

const PATIENCE: Duration = Duration::from_secs(20);

/// Receives with a bound, so a bug fails the test instead of hanging it.
fn recv<T: serde::de::DeserializeOwned>(conn: &Connection) -> T {
    assert!(conn.poll_timeout(PATIENCE).unwrap(), "nothing arrived within {PATIENCE:?}");
    conn.recv().unwrap()
}

fn join(p: &Process) -> Option<i32> {
    assert!(p.join_timeout(PATIENCE).unwrap(), "{p} did not end within {PATIENCE:?}");
    p.exitcode()
}

fn started(p: Process) -> Process {
    p.start().unwrap();
    p
}

/// Whether `pid` is gone: no such process, or a zombie nobody reaped yet (it no longer runs).
fn is_dead(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => {
            matches!(stat.rsplit(')').next().and_then(|s| s.trim_start().chars().next()), Some('Z' | 'X'))
        }
    }
}

fn wait_dead(pid: u32) -> bool {
    let start = Instant::now();
    while start.elapsed() < PATIENCE {
        if is_dead(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

// ---------------------------------------------------------------------------------------
// The seed's examples

fn countdown(n: u32) {
    for i in 0..n {
        println!("{} left", n - i - 1);
        threading::sleep(Duration::from_millis(20));
    }
}

#[test]
fn seed_countdown() {
    let p = Process::new(|| countdown(5));
    assert!(p.name().starts_with("Process-"));
    assert_eq!(p.pid(), None);
    assert_eq!(p.exitcode(), None);
    p.start().unwrap();
    let pid = p.pid().unwrap();
    assert_ne!(pid, std::process::id());
    assert!(!p.daemon());
    assert!(p.is_alive());
    assert_eq!(p.exitcode(), None, "running");
    let parent = std::process::id();
    assert_eq!(p.to_string(), format!("<Process name='{}' pid={pid} parent={parent} started>", p.name()));
    assert_eq!(join(&p), Some(0));
    assert!(!p.is_alive());
    assert_eq!(
        p.to_string(),
        format!("<Process name='{}' pid={pid} parent={parent} stopped exitcode=0>", p.name())
    );
}

#[test]
fn seed_ponger() {
    fn ponger(conn: Connection) {
        conn.send("pong").unwrap();
    }
    let (parent_conn, child_conn) = pipe(true).unwrap();
    let p = started(Process::new(move || ponger(child_conn)));
    assert_eq!(recv::<String>(&parent_conn), "pong");
    assert_eq!(join(&p), Some(0));
}

#[test]
fn names_count_up_process_wide() {
    let a = Process::new(|| {});
    let b = Process::new(|| {});
    let number = |p: &Process| p.name().strip_prefix("Process-").unwrap().parse::<u32>().unwrap();
    assert!(number(&b) > number(&a));
    assert_eq!(Process::builder().name("custom").target(|| {}).name(), "custom");
}

// ---------------------------------------------------------------------------------------
// Exit codes and signals

#[test]
fn exit_codes_follow_python() {
    let ok = started(Process::new(|| {}));
    let panics = started(Process::new(|| panic!("boom in the child")));
    let exits = started(Process::new(|| std::process::exit(3)));
    assert_eq!(join(&ok), Some(0));
    assert_eq!(join(&panics), Some(1));
    assert_eq!(join(&exits), Some(3));
}

#[test]
fn kill_and_terminate_give_minus_the_signal() {
    let killed = started(Process::new(|| threading::sleep(Duration::from_secs(60))));
    let terminated =
        started(Process::builder().daemon(true).target(|| threading::sleep(Duration::from_secs(60))));
    killed.kill().unwrap();
    terminated.terminate().unwrap();
    assert_eq!(join(&killed), Some(-9));
    assert_eq!(join(&terminated), Some(-15));
    assert!(killed.to_string().ends_with("stopped exitcode=-SIGKILL>"), "{killed}");
    assert!(terminated.to_string().ends_with("stopped exitcode=-SIGTERM daemon>"), "{terminated}");
    // Signalling a process that ended is harmless, as in Python.
    killed.kill().unwrap();
    terminated.terminate().unwrap();
}

#[test]
fn join_timeout_on_a_long_child() {
    let p = started(Process::new(|| threading::sleep(Duration::from_secs(60))));
    let start = Instant::now();
    assert!(!p.join_timeout(Duration::from_millis(100)).unwrap());
    assert!(start.elapsed() >= Duration::from_millis(100));
    assert!(p.is_alive());
    assert_eq!(p.exitcode(), None);
    p.terminate().unwrap();
    assert_eq!(join(&p), Some(-15));
}

#[test]
fn misuse_is_reported_with_pythons_messages() {
    let p = Process::new(|| {});
    let message = |e: ProcessError| e.to_string();
    assert_eq!(message(p.join().unwrap_err()), "can only join a started process");
    assert_eq!(message(p.kill().unwrap_err()), "can only signal a started process");
    p.start().unwrap();
    assert_eq!(message(p.start().unwrap_err()), "cannot start a process twice");
    assert_eq!(message(p.set_daemon(true).unwrap_err()), "process has already started");
    join(&p);
    assert_eq!(message(current_process().join().unwrap_err()), "can only join a child process");
    assert_eq!(
        message(current_process().start().unwrap_err()),
        "can only start a process object created by current process"
    );

    // A handle captured by a child belongs to the parent: the child cannot start, join or signal it.
    let sibling = Process::new(|| {});
    let (reader, writer) = pipe(false).unwrap();
    let p = started(Process::new({
        let sibling = sibling.clone();
        move || {
            let start = sibling.start().unwrap_err().to_string();
            let join = sibling.join().unwrap_err().to_string();
            let kill = sibling.kill().unwrap_err().to_string();
            writer.send(&(start, join, kill, sibling.is_alive())).unwrap();
        }
    }));
    let seen: (String, String, String, bool) = recv(&reader);
    assert_eq!(seen.0, "can only start a process object created by current process");
    assert_eq!(seen.1, "can only join a child process");
    assert_eq!(seen.2, "can only signal a child process");
    assert!(!seen.3);
    assert_eq!(join(&p), Some(0));
    sibling.start().unwrap();
    assert_eq!(join(&sibling), Some(0), "the parent still can");
}

#[test]
fn join_is_interruptible_and_reported() {
    let p = started(Process::builder().name("sleeper").target(|| threading::sleep(Duration::from_secs(60))));
    let joiner = Thread::builder().name("joiner").target({
        let p = p.clone();
        move || {
            let caught = std::panic::catch_unwind(|| p.join());
            assert!(threading::KeyboardInterrupt::is(&caught.unwrap_err()));
        }
    });
    joiner.start().unwrap();
    let start = Instant::now();
    while !threading::report().contains("joiner: blocked in Process.join on sleeper") {
        assert!(start.elapsed() < PATIENCE, "{}", threading::report());
        std::thread::sleep(Duration::from_millis(5));
    }
    threading::interrupt(&joiner);
    assert!(joiner.join_timeout(PATIENCE).unwrap());
    p.kill().unwrap();
    assert_eq!(join(&p), Some(-9));
}

// ---------------------------------------------------------------------------------------
// What the child sees

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct ChildView {
    threads: Vec<String>,
    main_is_current: bool,
    current_process: String,
    parent: Option<(String, Option<u32>)>,
    children: usize,
    grandchild_name: String,
    grandchild_exit: Option<i32>,
}

fn child_view() -> ChildView {
    let grandchild = started(Process::new(|| {}));
    let grandchild_exit = join(&grandchild);
    ChildView {
        threads: threading::enumerate().iter().map(|t| t.name()).collect(),
        main_is_current: threading::main_thread() == threading::current_thread(),
        current_process: current_process().to_string(),
        parent: parent_process().map(|p| (p.to_string(), p.pid())),
        children: active_children().len(),
        grandchild_name: grandchild.name(),
        grandchild_exit,
    }
}

#[test]
fn the_child_is_a_fresh_world() {
    // Busy threads in the parent, one of which forks: they must not exist in the child.
    let stop = Arc::new(Event::new());
    let busy: Vec<Thread> = (0..3)
        .map(|_| {
            let stop = stop.clone();
            Thread::new(move || while !stop.wait_timeout(Duration::from_millis(1)) {})
        })
        .collect();
    busy.iter().for_each(|t| t.start().unwrap());
    let (reader, writer) = pipe(false).unwrap();
    let p = Process::builder().name("fresh").target(move || writer.send(&child_view()).unwrap());
    let forker = Thread::builder().name("forker").target({
        let p = p.clone();
        move || p.start().unwrap()
    });
    forker.start().unwrap();
    forker.join().unwrap();
    let view: ChildView = recv(&reader);
    stop.set();
    busy.iter().for_each(|t| t.join().unwrap());
    assert_eq!(join(&p), Some(0));

    let me = std::process::id();
    assert_eq!(view.threads, ["forker"], "only the forking thread survives, as the main thread");
    assert!(view.main_is_current);
    assert_eq!(view.current_process, format!("<Process name='fresh' parent={me} started>"));
    let (parent_repr, parent_pid) = view.parent.unwrap();
    assert_eq!(parent_repr, "<_ParentProcess name='MainProcess' parent=None unknown>");
    assert_eq!(parent_pid, Some(me));
    assert_eq!(view.children, 0);
    // The grandchild's name extends the child's identity (Process-N:1), though the child was renamed.
    assert!(
        view.grandchild_name.starts_with("Process-") && view.grandchild_name.ends_with(":1"),
        "{}",
        view.grandchild_name
    );
    assert_eq!(view.grandchild_exit, Some(0));
}

#[test]
fn active_children_lists_running_children_only() {
    let p = started(Process::new(|| threading::sleep(Duration::from_secs(60))));
    let q = started(Process::new(|| {}));
    assert_eq!(join(&q), Some(0));
    let children = active_children();
    assert!(children.contains(&p));
    assert!(!children.contains(&q));
    p.kill().unwrap();
    join(&p);
    assert!(!active_children().contains(&p));
}

#[test]
fn daemon_processes_cannot_have_children() {
    let (reader, writer) = pipe(false).unwrap();
    let p = started(Process::builder().daemon(true).target(move || {
        let error = Process::new(|| {}).start().unwrap_err();
        writer.send(&error.to_string()).unwrap();
    }));
    assert_eq!(recv::<String>(&reader), "daemonic processes are not allowed to have children");
    assert_eq!(join(&p), Some(0));
}

#[test]
fn a_run_type_names_the_class() {
    struct Squarer {
        n: u64,
        out: Connection,
    }
    impl threading::Run for Squarer {
        fn run(&mut self) {
            self.out.send(&(self.n * self.n)).unwrap();
        }
    }
    let (reader, writer) = pipe(false).unwrap();
    let p = Process::from_run(Squarer { n: 12, out: writer });
    assert!(p.to_string().starts_with("<Squarer name='Process-"), "{p}");
    p.start().unwrap();
    assert_eq!(recv::<u64>(&reader), 144);
    assert_eq!(join(&p), Some(0));
}

// ---------------------------------------------------------------------------------------
// Forking while other threads hold locks

#[test]
fn start_while_another_thread_holds_a_crate_lock() {
    let lock = Arc::new(Lock::new());
    let held = Arc::new(Event::new());
    let release = Arc::new(Event::new());
    let holder = Thread::new({
        let (lock, held, release) = (lock.clone(), held.clone(), release.clone());
        move || {
            let _guard = lock.lock();
            held.set();
            release.wait();
        }
    });
    holder.start().unwrap();
    held.wait();
    let (reader, writer) = pipe(false).unwrap();
    let p = started(Process::new({
        let lock = lock.clone();
        move || {
            // The child has its own primitives and runs; the inherited lock stays held, as in Python.
            let mine = Lock::new();
            mine.acquire();
            mine.release().unwrap();
            writer.send(&("child ran", lock.locked(), lock.try_acquire())).unwrap();
        }
    }));
    assert_eq!(recv::<(String, bool, bool)>(&reader), ("child ran".to_string(), true, false));
    assert_eq!(join(&p), Some(0));
    release.set();
    holder.join().unwrap();
}

#[test]
fn start_while_threads_churn_the_registry() {
    // Threads that start and end without pause keep the registry's locks busy.
    let stop = Arc::new(Event::new());
    let churners: Vec<Thread> = (0..2)
        .map(|_| {
            let stop = stop.clone();
            Thread::new(move || {
                while !stop.is_set() {
                    let t = Thread::new(|| {
                        let _ = threading::enumerate();
                    });
                    t.start().unwrap();
                    t.join().unwrap();
                }
            })
        })
        .collect();
    churners.iter().for_each(|t| t.start().unwrap());
    for _ in 0..30 {
        let (reader, writer) = pipe(false).unwrap();
        let p = started(Process::new(move || {
            // The registry is usable in the child (the churners' threads are gone from it).
            let lock = Lock::new();
            lock.acquire();
            lock.release().unwrap();
            let _ = threading::current_thread().name();
            writer.send(&threading::active_count()).unwrap();
        }));
        assert_eq!(recv::<usize>(&reader), 1);
        assert_eq!(join(&p), Some(0));
    }
    stop.set();
    churners.iter().for_each(|t| t.join().unwrap());
}

// ---------------------------------------------------------------------------------------
// Pipes

#[test]
fn ten_megabyte_messages_both_ways() {
    let (parent_conn, child_conn) = pipe(true).unwrap();
    let big: Vec<u8> = (0..10_000_000u32).map(|i| (i % 251) as u8).collect();
    let p = started(Process::new(move || {
        let got: Vec<u8> = child_conn.recv().unwrap();
        let sum: u64 = got.iter().map(|&b| b as u64).sum();
        child_conn.send(&sum).unwrap();
        let mut back = got;
        back.reverse();
        child_conn.send_bytes(&back).unwrap();
    }));
    parent_conn.send(&big).unwrap();
    let expected: u64 = big.iter().map(|&b| b as u64).sum();
    assert_eq!(recv::<u64>(&parent_conn), expected);
    let back = parent_conn.recv_bytes().unwrap();
    assert_eq!(back.len(), big.len());
    assert!(back.iter().rev().eq(big.iter()));
    assert_eq!(join(&p), Some(0));
}

#[test]
fn ten_thousand_messages_round_trip_and_stream() {
    let (parent_conn, child_conn) = pipe(true).unwrap();
    let p = started(Process::new(move || {
        // Echo until told to stop, then stream 10k numbers.
        while let Ok(n) = child_conn.recv::<u32>() {
            if n == u32::MAX {
                break;
            }
            child_conn.send(&(n + 1)).unwrap();
        }
        for i in 0..10_000u32 {
            child_conn.send(&(i, format!("item {i}"))).unwrap();
        }
    }));
    for i in 0..10_000u32 {
        parent_conn.send(&i).unwrap();
        assert_eq!(parent_conn.recv::<u32>().unwrap(), i + 1);
    }
    parent_conn.send(&u32::MAX).unwrap();
    for i in 0..10_000u32 {
        assert_eq!(parent_conn.recv::<(u32, String)>().unwrap(), (i, format!("item {i}")));
    }
    assert!(
        matches!(parent_conn.recv::<u32>(), Err(ConnectionError::Eof)),
        "the child's end closed at its exit"
    );
    assert_eq!(join(&p), Some(0));
}

#[test]
fn closed_pipes_are_errors_both_ways() {
    // The child's end moved into a child that exits without sending: EOF, not a hang.
    let (parent_conn, child_conn) = pipe(true).unwrap();
    let p = started(Process::new(move || drop(child_conn)));
    assert!(matches!(parent_conn.recv::<String>(), Err(ConnectionError::Eof)));
    assert!(matches!(parent_conn.send("anyone?"), Err(ConnectionError::BrokenPipe)));
    assert_eq!(join(&p), Some(0));

    // The parent closes its end: the child's recv and send fail the same way. As in Python,
    // the child inherited a copy of the parent's end too, and closes that copy first.
    let (parent_conn, child_conn) = pipe(true).unwrap();
    let parent_conn = Arc::new(parent_conn);
    let (report, report_writer) = pipe(false).unwrap();
    let p = started(Process::new({
        let inherited = parent_conn.clone();
        move || {
            inherited.close();
            let eof = matches!(child_conn.recv::<i32>(), Err(ConnectionError::Eof));
            let broken = matches!(child_conn.send(&1), Err(ConnectionError::BrokenPipe));
            report_writer.send(&(eof, broken)).unwrap();
        }
    }));
    parent_conn.close();
    assert_eq!(recv::<(bool, bool)>(&report), (true, true));
    assert_eq!(join(&p), Some(0));

    // Using a closed end.
    assert!(matches!(parent_conn.recv::<i32>(), Err(ConnectionError::Closed)));
    assert!(matches!(parent_conn.poll(), Err(ConnectionError::Closed)));
}

#[test]
fn close_from_another_thread_ends_a_blocked_recv() {
    let (a, _b) = pipe(true).unwrap();
    let a = Arc::new(a);
    let receiver = std::thread::spawn({
        let a = a.clone();
        move || a.recv::<i32>()
    });
    std::thread::sleep(Duration::from_millis(50));
    a.close();
    assert!(matches!(receiver.join().unwrap(), Err(ConnectionError::Closed)));
}

#[test]
fn recv_is_interruptible_and_reported() {
    let (a, _b) = pipe(true).unwrap();
    let receiver = Thread::builder().name("receiver").target(move || {
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| a.recv::<i32>()));
        assert!(threading::KeyboardInterrupt::is(&caught.unwrap_err()));
    });
    receiver.start().unwrap();
    let start = Instant::now();
    while !threading::report().contains("receiver: blocked in Connection.recv") {
        assert!(start.elapsed() < PATIENCE, "{}", threading::report());
        std::thread::sleep(Duration::from_millis(5));
    }
    threading::interrupt(&receiver);
    assert!(receiver.join_timeout(PATIENCE).unwrap());
}

#[test]
fn a_sender_killed_mid_message_is_a_truncated_message() {
    let (parent_conn, child_conn) = pipe(true).unwrap();
    let p = started(Process::new(move || {
        // Far more than the socket holds: blocks until killed.
        child_conn.send_bytes(&vec![1; 10_000_000]).unwrap();
    }));
    assert!(parent_conn.poll_timeout(PATIENCE).unwrap());
    // Let the socket buffer fill so the child is blocked mid-message.
    std::thread::sleep(Duration::from_millis(100));
    p.kill().unwrap();
    assert_eq!(join(&p), Some(-9));
    match parent_conn.recv_bytes() {
        Err(ConnectionError::Truncated { length, received }) => {
            assert_eq!(length, 10_000_000);
            assert!(received > 0 && received < length);
        }
        other => panic!("expected a truncated message, got {other:?}"),
    }
}

#[test]
fn bad_messages_are_clear_errors_and_lose_nothing() {
    let (a, b) = pipe(true).unwrap();
    a.send("not a number").unwrap();
    match b.recv::<u64>() {
        Err(error @ ConnectionError::Decode { .. }) => {
            assert!(error.to_string().contains("as `u64`"), "{error}");
            let ConnectionError::Decode { bytes, .. } = error else { unreachable!() };
            // The raw bytes are kept: decode them as what they are.
            let text: String = postcard_decode(&bytes);
            assert_eq!(text, "not a number");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    a.send_bytes(&[0; 100]).unwrap();
    let error = b.recv_bytes_max(10).unwrap_err();
    assert_eq!(
        error.to_string(),
        "OSError: bad message length: the message has 100 bytes, more than the 10 allowed"
    );
    assert_eq!(b.recv_bytes_max(100).unwrap(), [0; 100]);
}

/// Decodes bytes through a pipe, the only public way to reach the codec.
fn postcard_decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> T {
    let (a, b) = pipe(true).unwrap();
    a.send_bytes(bytes).unwrap();
    b.recv().unwrap()
}

// ---------------------------------------------------------------------------------------
// Queue

#[test]
fn queue_with_many_writers_keeps_messages_whole() {
    // Big items need several writes each: without the writers' lock they would interleave.
    let q: Queue<(u32, u32, Vec<u8>)> = Queue::new().unwrap();
    let writers: Vec<Process> = (0..4u32)
        .map(|w| {
            let q = q.clone();
            started(Process::new(move || {
                for i in 0..50u32 {
                    let size = if i % 10 == 0 { 300_000 } else { 100 };
                    q.put(&(w, i, vec![w as u8; size])).unwrap();
                }
            }))
        })
        .collect();
    let mut next = [0u32; 4];
    for _ in 0..200 {
        let (w, i, data) = q.get_timeout(PATIENCE).unwrap();
        assert_eq!(i, next[w as usize], "each writer's items arrive in order");
        next[w as usize] += 1;
        assert!(data.iter().all(|&b| b == w as u8));
    }
    writers.iter().for_each(|w| assert_eq!(join(w), Some(0)));
    assert!(q.empty());
    assert!(matches!(q.get_nowait(), Err(QueueError::Empty)));
}

#[test]
fn queue_with_many_readers_gives_each_item_once() {
    let q: Queue<u32> = Queue::new().unwrap();
    let results: Queue<Vec<u32>> = Queue::new().unwrap();
    let readers: Vec<Process> = (0..3)
        .map(|_| {
            let (q, results) = (q.clone(), results.clone());
            started(Process::new(move || {
                let mut got = Vec::new();
                loop {
                    match q.get().unwrap() {
                        u32::MAX => break,
                        n => got.push(n),
                    }
                }
                results.put(&got).unwrap();
            }))
        })
        .collect();
    for n in 0..3000 {
        q.put(&n).unwrap();
    }
    for _ in 0..3 {
        q.put(&u32::MAX).unwrap();
    }
    let mut all: Vec<u32> = (0..3).flat_map(|_| results.get_timeout(PATIENCE).unwrap()).collect();
    all.sort_unstable();
    assert_eq!(all, (0..3000).collect::<Vec<_>>());
    readers.iter().for_each(|r| assert_eq!(join(r), Some(0)));
}

#[test]
fn a_bounded_queue_blocks_producers_across_processes() {
    let q: Queue<u32> = Queue::with_maxsize(2).unwrap();
    let producer = started(Process::new({
        let q = q.clone();
        move || {
            for i in 0..10 {
                q.put(&i).unwrap();
            }
        }
    }));
    let start = Instant::now();
    while q.qsize() < 2 {
        assert!(start.elapsed() < PATIENCE);
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(q.qsize(), 2, "the producer waits for room");
    assert!(q.full());
    assert!(producer.is_alive());
    let got: Vec<u32> = (0..10).map(|_| q.get_timeout(PATIENCE).unwrap()).collect();
    assert_eq!(got, (0..10).collect::<Vec<_>>());
    assert_eq!(join(&producer), Some(0));
    assert!(matches!(q.put_timeout(&1, Duration::ZERO), Ok(())));
}

#[test]
fn a_queue_broken_by_a_killed_writer_says_so() {
    let q: Queue<Vec<u8>> = Queue::new().unwrap();
    let p = started(Process::new({
        let q = q.clone();
        move || q.put(&vec![0; 10_000_000]).unwrap()
    }));
    let start = Instant::now();
    while q.qsize() == 0 {
        assert!(start.elapsed() < PATIENCE);
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(100));
    p.kill().unwrap();
    assert_eq!(join(&p), Some(-9));
    // The dead writer's lock is taken over, which reveals the half message: an error in every
    // operation and every process from then on, never garbage or a hang.
    let error = q.put(&vec![1]).unwrap_err();
    assert!(error.to_string().contains("unusable"), "{error}");
    assert!(q.get_timeout(PATIENCE).unwrap_err().to_string().contains("unusable"));
    let (reader, writer) = pipe(false).unwrap();
    let other = started(Process::new({
        let q = q.clone();
        move || writer.send(&q.get_nowait().unwrap_err().to_string()).unwrap()
    }));
    assert!(recv::<String>(&reader).contains("unusable"));
    assert_eq!(join(&other), Some(0));
}

#[test]
fn queue_get_is_interruptible_and_reported() {
    let q: Queue<u32> = Queue::new().unwrap();
    let getter = Thread::builder().name("getter").target({
        let q = q.clone();
        move || {
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| q.get()));
            assert!(threading::KeyboardInterrupt::is(&caught.unwrap_err()));
        }
    });
    getter.start().unwrap();
    let start = Instant::now();
    while !threading::report().contains("getter: blocked in Queue.get") {
        assert!(start.elapsed() < PATIENCE, "{}", threading::report());
        std::thread::sleep(Duration::from_millis(5));
    }
    threading::interrupt(&getter);
    assert!(getter.join_timeout(PATIENCE).unwrap());
    // Interrupted while waiting for a message, not in the middle of one: the queue still works.
    q.put(&5).unwrap();
    assert_eq!(q.get().unwrap(), 5);
}

#[test]
fn handles_are_shareable_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Process>();
    shareable::<Connection>();
    shareable::<Queue<String>>();
}

// ---------------------------------------------------------------------------------------
// Program exit and parent death

#[derive(Debug, Serialize, Deserialize)]
struct ExitReport {
    daemon_pid: u32,
    daemon_exit: Option<i32>,
    worker_exit: Option<i32>,
}

#[test]
fn shutdown_terminates_daemons_and_joins_the_others() {
    let (reader, writer) = pipe(false).unwrap();
    let (done_reader, done_writer) = pipe(false).unwrap();
    let p = started(Process::new(move || {
        let daemon =
            started(Process::builder().daemon(true).target(|| threading::sleep(Duration::from_secs(60))));
        let worker = started(Process::new(move || {
            threading::sleep(Duration::from_millis(200));
            done_writer.send("worker finished").unwrap();
        }));
        threading::shutdown();
        writer
            .send(&ExitReport {
                daemon_pid: daemon.pid().unwrap(),
                daemon_exit: daemon.exitcode(),
                worker_exit: worker.exitcode(),
            })
            .unwrap();
    }));
    let report: ExitReport = recv(&reader);
    assert_eq!(recv::<String>(&done_reader), "worker finished");
    assert_eq!(report.daemon_exit, Some(-15), "the daemon was terminated");
    assert_eq!(report.worker_exit, Some(0), "the worker was joined");
    assert!(is_dead(report.daemon_pid));
    assert_eq!(join(&p), Some(0));
}

// Starting a thread in a forked child can hang if some thread of the parent was starting or
// ending at the moment of the fork (std's thread bookkeeping lock, see the module docs). The
// test harness starts and ends a thread per test all the time, so the scenarios whose child
// starts threads run in a subprocess of their own, where nothing else starts threads.

#[test]
fn a_daemon_closing_its_end_is_seen_while_it_runs() {
    // Started from a thread other than the main thread, a daemon gets a watcher process for
    // its parent's death; the watcher must not keep copies of the daemon's pipe ends.
    let (reader, writer) = pipe(false).unwrap();
    let daemon = Arc::new(std::sync::Mutex::new(None));
    let starter = Thread::new({
        let daemon = daemon.clone();
        move || {
            let p = started(Process::builder().daemon(true).target(move || {
                writer.send("bye").unwrap();
                drop(writer);
                threading::sleep(Duration::from_secs(60));
            }));
            *daemon.lock().unwrap() = Some(p);
        }
    });
    starter.start().unwrap();
    starter.join().unwrap();
    let p = daemon.lock().unwrap().take().unwrap();
    assert_eq!(recv::<String>(&reader), "bye");
    assert!(reader.poll_timeout(PATIENCE).unwrap(), "no end of stream while the daemon runs");
    assert!(matches!(reader.recv::<String>(), Err(ConnectionError::Eof)));
    assert!(p.is_alive());
    p.kill().unwrap();
    assert_eq!(join(&p), Some(-9));
}

#[test]
fn the_child_joins_its_own_threads_before_exiting() {
    run_role_ok("child_threads");
}

fn scenario_child_threads() {
    let (reader, writer) = pipe(false).unwrap();
    let p = started(Process::new(move || {
        Thread::new(move || {
            threading::sleep(Duration::from_millis(100));
            writer.send("thread done").unwrap();
        })
        .start()
        .unwrap();
    }));
    assert_eq!(recv::<String>(&reader), "thread done");
    assert_eq!(join(&p), Some(0));
}

#[test]
fn daemons_die_with_a_crashed_parent() {
    run_role_ok("crashed_parent");
}

fn scenario_crashed_parent() {
    // P forks daemons from its main thread (death signal) and from another thread (pidfd
    // watcher), then kills itself: neither daemon may survive it.
    let (reader, writer) = pipe(false).unwrap();
    let p = started(Process::new(move || {
        let sleeper = || threading::sleep(Duration::from_secs(60));
        let from_main = started(Process::builder().daemon(true).target(sleeper));
        let from_thread = Arc::new(std::sync::Mutex::new(None));
        let t = Thread::new({
            let from_thread = from_thread.clone();
            move || {
                *from_thread.lock().unwrap() = Some(started(Process::builder().daemon(true).target(sleeper)))
            }
        });
        t.start().unwrap();
        t.join().unwrap();
        let from_thread = from_thread.lock().unwrap().take().unwrap();
        // The forking thread has ended: that alone must not kill its daemon.
        threading::sleep(Duration::from_millis(100));
        let alive = from_thread.is_alive();
        writer.send(&(from_main.pid().unwrap(), from_thread.pid().unwrap(), alive)).unwrap();
        threading::sleep(Duration::from_millis(50));
        // SAFETY: kill has no memory preconditions; this process ends here.
        unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
    }));
    let (main_daemon, thread_daemon, alive_after_thread_ended): (u32, u32, bool) = recv(&reader);
    assert!(alive_after_thread_ended, "a daemon outlives the thread that started it");
    assert_eq!(join(&p), Some(-9));
    assert!(wait_dead(main_daemon), "daemon forked from the main thread survived its parent");
    assert!(wait_dead(thread_daemon), "daemon forked from another thread survived its parent");
}

// ---------------------------------------------------------------------------------------
// Whole programs, run as subprocesses

/// Re-runs this test binary as a program playing `role`; returns (exit status, stdout, stderr).
fn run_role(role: &str) -> (Option<i32>, String, String) {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "role", "--ignored", "--nocapture", "--test-threads=1", "--quiet"])
        .env("ROLE", role)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into(),
        String::from_utf8_lossy(&output.stderr).into(),
    )
}

/// Re-runs this test binary playing `role`, with `input` on its stdin.
fn run_role_with_stdin(role: &str, input: &str) -> (Option<i32>, String, String) {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "role", "--ignored", "--nocapture", "--test-threads=1", "--quiet"])
        .env("ROLE", role)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into(),
        String::from_utf8_lossy(&output.stderr).into(),
    )
}

fn role_stdin() {
    let p = started(Process::new(|| {
        let mut line = String::new();
        let n = std::io::stdin().read_line(&mut line).unwrap();
        println!("child read {n} bytes: {line:?}");
    }));
    join(&p);
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    println!("parent read {line:?}");
}

#[test]
fn the_child_does_not_read_the_parents_stdin() {
    let (status, stdout, stderr) = run_role_with_stdin("stdin", "meant for the parent\n");
    assert_eq!(status, Some(0), "stderr:\n{stderr}");
    assert!(stdout.contains("child read 0 bytes: \"\""), "{stdout}");
    assert!(stdout.contains("parent read \"meant for the parent\\n\""), "{stdout}");
}

/// Runs a scenario in a subprocess; fails with its output if the scenario failed.
fn run_role_ok(role: &str) {
    let (status, stdout, stderr) = run_role(role);
    assert_eq!(status, Some(0), "scenario {role} failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
}

#[test]
#[ignore = "a program run by other tests as a subprocess"]
fn role() {
    match std::env::var("ROLE").as_deref() {
        Ok("output") => role_output(),
        Ok("exit_guard") => role_exit_guard(),
        Ok("stdout_busy") => role_stdout_busy(),
        Ok("stdin") => role_stdin(),
        Ok("child_threads") => scenario_child_threads(),
        Ok("crashed_parent") => scenario_crashed_parent(),
        other => panic!("unknown role {other:?}"),
    }
}

fn role_output() {
    use std::io::Write;
    print!("parent: unflushed before start, ");
    let p = started(Process::new(|| {
        println!("child: hello on stdout");
        eprintln!("child: hello on stderr");
    }));
    join(&p);
    println!("parent: after join");
    let bad = started(Process::builder().name("Bad").target(|| panic!("boom")));
    join(&bad);
    println!("parent: bad exitcode {:?}", bad.exitcode());
    std::io::stdout().flush().unwrap();
}

#[test]
fn child_output_reaches_the_parents_stdout_and_stderr() {
    let (status, stdout, stderr) = run_role("output");
    assert_eq!(status, Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(
        stdout.matches("parent: unflushed before start, ").count(),
        1,
        "printed once, not copied into the child:\n{stdout}"
    );
    assert!(stdout.contains("child: hello on stdout\n"), "{stdout}");
    assert!(stdout.contains("parent: after join"), "{stdout}");
    assert!(stdout.contains("parent: bad exitcode Some(1)"), "{stdout}");
    assert!(stderr.contains("child: hello on stderr\n"), "{stderr}");
    let panic = stderr.find("Process Bad:\npanicked at ").unwrap_or_else(|| panic!("{stderr}"));
    assert!(stderr[panic..].contains("tests/process.rs"), "{stderr}");
    assert!(stderr[panic..].contains("\nboom\n"), "{stderr}");
    assert!(!stderr.contains("thread '"), "no second report from Rust's panic hook:\n{stderr}");
}

fn role_exit_guard() {
    let _exit = threading::exit_guard();
    let daemon =
        started(Process::builder().daemon(true).target(|| threading::sleep(Duration::from_secs(60))));
    println!("daemon pid {}", daemon.pid().unwrap());
    started(Process::new(|| {
        threading::sleep(Duration::from_millis(300));
        println!("worker finished");
    }));
    println!("main done");
}

#[test]
fn exit_guard_terminates_daemon_children_and_joins_the_others() {
    let (status, stdout, stderr) = run_role("exit_guard");
    assert_eq!(status, Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let main_done = stdout.find("main done").unwrap_or_else(|| panic!("{stdout}"));
    let worker =
        stdout.find("worker finished").unwrap_or_else(|| panic!("the worker was not joined:\n{stdout}"));
    assert!(worker > main_done, "{stdout}");
    let pid: u32 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("daemon pid "))
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(wait_dead(pid), "the daemon child outlived its parent");
}

fn role_stdout_busy() {
    use std::io::Write;
    let stop = Arc::new(Event::new());
    let printer = Thread::new({
        let stop = stop.clone();
        move || {
            let mut n = 0u64;
            while !stop.is_set() {
                // Holds std's stdout lock most of the time.
                let mut out = std::io::stdout().lock();
                for _ in 0..100 {
                    writeln!(out, "noise {n}").unwrap();
                    n += 1;
                }
            }
        }
    });
    printer.start().unwrap();
    for i in 0..20 {
        let p = started(Process::new(move || println!("child {i} ran")));
        assert_eq!(join(&p), Some(0));
    }
    stop.set();
    printer.join().unwrap();
}

#[test]
fn start_while_another_thread_holds_the_stdout_lock() {
    let (status, stdout, stderr) = run_role("stdout_busy");
    assert_eq!(status, Some(0), "stderr:\n{stderr}");
    for i in 0..20 {
        assert!(stdout.contains(&format!("child {i} ran\n")), "child {i}'s line is missing");
    }
    assert!(stdout.contains("noise 100"), "the printer ran meanwhile");
}
