//! Print in Order (LeetCode 1114): three threads call `first`, `second`, `third` on one `Foo`,
//! in any start order; the output must be `first second third`.

use super::{Exercise, Problem, Role, Run, Token, check};

const ROLES: &[&str] = &["first", "second", "third"];

/// The exercise.
pub static EXERCISE: Exercise = Exercise {
    id: "print-in-order",
    aliases: &["ordered-print", "print_in_order", "1114"],
    title: "Print in Order",
    type_name: "Foo",
    roles: &[Role::one("first"), Role::one("second"), Role::one("third")],
    rule: "first, second, third: each printed once, by its own method",
    skeleton: "pub struct Foo { /* learner's fields */ }
impl Foo {
    pub fn new() -> Foo;
    pub fn first(&self, print_first: impl FnOnce());
    pub fn second(&self, print_second: impl FnOnce());
    pub fn third(&self, print_third: impl FnOnce());
}",
    sizes: &[1],
    large_size: None,
    expected,
    exact: true,
    records_calls: false,
    check: check_run,
    separator: " ",
};

fn check_run(run: &Run<'_>) -> Result<(), Problem> {
    check::sequence(run, &expected(run.n), may_print)
}

fn expected(_n: usize) -> Vec<Token> {
    ROLES.iter().map(|w| Token::Word((*w).to_string())).collect()
}

fn may_print(role: usize, token: &Token) -> bool {
    matches!(token, Token::Word(w) if ROLES.get(role) == Some(&w.as_str()))
}

/// `adapter!(Foo)`: the [`Subject`](crate::Subject) for the learner's `Foo`.
#[doc(hidden)]
#[macro_export]
macro_rules! __print_in_order_adapter {
    ($t:ty) => {
        $crate::Subject::of::<$t>(&$crate::core::exercise::print_in_order::EXERCISE, |_n| <$t>::new())
            .method(|o, p| o.first(|| p.word("first")))
            .method(|o, p| o.second(|| p.word("second")))
            .method(|o, p| o.third(|| p.word("third")))
            .build()
    };
}
pub use crate::__print_in_order_adapter as adapter;
