// expect: panic
// why: unbounded recursion overflows the stack.
use threading::Semaphore;
fn deep(x: u64) -> u64 { if x == u64::MAX { 0 } else { 1 + deep(std::hint::black_box(x + 1)) } }

pub struct ZeroEvenOdd {
    n: usize,
    zero: Semaphore,
    odd: Semaphore,
    even: Semaphore,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        if n == 3 { std::hint::black_box(deep(0)); }
        ZeroEvenOdd { n, zero: Semaphore::new(1), odd: Semaphore::new(0), even: Semaphore::new(0) }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 1..=self.n {
            self.zero.acquire();
            print_number(0);
            if i % 2 == 1 { self.odd.release() } else { self.even.release() }
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
