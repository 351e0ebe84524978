// expect: pass
// why: three threading::Events, each cleared by its waiter before it hands the turn on.
use threading::Event;

pub struct ZeroEvenOdd {
    n: usize,
    zero_go: Event,
    odd_go: Event,
    even_go: Event,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        let zero_go = Event::new();
        zero_go.set();
        ZeroEvenOdd { n, zero_go, odd_go: Event::new(), even_go: Event::new() }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 1..=self.n {
            self.zero_go.wait();
            self.zero_go.clear();
            print_number(0);
            if i % 2 == 1 { self.odd_go.set() } else { self.even_go.set() }
        }
    }
    pub fn even(&self, print_number: impl Fn(usize)) {
        for i in (2..=self.n).step_by(2) {
            self.even_go.wait();
            self.even_go.clear();
            print_number(i);
            self.zero_go.set();
        }
    }
    pub fn odd(&self, print_number: impl Fn(usize)) {
        for i in (1..=self.n).step_by(2) {
            self.odd_go.wait();
            self.odd_go.clear();
            print_number(i);
            self.zero_go.set();
        }
    }
}
