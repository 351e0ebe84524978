// expect: pass
// why: an AtomicBool turn, spinning with yield_now.
use std::sync::atomic::{AtomicBool, Ordering};

pub struct FooBar {
    n: usize,
    foos_turn: AtomicBool,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n, foos_turn: AtomicBool::new(true) }
    }
    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n {
            while !self.foos_turn.load(Ordering::Acquire) {
                std::thread::yield_now();
            }
            print_foo();
            self.foos_turn.store(false, Ordering::Release);
        }
    }
    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            while self.foos_turn.load(Ordering::Acquire) {
                std::thread::yield_now();
            }
            print_bar();
            self.foos_turn.store(true, Ordering::Release);
        }
    }
}
