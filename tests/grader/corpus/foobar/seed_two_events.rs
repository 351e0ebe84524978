// expect: deadlock
// why: seed 002's FooBar, translated: foo sets bar's event, then clears its own; if bar runs
//      in between (prints, sets foo's event), foo's clear erases that set and both wait.
use threading::Event;

pub struct FooBar {
    n: usize,
    event: (Event, Event),
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        let event = (Event::new(), Event::new());
        event.1.set();
        FooBar { n, event }
    }
    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n {
            self.event.1.wait();
            print_foo();
            self.event.0.set();
            self.event.1.clear();
        }
    }
    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            self.event.0.wait();
            print_bar();
            self.event.1.set();
            self.event.0.clear();
        }
    }
}
