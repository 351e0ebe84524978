// expect: pass
// why: polls a threading::Lock with a short sleep between tries: wasteful but correct
//      (the controlled scheduler's fairness keeps the polling finite).
use std::time::Duration;
use threading::Lock;

pub struct Foo {
    step: Lock<u8>,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { step: Lock::with_data(0) }
    }
    fn wait_for(&self, wanted: u8) {
        loop {
            if *self.step.lock() == wanted {
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        *self.step.lock() = 1;
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        self.wait_for(1);
        print_second();
        *self.step.lock() = 2;
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        self.wait_for(2);
        print_third();
    }
}
