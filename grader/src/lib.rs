//! Grades concurrency exercises (Print in Order, FooBar, Zero Even Odd, Fizz Buzz, Building
//! H2O, the Dining Philosophers) under stress, with controlled scheduling, and says why a solution fails with a schedule that
//! replays.
//!
//! A submission flows through named stages — **load** (`.rs`, notebook, stdin) → **policy**
//! (forbidden code, before compiling) → **build** (against a cached `threading` rlib) →
//! **run** (in a sandboxed child) → **judge** (in the grader process, from the raw events) →
//! **report** (text or JSON). The folders show the two layers: [`cli`] (load, policy,
//! prepare, build, runner, sandbox, grade, batch; behind the `cli` feature) and [`core`]
//! (exercises, plan, session, one run's harness, schedulers, judge, report), which the
//! exercise notebooks use inside the Jupyter kernel:
//!
//! ```
//! pub struct ZeroEvenOdd { n: usize, turn: threading::Condition<usize> }
//! impl ZeroEvenOdd {
//!     pub fn new(n: usize) -> Self { ZeroEvenOdd { n, turn: threading::Condition::with_data(0) } }
//!     // turn: 0 → zero's, 1 → odd's, 2 → even's
//!     pub fn zero(&self, print_number: impl Fn(usize)) {
//!         for i in 1..=self.n {
//!             let mut turn = self.turn.lock();
//!             turn.wait_for(|t| *t == 0);
//!             print_number(0);
//!             *turn = if i % 2 == 1 { 1 } else { 2 };
//!             turn.notify_all();
//!         }
//!     }
//!     pub fn even(&self, print_number: impl Fn(usize)) { self.numbers(2, 2, print_number) }
//!     pub fn odd(&self, print_number: impl Fn(usize)) { self.numbers(1, 1, print_number) }
//!     fn numbers(&self, first: usize, mine: usize, print_number: impl Fn(usize)) {
//!         for i in (first..=self.n).step_by(2) {
//!             let mut turn = self.turn.lock();
//!             turn.wait_for(|t| *t == mine);
//!             print_number(i);
//!             *turn = 0;
//!             turn.notify_all();
//!         }
//!     }
//! }
//!
//! let options = threadlab_grader::CheckOptions { repeat: Some(2), print: false, ..Default::default() };
//! let report = threadlab_grader::check!(zero_even_odd, ZeroEvenOdd, options);
//! assert_eq!(report.verdict, threadlab_grader::Verdict::Pass);
//! ```
//!
//! `check!(exercise, Type)` prints the same report the command-line grader would (without
//! the sandbox and the forbidden-code check: the learner checks their own code). Exercises
//! are `print_in_order`, `foobar`, `zero_even_odd`, `fizz_buzz`, `building_h2o`,
//! `dining_philosophers`, `bounded_blocking_queue` and `traffic_light` (written against the API of [`core::exercise`]); `check!(exercise, Type, options)`
//! takes [`CheckOptions`]. [`replay!`] reruns a failing schedule.
//!
//! # Threat model (command-line grader)
//! The submission runs in a child process that also runs the harness, so nothing in that
//! process is trusted to decide a verdict. The grader decides from a stream of raw events
//! (which method printed which token from which thread, how each run ended) sent by the
//! harness over a descriptor the submission cannot reach (see [`core::protocol`]), every run
//! closed with a nonce the submission never sees; a missing run, a missing nonce or a child that
//! ends early is a failure, never a pass. The submission is rejected before compiling if it
//! contains `unsafe`, `extern`, foreign crates, `std::{fs, net, env, process, os}`, `include*!`,
//! `asm!`, macros of its own, crate attributes or `threading`'s hooks (see `cli::policy`); the
//! child runs with resource limits, in its own network namespace, as an unprivileged user,
//! and under a seccomp filter that leaves it no way to open files or sockets or to start
//! processes (see `cli::sandbox`).

#![deny(unsafe_code)]
#![warn(missing_docs)]

// Two layers, one folder each: the core runs in the sandboxed child and in the notebook's
// kernel; the command line adds loading, the forbidden-code policy, compiling and the sandbox.
#[cfg(feature = "cli")]
pub mod cli;
pub mod core;

// What the notebooks and exercise authors name: `threadlab_grader::exercise::find("foobar")`,
// the exercise API, the report's types.
pub use self::core::exercise::{self, Count, Exercise, Fault, Problem, Role, Run, Token};
pub use self::core::judge::{Failure, Verdict};
pub use self::core::notebook::CheckOptions;
pub use self::core::plan::Mode;
pub use self::core::report::Report;
pub use self::core::subject::{Printer, Subject, SubjectBuilder};

/// Checks the learner's type for an exercise in this process and prints the report:
/// `check!(zero_even_odd, ZeroEvenOdd)`, or with [`CheckOptions`] as a third argument.
/// Returns the [`Report`].
///
/// For an exercise of an author's own (its `EXERCISE` and `adapter!` defined in an earlier
/// cell, as in the notebooks `threadlab-grader new-exercise` writes), give the subject its
/// adapter builds: `check!(adapter!(PingPong))`, or `check!(adapter!(PingPong), options)`.
#[macro_export]
macro_rules! check {
    ($exercise:ident, $t:ty) => {
        $crate::check!($exercise, $t, $crate::CheckOptions::default())
    };
    ($exercise:ident, $t:ty, $options:expr) => {
        $crate::core::notebook::grade_type($crate::core::exercise::$exercise::adapter!($t), &$options)
    };
    ($subject:expr) => {
        $crate::core::notebook::grade_type($subject, &$crate::CheckOptions::default())
    };
    ($subject:expr, $options:expr) => {
        $crate::core::notebook::grade_type($subject, &$options)
    };
}

/// [`check!`] for a graded cell (nbgrader's autograded tests, any tool that scores a cell by
/// its errors): prints the same report, then panics with its headline if the check failed, so
/// the cell ends in an `error` output. Returns the [`Report`] of a pass.
///
/// ```
/// pub struct Foo { step: threading::Condition<u8> }
/// impl Foo {
///     pub fn new() -> Foo { Foo { step: threading::Condition::with_data(0) } }
///     pub fn first(&self, p: impl FnOnce()) { let mut s = self.step.lock(); p(); *s = 1; s.notify_all(); }
///     pub fn second(&self, p: impl FnOnce()) { let mut s = self.step.lock(); s.wait_for(|s| *s == 1); p(); *s = 2; s.notify_all(); }
///     pub fn third(&self, p: impl FnOnce()) { let mut s = self.step.lock(); s.wait_for(|s| *s == 2); p(); }
/// }
/// let quiet = threadlab_grader::CheckOptions { repeat: Some(1), print: false, ..Default::default() };
/// assert!(threadlab_grader::grade!(print_in_order, Foo, quiet).passed());
///
/// pub struct Unordered;
/// impl Unordered {
///     pub fn new() -> Unordered { Unordered }
///     pub fn first(&self, p: impl FnOnce()) { p() }
///     pub fn second(&self, p: impl FnOnce()) { p() }
///     pub fn third(&self, p: impl FnOnce()) { p() }
/// }
/// let quiet = threadlab_grader::CheckOptions { repeat: Some(1), print: false, ..Default::default() };
/// let failed = std::panic::catch_unwind(|| threadlab_grader::grade!(print_in_order, Unordered, quiet));
/// assert!(failed.is_err());
/// ```
#[macro_export]
macro_rules! grade {
    ($exercise:ident, $t:ty) => {
        $crate::check!($exercise, $t).expect_pass()
    };
    ($exercise:ident, $t:ty, $options:expr) => {
        $crate::check!($exercise, $t, $options).expect_pass()
    };
    ($subject:expr) => {
        $crate::check!($subject).expect_pass()
    };
    ($subject:expr, $options:expr) => {
        $crate::check!($subject, $options).expect_pass()
    };
}

/// Reruns one run from its replay string in this process and prints the report:
/// `replay!(zero_even_odd, ZeroEvenOdd, "c1-n3-o201-AB2C")`, or for an author's exercise
/// `replay!(adapter!(PingPong), "c1-n3-o10-AB")`.
#[macro_export]
macro_rules! replay {
    ($exercise:ident, $t:ty, $schedule:expr) => {
        $crate::core::notebook::replay_type($crate::core::exercise::$exercise::adapter!($t), $schedule, true)
    };
    ($subject:expr, $schedule:expr) => {
        $crate::core::notebook::replay_type($subject, $schedule, true)
    };
}
