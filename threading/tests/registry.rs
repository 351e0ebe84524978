//! The who-waits-on-what registry: `blocked_threads()` and `report()` explain a hang.

use std::sync::Arc;
use std::time::{Duration, Instant};
use threading::schedule::Operation;
use threading::{Lock, Thread};

#[test]
fn a_deadlock_is_explained_by_the_report() {
    let fork_a = Arc::new(Lock::new().named("fork A"));
    let fork_b = Arc::new(Lock::new().named("fork B"));
    let both_hold_one = Arc::new(threading::Barrier::new(2).unwrap());
    let philosopher = |name: &str, first: Arc<Lock>, second: Arc<Lock>, barrier: Arc<threading::Barrier>| {
        Thread::builder().name(name).daemon(true).target(move || {
            first.acquire();
            barrier.wait().unwrap();
            second.acquire(); // deadlock: each holds what the other wants
        })
    };
    let p1 = philosopher("Aristotle", fork_a.clone(), fork_b.clone(), both_hold_one.clone());
    let p2 = philosopher("Kant", fork_b.clone(), fork_a.clone(), both_hold_one.clone());
    p1.start().unwrap();
    p2.start().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let report = loop {
        let report = threading::report();
        if report.contains("Aristotle: blocked in Lock.acquire")
            && report.contains("Kant: blocked in Lock.acquire")
        {
            break report;
        }
        assert!(Instant::now() < deadline, "never deadlocked:\n{report}");
        std::thread::sleep(Duration::from_millis(1));
    };
    assert!(
        report.contains(
            "Aristotle: blocked in Lock.acquire on fork B (created at threading/tests/registry.rs:"
        ),
        "{report}"
    );
    assert!(report.contains("Kant: blocked in Lock.acquire on fork A"), "{report}");
    assert!(report.lines().next().unwrap().starts_with("MainThread"), "{report}");
    let states = threading::blocked_threads();
    let kant = states.iter().find(|s| s.name == "Kant").unwrap();
    assert!(kant.daemon);
    assert_eq!(kant.blocked.as_ref().unwrap().blocked.operation, Operation::LockAcquire);
    // Untangle them so the test process ends cleanly.
    threading::interrupt(&p1);
    threading::interrupt(&p2);
    p1.join().unwrap();
    p2.join().unwrap();
    let after = threading::report();
    assert!(!after.contains("Aristotle"), "{after}");
}

#[test]
fn join_and_sleep_show_what_they_wait_for() {
    let sleeper = Thread::builder().name("sleeper").target(|| threading::sleep(Duration::from_millis(300)));
    sleeper.start().unwrap();
    let joiner = Thread::builder().name("joiner").target({
        let sleeper = sleeper.clone();
        move || sleeper.join().unwrap()
    });
    joiner.start().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let report = threading::report();
        if report.contains("joiner: blocked in Thread.join on sleeper")
            && report.contains("sleeper: blocked in sleep")
        {
            break;
        }
        assert!(Instant::now() < deadline, "{report}");
        std::thread::sleep(Duration::from_millis(1));
    }
    joiner.join().unwrap();
}
