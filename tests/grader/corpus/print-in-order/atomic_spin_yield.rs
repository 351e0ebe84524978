// expect: pass
// why: an AtomicU8 step, spinning with yield_now until it is our turn.
use std::sync::atomic::{AtomicU8, Ordering};

pub struct Foo {
    step: AtomicU8,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { step: AtomicU8::new(0) }
    }
    fn wait_for(&self, wanted: u8) {
        while self.step.load(Ordering::Acquire) != wanted {
            std::thread::yield_now();
        }
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        self.step.store(1, Ordering::Release);
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        self.wait_for(1);
        print_second();
        self.step.store(2, Ordering::Release);
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        self.wait_for(2);
        print_third();
    }
}
