//! Print FooBar Alternately (LeetCode 1115): one thread calls `foo`, another `bar`, on one
//! `FooBar::new(n)`; the output must be `foo bar` repeated `n` times.

use super::{Exercise, Token};
use crate::core::subject::{Printer, Subject};

/// The exercise.
pub static EXERCISE: Exercise = Exercise {
    id: "foobar",
    aliases: &["foo-bar", "print-foobar-alternately", "1115"],
    title: "Print FooBar Alternately",
    type_name: "FooBar",
    roles: &["foo", "bar"],
    takes_n: true,
    rule: "foo bar, n times: foo() prints only \"foo\", bar() only \"bar\"",
    skeleton: "pub struct FooBar { /* ... */ }
impl FooBar {
    pub fn new(n: usize) -> FooBar;
    pub fn foo(&self, print_foo: impl Fn());
    pub fn bar(&self, print_bar: impl Fn());
}",
    expected,
    may_print,
    separator: " ",
};

fn expected(n: usize) -> Vec<Token> {
    (0..n).flat_map(|_| [Token::Word("foo".into()), Token::Word("bar".into())]).collect()
}

fn may_print(role: usize, token: &Token) -> bool {
    matches!((role, token), (0, Token::Word(w)) if w == "foo")
        || matches!((role, token), (1, Token::Word(w)) if w == "bar")
}

/// The subject for a `FooBar`-like type.
pub fn subject<T: Send + Sync + 'static>(
    new: impl Fn(usize) -> T + Send + Sync + 'static,
    foo_method: impl Fn(&T, &Printer<'_>) + Send + Sync + 'static,
    bar_method: impl Fn(&T, &Printer<'_>) + Send + Sync + 'static,
) -> Subject {
    Subject::of(&EXERCISE, new).method(foo_method).method(bar_method).build()
}

/// `adapter!(FooBar)`: the [`Subject`] for the learner's `FooBar`.
#[doc(hidden)]
#[macro_export]
macro_rules! __foobar_adapter {
    ($t:ty) => {
        $crate::core::exercise::foobar::subject::<$t>(
            |n| <$t>::new(n as _),
            |o, p| o.foo(|| p.word("foo")),
            |o, p| o.bar(|| p.word("bar")),
        )
    };
}
pub use crate::__foobar_adapter as adapter;
