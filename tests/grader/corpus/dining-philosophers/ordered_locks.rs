// expect: pass
// why: a threading::Lock per fork, the lower-numbered fork taken first: no cycle of waiting.
use threading::Lock;

pub struct DiningPhilosophers {
    forks: Vec<Lock>,
}

impl DiningPhilosophers {
    pub fn new() -> Self {
        DiningPhilosophers { forks: (0..5).map(|_| Lock::new()).collect() }
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
        let first = self.forks[left.min(right)].lock();
        let second = self.forks[left.max(right)].lock();
        pick_left_fork();
        pick_right_fork();
        eat();
        put_left_fork();
        put_right_fork();
        drop(second);
        drop(first);
    }
}
