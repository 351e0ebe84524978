// expect: wrong-output
// why: foo prints without end (a loop condition that never becomes false).
pub struct FooBar {
    n: usize,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n }
    }
    pub fn foo(&self, print_foo: impl Fn()) {
        let mut i = 0;
        while i != self.n + 1000 {
            print_foo();
            i += 2;
        }
    }
    pub fn bar(&self, _print_bar: impl Fn()) {}
}
