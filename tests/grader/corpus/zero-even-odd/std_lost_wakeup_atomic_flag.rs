// expect: deadlock
// why: issue 14's lost wake-up in Zero Even Odd: the turn is an atomic, stored and notified
//      outside the mutex the waiters check it under; a store + notify between a waiter's check
//      and its `wait` is lost, and the waiter sleeps forever.
//      Real threads (plain std, grader/scripts/real-threads.sh, load 5-7 on 2 cores):
//      22 hangs in 50,000 runs (one in 2,300).
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

pub struct ZeroEvenOdd {
    n: usize,
    turn: AtomicUsize,
    lock: Mutex<()>,
    changed: Condvar,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        ZeroEvenOdd { n, turn: AtomicUsize::new(0), lock: Mutex::new(()), changed: Condvar::new() }
    }

    fn wait_for(&self, turn: usize) {
        let mut guard = self.lock.lock().unwrap();
        while self.turn.load(Ordering::SeqCst) != turn {
            guard = self.changed.wait(guard).unwrap();
        }
    }

    fn hand_to(&self, turn: usize) {
        self.turn.store(turn, Ordering::SeqCst);
        self.changed.notify_all();
    }

    pub fn zero(&self, print_number: impl Fn(usize)) {
        for k in 1..=self.n {
            self.wait_for(0);
            print_number(0);
            self.hand_to(if k % 2 == 1 { 1 } else { 2 });
        }
    }

    pub fn even(&self, print_number: impl Fn(usize)) {
        for k in (2..=self.n).step_by(2) {
            self.wait_for(2);
            print_number(k);
            self.hand_to(0);
        }
    }

    pub fn odd(&self, print_number: impl Fn(usize)) {
        for k in (1..=self.n).step_by(2) {
            self.wait_for(1);
            print_number(k);
            self.hand_to(0);
        }
    }
}
