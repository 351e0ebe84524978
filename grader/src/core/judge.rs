//! The verdict of one run, decided from what was observed (never from what the submission says).

use crate::core::exercise::check::is_output;
use crate::core::exercise::{Exercise, Fault, Run, Token};
use crate::core::plan::{Mode, RunSpec};
use crate::core::record::{Printed, RunEnd, RunRecord, ThreadReport};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The grader's verdicts (a judge's AC, WA, RE, CE, TLE, MLE/OLE, security violation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every run printed the right tokens from the right methods and ended.
    Pass,
    /// Some run printed the wrong tokens, in the wrong order, or too few.
    WrongOutput,
    /// A token came from a method that may not print it (or from a foreign thread).
    WrongThread,
    /// Threads waited for each other forever.
    Deadlock,
    /// A thread (or the constructor) panicked, or the program crashed.
    Panic,
    /// The submission does not compile.
    CompileError,
    /// Too slow, or spinning.
    Timeout,
    /// Memory, output or thread limit exceeded.
    LimitExceeded,
    /// Forbidden code (rejected before compiling).
    Rejected,
}

impl Verdict {
    /// Every verdict, in the order above.
    pub const ALL: [Verdict; 9] = [
        Verdict::Pass,
        Verdict::WrongOutput,
        Verdict::WrongThread,
        Verdict::Deadlock,
        Verdict::Panic,
        Verdict::CompileError,
        Verdict::Timeout,
        Verdict::LimitExceeded,
        Verdict::Rejected,
    ];

    /// The kebab-case name (`wrong-output`).
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::WrongOutput => "wrong-output",
            Verdict::WrongThread => "wrong-thread",
            Verdict::Deadlock => "deadlock",
            Verdict::Panic => "panic",
            Verdict::CompileError => "compile-error",
            Verdict::Timeout => "timeout",
            Verdict::LimitExceeded => "limit-exceeded",
            Verdict::Rejected => "rejected",
        }
    }

    /// The verdict named `name`.
    ///
    /// ```
    /// use threadlab_grader::Verdict;
    /// assert_eq!(Verdict::parse("wrong-thread"), Some(Verdict::WrongThread));
    /// assert_eq!(Verdict::parse("nope"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.name() == name.trim())
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where the output first went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Divergence {
    /// Token position (0-based).
    pub index: usize,
    /// What should have been printed there (`None`: nothing more).
    pub expected: Option<String>,
    /// What was printed there (`None`: nothing).
    pub got: Option<String>,
    /// The method that printed it.
    pub method: Option<String>,
}

/// What one method printed in the failing run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodOutput {
    /// The method.
    pub method: String,
    /// Its tokens, in order.
    pub printed: Vec<String>,
}

/// Why a run failed, with everything needed to understand and replay it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The verdict.
    pub verdict: Verdict,
    /// One sentence: what went wrong.
    pub message: String,
    /// The run's index in the plan.
    pub run: usize,
    /// The exercise's `n`.
    pub n: usize,
    /// The methods in the order their threads were started.
    pub start_order: Vec<String>,
    /// The whole expected output.
    pub expected: String,
    /// The whole output.
    pub got: String,
    /// Where it first differs (or stopped).
    pub divergence: Option<Divergence>,
    /// What each method printed.
    pub by_method: Vec<MethodOutput>,
    /// For a deadlock or a timeout: every unfinished thread and what it waits on.
    pub threads: Vec<ThreadReport>,
    /// For a panic: where.
    pub location: Option<String>,
    /// The replay string.
    pub replay: String,
    /// The scheduling mode of the failing run (a plan that fell back to OS chaos has runs of
    /// both): `controlled` failures replay exactly, `chaos` ones only approximately.
    pub mode: Mode,
    /// A remark on the schedule (approximate replay, diverged replay).
    pub note: Option<String>,
}

/// The checker's problem as the judge reports it: verdict, message, and where (no output
/// position when the bad event is a call or a return without a value: the message names it).
fn problem(
    exercise: &Exercise,
    spec: &RunSpec,
    printed: &[Printed],
    complete: bool,
) -> Option<(Verdict, String, Option<Divergence>)> {
    let run = Run { exercise, n: spec.n, threads: &spec.order, events: printed, complete };
    let problem = (exercise.check)(&run).err()?;
    let verdict = match problem.fault {
        Fault::WrongOutput => Verdict::WrongOutput,
        Fault::WrongThread => Verdict::WrongThread,
    };
    let event = printed.get(problem.event);
    if event.is_some_and(|e| !is_output(exercise, e)) {
        return Some((verdict, problem.message, None));
    }
    let divergence = Divergence {
        index: run.token_position(problem.event),
        expected: problem.expected,
        got: event.map(|e| e.token.to_string()),
        method: event.map(|e| exercise.role_name(e.role).to_string()),
    };
    Some((verdict, problem.message, Some(divergence)))
}

/// Whether a panic message says a resource ran out (threads, memory) rather than a bug.
pub fn exhausted(message: &str) -> bool {
    [
        "failed to spawn thread",
        "can't start new thread",
        "Resource temporarily unavailable",
        "memory allocation of",
        "out of memory",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// The threads of a run by name, in the order they were started.
pub fn start_order(exercise: &Exercise, spec: &RunSpec) -> Vec<String> {
    let counts = exercise.thread_counts(spec.n);
    let mut seen = vec![0usize; counts.len()];
    spec.order
        .iter()
        .map(|&role| match seen.get_mut(role) {
            Some(instance) => {
                *instance += 1;
                exercise.thread_name(role, *instance - 1, spec.n)
            }
            None => "?".to_string(),
        })
        .collect()
}

/// Judges one run: `None` if it passed.
pub fn judge(exercise: &Exercise, spec: &RunSpec, record: &RunRecord) -> Option<Failure> {
    let expected = (exercise.expected)(spec.n);
    let events = &record.printed;
    // The output: callbacks, and the values calls returned (exercises that record them).
    let printed: Vec<&Printed> = events.iter().filter(|e| is_output(exercise, e)).collect();
    let stopped = Divergence {
        index: printed.len(),
        expected: if exercise.exact {
            expected.get(printed.len()).map(Token::to_string)
        } else {
            Some("the rest of a correct run".to_string())
        },
        got: None,
        method: None,
    };
    let mut threads = Vec::new();
    let mut location = None;
    let (verdict, message, divergence) =
        match (&record.end, problem(exercise, spec, events, record.end == RunEnd::Completed)) {
            (RunEnd::Panicked { thread, message, location: at }, _) => {
                location = at.clone();
                let at = at.as_deref().map(|l| format!(" at {l}")).unwrap_or_default();
                let verdict = if exhausted(message) { Verdict::LimitExceeded } else { Verdict::Panic };
                (verdict, format!("`{thread}` panicked{at}: {message}"), None)
            }
            (end, Some(problem)) => {
                if let RunEnd::Deadlock { threads: t } | RunEnd::Spinning { threads: t, .. } = end {
                    threads = t.clone();
                }
                (problem.0, problem.1, problem.2)
            }
            (RunEnd::Deadlock { threads: t }, None) => {
                threads = t.clone();
                let message = format!(
                    "deadlock after {} of {} tokens: every thread waits for another",
                    printed.len(),
                    expected.len()
                );
                (Verdict::Deadlock, message, Some(stopped))
            }
            (RunEnd::Spinning { detail, threads: t }, None) => {
                threads = t.clone();
                let message = format!("{detail} (after {} of {} tokens)", printed.len(), expected.len());
                (Verdict::Timeout, message, Some(stopped))
            }
            (RunEnd::Completed, None) => return None,
        };
    let by_method = (0..exercise.roles.len())
        .map(|role| MethodOutput {
            method: exercise.role_name(role).to_string(),
            printed: printed.iter().filter(|p| p.role == role).map(|p| p.token.to_string()).collect(),
        })
        .collect();
    Some(Failure {
        verdict,
        message,
        run: record.run,
        n: spec.n,
        start_order: start_order(exercise, spec),
        expected: exercise.expected_text(spec.n),
        got: exercise.join(printed.iter().map(|p| &p.token)),
        divergence,
        by_method,
        threads,
        location,
        replay: record.schedule.clone(),
        mode: spec.strategy.mode(),
        note: record.note.clone().or_else(|| {
            if record.preemptions > 0 {
                Some(
                    "a thread ran without reaching a threading synchronisation point and was set aside: \
                     this replay is approximate"
                        .to_string(),
                )
            } else if spec.strategy.mode() == Mode::Chaos {
                Some(
                    "found on real threads (OS chaos): the replay reruns the same perturbations, \
                     but the OS may interleave the threads differently"
                        .to_string(),
                )
            } else {
                None
            }
        }),
    })
}
