// expect: pass
// why: std Mutex<bool> + Condvar with wait_while.
use std::sync::{Condvar, Mutex};

pub struct FooBar {
    n: usize,
    foos_turn: Mutex<bool>,
    changed: Condvar,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n, foos_turn: Mutex::new(true), changed: Condvar::new() }
    }
    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n {
            let turn = self.foos_turn.lock().unwrap();
            let mut turn = self.changed.wait_while(turn, |t| !*t).unwrap();
            print_foo();
            *turn = false;
            self.changed.notify_all();
        }
    }
    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            let turn = self.foos_turn.lock().unwrap();
            let mut turn = self.changed.wait_while(turn, |t| *t).unwrap();
            print_bar();
            *turn = true;
            self.changed.notify_all();
        }
    }
}
