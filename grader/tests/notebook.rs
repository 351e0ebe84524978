//! The in-process check (what the notebooks run) on a few known solutions.

use threading::{Condition, Event};
use threadlab_grader::{CheckOptions, Verdict, check};

/// Seed 002's FooBar with two Events: racy (clear after set can erase the other's set). The
/// corpus's own file, so the in-process check grades what the command line grades.
#[path = "../../tests/grader/corpus/foobar/seed_two_events.rs"]
mod seed_two_events;
use seed_two_events::FooBar;

pub struct ZeroEvenOdd {
    n: usize,
    turn: Condition<usize>,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> Self {
        ZeroEvenOdd { n, turn: Condition::with_data(0) }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 1..=self.n {
            let mut turn = self.turn.lock();
            turn.wait_for(|t| *t == 0);
            print_number(0);
            *turn = if i % 2 == 1 { 1 } else { 2 };
            turn.notify_all();
        }
    }
    pub fn even(&self, print_number: impl Fn(usize)) {
        for i in (2..=self.n).step_by(2) {
            let mut turn = self.turn.lock();
            turn.wait_for(|t| *t == 2);
            print_number(i);
            *turn = 0;
            turn.notify_all();
        }
    }
    pub fn odd(&self, print_number: impl Fn(usize)) {
        for i in (1..=self.n).step_by(2) {
            let mut turn = self.turn.lock();
            turn.wait_for(|t| *t == 1);
            print_number(i);
            *turn = 0;
            turn.notify_all();
        }
    }
}

#[test]
fn the_seeds_two_event_foobar_deadlocks_with_a_replayable_schedule() {
    let report = check!(foobar, FooBar, CheckOptions { print: true, ..Default::default() });
    assert_eq!(report.verdict, Verdict::Deadlock);
    let failure = report.failure.unwrap();
    let again = threadlab_grader::replay!(foobar, FooBar, &failure.replay);
    assert_eq!(again.verdict, Verdict::Deadlock);
}

#[test]
fn a_condition_based_zero_even_odd_passes() {
    let start = std::time::Instant::now();
    let report = check!(zero_even_odd, ZeroEvenOdd, CheckOptions { print: true, ..Default::default() });
    eprintln!("took {:?}", start.elapsed());
    assert_eq!(report.verdict, Verdict::Pass);
}

#[test]
fn correct_threading_code_stays_under_control_for_the_whole_plan() {
    // No time-slice preemption may happen to code that synchronises only through `threading`
    // (it would turn the rest of the plan into OS-chaos runs): a regression test for joins
    // that wait for the joined thread's OS thread while it still needs its turn.
    let options = CheckOptions { print: false, repeat: Some(3), ..Default::default() };
    let report = check!(zero_even_odd, ZeroEvenOdd, options.clone());
    assert_eq!(report.verdict, Verdict::Pass);
    assert_eq!(report.runs, report.planned_runs);
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    let report = check!(foobar, FixedFooBar, options);
    assert_eq!(report.verdict, Verdict::Pass);
    assert!(report.notes.is_empty(), "{:?}", report.notes);
}

/// The seed's FooBar, fixed: each thread clears its own event before setting the other's.
pub struct FixedFooBar {
    n: usize,
    foo_go: Event,
    bar_go: Event,
}

impl FixedFooBar {
    pub fn new(n: usize) -> FixedFooBar {
        let foo_go = Event::new();
        foo_go.set();
        FixedFooBar { n, foo_go, bar_go: Event::new() }
    }
    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n {
            self.foo_go.wait();
            self.foo_go.clear();
            print_foo();
            self.bar_go.set();
        }
    }
    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            self.bar_go.wait();
            self.bar_go.clear();
            print_bar();
            self.foo_go.set();
        }
    }
}
