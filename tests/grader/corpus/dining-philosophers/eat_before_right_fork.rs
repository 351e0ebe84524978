// expect: wrong-output
// why: the callbacks are called in the wrong order: eat() before pick_right_fork().
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
        let (left, right) = (philosopher, (philosopher + 1) % 5);
        let _first = self.forks[left.min(right)].lock();
        let _second = self.forks[left.max(right)].lock();
        pick_left_fork();
        eat();
        pick_right_fork();
        put_left_fork();
        put_right_fork();
    }
}
