// expect: wrong-thread
// why: number() waits with `if` instead of `while`: woken when the turn moved on to someone
// else's number (buzz printed 5, now it is fizz's 6), it prints that number itself.
pub struct FizzBuzz {
    n: usize,
    next: threading::Condition<usize>,
}

impl FizzBuzz {
    pub fn new(n: usize) -> FizzBuzz {
        FizzBuzz { n, next: threading::Condition::with_data(1) }
    }
    pub fn fizz(&self, print_fizz: impl Fn()) {
        self.turns(|i| i % 3 == 0 && i % 5 != 0, |_| print_fizz());
    }
    pub fn buzz(&self, print_buzz: impl Fn()) {
        self.turns(|i| i % 5 == 0 && i % 3 != 0, |_| print_buzz());
    }
    pub fn fizzbuzz(&self, print_fizzbuzz: impl Fn()) {
        self.turns(|i| i % 15 == 0, |_| print_fizzbuzz());
    }
    pub fn number(&self, print_number: impl Fn(usize)) {
        loop {
            let mut next = self.next.lock();
            if *next <= self.n && (*next % 3 == 0 || *next % 5 == 0) {
                next.wait();
            }
            if *next > self.n {
                return;
            }
            print_number(*next);
            *next += 1;
            next.notify_all();
        }
    }
    fn turns(&self, mine: impl Fn(usize) -> bool, print: impl Fn(usize)) {
        loop {
            let mut next = self.next.lock();
            while *next <= self.n && !mine(*next) {
                next.wait();
            }
            if *next > self.n {
                return;
            }
            print(*next);
            *next += 1;
            next.notify_all();
        }
    }
}
