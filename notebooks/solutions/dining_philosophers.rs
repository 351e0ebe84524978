// Reference solution for The Dining Philosophers (LeetCode 1226).
// Check it: threadlab-grader check --exercise dining-philosophers notebooks/solutions/dining_philosophers.rs
//
// One lock per fork, always taken lower-numbered fork first: philosopher 4 reaches for fork 0
// before fork 4, which breaks the cycle of everyone holding a left fork and waiting for a
// right one (no deadlock).

use threading::Lock;

pub struct DiningPhilosophers {
    forks: [Lock; 5],
}

impl DiningPhilosophers {
    pub fn new() -> DiningPhilosophers {
        DiningPhilosophers { forks: std::array::from_fn(|_| Lock::new()) }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn wants_to_eat(
        &self,
        philosopher: usize,
        pick_left_fork: impl FnOnce(),
        pick_right_fork: impl FnOnce(),
        eat: impl FnOnce(),
        put_left_fork: impl FnOnce(),
        put_right_fork: impl FnOnce(),
    ) {
        let (left, right) = (philosopher, (philosopher + 1) % 5);
        let (first, second) = (left.min(right), left.max(right));
        self.forks[first].acquire();
        self.forks[second].acquire();
        pick_left_fork();
        pick_right_fork();
        eat();
        put_left_fork();
        put_right_fork();
        self.forks[second].release().expect("held");
        self.forks[first].release().expect("held");
    }
}
