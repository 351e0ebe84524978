// expect: wrong-output
// why: zero releases the number thread before printing its 0.
use threading::Semaphore;

pub struct ZeroEvenOdd {
    n: usize,
    zero: Semaphore,
    odd: Semaphore,
    even: Semaphore,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        ZeroEvenOdd { n, zero: Semaphore::new(1), odd: Semaphore::new(0), even: Semaphore::new(0) }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 1..=self.n {
            self.zero.acquire();
            if i % 2 == 1 { self.odd.release() } else { self.even.release() }
            print_number(0);
        }
    }
    pub fn even(&self, print_number: impl Fn(usize)) {
        for i in (2..=self.n).step_by(2) {
            self.even.acquire();
            print_number(i);
            self.zero.release();
        }
    }
    pub fn odd(&self, print_number: impl Fn(usize)) {
        for i in (1..=self.n).step_by(2) {
            self.odd.acquire();
            print_number(i);
            self.zero.release();
        }
    }
}
