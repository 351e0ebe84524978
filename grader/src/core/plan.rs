//! Which runs to make: every start order, small/odd/even `n` and one large, many schedules.
//!
//! A plan is a pure function of the exercise, the mode, the seed and the repeat count, so the
//! sandboxed child and the grader process compute the same list, and the grader can tell
//! whether every planned run really reported.

use crate::core::exercise::Exercise;
use crate::core::record::RunRecord;
use crate::core::schedule::{ReplayError, Schedule, ScheduleKind, Trace};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How the threads are scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// One thread at a time, chosen at every synchronisation point (PCT and random walks).
    /// For code on `threading` and on `std` (whose paths are routed through
    /// `threading::stdlib`).
    Controlled,
    /// Real threads perturbed by seeded yields, delays and starvation windows. For what no
    /// scheduler controls (a thread that blocks or spins without reaching a point, the few
    /// `std` items `threading::stdlib` passes through).
    Chaos,
    /// Real threads, nothing injected: what LeetCode-style judges do (the benchmark baseline).
    Naive,
}

impl Mode {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Controlled => "controlled",
            Mode::Chaos => "chaos",
            Mode::Naive => "naive",
        }
    }
}

/// How one run picks who runs next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StrategySpec {
    /// PCT with this bug depth.
    Pct {
        /// The strategy's seed.
        seed: u64,
        /// Bug depth (1 to 3).
        depth: usize,
        /// The expected run length in scheduling points; `None`: learnt from earlier runs.
        #[serde(default)]
        horizon: Option<u64>,
    },
    /// Uniform random choice at every point.
    Random {
        /// The strategy's seed.
        seed: u64,
    },
    /// Follow a recorded trace.
    Replay(String),
    /// OS chaos with this seed.
    Chaos {
        /// The perturbation seed.
        seed: u64,
    },
    /// Real threads, unperturbed.
    Naive,
}

impl StrategySpec {
    /// The mode this strategy belongs to.
    pub fn mode(&self) -> Mode {
        match self {
            StrategySpec::Pct { .. } | StrategySpec::Random { .. } | StrategySpec::Replay(_) => {
                Mode::Controlled
            }
            StrategySpec::Chaos { .. } => Mode::Chaos,
            StrategySpec::Naive => Mode::Naive,
        }
    }
}

/// One run: the parameters and the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSpec {
    /// Position in the plan.
    pub index: usize,
    /// The exercise's `n`.
    pub n: usize,
    /// The order the methods' threads are started in (indices into the exercise's methods).
    pub order: Vec<usize>,
    /// How it is scheduled.
    pub strategy: StrategySpec,
}

/// What to plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOptions {
    /// Scheduling mode.
    pub mode: Mode,
    /// Seed of everything random in the plan.
    pub seed: u64,
    /// Rounds over every (start order, n) pair; `None` for the exercise's default.
    pub repeat: Option<usize>,
}

/// The time budget of a whole plan by default, in milliseconds (the command line's
/// `--budget`, the notebook check's `budget_ms`).
pub const DEFAULT_BUDGET_MS: u64 = 2_000;

/// Runs each exercise gets by default, per mode: enough for PCT to find depth-2 ordering
/// bugs with high probability, few enough for a verdict in well under three seconds.
pub fn default_runs(mode: Mode) -> usize {
    match mode {
        Mode::Controlled => 600,
        Mode::Chaos | Mode::Naive => 240,
    }
}

/// Every permutation of `0..k`, in lexicographic order.
///
/// ```
/// assert_eq!(threadlab_grader::core::plan::permutations(3).len(), 6);
/// assert_eq!(threadlab_grader::core::plan::permutations(2), vec![vec![0, 1], vec![1, 0]]);
/// ```
pub fn permutations(k: usize) -> Vec<Vec<usize>> {
    fn extend(prefix: &mut Vec<usize>, k: usize, out: &mut Vec<Vec<usize>>) {
        if prefix.len() == k {
            out.push(prefix.clone());
            return;
        }
        for next in 0..k {
            if !prefix.contains(&next) {
                prefix.push(next);
                extend(prefix, k, out);
                prefix.pop();
            }
        }
    }
    let mut out = Vec::new();
    extend(&mut Vec::new(), k, &mut out);
    out
}

/// Orders sampled for an `n` whose threads have more distinct start orders than this.
pub const MAX_ORDERS: usize = 6;

/// The start orders tried for `n`: each a list of roles, one entry per thread, in the order
/// the threads are started. With one thread per method, every permutation of the methods;
/// with more, every distinct order if there are at most [`MAX_ORDERS`], else the roles in
/// blocks (in order and reversed), round-robin, and seeded shuffles (the same for every plan:
/// they depend on `n` only).
///
/// ```
/// use threadlab_grader::core::plan::orders;
/// let foobar = threadlab_grader::core::exercise::find("foobar").unwrap();
/// assert_eq!(orders(foobar, 5), vec![vec![0, 1], vec![1, 0]]);
/// let h2o = threadlab_grader::core::exercise::find("building-h2o").unwrap();
/// assert_eq!(orders(h2o, 1), vec![vec![0, 0, 1], vec![0, 1, 0], vec![1, 0, 0]]);
/// assert_eq!(orders(h2o, 4).len(), 6);
/// assert!(orders(h2o, 4).iter().all(|o| o.iter().filter(|&&r| r == 1).count() == 4));
/// ```
pub fn orders(exercise: &Exercise, n: usize) -> Vec<Vec<usize>> {
    let counts = exercise.thread_counts(n);
    if counts.iter().all(|&c| c == 1) {
        return permutations(counts.len());
    }
    let all = distinct_orders(&counts, MAX_ORDERS + 1);
    if all.len() <= MAX_ORDERS {
        return all;
    }
    let blocks: Vec<usize> =
        counts.iter().enumerate().flat_map(|(r, &c)| std::iter::repeat_n(r, c)).collect();
    let mut reversed = blocks.clone();
    reversed.reverse();
    let mut round_robin = Vec::new();
    let mut left = counts.clone();
    while left.iter().any(|&c| c > 0) {
        for (role, left) in left.iter_mut().enumerate() {
            if *left > 0 {
                *left -= 1;
                round_robin.push(role);
            }
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    for order in [blocks.clone(), reversed, round_robin] {
        if !out.contains(&order) {
            out.push(order);
        }
    }
    let mut attempt = 0u64;
    while out.len() < MAX_ORDERS && attempt < 64 {
        let mut order = blocks.clone();
        // Fisher–Yates with SplitMix64 values.
        for i in (1..order.len()).rev() {
            let j = (mix(n as u64, attempt * 1000 + i as u64) % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        if !out.contains(&order) {
            out.push(order);
        }
        attempt += 1;
    }
    out
}

/// Distinct orders of a multiset of roles (`counts[r]` copies of `r`), lexicographic, at
/// most `limit`.
fn distinct_orders(counts: &[usize], limit: usize) -> Vec<Vec<usize>> {
    fn extend(prefix: &mut Vec<usize>, left: &mut [usize], out: &mut Vec<Vec<usize>>, limit: usize) {
        if out.len() >= limit {
            return;
        }
        if left.iter().all(|&c| c == 0) {
            out.push(prefix.clone());
            return;
        }
        for role in 0..left.len() {
            if left[role] > 0 {
                left[role] -= 1;
                prefix.push(role);
                extend(prefix, left, out, limit);
                prefix.pop();
                left[role] += 1;
            }
        }
    }
    let mut out = Vec::new();
    extend(&mut Vec::new(), &mut counts.to_vec(), &mut out, limit);
    out
}

/// (start order, n) pairs in one round of the plan.
fn combos(exercise: &Exercise) -> usize {
    exercise.sizes.iter().map(|&n| orders(exercise, n).len()).sum()
}

/// SplitMix64: independent-looking seeds from one seed and an index.
pub(crate) fn mix(seed: u64, index: u64) -> u64 {
    let mut z = seed.wrapping_add(index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A time budget for a plan: stop once `millis` have passed and at least `min_runs` runs
/// were made (the plan is ordered round by round, so an early stop still covers every start
/// order and every `n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    /// Milliseconds after which no new run starts.
    pub millis: u64,
    /// Runs made in any case.
    pub min_runs: usize,
}

impl Budget {
    /// `millis` for `exercise`, with at least three rounds over every (start order, n) and
    /// never fewer than 300 runs (or the whole plan, if shorter).
    pub fn new(exercise: &Exercise, millis: u64) -> Budget {
        Budget { millis, min_runs: (3 * combos(exercise) + 2).max(300) }
    }

    /// Whether a session that made `runs` runs in `elapsed` should stop.
    pub fn exhausted(&self, runs: usize, elapsed: std::time::Duration) -> bool {
        runs >= self.min_runs && elapsed.as_millis() >= u128::from(self.millis)
    }
}

/// The rounds an exercise gets by default in `mode`.
pub fn default_repeat(exercise: &Exercise, mode: Mode) -> usize {
    default_runs(mode).div_ceil(combos(exercise).max(1)).max(1)
}

/// The plan: `repeat` rounds over every start order and every small `n`, with the strategy
/// rotating through random walks and PCT of depths 2, 3 and 1; after the first round, two
/// runs with the large `n`.
///
/// ```
/// use threadlab_grader::core::plan::{plan, Mode, PlanOptions};
/// let exercise = threadlab_grader::core::exercise::find("zero-even-odd").unwrap();
/// let runs = plan(exercise, &PlanOptions { mode: Mode::Controlled, seed: 1, repeat: Some(2) });
/// assert_eq!(runs.len(), 2 * 6 * 8 + 2);
/// assert!(runs.iter().any(|r| r.n == 1000));
/// assert_eq!(runs, plan(exercise, &PlanOptions { mode: Mode::Controlled, seed: 1, repeat: Some(2) }));
/// ```
pub fn plan(exercise: &Exercise, options: &PlanOptions) -> Vec<RunSpec> {
    let by_size: Vec<(usize, Vec<Vec<usize>>)> =
        exercise.sizes.iter().map(|&n| (n, orders(exercise, n))).collect();
    let most = by_size.iter().map(|(_, o)| o.len()).max().unwrap_or(0);
    let repeat = options.repeat.unwrap_or_else(|| default_repeat(exercise, options.mode)).max(1);
    let mut runs = Vec::new();
    let strategy = |index: usize| {
        let seed = mix(options.seed, index as u64);
        match options.mode {
            // Random walks find most of these bugs fastest; PCT of depth 2 and 3 the ones that
            // need a thread to run long undisturbed; depth 1 (no preemption at all) a few.
            Mode::Controlled => match index % 8 {
                0 | 4 => StrategySpec::Pct { seed, depth: 2, horizon: None },
                2 | 6 => StrategySpec::Pct { seed, depth: 3, horizon: None },
                7 => StrategySpec::Pct { seed, depth: 1, horizon: None },
                _ => StrategySpec::Random { seed },
            },
            Mode::Chaos => StrategySpec::Chaos { seed },
            Mode::Naive => StrategySpec::Naive,
        }
    };
    for round in 0..repeat {
        // Order by order, each `n` in turn (with one thread per method every `n` has the same
        // orders, and this is the order-major plan replay strings were made with).
        for i in 0..most {
            for (n, orders) in &by_size {
                let Some(order) = orders.get(i) else { continue };
                let index = runs.len();
                runs.push(RunSpec { index, n: *n, order: order.clone(), strategy: strategy(index) });
            }
        }
        if round == 0
            && let Some(large) = exercise.large_size
        {
            let orders = orders(exercise, large);
            for order in [&orders[0], &orders[orders.len() - 1]] {
                let index = runs.len();
                let strategy = match (options.mode, index % 2) {
                    (Mode::Controlled, 0) => StrategySpec::Random { seed: mix(options.seed, index as u64) },
                    _ => strategy(index),
                };
                runs.push(RunSpec { index, n: large, order: order.clone(), strategy });
            }
        }
    }
    runs
}

/// The plan after controlled run `at` (a position in `specs`) needed a time-slice
/// preemption: the runs up to it stay; the remaining controlled runs become OS-chaos runs
/// (same `n`, start order and seed), thinned out to the chaos budget — busy-waiting threads
/// make real-thread runs slow. The child and the grader both apply it at the same run.
///
/// ```
/// use threadlab_grader::core::plan::{fall_back, plan, Mode, PlanOptions, StrategySpec};
/// let exercise = threadlab_grader::core::exercise::find("print-in-order").unwrap();
/// let specs = plan(exercise, &PlanOptions { mode: Mode::Controlled, seed: 1, repeat: None });
/// let after = fall_back(&specs, 3);
/// assert_eq!(after[..4], specs[..4]);
/// assert!(after[4..].iter().all(|s| matches!(s.strategy, StrategySpec::Chaos { .. })));
/// assert!(after.len() - 4 <= threadlab_grader::core::plan::default_runs(Mode::Chaos));
/// ```
pub fn fall_back(specs: &[RunSpec], at: usize) -> Vec<RunSpec> {
    let split = (at + 1).min(specs.len());
    let (done, rest) = specs.split_at(split);
    let budget = default_runs(Mode::Chaos).max(1);
    let stride = rest.len().div_ceil(budget).max(1);
    let mut out = done.to_vec();
    for (i, spec) in rest.iter().enumerate() {
        let large = spec.n >= 100;
        if i % stride != 0 && !large {
            continue;
        }
        let strategy = match spec.strategy {
            StrategySpec::Pct { seed, .. } | StrategySpec::Random { seed } => StrategySpec::Chaos { seed },
            ref other => other.clone(),
        };
        out.push(RunSpec { strategy, ..spec.clone() });
    }
    out
}

/// What a session runs: a whole plan, or the one run a replay string names. The grader, the
/// sandboxed child and the in-notebook check all turn it into runs with [`Runs::specs`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Runs {
    /// The plan for these options.
    Plan(PlanOptions),
    /// One run, from its replay string.
    Replay(String),
}

impl Runs {
    /// The runs, in order.
    ///
    /// ```
    /// use threadlab_grader::core::plan::{Mode, PlanOptions, Runs};
    /// let exercise = threadlab_grader::core::exercise::find("foobar").unwrap();
    /// assert_eq!(Runs::Replay("c1-n2-o01-AC2AC4".into()).specs(exercise).unwrap().len(), 1);
    /// assert!(Runs::Replay("nonsense".into()).specs(exercise).is_err());
    /// let whole = Runs::Plan(PlanOptions { mode: Mode::Chaos, seed: 1, repeat: Some(1) });
    /// assert!(whole.specs(exercise).unwrap().len() > 1);
    /// ```
    pub fn specs(&self, exercise: &Exercise) -> Result<Vec<RunSpec>, ReplayError> {
        match self {
            Runs::Plan(options) => Ok(plan(exercise, options)),
            Runs::Replay(text) => Ok(replay(&Schedule::parse_threads(text, &|n| exercise.thread_counts(n))?)),
        }
    }

    /// The time budget of `millis` for these runs: only a whole plan of the default length has
    /// one (`--repeat` and a replay ask for exactly their runs).
    pub fn budget(&self, exercise: &Exercise, millis: Option<u64>) -> Option<Budget> {
        match self {
            Runs::Plan(PlanOptions { repeat: None, .. }) => millis.map(|ms| Budget::new(exercise, ms)),
            Runs::Plan(_) | Runs::Replay(_) => None,
        }
    }
}

/// PCT's horizon per `n`, learnt from the runs so far: the mean number of scheduling points
/// (change points placed over the *typical* run land inside it; over the longest, many fall
/// after the end of shorter runs).
#[derive(Debug, Clone, Default)]
struct Horizons(HashMap<usize, (u64, u64)>);

impl Horizons {
    fn get(&self, n: usize) -> Option<u64> {
        self.0.get(&n).map(|(sum, count)| (sum / count.max(&1)).max(1))
    }

    fn learn(&mut self, n: usize, steps: u64) {
        if steps > 0 {
            let seen = self.0.entry(n).or_insert((0, 0));
            seen.0 += steps;
            seen.1 += 1;
        }
    }
}

/// Where a session stands in its plan, and the one rule for how the plan moves on: PCT's
/// horizon for each `n` is learnt from the runs before, and after the first controlled run
/// that needed a time-slice preemption the rest of the plan turns into OS-chaos runs (see
/// [`fall_back`]). The sandboxed child walks its plan with one cursor and the grader walks
/// the child's records with another, so both always expect the same next run.
///
/// ```
/// use threadlab_grader::core::plan::{plan, Mode, PlanCursor, PlanOptions, StrategySpec};
/// use threadlab_grader::core::record::{RunEnd, RunRecord};
/// let exercise = threadlab_grader::core::exercise::find("foobar").unwrap();
/// let specs = plan(exercise, &PlanOptions { mode: Mode::Controlled, seed: 1, repeat: Some(2) });
/// let mut cursor = PlanCursor::new(specs.clone());
/// let record = |steps, preemptions| RunRecord {
///     run: 0, printed: Vec::new(), end: RunEnd::Completed, schedule: String::new(),
///     steps, micros: 0, preemptions, note: None, events: Default::default(),
/// };
/// cursor.advance(&record(40, 0));
/// assert_eq!(cursor.horizon(specs[0].n), Some(40));
/// assert_eq!(cursor.current(), Some(&specs[1]));
/// cursor.advance(&record(10, 1)); // a thread had to be preempted: OS chaos from here on
/// assert!(cursor.fell_back());
/// assert!(matches!(cursor.current().unwrap().strategy, StrategySpec::Chaos { .. }));
/// ```
#[derive(Debug, Clone)]
pub struct PlanCursor {
    specs: Vec<RunSpec>,
    position: usize,
    horizons: Horizons,
    fell_back: bool,
}

impl PlanCursor {
    /// A cursor on the first of `specs`.
    pub fn new(specs: Vec<RunSpec>) -> PlanCursor {
        PlanCursor { specs, position: 0, horizons: Horizons::default(), fell_back: false }
    }

    /// The run to make next; `None` once the plan is done.
    pub fn current(&self) -> Option<&RunSpec> {
        self.specs.get(self.position)
    }

    /// Runs passed so far.
    pub fn position(&self) -> usize {
        self.position
    }

    /// PCT's horizon for runs with this `n`, learnt from the runs so far.
    pub fn horizon(&self, n: usize) -> Option<u64> {
        self.horizons.get(n)
    }

    /// Moves past the current run, which left `record`.
    pub fn advance(&mut self, record: &RunRecord) {
        let Some(spec) = self.specs.get(self.position) else { return };
        self.horizons.learn(spec.n, record.steps);
        // Controlled scheduling would only crawl from time slice to time slice once a thread
        // runs outside `threading`; a replay keeps its one run.
        if crate::core::harness::escaped_control(record)
            && !self.fell_back
            && spec.strategy.mode() == Mode::Controlled
        {
            self.fell_back = true;
            if !matches!(spec.strategy, StrategySpec::Replay(_)) {
                self.specs = fall_back(&self.specs, self.position);
            }
        }
        self.position += 1;
    }

    /// Whether a controlled run needed a time-slice preemption (and the rest of the plan
    /// became OS-chaos runs).
    pub fn fell_back(&self) -> bool {
        self.fell_back
    }

    /// The whole plan as it stands (shorter after a fall-back to OS chaos).
    pub fn specs(&self) -> &[RunSpec] {
        &self.specs
    }
}

/// The one-run plan that replays `schedule`.
pub fn replay(schedule: &Schedule) -> Vec<RunSpec> {
    let strategy = match &schedule.kind {
        ScheduleKind::Controlled(trace) => StrategySpec::Replay(trace.to_string()),
        ScheduleKind::Seeded(spec) => spec.clone(),
        ScheduleKind::Chaos(seed) => StrategySpec::Chaos { seed: *seed },
        ScheduleKind::Naive => StrategySpec::Naive,
    };
    vec![RunSpec { index: 0, n: schedule.n, order: schedule.order.clone(), strategy }]
}

impl RunSpec {
    /// The replay string for this run, given the controlled trace it produced; without one,
    /// the strategy and its seed (with `horizon`, the PCT horizon it ran with).
    pub fn schedule(&self, trace: Option<&Trace>, horizon: u64) -> Schedule {
        let kind = match (&self.strategy, trace) {
            (StrategySpec::Chaos { seed }, _) => ScheduleKind::Chaos(*seed),
            (StrategySpec::Naive, _) => ScheduleKind::Naive,
            (_, Some(trace)) => ScheduleKind::Controlled(trace.clone()),
            (StrategySpec::Pct { seed, depth, horizon: h }, None) => {
                ScheduleKind::Seeded(StrategySpec::Pct {
                    seed: *seed,
                    depth: *depth,
                    horizon: Some(h.unwrap_or(horizon)),
                })
            }
            (StrategySpec::Replay(trace), None) => {
                ScheduleKind::Controlled(trace.parse().unwrap_or_default())
            }
            (strategy, None) => ScheduleKind::Seeded(strategy.clone()),
        };
        Schedule { n: self.n, order: self.order.clone(), kind }
    }
}
