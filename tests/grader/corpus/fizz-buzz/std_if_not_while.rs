// expect: wrong-output
// why: Mutex + Condvar with `if` instead of `while`: woken for someone else's number (by a
// notify_all, or spuriously), a thread prints without checking again.
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
            if *next <= self.n && !mine(*next) {
                next = self.changed.wait(next).unwrap();
            }
            if *next > self.n {
                self.changed.notify_all();
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
