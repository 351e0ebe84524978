// expect: wrong-output
// why: no synchronisation at all: prints in whatever order the threads run.
pub struct Foo;

impl Foo {
    pub fn new() -> Foo {
        Foo
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        print_second();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        print_third();
    }
}
