//! Print in Order (LeetCode 1114): three threads call `first`, `second`, `third` on one `Foo`,
//! in any start order; the output must be `first second third`.

use super::{Exercise, Token};
use crate::core::subject::{Printer, Subject};

const ROLES: &[&str] = &["first", "second", "third"];

/// The exercise.
pub static EXERCISE: Exercise = Exercise {
    id: "print-in-order",
    aliases: &["ordered-print", "print_in_order", "1114"],
    title: "Print in Order",
    type_name: "Foo",
    roles: ROLES,
    takes_n: false,
    rule: "first, second, third: each printed once, by its own method",
    skeleton: "pub struct Foo { /* learner's fields */ }
impl Foo {
    pub fn new() -> Foo;
    pub fn first(&self, print_first: impl FnOnce());
    pub fn second(&self, print_second: impl FnOnce());
    pub fn third(&self, print_third: impl FnOnce());
}",
    expected,
    may_print,
    separator: " ",
};

fn expected(_n: usize) -> Vec<Token> {
    ROLES.iter().map(|w| Token::Word((*w).to_string())).collect()
}

fn may_print(role: usize, token: &Token) -> bool {
    matches!(token, Token::Word(w) if ROLES.get(role) == Some(&w.as_str()))
}

/// The subject for a `Foo`-like type: `new()` and the three methods, each given a callback
/// that prints through the [`Printer`].
pub fn subject<T: Send + Sync + 'static>(
    new: impl Fn() -> T + Send + Sync + 'static,
    first: impl Fn(&T, &Printer<'_>) + Send + Sync + 'static,
    second: impl Fn(&T, &Printer<'_>) + Send + Sync + 'static,
    third: impl Fn(&T, &Printer<'_>) + Send + Sync + 'static,
) -> Subject {
    Subject::of(&EXERCISE, move |_n| new()).method(first).method(second).method(third).build()
}

/// `adapter!(Foo)`: the [`Subject`] for the learner's `Foo`.
#[doc(hidden)]
#[macro_export]
macro_rules! __print_in_order_adapter {
    ($t:ty) => {
        $crate::core::exercise::print_in_order::subject::<$t>(
            || <$t>::new(),
            |o, p| o.first(|| p.word("first")),
            |o, p| o.second(|| p.word("second")),
            |o, p| o.third(|| p.word("third")),
        )
    };
}
pub use crate::__print_in_order_adapter as adapter;
