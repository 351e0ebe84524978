// expect: wrong-output
// why: try_lock on the right fork, and when it is taken the philosopher gives up the meal
// (returns) instead of trying again: it eats fewer than n times.
use threading::Lock;

pub struct DiningPhilosophers {
    forks: [Lock; 5],
}

impl DiningPhilosophers {
    pub fn new() -> Self {
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
        let _left = self.forks[philosopher].lock();
        let Some(_right) = self.forks[(philosopher + 1) % 5].try_lock() else {
            return;
        };
        pick_left_fork();
        pick_right_fork();
        eat();
        put_left_fork();
        put_right_fork();
    }
}
