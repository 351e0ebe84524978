//! What an exercise's checker sees and says: a [`Run`] (the recorded events of one run, in
//! order, with who made them) in, `Ok(())` or a [`Problem`] naming the first bad event out —
//! and the checks most exercises share ([`sequence`], [`own_thread`]).

use crate::core::exercise::{Exercise, Token};
use crate::core::record::{EventKind, Printed};
use serde::{Deserialize, Serialize};

/// One run as the checker sees it.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// The exercise.
    pub exercise: &'a Exercise,
    /// The run's `n`.
    pub n: usize,
    /// The role of each thread, in the order they were started (a thread's position here is
    /// how events name it: [`Printed::owner`], [`Printed::caller`]).
    pub threads: &'a [usize],
    /// The events so far, in the order they happened.
    pub events: &'a [Printed],
    /// Whether every thread returned (otherwise the run deadlocked, spun or panicked, and the
    /// events are a prefix: check only what is there).
    pub complete: bool,
}

/// What kind of wrong a [`Problem`] is (the judge's `wrong-output` and `wrong-thread`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// The events break the rule: wrong order, wrong value, too few or too many.
    WrongOutput,
    /// A callback was called by the wrong method or from the wrong thread.
    WrongThread,
}

/// The first thing wrong with a run, found by an exercise's checker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The kind of wrong.
    pub fault: Fault,
    /// The index in [`Run::events`] of the first bad event (`events.len()` when something is
    /// missing at the end).
    pub event: usize,
    /// What was due there instead, if one thing was.
    pub expected: Option<String>,
    /// One sentence naming the bad event and the rule it breaks.
    pub message: String,
}

impl<'a> Run<'a> {
    /// The callback events (what was printed), with their index in [`Run::events`].
    pub fn callbacks(&self) -> impl Iterator<Item = (usize, &'a Printed)> + 'a {
        self.events.iter().enumerate().filter(|(_, e)| e.kind == EventKind::Callback)
    }

    /// The number of output events (see [`is_output`]) before event `index` (its token
    /// position).
    pub fn token_position(&self, index: usize) -> usize {
        self.events[..index.min(self.events.len())].iter().filter(|e| is_output(self.exercise, e)).count()
    }

    /// Which of its role's threads the thread at `position` is (0 for the first started).
    pub fn instance(&self, position: usize) -> usize {
        let role = self.threads.get(position).copied();
        self.threads[..position.min(self.threads.len())].iter().filter(|r| Some(**r) == role).count()
    }

    /// The thread at `position`, by name (`hydrogen#2`, `foo`).
    pub fn thread_name(&self, position: usize) -> String {
        match self.threads.get(position) {
            Some(&role) => self.exercise.thread_name(role, self.instance(position), self.n),
            None => "?".to_string(),
        }
    }

    /// A thread in words: "the `foo` thread", or "a thread the grader did not start".
    pub fn describe_thread(&self, position: Option<usize>) -> String {
        match position {
            Some(p) => format!("the `{}` thread", self.thread_name(p)),
            None => "a thread the grader did not start".to_string(),
        }
    }

    /// The method an event belongs to.
    pub fn method(&self, event: &Printed) -> &'static str {
        self.exercise.role_name(event.role)
    }
}

impl Problem {
    /// A problem of kind `fault` at event `event`.
    pub fn new(fault: Fault, event: usize, message: impl Into<String>) -> Problem {
        Problem { fault, event, expected: None, message: message.into() }
    }

    /// The same problem, saying what was due at the event.
    pub fn expecting(mut self, expected: impl ToString) -> Problem {
        self.expected = Some(expected.to_string());
        self
    }
}

/// Whether an event is part of the run's output as reports show it: a callback event, or the
/// [`Return`](EventKind::Return) event of a call whose adapter recorded what it returned
/// ([`Printer::returned`](crate::Printer::returned): its token is that value, not the
/// method's name). An exercise without returned values has only its callbacks as output.
pub fn is_output(exercise: &Exercise, event: &Printed) -> bool {
    match event.kind {
        EventKind::Callback => true,
        EventKind::Call => false,
        EventKind::Return => is_returned_value(exercise, event.role, &event.token),
    }
}

/// Whether the token of a Return event of `role`'s call is a value the adapter recorded
/// rather than the method's name (what a call without a recorded value leaves).
pub fn is_returned_value(exercise: &Exercise, role: usize, token: &Token) -> bool {
    !matches!(token, Token::Word(w) if w.as_str() == exercise.role_name(role))
}

/// Whether the callback event at `index` was called from the thread whose call received it
/// (LeetCode's callbacks are the method's to call, on its own thread).
pub fn own_thread(run: &Run<'_>, index: usize) -> Result<(), Problem> {
    let event = &run.events[index];
    if event.caller == Some(event.owner) {
        return Ok(());
    }
    let message = format!(
        "{}()'s print callback was called from {} (token {})",
        run.method(event),
        run.describe_thread(event.caller),
        run.token_position(index) + 1
    );
    Err(Problem::new(Fault::WrongThread, index, message))
}

/// The check for an exercise with one correct output: every callback event in turn may be
/// printed by its method (`may_print(role, token)`, else wrong-thread), is called from its
/// own thread, and is the expected token; a complete run printed all of `expected`.
///
/// ```
/// use threadlab_grader::core::exercise::{check, find, Token, Fault};
/// use threadlab_grader::core::record::{EventKind, Printed};
/// let exercise = find("foobar").unwrap();
/// let word = |seq, role: usize, w: &str| Printed {
///     seq, role, thread: Some(role), token: Token::Word(w.into()),
///     owner: role, caller: Some(role), call: 0, kind: EventKind::Callback,
/// };
/// let events = [word(0, 0, "foo"), word(1, 0, "foo")];
/// let run = check::Run { exercise, n: 1, threads: &[0, 1], events: &events, complete: true };
/// let expected = (exercise.expected)(1);
/// let problem = check::sequence(&run, &expected, |_, _| true).unwrap_err();
/// assert_eq!((problem.fault, problem.event), (Fault::WrongOutput, 1));
/// ```
pub fn sequence(
    run: &Run<'_>,
    expected: &[Token],
    may_print: impl Fn(usize, &Token) -> bool,
) -> Result<(), Problem> {
    let mut printed = 0;
    for (index, event) in run.callbacks() {
        let position = printed;
        printed += 1;
        let method = run.method(event);
        let want = expected.get(position);
        let at = |p: Problem| match want {
            Some(w) => p.expecting(w),
            None => p,
        };
        if !may_print(event.role, &event.token) {
            let message =
                format!("{method}() printed {} (token {}): {}", event.token, position + 1, run.exercise.rule);
            return Err(at(Problem::new(Fault::WrongThread, index, message)));
        }
        own_thread(run, index).map_err(at)?;
        if want != Some(&event.token) {
            let message = match want {
                Some(want) => format!(
                    "token {} is {} (printed by {method}()) where {want} was expected",
                    position + 1,
                    event.token
                ),
                None => format!(
                    "token {} is {} (printed by {method}()) after the whole expected output",
                    position + 1,
                    event.token
                ),
            };
            return Err(at(Problem::new(Fault::WrongOutput, index, message)));
        }
    }
    if run.complete && printed < expected.len() {
        let message =
            format!("every thread returned after printing only {printed} of {} tokens", expected.len());
        return Err(Problem::new(Fault::WrongOutput, run.events.len(), message).expecting(&expected[printed]));
    }
    Ok(())
}

/// For exercises checked by a rule: a complete run made exactly `count` callback events.
pub fn complete_count(run: &Run<'_>, count: usize) -> Result<(), Problem> {
    let printed = run.callbacks().count();
    if run.complete && printed < count {
        let message = format!("every thread returned after printing only {printed} of {count} tokens");
        return Err(Problem::new(Fault::WrongOutput, run.events.len(), message));
    }
    if let Some((index, event)) = run.callbacks().nth(count) {
        let message = format!(
            "token {} is {} (printed by {}()) after the whole expected output ({count} tokens)",
            count + 1,
            event.token,
            run.method(event)
        );
        return Err(Problem::new(Fault::WrongOutput, index, message));
    }
    Ok(())
}
