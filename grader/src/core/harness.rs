//! One run of the learner's code: make the object, start one `threading::Thread` per method in
//! the planned order, record every printed token with the method and the thread that printed
//! it, and observe how the run ends — under the controller, the chaos perturber, or nothing.
//!
//! The same code runs in the sandboxed child and, for the notebooks' in-kernel check, in the
//! learner's own process.

use crate::core::cputime;
use crate::core::exercise::{Token, check};
use crate::core::plan::{RunSpec, StrategySpec};
use crate::core::record::{EventKind, Printed, RunEnd, RunRecord, ThreadReport};
use crate::core::schedule::chaos::Chaos;
use crate::core::schedule::pct::Pct;
use crate::core::schedule::random::RandomWalk;
use crate::core::schedule::replay::Replay;
use crate::core::schedule::{Abort, Controller, ControllerLimits, Strategy};
use crate::core::subject::{Printer, Subject};
use serde::{Deserialize, Serialize};
use std::any::Any;
use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use threading::Thread;

/// Where printed tokens go as they happen (besides the run's record): the child streams them
/// to the grader, so that a crash loses none.
pub trait Sink: Send + Sync {
    /// A token was printed in run `run`.
    fn printed(&self, run: usize, printed: &Printed);
}

/// A sink that keeps nothing (the record has everything).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoSink;

impl Sink for NoSink {
    fn printed(&self, _run: usize, _printed: &Printed) {}
}

/// Bounds on one run: the one definition of the time slice, the run's time limit and the
/// stall limit. The grader sends them to the sandboxed child as they are (see
/// [`ChildConfig`](crate::core::protocol::ChildConfig)); the controller gets its share through
/// [`RunLimits::controller`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunLimits {
    /// Controlled runs: scheduling points before the run counts as spinning (`None`: scaled
    /// to the expected output).
    pub max_steps: Option<u64>,
    /// Controlled runs: how long a thread may run without reaching a point before another
    /// one is let in.
    pub slice: Duration,
    /// Wall-clock limit of one run.
    pub run_timeout: Duration,
    /// Real-thread runs: how long without a printed token or a finished thread is a hang.
    pub stall: Duration,
    /// Controlled runs: PCT's estimate of the run's length in scheduling points.
    pub horizon: Option<u64>,
}

impl Default for RunLimits {
    fn default() -> Self {
        RunLimits {
            max_steps: None,
            slice: Duration::from_millis(200),
            run_timeout: Duration::from_secs(10),
            stall: Duration::from_secs(2),
            horizon: None,
        }
    }
}

impl RunLimits {
    /// The controller's limits for a run that should print `tokens` tokens (the step cap
    /// grows with the output).
    pub fn controller(&self, tokens: u64) -> ControllerLimits {
        ControllerLimits {
            max_steps: self.max_steps.unwrap_or(50_000 + 200 * tokens),
            slice: self.slice,
            run_timeout: self.run_timeout,
            stall: self.stall,
        }
    }
}

/// PCT's guess at a run's length in scheduling points before any run with its `n` was seen:
/// about eight points per printed token (acquire, wait, print, notify, release, ...).
pub fn default_horizon(tokens: usize) -> u64 {
    8 * tokens as u64 + 16
}

/// State shared by a run's threads.
pub struct RunShared {
    id: u64,
    run: usize,
    printed: Mutex<Vec<Printed>>,
    chaos: Option<Arc<Chaos>>,
    /// Controlled runs: printing is a scheduling point too (the output is shared state: a
    /// thread that hands the turn over *before* printing must be caught).
    controller: std::sync::OnceLock<Arc<Controller>>,
    sink: Arc<dyn Sink>,
    progress: AtomicU64,
    panics: Mutex<Vec<RunEnd>>,
    threads: Mutex<Vec<Thread>>,
    /// Events past which a print unwinds the printing thread (the output is wrong anyway).
    max_tokens: usize,
    /// The role of each thread, in start order.
    order: Vec<usize>,
}

thread_local! {
    /// (run id, position in the start order) of a harness thread.
    static ROLE: Cell<Option<(u64, usize)>> = const { Cell::new(None) };
}

static NEXT_RUN_ID: AtomicU64 = AtomicU64::new(1);
/// One run at a time per process: the scheduling hook and the excepthook are process-wide.
pub(crate) static RUN_LOCK: Mutex<()> = Mutex::new(());
/// The run the excepthook reports panics to.
static CURRENT: Mutex<Option<Arc<RunShared>>> = Mutex::new(None);

impl RunShared {
    /// Records a token printed through a callback of `printer`'s call.
    #[track_caller]
    pub(crate) fn record(&self, printer: &Printer<'_>, token: Token) {
        if let Some(chaos) = &self.chaos {
            chaos.perturb();
        }
        if let Some(controller) = self.controller.get() {
            use threading::schedule::Scheduler;
            // The token rides on the point, so the controller's event log can show it.
            let text = token.to_string();
            let point = threading::schedule::Point {
                operation: crate::core::schedule::Operation::Print,
                site: std::panic::Location::caller(),
                name: Some(&text),
                duration: None,
            };
            controller.point(&point);
        }
        self.push(printer, token, EventKind::Callback);
        self.progress.fetch_add(1, Ordering::Relaxed);
        if let Some(chaos) = &self.chaos {
            chaos.perturb();
        }
    }

    /// Appends an event of `printer`'s call (not a scheduling point of its own).
    fn push(&self, printer: &Printer<'_>, token: Token, kind: EventKind) {
        let caller = ROLE.with(Cell::get).filter(|(id, _)| *id == self.id).map(|(_, position)| position);
        let thread = caller.and_then(|position| self.order.get(position).copied());
        let mut printed = self.printed.lock().unwrap_or_else(|e| e.into_inner());
        if printed.len() >= self.max_tokens {
            drop(printed);
            if !std::thread::panicking() {
                // Printing without end: stop this thread (silently, as an interrupt).
                std::panic::resume_unwind(Box::new(threading::KeyboardInterrupt));
            }
            return;
        }
        let entry = Printed {
            seq: printed.len() as u64,
            role: printer.role,
            thread,
            token,
            owner: printer.owner,
            caller,
            call: printer.call,
            kind,
        };
        self.sink.printed(self.run, &entry);
        printed.push(entry);
    }

    fn panicked(&self, thread: &str, message: String, location: Option<String>) {
        self.panics.lock().unwrap_or_else(|e| e.into_inner()).push(RunEnd::Panicked {
            thread: thread.to_string(),
            message,
            location,
        });
    }
}

/// The message of a panic payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic with a non-string payload)".to_string()
    }
}

fn strategy_for(spec: &RunSpec, horizon: u64) -> Box<dyn Strategy> {
    match &spec.strategy {
        StrategySpec::Pct { seed, depth, horizon: fixed } => {
            Box::new(Pct::new(*seed, *depth, fixed.unwrap_or(horizon)))
        }
        StrategySpec::Random { seed } => Box::new(RandomWalk::new(*seed)),
        StrategySpec::Replay(trace) => Box::new(Replay::new(trace.parse().unwrap_or_default())),
        StrategySpec::Chaos { seed } => Box::new(RandomWalk::new(*seed)),
        StrategySpec::Naive => Box::new(RandomWalk::new(0)),
    }
}

/// Runs `spec` once on `subject` and returns what was observed.
///
/// ```
/// use std::sync::Arc;
/// use threadlab_grader::core::harness::{run_once, NoSink, RunLimits};
/// use threadlab_grader::core::plan::{RunSpec, StrategySpec};
/// use threadlab_grader::core::record::RunEnd;
///
/// // A Print in Order that forgets to order anything.
/// pub struct Foo;
/// impl Foo {
///     pub fn new() -> Foo { Foo }
///     pub fn first(&self, print_first: impl FnOnce()) { print_first() }
///     pub fn second(&self, print_second: impl FnOnce()) { print_second() }
///     pub fn third(&self, print_third: impl FnOnce()) { print_third() }
/// }
/// let subject = Arc::new(threadlab_grader::core::exercise::print_in_order::adapter!(Foo));
/// let spec = RunSpec { index: 0, n: 1, order: vec![2, 1, 0], strategy: StrategySpec::Pct { seed: 1, depth: 1, horizon: None } };
/// let record = run_once(&subject, &spec, &RunLimits::default(), &(Arc::new(NoSink) as _));
/// assert_eq!(record.end, RunEnd::Completed);
/// assert_eq!(record.printed.len(), 3);
/// ```
pub fn run_once(
    subject: &Arc<Subject>,
    spec: &RunSpec,
    limits: &RunLimits,
    sink: &Arc<dyn Sink>,
) -> RunRecord {
    let _serial = RUN_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let tokens = (subject.exercise.expected)(spec.n).len();
    let chaos = match spec.strategy {
        StrategySpec::Chaos { seed } => Some(Arc::new(Chaos::new(seed, tokens))),
        _ => None,
    };
    let shared = Arc::new(RunShared {
        id: NEXT_RUN_ID.fetch_add(1, Ordering::Relaxed),
        run: spec.index,
        printed: Mutex::new(Vec::new()),
        chaos: chaos.clone(),
        controller: std::sync::OnceLock::new(),
        sink: Arc::clone(sink),
        progress: AtomicU64::new(0),
        panics: Mutex::new(Vec::new()),
        threads: Mutex::new(Vec::new()),
        max_tokens: max_events(subject.exercise, spec),
        order: spec.order.clone(),
    });
    *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&shared));
    // In a notebook the learner may have a hook of their own: it is back once the run ends.
    let previous_hook = threading::get_excepthook();
    threading::set_excepthook(|args| {
        if args.exc_type == "KeyboardInterrupt" {
            return; // a thread unwinding out of an aborted controlled run
        }
        if let Some(run) = CURRENT.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            let name = args.thread.as_ref().map(Thread::name).unwrap_or_else(|| "?".into());
            run.panicked(&name, args.exc_value.clone(), args.location.clone());
        }
    });

    let horizon = limits.horizon.unwrap_or(default_horizon(tokens));
    // On a busy machine threads wait longer for a CPU: stretch what tells stuck from slow.
    let stretch = cputime::load_factor();
    let limits = &RunLimits {
        slice: limits.slice.mul_f64(stretch),
        stall: limits.stall.mul_f64(stretch),
        run_timeout: limits.run_timeout.mul_f64(stretch),
        ..*limits
    };
    let tokens = tokens as u64;
    let (end, trace, steps, preemptions, note, events) = match spec.strategy.mode() {
        crate::core::plan::Mode::Controlled => {
            let controller = Controller::new(strategy_for(spec, horizon), limits.controller(tokens));
            let _ = shared.controller.set(Arc::clone(&controller));
            let (_, outcome) = controller.run(|| start_and_join(subject, spec, &shared, Some(&controller)));
            let end = match outcome.abort {
                None => RunEnd::Completed,
                Some(Abort::Deadlock(threads)) => RunEnd::Deadlock { threads },
                Some(Abort::Steps(steps, threads)) => RunEnd::Spinning {
                    detail: format!("{steps} synchronisation steps without finishing: something spins"),
                    threads,
                },
                Some(Abort::Timeout(elapsed, threads)) => RunEnd::Spinning {
                    detail: format!("the run took longer than {:.1} s", elapsed.as_secs_f64()),
                    threads,
                },
                Some(Abort::Stalled(quiet, threads)) => RunEnd::Spinning {
                    detail: format!(
                        "no thread reached a synchronisation point for {:.1} s: a thread spins (or blocks outside threading)",
                        quiet.as_secs_f64()
                    ),
                    threads,
                },
            };
            // Aborted threads unwind; wait briefly so the next run starts clean.
            for thread in shared.threads.lock().unwrap_or_else(|e| e.into_inner()).iter() {
                let _ = thread.join_timeout(Duration::from_millis(200));
            }
            (end, Some(outcome.trace), outcome.steps, outcome.preemptions, outcome.note, outcome.events)
        }
        crate::core::plan::Mode::Chaos | crate::core::plan::Mode::Naive => {
            let guard = chaos.as_ref().map(|c| threading::schedule::install(Arc::clone(c) as _));
            let end = run_real(subject, spec, &shared, limits);
            drop(guard);
            (end, None, 0, 0, None, Default::default())
        }
    };
    threading::restore_excepthook(previous_hook);
    *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = None;
    let panic = shared.panics.lock().unwrap_or_else(|e| e.into_inner()).first().cloned();
    let end = panic.unwrap_or(end);
    let printed = std::mem::take(&mut *shared.printed.lock().unwrap_or_else(|e| e.into_inner()));
    let schedule = spec.schedule(trace.as_ref(), horizon).to_string();
    RunRecord {
        run: spec.index,
        printed,
        end,
        schedule,
        steps,
        micros: started.elapsed().as_micros() as u64,
        preemptions,
        note,
        events,
    }
}

/// Makes the object, starts the threads in order and joins them (controlled runs: the whole
/// body runs as the controller's task 0). Returns the threads, for clean-up after an abort.
fn start_and_join(
    subject: &Arc<Subject>,
    spec: &RunSpec,
    shared: &Arc<RunShared>,
    controller: Option<&Arc<Controller>>,
) {
    for thread in start(subject, spec, shared, controller) {
        let _ = thread.join();
    }
}

fn start(
    subject: &Arc<Subject>,
    spec: &RunSpec,
    shared: &Arc<RunShared>,
    controller: Option<&Arc<Controller>>,
) -> Vec<Thread> {
    let object = match std::panic::catch_unwind(AssertUnwindSafe(|| (subject.new)(spec.n))) {
        Ok(object) => object,
        Err(payload) if threading::KeyboardInterrupt::is(&payload) => std::panic::resume_unwind(payload),
        Err(payload) => {
            let what = format!("{}::new", subject.exercise.type_name);
            shared.panicked(&what, panic_message(payload.as_ref()), None);
            return Vec::new();
        }
    };
    let exercise = subject.exercise;
    let mut threads = Vec::new();
    let mut started = vec![0usize; exercise.roles.len()];
    for (position, &role) in spec.order.iter().enumerate() {
        let Some(instance) = started.get_mut(role).map(|count| std::mem::replace(count, *count + 1)) else {
            shared.panicked(
                "harness",
                format!("the start order names method {role}, which does not exist"),
                None,
            );
            break;
        };
        let name = exercise.thread_name(role, instance, spec.n);
        let calls = exercise.roles[role].calls.of(spec.n);
        let (subject, object, shared) = (Arc::clone(subject), Arc::clone(&object), Arc::clone(shared));
        let controller = controller.cloned();
        let registry = Arc::clone(&shared);
        let thread = Thread::builder().name(&name).target(move || {
            ROLE.with(|r| r.set(Some((shared.id, position))));
            if controller.as_ref().is_some_and(|c| crate::core::schedule::controller::current_run_aborted(c))
            {
                return;
            }
            if let Some(chaos) = &shared.chaos {
                chaos.starve();
            }
            let method = subject.exercise.roles[role].method;
            for call in 0..calls {
                let printer = Printer {
                    role,
                    instance,
                    owner: position,
                    call,
                    run: &shared,
                    returned: Default::default(),
                };
                if subject.exercise.records_calls {
                    shared.push(&printer, Token::Word(method.to_string()), EventKind::Call);
                }
                (subject.methods[role])(&*object, &printer);
                if subject.exercise.records_calls {
                    // What the call returned, if the adapter said; else the method's name.
                    let token = printer.take_returned().unwrap_or_else(|| Token::Word(method.to_string()));
                    if let Some(controller) = shared.controller.get()
                        && check::is_returned_value(subject.exercise, role, &token)
                    {
                        controller.log_returned(&token.to_string());
                    }
                    shared.push(&printer, token, EventKind::Return);
                }
            }
            shared.progress.fetch_add(1, Ordering::Relaxed);
        });
        match thread.start() {
            Ok(()) => {
                registry.threads.lock().unwrap_or_else(|e| e.into_inner()).push(thread.clone());
                threads.push(thread);
            }
            Err(error) => {
                registry.panicked("harness", format!("could not start the `{name}` thread: {error}"), None);
                break;
            }
        }
    }
    threads
}

/// Events past which a run is cut short: twice a correct run's callbacks, and its calls and
/// returns when the exercise records them.
fn max_events(exercise: &crate::core::exercise::Exercise, spec: &RunSpec) -> usize {
    let calls: usize = if exercise.records_calls {
        exercise.roles.iter().map(|r| r.threads.of(spec.n) * r.calls.of(spec.n)).sum::<usize>() * 2
    } else {
        0
    };
    2 * (exercise.expected)(spec.n).len() + calls + 16
}

/// A run on real threads: join with a watchdog that turns a hang into a report.
fn run_real(subject: &Arc<Subject>, spec: &RunSpec, shared: &Arc<RunShared>, limits: &RunLimits) -> RunEnd {
    let started = Instant::now();
    let threads = start(subject, spec, shared, None);
    let tick = Duration::from_millis(10);
    let mut last = (shared.progress.load(Ordering::Relaxed), Instant::now());
    for thread in &threads {
        loop {
            match thread.join_timeout(tick) {
                Ok(true) | Err(_) => break,
                Ok(false) => {}
            }
            let now = Instant::now();
            let progress = shared.progress.load(Ordering::Relaxed);
            if progress != last.0 {
                last = (progress, now);
            }
            let stalled = now.duration_since(last.1) > limits.stall;
            let too_long = now.duration_since(started) > limits.run_timeout;
            if stalled || too_long {
                return hang_report(&threads, now.duration_since(last.1), too_long);
            }
        }
    }
    RunEnd::Completed
}

/// What the threads of a hung real-thread run are doing: blocked in `threading` (the registry
/// says on what), burning CPU (spinning), or idle outside `threading` (a `std` lock, condition
/// variable or channel).
fn hang_report(threads: &[Thread], quiet: Duration, too_long: bool) -> RunEnd {
    let alive: Vec<&Thread> = threads.iter().filter(|t| t.is_alive()).collect();
    let window = Duration::from_millis(100);
    let before: Vec<Option<Duration>> =
        alive.iter().map(|t| t.native_id().and_then(cputime::of_thread)).collect();
    std::thread::sleep(window);
    let registry = threading::blocked_threads();
    let mut spinning = false;
    let reports: Vec<ThreadReport> = alive
        .iter()
        .zip(before)
        .map(|(thread, before)| {
            let after = thread.native_id().and_then(cputime::of_thread);
            let busy = match (before, after) {
                (Some(b), Some(a)) => a.saturating_sub(b).as_secs_f64() / window.as_secs_f64(),
                _ => 0.0,
            };
            let blocked =
                registry.iter().find(|r| Some(r.ident) == thread.ident()).and_then(|r| r.blocked.as_ref());
            let state = match blocked {
                Some(b) => {
                    let on = b.blocked.name.as_deref().map(|n| format!(" on {n}")).unwrap_or_default();
                    format!("blocked in {}{on}, created at {}", b.blocked.operation, b.blocked.site)
                }
                None if busy > 0.2 => {
                    spinning = true;
                    format!("running without progress ({:.0}% of a CPU): spinning", busy * 100.0)
                }
                None => "blocked outside threading (a std lock, condition variable, channel, join or sleep)"
                    .into(),
            };
            ThreadReport { name: thread.name(), state, harness: false }
        })
        .collect();
    if spinning || too_long {
        let detail = if too_long {
            "the run took too long".to_string()
        } else {
            format!("no output for {:.1} s while a thread kept running", quiet.as_secs_f64())
        };
        RunEnd::Spinning { detail, threads: reports }
    } else {
        RunEnd::Deadlock { threads: reports }
    }
}

/// Whether a record's trace shows synchronisation outside `threading` (time-slice
/// preemptions in a controlled run).
pub fn escaped_control(record: &RunRecord) -> bool {
    record.preemptions > 0
}
