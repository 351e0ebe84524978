// expect: pass
// why: two threading::Semaphores hand the turn back and forth (foo's starts at 1).
use threading::Semaphore;

pub struct FooBar {
    n: usize,
    foo_turn: Semaphore,
    bar_turn: Semaphore,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n, foo_turn: Semaphore::new(1), bar_turn: Semaphore::new(0) }
    }
    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n {
            self.foo_turn.acquire();
            print_foo();
            self.bar_turn.release();
        }
    }
    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            self.bar_turn.acquire();
            print_bar();
            self.foo_turn.release();
        }
    }
}
