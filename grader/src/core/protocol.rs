//! The private channel between the sandboxed child and the grader process.
//!
//! The grader passes a [`ChildConfig`] on file descriptor 3 and reads [`Message`]s, one JSON
//! object per line, from file descriptor 4. Only the harness writes there: a submission cannot
//! name the harness's items (the check rejects the crate's name), cannot open or write a file
//! descriptor (no `unsafe`, no `std::os`, `std::fs` or `std::process`, and a seccomp filter
//! besides), and does not know the nonce, which the harness reads before the submission's code
//! first runs and which must close every run. What the submission prints goes to its stdout,
//! which the grader only caps and shows.

use crate::core::harness::RunLimits;
use crate::core::plan::{Budget, Runs};
use crate::core::record::{Printed, RunRecord};
use serde::{Deserialize, Serialize};

/// The descriptor the child reads its configuration from.
pub const CONFIG_FD: i32 = 3;
/// The descriptor the child writes its messages to.
pub const EVENTS_FD: i32 = 4;

/// What the child is asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildConfig {
    /// The exercise id the grader expects the child to be built for.
    pub exercise: String,
    /// The plan to run, or the one run to replay.
    pub runs: Runs,
    /// Closes every run; unknown to the submission.
    pub nonce: u64,
    /// Limits of one run: the grader's own, as they are.
    pub limits: RunLimits,
    /// Install the seccomp filter before the submission runs.
    pub seccomp: bool,
    /// Stop early once this budget is spent (the `done` message then says how many runs).
    #[serde(default)]
    pub budget: Option<Budget>,
}

/// One line from the child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "kebab-case")]
pub enum Message {
    /// How the child's sandbox went.
    Sandbox {
        /// Whether the seccomp filter is in place.
        seccomp: bool,
        /// Details (the error, if any).
        detail: String,
    },
    /// A token printed in run `run`.
    Printed {
        /// The run.
        run: usize,
        /// The token.
        printed: Printed,
    },
    /// Run `record.run` ended (its tokens came before, as `Printed`).
    End {
        /// The nonce from the config.
        nonce: u64,
        /// The run's record, with `printed` left empty.
        record: RunRecord,
    },
    /// The child made `runs` runs and stops.
    Done {
        /// The nonce from the config.
        nonce: u64,
        /// Runs made.
        runs: usize,
    },
}
