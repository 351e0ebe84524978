// expect: deadlock
// why: issue 14's first bug, on std alone. The "done" flags are atomics, stored and notified
//      *outside* the mutex the waiters check them under. A store + notify_all that falls
//      between a waiter's check (flag still false) and its `wait` wakes nobody: the waiter then
//      sleeps forever. Real threads: MEASURE (grader/scripts/real-threads.sh; the issue's
//      estimate was about one run in 20,000).
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

pub struct Foo {
    first_done: AtomicBool,
    second_done: AtomicBool,
    lock: Mutex<()>,
    changed: Condvar,
}

impl Foo {
    pub fn new() -> Foo {
        Foo {
            first_done: AtomicBool::new(false),
            second_done: AtomicBool::new(false),
            lock: Mutex::new(()),
            changed: Condvar::new(),
        }
    }

    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        self.first_done.store(true, Ordering::SeqCst);
        self.changed.notify_all();
    }

    pub fn second(&self, print_second: impl FnOnce()) {
        let mut guard = self.lock.lock().unwrap();
        while !self.first_done.load(Ordering::SeqCst) {
            guard = self.changed.wait(guard).unwrap();
        }
        drop(guard);
        print_second();
        self.second_done.store(true, Ordering::SeqCst);
        self.changed.notify_all();
    }

    pub fn third(&self, print_third: impl FnOnce()) {
        let mut guard = self.lock.lock().unwrap();
        while !self.second_done.load(Ordering::SeqCst) {
            guard = self.changed.wait(guard).unwrap();
        }
        drop(guard);
        print_third();
    }
}
