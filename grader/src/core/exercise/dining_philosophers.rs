//! The Dining Philosophers (LeetCode 1226): five threads, philosophers 0 to 4, each call
//! `wants_to_eat` n times on one `DiningPhilosophers::new()`. Philosopher p's left fork is
//! fork p and its right fork is fork (p + 1) % 5. A fork is never held by two philosophers at
//! once, a philosopher eats only holding both its forks, puts down only forks it holds, and
//! every call returns (no deadlock: the judge's, as for every exercise).

use super::{Count, Exercise, Fault, Problem, Role, Run, Token, check};

/// The exercise.
pub static EXERCISE: Exercise = Exercise {
    id: "dining-philosophers",
    aliases: &["philosophers", "dining_philosophers", "1226"],
    title: "The Dining Philosophers",
    type_name: "DiningPhilosophers",
    roles: &[Role { method: "wants_to_eat", threads: Count::Fixed(5), calls: Count::TimesN(1) }],
    rule: "philosopher p (0..5) picks its left fork p and its right fork (p+1)%5, eats holding both, puts \
           both down; no fork is held by two philosophers at once; each philosopher eats n times and every \
           call returns",
    skeleton: "pub struct DiningPhilosophers { /* ... */ }
impl DiningPhilosophers {
    pub fn new() -> DiningPhilosophers;
    // Five threads (philosophers 0..5) each call this n times.
    pub fn wants_to_eat(
        &self,
        philosopher: usize,
        pick_left_fork: impl FnOnce(),
        pick_right_fork: impl FnOnce(),
        eat: impl FnOnce(),
        put_left_fork: impl FnOnce(),
        put_right_fork: impl FnOnce(),
    );
}",
    sizes: &[1, 2, 3, 5],
    large_size: Some(20),
    expected,
    exact: false,
    records_calls: false,
    check: check_run,
    separator: " ",
};

const PHILOSOPHERS: usize = 5;
const STEPS: [&str; 5] = ["pick-left", "pick-right", "eat", "put-left", "put-right"];

fn expected(n: usize) -> Vec<Token> {
    (0..PHILOSOPHERS * n).flat_map(|_| STEPS).map(|s| Token::Word(s.into())).collect()
}

fn check_run(run: &Run<'_>) -> Result<(), Problem> {
    let mut holder: [Option<usize>; PHILOSOPHERS] = [None; PHILOSOPHERS];
    let mut meals = [0usize; PHILOSOPHERS];
    for (index, event) in run.callbacks() {
        check::own_thread(run, index)?;
        let p = run.instance(event.owner) % PHILOSOPHERS;
        let token = run.token_position(index) + 1;
        let (left, right) = (p, (p + 1) % PHILOSOPHERS);
        let wrong = |message: String| Err(Problem::new(Fault::WrongOutput, index, message));
        let step = match &event.token {
            Token::Word(w) => w.as_str(),
            Token::Number(_) => "?",
        };
        match step {
            "pick-left" | "pick-right" => {
                let (fork, side) = if step == "pick-left" { (left, "left") } else { (right, "right") };
                if let Some(q) = holder[fork] {
                    let whom = if q == p { "itself".to_string() } else { format!("philosopher {q}") };
                    return wrong(format!(
                        "philosopher {p} picked up its {side} fork {fork} (token {token}) while {whom} held it"
                    ));
                }
                holder[fork] = Some(p);
            }
            "eat" => {
                if holder[left] != Some(p) || holder[right] != Some(p) {
                    return wrong(format!(
                        "philosopher {p} ate (token {token}) without holding both its forks {left} and {right}"
                    ));
                }
                meals[p] += 1;
            }
            "put-left" | "put-right" => {
                let (fork, side) = if step == "put-left" { (left, "left") } else { (right, "right") };
                if holder[fork] != Some(p) {
                    return wrong(format!(
                        "philosopher {p} put down its {side} fork {fork} (token {token}) without holding it"
                    ));
                }
                holder[fork] = None;
            }
            other => return wrong(format!("unknown step {other} (token {token})")),
        }
    }
    if run.complete {
        if let Some(p) = (0..PHILOSOPHERS).find(|&p| meals[p] != run.n) {
            let message = format!(
                "every thread returned, but philosopher {p} ate {} times instead of {}",
                meals[p], run.n
            );
            return Err(Problem::new(Fault::WrongOutput, run.events.len(), message));
        }
        if let Some(fork) = (0..PHILOSOPHERS).find(|&f| holder[f].is_some()) {
            let message = format!(
                "every thread returned with fork {fork} still held by philosopher {}",
                holder[fork].unwrap_or(0)
            );
            return Err(Problem::new(Fault::WrongOutput, run.events.len(), message));
        }
    }
    check::complete_count(run, PHILOSOPHERS * STEPS.len() * run.n)
}

/// `adapter!(DiningPhilosophers)`: the [`Subject`](crate::Subject) for the learner's
/// `DiningPhilosophers`; philosopher numbers of any integer type are accepted (`as _`).
#[doc(hidden)]
#[macro_export]
macro_rules! __dining_philosophers_adapter {
    ($t:ty) => {
        $crate::Subject::of::<$t>(&$crate::core::exercise::dining_philosophers::EXERCISE, |_n| <$t>::new())
            .method(|o, p| {
                o.wants_to_eat(
                    p.instance() as _,
                    || p.word("pick-left"),
                    || p.word("pick-right"),
                    || p.word("eat"),
                    || p.word("put-left"),
                    || p.word("put-right"),
                )
            })
            .build()
    };
}
pub use crate::__dining_philosophers_adapter as adapter;
