//! `threading::process` next to CPython's `multiprocessing` (fork start method), measured in
//! one run and printed as a Markdown table (see BENCHMARKS.md, section `process`).
//!
//! `cargo bench -p threading --bench process` (add `-- --quick` for a shorter run).

use std::process::Command;
use std::time::Instant;
use threading::process::{Connection, Process, Queue, entry_point, pipe, register_entry};

const MB: usize = 10_000_000;

/// Best of `rounds` runs of `f`, which returns nanoseconds per operation.
fn best(rounds: usize, mut f: impl FnMut() -> f64) -> f64 {
    (0..rounds).map(|_| f()).fold(f64::INFINITY, f64::min)
}

fn start_join(n: usize) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        let p = Process::new(|| {});
        p.start().unwrap();
        p.join().unwrap();
    }
    start.elapsed().as_nanos() as f64 / n as f64
}

fn noop(_conn: Connection) {}

fn spawn_start_join(n: usize) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        let (p, _conn) = Process::entry("noop").unwrap();
        p.start().unwrap();
        p.join().unwrap();
    }
    start.elapsed().as_nanos() as f64 / n as f64
}

fn round_trips(n: usize) -> f64 {
    let (parent, child) = pipe(true).unwrap();
    let p = Process::new(move || {
        while let Ok(Some(i)) = child.recv::<Option<u64>>() {
            child.send(&Some(i)).unwrap();
        }
    });
    p.start().unwrap();
    let start = Instant::now();
    for i in 0..n as u64 {
        parent.send(&Some(i)).unwrap();
        assert_eq!(parent.recv::<Option<u64>>().unwrap(), Some(i));
    }
    let elapsed = start.elapsed();
    parent.send(&None::<u64>).unwrap();
    p.join().unwrap();
    elapsed.as_nanos() as f64 / n as f64
}

fn small_stream(n: usize) -> f64 {
    let (reader, writer) = pipe(false).unwrap();
    let p = Process::new(move || {
        for i in 0..n as u64 {
            writer.send(&i).unwrap();
        }
    });
    let start = Instant::now();
    p.start().unwrap();
    for i in 0..n as u64 {
        assert_eq!(reader.recv::<u64>().unwrap(), i);
    }
    let elapsed = start.elapsed();
    p.join().unwrap();
    elapsed.as_nanos() as f64 / n as f64
}

fn queue_stream(n: usize) -> f64 {
    let q: Queue<u64> = Queue::new().unwrap();
    let p = Process::new({
        let q = q.clone();
        move || {
            for i in 0..n as u64 {
                q.put(&i).unwrap();
            }
        }
    });
    let start = Instant::now();
    p.start().unwrap();
    for i in 0..n as u64 {
        assert_eq!(q.get().unwrap(), i);
    }
    let elapsed = start.elapsed();
    p.join().unwrap();
    elapsed.as_nanos() as f64 / n as f64
}

/// MB/s of `count` 10 MB messages from a child: raw bytes, or a serde `Vec<u8>`.
fn big_stream(count: usize, raw: bool) -> f64 {
    let (reader, writer) = pipe(false).unwrap();
    let p = Process::new(move || {
        let data = vec![0u8; MB];
        for _ in 0..count {
            if raw {
                writer.send_bytes(&data).unwrap();
            } else {
                writer.send(&data).unwrap();
            }
        }
    });
    p.start().unwrap();
    let start = Instant::now();
    for _ in 0..count {
        let len =
            if raw { reader.recv_bytes().unwrap().len() } else { reader.recv::<Vec<u8>>().unwrap().len() };
        assert_eq!(len, MB);
    }
    let elapsed = start.elapsed();
    p.join().unwrap();
    (count * MB) as f64 / 1e6 / elapsed.as_secs_f64()
}

/// CPython's numbers, by name, from `cpython_process.py`.
fn cpython(scale: f64) -> Vec<(String, f64)> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/cpython_process.py");
    let output = match Command::new("python3").arg(script).arg(scale.to_string()).output() {
        Ok(output) if output.status.success() => output,
        Ok(output) => {
            eprintln!("CPython bench failed: {}", String::from_utf8_lossy(&output.stderr));
            return Vec::new();
        }
        Err(error) => {
            eprintln!("cannot run python3: {error}");
            return Vec::new();
        }
    };
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(' ')?;
            Some((name.to_owned(), value.trim().parse().ok()?))
        })
        .collect()
}

fn format_time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn main() {
    register_entry("noop", noop);
    entry_point();
    let quick = std::env::args().any(|a| a == "--quick");
    let scale = if quick { 0.1 } else { 1.0 };
    let n = |base: f64| ((base * scale) as usize).max(1);
    let rounds = 3;
    let python = cpython(scale);
    let py = |name: &str| python.iter().find(|(n, _)| n == name).map(|&(_, v)| v);

    // (operation, ours, CPython's, whether larger is better)
    let rows = [
        (
            "process start + join (empty target)",
            best(rounds, || start_join(n(200.0))),
            py("start_join"),
            false,
        ),
        (
            "spawn start method: start + join (empty entry; CPython: spawn context)",
            best(rounds, || spawn_start_join(n(50.0))),
            py("spawn_start_join"),
            false,
        ),
        (
            "pipe round trip, small message (send + recv both ways)",
            best(rounds, || round_trips(n(20_000.0))),
            py("round_trip"),
            false,
        ),
        (
            "pipe stream, small messages (per message)",
            best(rounds, || small_stream(n(100_000.0))),
            py("small_stream"),
            false,
        ),
        (
            "Queue stream, small items (per item)",
            best(rounds, || queue_stream(n(100_000.0))),
            py("queue_stream"),
            false,
        ),
        (
            "pipe throughput, 10 MB `send_bytes`/`recv_bytes` (MB/s)",
            -best(rounds, || -big_stream(n(30.0), true)),
            py("big_bytes"),
            true,
        ),
        (
            "pipe throughput, 10 MB objects `send`/`recv` (MB/s; serde `Vec<u8>` vs pickled `bytes`)",
            -best(rounds, || -big_stream(n(30.0), false)),
            py("big_objects"),
            true,
        ),
    ];

    println!("| operation | threading::process | CPython 3.11 multiprocessing (fork) | Rust faster by |");
    println!("| --- | ---: | ---: | ---: |");
    for (operation, ours, theirs, throughput) in rows {
        let show = |v: f64| if throughput { format!("{v:.0}") } else { format_time(v) };
        let (theirs, ratio) = match theirs {
            Some(theirs) if throughput => (show(theirs), format!("{:.2}×", ours / theirs)),
            Some(theirs) => (show(theirs), format!("{:.2}×", theirs / ours)),
            None => ("n/a".to_owned(), "n/a".to_owned()),
        };
        println!("| {operation} | {} | {theirs} | {ratio} |", show(ours));
    }
    println!();
    println!(
        "Times: best of {rounds} runs, per operation (lower is better). Throughputs: MB/s (higher is better)."
    );
    println!("Rust faster by: CPython's time / ours, or our MB/s / CPython's (above 1×: Rust is faster).");
}
