//! Print Zero Even Odd (LeetCode 1116): threads call `zero`, `even`, `odd` on one
//! `ZeroEvenOdd::new(n)`; the output must be `0 1 0 2 ... 0 n` (LeetCode's `0102...`), each
//! number printed by the right method.

use super::{Exercise, Problem, Role, Run, Token, check};

/// The exercise.
pub static EXERCISE: Exercise = Exercise {
    id: "zero-even-odd",
    aliases: &["zero_even_odd", "print-zero-even-odd", "1116"],
    title: "Print Zero Even Odd",
    type_name: "ZeroEvenOdd",
    roles: &[Role::one("zero"), Role::one("even"), Role::one("odd")],
    rule: "0,1,0,2,...,0,n (length 2n): zero() prints only 0, even() only even numbers, odd() only odd ones",
    skeleton: "pub struct ZeroEvenOdd { /* ... */ }
impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd;
    pub fn zero(&self, print_number: impl Fn(usize));
    pub fn even(&self, print_number: impl Fn(usize));
    pub fn odd(&self, print_number: impl Fn(usize));
}",
    sizes: super::SMALL_SIZES,
    large_size: Some(1000),
    expected,
    exact: true,
    records_calls: false,
    check: check_run,
    separator: "",
};

fn check_run(run: &Run<'_>) -> Result<(), Problem> {
    check::sequence(run, &expected(run.n), may_print)
}

fn expected(n: usize) -> Vec<Token> {
    (1..=n as u64).flat_map(|i| [Token::Number(0), Token::Number(i)]).collect()
}

fn may_print(role: usize, token: &Token) -> bool {
    match (role, token) {
        (0, Token::Number(x)) => *x == 0,
        (1, Token::Number(x)) => *x != 0 && x % 2 == 0,
        (2, Token::Number(x)) => x % 2 == 1,
        _ => false,
    }
}

/// `adapter!(ZeroEvenOdd)`: the [`Subject`](crate::Subject) for the learner's `ZeroEvenOdd`.
/// Numbers of any integer type are accepted (`as u64`).
#[doc(hidden)]
#[macro_export]
macro_rules! __zero_even_odd_adapter {
    ($t:ty) => {
        $crate::Subject::of::<$t>(&$crate::core::exercise::zero_even_odd::EXERCISE, |n| <$t>::new(n as _))
            .method(|o, p| o.zero(|x| p.number(x as u64)))
            .method(|o, p| o.even(|x| p.number(x as u64)))
            .method(|o, p| o.odd(|x| p.number(x as u64)))
            .build()
    };
}
pub use crate::__zero_even_odd_adapter as adapter;
