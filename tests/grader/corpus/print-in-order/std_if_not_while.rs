// expect: wrong-output
// why: `if` instead of `while` around Condvar::wait. Every notify is right (one Condvar per
//      waiter, notified only once its condition holds), so only a spurious wake-up — which
//      std documents may happen — lets second or third print early. The grader's controlled
//      Condvar injects spurious wake-ups on some runs.
//      Real threads (plain std, grader/scripts/real-threads.sh, load 5-7 on 2 cores):
//      0 failures in 20,000 runs (Linux futexes rarely wake spuriously).
use std::sync::{Condvar, Mutex};

pub struct Foo {
    step: Mutex<u8>,
    second_may_go: Condvar,
    third_may_go: Condvar,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { step: Mutex::new(0), second_may_go: Condvar::new(), third_may_go: Condvar::new() }
    }

    pub fn first(&self, print_first: impl FnOnce()) {
        let mut step = self.step.lock().unwrap();
        print_first();
        *step = 1;
        self.second_may_go.notify_one();
    }

    pub fn second(&self, print_second: impl FnOnce()) {
        let mut step = self.step.lock().unwrap();
        if *step != 1 {
            step = self.second_may_go.wait(step).unwrap();
        }
        print_second();
        *step = 2;
        self.third_may_go.notify_one();
    }

    pub fn third(&self, print_third: impl FnOnce()) {
        let step = self.step.lock().unwrap();
        if *step != 2 {
            let _step = self.third_may_go.wait(step).unwrap();
        }
        print_third();
    }
}
