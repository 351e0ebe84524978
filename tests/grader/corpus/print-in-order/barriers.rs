// expect: pass
// why: threading::Barriers of two: each pair meets after the earlier print.
use threading::Barrier;

pub struct Foo {
    one_two: Barrier,
    two_three: Barrier,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { one_two: Barrier::new(2).unwrap(), two_three: Barrier::new(2).unwrap() }
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        self.one_two.wait().unwrap();
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        self.one_two.wait().unwrap();
        print_second();
        self.two_three.wait().unwrap();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        self.two_three.wait().unwrap();
        print_third();
    }
}
