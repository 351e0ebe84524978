//! The exercise API from outside the crate: an exercise defined here, with only public types,
//! grades a right and a wrong type in process; and the rule-based checkers of the built-in
//! exercises judge hand-made event logs.

use threadlab_grader::core::exercise::{Count, Exercise, Fault, Problem, Role, Run, Token, check, find};
use threadlab_grader::core::record::{EventKind, Printed};
use threadlab_grader::{CheckOptions, Subject, Verdict};

/// Turnstile: n threads call `enter` twice each; the tickets handed out must read 1, 2, 3, ...
static TURNSTILE: Exercise = Exercise {
    id: "turnstile",
    aliases: &[],
    title: "Turnstile",
    type_name: "Turnstile",
    roles: &[Role { method: "enter", threads: Count::TimesN(1), calls: Count::Fixed(2) }],
    rule: "tickets 1, 2, 3, ... 2n, printed in order",
    skeleton: "pub fn enter(&self, print_ticket: impl FnOnce(u64));",
    sizes: &[1, 2, 3],
    large_size: None,
    expected: |n| (1..=2 * n as u64).map(Token::Number).collect(),
    exact: true,
    records_calls: false,
    check: check_turnstile,
    separator: " ",
};

fn check_turnstile(run: &Run<'_>) -> Result<(), Problem> {
    check::sequence(run, &(TURNSTILE.expected)(run.n), |_, token| matches!(token, Token::Number(_)))
}

pub struct Locked {
    next: threading::Lock<u64>,
}

impl Locked {
    fn enter(&self, print_ticket: impl FnOnce(u64)) {
        let mut next = self.next.lock();
        *next += 1;
        print_ticket(*next);
    }
}

pub struct PrintsOutsideTheLock {
    next: threading::Lock<u64>,
}

impl PrintsOutsideTheLock {
    fn enter(&self, print_ticket: impl FnOnce(u64)) {
        let ticket = {
            let mut next = self.next.lock();
            *next += 1;
            *next
        };
        print_ticket(ticket);
    }
}

fn quiet() -> CheckOptions {
    CheckOptions { print: false, repeat: Some(20), ..Default::default() }
}

#[test]
fn an_exercise_defined_outside_the_crate_grades_a_right_and_a_wrong_type() {
    let right = Subject::of(&TURNSTILE, |_n| Locked { next: threading::Lock::with_data(0) })
        .method(|o: &Locked, p| o.enter(|t| p.number(t)))
        .build();
    let report = threadlab_grader::core::notebook::grade_type(right, &quiet());
    assert_eq!(report.verdict, Verdict::Pass, "{report}");

    let wrong = Subject::of(&TURNSTILE, |_n| PrintsOutsideTheLock { next: threading::Lock::with_data(0) })
        .method(|o: &PrintsOutsideTheLock, p| o.enter(|t| p.number(t)))
        .build();
    let report = threadlab_grader::core::notebook::grade_type(wrong, &quiet());
    assert_eq!(report.verdict, Verdict::WrongOutput, "{report}");
    let failure = report.failure.expect("a failure");
    assert!(failure.n >= 2, "one thread alone cannot get it wrong: {failure:?}");
    assert!(failure.start_order.iter().all(|t| t.starts_with("enter#")), "{:?}", failure.start_order);
}

/// A callback event of `owner`'s call, called from `owner`.
fn released(seq: u64, role: usize, owner: usize, word: &str) -> Printed {
    Printed {
        seq,
        role,
        thread: Some(role),
        token: Token::Word(word.into()),
        owner,
        caller: Some(owner),
        call: 0,
        kind: EventKind::Callback,
    }
}

fn arrived(seq: u64, role: usize, owner: usize) -> Printed {
    let method = if role == 0 { "hydrogen" } else { "oxygen" };
    Printed { kind: EventKind::Call, ..released(seq, role, owner, method) }
}

#[test]
fn building_h2o_checks_the_molecule_rule_not_one_output() {
    let h2o = find("building-h2o").unwrap();
    let threads = [1, 0, 0]; // oxygen, hydrogen, hydrogen
    let judge = |events: &[Printed], complete| {
        (h2o.check)(&Run { exercise: h2o, n: 1, threads: &threads, events, complete })
    };
    // O H H, each released once all three have arrived: right (not the example's H H O).
    let right = [arrived(0, 1, 0), arrived(1, 0, 1), arrived(2, 0, 2)]
        .into_iter()
        .chain([released(3, 1, 0, "O"), released(4, 0, 1, "H"), released(5, 0, 2, "H")])
        .collect::<Vec<_>>();
    assert_eq!(judge(&right, true), Ok(()));
    // Released before its molecule's hydrogens arrived.
    let early = [arrived(0, 1, 0), released(1, 1, 0, "O")];
    let problem = judge(&early, false).unwrap_err();
    assert_eq!((problem.fault, problem.event), (Fault::WrongOutput, 1), "{problem:?}");
    assert!(problem.message.contains("before molecule 1 was complete"), "{problem:?}");
    // Every thread returned, one atom short.
    let short = &right[..5];
    assert_eq!(judge(short, true).unwrap_err().fault, Fault::WrongOutput);
    assert_eq!(judge(short, false), Ok(()));
}

#[test]
fn dining_philosophers_catch_a_fork_held_twice() {
    let dining = find("dining-philosophers").unwrap();
    let threads = [0; 5];
    // Philosopher 0 picks fork 1 (its right), then philosopher 1 picks fork 1 (its left).
    let events = [released(0, 0, 0, "pick-right"), released(1, 0, 1, "pick-left")];
    let run = Run { exercise: dining, n: 1, threads: &threads, events: &events, complete: false };
    let problem = (dining.check)(&run).unwrap_err();
    assert_eq!((problem.fault, problem.event), (Fault::WrongOutput, 1), "{problem:?}");
    assert!(problem.message.contains("while philosopher 0 held it"), "{problem:?}");
    // A callback called from another thread is the wrong thread.
    let foreign = [Printed { caller: Some(3), ..released(0, 0, 0, "pick-left") }];
    let run = Run { events: &foreign, ..run };
    assert_eq!((dining.check)(&run).unwrap_err().fault, Fault::WrongThread);
}

pub struct DiningPhilosophers {
    table: threading::Lock,
}

#[allow(clippy::new_without_default)] // the skeleton's `new()`, as a learner writes it
impl DiningPhilosophers {
    pub fn new() -> Self {
        DiningPhilosophers { table: threading::Lock::new() }
    }
    #[allow(clippy::too_many_arguments)]
    pub fn wants_to_eat(
        &self,
        philosopher: u8,
        pick_left_fork: impl FnOnce(),
        pick_right_fork: impl FnOnce(),
        eat: impl FnOnce(),
        put_left_fork: impl FnOnce(),
        put_right_fork: impl FnOnce(),
    ) {
        let _table = self.table.lock();
        assert!(philosopher < 5, "philosophers are 0 to 4");
        pick_left_fork();
        pick_right_fork();
        eat();
        put_left_fork();
        put_right_fork();
    }
}

pub struct H2O;

#[allow(clippy::new_without_default)] // the skeleton's `new()`, as a learner writes it
impl H2O {
    pub fn new() -> Self {
        H2O
    }
    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        release_hydrogen();
    }
    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        release_oxygen();
    }
}

#[test]
fn the_notebook_macros_take_the_new_exercises() {
    // Philosopher numbers of another integer type go through the adapter's `as _`.
    let report = threadlab_grader::check!(dining_philosophers, DiningPhilosophers, quiet());
    assert_eq!(report.verdict, Verdict::Pass, "{report}");
    let report = threadlab_grader::check!(building_h2o, H2O, quiet());
    assert_eq!(report.verdict, Verdict::WrongOutput, "{report}");
    let replay = report.failure.expect("a failure").replay;
    let again = threadlab_grader::core::notebook::replay_type(
        threadlab_grader::core::exercise::building_h2o::adapter!(H2O),
        &replay,
        false,
    );
    assert_eq!(again.verdict, Verdict::WrongOutput, "{again}");
}
