// expect: wrong-output
// why: the fork locks are released before the forks are put down: a neighbour can pick up a
// fork that is still in this philosopher's hand.
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
        {
            let _first = self.forks[left.min(right)].lock();
            let _second = self.forks[left.max(right)].lock();
            pick_left_fork();
            pick_right_fork();
            eat();
        }
        put_left_fork();
        put_right_fork();
    }
}
