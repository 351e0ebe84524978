//! The spawn start method, end to end. A test program of its own (`harness = false`): the
//! spawned children re-execute this very binary, which must call `entry_point` first thing in
//! `main`, before any test harness would start threads.

use std::sync::Arc;
use std::time::{Duration, Instant};
use threading::process::{
    Connection, Process, ProcessError, active_children, current_process, entry_point, parent_process,
    register_entry,
};
use threading::{Event, Thread};

const PATIENCE: Duration = Duration::from_secs(20);

fn square(conn: Connection) {
    while let Ok(n) = conn.recv::<u64>() {
        conn.send(&(n * n)).unwrap();
    }
}

fn whoami(conn: Connection) {
    let parent = parent_process().map(|p| (p.to_string(), p.pid()));
    let threads = threading::enumerate().len();
    conn.send(&(current_process().to_string(), parent, threads)).unwrap();
}

fn with_threads(conn: Connection) {
    let n: usize = conn.recv().unwrap();
    let total = Arc::new(threading::Lock::with_data(0usize));
    let threads: Vec<Thread> = (0..n)
        .map(|i| {
            let total = total.clone();
            Thread::new(move || *total.lock() += i)
        })
        .collect();
    threads.iter().for_each(|t| t.start().unwrap());
    threads.iter().for_each(|t| t.join().unwrap());
    conn.send(&*total.lock()).unwrap();
}

fn nested(conn: Connection) {
    let (grandchild, to_grandchild) = Process::entry("square").unwrap();
    grandchild.start().unwrap();
    to_grandchild.send(&9u64).unwrap();
    let answer: u64 = to_grandchild.recv().unwrap();
    drop(to_grandchild);
    grandchild.join().unwrap();
    conn.send(&(grandchild.name(), answer, grandchild.exitcode())).unwrap();
}

fn sleeps(_conn: Connection) {
    threading::sleep(Duration::from_secs(60));
}

fn panics(_conn: Connection) {
    panic!("boom in a spawned process");
}

fn exits(_conn: Connection) {
    std::process::exit(3);
}

fn recv<T: serde::de::DeserializeOwned>(conn: &Connection) -> T {
    assert!(conn.poll_timeout(PATIENCE).unwrap(), "nothing arrived within {PATIENCE:?}");
    conn.recv().unwrap()
}

fn join(p: &Process) -> Option<i32> {
    assert!(p.join_timeout(PATIENCE).unwrap(), "{p} did not end within {PATIENCE:?}");
    p.exitcode()
}

fn round_trips() {
    let (p, conn) = Process::entry("square").unwrap();
    assert!(p.to_string().starts_with("<SpawnProcess name='Process-"), "{p}");
    p.start().unwrap();
    for n in 0..1000u64 {
        conn.send(&n).unwrap();
        assert_eq!(conn.recv::<u64>().unwrap(), n * n);
    }
    drop(conn);
    assert_eq!(join(&p), Some(0));
}

fn the_child_knows_who_it_is() {
    let (p, conn) = Process::builder().name("spawned").entry("whoami").unwrap();
    p.start().unwrap();
    let (me, parent, threads): (String, Option<(String, Option<u32>)>, usize) = recv(&conn);
    let pid = std::process::id();
    assert_eq!(me, format!("<SpawnProcess name='spawned' parent={pid} started>"));
    assert_eq!(
        parent,
        Some(("<_ParentProcess name='MainProcess' parent=None unknown>".to_string(), Some(pid)))
    );
    assert_eq!(threads, 1);
    assert_eq!(join(&p), Some(0));
}

fn exit_codes() {
    let (panicking, _a) = Process::builder().name("Panicky").entry("panics").unwrap();
    let (exiting, _b) = Process::entry("exits").unwrap();
    let (sleeping, _c) = Process::entry("sleeps").unwrap();
    for p in [&panicking, &exiting, &sleeping] {
        p.start().unwrap();
    }
    sleeping.kill().unwrap();
    assert_eq!(join(&panicking), Some(1));
    assert_eq!(join(&exiting), Some(3));
    assert_eq!(join(&sleeping), Some(-9));
}

fn unknown_entries_are_refused_before_starting() {
    let (p, _conn) = Process::entry("nobody registered this").unwrap();
    match p.start() {
        Err(ProcessError::UnknownEntry(name)) => assert_eq!(name, "nobody registered this"),
        other => panic!("expected UnknownEntry, got {other:?}"),
    }
    assert_eq!(p.pid(), None);
}

/// What fork cannot promise: threads started in the child while the parent's threads come and
/// go. A spawned child is a fresh program, so it always can.
fn threads_in_children_while_the_parent_churns_threads() {
    let stop = Arc::new(Event::new());
    let churner = Thread::new({
        let stop = stop.clone();
        move || {
            while !stop.is_set() {
                let t = Thread::new(|| {});
                t.start().unwrap();
                t.join().unwrap();
            }
        }
    });
    churner.start().unwrap();
    for _ in 0..10 {
        let (p, conn) = Process::entry("with_threads").unwrap();
        p.start().unwrap();
        conn.send(&8usize).unwrap();
        assert_eq!(recv::<usize>(&conn), (0..8).sum::<usize>());
        assert_eq!(join(&p), Some(0));
    }
    stop.set();
    churner.join().unwrap();
}

fn spawned_children_spawn_too() {
    let (p, conn) = Process::entry("nested").unwrap();
    p.start().unwrap();
    let (name, answer, exitcode): (String, u64, Option<i32>) = recv(&conn);
    assert!(name.starts_with(&format!("{}:", p.name())), "{name} is a child of {}", p.name());
    assert_eq!((answer, exitcode), (81, Some(0)));
    assert_eq!(join(&p), Some(0));
}

fn shutdown_terminates_spawned_daemons() {
    let (daemon, _a) = Process::builder().daemon(true).entry("sleeps").unwrap();
    let (worker, to_worker) = Process::entry("square").unwrap();
    daemon.start().unwrap();
    worker.start().unwrap();
    to_worker.send(&3u64).unwrap();
    assert_eq!(recv::<u64>(&to_worker), 9);
    drop(to_worker); // the worker's loop ends at end of stream
    let start = Instant::now();
    threading::shutdown();
    assert!(start.elapsed() < PATIENCE);
    assert_eq!(daemon.exitcode(), Some(-15));
    assert_eq!(worker.exitcode(), Some(0));
    assert!(active_children().is_empty());
}

fn main() {
    register_entry("square", square);
    register_entry("whoami", whoami);
    register_entry("with_threads", with_threads);
    register_entry("nested", nested);
    register_entry("sleeps", sleeps);
    register_entry("panics", panics);
    register_entry("exits", exits);
    entry_point();

    let scenarios: [(&str, fn()); 7] = [
        ("round_trips", round_trips),
        ("the_child_knows_who_it_is", the_child_knows_who_it_is),
        ("exit_codes", exit_codes),
        ("unknown_entries_are_refused_before_starting", unknown_entries_are_refused_before_starting),
        (
            "threads_in_children_while_the_parent_churns_threads",
            threads_in_children_while_the_parent_churns_threads,
        ),
        ("spawned_children_spawn_too", spawned_children_spawn_too),
        ("shutdown_terminates_spawned_daemons", shutdown_terminates_spawned_daemons),
    ];
    for (name, scenario) in scenarios {
        scenario();
        println!("test {name} ... ok");
    }
    println!("\n{} spawn scenarios passed", scenarios.len());
}
