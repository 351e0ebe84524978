// expect: pass
// why: std Mutex + Condvar with wait_timeout_while in a loop (a timeout only re-checks), and
//      notify_all under the lock.
use std::sync::{Condvar, Mutex};
use std::time::Duration;

pub struct FooBar {
    n: usize,
    foos_turn: Mutex<bool>,
    changed: Condvar,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n, foos_turn: Mutex::new(true), changed: Condvar::new() }
    }

    fn take_turn(&self, mine: bool, print: &impl Fn()) {
        let mut turn = self.foos_turn.lock().unwrap();
        loop {
            let (next, _) = self
                .changed
                .wait_timeout_while(turn, Duration::from_millis(50), |t| *t != mine)
                .unwrap();
            turn = next;
            if *turn == mine {
                break;
            }
        }
        print();
        *turn = !mine;
        self.changed.notify_all();
    }

    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n {
            self.take_turn(true, &print_foo);
        }
    }

    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            self.take_turn(false, &print_bar);
        }
    }
}
