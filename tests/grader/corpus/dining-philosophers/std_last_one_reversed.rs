// expect: pass
// why: a std::sync::Mutex per fork; philosopher 4 takes the right fork first, which breaks the cycle.
use std::sync::Mutex;
pub struct DiningPhilosophers {
    forks: [Mutex<()>; 5],
}
impl DiningPhilosophers {
    pub fn new() -> Self {
        DiningPhilosophers { forks: Default::default() }
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
        let (l, r) = (philosopher, (philosopher + 1) % 5);
        let (first, second) = if philosopher == 4 { (r, l) } else { (l, r) };
        let _a = self.forks[first].lock().unwrap();
        let _b = self.forks[second].lock().unwrap();
        pick_left_fork();
        pick_right_fork();
        eat();
        put_left_fork();
        put_right_fork();
    }
}
