//! The exercises, and the API an exercise is written against.
//!
//! An exercise is one file: a static [`Exercise`] (id, title, the learner's type, the
//! skeleton, its [`Role`]s — each a method, how many threads call it for a given `n` and how
//! many calls each makes — the sizes worth testing, and a [`check`](Exercise::check)
//! function that turns a run's recorded events into a pass or a [`Problem`]), plus an
//! `adapter!` macro that wraps the learner's type into a [`Subject`](crate::Subject). The
//! built-in exercises below are written against exactly this API; an author's exercise can
//! be too, since everything it names is public: listed in [`built_in`], or written in a file
//! of its own outside the grader ([`Authored`], graded with `--exercise-file`; the authors'
//! guide is `grader/EXERCISES.md`).
//!
//! Deadlocks, timeouts, panics and limits are not the exercise's business: the judge
//! ([`judge`](crate::core::judge)) decides those the same way for every exercise.

pub mod bounded_blocking_queue;
pub mod building_h2o;
pub mod check;
pub mod dining_philosophers;
pub mod fizz_buzz;
pub mod foobar;
pub mod print_in_order;
pub mod traffic_light;
pub mod zero_even_odd;

pub use self::check::{Fault, Problem, Run};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::OnceLock;

/// One printed item: a word (`first`, `foo`) or a number (`zero-even-odd`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Token {
    /// A number passed to `print_number`.
    Number(u64),
    /// A word printed by a word callback.
    Word(String),
}

impl Token {
    /// An integer as a token: a [`Number`](Token::Number) if it is not negative, else a
    /// [`Word`](Token::Word) with its digits (`-1`), which no checker mistakes for a value it
    /// handed out.
    ///
    /// ```
    /// use threadlab_grader::exercise::Token;
    /// assert_eq!(Token::integer(7), Token::Number(7));
    /// assert_eq!(Token::integer(-1), Token::Word("-1".into()));
    /// ```
    pub fn integer(value: i64) -> Token {
        u64::try_from(value).map(Token::Number).unwrap_or_else(|_| Token::Word(value.to_string()))
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Number(n) => write!(f, "{n}"),
            Token::Word(w) => f.write_str(w),
        }
    }
}

/// A count that may grow with the exercise's `n`: threads of a role, calls of a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Count {
    /// Always this many (`Fixed(5)`: five philosophers).
    Fixed(usize),
    /// This many times `n` (`TimesN(2)`: 2n hydrogen threads).
    TimesN(usize),
}

impl Count {
    /// The count for `n`.
    ///
    /// ```
    /// use threadlab_grader::exercise::Count;
    /// assert_eq!(Count::TimesN(2).of(3), 6);
    /// assert_eq!(Count::Fixed(5).of(3), 5);
    /// ```
    pub const fn of(self, n: usize) -> usize {
        match self {
            Count::Fixed(k) => k,
            Count::TimesN(k) => k * n,
        }
    }
}

/// One method of the learner's type and who calls it: `threads` threads, each making `calls`
/// calls in a row. Which arguments a call gets is the adapter's to say, from the thread's
/// [`instance`](crate::Printer::instance) and the call's [`call`](crate::Printer::call)
/// number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// The method's name (`hydrogen`).
    pub method: &'static str,
    /// How many threads call it.
    pub threads: Count,
    /// How many calls each of those threads makes.
    pub calls: Count,
}

impl Role {
    /// A method called once, by one thread (Print in Order's `first`, FooBar's `foo`).
    pub const fn one(method: &'static str) -> Role {
        Role { method, threads: Count::Fixed(1), calls: Count::Fixed(1) }
    }
}

/// Everything the grader knows about one exercise.
#[derive(Debug)]
pub struct Exercise {
    /// The id used on the command line (`zero-even-odd`); its module and the `check!` macro's
    /// first argument are the id with `_` (`zero_even_odd`).
    pub id: &'static str,
    /// Other accepted ids (`ordered-print`).
    pub aliases: &'static [&'static str],
    /// The exercise's title, as in the lessons.
    pub title: &'static str,
    /// The learner's type, as named in the skeleton.
    pub type_name: &'static str,
    /// The methods and their threads, in the skeleton's order (a role's index is its digit in
    /// a replay string's start order).
    pub roles: &'static [Role],
    /// What a correct run shows, in words (it ends the message of a wrong-thread failure).
    pub rule: &'static str,
    /// The skeleton handed out to learners (exact signatures).
    pub skeleton: &'static str,
    /// The `n` values tested in every round.
    pub sizes: &'static [usize],
    /// A large `n` tested twice in the first round, if any.
    pub large_size: Option<usize>,
    /// A correct output for `n`: the only one when [`exact`](Exercise::exact), otherwise one
    /// of many. Its length is the number of output events of a complete run — callbacks, and
    /// the values calls returned ([`check::is_output`]) — (it sizes the run's limits and the
    /// reports' "after k of N").
    pub expected: fn(n: usize) -> Vec<Token>,
    /// Whether [`expected`](Exercise::expected) is the one correct output (reports then show
    /// it as such; otherwise they show the rule).
    pub exact: bool,
    /// Whether the harness records a [`Call`](crate::core::record::EventKind::Call) event as
    /// each thread enters a method call and a [`Return`](crate::core::record::EventKind::Return)
    /// event as it returns (rules about arrivals need them: a hydrogen atom may be released
    /// only once its molecule's three threads have arrived).
    pub records_calls: bool,
    /// The exercise's checker: a pass, or the first problem in the run's events. It sees the
    /// events so far; [`Run::complete`] says whether every thread returned.
    pub check: fn(run: &Run<'_>) -> Result<(), Problem>,
    /// Tokens joined for display: `""` gives LeetCode's `0102`, `" "` gives `foo bar`.
    pub separator: &'static str,
}

impl Exercise {
    /// The expected output joined for display (for a rule-checked exercise, one correct
    /// output, said to be one of many).
    pub fn expected_text(&self, n: usize) -> String {
        let example = self.join((self.expected)(n).iter());
        if self.exact { example } else { format!("{example} (one of many correct runs: the rule decides)") }
    }

    /// Tokens joined with this exercise's separator.
    pub fn join<'a>(&self, tokens: impl Iterator<Item = &'a Token>) -> String {
        tokens.map(Token::to_string).collect::<Vec<_>>().join(self.separator)
    }

    /// The name of method `role`.
    pub fn role_name(&self, role: usize) -> &'static str {
        self.roles.get(role).map(|r| r.method).unwrap_or("?")
    }

    /// The method names, in order.
    pub fn methods(&self) -> Vec<&'static str> {
        self.roles.iter().map(|r| r.method).collect()
    }

    /// How many threads call each method for `n`.
    pub fn thread_counts(&self, n: usize) -> Vec<usize> {
        self.roles.iter().map(|r| r.threads.of(n)).collect()
    }

    /// The name of a role's thread: the method's name, with `#instance` when several threads
    /// call it (`hydrogen#3`).
    pub fn thread_name(&self, role: usize, instance: usize, n: usize) -> String {
        match self.roles.get(role) {
            Some(r) if r.threads.of(n) > 1 => format!("{}#{instance}", r.method),
            Some(r) => r.method.to_string(),
            None => "?".to_string(),
        }
    }
}

/// The sizes most exercises test: small, odd and even.
pub const SMALL_SIZES: &[usize] = &[1, 2, 3, 4, 5, 6, 7, 10];

/// The exercises built into the grader, in the lessons' order.
pub fn built_in() -> &'static [&'static Exercise] {
    static BUILT_IN: [&Exercise; 8] = [
        &print_in_order::EXERCISE,
        &foobar::EXERCISE,
        &zero_even_odd::EXERCISE,
        &fizz_buzz::EXERCISE,
        &building_h2o::EXERCISE,
        &dining_philosophers::EXERCISE,
        &bounded_blocking_queue::EXERCISE,
        &traffic_light::EXERCISE,
    ];
    &BUILT_IN
}

/// An exercise written outside the grader, in a file of its own, compiled into a grader built
/// for it (see `cli::authored`): the exercise and the file's text, which the harness of every
/// submission includes (as a module) to build its [`Subject`](crate::Subject).
#[derive(Debug, Clone, Copy)]
pub struct Authored {
    /// The exercise the file defines (its `EXERCISE`).
    pub exercise: &'static Exercise,
    /// The file's path, as given when the grader was built for it.
    pub path: &'static str,
    /// The file's text.
    pub source: &'static str,
}

static AUTHORED: OnceLock<Vec<Authored>> = OnceLock::new();

/// Makes authored exercises gradable next to the built-in ones. Called once, first thing, by
/// a grader built for them; returns them back if the catalogue was already fixed (an
/// exercise was looked up before), or if an id is already taken.
pub fn register(authored: Vec<Authored>) -> Result<(), Vec<Authored>> {
    let taken = |a: &Authored| {
        built_in().iter().any(|e| e.id == a.exercise.id)
            || authored.iter().filter(|b| b.exercise.id == a.exercise.id).count() > 1
    };
    if authored.iter().any(taken) {
        return Err(authored);
    }
    AUTHORED.set(authored)
}

/// The authored exercises this grader was built with (none for the plain grader).
pub fn authored() -> &'static [Authored] {
    AUTHORED.get_or_init(Vec::new)
}

/// The authored exercise `exercise` is, if it is one (its file's text is then the harness's).
pub fn as_authored(exercise: &Exercise) -> Option<&'static Authored> {
    authored().iter().find(|a| std::ptr::eq(a.exercise, exercise))
}

/// How a command line names the exercise `id`: `--exercise ID`, plus `--exercise-file PATH`
/// for an authored one (so that a replay command printed by a report works as it is).
///
/// ```
/// assert_eq!(threadlab_grader::exercise::command_line("foobar"), "--exercise foobar");
/// ```
pub fn command_line(id: &str) -> String {
    match authored().iter().find(|a| a.exercise.id == id) {
        Some(a) => format!("--exercise-file {} --exercise {id}", shell_word(a.path)),
        None => format!("--exercise {id}"),
    }
}

/// `text` as one shell word (quoted only when it needs to be).
pub fn shell_word(text: &str) -> String {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+:@%".contains(c)) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Every exercise: the built-in ones in the lessons' order, then the authored ones.
pub fn all() -> &'static [&'static Exercise] {
    static ALL: OnceLock<Vec<&'static Exercise>> = OnceLock::new();
    ALL.get_or_init(|| built_in().iter().copied().chain(authored().iter().map(|a| a.exercise)).collect())
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
