// expect: pass
// why: an atomic counter and yield_now while it is not this method's turn (slow, but right).
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct FizzBuzz {
    n: usize,
    next: AtomicUsize,
}

impl FizzBuzz {
    pub fn new(n: usize) -> FizzBuzz {
        FizzBuzz { n, next: AtomicUsize::new(1) }
    }
    fn turns(&self, mine: fn(usize) -> bool, print: impl Fn(usize)) {
        loop {
            let i = self.next.load(Ordering::SeqCst);
            if i > self.n {
                return;
            }
            if mine(i) {
                print(i);
                self.next.store(i + 1, Ordering::SeqCst);
            } else {
                std::thread::yield_now();
            }
        }
    }
    pub fn fizz(&self, print_fizz: impl Fn()) {
        self.turns(|i| i % 3 == 0 && i % 5 != 0, |_| print_fizz());
    }
    pub fn buzz(&self, print_buzz: impl Fn()) {
        self.turns(|i| i % 5 == 0 && i % 3 != 0, |_| print_buzz());
    }
    pub fn fizzbuzz(&self, print_fizzbuzz: impl Fn()) {
        self.turns(|i| i % 15 == 0, |_| print_fizzbuzz());
    }
    pub fn number(&self, print_number: impl Fn(usize)) {
        self.turns(|i| i % 3 != 0 && i % 5 != 0, print_number);
    }
}
