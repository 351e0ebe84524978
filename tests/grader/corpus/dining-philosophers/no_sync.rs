// expect: wrong-output
// why: nobody waits for a fork: neighbours pick up the same fork at once.
pub struct DiningPhilosophers;

impl DiningPhilosophers {
    pub fn new() -> Self {
        DiningPhilosophers
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
        let _ = philosopher;
        pick_left_fork();
        pick_right_fork();
        eat();
        put_left_fork();
        put_right_fork();
    }
}
