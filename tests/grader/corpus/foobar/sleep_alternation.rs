// expect: wrong-output
// why: alternates by sleeping half a period out of phase.
use std::thread::sleep;
use std::time::Duration;

pub struct FooBar {
    n: usize,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n }
    }
    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n {
            print_foo();
            sleep(Duration::from_millis(2));
        }
    }
    pub fn bar(&self, print_bar: impl Fn()) {
        sleep(Duration::from_millis(1));
        for _ in 0..self.n {
            print_bar();
            sleep(Duration::from_millis(2));
        }
    }
}
