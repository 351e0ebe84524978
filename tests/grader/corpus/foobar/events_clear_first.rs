// expect: pass
// why: the seed's two Events, fixed: each thread clears its own event before setting the
//      other's, so no set can be erased.
use threading::Event;

pub struct FooBar {
    n: usize,
    foo_go: Event,
    bar_go: Event,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        let foo_go = Event::new();
        foo_go.set();
        FooBar { n, foo_go, bar_go: Event::new() }
    }
    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n {
            self.foo_go.wait();
            self.foo_go.clear();
            print_foo();
            self.bar_go.set();
        }
    }
    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            self.bar_go.wait();
            self.bar_go.clear();
            print_bar();
            self.foo_go.set();
        }
    }
}
