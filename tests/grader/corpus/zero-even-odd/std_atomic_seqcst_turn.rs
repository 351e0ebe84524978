// expect: pass
// why: std_check_then_act_relaxed.rs fixed: the number is read only after the turn is seen
//      (and everything SeqCst), so a thread never acts on a number read before its turn.
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

    fn wait_for(&self, turn: usize) {
        while self.turn.load(Ordering::SeqCst) != turn {
            std::thread::yield_now();
        }
    }

    pub fn zero(&self, print_number: impl Fn(usize)) {
        for _ in 0..self.n {
            self.wait_for(ZERO);
            print_number(0);
            let k = self.next.load(Ordering::SeqCst);
            self.turn.store(if k % 2 == 1 { ODD } else { EVEN }, Ordering::SeqCst);
        }
    }

    fn numbers(&self, first: usize, mine: usize, print_number: impl Fn(usize)) {
        for _ in (first..=self.n).step_by(2) {
            self.wait_for(mine);
            let k = self.next.load(Ordering::SeqCst);
            print_number(k);
            self.next.store(k + 1, Ordering::SeqCst);
            self.turn.store(ZERO, Ordering::SeqCst);
        }
    }

    pub fn even(&self, print_number: impl Fn(usize)) {
        self.numbers(2, EVEN, print_number);
    }

    pub fn odd(&self, print_number: impl Fn(usize)) {
        self.numbers(1, ODD, print_number);
    }
}
