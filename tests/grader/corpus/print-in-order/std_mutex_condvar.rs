// expect: pass
// why: std::sync::Mutex + Condvar, waiting in a loop.
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
        self.changed.notify_all();
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        let mut step = self.step.lock().unwrap();
        while *step != 1 {
            step = self.changed.wait(step).unwrap();
        }
        print_second();
        *step = 2;
        self.changed.notify_all();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        let step = self.step.lock().unwrap();
        let _step = self.changed.wait_while(step, |s| *s != 2).unwrap();
        print_third();
    }
}
