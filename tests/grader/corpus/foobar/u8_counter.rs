// expect: wrong-output
// why: keeps n in a u8: correct up to n = 255, wrong for the large n (1000 wraps to 232).
use threading::Semaphore;

pub struct FooBar {
    n: u8,
    foo_turn: Semaphore,
    bar_turn: Semaphore,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n: n as u8, foo_turn: Semaphore::new(1), bar_turn: Semaphore::new(0) }
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
