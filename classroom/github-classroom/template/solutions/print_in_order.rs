// Print in Order (LeetCode 1114): `first` prints before `second`, `second` before `third`,
// whichever thread starts first. Synchronise with `threading` (Lock, Condition, Event,
// Semaphore, Barrier) or std::sync. Check it: threadlab-grader check -e print-in-order solutions/print_in_order.rs

pub struct Foo {}

impl Foo {
    pub fn new() -> Foo {
        Foo {}
    }

    pub fn first(&self, print_first: impl FnOnce()) {
        todo!("call print_first() at the right moment")
    }

    pub fn second(&self, print_second: impl FnOnce()) {
        todo!("call print_second() at the right moment")
    }

    pub fn third(&self, print_third: impl FnOnce()) {
        todo!("call print_third() at the right moment")
    }
}
