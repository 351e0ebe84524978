//! The controller: threads run one at a time and, at every synchronisation point, a
//! [`Strategy`] picks who runs next.
//!
//! It sits on `threading`'s scheduling hook. Every thread of the run is a *task*: the thread
//! that calls [`Controller::run`] is task 0, every `threading::Thread` started by a task becomes
//! the next one. Exactly one task holds the *baton* and runs; the others wait for it inside the
//! hook. A task passes the baton on at a synchronisation point (if the strategy says so), when
//! it blocks (`park`), and when it ends. `unpark` makes a blocked task runnable again.
//!
//! * A state where no task can run and some are blocked is a **deadlock**: the run is aborted
//!   with every task's blocked-on report.
//! * A timed wait is runnable-with-timeout: it times out only when nothing else can run (time
//!   jumps to its deadline), which keeps runs deterministic.
//! * `sleep` is a plain synchronisation point: sleeping does not make other threads progress,
//!   so code that sleeps to order threads is caught.
//! * A **step cap** catches spinning; a **fairness** rule (a task that keeps the baton for
//!   [`FAIRNESS`] decisions while others could run must yield) keeps correct spin-with-yield
//!   loops finite.
//! * A watchdog **preempts** a task that holds the baton for [`ControllerLimits::slice`] without
//!   reaching a point (it spins on a non-synchronising read, or blocks outside `threading`):
//!   another task gets the baton, the first keeps running on its own until it next reaches a
//!   point. Such a run is marked in its trace and replays only approximately.
//! * A wait that `std` allows to end spuriously (`Condvar` waits, `thread::park` of
//!   `threading::stdlib`) ends so when the strategy says (seeded; on a run that injects them
//!   every such wait's answer is in the trace, so a replay repeats it): an `if` where a
//!   `while` belongs fails.
//! * On abort, tasks waiting in the hook unwind with `threading::KeyboardInterrupt`, which
//!   leaves the primitives consistent and ends their threads.

mod task;
mod watchdog;

use super::{ChoicePoint, Operation, Step, Strategy, Trace};
use crate::core::events::{EventKind, EventLog};
use crate::core::record::ThreadReport;
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use task::{Status, Task};
use threading::schedule::{Point, Scheduler};
use threading::{Thread, Waiter, Wake};

/// Decisions a task may keep the baton for, while others could run, before it must yield.
pub const FAIRNESS: u32 = 16;

/// Bounds on one controlled run, resolved from the run's
/// [`RunLimits`](crate::core::harness::RunLimits) by [`RunLimits::controller`](crate::core::harness::RunLimits::controller).
#[derive(Debug, Clone, Copy)]
pub struct ControllerLimits {
    /// Scheduling points before the run counts as spinning.
    pub max_steps: u64,
    /// How long a task may hold the baton without reaching a point before it is preempted.
    pub slice: Duration,
    /// Wall-clock limit for the whole run.
    pub run_timeout: Duration,
    /// How long without any thread reaching a point counts as spinning (every runnable
    /// thread runs outside control: busy-waiting or blocked outside `threading`).
    pub stall: Duration,
}

/// Why a controlled run was stopped.
#[derive(Debug, Clone)]
pub enum Abort {
    /// No task could run and some were blocked.
    Deadlock(Vec<ThreadReport>),
    /// The step cap was reached: something spins.
    Steps(u64, Vec<ThreadReport>),
    /// The run took longer than its wall-clock limit.
    Timeout(Duration, Vec<ThreadReport>),
    /// No thread reached a synchronisation point for this long: every runnable one spins
    /// (or blocks outside `threading`).
    Stalled(Duration, Vec<ThreadReport>),
}

/// What a controlled run left behind.
#[derive(Debug, Clone)]
pub struct ControlOutcome {
    /// Why the run was stopped, if it was.
    pub abort: Option<Abort>,
    /// The decisions, for replay.
    pub trace: Trace,
    /// Scheduling points passed.
    pub steps: u64,
    /// Time-slice preemptions (synchronisation outside `threading` shows up here).
    pub preemptions: usize,
    /// The strategy's remark (a replay that diverged).
    pub note: Option<String>,
    /// What each task did, step by step (for the timeline).
    pub events: EventLog,
}

struct State {
    tasks: Vec<Task>,
    current: Option<usize>,
    strategy: Box<dyn Strategy>,
    steps: u64,
    trace: Vec<Step>,
    abort: Option<Abort>,
    done: bool,
    last_progress: Instant,
    /// The last time any task entered the hook.
    last_activity: Instant,
    streak: u32,
    preemptions: usize,
    /// What the watchdog last saw of the task holding the baton.
    mark: Option<watchdog::Mark>,
    /// Tasks waiting inside the hook, so `run` can wait for them to leave after an abort.
    inside: usize,
    /// What each task did: recorded here because this is where every point, park, wake-up
    /// and hand-over passes, under the lock already held.
    log: EventLog,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    Mine,
    Aborted,
    Done,
}

/// The controlled scheduler for one run; install it with [`Controller::run`].
pub struct Controller {
    id: u64,
    state: Mutex<State>,
    /// Signalled when a task leaves the hook after the run ended (for `run`'s clean-up).
    left: Condvar,
    limits: ControllerLimits,
    started: Instant,
}

thread_local! {
    /// (controller id, task id) of the calling thread.
    static TASK: Cell<Option<(u64, usize)>> = const { Cell::new(None) };
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl std::fmt::Debug for Controller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Controller")
            .field("id", &self.id)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Controller {
    /// A controller asking `strategy` at every decision.
    pub fn new(strategy: Box<dyn Strategy>, limits: ControllerLimits) -> Arc<Controller> {
        let now = Instant::now();
        Arc::new(Controller {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            state: Mutex::new(State {
                tasks: Vec::new(),
                current: None,
                strategy,
                steps: 0,
                trace: Vec::new(),
                abort: None,
                done: false,
                last_progress: now,
                last_activity: now,
                streak: 0,
                preemptions: 0,
                mark: None,
                inside: 0,
                log: EventLog::default(),
            }),
            left: Condvar::new(),
            limits,
            started: now,
        })
    }

    /// Runs `body` as task 0 with this controller installed (process-wide) and returns its
    /// result, or `None` if the run was aborted, with the outcome.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use threadlab_grader::core::harness::RunLimits;
    /// use threadlab_grader::core::schedule::{Controller, random::RandomWalk};
    ///
    /// let controller = Controller::new(Box::new(RandomWalk::new(1)), RunLimits::default().controller(0));
    /// let (result, outcome) = controller.run(|| {
    ///     let event = Arc::new(threading::Event::new());
    ///     let t = threading::Thread::new({ let e = event.clone(); move || { e.wait(); } });
    ///     t.start().unwrap();
    ///     t.join().unwrap(); // nobody sets the event: deadlock
    /// });
    /// assert!(result.is_none());
    /// assert!(matches!(outcome.abort, Some(threadlab_grader::core::schedule::Abort::Deadlock(_))));
    /// ```
    pub fn run<R>(self: &Arc<Self>, body: impl FnOnce() -> R) -> (Option<R>, ControlOutcome) {
        {
            let mut st = self.lock();
            st.tasks.push(Task::new(None, "main".into(), threading::get_ident(), threading::get_native_id()));
            st.log.thread(0, "main", true);
            st.strategy.task_created(0);
            st.current = Some(0);
            st.last_progress = Instant::now();
        }
        TASK.with(|t| t.set(Some((self.id, 0))));
        let guard = threading::schedule::install(Arc::clone(self) as Arc<dyn Scheduler>);
        watchdog::watch(self);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
        {
            let mut st = self.lock();
            st.done = true;
            st.current = None;
            Self::wake_all(&st);
        }
        watchdog::unwatch(self);
        drop(guard);
        TASK.with(|t| t.set(None));
        let mut st = self.lock();
        // Let aborted tasks leave the hook (and unwind) before the next run installs its own.
        let until = Instant::now() + Duration::from_millis(200);
        while st.inside > 0 && Instant::now() < until {
            st = self.left.wait_timeout(st, Duration::from_millis(5)).unwrap_or_else(|e| e.into_inner()).0;
        }
        let outcome = ControlOutcome {
            abort: st.abort.clone(),
            trace: Trace(std::mem::take(&mut st.trace)),
            steps: st.steps,
            preemptions: st.preemptions,
            note: st.strategy.note(),
            events: std::mem::take(&mut st.log),
        };
        drop(st);
        match result {
            Ok(value) if outcome.abort.is_none() => (Some(value), outcome),
            Ok(_) => (None, outcome),
            Err(_) if outcome.abort.is_some() => (None, outcome),
            Err(payload) => std::panic::resume_unwind(payload),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The calling thread's task in this controller.
    fn me(&self) -> Option<usize> {
        TASK.with(Cell::get).filter(|(id, _)| *id == self.id).map(|(_, task)| task)
    }

    /// Waits until `me` holds the baton (or the run ends).
    fn wait_turn<'a>(&'a self, mut st: MutexGuard<'a, State>, me: usize) -> (MutexGuard<'a, State>, Turn) {
        st.inside += 1;
        st.last_activity = Instant::now();
        if st.tasks[me].free {
            // Back under control after running on its own.
            st.tasks[me].free = false;
            if st.current.is_none() && !st.done && st.abort.is_none() {
                st.current = Some(me);
            }
        }
        let turn = Arc::clone(&st.tasks[me].turn);
        while st.current != Some(me) && !st.done && st.abort.is_none() {
            st = turn.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        st.inside -= 1;
        let turn = if st.abort.is_some() {
            Turn::Aborted
        } else if st.done {
            Turn::Done
        } else {
            st.last_progress = Instant::now();
            Turn::Mine
        };
        if turn != Turn::Mine {
            self.left.notify_all();
        }
        (st, turn)
    }

    /// Picks the next task and hands it the baton. `running` says whether `me` stays runnable.
    fn decide(&self, st: &mut State, me: usize, running: bool) {
        let candidates: Vec<usize> = (0..st.tasks.len())
            .filter(|&t| st.tasks[t].status == Status::Runnable && !st.tasks[t].free)
            .collect();
        if candidates.is_empty() && st.tasks.iter().any(|t| t.free && t.status == Status::Runnable) {
            // Only tasks running on their own can go on: the first one back takes the baton.
            st.current = None;
            return;
        }
        if candidates.is_empty() {
            let earliest = (0..st.tasks.len())
                .filter(|&t| st.tasks[t].status == Status::Blocked)
                .filter_map(|t| st.tasks[t].deadline.map(|d| (d, t)))
                .min();
            if let Some((_, task)) = earliest {
                // Nothing else can run: time jumps to the earliest deadline.
                st.tasks[task].timed_out = true;
                st.tasks[task].status = Status::Runnable;
                self.hand_to(st, task);
            } else if st.tasks.iter().any(|t| t.status == Status::Blocked) {
                let threads = self.reports(st);
                self.abort(st, Abort::Deadlock(threads));
            } else {
                st.current = None;
            }
            return;
        }
        let current = running.then_some(me);
        let next = if candidates.len() == 1 {
            candidates[0]
        } else {
            let decision = ChoicePoint {
                candidates: &candidates,
                current,
                unfair: running && st.streak >= FAIRNESS,
                step: st.steps,
            };
            let next = st.strategy.choose(&decision);
            let next = if candidates.contains(&next) { next } else { candidates[0] };
            st.trace.push(Step::Run(next));
            next
        };
        if running && next != me {
            st.log.push(me, EventKind::Preempted { to: next });
        }
        if running && next == me && candidates.len() > 1 {
            st.streak += 1;
        } else {
            st.streak = 0;
        }
        self.hand_to(st, next);
    }

    fn hand_to(&self, st: &mut State, task: usize) {
        st.last_progress = Instant::now();
        if st.current != Some(task) {
            st.current = Some(task);
            st.tasks[task].turn.notify_one();
        }
    }

    fn wake_all(st: &State) {
        for task in &st.tasks {
            task.turn.notify_all();
        }
    }

    fn abort(&self, st: &mut State, abort: Abort) {
        if st.abort.is_none() {
            st.abort = Some(abort);
        }
        st.current = None;
        Self::wake_all(st);
    }

    /// Unwinds the calling task out of the hook after an abort (unless it is already
    /// unwinding: a second panic would abort the process).
    fn leave(&self) {
        if !std::thread::panicking() {
            std::panic::resume_unwind(Box::new(threading::KeyboardInterrupt));
        }
    }

    /// Logs the operation task `me` is about to do at `point`.
    fn record(st: &mut State, me: usize, point: &Point<'_>) {
        match point.operation {
            Operation::Print => {
                st.log.push(me, EventKind::Print { token: point.name.unwrap_or_default().to_string() })
            }
            // A sleep has no primitive (its site is the call's); every other point has one.
            _ => st.log.op(me, point.operation, point.site, point.name, point.duration.is_none()),
        }
    }

    /// Logs that the calling task's call returned `token`. Not a scheduling point: the task
    /// holds the baton, and the value is part of the output the judge reads, so the timeline
    /// can mark a wrong one where it happened.
    pub(crate) fn log_returned(&self, token: &str) {
        let Some(me) = self.me() else { return };
        self.lock().log.push(me, EventKind::Returned { token: token.to_string() });
    }

    /// One line per unfinished task: what it waits on, or where it runs.
    fn reports(&self, st: &State) -> Vec<ThreadReport> {
        let registry = threading::blocked_threads();
        st.tasks
            .iter()
            .filter(|t| t.status != Status::Finished)
            .map(|task| {
                let blocked =
                    registry.iter().find(|r| r.ident == task.ident).and_then(|r| r.blocked.as_ref());
                let state = match (task.status, blocked) {
                    (Status::Blocked, Some(b))
                        if task.thread.is_none() && b.blocked.operation == Operation::ThreadJoin =>
                    {
                        format!("waiting to join {}", b.blocked.name.as_deref().unwrap_or("a thread"))
                    }
                    (Status::Blocked, Some(b)) => {
                        let on = b.blocked.name.as_deref().map(|n| format!(" on {n}")).unwrap_or_default();
                        let timed = if task.deadline.is_some() { " (with a timeout)" } else { "" };
                        format!(
                            "blocked in {}{on}{timed}, created at {}",
                            b.blocked.operation, b.blocked.site
                        )
                    }
                    (Status::Blocked, None) => "blocked".to_string(),
                    (_, _) if task.free => match &task.last_point {
                        Some(point) => format!(
                            "running without reaching a synchronisation point (busy-waiting, or blocked outside threading); last at {point}"
                        ),
                        None => "running without reaching a synchronisation point (busy-waiting, or blocked outside threading)".to_string(),
                    },
                    (_, _) => match &task.last_point {
                        Some(point) => format!("runnable, last at {point}"),
                        None => "runnable, not started yet".to_string(),
                    },
                };
                ThreadReport { name: task.name.clone(), state, harness: task.thread.is_none() }
            })
            .collect()
    }
}

impl Scheduler for Controller {
    fn point(&self, point: &Point<'_>) {
        let Some(me) = self.me() else { return };
        if point.operation == Operation::ThreadExit {
            // Not a decision: the exiting thread keeps its turn until `thread_finished`. A
            // joiner let in here would find the thread stopped and wait for its OS thread to
            // end — which would wait for the turn the joiner holds.
            return;
        }
        let st = self.lock();
        let (mut st, turn) = self.wait_turn(st, me);
        match turn {
            Turn::Mine => {}
            Turn::Done => return,
            Turn::Aborted => {
                drop(st);
                return self.leave();
            }
        }
        st.tasks[me].last_point = Some(format!("{} (created at {})", point.operation, point.site));
        st.steps += 1;
        if st.steps > self.limits.max_steps {
            let threads = self.reports(&st);
            let steps = st.steps;
            self.abort(&mut st, Abort::Steps(steps, threads));
            drop(st);
            return self.leave();
        }
        self.decide(&mut st, me, true);
        let (mut st, turn) = self.wait_turn(st, me);
        if turn == Turn::Mine {
            // The operation happens now, when the task has the baton back: the log's order
            // is the order things happened in (a preemption decided here came before it).
            Self::record(&mut st, me, point);
        }
        drop(st);
        if turn == Turn::Aborted {
            self.leave();
        }
    }

    fn park(&self, waiter: &Waiter, deadline: Option<Instant>) -> Wake {
        let Some(me) = self.me() else { return waiter.park_os(deadline) };
        let st = self.lock();
        let (mut st, turn) = self.wait_turn(st, me);
        match turn {
            Turn::Mine => {}
            Turn::Done => {
                drop(st);
                return waiter.park_os(deadline);
            }
            Turn::Aborted => {
                drop(st);
                self.leave();
                return waiter.park_os(deadline);
            }
        }
        if waiter.is_notified() {
            return Wake::Notified;
        }
        {
            let task = &mut st.tasks[me];
            task.status = Status::Blocked;
            task.waiter = std::ptr::from_ref(waiter) as usize;
            task.deadline = deadline;
            task.timed_out = false;
        }
        st.log.push(me, EventKind::Blocked);
        self.decide(&mut st, me, false);
        let (mut st, turn) = self.wait_turn(st, me);
        match turn {
            Turn::Mine => {}
            Turn::Done => {
                drop(st);
                return waiter.park_os(deadline);
            }
            Turn::Aborted => {
                drop(st);
                self.leave();
                return waiter.park_os(deadline);
            }
        }
        let timed_out = st.tasks[me].timed_out;
        st.log.push(me, EventKind::Resumed { timed_out });
        let task = &mut st.tasks[me];
        task.waiter = 0;
        if std::mem::take(&mut task.timed_out) {
            task.deadline = None;
            drop(st);
            if let Some(deadline) = deadline {
                // Time jumped here because nothing else could run; make it true.
                let now = Instant::now();
                if deadline > now {
                    std::thread::sleep(deadline - now);
                }
            }
            return Wake::TimedOut;
        }
        task.deadline = None;
        Wake::Notified
    }

    fn unpark(&self, waiter: &Waiter) {
        let address = std::ptr::from_ref(waiter) as usize;
        let by = self.me();
        let mut st = self.lock();
        let live = !st.done && st.abort.is_none();
        if let Some(woken) = st.tasks.iter().position(|t| t.status == Status::Blocked && t.waiter == address)
        {
            let task = &mut st.tasks[woken];
            task.status = Status::Runnable;
            task.waiter = 0;
            if live {
                st.log.push(woken, EventKind::Woken { by });
                return;
            }
        }
        drop(st);
        waiter.unpark_os();
    }

    fn spurious_wakeup(&self, _point: &Point<'_>) -> bool {
        let Some(me) = self.me() else { return false };
        let mut st = self.lock();
        // Only the task holding the baton decides (it always does when it reaches a wait), so
        // the decisions come in the same order on a replay.
        if st.current != Some(me) || st.done || st.abort.is_some() {
            return false;
        }
        let step = st.steps;
        let spurious = st.strategy.spurious_wakeup(step);
        if let Some(wake) = spurious {
            st.trace.push(Step::Wait { spurious: wake });
        }
        spurious == Some(true)
    }

    fn sleep(&self, duration: Duration) {
        if self.me().is_none() {
            std::thread::sleep(duration);
        }
        // For a task, the `sleep` point already happened: sleeping is only a chance for others.
    }

    fn thread_created(&self, thread: &Thread) {
        if self.me().is_none() {
            return;
        }
        let mut st = self.lock();
        if st.done || st.abort.is_some() || st.tasks.len() >= Trace::letter_limit() {
            return;
        }
        let id = st.tasks.len();
        st.tasks.push(Task::new(Some(thread.clone()), thread.name(), 0, 0));
        st.log.thread(id, &thread.name(), false);
        if let Some(me) = self.me() {
            st.log.push(me, EventKind::Spawn { spawned: id });
        }
        st.strategy.task_created(id);
    }

    fn thread_started(&self, thread: &Thread) {
        let mut st = self.lock();
        let Some(me) = st.tasks.iter().position(|t| t.thread.as_ref() == Some(thread)) else { return };
        st.tasks[me].ident = threading::get_ident();
        st.tasks[me].tid = threading::get_native_id();
        TASK.with(|t| t.set(Some((self.id, me))));
        let (mut st, turn) = self.wait_turn(st, me);
        if turn == Turn::Mine {
            st.log.push(me, EventKind::Start);
        }
    }

    fn thread_finished(&self, _thread: &Thread) {
        let Some(me) = self.me() else { return };
        TASK.with(|t| t.set(None));
        // Never waits for the turn (see `point`): an exiting thread that was set aside and
        // comes back now just leaves; the holder of the turn goes on.
        let mut st = self.lock();
        st.tasks[me].status = Status::Finished;
        if !st.done && st.abort.is_none() {
            // (After an abort, stuck tasks unwind and end: that is not part of the run.)
            st.log.push(me, EventKind::End);
        }
        st.tasks[me].free = false;
        if (st.current == Some(me) || st.current.is_none()) && !st.done && st.abort.is_none() {
            self.decide(&mut st, me, false);
        }
        self.left.notify_all();
    }
}

impl Controller {
    /// Whether the run ended (normally or not).
    fn finished(&self) -> bool {
        let st = self.lock();
        st.done || st.abort.is_some()
    }
}

/// Whether the calling thread is a task of a controller whose run was aborted — the harness's
/// thread bodies check it before calling into the learner's code.
pub(crate) fn current_run_aborted(controller: &Controller) -> bool {
    let st = controller.lock();
    st.abort.is_some() || st.done
}

#[cfg(test)]
mod tests;
