// expect: pass
// why: the lost wake-up of std_lost_wakeup_atomic_flag.rs fixed: the same atomic flags and
//      Condvar, but each flag is stored and notified while holding the mutex the waiters check
//      it under, so no store can fall between a check and its wait.
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

    fn announce(&self, flag: &AtomicBool) {
        let _guard = self.lock.lock().unwrap();
        flag.store(true, Ordering::SeqCst);
        self.changed.notify_all();
    }

    fn await_flag(&self, flag: &AtomicBool) {
        let mut guard = self.lock.lock().unwrap();
        while !flag.load(Ordering::SeqCst) {
            guard = self.changed.wait(guard).unwrap();
        }
    }

    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        self.announce(&self.first_done);
    }

    pub fn second(&self, print_second: impl FnOnce()) {
        self.await_flag(&self.first_done);
        print_second();
        self.announce(&self.second_done);
    }

    pub fn third(&self, print_third: impl FnOnce()) {
        self.await_flag(&self.second_done);
        print_third();
    }
}
