//! The exercises: what the learner's type must print, and from which method.
//!
//! Each exercise is one file here: its id, the skeleton handed to learners, the methods (one
//! thread each), the expected output for a given `n`, which method may print which token, and
//! an `adapter!` macro that wraps the learner's type into a [`Subject`](crate::Subject).
//! Adding an exercise means adding a file and listing it in [`all`].

pub mod foobar;
pub mod print_in_order;
pub mod zero_even_odd;

use serde::{Deserialize, Serialize};
use std::fmt;

/// One printed item: a word (`first`, `foo`) or a number (`zero-even-odd`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Token {
    /// A number passed to `print_number`.
    Number(u64),
    /// A word printed by a word callback.
    Word(String),
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Number(n) => write!(f, "{n}"),
            Token::Word(w) => f.write_str(w),
        }
    }
}

/// Everything the grader knows about one exercise.
#[derive(Debug)]
pub struct Exercise {
    /// The id used on the command line (`zero-even-odd`).
    pub id: &'static str,
    /// Other accepted ids (`ordered-print`).
    pub aliases: &'static [&'static str],
    /// The exercise's title, as in the lessons.
    pub title: &'static str,
    /// The learner's type, as named in the skeleton.
    pub type_name: &'static str,
    /// The methods, one thread each, in the skeleton's order.
    pub roles: &'static [&'static str],
    /// Whether `new` takes `n`.
    pub takes_n: bool,
    /// The output rule, in words.
    pub rule: &'static str,
    /// The skeleton handed out to learners (exact signatures).
    pub skeleton: &'static str,
    /// The expected tokens for `n`.
    pub expected: fn(n: usize) -> Vec<Token>,
    /// Whether method `role` may print `token`.
    pub may_print: fn(role: usize, token: &Token) -> bool,
    /// Tokens joined for display: `""` gives LeetCode's `0102`, `" "` gives `foo bar`.
    pub separator: &'static str,
}

impl Exercise {
    /// The expected output joined for display.
    pub fn expected_text(&self, n: usize) -> String {
        self.join((self.expected)(n).iter())
    }

    /// Tokens joined with this exercise's separator.
    pub fn join<'a>(&self, tokens: impl Iterator<Item = &'a Token>) -> String {
        tokens.map(Token::to_string).collect::<Vec<_>>().join(self.separator)
    }

    /// The name of method `role`.
    pub fn role_name(&self, role: usize) -> &'static str {
        self.roles.get(role).copied().unwrap_or("?")
    }

    /// The `n` values worth testing: small, odd, even, one large.
    pub fn sizes(&self) -> &'static [usize] {
        if self.takes_n { &[1, 2, 3, 4, 5, 6, 7, 10] } else { &[1] }
    }

    /// The large `n` tested a few times (the issue's upper bound).
    pub fn large_size(&self) -> Option<usize> {
        self.takes_n.then_some(1000)
    }
}

/// Every exercise, in the lessons' order.
pub fn all() -> &'static [&'static Exercise] {
    static ALL: [&Exercise; 3] = [&print_in_order::EXERCISE, &foobar::EXERCISE, &zero_even_odd::EXERCISE];
    &ALL
}

/// The exercise with this id or alias.
///
/// ```
/// let e = threadlab_grader::core::exercise::find("ordered-print").unwrap();
/// assert_eq!(e.id, "print-in-order");
/// assert!(threadlab_grader::core::exercise::find("nope").is_none());
/// ```
pub fn find(id: &str) -> Option<&'static Exercise> {
    let wanted = id.trim().to_ascii_lowercase().replace('_', "-");
    all().iter().copied().find(|e| e.id == wanted || e.aliases.contains(&wanted.as_str()))
}
