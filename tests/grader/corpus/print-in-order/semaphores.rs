// expect: pass
// why: two threading::Semaphores starting at 0, released after each print.
use threading::Semaphore;

pub struct Foo {
    after_first: Semaphore,
    after_second: Semaphore,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { after_first: Semaphore::new(0), after_second: Semaphore::new(0) }
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        self.after_first.release();
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        self.after_first.acquire();
        print_second();
        self.after_second.release();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        self.after_second.acquire();
        print_third();
    }
}
