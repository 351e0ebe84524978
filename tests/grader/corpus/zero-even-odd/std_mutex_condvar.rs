// expect: pass
// why: std Mutex + Condvar over (turn, next number).
use std::sync::{Condvar, Mutex};

pub struct ZeroEvenOdd {
    n: usize,
    state: Mutex<(u8, usize)>,
    changed: Condvar,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        ZeroEvenOdd { n, state: Mutex::new((0, 1)), changed: Condvar::new() }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for _ in 0..self.n {
            let mut state = self.state.lock().unwrap();
            while state.0 != 0 {
                state = self.changed.wait(state).unwrap();
            }
            print_number(0);
            state.0 = if state.1 % 2 == 1 { 1 } else { 2 };
            self.changed.notify_all();
        }
    }
    fn numbers(&self, mine: u8, print_number: impl Fn(usize)) {
        let count = if mine == 1 { self.n.div_ceil(2) } else { self.n / 2 };
        for _ in 0..count {
            let mut state = self.state.lock().unwrap();
            while state.0 != mine {
                state = self.changed.wait(state).unwrap();
            }
            print_number(state.1);
            state.1 += 1;
            state.0 = 0;
            self.changed.notify_all();
        }
    }
    pub fn even(&self, print_number: impl Fn(usize)) {
        self.numbers(2, print_number);
    }
    pub fn odd(&self, print_number: impl Fn(usize)) {
        self.numbers(1, print_number);
    }
}
