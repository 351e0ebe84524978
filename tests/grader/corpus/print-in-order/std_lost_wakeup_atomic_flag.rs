// expect: deadlock
// why: issue 14's first bug, on std alone. The "done" flags are atomics, stored and notified
//      *outside* the mutex the waiters check them under. A store + notify_all that falls
//      between a waiter's check (flag still false) and its `wait` wakes nobody: the waiter then
//      sleeps forever. Real threads (grader/scripts/real-threads.sh, plain std, load 6-7 on 2
//      cores): 25 hangs in 200,000 runs, one in 8,000 (the estimate: one in 20,000).
//      Controlled: found in every one of 20 seeds (grader/BENCHMARKS.md).
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
