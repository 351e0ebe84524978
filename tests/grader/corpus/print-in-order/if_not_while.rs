// expect: wrong-output
// why: `if` instead of `while` around the wait: first's notify_all also wakes third, which
//      goes on although second has not printed.
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
        if *step != 1 {
            step.wait();
        }
        print_second();
        *step = 2;
        step.notify_all();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        let mut step = self.step.lock();
        if *step != 2 {
            step.wait();
        }
        print_third();
    }
}
