// expect: compile-error
// why: `first` takes a Box<dyn Fn()> instead of the skeleton's `impl FnOnce()`.
pub struct Foo;

impl Foo {
    pub fn new() -> Foo {
        Foo
    }
    pub fn first(&self, print_first: Box<dyn Fn()>) {
        print_first();
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        print_second();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        print_third();
    }
}
