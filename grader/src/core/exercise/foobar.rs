//! Print FooBar Alternately (LeetCode 1115): one thread calls `foo`, another `bar`, on one
//! `FooBar::new(n)`; the output must be `foo bar` repeated `n` times.

use super::{Exercise, Problem, Role, Run, Token, check};

/// The exercise.
pub static EXERCISE: Exercise = Exercise {
    id: "foobar",
    aliases: &["foo-bar", "print-foobar-alternately", "1115"],
    title: "Print FooBar Alternately",
    type_name: "FooBar",
    roles: &[Role::one("foo"), Role::one("bar")],
    rule: "foo bar, n times: foo() prints only \"foo\", bar() only \"bar\"",
    skeleton: "pub struct FooBar { /* ... */ }
impl FooBar {
    pub fn new(n: usize) -> FooBar;
    pub fn foo(&self, print_foo: impl Fn());
    pub fn bar(&self, print_bar: impl Fn());
}",
    sizes: super::SMALL_SIZES,
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

fn expected(n: usize) -> Vec<Token> {
    (0..n).flat_map(|_| [Token::Word("foo".into()), Token::Word("bar".into())]).collect()
}

fn may_print(role: usize, token: &Token) -> bool {
    matches!((role, token), (0, Token::Word(w)) if w == "foo")
        || matches!((role, token), (1, Token::Word(w)) if w == "bar")
}

/// `adapter!(FooBar)`: the [`Subject`](crate::Subject) for the learner's `FooBar`.
#[doc(hidden)]
#[macro_export]
macro_rules! __foobar_adapter {
    ($t:ty) => {
        $crate::Subject::of::<$t>(&$crate::core::exercise::foobar::EXERCISE, |n| <$t>::new(n as _))
            .method(|o, p| o.foo(|| p.word("foo")))
            .method(|o, p| o.bar(|| p.word("bar")))
            .build()
    };
}
pub use crate::__foobar_adapter as adapter;
