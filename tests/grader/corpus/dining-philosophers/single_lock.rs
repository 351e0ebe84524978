// expect: pass
// why: one threading::Lock around the whole meal: one philosopher eats at a time (slow, right).
pub struct DiningPhilosophers {
    table: threading::Lock,
}

impl DiningPhilosophers {
    pub fn new() -> Self {
        DiningPhilosophers { table: threading::Lock::new() }
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
        let _table = self.table.lock();
        let _ = philosopher;
        pick_left_fork();
        pick_right_fork();
        eat();
        put_left_fork();
        put_right_fork();
    }
}
