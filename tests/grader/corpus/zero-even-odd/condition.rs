// expect: pass
// why: seed 002's ZeroEvenOdd: one threading::Condition over whose turn it is.
use threading::Condition;

const ZERO: u8 = 0;
const ODD: u8 = 1;
const EVEN: u8 = 2;

pub struct ZeroEvenOdd {
    n: usize,
    turn: Condition<u8>,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        ZeroEvenOdd { n, turn: Condition::with_data(ZERO) }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 1..=self.n {
            let mut turn = self.turn.lock();
            turn.wait_for(|t| *t == ZERO);
            print_number(0);
            *turn = if i % 2 == 1 { ODD } else { EVEN };
            turn.notify_all();
        }
    }
    pub fn even(&self, print_number: impl Fn(usize)) {
        for i in (2..=self.n).step_by(2) {
            let mut turn = self.turn.lock();
            turn.wait_for(|t| *t == EVEN);
            print_number(i);
            *turn = ZERO;
            turn.notify_all();
        }
    }
    pub fn odd(&self, print_number: impl Fn(usize)) {
        for i in (1..=self.n).step_by(2) {
            let mut turn = self.turn.lock();
            turn.wait_for(|t| *t == ODD);
            print_number(i);
            *turn = ZERO;
            turn.notify_all();
        }
    }
}
