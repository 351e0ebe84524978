// expect: deadlock
// why: notifies, then updates the step under another lock: a waiter woken in between sees
//      the old step, waits again, and nobody notifies any more.
use threading::{Condition, Lock};

pub struct Foo {
    step: Lock<u8>,
    changed: Condition,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { step: Lock::with_data(0), changed: Condition::new() }
    }
    fn wait_for(&self, wanted: u8) {
        let mut guard = self.changed.lock();
        while *self.step.lock() != wanted {
            guard.wait();
        }
    }
    fn announce(&self, step: u8) {
        self.changed.lock().notify_all();
        *self.step.lock() = step;
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        self.announce(1);
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        self.wait_for(1);
        print_second();
        self.announce(2);
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        self.wait_for(2);
        print_third();
    }
}
