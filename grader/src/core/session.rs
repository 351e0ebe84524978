//! Running a whole plan in this process: run after run, judged as they come, stopping at the
//! first failure or at the time budget. The sandboxed child and the in-notebook check both go
//! through here; how the plan moves on is [`PlanCursor`]'s to say, here and in the grader.

use crate::core::harness::{RunLimits, Sink, run_once};
use crate::core::judge::{Failure, judge};
use crate::core::plan::{Budget, PlanCursor, RunSpec};
use crate::core::record::RunRecord;
use crate::core::subject::Subject;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a session did.
#[derive(Debug, Clone)]
pub struct SessionResult {
    /// Runs made (including the failing one).
    pub runs: usize,
    /// The first failure, with its run.
    pub failure: Option<Failure>,
    /// Wall-clock time.
    pub duration: Duration,
    /// Whether some controlled run saw synchronisation outside `threading` (and the rest of
    /// the plan ran on OS chaos).
    pub escaped_control: bool,
    /// Runs planned in the end (fewer after a fall-back to OS chaos).
    pub planned: usize,
    /// The failing run's record (with its events), if a run failed.
    pub failed_record: Option<RunRecord>,
}

/// Runs `specs` in order until one fails, the plan ends, or `budget` is spent; `on_record`
/// sees every run's record as soon as it ends (the child streams it to the grader).
pub fn run_plan(
    subject: &Arc<Subject>,
    specs: Vec<RunSpec>,
    limits: &RunLimits,
    sink: &Arc<dyn Sink>,
    budget: Option<Budget>,
    mut on_record: impl FnMut(&RunRecord),
) -> SessionResult {
    let started = Instant::now();
    let mut cursor = PlanCursor::new(specs);
    let mut runs = 0;
    let mut failure = None;
    let mut failed_record = None;
    while let Some(spec) = cursor.current().cloned() {
        let limits = RunLimits { horizon: cursor.horizon(spec.n).or(limits.horizon), ..*limits };
        let mut record = run_once(subject, &spec, &limits, sink);
        runs += 1;
        failure = judge(subject.exercise, &spec, &record);
        if failure.is_none() {
            // Only a failing run is drawn: the others' events need not travel or stay.
            record.events = Default::default();
        }
        on_record(&record);
        if failure.is_some() {
            failed_record = Some(record);
            break;
        }
        cursor.advance(&record);
        if budget.is_some_and(|budget| budget.exhausted(runs, started.elapsed())) {
            break;
        }
    }
    SessionResult {
        runs,
        failure,
        duration: started.elapsed(),
        escaped_control: cursor.fell_back(),
        planned: cursor.specs().len(),
        failed_record,
    }
}
