// expect: deadlock
// why: one Condvar, two waiters (second and third), and notify_one: when first notifies, the
//      one woken may be third, which finds it is not its turn and waits again; second is never
//      woken. Every wait is in a `while`, so nothing but the choice of waiter is wrong.
//      Real threads (plain std, grader/scripts/real-threads.sh, load 5-7 on 2 cores):
//      33 hangs in 200 runs.
use std::sync::{Condvar, Mutex};

pub struct Foo {
    step: Mutex<u8>,
    changed: Condvar,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { step: Mutex::new(0), changed: Condvar::new() }
    }

    pub fn first(&self, print_first: impl FnOnce()) {
        let mut step = self.step.lock().unwrap();
        print_first();
        *step = 1;
        self.changed.notify_one();
    }

    pub fn second(&self, print_second: impl FnOnce()) {
        let mut step = self.step.lock().unwrap();
        while *step != 1 {
            step = self.changed.wait(step).unwrap();
        }
        print_second();
        *step = 2;
        self.changed.notify_one();
    }

    pub fn third(&self, print_third: impl FnOnce()) {
        let mut step = self.step.lock().unwrap();
        while *step != 2 {
            step = self.changed.wait(step).unwrap();
        }
        print_third();
    }
}
