//! Starting a process with `fork`: what the parent holds across the call, what the child
//! resets, and how the child ends.
//!
//! The protocol (what `pthread_atfork` handlers would do, done by the one caller of `fork`):
//!
//! 1. **Prepare** (parent): flush and lock Rust's stdout and stderr, then lock this module's
//!    world and the thread registry. Other threads can then be in none of these critical
//!    sections at the moment of the fork, so the child inherits them unlocked and consistent.
//!    Stdout and stderr come first because code printing under their lock (a `Display`
//!    impl) may reach the registry, never the other way round.
//! 2. **Fork.** glibc's own `fork` handlers make `malloc` safe to use in the child.
//! 3. **Parent**: records the child (with a pidfd to learn of its exit), releases the locks,
//!    and drops the target (the parent's copy of what it captured).
//! 4. **Child**: the forking thread is the only thread left; it becomes the main thread
//!    (Python's `threading._after_fork`), the scheduling hook is switched off, the world is
//!    reset to "I am this process, started by that one", and the locks are released. Stdin is
//!    pointed at `/dev/null`, as Python does (in the notebook kernel the runtime's stdin
//!    carries evcxr's commands), and the target runs. Then, as Python's
//!    `BaseProcess._bootstrap`, non-daemon threads started in the child are joined and its own
//!    children reaped ([`shutdown`](crate::shutdown)), stdout and stderr are flushed, and the
//!    child ends with `_exit`: the parent's `atexit` handlers and destructors never run twice,
//!    and nothing returns into the parent's code (in the Jupyter kernel, evcxr's command loop).

use super::error::ProcessError;
use super::process::Process;
use super::sys::{self, Forked};
use super::world;
use crate::error::{KeyboardInterrupt, panic_message};
use crate::{excepthook, registry, schedule};
use std::any::Any;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

/// Forks a child that runs `target` as `process`; returns in the parent once the child exists.
pub(crate) fn fork(process: &Process, target: Box<dyn FnOnce() + Send>) -> Result<(), ProcessError> {
    excepthook::install_capture();
    world::reap_finished_children();
    let from_main_thread = crate::os::is_process_main_thread();
    let parent_pid = sys::getpid();

    // 1. Prepare.
    let mut stdout = io::stdout().lock();
    let _ = stdout.flush();
    let mut stderr = io::stderr().lock();
    let _ = stderr.flush();
    let mut world = world::lock();
    let parent_name = world.current_name();
    let identity = world::Identity::of(process);
    let registry = registry::lock_for_fork();

    // 2. Fork. SAFETY: the locks the child relies on are held by this thread (step 1), and the
    // child only runs the target and this crate's code before `_exit`.
    #[allow(unsafe_code)]
    let forked = unsafe { sys::fork() };
    match forked {
        Err(source) => {
            drop((registry, world, stderr, stdout));
            Err(ProcessError::Os { operation: "fork", source })
        }
        // 3. Parent.
        Ok(Forked::Parent(pid)) => {
            {
                let mut state = process.inner.state.lock();
                state.pid = Some(pid);
                // The child is not reaped before we look, so the pid still names it.
                state.pidfd = sys::pidfd_open(pid).ok().map(Arc::new);
            }
            world.add_child(process.clone());
            drop((registry, world, stderr, stdout));
            drop(target);
            Ok(())
        }
        // 4. Child.
        Ok(Forked::Child) => {
            registry.reset_in_child();
            schedule::disable_after_fork();
            world.become_child(&identity, parent_name, parent_pid);
            drop((world, stderr, stdout));
            run_child(identity.daemon, target, from_main_thread, parent_pid)
        }
    }
}

/// The child's whole life once it knows who it is: the target, then Python's epilogue.
pub(crate) fn run_child(
    daemon: bool,
    target: Box<dyn FnOnce() + Send>,
    from_main_thread: bool,
    parent_pid: u32,
) -> ! {
    excepthook::install_capture();
    if let Err(error) = sys::stdin_from_dev_null() {
        log::debug!("child process keeps its parent's stdin: {error}");
    }
    if daemon {
        watch_parent(from_main_thread, parent_pid);
    }
    let name = world::current().name();
    let (outcome, location) = excepthook::capturing(|| std::panic::catch_unwind(AssertUnwindSafe(target)));
    let mut exitcode = 0;
    if let Err(payload) = outcome {
        report(&name, payload.as_ref(), location);
        exitcode = 1;
    }
    if let Err(payload) = std::panic::catch_unwind(crate::shutdown) {
        report(&name, payload.as_ref(), None);
        exitcode = 1;
    }
    let _ = io::stdout().flush();
    let _ = io::stderr().flush();
    sys::exit_now(exitcode)
}

/// The child's uncaught panic, as Python prints a child's uncaught exception:
/// `Process Process-1:` and then the panic.
fn report(name: &str, payload: &(dyn Any + Send), location: Option<String>) {
    let mut text = format!("Process {name}:\n");
    if payload.downcast_ref::<KeyboardInterrupt>().is_some() {
        text.push_str("KeyboardInterrupt");
    } else {
        match location {
            Some(location) => text.push_str(&format!("panicked at {location}:\n")),
            None => text.push_str("panicked:\n"),
        }
        text.push_str(&panic_message(payload));
    }
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// Makes a daemon child end with `SIGTERM` when its parent process dies, even without
/// [`shutdown`](crate::shutdown) (a crash, `kill -9`, the kernel restarting).
///
/// `PR_SET_PDEATHSIG` fires when the *thread* that forked ends, so it is used only when that
/// thread was the parent's main thread. Otherwise a watcher process does the job: a fork of
/// this (still single-threaded) child, which waits on a pidfd of the parent, sends `SIGTERM`
/// to the child when the parent exits, and dies with the child (its own death signal, armed
/// from this child's main thread). A thread would do too, but starting a thread in a forked
/// child can hang (see the module docs), and this must never hang.
fn watch_parent(from_main_thread: bool, parent_pid: u32) {
    if from_main_thread && sys::set_parent_death_signal(libc::SIGTERM).is_ok() {
        if sys::getppid() != parent_pid {
            // The parent died before the death signal was armed.
            let _ = sys::send_signal(sys::getpid(), libc::SIGTERM);
        }
        return;
    }
    let pidfd = match sys::pidfd_open(parent_pid) {
        Ok(pidfd) => pidfd,
        Err(error) => {
            log::debug!("daemon process cannot watch its parent (pidfd_open: {error})");
            return;
        }
    };
    let me = sys::getpid();
    if sys::getppid() != parent_pid {
        // The parent is gone already (and its pid may name another process now).
        let _ = sys::send_signal(me, libc::SIGTERM);
        return;
    }
    // SAFETY: this child runs one thread (the fork happened moments ago and no code of the
    // user's has run yet); the watcher only makes system calls before `_exit`.
    #[allow(unsafe_code)]
    let forked = unsafe { sys::fork() };
    match forked {
        Ok(Forked::Child) => {
            // Hold nothing but the pidfd: a copy of a pipe's end here would keep the other
            // end from seeing the daemon close it.
            sys::close_all_descriptors_but(pidfd.as_raw_fd());
            if sys::set_parent_death_signal(libc::SIGKILL).is_err() || sys::getppid() != me {
                sys::exit_now(0);
            }
            while !sys::poll_readable(pidfd.as_fd(), None).unwrap_or(true) {}
            let _ = sys::send_signal(me, libc::SIGTERM);
            sys::exit_now(0)
        }
        Ok(Forked::Parent(_)) => {}
        Err(error) => log::debug!("daemon process cannot watch its parent (fork: {error})"),
    }
}

// No helper thread is started, in the parent or in the child: a thread that starts or ends
// at the moment another thread forks leaves std's own thread-bookkeeping lock held in the
// child. Children are reaped by whoever looks at them (`join`, `is_alive`, `exitcode`,
// `active_children`, the next `start`), as in Python.
