// expect: wrong-output
// why: each method walks 1..=n on its own and prints its numbers without waiting for anyone.
pub struct FizzBuzz {
    n: usize,
}

impl FizzBuzz {
    pub fn new(n: usize) -> FizzBuzz {
        FizzBuzz { n }
    }
    pub fn fizz(&self, print_fizz: impl Fn()) {
        (1..=self.n).filter(|i| i % 3 == 0 && i % 5 != 0).for_each(|_| print_fizz());
    }
    pub fn buzz(&self, print_buzz: impl Fn()) {
        (1..=self.n).filter(|i| i % 5 == 0 && i % 3 != 0).for_each(|_| print_buzz());
    }
    pub fn fizzbuzz(&self, print_fizzbuzz: impl Fn()) {
        (1..=self.n).filter(|i| i % 15 == 0).for_each(|_| print_fizzbuzz());
    }
    pub fn number(&self, print_number: impl Fn(usize)) {
        (1..=self.n).filter(|i| i % 3 != 0 && i % 5 != 0).for_each(print_number);
    }
}
