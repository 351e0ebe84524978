// expect: pass
// why: one SeqCst AtomicBool turn, spinning with spin_loop and yield_now, the turn handed over
//      only after printing.
use std::sync::atomic::{AtomicBool, Ordering};

pub struct FooBar {
    n: usize,
    foos_turn: AtomicBool,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n, foos_turn: AtomicBool::new(true) }
    }

    fn wait_for(&self, foos_turn: bool) {
        while self.foos_turn.load(Ordering::SeqCst) != foos_turn {
            std::hint::spin_loop();
            std::thread::yield_now();
        }
    }

    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n {
            self.wait_for(true);
            print_foo();
            self.foos_turn.store(false, Ordering::SeqCst);
        }
    }

    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            self.wait_for(false);
            print_bar();
            self.foos_turn.store(true, Ordering::SeqCst);
        }
    }
}
