//! `std::sync`, `std::thread` and `std::hint::spin_loop` with `std`'s API and semantics, but
//! controlled: every operation is a [synchronisation point](crate::schedule), every blocked
//! thread parks through the crate's waiting machinery, and every spawned thread is known to the
//! installed scheduler. Code written against `std` runs unchanged on these types once its paths
//! are rewritten (`std::sync::Mutex` → `threading::stdlib::sync::Mutex`, `std::thread::spawn` →
//! `threading::stdlib::thread::spawn`), so a controlled scheduler (the grader's PCT and random
//! walks) finds its interleaving bugs as it does for code written on [`threading`](crate)'s
//! own primitives: a lost wake-up becomes a deadlock that a schedule reaches and reports, and
//! a replayed schedule replays exactly.
//!
//! ```
//! use threading::stdlib::sync::{Arc, Condvar, Mutex};
//! use threading::stdlib::thread;
//!
//! let pair = Arc::new((Mutex::new(false), Condvar::new()));
//! let pair2 = Arc::clone(&pair);
//! let t = thread::spawn(move || {
//!     let (lock, cvar) = &*pair2;
//!     *lock.lock().unwrap() = true;
//!     cvar.notify_one();
//! });
//! let (lock, cvar) = &*pair;
//! let _started = cvar.wait_while(lock.lock().unwrap(), |started| !*started).unwrap();
//! t.join().unwrap();
//! ```
//!
//! With no scheduler installed the types behave as `std`'s do; the hook costs one relaxed load
//! per operation. Uncontended, atomics cost what `std`'s do, a channel send + receive a little
//! less (31 ns against 40 ns), a `Mutex` lock + unlock 22 ns against `std`'s 9 ns (the data
//! sits behind a second, never contended lock: without `unsafe` there is no cheaper cell) and a
//! `RwLock` read 45 ns against 10 ns.
//!
//! # Path mapping
//! Every `std::` path can be rewritten to `threading::stdlib::` (grouped imports included):
//! everything this module does not control is `std`'s own, re-exported.
//!
//! (It is not named `threading::std`: a module named `std` at the crate root would make
//! `use threading::*;` followed by `use std::...` an ambiguity error in the user's code.)
//!
//! | `std` | here |
//! | --- | --- |
//! | `std::sync::*` (`Mutex`, `RwLock`, `Condvar`, `Barrier`, `Once`, `OnceLock`, `LazyLock`, `Arc`, ...) | [`threading::stdlib::sync::*`](sync) |
//! | `std::sync::mpsc::*` | [`threading::stdlib::sync::mpsc::*`](sync::mpsc) |
//! | `std::sync::atomic::*` | [`threading::stdlib::sync::atomic::*`](sync::atomic) |
//! | `std::thread::*` | [`threading::stdlib::thread::*`](thread) |
//! | `std::hint::spin_loop` | [`threading::stdlib::hint::spin_loop`](hint::spin_loop) |
//! | anything else (`std::collections::HashMap`, `std::time::Duration`, ...) | `std`'s own, re-exported |
//!
//! # Differences from std
//! * **Spurious wake-ups are real.** `std` allows [`Condvar`](sync::Condvar) waits and
//!   [`thread::park`] to return without a notification; here an installed
//!   scheduler decides when they do ([`Scheduler::spurious_wakeup`](crate::schedule::Scheduler::spurious_wakeup)),
//!   so code that waits under an `if` instead of a `while` can be caught. With no scheduler
//!   installed no wake-up is injected.
//! * **Interrupts.** Every blocking call can be ended by [`interrupt`](crate::interrupt), which
//!   unwinds with [`KeyboardInterrupt`](crate::KeyboardInterrupt) (a panic, so a `Mutex`
//!   held across it is poisoned as by any panic); `std`'s blocking calls cannot be interrupted.
//! * **Spawned threads are `threading` threads underneath**: they appear in
//!   [`enumerate`](crate::enumerate) (named `Thread-N` there unless given a name), in
//!   [`report`](crate::report) when blocked, and to the scheduler. Their [`thread::Thread`]
//!   handle is this module's, not `std::thread::Thread` (the [`ThreadId`](thread::ThreadId) is
//!   `std`'s own).
//! * [`WaitTimeoutResult`](sync::WaitTimeoutResult), [`BarrierWaitResult`](sync::BarrierWaitResult)
//!   and [`OnceState`](sync::OnceState) are this module's types (`std`'s cannot be built outside
//!   `std`); the error types ([`PoisonError`](sync::PoisonError), [`TryLockError`](sync::TryLockError),
//!   the `mpsc` errors) and [`Arc`](sync::Arc)/[`Weak`](sync::Weak) are `std`'s own, re-exported.
//! * Atomics are a word wider than `std`'s (they remember where they were created, for the
//!   scheduler) and every access is a point; memory orderings are `std`'s (no weak-memory
//!   simulation: a `Relaxed` load returns the latest value).
//! * [`thread::current`] on a thread this module did not spawn (the main thread, a
//!   [`threading::Thread`](crate::Thread)) makes that thread's handle on first use, named as the
//!   OS thread is. Park tokens are this module's: [`Thread::unpark`](thread::Thread::unpark)
//!   pairs with [`thread::park`], not with `std::thread::park`.
//! * [`RwLock`](sync::RwLock) prefers writers: a reader waits while a writer waits (`std` leaves
//!   the policy to the platform; its Linux implementation also keeps readers out).
//! * Messages still queued when a [`Receiver`](sync::mpsc::Receiver) is dropped are dropped then
//!   (`std` drops them when the last handle goes).
//! * Each [`thread::scope`] call keeps a few dozen bytes alive for the rest of the process (the
//!   scope object spawned closures may borrow, kept without `unsafe`).
//! * What this module does not redefine passes through from `std` **uncontrolled**: deprecated
//!   functions (`thread::sleep_ms`, `thread::park_timeout_ms`, the `ATOMIC_*_INIT` constants),
//!   `thread_local!`/[`LocalKey`](thread::LocalKey), and on nightly the unstable items (`mpmc`,
//!   `Exclusive`, `ReentrantLock`, `thread::sleep_until`, ...); unstable methods of the types
//!   here (guard mapping, `Receiver::recv_deadline`, ...) do not exist.

// Everything else in `std` passes through unchanged, so a submission's `std::` paths can all be
// rewritten to `threading::stdlib::` (this module's own `sync`, `thread` and `hint` shadow std's).
pub use ::std::*;

pub mod hint;
pub mod sync;
pub mod thread;
mod wait;
