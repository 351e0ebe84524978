// expect: wrong-output
// why: fizz() takes every multiple of 3, 15 included: when it gets to 15 before fizzbuzz()
// does, it prints fizz where fizzbuzz is due.
pub struct FizzBuzz {
    n: usize,
    next: threading::Condition<usize>,
}

impl FizzBuzz {
    pub fn new(n: usize) -> FizzBuzz {
        FizzBuzz { n, next: threading::Condition::with_data(1) }
    }
    pub fn fizz(&self, print_fizz: impl Fn()) {
        self.turns(|i| i % 3 == 0, |_| print_fizz());
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
    fn turns(&self, mine: impl Fn(usize) -> bool, print: impl Fn(usize)) {
        loop {
            let mut next = self.next.lock();
            next.wait_for(|i| *i > self.n || mine(*i));
            if *next > self.n {
                return;
            }
            print(*next);
            *next += 1;
            next.notify_all();
        }
    }
}
