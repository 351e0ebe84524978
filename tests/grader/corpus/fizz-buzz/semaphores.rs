// expect: pass
// why: one threading::Semaphore per method; whoever prints i hands the turn to the owner of i + 1
// (past n, everyone is released so that they return).
use threading::Semaphore;

pub struct FizzBuzz {
    n: u32,
    turn: [Semaphore; 4], // fizz, buzz, fizzbuzz, number
}

fn owner(i: u32) -> usize {
    match (i % 3, i % 5) {
        (0, 0) => 2,
        (0, _) => 0,
        (_, 0) => 1,
        _ => 3,
    }
}

impl FizzBuzz {
    pub fn new(n: u32) -> FizzBuzz {
        FizzBuzz { n, turn: [Semaphore::new(0), Semaphore::new(0), Semaphore::new(0), Semaphore::new(1)] }
    }
    fn run(&self, me: usize, print: impl Fn(u32)) {
        for i in (1..=self.n).filter(|&i| owner(i) == me) {
            self.turn[me].acquire();
            print(i);
            if i < self.n {
                self.turn[owner(i + 1)].release();
            }
        }
    }
    pub fn fizz(&self, print_fizz: impl Fn()) {
        self.run(0, |_| print_fizz());
    }
    pub fn buzz(&self, print_buzz: impl Fn()) {
        self.run(1, |_| print_buzz());
    }
    pub fn fizzbuzz(&self, print_fizzbuzz: impl Fn()) {
        self.run(2, |_| print_fizzbuzz());
    }
    pub fn number(&self, print_number: impl Fn(u32)) {
        self.run(3, print_number);
    }
}
