// expect: wrong-thread
// why: zero() prints the whole sequence by itself; even() and odd() do nothing.
pub struct ZeroEvenOdd {
    n: usize,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        ZeroEvenOdd { n }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 1..=self.n {
            print_number(0);
            print_number(i);
        }
    }
    pub fn even(&self, _print_number: impl Fn(usize)) {}
    pub fn odd(&self, _print_number: impl Fn(usize)) {}
}
