// expect: wrong-thread
// why: issue 14's second bug, on std alone: a check-then-act across two Relaxed atomics in a
//      yield_now spin loop. odd/even read the next number, then check whose turn it is; a
//      thread that reads the number, is preempted while the other prints and zero hands the
//      turn back, then sees its turn and prints the stale number (then spins forever: the turn
//      never comes back). Real threads (grader/scripts/real-threads.sh, plain std, load ~6.7 on
//      2 cores): 2 failures in 200,000 runs, one in 100,000 (the estimate: one in 230
//      on an idle machine, never under load). Controlled: see grader/BENCHMARKS.md.
use std::sync::atomic::{AtomicUsize, Ordering};

const ZERO: usize = 0;
const ODD: usize = 1;
const EVEN: usize = 2;

pub struct ZeroEvenOdd {
    n: usize,
    turn: AtomicUsize,
    next: AtomicUsize,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        ZeroEvenOdd { n, turn: AtomicUsize::new(ZERO), next: AtomicUsize::new(1) }
    }

    pub fn zero(&self, print_number: impl Fn(usize)) {
        for _ in 0..self.n {
            while self.turn.load(Ordering::Relaxed) != ZERO {
                std::thread::yield_now();
            }
            print_number(0);
            let k = self.next.load(Ordering::Relaxed);
            self.turn.store(if k % 2 == 1 { ODD } else { EVEN }, Ordering::Relaxed);
        }
    }

    fn numbers(&self, mine: usize, print_number: impl Fn(usize)) {
        loop {
            let k = self.next.load(Ordering::Relaxed);
            if k > self.n {
                return;
            }
            if self.turn.load(Ordering::Relaxed) == mine {
                print_number(k);
                self.next.store(k + 1, Ordering::Relaxed);
                self.turn.store(ZERO, Ordering::Relaxed);
            } else {
                std::thread::yield_now();
            }
        }
    }

    pub fn even(&self, print_number: impl Fn(usize)) {
        self.numbers(EVEN, print_number);
    }

    pub fn odd(&self, print_number: impl Fn(usize)) {
        self.numbers(ODD, print_number);
    }
}
