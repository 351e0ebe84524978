// Reference solution for Fizz Buzz Multithreaded (LeetCode 1195).
// Check it: threadlab-grader check --exercise fizz-buzz notebooks/solutions/fizz_buzz.rs
//
// One condition guards the next number to print; every method waits until the next number is
// one of its own (or past n, to return), prints it, moves the number on and wakes the others.

pub struct FizzBuzz {
    n: usize,
    next: threading::Condition<usize>,
}

impl FizzBuzz {
    pub fn new(n: usize) -> FizzBuzz {
        FizzBuzz { n, next: threading::Condition::with_data(1) }
    }

    pub fn fizz(&self, print_fizz: impl Fn()) {
        self.take_turns(|i| i % 3 == 0 && i % 5 != 0, |_| print_fizz());
    }

    pub fn buzz(&self, print_buzz: impl Fn()) {
        self.take_turns(|i| i % 3 != 0 && i % 5 == 0, |_| print_buzz());
    }

    pub fn fizzbuzz(&self, print_fizzbuzz: impl Fn()) {
        self.take_turns(|i| i % 15 == 0, |_| print_fizzbuzz());
    }

    pub fn number(&self, print_number: impl Fn(usize)) {
        self.take_turns(|i| i % 3 != 0 && i % 5 != 0, print_number);
    }

    fn take_turns(&self, mine: impl Fn(usize) -> bool, print: impl Fn(usize)) {
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
