// expect: wrong-output
// why: check-then-act on atomics: the number threads give the turn back to zero *before*
//      printing, so zero can print its next 0 first.
use std::sync::atomic::{AtomicU8, Ordering};

pub struct ZeroEvenOdd {
    n: usize,
    turn: AtomicU8,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        ZeroEvenOdd { n, turn: AtomicU8::new(0) }
    }
    fn wait_for(&self, wanted: u8) {
        while self.turn.load(Ordering::Acquire) != wanted {
            std::thread::yield_now();
        }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 1..=self.n {
            self.wait_for(0);
            print_number(0);
            self.turn.store(if i % 2 == 1 { 1 } else { 2 }, Ordering::Release);
        }
    }
    pub fn even(&self, print_number: impl Fn(usize)) {
        for i in (2..=self.n).step_by(2) {
            self.wait_for(2);
            self.turn.store(0, Ordering::Release);
            print_number(i);
        }
    }
    pub fn odd(&self, print_number: impl Fn(usize)) {
        for i in (1..=self.n).step_by(2) {
            self.wait_for(1);
            self.turn.store(0, Ordering::Release);
            print_number(i);
        }
    }
}
