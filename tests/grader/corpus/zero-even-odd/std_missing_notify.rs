// expect: deadlock
// why: std Mutex + Condvar, but the number threads never notify: zero waits forever
//      (blocked outside threading: the watchdog reports it).
use std::sync::{Condvar, Mutex};

pub struct ZeroEvenOdd {
    n: usize,
    turn: Mutex<u8>,
    changed: Condvar,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        ZeroEvenOdd { n, turn: Mutex::new(0), changed: Condvar::new() }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 1..=self.n {
            let mut turn = self.changed.wait_while(self.turn.lock().unwrap(), |t| *t != 0).unwrap();
            print_number(0);
            *turn = if i % 2 == 1 { 1 } else { 2 };
            self.changed.notify_all();
        }
    }
    fn numbers(&self, mine: u8, first: usize, print_number: impl Fn(usize)) {
        for i in (first..=self.n).step_by(2) {
            let mut turn = self.changed.wait_while(self.turn.lock().unwrap(), |t| *t != mine).unwrap();
            print_number(i);
            *turn = 0;
        }
    }
    pub fn even(&self, print_number: impl Fn(usize)) {
        self.numbers(2, 2, print_number);
    }
    pub fn odd(&self, print_number: impl Fn(usize)) {
        self.numbers(1, 1, print_number);
    }
}
