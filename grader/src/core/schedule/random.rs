//! Random walk: at every point, any runnable task, uniformly (seeded).

use super::{ChoicePoint, Spurious, Strategy, fair_candidates};

/// Picks uniformly among runnable tasks at every decision.
///
/// ```
/// use threadlab_grader::core::schedule::{ChoicePoint, Strategy, random::RandomWalk};
/// let mut walk = RandomWalk::new(7);
/// let pick = walk.choose(&ChoicePoint { candidates: &[0, 2], current: Some(0), unfair: false, step: 1 });
/// assert!(pick == 0 || pick == 2);
/// ```
#[derive(Debug)]
pub struct RandomWalk {
    rng: fastrand::Rng,
    spurious: Spurious,
}

impl RandomWalk {
    /// A walk seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        RandomWalk { rng: fastrand::Rng::with_seed(seed), spurious: Spurious::new(seed) }
    }
}

impl Strategy for RandomWalk {
    fn choose(&mut self, decision: &ChoicePoint<'_>) -> usize {
        let candidates = fair_candidates(decision);
        candidates[self.rng.usize(..candidates.len())]
    }

    fn spurious_wakeup(&mut self, _step: u64) -> Option<bool> {
        self.spurious.wake()
    }
}
