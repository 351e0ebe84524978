// expect: deadlock
// why: notify(1) where notify_all is needed: first may wake third, which waits again, and
//      second sleeps on forever.
use threading::Condition;

pub struct Foo {
    step: Condition<u8>,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { step: Condition::with_data(0) }
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        let mut step = self.step.lock();
        print_first();
        *step = 1;
        step.notify();
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        let mut step = self.step.lock();
        while *step != 1 {
            step.wait();
        }
        print_second();
        *step = 2;
        step.notify();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        let mut step = self.step.lock();
        while *step != 2 {
            step.wait();
        }
        print_third();
    }
}
