// expect: timeout
// why: even() spins on a condition that never becomes true (waits for turn 3).
use std::sync::atomic::{AtomicU8, Ordering};

pub struct ZeroEvenOdd {
    n: usize,
    turn: AtomicU8,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        ZeroEvenOdd { n, turn: AtomicU8::new(0) }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 1..=self.n {
            while self.turn.load(Ordering::Acquire) != 0 {
                std::hint::spin_loop();
            }
            print_number(0);
            self.turn.store(if i % 2 == 1 { 1 } else { 2 }, Ordering::Release);
        }
    }
    pub fn even(&self, print_number: impl Fn(usize)) {
        for i in (2..=self.n).step_by(2) {
            while self.turn.load(Ordering::Acquire) != 3 {
                std::hint::spin_loop();
            }
            print_number(i);
            self.turn.store(0, Ordering::Release);
        }
    }
    pub fn odd(&self, print_number: impl Fn(usize)) {
        for i in (1..=self.n).step_by(2) {
            while self.turn.load(Ordering::Acquire) != 1 {
                std::hint::spin_loop();
            }
            print_number(i);
            self.turn.store(0, Ordering::Release);
        }
    }
}
