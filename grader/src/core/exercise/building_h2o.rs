//! Building H2O (LeetCode 1117): 2n threads call `hydrogen` and n threads call `oxygen` on one
//! `H2O::new()`, once each. The atoms must leave in molecules: every consecutive group of
//! three released atoms is 2 H + 1 O, and an atom is released only once its whole molecule
//! is there — at each release, the threads that have arrived (called their method) and not
//! yet released can complete the current molecule. A run is checked against this rule, not
//! against one output.

use super::{Count, Exercise, Fault, Problem, Role, Run, Token, check};
use crate::core::record::EventKind;

/// The exercise.
pub static EXERCISE: Exercise = Exercise {
    id: "building-h2o",
    aliases: &["h2o", "building_h2o", "1117"],
    title: "Building H2O",
    type_name: "H2O",
    roles: &[
        Role { method: "hydrogen", threads: Count::TimesN(2), calls: Count::Fixed(1) },
        Role { method: "oxygen", threads: Count::TimesN(1), calls: Count::Fixed(1) },
    ],
    rule: "molecules of 2 H + 1 O: every consecutive group of three released atoms is 2 H + 1 O, and a \
           thread releases its atom only once its molecule's other two threads have arrived (a molecule's \
           three threads all release before any thread of the next); hydrogen() releases only H, oxygen() only O",
    skeleton: "pub struct H2O { /* ... */ }
impl H2O {
    pub fn new() -> H2O;
    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()); // called by 2n threads, once each
    pub fn oxygen(&self, release_oxygen: impl FnOnce());     // called by n threads, once each
}",
    // 3n threads, one controlled task each (52 at most, the harness's included). Molecule bugs
    // show with two or three molecules; more threads only make runs slower.
    sizes: &[1, 2, 3, 4, 5, 6],
    large_size: Some(10),
    expected,
    exact: false,
    records_calls: true,
    check: check_run,
    separator: "",
};

const HYDROGEN: usize = 0;
const OXYGEN: usize = 1;

fn expected(n: usize) -> Vec<Token> {
    (0..n).flat_map(|_| ["H", "H", "O"]).map(|a| Token::Word(a.into())).collect()
}

fn atom(role: usize) -> &'static str {
    if role == HYDROGEN { "H" } else { "O" }
}

fn check_run(run: &Run<'_>) -> Result<(), Problem> {
    // Threads that have arrived and not released, per role.
    let mut waiting = [0usize; 2];
    // Atoms released in the current molecule, per role.
    let mut molecule = [0usize; 2];
    let mut released = 0usize;
    for (index, event) in run.events.iter().enumerate() {
        let role = event.role.min(OXYGEN);
        match event.kind {
            EventKind::Call => waiting[role] += 1,
            EventKind::Return => {}
            EventKind::Callback => {
                let method = run.method(event);
                let token = released + 1;
                if event.token != Token::Word(atom(role).into()) {
                    let message =
                        format!("{method}() released {} (token {token}): {}", event.token, run.exercise.rule);
                    return Err(Problem::new(Fault::WrongThread, index, message).expecting(atom(role)));
                }
                check::own_thread(run, index)?;
                let number = released / 3 + 1;
                let who = run.thread_name(event.owner);
                let need = [2, 1];
                if molecule[role] == need[role] {
                    let message = format!(
                        "{who} released {} (token {token}), a third {} in molecule {number}: each molecule is 2 H + 1 O",
                        atom(role),
                        if role == HYDROGEN { "hydrogen" } else { "oxygen" },
                    );
                    let other = atom(1 - role);
                    return Err(Problem::new(Fault::WrongOutput, index, message).expecting(other));
                }
                waiting[role] = waiting[role].saturating_sub(1);
                molecule[role] += 1;
                // What the molecule still lacks must already be waiting.
                let lacking = [need[0] - molecule[0], need[1] - molecule[1]];
                if lacking[0] > waiting[0] || lacking[1] > waiting[1] {
                    let missing: Vec<String> = (0..2)
                        .filter(|&r| lacking[r] > waiting[r])
                        .map(|r| format!("{} {}", lacking[r] - waiting[r], atom(r)))
                        .collect();
                    let message = format!(
                        "{who} released {} (token {token}) before molecule {number} was complete: {} had not \
                         arrived yet (an atom waits until its molecule's other two threads are there)",
                        atom(role),
                        missing.join(" and ")
                    );
                    return Err(Problem::new(Fault::WrongOutput, index, message));
                }
                released += 1;
                if released.is_multiple_of(3) {
                    molecule = [0, 0];
                }
            }
        }
    }
    check::complete_count(run, 3 * run.n)
}

/// `adapter!(H2O)`: the [`Subject`](crate::Subject) for the learner's `H2O`.
#[doc(hidden)]
#[macro_export]
macro_rules! __building_h2o_adapter {
    ($t:ty) => {
        $crate::Subject::of::<$t>(&$crate::core::exercise::building_h2o::EXERCISE, |_n| <$t>::new())
            .method(|o, p| o.hydrogen(|| p.word("H")))
            .method(|o, p| o.oxygen(|| p.word("O")))
            .build()
    };
}
pub use crate::__building_h2o_adapter as adapter;
