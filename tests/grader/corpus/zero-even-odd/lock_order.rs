// expect: deadlock
// why: zero and the number threads take two locks in opposite orders.
use threading::{Lock, Semaphore};

pub struct ZeroEvenOdd {
    n: usize,
    a: Lock,
    b: Lock,
    zero: Semaphore,
    odd: Semaphore,
    even: Semaphore,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        ZeroEvenOdd {
            n,
            a: Lock::new(),
            b: Lock::new(),
            zero: Semaphore::new(1),
            odd: Semaphore::new(0),
            even: Semaphore::new(0),
        }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 1..=self.n {
            let _a = self.a.lock();
            let _b = self.b.lock();
            self.zero.acquire();
            print_number(0);
            if i % 2 == 1 { self.odd.release() } else { self.even.release() }
        }
    }
    fn numbers(&self, mine: &Semaphore, first: usize, print_number: impl Fn(usize)) {
        for i in (first..=self.n).step_by(2) {
            let _b = self.b.lock();
            let _a = self.a.lock();
            mine.acquire();
            print_number(i);
            self.zero.release();
        }
    }
    pub fn even(&self, print_number: impl Fn(usize)) {
        self.numbers(&self.even, 2, print_number);
    }
    pub fn odd(&self, print_number: impl Fn(usize)) {
        self.numbers(&self.odd, 1, print_number);
    }
}
