// expect: wrong-output
// why: `if` instead of `while` around Condvar::wait, with every notify right (one Condvar per
//      side, notified right after the turn changes hands): only a spurious wake-up, which std
//      documents may happen, lets a thread print out of turn.
//      Real threads (plain std, grader/scripts/real-threads.sh, load 5-7 on 2 cores):
//      0 failures in 20,000 runs (Linux futexes rarely wake spuriously).
use std::sync::{Condvar, Mutex};

pub struct FooBar {
    n: usize,
    foos_turn: Mutex<bool>,
    foo_may_go: Condvar,
    bar_may_go: Condvar,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n, foos_turn: Mutex::new(true), foo_may_go: Condvar::new(), bar_may_go: Condvar::new() }
    }

    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n {
            let mut turn = self.foos_turn.lock().unwrap();
            if !*turn {
                turn = self.foo_may_go.wait(turn).unwrap();
            }
            print_foo();
            *turn = false;
            self.bar_may_go.notify_one();
        }
    }

    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            let mut turn = self.foos_turn.lock().unwrap();
            if *turn {
                turn = self.bar_may_go.wait(turn).unwrap();
            }
            print_bar();
            *turn = true;
            self.foo_may_go.notify_one();
        }
    }
}
