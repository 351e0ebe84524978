// expect: wrong-output
// why: orders the threads by sleeping (LeetCode accepts this): under controlled scheduling a
//      sleep is only a scheduling point.
use std::thread;
use std::time::Duration;

pub struct Foo;

impl Foo {
    pub fn new() -> Foo {
        Foo
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        thread::sleep(Duration::from_millis(20));
        print_second();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        thread::sleep(Duration::from_millis(40));
        print_third();
    }
}
