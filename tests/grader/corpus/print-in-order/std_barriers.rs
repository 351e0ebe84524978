// expect: pass
// why: two std Barriers of two: first prints then meets second at the first barrier; second
//      prints then meets third at the second.
use std::sync::Barrier;

pub struct Foo {
    first_done: Barrier,
    second_done: Barrier,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { first_done: Barrier::new(2), second_done: Barrier::new(2) }
    }

    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        self.first_done.wait();
    }

    pub fn second(&self, print_second: impl FnOnce()) {
        self.first_done.wait();
        print_second();
        self.second_done.wait();
    }

    pub fn third(&self, print_third: impl FnOnce()) {
        self.second_done.wait();
        print_third();
    }
}
