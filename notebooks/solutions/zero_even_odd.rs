// Reference solution for notebooks/08-zero-even-odd.ipynb (Print Zero Even Odd, LeetCode 1116).
// Check it: threadlab-grader check --exercise zero-even-odd notebooks/solutions/zero_even_odd.rs
//
// The seed's solution: one condition guards whose turn it is (0: zero's, 1: odd's, 2: even's),
// and every method waits for its own turn with `wait_for`.

pub struct ZeroEvenOdd {
    n: usize,
    turn: threading::Condition<u8>,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        ZeroEvenOdd { n, turn: threading::Condition::with_data(0) }
    }

    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 1..=self.n {
            let mut turn = self.turn.lock();
            turn.wait_for(|turn| *turn == 0);
            print_number(0);
            *turn = if i % 2 == 1 { 1 } else { 2 };
            turn.notify_all();
        }
    }

    pub fn even(&self, print_number: impl Fn(usize)) {
        self.numbers(2, 2, print_number);
    }

    pub fn odd(&self, print_number: impl Fn(usize)) {
        self.numbers(1, 1, print_number);
    }

    /// Prints `first`, `first + 2`, ... up to `n`, each when it is turn `mine`.
    fn numbers(&self, first: usize, mine: u8, print_number: impl Fn(usize)) {
        for i in (first..=self.n).step_by(2) {
            let mut turn = self.turn.lock();
            turn.wait_for(|turn| *turn == mine);
            print_number(i);
            *turn = 0;
            turn.notify_all();
        }
    }
}
