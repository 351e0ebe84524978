// expect: pass
// why: a waiter (threading::Semaphore of 4) lets at most four philosophers reach for forks, so
// left-then-right cannot close a cycle.
use threading::{Lock, Semaphore};

pub struct DiningPhilosophers {
    forks: [Lock; 5],
    seats: Semaphore,
}

impl DiningPhilosophers {
    pub fn new() -> Self {
        DiningPhilosophers { forks: std::array::from_fn(|_| Lock::new()), seats: Semaphore::new(4) }
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
        self.seats.acquire();
        self.forks[philosopher].acquire();
        self.forks[(philosopher + 1) % 5].acquire();
        pick_left_fork();
        pick_right_fork();
        eat();
        put_left_fork();
        put_right_fork();
        self.forks[(philosopher + 1) % 5].release().unwrap();
        self.forks[philosopher].release().unwrap();
        self.seats.release();
    }
}
