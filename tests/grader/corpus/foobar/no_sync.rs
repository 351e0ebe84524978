// expect: wrong-output
// why: no synchronisation.
pub struct FooBar {
    n: usize,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n }
    }
    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n {
            print_foo();
        }
    }
    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            print_bar();
        }
    }
}
