// expect: pass
// why: two threading::Events, each set once after the print it announces.
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
        self.first_done.wait();
        print_second();
        self.second_done.set();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        self.second_done.wait();
        print_third();
    }
}
