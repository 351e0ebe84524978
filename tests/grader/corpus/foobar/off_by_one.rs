// expect: wrong-output
// why: bar loops one time too few: the last "bar" is missing.
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
        for _ in 1..self.n {
            self.bar_turn.acquire();
            print_bar();
            self.foo_turn.release();
        }
    }
}
