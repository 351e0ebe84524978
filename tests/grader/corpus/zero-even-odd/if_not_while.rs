// expect: wrong-output
// why: `if` instead of `while` around the wait: a notify_all meant for one thread lets the
//      other number thread print out of turn.
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
            if *turn != 0 {
                turn.wait();
            }
            print_number(0);
            *turn = if i % 2 == 1 { 1 } else { 2 };
            turn.notify_all();
        }
    }
    pub fn even(&self, print_number: impl Fn(usize)) {
        for i in (2..=self.n).step_by(2) {
            let mut turn = self.turn.lock();
            if *turn != 2 {
                turn.wait();
            }
            print_number(i);
            *turn = 0;
            turn.notify_all();
        }
    }
    pub fn odd(&self, print_number: impl Fn(usize)) {
        for i in (1..=self.n).step_by(2) {
            let mut turn = self.turn.lock();
            if *turn != 1 {
                turn.wait();
            }
            print_number(i);
            *turn = 0;
            turn.notify_all();
        }
    }
}
