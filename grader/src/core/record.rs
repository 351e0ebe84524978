//! What a run leaves behind: the printed tokens, how it ended, its schedule.
//!
//! These are the raw observations the judge decides from. In the sandboxed child they travel
//! to the grader process (see [`protocol`](crate::core::protocol)); in process they stay in memory.

use crate::core::events::EventLog;
use crate::core::exercise::Token;
use serde::{Deserialize, Serialize};

/// What a recorded event is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// A callback handed to a method call was called (something was printed or released).
    #[default]
    Callback,
    /// A thread entered a method call (recorded only for exercises that ask for it:
    /// [`Exercise::records_calls`](crate::core::exercise::Exercise::records_calls)); the
    /// token is the method's name.
    Call,
    /// A method call returned (same condition); the token is what the call returned when
    /// the adapter recorded it ([`Printer::returned`](crate::Printer::returned): `dequeue`'s
    /// value), else the method's name.
    Return,
}

fn is_callback(kind: &EventKind) -> bool {
    *kind == EventKind::Callback
}

/// One event of a run, as the harness saw it: most often a call of a print callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Printed {
    /// Position in the run's events (0-based).
    pub seq: u64,
    /// The method whose callback was called.
    pub role: usize,
    /// The method whose harness thread made the call (`None`: a thread the harness did not
    /// start).
    pub thread: Option<usize>,
    /// What was printed.
    pub token: Token,
    /// The thread (its position in the run's start order) whose method call received the
    /// callback.
    #[serde(default)]
    pub owner: usize,
    /// The thread (position in the start order) that called the callback (`None`: a thread
    /// the harness did not start).
    #[serde(default)]
    pub caller: Option<usize>,
    /// Which of the owner's calls (0-based) received the callback.
    #[serde(default)]
    pub call: usize,
    /// What the event is (a callback unless said otherwise).
    #[serde(default, skip_serializing_if = "is_callback")]
    pub kind: EventKind,
}

/// One thread in a deadlock or timeout report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadReport {
    /// The thread's name (the method it runs, for the harness's threads).
    pub name: String,
    /// What it is doing: `blocked in Condition.wait, created at submission.rs:7:20`, ...
    pub state: String,
    /// Whether this is the grader's own thread (the one joining the others).
    #[serde(default)]
    pub harness: bool,
}

/// How a run ended, as observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RunEnd {
    /// Every thread returned.
    Completed,
    /// A thread (or the constructor) panicked.
    Panicked {
        /// The thread's name (`new` for the constructor).
        thread: String,
        /// The panic message.
        message: String,
        /// Where, `file:line:column`.
        location: Option<String>,
    },
    /// No thread could make progress and some were blocked.
    Deadlock {
        /// Every unfinished thread and what it waits on.
        threads: Vec<ThreadReport>,
    },
    /// Too slow or spinning: the step cap or the wall-clock limit was reached.
    Spinning {
        /// Which limit, in words.
        detail: String,
        /// Every unfinished thread and what it does.
        threads: Vec<ThreadReport>,
    },
}

/// Everything observed in one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The run's index in its plan.
    pub run: usize,
    /// The tokens, in output order.
    pub printed: Vec<Printed>,
    /// How it ended.
    pub end: RunEnd,
    /// The replay string.
    pub schedule: String,
    /// Scheduling points passed (controlled runs).
    pub steps: u64,
    /// Wall-clock duration in microseconds.
    pub micros: u64,
    /// Time-slice preemptions (controlled runs; non-zero means synchronisation outside
    /// `threading`, and an approximate replay).
    pub preemptions: usize,
    /// A remark on the schedule (a replay that diverged).
    pub note: Option<String>,
    /// What each thread did, step by step (controlled runs; kept only for a failing run, see
    /// [`session`](crate::core::session)).
    #[serde(default, skip_serializing_if = "EventLog::is_empty")]
    pub events: EventLog,
}
