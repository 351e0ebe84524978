//! PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
//! ASPLOS 2010).
//!
//! Every task gets a random priority and the highest-priority runnable task always runs; at
//! `depth - 1` random steps the running task drops to a low priority. One run finds a bug of
//! depth `d` among `n` tasks and `k` steps with probability at least `1 / (n * k^(d-1))`;
//! ordering bugs such as those of the lessons' exercises have depth 1 or 2.

use super::{ChoicePoint, Spurious, Strategy, fair_candidates};

/// The PCT strategy for one run.
///
/// ```
/// use threadlab_grader::core::schedule::{ChoicePoint, Strategy, pct::Pct};
/// let mut pct = Pct::new(1, 1, 20); // depth 1: no change points
/// for task in 0..3 { pct.task_created(task); }
/// let first = pct.choose(&ChoicePoint { candidates: &[0, 1, 2], current: Some(0), unfair: false, step: 0 });
/// // Without a change point, the same highest-priority task keeps running.
/// let again = pct.choose(&ChoicePoint { candidates: &[0, 1, 2], current: Some(first), unfair: false, step: 30 });
/// assert_eq!(first, again);
/// ```
#[derive(Debug)]
pub struct Pct {
    rng: fastrand::Rng,
    depth: usize,
    priorities: Vec<i64>,
    change_points: Vec<u64>,
    next_change: usize,
    /// The next "lowest" priority handed to a task deprioritised for fairness.
    floor: i64,
    spurious: Spurious,
}

impl Pct {
    /// PCT with bug depth `depth` (≥ 1) over an expected `horizon` of scheduling steps.
    pub fn new(seed: u64, depth: usize, horizon: u64) -> Self {
        let mut rng = fastrand::Rng::with_seed(seed);
        let depth = depth.max(1);
        let mut change_points: Vec<u64> = (1..depth).map(|_| rng.u64(0..horizon.max(1))).collect();
        change_points.sort_unstable();
        Pct {
            rng,
            depth,
            priorities: Vec::new(),
            change_points,
            next_change: 0,
            floor: 0,
            spurious: Spurious::new(seed),
        }
    }

    fn priority(&self, task: usize) -> i64 {
        self.priorities.get(task).copied().unwrap_or(i64::MIN)
    }
}

impl Strategy for Pct {
    fn task_created(&mut self, task: usize) {
        if self.priorities.len() <= task {
            self.priorities.resize(task + 1, i64::MIN);
        }
        // Above every change-point priority (1..depth), in random order among tasks.
        self.priorities[task] = self.depth as i64 + 1 + self.rng.i64(0..1 << 40);
    }

    fn choose(&mut self, decision: &ChoicePoint<'_>) -> usize {
        if let Some(current) = decision.current {
            if self.priorities.len() <= current {
                self.task_created(current);
            }
            // A change point that fell on a forced step (one candidate) applies at the next
            // decision: the j-th one gives priority depth - 1 - j, below every initial one.
            while self.next_change < self.change_points.len()
                && self.change_points[self.next_change] <= decision.step
            {
                self.priorities[current] = (self.depth - 1 - self.next_change) as i64;
                self.next_change += 1;
            }
            if decision.unfair && decision.candidates.len() > 1 {
                self.floor -= 1;
                self.priorities[current] = self.floor;
            }
        }
        let candidates = fair_candidates(decision);
        *candidates.iter().max_by_key(|&&t| self.priority(t)).expect("candidates are never empty")
    }

    fn spurious_wakeup(&mut self, _step: u64) -> Option<bool> {
        self.spurious.wake()
    }
}
