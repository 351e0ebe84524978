//! Side-by-side timings of the crate's primitives against std, parking_lot, crossbeam and
//! CPython, measured in one run, printed as a Markdown table (see BENCHMARKS.md).
//!
//! `cargo bench -p threading --bench primitives` (add `-- --quick` for a shorter run, or a word to
//! run only the rows whose name contains it, like libtest: `-- queue`).

use std::hint::black_box;
use std::process::Command;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

/// Nanoseconds per operation of one run of `f(n)`.
fn per_op(n: u64, f: impl FnOnce(u64)) -> f64 {
    let start = Instant::now();
    f(n);
    start.elapsed().as_nanos() as f64 / n as f64
}

type Workload<'a> = &'a dyn Fn(u64);

/// Ours and each peer, best of `rounds` each, measured in turn within every round so that a
/// slow patch of the machine (a shared VM's neighbours, frequency changes) hits all of them
/// alike and the ratios stay meaningful.
fn interleaved(
    rounds: usize,
    n: u64,
    ours: Workload,
    peers: &[(&'static str, Workload)],
) -> (f64, Vec<(&'static str, f64)>) {
    let mut best = vec![f64::INFINITY; peers.len() + 1];
    for _ in 0..rounds {
        for (i, f) in std::iter::once(ours).chain(peers.iter().map(|(_, f)| *f)).enumerate() {
            best[i] = best[i].min(per_op(n, f));
        }
    }
    (best[0], peers.iter().zip(&best[1..]).map(|((name, _), ns)| (*name, *ns)).collect())
}

fn lock_cycles(n: u64) {
    let lock = threading::Lock::new();
    for _ in 0..n {
        black_box(&lock).acquire();
        black_box(&lock).release().unwrap();
    }
}

fn lock_guard_cycles(n: u64) {
    let lock = threading::Lock::with_data(0u64);
    for _ in 0..n {
        *black_box(&lock).lock() += 1;
    }
}

fn rlock_cycles(n: u64) {
    let lock = threading::RLock::new();
    for _ in 0..n {
        black_box(&lock).acquire();
        black_box(&lock).release().unwrap();
    }
}

fn std_mutex_cycles(n: u64) {
    let lock = Mutex::new(0u64);
    for _ in 0..n {
        *black_box(&lock).lock().unwrap() += 1;
    }
}

fn parking_lot_cycles(n: u64) {
    let lock = parking_lot::Mutex::new(0u64);
    for _ in 0..n {
        *black_box(&lock).lock() += 1;
    }
}

fn parking_lot_reentrant_cycles(n: u64) {
    let lock = parking_lot::ReentrantMutex::new(());
    for _ in 0..n {
        drop(black_box(&lock).lock());
    }
}

fn idle_hook(n: u64) {
    for _ in 0..n {
        threading::schedule::__idle_point_probe();
    }
}

#[inline(never)]
fn empty_call() {
    black_box(());
}

fn empty_calls(n: u64) {
    for _ in 0..n {
        empty_call();
    }
}

/// One round trip = the turn goes to the partner and comes back.
fn condition_ping_pong(n: u64) {
    let cond = Arc::new(threading::Condition::with_data(0u8));
    let partner = std::thread::spawn({
        let cond = cond.clone();
        move || {
            for _ in 0..n {
                let mut turn = cond.lock();
                turn.wait_for(|t| *t == 1);
                *turn = 0;
                turn.notify();
            }
        }
    });
    for _ in 0..n {
        let mut turn = cond.lock();
        *turn = 1;
        turn.notify();
        turn.wait_for(|t| *t == 0);
    }
    partner.join().unwrap();
}

fn std_condvar_ping_pong(n: u64) {
    let pair = Arc::new((Mutex::new(0u8), Condvar::new()));
    let partner = std::thread::spawn({
        let pair = pair.clone();
        move || {
            let (lock, cond) = &*pair;
            for _ in 0..n {
                let mut turn = cond.wait_while(lock.lock().unwrap(), |t| *t != 1).unwrap();
                *turn = 0;
                cond.notify_one();
            }
        }
    });
    let (lock, cond) = &*pair;
    for _ in 0..n {
        let mut turn = lock.lock().unwrap();
        *turn = 1;
        cond.notify_one();
        drop(cond.wait_while(turn, |t| *t != 0).unwrap());
    }
    partner.join().unwrap();
}

fn event_ping_pong(n: u64) {
    let ping = Arc::new(threading::Event::new());
    let pong = Arc::new(threading::Event::new());
    let partner = std::thread::spawn({
        let (ping, pong) = (ping.clone(), pong.clone());
        move || {
            for _ in 0..n {
                ping.wait();
                ping.clear();
                pong.set();
            }
        }
    });
    for _ in 0..n {
        ping.set();
        pong.wait();
        pong.clear();
    }
    partner.join().unwrap();
}

struct Row {
    operation: &'static str,
    ours: f64,
    peers: Vec<(&'static str, f64)>,
    cpython: Option<f64>,
}

fn cpython(scale: f64) -> Option<serde_json::Value> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/cpython_primitives.py");
    let output = Command::new("python3").arg(script).arg(scale.to_string()).output().ok()?;
    if !output.status.success() {
        eprintln!("CPython bench failed: {}", String::from_utf8_lossy(&output.stderr));
        return None;
    }
    serde_json::from_slice(&output.stdout).ok()
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let scale = if quick { 0.1 } else { 1.0 };
    let n = |base: u64| ((base as f64 * scale) as u64).max(1);
    let rounds = if quick { 3 } else { 7 };
    // Like libtest's: `cargo bench --bench primitives -- queue` runs only the matching rows.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--")).map(|f| f.to_lowercase());
    let wanted = |operation: &str| filter.as_ref().is_none_or(|f| operation.to_lowercase().contains(f));

    let py = cpython(scale);
    let py_number = |key: &str| py.as_ref().and_then(|j| j.get(key)?.as_f64());

    const HOOK: &str = "idle scheduling hook (one relaxed load + branch)";
    let hook = wanted(HOOK).then(|| {
        let (with_hook, empty) = interleaved(rounds, n(100_000_000), &idle_hook, &[("empty", &empty_calls)]);
        with_hook - empty[0].1
    });
    let mut rows: Vec<Row> = Vec::new();
    let mut row = |operation: &'static str,
                   count: u64,
                   ours: Workload,
                   peers: &[(&'static str, Workload)],
                   py_key: &str| {
        if wanted(operation) {
            let (ours, peers) = interleaved(rounds, n(count), ours, peers);
            rows.push(Row { operation, ours, peers, cpython: py_number(py_key) });
        }
    };
    let mutexes: &[(&str, Workload)] =
        &[("std Mutex", &std_mutex_cycles), ("parking_lot Mutex", &parking_lot_cycles)];
    row("Lock acquire+release (uncontended)", 20_000_000, &lock_cycles, mutexes, "lock");
    row("Lock<T> guard (with lock:)", 20_000_000, &lock_guard_cycles, mutexes, "lock");
    row(
        "RLock acquire+release (uncontended)",
        20_000_000,
        &rlock_cycles,
        &[("parking_lot ReentrantMutex", &parking_lot_reentrant_cycles)],
        "rlock",
    );
    let condvar: &[(&str, Workload)] = &[("std Mutex+Condvar", &std_condvar_ping_pong)];
    row("Condition ping-pong round trip", 100_000, &condition_ping_pong, condvar, "condition_ping_pong");
    row("Event ping-pong round trip", 100_000, &event_ping_pong, condvar, "event_ping_pong");
    for (p, c, operation, py_key) in [
        (1, 1, "Queue put+get, 1 producer → 1 consumer", "queue_1_1"),
        (4, 4, "Queue put+get, 4 → 4", "queue_4_4"),
    ] {
        row(
            operation,
            1_000_000,
            &move |k| ours(k, p, c),
            &[("crossbeam-channel", &move |k| crossbeam(k, p, c)), ("std mpsc", &move |k| std_mpsc(k, p, c))],
            py_key,
        );
    }

    let version = py
        .as_ref()
        .and_then(|j| j.get("version")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| "n/a".into());
    println!(
        "| operation | threading (ns) | peer (ns) | threading / peer | CPython {version} (ns) | CPython / threading |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for row in &rows {
        for (i, (peer, peer_ns)) in row.peers.iter().enumerate() {
            let (op, ours, py_cols) = if i == 0 {
                let py_cols = match row.cpython {
                    Some(py) => format!("{py:.1} | {:.0}×", py / row.ours),
                    None => "n/a | n/a".into(),
                };
                (row.operation, format!("{:.1}", row.ours), py_cols)
            } else {
                ("", String::new(), " | ".into())
            };
            println!("| {op} | {ours} | {peer_ns:.1} ({peer}) | {:.2} | {py_cols} |", row.ours / peer_ns);
        }
    }
    if let Some(hook) = hook {
        println!("| {HOOK} | {:.2} | | | | |", hook.max(0.0));
    }
}

/// Moves `n` items from `producers` threads to `consumers` threads through one channel-like
/// queue; `send`/`recv` adapt each implementation.
fn transfer<Q: Send + Sync + 'static>(
    n: u64,
    producers: u64,
    consumers: u64,
    queue: Q,
    send: fn(&Q, u64),
    recv: fn(&Q) -> u64,
) {
    let queue = Arc::new(queue);
    let per_producer = n / producers;
    let per_consumer = per_producer * producers / consumers;
    let mut threads = Vec::new();
    for _ in 0..producers {
        let queue = queue.clone();
        threads.push(std::thread::spawn(move || {
            for i in 0..per_producer {
                send(&queue, i);
            }
        }));
    }
    for _ in 0..consumers {
        let queue = queue.clone();
        threads.push(std::thread::spawn(move || {
            let mut sum = 0u64;
            for _ in 0..per_consumer {
                sum = sum.wrapping_add(recv(&queue));
            }
            black_box(sum);
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
}

fn ours(n: u64, p: u64, c: u64) {
    transfer(n, p, c, threading::queue::Queue::<u64>::new(0), |q, i| q.put(i).unwrap(), |q| q.get().unwrap());
}

fn crossbeam(n: u64, p: u64, c: u64) {
    transfer(
        n,
        p,
        c,
        crossbeam_channel::unbounded::<u64>(),
        |q, i| q.0.send(i).unwrap(),
        |q| q.1.recv().unwrap(),
    );
}

/// std's receiver is single-consumer: several consumers share it behind a mutex.
fn std_mpsc(n: u64, p: u64, c: u64) {
    let (tx, rx) = std::sync::mpsc::channel::<u64>();
    transfer(
        n,
        p,
        c,
        (Mutex::new(tx), Mutex::new(rx)),
        |q, i| q.0.lock().unwrap().send(i).unwrap(),
        |q| q.1.lock().unwrap().recv().unwrap(),
    );
}
