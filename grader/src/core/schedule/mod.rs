//! Who runs next: the controlled scheduler and its strategies, and the OS-chaos perturber.
//!
//! Laid out like shuttle's `scheduler/`: one [`Strategy`] trait, one file per strategy
//! ([`pct`], [`random`], [`replay`]), the [`controller`] that runs threads one at a time on top
//! of `threading`'s scheduling hook and asks the strategy at every synchronisation point, and
//! [`chaos`], which keeps real OS scheduling and only perturbs it. A controlled run leaves a
//! [`Trace`] whose text form replays it exactly.

pub mod chaos;
pub mod controller;
pub mod operation;
pub mod pct;
pub mod random;
pub mod replay;

pub use controller::{Abort, ControlOutcome, Controller, ControllerLimits};
pub use operation::Operation;
pub use replay::{ReplayError, Schedule, ScheduleKind, Step, Trace};

/// What the controller tells a strategy at a decision.
#[derive(Debug, Clone, Copy)]
pub struct ChoicePoint<'a> {
    /// Tasks that may run now, ascending ids, never empty.
    pub candidates: &'a [usize],
    /// The task that was running, if it is still runnable (it reached a point).
    pub current: Option<usize>,
    /// The running task has run too long in a row while others could run: a fair scheduler
    /// must pick another one now (spin loops would otherwise never end).
    pub unfair: bool,
    /// Scheduling points so far in this run.
    pub step: u64,
}

/// A policy for choosing the next task; one instance per run.
pub trait Strategy: Send {
    /// A task was created (ids are dense, in creation order; the harness's main thread is 0).
    fn task_created(&mut self, task: usize) {
        let _ = task;
    }

    /// Picks one of `decision.candidates` (called only when there are at least two).
    fn choose(&mut self, decision: &ChoicePoint<'_>) -> usize;

    /// Anything the report should say about this run's schedule (a replay that diverged).
    fn note(&self) -> Option<String> {
        None
    }
}

/// Candidates without the current task when fairness demands a switch (and another exists).
pub(crate) fn fair_candidates(decision: &ChoicePoint<'_>) -> Vec<usize> {
    match decision.current {
        Some(current) if decision.unfair && decision.candidates.len() > 1 => {
            decision.candidates.iter().copied().filter(|&t| t != current).collect()
        }
        _ => decision.candidates.to_vec(),
    }
}
