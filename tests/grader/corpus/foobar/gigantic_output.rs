// expect: limit-exceeded
// why: prints megabytes of its own output (debugging left in, at scale).
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
        for i in 0..self.n {
            self.foo_turn.acquire();
            println!("{}", "debug ".repeat(10_000 + i));
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
