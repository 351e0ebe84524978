// expect: wrong-output
// why: prints the expected text itself instead of calling the callbacks.
pub struct Foo;

impl Foo {
    pub fn new() -> Foo {
        println!("firstsecondthird");
        Foo
    }
    pub fn first(&self, _print_first: impl FnOnce()) {
        println!("first");
    }
    pub fn second(&self, _print_second: impl FnOnce()) {
        println!("second");
    }
    pub fn third(&self, _print_third: impl FnOnce()) {
        println!("third");
    }
}
