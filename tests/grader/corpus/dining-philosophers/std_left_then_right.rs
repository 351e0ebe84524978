// expect: deadlock
// why: a std::sync::Mutex per fork, everyone left fork first: five held left forks wait for
// five right ones forever (std is routed to controlled types, so the schedule is found).
use std::sync::Mutex;
pub struct DiningPhilosophers {
    forks: Vec<Mutex<()>>,
}
impl DiningPhilosophers {
    pub fn new() -> Self {
        DiningPhilosophers { forks: (0..5).map(|_| Mutex::new(())).collect() }
    }
    pub fn wants_to_eat(
        &self,
        philosopher: usize,
        pick_left_fork: impl FnOnce(),
        pick_right_fork: impl FnOnce(),
        eat: impl FnOnce(),
        put_left_fork: impl FnOnce(),
        put_right_fork: impl FnOnce(),
    ) {
        let left = self.forks[philosopher].lock().unwrap();
        let right = self.forks[(philosopher + 1) % 5].lock().unwrap();
        pick_left_fork();
        pick_right_fork();
        eat();
        put_left_fork();
        put_right_fork();
        drop(right);
        drop(left);
    }
}
