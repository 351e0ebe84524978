// Reference solution for notebooks/06-print-in-order.ipynb (Print in Order, LeetCode 1114).
// Check it: threadlab-grader check --exercise print-in-order notebooks/solutions/print_in_order.rs
//
// One condition guards the number of the last method that printed; each method waits for its turn.

pub struct Foo {
    done: threading::Condition<u8>,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { done: threading::Condition::with_data(0) }
    }

    pub fn first(&self, print_first: impl FnOnce()) {
        self.take_turn(1, print_first);
    }

    pub fn second(&self, print_second: impl FnOnce()) {
        self.take_turn(2, print_second);
    }

    pub fn third(&self, print_third: impl FnOnce()) {
        self.take_turn(3, print_third);
    }

    /// Waits until method `turn - 1` has printed, prints, then wakes the others.
    fn take_turn(&self, turn: u8, print: impl FnOnce()) {
        let mut done = self.done.lock();
        done.wait_for(|done| *done == turn - 1);
        print();
        *done = turn;
        done.notify_all();
    }
}
