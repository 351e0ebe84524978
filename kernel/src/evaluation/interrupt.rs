//! The notebook's interrupt button.
//!
//! A cell blocked in a `threading` wait, join or sleep is interrupted by the agent
//! (`threading::interrupt_main`): it unwinds with `KeyboardInterrupt`, evcxr catches that, and the
//! variables stay. A cell that does not reach such a call within the grace period (a busy loop, a
//! `std` mutex, blocking I/O) is stopped by killing the process that runs cells, which evcxr then
//! restarts: the variables are lost, and the error says so. While the cell is still compiling the
//! grace period does not run out: the interrupt waits for the code to start.

use super::agent::AgentLink;
use std::process::Child;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long a cell has to reach an interruptible call before its process is killed.
pub const GRACE: Duration = Duration::from_millis(2500);

/// What happened to an interrupted cell.
#[derive(Debug, Default, Clone)]
pub struct Interruption {
    /// The user asked for an interrupt while the cell ran.
    pub requested: bool,
    /// The agent's report of blocked threads, taken at the interrupt.
    pub report: Option<String>,
    /// The process running cells was killed.
    pub killed: bool,
}

#[derive(Default)]
struct State {
    running: Option<u64>,
    /// The running cell is a program cell: it stops itself when asked.
    program: bool,
    /// An interrupt asked the agent for its report and the answer has not come back: the cell
    /// may end first (the agent interrupts the main thread right after writing the report, and
    /// the two travel on different pipes), so `end` waits for it.
    awaiting_report: bool,
    interruption: Interruption,
}

/// Shared between the engine (which runs cells) and the control channel (which interrupts them).
pub struct Interrupter {
    agent: Arc<AgentLink>,
    state: Mutex<State>,
    ended: Condvar,
    process: Mutex<Option<Arc<Mutex<Child>>>>,
    grace: Duration,
}

impl Interrupter {
    /// An interrupter using `agent`, killing after `grace`.
    pub fn new(agent: Arc<AgentLink>, grace: Duration) -> Arc<Interrupter> {
        Arc::new(Interrupter {
            agent,
            state: Mutex::new(State::default()),
            ended: Condvar::new(),
            process: Mutex::new(None),
            grace,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Gives the handle of the process that runs cells (valid across evcxr's restarts).
    pub fn set_process(&self, process: Arc<Mutex<Child>>) {
        *self.process.lock().unwrap_or_else(|e| e.into_inner()) = Some(process);
    }

    /// Cell `id` starts.
    pub fn begin(&self, id: u64) {
        let mut state = self.lock();
        state.running = Some(id);
        state.program = false;
        state.awaiting_report = false;
        state.interruption = Interruption::default();
    }

    /// Program cell `id` starts: an interrupt only marks it, and the cell kills its program.
    pub fn begin_program(&self, id: u64) {
        self.begin(id);
        self.lock().program = true;
    }

    /// The running cell ended; what happened to it.
    pub fn end(&self) -> Interruption {
        let mut state = self.lock();
        let deadline = Instant::now() + self.grace;
        while state.awaiting_report {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = self.ended.wait_timeout(state, left).unwrap_or_else(|e| e.into_inner()).0;
        }
        state.awaiting_report = false;
        state.running = None;
        let interruption = std::mem::take(&mut state.interruption);
        drop(state);
        self.ended.notify_all();
        interruption
    }

    /// Whether the running cell was asked to stop (to end a wait for input).
    pub fn requested(&self) -> bool {
        self.lock().interruption.requested
    }

    /// Interrupts the running cell, if any; returns at once (the rest happens on a thread).
    pub fn interrupt(self: &Arc<Self>) {
        let mut state = self.lock();
        let Some(cell) = state.running else { return };
        let again = state.interruption.requested;
        state.interruption.requested = true;
        if state.program {
            return;
        }
        if again || self.agent.connected().is_none() {
            // A second press, or nothing to ask: stop it now.
            drop(state);
            self.kill(cell);
            return;
        }
        state.awaiting_report = true;
        drop(state);
        let this = Arc::clone(self);
        let _ =
            std::thread::Builder::new().name("threadlab-interrupt".into()).spawn(move || this.watch(cell));
    }

    fn watch(&self, cell: u64) {
        let pressed = Instant::now();
        // The grace period bounds the wait: on a loaded machine the agent's answer can take
        // longer than a second, and without it the error would not say who was blocked.
        let report = self.agent.interrupt(self.grace);
        let mut state = self.lock();
        if state.awaiting_report && state.running == Some(cell) {
            state.awaiting_report = false;
            state.interruption.report = report;
            self.ended.notify_all();
        }
        if state.running != Some(cell) {
            return;
        }
        let mut deadline = pressed + self.grace;
        loop {
            if state.running != Some(cell) {
                return;
            }
            let now = Instant::now();
            if now >= deadline {
                if compiling() {
                    deadline = now + self.grace;
                } else {
                    drop(state);
                    self.kill(cell);
                    return;
                }
            }
            let wait = deadline.saturating_duration_since(now).min(Duration::from_millis(100));
            state = self.ended.wait_timeout(state, wait).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Kills the process that runs cells (at shutdown).
    pub fn kill_process(&self) {
        if let Some(process) = self.process.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            let mut process = process.lock().unwrap_or_else(|e| e.into_inner());
            let _ = process.kill();
            let _ = process.wait();
        }
    }

    fn kill(&self, cell: u64) {
        let mut state = self.lock();
        if state.running != Some(cell) {
            return;
        }
        state.interruption.killed = true;
        drop(state);
        if let Some(process) = self.process.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            let _ = process.lock().unwrap_or_else(|e| e.into_inner()).kill();
        }
    }
}

/// Whether the kernel is compiling a cell (evcxr runs cargo as the kernel's child).
fn compiling() -> bool {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else { return false };
    entries.flatten().any(|entry| {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { return false };
        // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        let Some((comm, rest)) = stat.rsplit_once(')') else { return false };
        let ppid = rest.split_whitespace().nth(1);
        let comm = comm.rsplit_once('(').map(|(_, c)| c).unwrap_or("");
        ppid == Some(me.as_str()) && matches!(comm, "cargo" | "mold" | "rustc")
    })
}
