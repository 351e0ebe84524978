// expect: wrong-output
// why: starts with bar's turn.
use threading::Condition;

pub struct FooBar {
    n: usize,
    foos_turn: Condition<bool>,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n, foos_turn: Condition::with_data(false) }
    }
    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n {
            let mut turn = self.foos_turn.lock();
            turn.wait_for(|t| *t);
            print_foo();
            *turn = false;
            turn.notify_all();
        }
    }
    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            let mut turn = self.foos_turn.lock();
            turn.wait_for(|t| !*t);
            print_bar();
            *turn = true;
            turn.notify_all();
        }
    }
}
