//! Replay strings: a run's parameters and its schedule in one copyable word, and the strategy
//! that follows a recorded schedule.
//!
//! `c1-n5-o201-AB3CA` reads: controlled run (version 1), `n = 5`, methods started in the order
//! 2, 0, 1 (indices into the exercise's methods), then the decisions: task A (the harness's main
//! thread), B three times, C, A. Tasks are lettered in creation order (`A`..`Z`, `a`..`z`, then
//! `_52_`, `_53_`, ... for runs with more threads); a count after a letter repeats it; `~` marks a time-slice preemption (a thread that ran too
//! long without reaching a synchronisation point was set aside), which a replay can only
//! approximate. On a run that injects spurious wake-ups, every wait that `std` allows to end
//! spuriously (`Condvar` waits, `park`) is in the schedule too: `+` for one that ended without
//! a notification, `.` for one left to wait (counts repeat them too; both are safe unquoted in
//! a shell), so a replay gives each wait the same answer: `c1-n1-o201-B4.+B3C5` is B for four
//! decisions, a wait left waiting, one woken spuriously, B for three decisions, ...
//! `o1-n5-o201-s2a` is an OS-chaos run with seed `0x2a`: real threads, so its
//! replay reruns the same perturbations but cannot force the same interleaving.

use super::{ChoicePoint, Strategy};
use crate::core::plan::StrategySpec;
use std::fmt;
use thiserror::Error;

/// One recorded decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The controller let this task run.
    Run(usize),
    /// The watchdog set the running task aside and let this one run.
    Preempt(usize),
    /// The running task reached a wait that may end spuriously, and it did (`+`) or not (`.`).
    Wait {
        /// Whether it ended at once, without a notification.
        spurious: bool,
    },
}

fn wait_mark(spurious: bool) -> char {
    if spurious { '+' } else { '.' }
}

/// The decisions of one controlled run (only those with a choice: forced steps are implied).
///
/// ```
/// use threadlab_grader::core::schedule::{Step, Trace};
/// let trace: Trace = "AB3_60_2.+~C".parse().unwrap();
/// assert_eq!(trace.0[4..6], [Step::Run(60), Step::Run(60)]);
/// assert_eq!(trace.0[6..], [Step::Wait { spurious: false }, Step::Wait { spurious: true }, Step::Preempt(2)]);
/// assert_eq!(trace.to_string(), "AB3_60_2.+~C");
/// assert!("A_7_".parse::<Trace>().is_err()); // a task with a letter of its own
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace(pub Vec<Step>);

/// Tasks a controlled run keeps track of; threads created beyond run uncontrolled. Letters
/// name the first 52, `_N_` the rest: a `std` solution may start a thread per item (and the
/// sandbox stops a process at 128 threads anyway).
const MAX_TASKS: usize = 4096;

fn letter(task: usize) -> String {
    match task {
        0..=25 => char::from(b'A' + task as u8).to_string(),
        26..=51 => char::from(b'a' + (task - 26) as u8).to_string(),
        _ => format!("_{task}_"),
    }
}

/// The task a letter (or `_N_`, whose `_` has been read) names.
fn task_of(c: char, chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<usize> {
    match c {
        'A'..='Z' => Some(c as usize - 'A' as usize),
        'a'..='z' => Some(c as usize - 'a' as usize + 26),
        '_' => {
            let mut number = String::new();
            for d in chars.by_ref() {
                if d == '_' {
                    return number.parse().ok().filter(|&t| (52..MAX_TASKS).contains(&t));
                }
                number.push(d);
            }
            None
        }
        _ => None,
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let steps = &self.0;
        let mut i = 0;
        while i < steps.len() {
            match steps[i] {
                Step::Preempt(task) => {
                    write!(f, "~{}", letter(task))?;
                    i += 1;
                }
                step @ (Step::Run(_) | Step::Wait { .. }) => {
                    let mut count = 1;
                    while i + count < steps.len() && steps[i + count] == step {
                        count += 1;
                    }
                    let mark = match step {
                        Step::Run(task) => letter(task),
                        Step::Wait { spurious } => wait_mark(spurious).to_string(),
                        Step::Preempt(_) => unreachable!(),
                    };
                    f.write_fmt(format_args!("{mark}"))?;
                    if count > 1 {
                        write!(f, "{count}")?;
                    }
                    i += count;
                }
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for Trace {
    type Err = ReplayError;

    fn from_str(text: &str) -> Result<Trace, ReplayError> {
        let mut steps = Vec::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let preempt = c == '~';
            let c = if preempt { chars.next().ok_or(ReplayError::Trace(text.into()))? } else { c };
            let step = match c {
                '+' | '.' if !preempt => Step::Wait { spurious: c == '+' },
                _ => {
                    let task = task_of(c, &mut chars).ok_or(ReplayError::Trace(text.into()))?;
                    if preempt { Step::Preempt(task) } else { Step::Run(task) }
                }
            };
            let mut count = 0usize;
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                count = count
                    .checked_mul(10)
                    .and_then(|c| c.checked_add(d as usize))
                    .ok_or(ReplayError::Trace(text.into()))?;
                chars.next();
            }
            match step {
                Step::Preempt(_) => steps.push(step),
                _ => steps.extend(std::iter::repeat_n(step, count.max(1))),
            }
        }
        Ok(Trace(steps))
    }
}

impl Trace {
    /// Whether the run had time-slice preemptions (its replay is then approximate).
    pub fn has_preemptions(&self) -> bool {
        self.0.iter().any(|s| matches!(s, Step::Preempt(_)))
    }

    pub(crate) fn letter_limit() -> usize {
        MAX_TASKS
    }
}

/// How a run was scheduled, enough to run it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleKind {
    /// One thread at a time, following these decisions.
    Controlled(Trace),
    /// Real threads perturbed by the chaos scheduler with this seed.
    Chaos(u64),
    /// Real threads, no perturbation (the naive baseline).
    Naive,
    /// One thread at a time, following a strategy from its seed (for runs whose trace was
    /// lost, e.g. when the program crashed).
    Seeded(StrategySpec),
}

/// A run's parameters and schedule: what a replay string holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// The exercise's `n`.
    pub n: usize,
    /// Start order: indices into the exercise's methods.
    pub order: Vec<usize>,
    /// The schedule itself.
    pub kind: ScheduleKind,
}

/// A replay string that does not parse.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ReplayError {
    /// The string's overall shape is wrong.
    #[error("not a replay string: `{0}` (expected something like c1-n5-o201-AB3CA or o1-n5-o201-s2a)")]
    Shape(String),
    /// The decisions part is wrong.
    #[error("bad schedule in replay string: `{0}`")]
    Trace(String),
    /// The start order does not fit the exercise.
    #[error("the start order {order:?} is not a permutation of this exercise's {roles} methods")]
    Order {
        /// The order found.
        order: Vec<usize>,
        /// How many methods the exercise has.
        roles: usize,
    },
    /// The start order does not start as many threads per method as the exercise does.
    #[error(
        "the start order {order:?} does not start {threads:?} threads per method (this exercise's, for its n)"
    )]
    Threads {
        /// The order found.
        order: Vec<usize>,
        /// How many threads each method has.
        threads: Vec<usize>,
    },
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Exercises have fewer than ten methods: one digit each.
        let order: String = self.order.iter().map(|r| r.to_string()).collect();
        match &self.kind {
            ScheduleKind::Controlled(trace) => write!(f, "c1-n{}-o{order}-{trace}", self.n),
            ScheduleKind::Chaos(seed) => write!(f, "o1-n{}-o{order}-s{seed:x}", self.n),
            ScheduleKind::Naive => write!(f, "x1-n{}-o{order}", self.n),
            ScheduleKind::Seeded(StrategySpec::Pct { seed, depth, horizon }) => {
                write!(f, "c1-n{}-o{order}-pct{depth}-h{}-s{seed:x}", self.n, horizon.unwrap_or(0))
            }
            ScheduleKind::Seeded(StrategySpec::Random { seed }) => {
                write!(f, "c1-n{}-o{order}-rnd-s{seed:x}", self.n)
            }
            ScheduleKind::Seeded(other) => write!(f, "c1-n{}-o{order}-{other:?}", self.n),
        }
    }
}

impl Schedule {
    /// Parses a replay string and checks its start order against an exercise with `roles`
    /// methods.
    ///
    /// ```
    /// use threadlab_grader::core::schedule::Schedule;
    /// let s = Schedule::parse("c1-n5-o201-AB3CA", 3).unwrap();
    /// assert_eq!((s.n, s.order.clone()), (5, vec![2, 0, 1]));
    /// assert_eq!(s.to_string(), "c1-n5-o201-AB3CA");
    /// assert!(Schedule::parse("c1-n5-o21-A", 3).is_err());
    /// ```
    pub fn parse(text: &str, roles: usize) -> Result<Schedule, ReplayError> {
        Schedule::parse_threads(text, &|_| vec![1; roles])
    }

    /// Parses a replay string and checks its start order (one digit per thread: the method
    /// it calls) against an exercise whose methods have `threads(n)` threads each.
    ///
    /// ```
    /// use threadlab_grader::core::schedule::Schedule;
    /// let h2o = |n: usize| vec![2 * n, n];
    /// assert_eq!(Schedule::parse_threads("c1-n1-o010-AB", &h2o).unwrap().order, vec![0, 1, 0]);
    /// assert!(Schedule::parse_threads("c1-n1-o011-AB", &h2o).is_err());
    /// ```
    pub fn parse_threads(text: &str, threads: &dyn Fn(usize) -> Vec<usize>) -> Result<Schedule, ReplayError> {
        let text = text.trim();
        let shape = || ReplayError::Shape(text.to_string());
        let mut parts = text.splitn(4, '-');
        let mode = parts.next().ok_or_else(shape)?;
        let n =
            parts.next().and_then(|p| p.strip_prefix('n')).and_then(|p| p.parse().ok()).ok_or_else(shape)?;
        let order_text = parts.next().and_then(|p| p.strip_prefix('o')).ok_or_else(shape)?;
        let order: Vec<usize> = order_text
            .chars()
            .map(|c| c.to_digit(10).map(|d| d as usize).ok_or_else(shape))
            .collect::<Result<_, _>>()?;
        let threads = threads(n);
        let mut counts = vec![0usize; threads.len()];
        for &role in &order {
            if let Some(count) = counts.get_mut(role) {
                *count += 1;
            }
        }
        if counts != threads || counts.iter().sum::<usize>() != order.len() {
            // One thread per method: the start order is a permutation of the methods.
            return Err(if threads.iter().all(|&t| t == 1) {
                ReplayError::Order { order, roles: threads.len() }
            } else {
                ReplayError::Threads { order, threads }
            });
        }
        let rest = parts.next();
        let kind = match (mode, rest) {
            ("c1", Some(rest)) if rest.contains('-') => {
                ScheduleKind::Seeded(parse_seeded(rest).ok_or_else(shape)?)
            }
            ("c1", rest) => ScheduleKind::Controlled(rest.unwrap_or("").parse()?),
            ("o1", Some(seed)) => ScheduleKind::Chaos(
                seed.strip_prefix('s').and_then(|s| u64::from_str_radix(s, 16).ok()).ok_or_else(shape)?,
            ),
            ("x1", None) => ScheduleKind::Naive,
            _ => return Err(shape()),
        };
        Ok(Schedule { n, order, kind })
    }
}

/// `pct2-h57-s1f` or `rnd-s1f`.
fn parse_seeded(text: &str) -> Option<StrategySpec> {
    let parts: Vec<&str> = text.split('-').collect();
    let seed = |p: &str| p.strip_prefix('s').and_then(|s| u64::from_str_radix(s, 16).ok());
    match parts.as_slice() {
        [pct, h, s] => Some(StrategySpec::Pct {
            depth: pct.strip_prefix("pct")?.parse().ok()?,
            horizon: Some(h.strip_prefix('h')?.parse().ok()?),
            seed: seed(s)?,
        }),
        ["rnd", s] => Some(StrategySpec::Random { seed: seed(s)? }),
        _ => None,
    }
}

/// Follows a recorded trace; after it (or if the program no longer matches it), keeps the
/// running task running. Each wait gets the answer the trace has for it (`+` spurious, `.`
/// not); a trace without waits is a run that injected no spurious wake-up.
///
/// ```
/// use threadlab_grader::core::schedule::{ChoicePoint, Strategy, Trace, replay::Replay};
/// let trace: Trace = "AB.+A".parse().unwrap();
/// assert_eq!(trace.to_string(), "AB.+A");
/// let mut replay = Replay::new(trace);
/// let at = |step| ChoicePoint { candidates: &[0, 1], current: Some(0), unfair: false, step };
/// assert_eq!(replay.choose(&at(0)), 0);
/// assert_eq!(replay.choose(&at(1)), 1);
/// assert_eq!(replay.spurious_wakeup(2), Some(false));
/// assert_eq!(replay.spurious_wakeup(2), Some(true));
/// assert_eq!(replay.choose(&at(3)), 0);
/// assert_eq!(replay.spurious_wakeup(4), None); // past the trace: no spurious wake-up
/// assert!(replay.note().is_none());
/// ```
#[derive(Debug)]
pub struct Replay {
    steps: std::iter::Peekable<std::vec::IntoIter<Step>>,
    diverged_at: Option<u64>,
}

impl Replay {
    /// A strategy replaying `trace`.
    pub fn new(trace: Trace) -> Self {
        Replay { steps: trace.0.into_iter().peekable(), diverged_at: None }
    }

    fn fallback(decision: &ChoicePoint<'_>) -> usize {
        match decision.current {
            Some(current) if decision.candidates.contains(&current) && !decision.unfair => current,
            _ => decision.candidates[0],
        }
    }
}

impl Strategy for Replay {
    fn choose(&mut self, decision: &ChoicePoint<'_>) -> usize {
        loop {
            match self.steps.next() {
                Some(Step::Preempt(_)) => continue,
                Some(Step::Wait { .. }) => {
                    // A wake-up the program no longer asks for here.
                    self.diverged_at.get_or_insert(decision.step);
                    continue;
                }
                Some(Step::Run(task)) if decision.candidates.contains(&task) => return task,
                Some(Step::Run(_)) => {
                    self.diverged_at.get_or_insert(decision.step);
                    return Self::fallback(decision);
                }
                None => return Self::fallback(decision),
            }
        }
    }

    fn spurious_wakeup(&mut self, _step: u64) -> Option<bool> {
        match self.steps.next_if(|s| matches!(s, Step::Wait { .. })) {
            Some(Step::Wait { spurious }) => Some(spurious),
            _ => None,
        }
    }

    fn note(&self) -> Option<String> {
        self.diverged_at
            .map(|step| format!("the program no longer follows this schedule (it diverged at step {step})"))
    }
}
