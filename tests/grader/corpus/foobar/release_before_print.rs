// expect: wrong-output
// why: hands the turn over *before* printing: the other thread may print first. The window
//      is a few instructions wide, so real threads almost never show it.
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
            self.bar_turn.release();
            print_foo();
        }
    }
    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            self.bar_turn.acquire();
            self.foo_turn.release();
            print_bar();
        }
    }
}
