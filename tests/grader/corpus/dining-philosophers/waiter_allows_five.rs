// expect: deadlock
// why: the waiter's semaphore has five seats, not four: it lets everyone in, and left-then-right
// deadlocks as without a waiter.
use threading::{Lock, Semaphore};

pub struct DiningPhilosophers {
    forks: [Lock; 5],
    seats: Semaphore,
}

impl DiningPhilosophers {
    pub fn new() -> Self {
        DiningPhilosophers { forks: std::array::from_fn(|_| Lock::new()), seats: Semaphore::new(5) }
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
        let _seat = self.seats.guard();
        let _left = self.forks[philosopher].lock();
        let _right = self.forks[(philosopher + 1) % 5].lock();
        pick_left_fork();
        pick_right_fork();
        eat();
        put_left_fork();
        put_right_fork();
    }
}
