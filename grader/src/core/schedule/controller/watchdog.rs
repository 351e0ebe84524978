//! The watchdog: one thread for the whole process, looking at the controller of the current
//! run (runs are one at a time, so there is no thread to start and join for every run). At
//! every look it enforces the run's time limits and sets aside a task that holds the baton
//! for too long without reaching a synchronisation point.

use super::{Abort, Controller, Status};
use crate::core::schedule::{ChoicePoint, Step};
use std::sync::{Arc, Condvar, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

struct Service {
    current: Mutex<Option<Weak<Controller>>>,
    changed: Condvar,
}

fn service() -> &'static Service {
    static SERVICE: OnceLock<&'static Service> = OnceLock::new();
    SERVICE.get_or_init(|| {
        let service: &'static Service =
            Box::leak(Box::new(Service { current: Mutex::new(None), changed: Condvar::new() }));
        let spawned =
            std::thread::Builder::new().name("threadlab-watchdog".into()).spawn(move || run(service));
        if spawned.is_err() {
            // No watchdog: runs still end by themselves, only spinning ones are not stopped.
            *service.current.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
        service
    })
}

fn run(service: &'static Service) {
    let mut current = service.current.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let controller = current.as_ref().and_then(Weak::upgrade);
        match controller {
            None => current = service.changed.wait(current).unwrap_or_else(|e| e.into_inner()),
            Some(controller) => {
                drop(current);
                let tick = controller.tick();
                let watching = controller.watch_tick();
                drop(controller);
                current = service.current.lock().unwrap_or_else(|e| e.into_inner());
                if watching {
                    current =
                        service.changed.wait_timeout(current, tick).unwrap_or_else(|e| e.into_inner()).0;
                } else if current.as_ref().is_some_and(|w| w.upgrade().is_some_and(|c| c.finished())) {
                    *current = None;
                }
            }
        }
    }
}

/// Starts watching `controller`'s run.
pub(super) fn watch(controller: &Arc<Controller>) {
    let service = service();
    *service.current.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::downgrade(controller));
    service.changed.notify_all();
}

/// Stops watching it.
pub(super) fn unwatch(controller: &Arc<Controller>) {
    let service = service();
    let mut current = service.current.lock().unwrap_or_else(|e| e.into_inner());
    if current.as_ref().is_some_and(|w| std::ptr::eq(w.as_ptr(), Arc::as_ptr(controller))) {
        *current = None;
    }
    drop(current);
    service.changed.notify_all();
}

/// What the watchdog last saw of the task holding the baton — to tell a busy-waiting thread
/// (it burns CPU) from one the OS does not run or that blocks outside `threading`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Mark {
    /// The task holding the baton.
    task: usize,
    /// Its last progress (a hand-over or a point) when it was marked.
    progress: Instant,
    /// When the watchdog first saw it there.
    since: Instant,
    /// Its CPU time then.
    cpu: Option<Duration>,
}

impl Controller {
    /// One look by the watchdog: the run's time limits, and a task holding the baton for too
    /// long without reaching a point. Returns whether the run still needs watching.
    pub(super) fn watch_tick(&self) -> bool {
        let mut st = self.lock();
        if st.done || st.abort.is_some() {
            return false;
        }
        let now = Instant::now();
        let elapsed = now.duration_since(self.started);
        if elapsed > self.limits.run_timeout {
            let mut threads = self.reports(&st);
            if let Some(current) = st.current {
                let name = &st.tasks[current].name;
                for t in threads.iter_mut().filter(|t| &t.name == name) {
                    t.state = format!("running, {}", t.state);
                }
            }
            self.abort(&mut st, Abort::Timeout(elapsed, threads));
            return false;
        }
        let quiet = now.duration_since(st.last_activity);
        if quiet > self.limits.stall {
            let threads = self.reports(&st);
            self.abort(&mut st, Abort::Stalled(quiet, threads));
            return false;
        }
        let Some(current) = st.current else {
            st.mark = None;
            return true;
        };
        let cpu = crate::core::cputime::of_thread(st.tasks[current].tid);
        let (marked, cpu_then) = match st.mark {
            Some(mark) if mark.task == current && mark.progress == st.last_progress => (mark.since, mark.cpu),
            _ => {
                st.mark = Some(Mark { task: current, progress: st.last_progress, since: now, cpu });
                (now, cpu)
            }
        };
        let held = now.duration_since(st.last_progress);
        let watched = now.duration_since(marked);
        // Busy: the thread burnt at least a tenth of a CPU while the watchdog watched it (half
        // a slice at least). Not busy for four slices: it blocks outside `threading` (or the OS
        // starves it that long); either way the others must go on.
        let busy = match (cpu_then, cpu) {
            (Some(then), Some(cpu)) => {
                watched * 2 >= self.limits.slice && cpu.saturating_sub(then) * 10 >= watched
            }
            _ => false,
        };
        if held > self.limits.slice && (busy || held > 4 * self.limits.slice) {
            st.mark = None;
            let others: Vec<usize> = (0..st.tasks.len())
                .filter(|&t| t != current && st.tasks[t].status == Status::Runnable && !st.tasks[t].free)
                .collect();
            st.tasks[current].free = true;
            if others.is_empty() {
                st.current = None;
            } else {
                let next = if others.len() == 1 {
                    others[0]
                } else {
                    let decision =
                        ChoicePoint { candidates: &others, current: None, unfair: false, step: st.steps };
                    let next = st.strategy.choose(&decision);
                    if others.contains(&next) { next } else { others[0] }
                };
                st.trace.push(Step::Preempt(next));
                st.log.push(current, crate::core::events::EventKind::Preempted { to: next });
                st.preemptions += 1;
                st.streak = 0;
                self.hand_to(&mut st, next);
            }
        }
        true
    }

    /// How often the watchdog looks.
    pub(super) fn tick(&self) -> Duration {
        (self.limits.slice / 4).clamp(Duration::from_millis(1), Duration::from_millis(50))
    }
}
