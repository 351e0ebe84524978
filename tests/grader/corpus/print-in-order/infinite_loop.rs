// expect: timeout
// why: third never stops looping and never prints.
use threading::Event;

pub struct Foo {
    first_done: Event,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { first_done: Event::new() }
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        self.first_done.set();
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        self.first_done.wait();
        print_second();
    }
    pub fn third(&self, _print_third: impl FnOnce()) {
        let mut x: u64 = 0;
        loop {
            x = x.wrapping_add(1);
            std::hint::black_box(x);
        }
    }
}
