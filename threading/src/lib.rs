//! Python's `threading` module in safe, fast Rust, so that a lesson reads the same in both
//! languages.
//!
//! | Python | Rust |
//! | --- | --- |
//! | `t = Thread(target=f, args=(1,)); t.start(); t.join()` | `let t = Thread::new(move \|\| f(1)); t.start()?; t.join()?;` |
//! | `class T(Thread): def run(self): ...` | `impl Run for T { fn run(&mut self) { ... } }`, `Thread::from_run(T { .. })` |
//! | `Thread(name="w", daemon=True)` | `Thread::builder().name("w").daemon(true).target(f)` |
//! | `t.join(timeout=0.1)` | `t.join_timeout(Duration::from_millis(100))?` |
//! | `threading.current_thread().name` | `current_thread().name()` |
//! | `lock = Lock(); with lock: ...` | `let lock = Lock::new(); { let _g = lock.lock(); ... }` |
//! | `self.lock = Lock(); self.value = 0` next to each other | `value: Lock<i32>`, then `*self.value.lock() += 1` |
//! | `lock.acquire(blocking=False)` / `acquire(timeout=1)` | `lock.try_acquire()` / `lock.acquire_timeout(Duration::from_secs(1))` |
//! | `cond = Condition(); with cond: cond.wait_for(pred)` | `let cond = Condition::with_data(state); let mut s = cond.lock(); s.wait_for(\|s\| pred(s));` |
//! | `Semaphore(2)`, `with sem:` | `Semaphore::new(2)`, `let _slot = sem.guard();` |
//! | `event.wait(timeout=1)` | `event.wait_timeout(Duration::from_secs(1))` |
//! | `Barrier(3, action=f).wait()` | `Barrier::with_action(3, f)?.wait()?` |
//! | `mydata = threading.local()` | `let mydata = Local::new(\|\| init())` |
//! | `time.sleep(0.1)` | `threading::sleep(Duration::from_millis(100))` |
//!
//! Python exceptions are typed errors: [`RuntimeError`] (misuse, with Python's message),
//! [`ValueError`], [`BrokenBarrierError`], [`TimeoutError`]. A thread's panic is its uncaught
//! exception: it goes to [`excepthook`], which prints `Exception in thread NAME:`.
//!
//! Shared objects go in an `Arc`, as every Python object is shared by reference; the compiler
//! then refuses to share what is not `Sync`, the data race Python lets through.
//!
//! # Built in for tools
//! * **Interrupts**: every blocking call can be stopped from outside with [`interrupt`] /
//!   [`interrupt_main`]; it unwinds with [`KeyboardInterrupt`] and leaves the primitive consistent.
//! * **Who waits on what**: [`blocked_threads`] and [`report`] say which thread is blocked in
//!   which call on which primitive (created where), and since when.
//! * **Scheduling hook**: every synchronisation point goes through [`schedule`], a no-op by
//!   default, which a test driver can take over to perturb or fully control the interleaving.

#![deny(unsafe_code)]
#![warn(missing_docs)]

#[doc(hidden)]
pub mod agent;
// The runtime core (thread records, waiting, interrupts, the raw lock, the scheduling hook);
// its modules keep their crate-root paths (`crate::registry`, `threading::schedule`).
mod runtime;
pub use runtime::schedule;
use runtime::{interrupt, os, raw_lock, registry, sys, waiter};
mod barrier;
mod condition;
mod current;
mod error;
mod event;
mod excepthook;
pub mod futures;
mod local;
mod lock;
pub mod logging;
#[cfg(feature = "process")]
pub mod process;
pub mod queue;
mod rlock;
mod semaphore;
mod shutdown;
mod sleep;
#[cfg(not(loom))]
pub mod stdlib;
mod thread;
pub mod timeline;
mod timer;
mod trace;

pub use barrier::Barrier;
pub use condition::{Condition, ConditionGuard};
pub use current::{
    TIMEOUT_MAX, active_count, current_thread, enumerate, get_ident, get_native_id, main_thread,
};
pub use error::{BrokenBarrierError, KeyboardInterrupt, RuntimeError, TimeoutError, ValueError};
pub use event::Event;
pub use excepthook::{
    ExceptHook, ExceptHookArgs, excepthook, get_excepthook, reset_excepthook, restore_excepthook,
    set_excepthook,
};
pub use interrupt::{check_interrupt, interrupt, interrupt_main};
pub use local::Local;
pub use lock::{Lock, LockGuard};
pub use registry::{Blocked, BlockedSince, ThreadState, blocked_threads, report};
pub use rlock::{RLock, RLockGuard};
pub use semaphore::{BoundedSemaphore, BoundedSemaphoreGuard, Semaphore, SemaphoreGuard};
pub use shutdown::{ExitGuard, exit_guard, shutdown};
pub use sleep::sleep;
pub use thread::{Builder, Run, Thread, set_stack_size, stack_size};
pub use timer::Timer;
pub use trace::{Traced, trace};
pub use waiter::{Waiter, Wake};
