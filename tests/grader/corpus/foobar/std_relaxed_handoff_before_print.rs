// expect: wrong-output
// why: a Relaxed spin hand-off that passes the turn before printing: between the store and the
//      print, the other thread sees its turn and prints first.
//      Real threads (plain std, grader/scripts/real-threads.sh, load 5-7 on 2 cores):
//      476 failures in 2,000 runs.
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
            while !self.foos_turn.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
            self.foos_turn.store(false, Ordering::Relaxed);
            print_foo();
        }
    }

    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            while self.foos_turn.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
            self.foos_turn.store(true, Ordering::Relaxed);
            print_bar();
        }
    }
}
