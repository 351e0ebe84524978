//! The thing under test: the learner's type, seen through its constructor and its methods.

use crate::exercise::{Exercise, Token};
use crate::harness::RunShared;

/// A print callback handed to one method: it records each token with the method it belongs to
/// and the thread that printed it.
pub struct Printer<'a> {
    pub(crate) role: usize,
    pub(crate) run: &'a RunShared,
}

impl Printer<'_> {
    /// Prints a word (`"first"`, `"foo"`).
    pub fn word(&self, word: &str) {
        self.run.record(self.role, Token::Word(word.to_string()));
    }

    /// Prints a number (`zero-even-odd`).
    pub fn number(&self, number: u64) {
        self.run.record(self.role, Token::Number(number));
    }
}

impl std::fmt::Debug for Printer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printer").field("role", &self.role).finish_non_exhaustive()
    }
}

type Constructor<T> = Box<dyn Fn(usize) -> T + Send + Sync>;
type Method<T> = Box<dyn Fn(&T, &Printer<'_>) + Send + Sync>;

/// The learner's type for one exercise: how to make one for `n`, and how to call each method
/// with a print callback. Each exercise's `adapter!` macro (and [`check!`](crate::check!))
/// builds it from the learner's type.
pub struct Subject<T> {
    /// The exercise.
    pub exercise: &'static Exercise,
    pub(crate) new: Constructor<T>,
    pub(crate) methods: Vec<Method<T>>,
}

impl<T: Send + Sync + 'static> Subject<T> {
    /// A subject whose objects are made by `new(n)`; add its methods with
    /// [`method`](Subject::method), in the exercise's order.
    pub fn new(exercise: &'static Exercise, new: impl Fn(usize) -> T + Send + Sync + 'static) -> Self {
        Subject { exercise, new: Box::new(new), methods: Vec::new() }
    }

    /// Adds the next method: `call(object, printer)` calls it with a callback that prints
    /// through `printer`.
    pub fn method(mut self, call: impl Fn(&T, &Printer<'_>) + Send + Sync + 'static) -> Self {
        self.methods.push(Box::new(call));
        self
    }
}

impl<T> std::fmt::Debug for Subject<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subject").field("exercise", &self.exercise.id).finish_non_exhaustive()
    }
}
