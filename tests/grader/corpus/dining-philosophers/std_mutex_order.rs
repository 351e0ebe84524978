// expect: pass
// why: std::sync::Mutex per fork, lower-numbered first (routed to controlled types, like all std code).
use std::sync::Mutex;

pub struct DiningPhilosophers {
    forks: [Mutex<()>; 5],
}

impl DiningPhilosophers {
    pub fn new() -> Self {
        DiningPhilosophers { forks: Default::default() }
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
        let _first = self.forks[left.min(right)].lock().unwrap();
        let _second = self.forks[left.max(right)].lock().unwrap();
        pick_left_fork();
        pick_right_fork();
        eat();
        put_left_fork();
        put_right_fork();
    }
}
