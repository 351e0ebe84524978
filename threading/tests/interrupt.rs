//! Interrupting blocked calls from outside (the kernel's interrupt button): every blocking call
//! unwinds with `KeyboardInterrupt` and leaves its primitive consistent.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use threading::{Barrier, Condition, Event, KeyboardInterrupt, Lock, RLock, Semaphore, Thread};

/// Runs `blocking` on a crate thread, interrupts it once it is blocked, and returns whether it
/// unwound with KeyboardInterrupt (checked inside the thread).
fn interrupted(blocking: impl FnOnce() + Send + 'static) -> bool {
    let (tx, rx) = mpsc::channel();
    let t = Thread::new(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(blocking));
        tx.send(matches!(outcome, Err(ref p) if KeyboardInterrupt::is(p))).unwrap();
    });
    t.start().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !threading::blocked_threads().iter().any(|s| Some(s.ident) == t.ident() && s.blocked.is_some()) {
        assert!(Instant::now() < deadline, "the thread never blocked");
        std::thread::sleep(Duration::from_millis(1));
    }
    threading::interrupt(&t);
    let result = rx.recv_timeout(Duration::from_secs(30)).expect("the interrupt ended the wait");
    t.join().unwrap();
    result
}

#[test]
fn lock_acquire_is_interruptible_and_does_not_take_the_lock() {
    let lock = Arc::new(Lock::new());
    lock.acquire();
    assert!(interrupted({
        let lock = lock.clone();
        move || {
            lock.acquire();
        }
    }));
    lock.release().unwrap();
    assert!(lock.try_acquire(), "the interrupted waiter left the lock free");
}

#[test]
fn rlock_condition_semaphore_event_barrier_join_sleep_are_interruptible() {
    let rlock = Arc::new(RLock::new());
    rlock.acquire();
    assert!(interrupted({
        let rlock = rlock.clone();
        move || {
            rlock.acquire();
        }
    }));
    rlock.release().unwrap();

    let cond = Arc::new(Condition::with_data(0));
    assert!(interrupted({
        let cond = cond.clone();
        move || {
            let mut guard = cond.lock();
            guard.wait();
        }
    }));
    assert!(cond.lock_timeout(Duration::from_secs(1)).is_some(), "the condition's lock was released");

    let sem = Arc::new(Semaphore::new(0));
    assert!(interrupted({
        let sem = sem.clone();
        move || {
            sem.acquire();
        }
    }));
    sem.release();
    assert_eq!(sem.value(), 1, "the interrupted acquire took nothing");

    let event = Arc::new(Event::new());
    assert!(interrupted({
        let event = event.clone();
        move || {
            event.wait();
        }
    }));

    let barrier = Arc::new(Barrier::new(2).unwrap());
    assert!(interrupted({
        let barrier = barrier.clone();
        move || {
            let _ = barrier.wait();
        }
    }));
    assert_eq!(barrier.n_waiting(), 0, "the interrupted thread left the barrier");

    let forever = Arc::new(Event::new());
    let sleeper_target = Thread::new({
        let forever = forever.clone();
        move || {
            forever.wait();
        }
    });
    sleeper_target.start().unwrap();
    assert!(interrupted({
        let target = sleeper_target.clone();
        move || target.join().unwrap()
    }));
    forever.set();
    sleeper_target.join().unwrap();

    assert!(interrupted(|| threading::sleep(Duration::from_secs(60))));
}

#[test]
fn an_interrupted_condition_waiter_passes_its_notification_on() {
    // Two waiters, one notify: if the notified waiter is interrupted before it runs, the other
    // must still get the wake-up.
    let cond = Arc::new(Condition::with_data(false));
    let (tx, rx) = mpsc::channel();
    let survivor = Thread::new({
        let cond = cond.clone();
        move || {
            let mut ready = cond.lock();
            ready.wait_for(|r| *r);
            tx.send(()).unwrap();
        }
    });
    survivor.start().unwrap();
    assert!(interrupted({
        let cond = cond.clone();
        move || {
            let mut ready = cond.lock();
            ready.wait_for(|r| *r);
        }
    }));
    {
        let mut ready = cond.lock();
        *ready = true;
        ready.notify();
    }
    rx.recv_timeout(Duration::from_secs(30)).expect("the survivor was woken");
    survivor.join().unwrap();
}

#[test]
fn a_pending_interrupt_hits_the_next_blocking_call_or_check() {
    let t = Thread::new(|| {
        threading::interrupt(&threading::current_thread());
        let caught = std::panic::catch_unwind(threading::check_interrupt);
        assert!(KeyboardInterrupt::is(&caught.unwrap_err()));
        threading::check_interrupt(); // consumed
        threading::interrupt(&threading::current_thread());
        let caught = std::panic::catch_unwind(|| threading::sleep(Duration::from_secs(60)));
        assert!(KeyboardInterrupt::is(&caught.unwrap_err()));
    });
    t.start().unwrap();
    t.join().unwrap();
}

#[test]
fn an_uncaught_interrupt_is_reported_as_keyboard_interrupt() {
    let (tx, rx) = mpsc::channel();
    threading::set_excepthook(move |args: &threading::ExceptHookArgs| {
        tx.send((args.exc_type.clone(), args.to_string())).unwrap();
    });
    let event = Arc::new(Event::new());
    let t = Thread::builder().name("sleepy").target({
        let event = event.clone();
        move || {
            event.wait();
        }
    });
    t.start().unwrap();
    while !threading::report().contains("sleepy: blocked in Event.wait") {
        std::thread::sleep(Duration::from_millis(1));
    }
    threading::interrupt(&t);
    t.join().unwrap();
    threading::reset_excepthook();
    let (exc_type, text) = rx.recv().unwrap();
    assert_eq!(exc_type, "KeyboardInterrupt");
    assert_eq!(text, "Exception in thread sleepy:\nKeyboardInterrupt");
}
