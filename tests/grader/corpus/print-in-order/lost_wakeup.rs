// expect: deadlock
// why: checks the step, lets go of its lock, then waits on the condition: a notify that
//      lands in between is lost, and nobody notifies again.
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
        while *self.step.lock() != wanted {
            let mut guard = self.changed.lock();
            guard.wait();
        }
    }
    fn announce(&self, step: u8) {
        *self.step.lock() = step;
        self.changed.lock().notify_all();
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
