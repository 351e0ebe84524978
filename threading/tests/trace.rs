//! `threading::trace`: the timeline of a closure's threads follows what they did. One test
//! function, because the recorder is installed process-wide while it runs.

use std::sync::Arc;
use std::time::Duration;
use threading::schedule::Operation;
use threading::timeline::StepKind;
use threading::{Event, Lock, Thread};

#[test]
fn a_trace_draws_what_the_threads_did() {
    // A thread that waits for an event the main thread sets once it sees it blocked.
    let (ready, event_line) = (Arc::new(Event::new()), line!());
    let (lock, lock_line) = (Arc::new(Lock::new()), line!());
    let traced = threading::trace(|| {
        let waiter = Thread::builder().name("waiter").target({
            let (ready, lock) = (ready.clone(), lock.clone());
            move || {
                ready.wait();
                let _held = lock.lock();
            }
        });
        waiter.start().unwrap();
        while !threading::blocked_threads().iter().any(|t| t.name == "waiter" && t.blocked.is_some()) {
            std::thread::sleep(Duration::from_millis(1));
        }
        ready.set();
        waiter.join().unwrap();
        "done"
    });
    assert_eq!(traced.value, "done");
    let timeline = &traced.timeline;
    let me = threading::current_thread().name();
    let names: Vec<&str> = timeline.lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, [me.as_str(), "waiter"]);
    let lane = |name: &str| names.iter().position(|n| *n == name).unwrap();
    let did = |name: &str| -> Vec<String> {
        timeline
            .steps
            .iter()
            .filter(|s| s.lane == lane(name))
            .map(|s| format!("{} {}", s.label, s.object.as_deref().unwrap_or("")).trim_end().to_string())
            .collect()
    };
    assert_eq!(
        did("waiter"),
        [
            "start".to_string(),
            format!("Event.wait Event@{event_line}"),
            format!("Lock.acquire Lock@{lock_line}"),
            format!("Lock.release Lock@{lock_line}"),
            "end".to_string()
        ]
    );
    assert_eq!(
        did(&me),
        [
            "Thread.start waiter".to_string(),
            format!("Event.set Event@{event_line}"),
            "Thread.join waiter".into()
        ]
    );
    assert!(
        timeline
            .steps
            .iter()
            .all(|s| s.preempted_to.is_none() && !matches!(s.kind, StepKind::WrongPrint { .. }))
    );

    // The waiter blocked in its wait until the main thread's set woke it.
    let span = timeline.blocked.iter().find(|b| b.lane == lane("waiter")).expect("the waiter blocked");
    assert_eq!(span.on, format!("Event.wait on Event@{event_line}"));
    assert_eq!(span.woken_by.as_deref(), Some(me.as_str()));
    let set = timeline.steps.iter().position(|s| s.kind == StepKind::Op(Operation::EventSet)).unwrap();
    assert!(span.from < set && span.until.is_some_and(|u| u > set), "{span:?}, set at {set}");

    // Drawn: well-formed enough to hold one mark per step; uninstalled afterwards.
    let svg = traced.svg();
    assert_eq!(svg.matches(r#"<g class="step""#).count(), timeline.steps.len());
    assert!(traced.text().lines().any(|l| l.starts_with("step |") && l.contains("waiter")));
    assert!(!threading::schedule::is_installed());
}
