//! The one adapter from what the grader records to what the timeline draws: a run's
//! [`EventLog`] and its [`Failure`] (the judge's divergence, the deadlock report) become a
//! plain [`Timeline`].

use super::{Lane, Step, StepKind, Timeline, WaitFor};
use crate::core::events::{EventKind, EventLog};
use crate::core::judge::{Failure, Verdict};
use crate::core::report::Report;
use threading::schedule::{Claim, Operation};

/// The timeline of a report's failing run, if its events were recorded (controlled runs).
pub fn of_report(report: &Report) -> Option<Timeline> {
    let events = report.events.as_ref().filter(|e| !e.is_empty())?;
    let failure = report.failure.as_ref();
    let title = match failure {
        Some(f) => format!("{}: {} — n = {}, replay {}", report.exercise, f.verdict, f.n, f.replay),
        None => report.exercise.clone(),
    };
    Some(from_run(&title, events, failure))
}

/// Builds the timeline of one run from its events; `failure` marks the first wrong token and
/// gives the final wait-for picture.
pub fn from_run(title: &str, log: &EventLog, failure: Option<&Failure>) -> Timeline {
    // Learner's threads first, in the order they were created; the grader's thread last.
    let mut order: Vec<usize> = (0..log.threads.len()).filter(|&t| !log.threads[t].harness).collect();
    order.extend((0..log.threads.len()).filter(|&t| log.threads[t].harness));
    let mut lane_of = vec![0; log.threads.len()];
    for (lane, &task) in order.iter().enumerate() {
        lane_of[task] = lane;
    }
    let lanes: Vec<Lane> = order
        .iter()
        .map(|&t| Lane { name: log.threads[t].name.clone(), harness: log.threads[t].harness })
        .collect();
    let name_of = |task: usize| log.threads.get(task).map(|t| t.name.clone()).unwrap_or_else(|| "?".into());
    let wrong = failure.and_then(|f| f.divergence.as_ref()).filter(|d| d.got.is_some());
    let labels = object_labels(log);

    let mut timeline = Timeline { title: title.to_string(), lanes, ..Timeline::default() };
    let mut last_step: Vec<Option<usize>> = vec![None; timeline.lanes.len()];
    let mut open: Vec<Option<usize>> = vec![None; timeline.lanes.len()];
    let mut holds: Vec<Vec<(usize, String)>> = vec![Vec::new(); timeline.lanes.len()];
    let mut prints = 0;
    for event in &log.events {
        let Some(&lane) = lane_of.get(event.thread) else { continue };
        let step = |timeline: &mut Timeline, label: String, object, detail, kind| {
            timeline.steps.push(Step { lane, label, object, detail, kind, preempted_to: None });
        };
        let steps_before = timeline.steps.len();
        match &event.kind {
            EventKind::Start => step(&mut timeline, "start".into(), None, None, StepKind::Start),
            EventKind::End => step(&mut timeline, "end".into(), None, None, StepKind::End),
            EventKind::Op { operation, object } => {
                let object_info = object.and_then(|o| log.objects.get(o));
                if let (Some(o), Some(_)) = (object, object_info)
                    && operation.is_held()
                {
                    track_holding(&mut holds[lane], *operation, *o, labels[*o].clone());
                }
                step(
                    &mut timeline,
                    operation.to_string(),
                    object.map(|o| labels[o].clone()),
                    object_info.map(|o| format!("created at {}", o.site)),
                    StepKind::Op(*operation),
                );
            }
            EventKind::Spawn { spawned } => {
                // `Thread.start` names threading's own code as its site: name the new thread.
                match timeline.steps.last_mut() {
                    Some(last) if last.lane == lane && last.kind == StepKind::Op(Operation::ThreadStart) => {
                        last.object = Some(name_of(*spawned));
                        last.detail = None;
                    }
                    _ => step(
                        &mut timeline,
                        Operation::ThreadStart.to_string(),
                        Some(name_of(*spawned)),
                        None,
                        StepKind::Op(Operation::ThreadStart),
                    ),
                }
            }
            EventKind::Print { token } | EventKind::Returned { token } => {
                let kind = match wrong {
                    Some(d) if d.index == prints && d.got.as_deref() == Some(token.as_str()) => {
                        let why = match (&d.expected, failure.map(|f| f.verdict)) {
                            (_, Some(Verdict::WrongThread)) => "printed from the wrong thread".to_string(),
                            (Some(want), _) => format!("expected {want}"),
                            // A checker judges a returned value by a rule, not against a next token.
                            (None, _) if matches!(event.kind, EventKind::Returned { .. }) => {
                                "breaks the rule".to_string()
                            }
                            (None, _) => "nothing more expected".to_string(),
                        };
                        StepKind::WrongPrint { why }
                    }
                    _ => StepKind::Print,
                };
                let is_wrong = matches!(kind, StepKind::WrongPrint { .. });
                let label = match &event.kind {
                    EventKind::Returned { .. } => format!("returned {token}"),
                    _ => format!("print {token:?}"),
                };
                step(&mut timeline, label, None, None, kind);
                if is_wrong {
                    timeline.focus = Some(timeline.steps.len() - 1);
                }
                prints += 1;
            }
            EventKind::Blocked => {
                // The span starts after the thread's last step.
                let from = last_step[lane].unwrap_or(0);
                open[lane] = Some(timeline.open_blocked(lane, from));
            }
            EventKind::Woken { by } => {
                if let Some(span) = open[lane] {
                    timeline.blocked[span].woken_by = by.map(name_of);
                }
            }
            EventKind::Resumed { timed_out } => {
                if let Some(span) = open[lane].take() {
                    timeline.blocked[span].until = Some(timeline.steps.len());
                    timeline.blocked[span].timed_out = *timed_out;
                }
            }
            EventKind::Preempted { to } => {
                // The switch came after the thread's last step, or, if it blocked there and
                // ran again since, right after it resumed: mark it where it happened.
                let resumed = timeline
                    .blocked
                    .iter()
                    .rposition(|b| b.lane == lane && Some(b.from) == last_step[lane] && b.until.is_some());
                match (resumed, last_step[lane]) {
                    (Some(span), _) => timeline.blocked[span].preempted_to = Some(name_of(*to)),
                    (None, Some(last)) => timeline.steps[last].preempted_to = Some(name_of(*to)),
                    (None, None) => {}
                }
            }
        }
        if timeline.steps.len() > steps_before {
            last_step[lane] = Some(timeline.steps.len() - 1);
        }
    }
    if timeline.focus.is_none() && failure.is_some() && !timeline.steps.is_empty() {
        // Nothing wrong was printed: the run stopped (deadlock, spinning, too few tokens).
        timeline.focus = Some(timeline.steps.len() - 1);
    }
    // A thread still blocked in an acquire at the end waits for that lock: it does not hold it.
    for (lane, span) in open.iter().enumerate() {
        if let Some(span) = span
            && let Some(step) = timeline.steps.get(timeline.blocked[*span].from)
            && matches!(step.kind, StepKind::Op(op) if op.claim() == Some(Claim::Acquire))
            && let Some(at) = holds[lane].iter().rposition(|(_, label)| step.object.as_ref() == Some(label))
        {
            holds[lane].remove(at);
        }
    }
    if let Some(failure) = failure {
        if let Some(d) = failure.divergence.as_ref().filter(|d| d.got.is_none()) {
            let want = d.expected.as_deref().unwrap_or("nothing more");
            timeline.notes.push(format!("token {} never came: {want} was expected", d.index + 1));
        }
        if matches!(failure.verdict, Verdict::Deadlock | Verdict::Timeout) || !failure.threads.is_empty() {
            timeline.wait_for = failure
                .threads
                .iter()
                .map(|report| {
                    let lane = timeline.lanes.iter().position(|l| l.name == report.name);
                    WaitFor {
                        thread: report.name.clone(),
                        state: report.state.clone(),
                        holds: lane
                            .map(|l| holds[l].iter().map(|(_, label)| label.clone()).collect())
                            .unwrap_or_default(),
                    }
                })
                .collect();
        }
    }
    if log.dropped > 0 {
        timeline.notes.push(format!(
            "{} later events were not recorded (the log keeps the first {})",
            log.dropped,
            log.events.len()
        ));
    }
    timeline
}

/// Each object's label, with the column added where two share a line.
fn object_labels(log: &EventLog) -> Vec<String> {
    let plain: Vec<String> = log.objects.iter().map(|o| o.label()).collect();
    log.objects
        .iter()
        .zip(&plain)
        .map(|(o, label)| {
            if o.name.is_none() && plain.iter().filter(|l| *l == label).count() > 1 {
                format!("{label}:{}", o.column)
            } else {
                label.clone()
            }
        })
        .collect()
}

/// Keeps `held` (object, label) up to date with one operation on a lock (one a thread holds,
/// [`Operation::is_held`]: a semaphore's permits or an event belong to nobody): an acquire
/// takes it, a release gives it back. (A condition's wait releases and reacquires its lock
/// through these same operations, so it needs no rule of its own.)
fn track_holding(held: &mut Vec<(usize, String)>, operation: Operation, object: usize, label: String) {
    match operation.claim() {
        Some(Claim::Acquire) => held.push((object, label)),
        Some(Claim::Release) => {
            if let Some(at) = held.iter().rposition(|(o, _)| *o == object) {
                held.remove(at);
            }
        }
        None => {}
    }
}
