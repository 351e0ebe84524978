// Print FooBar Alternately (LeetCode 1115): two threads, one calling `foo` and one `bar`,
// print "foo bar" n times in that order. Check it: threadlab-grader check -e foobar solutions/foobar.rs

pub struct FooBar {
    n: usize,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n }
    }

    pub fn foo(&self, print_foo: impl Fn()) {
        todo!("print foo n times, each after a bar")
    }

    pub fn bar(&self, print_bar: impl Fn()) {
        todo!("print bar n times, each after a foo")
    }
}
