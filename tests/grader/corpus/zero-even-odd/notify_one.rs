// expect: deadlock
// why: notify(1) where notify_all is needed: zero may wake the wrong number thread, which
//      waits again, and the right one is never woken.
use threading::Condition;

pub struct ZeroEvenOdd {
    n: usize,
    turn: Condition<u8>,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        ZeroEvenOdd { n, turn: Condition::with_data(0) }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 1..=self.n {
            let mut turn = self.turn.lock();
            turn.wait_for(|t| *t == 0);
            print_number(0);
            *turn = if i % 2 == 1 { 1 } else { 2 };
            turn.notify();
        }
    }
    pub fn even(&self, print_number: impl Fn(usize)) {
        for i in (2..=self.n).step_by(2) {
            let mut turn = self.turn.lock();
            turn.wait_for(|t| *t == 2);
            print_number(i);
            *turn = 0;
            turn.notify();
        }
    }
    pub fn odd(&self, print_number: impl Fn(usize)) {
        for i in (1..=self.n).step_by(2) {
            let mut turn = self.turn.lock();
            turn.wait_for(|t| *t == 1);
            print_number(i);
            *turn = 0;
            turn.notify();
        }
    }
}
