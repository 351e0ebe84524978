// expect: panic
// why: bar indexes past the end of a table on the fourth round.
use threading::Semaphore;

pub struct FooBar {
    n: usize,
    foo_turn: Semaphore,
    bar_turn: Semaphore,
    rounds: [u8; 3],
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n, foo_turn: Semaphore::new(1), bar_turn: Semaphore::new(0), rounds: [1, 2, 3] }
    }
    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n {
            self.foo_turn.acquire();
            print_foo();
            self.bar_turn.release();
        }
    }
    pub fn bar(&self, print_bar: impl Fn()) {
        for i in 0..self.n {
            self.bar_turn.acquire();
            let _round = self.rounds[i];
            print_bar();
            self.foo_turn.release();
        }
    }
}
