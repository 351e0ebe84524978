// expect: pass
// why: an AtomicUsize step counter (0, 1, 2, ... 2n), spinning with yield_now.
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct ZeroEvenOdd {
    n: usize,
    step: AtomicUsize,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        ZeroEvenOdd { n, step: AtomicUsize::new(0) }
    }
    fn wait_until(&self, wanted: usize) {
        while self.step.load(Ordering::Acquire) != wanted {
            std::thread::yield_now();
        }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 0..self.n {
            self.wait_until(2 * i);
            print_number(0);
            self.step.store(2 * i + 1, Ordering::Release);
        }
    }
    pub fn even(&self, print_number: impl Fn(usize)) {
        for k in (2..=self.n).step_by(2) {
            self.wait_until(2 * k - 1);
            print_number(k);
            self.step.store(2 * k, Ordering::Release);
        }
    }
    pub fn odd(&self, print_number: impl Fn(usize)) {
        for k in (1..=self.n).step_by(2) {
            self.wait_until(2 * k - 1);
            print_number(k);
            self.step.store(2 * k, Ordering::Release);
        }
    }
}
