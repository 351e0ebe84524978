//! Who runs next: the controlled scheduler and its strategies, and the OS-chaos perturber.
//!
//! Laid out like shuttle's `scheduler/`: one [`Strategy`] trait, one file per strategy
//! ([`pct`], [`random`], [`replay`]), the [`controller`] that runs threads one at a time on top
//! of `threading`'s scheduling hook and asks the strategy at every synchronisation point, and
//! [`chaos`], which keeps real OS scheduling and only perturbs it. A controlled run leaves a
//! [`Trace`] whose text form replays it exactly.

pub mod chaos;
pub mod controller;
pub mod pct;
pub mod random;
pub mod replay;

pub use controller::{Abort, ControlOutcome, Controller, ControllerLimits};
pub use replay::{ReplayError, Schedule, ScheduleKind, Step, Trace};
/// The operation at a synchronisation point: `threading`'s own type, which the grader matches
/// on (it reports [`Operation::Print`] itself, for its harness's print callbacks).
pub use threading::schedule::Operation;

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

    /// Whether the running task's wait (a `Condvar` wait or `thread::park`, which `std` allows
    /// to end without a notification) ends spuriously now: `None` if this run never injects
    /// one (the default), else the decision, which the controller records in the trace (every
    /// decision, `false` ones too, so a replay gives each wait its own answer).
    fn spurious_wakeup(&mut self, step: u64) -> Option<bool> {
        let _ = step;
        None
    }

    /// Anything the report should say about this run's schedule (a replay that diverged).
    fn note(&self) -> Option<String> {
        None
    }
}

/// How often a seeded strategy makes a wait end spuriously: on half of the runs (the run's
/// seed decides), each wait with a chance of one in [`SPURIOUS_ONE_IN`]. Rare enough that a
/// correct `while` loop around the wait costs a few extra steps, frequent enough that an `if`
/// in its place meets a spurious wake-up in most of those runs.
pub const SPURIOUS_ONE_IN: u32 = 4;

/// The spurious wake-ups of one seeded run: an rng of their own (the strategy's choices are
/// the same with or without them), and no wake-up at all on half of the runs.
#[derive(Debug)]
pub struct Spurious(Option<fastrand::Rng>);

impl Spurious {
    /// The spurious wake-ups of a run whose strategy is seeded with `seed`.
    ///
    /// ```
    /// use threadlab_grader::core::schedule::Spurious;
    /// let waits = |seed| { let mut s = Spurious::new(seed); (0..32).map(|_| s.wake()).collect::<Vec<_>>() };
    /// let on: Vec<bool> = (0..64).map(|seed| waits(seed).contains(&Some(true))).collect();
    /// assert!(on.contains(&true) && on.contains(&false)); // some runs have them, some do not
    /// assert!((0..64).any(|seed| waits(seed).iter().all(Option::is_none)));
    /// assert_eq!(waits(7), waits(7));
    /// ```
    pub fn new(seed: u64) -> Spurious {
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x5_9B10_05E5);
        Spurious(rng.bool().then_some(rng))
    }

    /// Whether the next wait ends spuriously (`None` on a run without spurious wake-ups).
    pub fn wake(&mut self) -> Option<bool> {
        self.0.as_mut().map(|rng| rng.u32(0..SPURIOUS_ONE_IN) == 0)
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
