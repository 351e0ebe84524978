// Reference solution for notebooks/07-foobar.ipynb (Print FooBar Alternately, LeetCode 1115).
// Check it: threadlab-grader check --exercise foobar notebooks/solutions/foobar.rs
//
// One condition guards whose turn it is. Unlike the two-Event version of the lesson, the turn is
// read and changed under one lock, so no wake-up can be lost between a `set` and a `clear`.

pub struct FooBar {
    n: usize,
    foos_turn: threading::Condition<bool>,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n, foos_turn: threading::Condition::with_data(true) }
    }

    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n {
            let mut foos_turn = self.foos_turn.lock();
            foos_turn.wait_for(|foos_turn| *foos_turn);
            print_foo();
            *foos_turn = false;
            foos_turn.notify_all();
        }
    }

    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            let mut foos_turn = self.foos_turn.lock();
            foos_turn.wait_for(|foos_turn| !*foos_turn);
            print_bar();
            *foos_turn = true;
            foos_turn.notify_all();
        }
    }
}
