// expect: pass
// why: seed 002's Foo: a threading::Condition guarding the step reached so far.
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
        step.notify_all();
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        let mut step = self.step.lock();
        step.wait_for(|s| *s == 1);
        print_second();
        *step = 2;
        step.notify_all();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        let mut step = self.step.lock();
        step.wait_for(|s| *s == 2);
        print_third();
    }
}
