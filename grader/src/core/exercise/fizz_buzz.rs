//! Fizz Buzz Multithreaded (LeetCode 1195): four threads call `fizz`, `buzz`, `fizzbuzz` and
//! `number` on one `FizzBuzz::new(n)`; the output must be 1..n with multiples of 3 as
//! `fizz`, of 5 as `buzz`, of 15 as `fizzbuzz`, each token from its own method.

use super::{Exercise, Problem, Role, Run, Token, check};

/// The exercise.
pub static EXERCISE: Exercise = Exercise {
    id: "fizz-buzz",
    aliases: &["fizzbuzz", "fizz-buzz-multithreaded", "1195"],
    title: "Fizz Buzz Multithreaded",
    type_name: "FizzBuzz",
    roles: &[Role::one("fizz"), Role::one("buzz"), Role::one("fizzbuzz"), Role::one("number")],
    rule: "1..n with multiples of 3 as fizz, of 5 as buzz, of 15 as fizzbuzz: fizz() prints only fizz, \
           buzz() only buzz, fizzbuzz() only fizzbuzz, number() only the other numbers",
    skeleton: "pub struct FizzBuzz { /* ... */ }
impl FizzBuzz {
    pub fn new(n: usize) -> FizzBuzz;
    pub fn fizz(&self, print_fizz: impl Fn());
    pub fn buzz(&self, print_buzz: impl Fn());
    pub fn fizzbuzz(&self, print_fizzbuzz: impl Fn());
    pub fn number(&self, print_number: impl Fn(usize));
}",
    // Each last token in turn (a number, fizz, buzz, fizzbuzz) and the first of each kind.
    sizes: &[1, 2, 3, 5, 6, 10, 15, 16],
    large_size: Some(1000),
    expected,
    exact: true,
    records_calls: false,
    check: check_run,
    separator: " ",
};

fn check_run(run: &Run<'_>) -> Result<(), Problem> {
    check::sequence(run, &expected(run.n), may_print)
}

fn token(i: u64) -> Token {
    match (i % 3, i % 5) {
        (0, 0) => Token::Word("fizzbuzz".into()),
        (0, _) => Token::Word("fizz".into()),
        (_, 0) => Token::Word("buzz".into()),
        _ => Token::Number(i),
    }
}

fn expected(n: usize) -> Vec<Token> {
    (1..=n as u64).map(token).collect()
}

fn may_print(role: usize, printed: &Token) -> bool {
    match (role, printed) {
        (0, Token::Word(w)) => w == "fizz",
        (1, Token::Word(w)) => w == "buzz",
        (2, Token::Word(w)) => w == "fizzbuzz",
        (3, Token::Number(x)) => x % 3 != 0 && x % 5 != 0,
        _ => false,
    }
}

/// `adapter!(FizzBuzz)`: the [`Subject`](crate::Subject) for the learner's `FizzBuzz`.
/// Numbers of any integer type are accepted (`as u64`).
#[doc(hidden)]
#[macro_export]
macro_rules! __fizz_buzz_adapter {
    ($t:ty) => {
        $crate::Subject::of::<$t>(&$crate::core::exercise::fizz_buzz::EXERCISE, |n| <$t>::new(n as _))
            .method(|o, p| o.fizz(|| p.word("fizz")))
            .method(|o, p| o.buzz(|| p.word("buzz")))
            .method(|o, p| o.fizzbuzz(|| p.word("fizzbuzz")))
            .method(|o, p| o.number(|x| p.number(x as u64)))
            .build()
    };
}
pub use crate::__fizz_buzz_adapter as adapter;
