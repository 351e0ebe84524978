//! The thing under test: the learner's type, seen through its constructor and its methods.
//!
//! The type is erased as soon as the subject is built, so that the harness, the schedulers
//! and the judge are compiled once, in the cached runtime, and a submission's own compilation
//! only has its adapter closures to do.

use crate::core::exercise::{Exercise, Token};
use crate::core::harness::RunShared;
use std::any::Any;
use std::marker::PhantomData;
use std::sync::Arc;

/// What one method call is given to build its callbacks from: it records each token with the
/// method and the call it belongs to and the thread that printed it, and says which thread
/// and which call this is (for the call's arguments: `philosopher = instance()`).
pub struct Printer<'a> {
    pub(crate) role: usize,
    pub(crate) instance: usize,
    pub(crate) owner: usize,
    pub(crate) call: usize,
    pub(crate) run: &'a RunShared,
    /// What the call returned, if the adapter said (see [`returned`](Printer::returned)).
    pub(crate) returned: std::sync::Mutex<Option<Token>>,
}

impl Printer<'_> {
    /// Prints a word (`"first"`, `"foo"`).
    pub fn word(&self, word: &str) {
        self.token(Token::Word(word.to_string()));
    }

    /// Prints a number (`zero-even-odd`).
    pub fn number(&self, number: u64) {
        self.token(Token::Number(number));
    }

    /// Records any token as a callback event of this call.
    pub fn token(&self, token: Token) {
        self.run.record(self, token);
    }

    /// Records what this call returned (`dequeue`'s value, `size`'s count): the harness puts
    /// it on the call's [`Return`](crate::core::record::EventKind::Return) event in place of
    /// the method's name, so a checker sees each value with the interval of the call that
    /// returned it. Only exercises that [record calls](crate::core::exercise::Exercise::records_calls)
    /// have Return events; a call that records nothing keeps the method's name. Not a
    /// scheduling point, and not an event of its own: replay strings do not change.
    pub fn returned(&self, token: Token) {
        *self.returned.lock().unwrap_or_else(|e| e.into_inner()) = Some(token);
    }

    /// [`returned`](Printer::returned) for an integer of any type (the adapter's `as i64`):
    /// see [`Token::integer`].
    pub fn returned_integer(&self, value: i64) {
        self.returned(Token::integer(value));
    }

    /// Takes what the call returned (the harness, once the call is over).
    pub(crate) fn take_returned(&self) -> Option<Token> {
        self.returned.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// Which of its method's threads makes this call (0 for the first started): five
    /// philosophers are instances 0 to 4 of `wants_to_eat`'s threads.
    pub fn instance(&self) -> usize {
        self.instance
    }

    /// Which of its thread's calls this is (0-based).
    pub fn call(&self) -> usize {
        self.call
    }
}

impl std::fmt::Debug for Printer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printer")
            .field("role", &self.role)
            .field("instance", &self.instance)
            .field("call", &self.call)
            .finish_non_exhaustive()
    }
}

/// One object of the learner's type, shared by the method threads.
pub(crate) type Object = Arc<dyn Any + Send + Sync>;
type Constructor = Box<dyn Fn(usize) -> Object + Send + Sync>;
type Method = Box<dyn Fn(&(dyn Any + Send + Sync), &Printer<'_>) + Send + Sync>;

/// The learner's type for one exercise: how to make one for `n`, and how to make one call of
/// each method with its callbacks. Each exercise's `adapter!` macro (and [`check!`](crate::check!))
/// builds it from the learner's type.
///
/// ```
/// use threadlab_grader::{Subject, exercise::print_in_order::EXERCISE};
/// pub struct Foo;
/// impl Foo {
///     fn first(&self, f: impl FnOnce()) { f() }
/// }
/// let subject = Subject::of(&EXERCISE, |_n| Foo).method(|foo: &Foo, p| foo.first(|| p.word("first")));
/// assert_eq!(subject.build().exercise.id, "print-in-order");
/// ```
pub struct Subject {
    /// The exercise.
    pub exercise: &'static Exercise,
    pub(crate) new: Constructor,
    pub(crate) methods: Vec<Method>,
}

/// A [`Subject`] being built for the type `T`.
pub struct SubjectBuilder<T> {
    subject: Subject,
    _type: PhantomData<fn() -> T>,
}

impl Subject {
    /// Starts a subject whose objects are made by `new(n)`; add its methods with
    /// [`method`](SubjectBuilder::method), in the exercise's order.
    pub fn of<T: Send + Sync + 'static>(
        exercise: &'static Exercise,
        new: impl Fn(usize) -> T + Send + Sync + 'static,
    ) -> SubjectBuilder<T> {
        let new: Constructor = Box::new(move |n| Arc::new(new(n)) as Object);
        SubjectBuilder { subject: Subject { exercise, new, methods: Vec::new() }, _type: PhantomData }
    }
}

impl<T: Send + Sync + 'static> SubjectBuilder<T> {
    /// Adds the next method: `call(object, printer)` calls it with a callback that prints
    /// through `printer`.
    pub fn method(mut self, call: impl Fn(&T, &Printer<'_>) + Send + Sync + 'static) -> Self {
        self.subject.methods.push(Box::new(move |object, printer| {
            let object = object.downcast_ref::<T>().expect("objects come from this subject's constructor");
            call(object, printer)
        }));
        self
    }

    /// The finished subject.
    pub fn build(self) -> Subject {
        self.subject
    }
}

impl std::fmt::Debug for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subject").field("exercise", &self.exercise.id).finish_non_exhaustive()
    }
}
