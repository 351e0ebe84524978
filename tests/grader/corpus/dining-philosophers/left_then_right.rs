// expect: deadlock
// why: everyone takes the left fork, then the right: all five can hold a left fork and wait
// for a right one forever.
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
        let _right = self.forks[(philosopher + 1) % 5].lock();
        pick_left_fork();
        pick_right_fork();
        eat();
        put_left_fork();
        put_right_fork();
    }
}
