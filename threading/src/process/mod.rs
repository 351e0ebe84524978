//! Python's `multiprocessing` basics: [`Process`], [`pipe`] and [`Connection`], [`Queue`],
//! [`cpu_count`], [`current_process`], [`active_children`], [`parent_process`].
//!
//! | Python | Rust |
//! | --- | --- |
//! | `p = mp.Process(target=countdown, args=(5,)); p.start()` | `let p = Process::new(\|\| countdown(5)); p.start()?;` |
//! | `class P(mp.Process): def run(self): ...` | `impl Run for P { fn run(&mut self) { ... } }`, `Process::from_run(P { .. })` |
//! | `mp.Process(target=f, name="w", daemon=True)` | `Process::builder().name("w").daemon(true).target(f)` |
//! | `p.join()`, `p.join(timeout=1)` | `p.join()?`, `p.join_timeout(Duration::from_secs(1))?` |
//! | `p.name, p.pid, p.daemon, p.exitcode` | `p.name(), p.pid(), p.daemon(), p.exitcode()` |
//! | `p.terminate()`, `p.kill()`, `p.is_alive()` | `p.terminate()?`, `p.kill()?`, `p.is_alive()` |
//! | `parent_conn, child_conn = mp.Pipe()` | `let (parent_conn, child_conn) = pipe(true)?;` |
//! | `conn.send(obj)`, `conn.recv()` | `conn.send(&obj)?`, `conn.recv::<T>()?` |
//! | `conn.poll(0.1)`, `conn.close()` | `conn.poll_timeout(Duration::from_millis(100))?`, `conn.close()` |
//! | `q = mp.Queue(); q.put(x); q.get()` | `let q = Queue::new()?; q.put(&x)?; q.get()?` |
//! | `mp.cpu_count()`, `mp.current_process().name` | `cpu_count()`, `current_process().name()` |
//! | `mp.active_children()`, `mp.parent_process()` | `active_children()`, `parent_process()` |
//!
//! ```
//! use threading::process::{Process, pipe};
//!
//! // Seed 000's ponger: "there is a socket under the hood!"
//! fn ponger(conn: threading::process::Connection) {
//!     conn.send("pong").unwrap();
//! }
//! let (parent_conn, child_conn) = pipe(true).unwrap();
//! let p = Process::new(move || ponger(child_conn));
//! p.start().unwrap();
//! assert_eq!(parent_conn.recv::<String>().unwrap(), "pong");
//! p.join().unwrap();
//! ```
//!
//! Messages are any [`serde`] value (`#[derive(Serialize, Deserialize)]`), encoded with
//! `postcard`. The crate re-exports `serde` for programs (and notebook cells) that do not
//! depend on it themselves:
//!
//! ```
//! use threading::process::serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! #[serde(crate = "threading::process::serde")]
//! struct Job {
//!     id: u32,
//!     words: Vec<String>,
//! }
//!
//! let (a, b) = threading::process::pipe(true).unwrap();
//! a.send(&Job { id: 7, words: vec!["hello".into()] }).unwrap();
//! assert_eq!(b.recv::<Job>().unwrap(), Job { id: 7, words: vec!["hello".into()] });
//! ```
//!
//! For bulk bytes prefer [`Connection::send_bytes`] / [`Connection::recv_bytes`] (a copy into
//! the socket), or `serde_bytes`: serde encodes a `Vec<u8>` one element at a time.
//!
//! # Start method: fork
//!
//! A child runs a *closure*, and a closure cannot be sent to a freshly executed program, so
//! processes start the way Python's default start method on Linux does: **`fork`**. The child
//! is a copy of the parent at the moment of [`Process::start`]: its memory (the closure and
//! everything it captured, every variable, every heap object), its open files (pipes, queues,
//! stdout and stderr), but only **the thread that called `start`**.
//!
//! Forking a program that runs other threads is where the danger lies: a lock another thread
//! held at that moment stays locked forever in the child, and data it was changing stays half
//! changed. This module protects what it controls (see `start.rs` for the protocol):
//!
//! * Rust's stdout and stderr locks, this crate's thread registry and this module's own state
//!   are locked by the forking thread across the fork, so the child gets them unlocked and
//!   consistent; stdout is flushed first, so buffered output is not printed twice.
//! * glibc makes `malloc` fork-safe by itself; so do jemalloc and mimalloc.
//! * In the child the forking thread becomes the main thread (as in Python), keeping its
//!   name: [`enumerate`](crate::enumerate) lists only it, it is not a daemon (so threads the
//!   child starts are joined before it exits), no interrupt is pending, an installed
//!   [scheduler](crate::schedule) is switched off, [`current_process`] is the new process, its
//!   [`active_children`] is empty and new processes are named `Process-1:1`, `Process-1:2`, ...
//! * The child ends with `_exit` once the target returns (after joining the threads it
//!   started, as [`shutdown`](crate::shutdown) does): the parent's `atexit` handlers and
//!   destructors never run twice, and the child never returns into the parent's code. A
//!   panic prints `Process NAME:` and the panic on stderr and gives exit code 1, like an
//!   uncaught exception in Python; `std::process::exit(n)` gives `n`.
//!
//! What it cannot protect, as in Python: a lock *of your program* (a
//! [`Lock`](crate::Lock), a `std::sync::Mutex`) that another thread held at the fork is held
//! forever in the child, and other libraries' internal locks likewise (std's environment lock
//! if another thread was inside `std::env::var`, a logger's lock held mid-write). One of them
//! matters more in Rust than in Python: std's thread-bookkeeping lock (for stack-overflow
//! reports), which every thread takes for an instant when it starts and when it ends. If some
//! thread of the parent was starting or ending at the moment of the fork, **a thread started
//! in the child hangs** before running. The child itself runs fine as long as it does not
//! touch what was locked, and this module starts no thread of its own in the child (nor in the
//! parent). So: start processes before starting threads that hold locks for long, don't
//! start them while other threads are being started or are ending, or let the child do its
//! work without threads (processes are the unit of parallelism there).
//!
//! # The other start method: spawn
//!
//! Python's `spawn` starts a fresh interpreter that imports the target by name. Programs
//! (not notebook cells) can do the same: register plain functions `fn(Connection)` by name
//! with [`register_entry`], call [`entry_point`] first thing in `main`, and start
//! [`Process::entry`]`("name")`. The child is a fresh run of the program's executable that
//! calls the entry with a [`Connection`] to its parent; none of the fork hazards apply.
//!
//! ```no_run
//! use threading::process::{Connection, Process, entry_point, register_entry};
//!
//! fn square(conn: Connection) {
//!     let n: u64 = conn.recv().unwrap();
//!     conn.send(&(n * n)).unwrap();
//! }
//!
//! fn main() {
//!     register_entry("square", square);
//!     entry_point(); // in a spawned child: runs the entry, then exits
//!
//!     let (p, conn) = Process::entry("square").unwrap();
//!     p.start().unwrap();
//!     conn.send(&12u64).unwrap();
//!     assert_eq!(conn.recv::<u64>().unwrap(), 144);
//!     p.join().unwrap();
//! }
//! ```
//!
//! The child runs `main` from the top until `entry_point` (Python's `if __name__ ==
//! "__main__":` guard has the same job) with the same arguments, and shares nothing with the
//! parent but its connection. In the notebook kernel the program is the kernel's runtime,
//! which does not call `entry_point`: starting such a process is refused there.
//!
//! # In the Jupyter kernel
//!
//! Notebook cells run in evcxr's runtime process, which loads each cell as a shared library
//! and runs it on its main thread. `start` forks that process; the child inherits its stdout
//! and stderr, which the kernel reads, so **the child's output reaches the notebook** (lines
//! printed after the cell has ended show with the next cell, as for threads). The child ends
//! with `_exit` and so never writes evcxr's end-of-cell line or runs anything of the
//! runtime's. Daemon children forked from a cell's main thread die with the runtime (a
//! restart or an interrupt kills it) through `PR_SET_PDEATHSIG`; from other threads a small
//! watcher thread in the child does the same. Non-daemon children outlive a killed runtime.
//!
//! # Program exit
//!
//! Python terminates daemon processes and joins the others when the program ends. A Rust
//! program does that when it calls [`shutdown`](crate::shutdown) or holds an
//! [`exit_guard`](crate::exit_guard): after joining non-daemon threads, it sends `SIGTERM` to
//! daemon children and waits for all children. Without it children are left running. A daemon
//! child also receives `SIGTERM` if its parent process dies without calling `shutdown`.
//!
//! # Differences from Python
//! * The start method is chosen per process (a closure: fork; a registered entry: spawn), not
//!   with `set_start_method`; no `forkserver`. No `Pool`, `Manager`, shared `Value`/`Array`,
//!   `Lock` across processes or `close()`.
//! * Messages are typed serde values, not pickles: the receiver names the type.
//! * Waits (`join`, `send`, `recv`, `poll`, `Queue::put`/`get`) are interruptible with
//!   [`interrupt`](crate::interrupt) and show in [`report`](crate::report). They sleep in the
//!   kernel in slices of 50 ms (a pidfd for `join`, the socket for messages, a futex for the
//!   queue's locks), so an interrupt is noticed within 50 ms and no helper thread is needed.
//! * As in Python, an ended child is reaped when someone looks at it: `join`, `is_alive`,
//!   `exitcode`, `Display`, [`active_children`], or the next `start`.
//! * Linux only.

mod connection;
mod error;
mod frame;
#[allow(clippy::module_inception)]
mod process;
mod queue;
mod shm;
mod spawn;
mod start;
mod sys;
mod world;

pub use connection::{Connection, pipe};
pub use error::{ConnectionError, ProcessError, QueueError};
pub use process::{Builder, Process};
pub use queue::Queue;
/// The serde crate messages are encoded with, for `#[serde(crate = "threading::process::serde")]`.
pub use serde;
pub use spawn::{entry_point, register_entry};

/// The number of CPUs the system has online (Python's `multiprocessing.cpu_count()`, which is
/// `os.cpu_count()`). This counts every CPU, not only those the process may run on; for that,
/// see [`std::thread::available_parallelism`].
///
/// ```
/// assert!(threading::process::cpu_count() >= 1);
/// ```
pub fn cpu_count() -> usize {
    sys::online_cpus().unwrap_or(1)
}

/// The calling process (Python's `multiprocessing.current_process()`): `MainProcess` in the
/// program's first process, the [`Process`] being run in a child.
///
/// ```
/// use threading::process::{Process, current_process, pipe};
/// assert_eq!(current_process().to_string(), "<_MainProcess name='MainProcess' parent=None started>");
/// let (reader, writer) = pipe(false).unwrap();
/// let p = Process::builder().name("worker").target(move || writer.send(&current_process().name()).unwrap());
/// p.start().unwrap();
/// assert_eq!(reader.recv::<String>().unwrap(), "worker");
/// p.join().unwrap();
/// ```
pub fn current_process() -> Process {
    world::current()
}

/// The process that started the calling one, or `None` in the program's first process
/// (Python's `multiprocessing.parent_process()`).
///
/// ```
/// use threading::process::{Process, parent_process, pipe};
/// assert!(parent_process().is_none());
/// let (reader, writer) = pipe(false).unwrap();
/// let p = Process::new(move || {
///     let parent = parent_process().unwrap();
///     writer.send(&(parent.name(), parent.pid(), parent.is_alive())).unwrap();
/// });
/// p.start().unwrap();
/// let seen: (String, Option<u32>, bool) = reader.recv().unwrap();
/// assert_eq!(seen, ("MainProcess".to_string(), Some(std::process::id()), true));
/// p.join().unwrap();
/// ```
pub fn parent_process() -> Option<Process> {
    world::parent()
}

/// The children of the calling process that are still running (Python's
/// `multiprocessing.active_children()`); children that ended are forgotten.
///
/// ```
/// use std::time::Duration;
/// let p = threading::process::Process::new(|| threading::sleep(Duration::from_secs(10)));
/// p.start().unwrap();
/// assert!(threading::process::active_children().contains(&p));
/// p.kill().unwrap();
/// p.join().unwrap();
/// assert!(!threading::process::active_children().contains(&p));
/// ```
pub fn active_children() -> Vec<Process> {
    world::active_children()
}

/// Terminates daemon children and joins every child; called by [`shutdown`](crate::shutdown).
pub(crate) fn at_exit() {
    world::at_exit();
}
