// expect: pass
// why: busy-waits on Event::is_set (no synchronisation point): wasteful but correct; the
//      controlled runs fall back to OS chaos after the first time-slice preemption.
use threading::Event;

pub struct Foo {
    first_done: Event,
    second_done: Event,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { first_done: Event::new(), second_done: Event::new() }
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        self.first_done.set();
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        while !self.first_done.is_set() {}
        print_second();
        self.second_done.set();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        while !self.second_done.is_set() {}
        print_third();
    }
}
