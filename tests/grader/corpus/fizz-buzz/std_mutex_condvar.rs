// expect: pass
// why: the same turn-taking on std::sync::{Mutex, Condvar} (routed to controlled types, like all std code).
use std::sync::{Condvar, Mutex};

pub struct FizzBuzz {
    n: usize,
    next: Mutex<usize>,
    changed: Condvar,
}

impl FizzBuzz {
    pub fn new(n: usize) -> Self {
        FizzBuzz { n, next: Mutex::new(1), changed: Condvar::new() }
    }
    fn turns(&self, mine: fn(usize) -> bool, print: impl Fn(usize)) {
        let mut next = self.next.lock().unwrap();
        loop {
            next = self.changed.wait_while(next, |i| *i <= self.n && !mine(*i)).unwrap();
            if *next > self.n {
                return;
            }
            print(*next);
            *next += 1;
            self.changed.notify_all();
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
