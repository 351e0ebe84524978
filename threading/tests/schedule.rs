//! The scheduling hook: an observer sees every synchronisation point, a perturbing scheduler
//! keeps programs correct, and a controller that runs one thread at a time (as the grader's
//! does) can drive every primitive through `park`/`unpark` and detect a deadlock.
//!
//! Each test installs a process-wide scheduler, so they run one at a time (SERIAL).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use threading::schedule::{self, Operation, Point, Scheduler};
use threading::{Barrier, Condition, Event, Lock, Semaphore, Thread, Waiter, Wake};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A small workload touching every primitive; returns a checksum that only a correct run gives.
fn workload() -> usize {
    let counter = Arc::new(Lock::with_data(0usize));
    let items = Arc::new(Condition::with_data(Vec::<usize>::new()));
    let barrier = Arc::new(Barrier::new(3).unwrap());
    let done = Arc::new(Event::new());
    let slots = Arc::new(Semaphore::new(2));
    let producer = Thread::new({
        let (items, barrier, slots) = (items.clone(), barrier.clone(), slots.clone());
        move || {
            for i in 1..=20 {
                let _slot = slots.guard();
                let mut queue = items.lock();
                queue.push(i);
                queue.notify();
            }
            barrier.wait().unwrap();
        }
    });
    let consumer = Thread::new({
        let (items, counter, barrier, done) = (items.clone(), counter.clone(), barrier.clone(), done.clone());
        move || {
            let mut seen = 0;
            while seen < 20 {
                let mut queue = items.lock();
                queue.wait_for(|q| !q.is_empty());
                let item = queue.remove(0);
                drop(queue);
                *counter.lock() += item;
                seen += 1;
                threading::sleep(Duration::from_micros(50));
            }
            barrier.wait().unwrap();
            done.set();
        }
    });
    producer.start().unwrap();
    consumer.start().unwrap();
    // A wait that surely parks, so every kind of point happens in every run.
    let _notified_or_not = items.lock().wait_timeout(Duration::from_micros(1));
    barrier.wait().unwrap();
    // Untimed: under a controller a timed wait may legitimately time out at any point.
    assert!(done.wait());
    producer.join().unwrap();
    consumer.join().unwrap();
    *counter.lock()
}

#[derive(Default)]
struct Recorder(Mutex<Vec<Operation>>);

impl Scheduler for Recorder {
    fn point(&self, point: &Point<'_>) {
        self.0.lock().unwrap().push(point.operation);
    }
}

#[test]
fn an_observer_sees_every_kind_of_point() {
    let _serial = serial();
    let recorder = Arc::new(Recorder::default());
    let guard = schedule::install(recorder.clone());
    assert_eq!(workload(), 210);
    drop(guard);
    let seen = recorder.0.lock().unwrap().clone();
    for op in [
        Operation::ThreadStart,
        Operation::ThreadJoin,
        Operation::LockAcquire,
        Operation::LockRelease,
        Operation::ConditionWait,
        Operation::ConditionNotify,
        Operation::SemaphoreAcquire,
        Operation::SemaphoreRelease,
        Operation::BarrierWait,
        Operation::EventSet,
        Operation::EventWait,
        Operation::Sleep,
    ] {
        assert!(seen.contains(&op), "{op} never seen in {seen:?}");
    }
}

/// Seeded random yields and short delays at every point: real threads, perturbed.
struct Chaos {
    state: Mutex<u64>,
}

impl Scheduler for Chaos {
    fn point(&self, _: &Point<'_>) {
        let roll = {
            let mut x = self.state.lock().unwrap_or_else(|e| e.into_inner());
            *x ^= *x << 13;
            *x ^= *x >> 7;
            *x ^= *x << 17;
            *x % 10
        };
        match roll {
            0..=3 => std::thread::yield_now(),
            4 => std::thread::sleep(Duration::from_micros(200)),
            _ => {}
        }
    }
}

#[test]
fn a_perturbing_scheduler_keeps_programs_correct() {
    let _serial = serial();
    for seed in 1..=5u64 {
        let guard = schedule::install(Arc::new(Chaos {
            state: Mutex::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        }));
        assert_eq!(workload(), 210, "seed {seed}");
        drop(guard);
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Status {
    Runnable,
    Blocked { timed: bool },
    Finished,
}

#[derive(Default)]
struct Controlled {
    current: Option<Thread>,
    threads: Vec<(Thread, Status)>,
    rng: u64,
    deadlock: Option<String>,
}

/// Runs one thread at a time and picks the next one at random (seeded) at every point: the
/// shape of the grader's controlled schedulers, in miniature.
struct OneAtATime {
    state: Mutex<Controlled>,
    turn: Condvar,
    inside: AtomicUsize,
    max_inside: AtomicUsize,
}

impl OneAtATime {
    fn new(seed: u64) -> Self {
        OneAtATime {
            state: Mutex::new(Controlled { rng: seed | 1, ..Controlled::default() }),
            turn: Condvar::new(),
            inside: AtomicUsize::new(0),
            max_inside: AtomicUsize::new(0),
        }
    }

    fn status_of(state: &mut Controlled, thread: &Thread) -> usize {
        if let Some(i) = state.threads.iter().position(|(t, _)| t == thread) {
            return i;
        }
        // The thread that installed the scheduler joins lazily, already running.
        state.threads.push((thread.clone(), Status::Runnable));
        if state.current.is_none() {
            state.current = Some(thread.clone());
        }
        state.threads.len() - 1
    }

    /// Picks the next thread among runnable ones (and timed waiters, which may time out).
    fn choose(&self, state: &mut Controlled) {
        let candidates: Vec<usize> = (0..state.threads.len())
            .filter(|&i| matches!(state.threads[i].1, Status::Runnable | Status::Blocked { timed: true }))
            .collect();
        if candidates.is_empty() {
            let blocked: Vec<String> = state
                .threads
                .iter()
                .filter(|(_, s)| matches!(s, Status::Blocked { .. }))
                .map(|(t, _)| t.name())
                .collect();
            if !blocked.is_empty() && state.deadlock.is_none() {
                state.deadlock =
                    Some(format!("deadlock: {} blocked\n{}", blocked.join(", "), threading::report()));
            }
            state.current = None;
        } else {
            state.rng ^= state.rng << 13;
            state.rng ^= state.rng >> 7;
            state.rng ^= state.rng << 17;
            let pick = candidates[(state.rng % candidates.len() as u64) as usize];
            state.current = Some(state.threads[pick].0.clone());
        }
        self.turn.notify_all();
    }

    fn wait_turn<'a>(
        &self,
        state: std::sync::MutexGuard<'a, Controlled>,
        me: &Thread,
    ) -> std::sync::MutexGuard<'a, Controlled> {
        self.inside.fetch_sub(1, Ordering::SeqCst);
        self.enter(state, me)
    }

    /// Blocks until `me` is chosen, then counts it as running.
    fn enter<'a>(
        &self,
        mut state: std::sync::MutexGuard<'a, Controlled>,
        me: &Thread,
    ) -> std::sync::MutexGuard<'a, Controlled> {
        while state.current.as_ref() != Some(me) {
            if state.deadlock.is_some() {
                break;
            }
            state = self.turn.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        let now = self.inside.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_inside.fetch_max(now, Ordering::SeqCst);
        state
    }
}

impl Scheduler for OneAtATime {
    fn point(&self, _: &Point<'_>) {
        let me = threading::current_thread();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        Self::status_of(&mut state, &me);
        self.choose(&mut state);
        drop(self.wait_turn(state, &me));
    }

    fn park(&self, waiter: &Waiter, deadline: Option<Instant>) -> Wake {
        let me = threading::current_thread();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let i = Self::status_of(&mut state, &me);
        if !waiter.is_notified() {
            state.threads[i].1 = Status::Blocked { timed: deadline.is_some() };
            self.choose(&mut state);
            state = self.wait_turn(state, &me);
            if let Some(report) = state.deadlock.clone() {
                drop(state);
                panic!("{report}");
            }
        }
        state.threads[i].1 = Status::Runnable;
        if waiter.is_notified() { Wake::Notified } else { Wake::TimedOut }
    }

    fn unpark(&self, waiter: &Waiter) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let i = Self::status_of(&mut state, &waiter.thread());
        if matches!(state.threads[i].1, Status::Blocked { .. }) {
            state.threads[i].1 = Status::Runnable;
        }
    }

    fn sleep(&self, _: Duration) {}

    fn thread_created(&self, thread: &Thread) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).threads.push((thread.clone(), Status::Runnable));
    }

    fn thread_started(&self, thread: &Thread) {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        drop(self.enter(state, thread));
    }

    fn thread_finished(&self, thread: &Thread) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let i = Self::status_of(&mut state, thread);
        state.threads[i].1 = Status::Finished;
        self.inside.fetch_sub(1, Ordering::SeqCst);
        self.choose(&mut state);
    }
}

#[test]
fn a_controller_runs_one_thread_at_a_time_through_every_primitive() {
    let _serial = serial();
    for seed in 1..=20u64 {
        let controller = Arc::new(OneAtATime::new(seed));
        controller.inside.store(1, Ordering::SeqCst); // the test thread itself
        let guard = schedule::install(controller.clone());
        let total = workload();
        drop(guard);
        assert_eq!(total, 210, "seed {seed}");
        assert_eq!(controller.max_inside.load(Ordering::SeqCst), 1, "seed {seed}: two threads ran at once");
        assert!(controller.state.lock().unwrap_or_else(|e| e.into_inner()).deadlock.is_none());
    }
}

#[test]
fn a_controller_sees_a_deadlock_as_no_runnable_thread() {
    let _serial = serial();
    let controller = Arc::new(OneAtATime::new(7));
    controller.inside.store(1, Ordering::SeqCst);
    let guard = schedule::install(controller.clone());
    let (a, b) = (Arc::new(Lock::new().named("A")), Arc::new(Lock::new().named("B")));
    let both = Arc::new(Barrier::new(2).unwrap());
    let outcome = Arc::new(Mutex::new(HashMap::new()));
    let philosopher = |name: &'static str, first: Arc<Lock>, second: Arc<Lock>| {
        let (both, outcome) = (both.clone(), outcome.clone());
        Thread::builder().name(name).target(move || {
            first.acquire();
            both.wait().unwrap();
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| second.acquire()));
            let message = result.err().and_then(|p| p.downcast_ref::<String>().cloned());
            outcome.lock().unwrap().insert(name, message);
        })
    };
    let p1 = philosopher("p1", a.clone(), b.clone());
    let p2 = philosopher("p2", b.clone(), a.clone());
    p1.start().unwrap();
    p2.start().unwrap();
    // The test thread joins too, so that it is blocked as well when the deadlock happens.
    let joined = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| p1.join()));
    let deadlock = controller.state.lock().unwrap_or_else(|e| e.into_inner()).deadlock.clone();
    drop(guard);
    let report = deadlock.expect("the controller saw no runnable thread");
    assert!(report.contains("p1") && report.contains("p2"), "{report}");
    assert!(
        report.contains("blocked in Lock.acquire on B") || report.contains("blocked in Lock.acquire on A"),
        "{report}"
    );
    assert!(joined.is_err(), "the blocked join learned about the deadlock");
    let deadline = Instant::now() + Duration::from_secs(30);
    while outcome.lock().unwrap().len() < 2 {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(1));
    }
}
