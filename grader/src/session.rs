//! Running a whole plan in this process: run after run, judged as they come, stopping at the
//! first failure. The sandboxed child and the in-notebook check both go through here.

use crate::harness::{RunLimits, Sink, run_once};
use crate::judge::{Failure, judge};
use crate::plan::{RunSpec, StrategySpec};
use crate::record::RunRecord;
use crate::subject::Subject;
use std::collections::HashMap;
use std::ops::ControlFlow;
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
    /// Whether some controlled run saw synchronisation outside `threading`.
    pub escaped_control: bool,
    /// Runs planned in the end (fewer after a fall-back to OS chaos).
    pub planned: usize,
}

/// PCT's horizon per `n`, learnt from the runs so far: the mean number of scheduling points
/// (change points placed over the *typical* run land inside it; over the longest, many fall
/// after the end of shorter runs). The grader replays the same learning from the child's
/// records, so it knows the horizon of a run whose record was lost.
#[derive(Debug, Clone, Default)]
pub struct Horizons(HashMap<usize, (u64, u64)>);

impl Horizons {
    /// The horizon for a run with this `n`, if a run with it was seen.
    pub fn get(&self, n: usize) -> Option<u64> {
        self.0.get(&n).map(|(sum, count)| (sum / count.max(&1)).max(1))
    }

    /// Learns from a finished run.
    pub fn learn(&mut self, n: usize, steps: u64) {
        if steps > 0 {
            let seen = self.0.entry(n).or_insert((0, 0));
            seen.0 += steps;
            seen.1 += 1;
        }
    }
}

/// Runs `specs` in order until one fails or `on_record` says stop; PCT's horizon for each `n`
/// is learnt from the runs before.
///
/// Once a controlled run needed a time-slice preemption (a thread busy-waits on a read that is
/// no synchronisation point, such as `Event::is_set`, or blocks outside `threading`), the
/// rest of the plan is made on real threads with OS chaos instead (see
/// [`plan::fall_back`](crate::plan::fall_back)): controlled scheduling would only crawl from
/// time slice to time slice.
pub fn run_plan(
    subject: &Arc<Subject>,
    specs: &[RunSpec],
    limits: &RunLimits,
    sink: &Arc<dyn Sink>,
    mut on_record: impl FnMut(&RunSpec, &RunRecord, Option<&Failure>) -> ControlFlow<()>,
) -> SessionResult {
    let started = Instant::now();
    let mut horizons = Horizons::default();
    let mut result = SessionResult {
        runs: 0,
        failure: None,
        duration: Duration::ZERO,
        escaped_control: false,
        planned: specs.len(),
    };
    let mut specs = specs.to_vec();
    let mut position = 0;
    while position < specs.len() {
        let spec = specs[position].clone();
        let limits = RunLimits { horizon: horizons.get(spec.n).or(limits.horizon), ..*limits };
        let record = run_once(subject, &spec, &limits, sink);
        result.runs += 1;
        horizons.learn(spec.n, record.steps);
        let failure = judge(subject.exercise, &spec, &record);
        let flow = on_record(&spec, &record, failure.as_ref());
        if failure.is_some() {
            result.failure = failure;
            break;
        }
        if flow.is_break() {
            break;
        }
        if record.preemptions > 0
            && !result.escaped_control
            && spec.strategy.mode() == crate::plan::Mode::Controlled
        {
            result.escaped_control = true;
            if !matches!(spec.strategy, StrategySpec::Replay(_)) {
                specs = crate::plan::fall_back(&specs, position);
            }
        }
        position += 1;
    }
    result.planned = specs.len();
    result.duration = started.elapsed();
    result
}
