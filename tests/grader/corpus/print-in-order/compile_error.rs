// expect: compile-error
// why: a type error on line 12.
use threading::Event;

pub struct Foo {
    done: Event,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { done: Event::new() }
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        let count: u32 = "one";
        print_first();
        self.done.set();
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        self.done.wait();
        print_second();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        print_third();
    }
}
