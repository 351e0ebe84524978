//! The in-process check leaves the learner's `threading` excepthook in place (a file of its
//! own: the hook is process-wide, and the other in-process tests check concurrently).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use threading::Lock;
use threadlab_grader::{CheckOptions, Verdict, check};

/// Print in Order with two locks held from the start (seed 000's ownerless `Lock`); the
/// exercise's contract is `new()`, not `Default`.
pub struct Foo {
    first_done: Lock,
    second_done: Lock,
}

#[allow(clippy::new_without_default)]
impl Foo {
    pub fn new() -> Foo {
        let locks = Foo { first_done: Lock::new(), second_done: Lock::new() };
        locks.first_done.acquire();
        locks.second_done.acquire();
        locks
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        self.first_done.release().unwrap();
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        let _first = self.first_done.lock();
        print_second();
        self.second_done.release().unwrap();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        let _second = self.second_done.lock();
        print_third();
    }
}

#[test]
fn a_check_gives_the_learners_excepthook_back() {
    let calls = Arc::new(AtomicUsize::new(0));
    threading::set_excepthook({
        let calls = calls.clone();
        move |_| {
            calls.fetch_add(1, Ordering::SeqCst);
        }
    });
    let mine = threading::get_excepthook().unwrap();

    let report =
        check!(print_in_order, Foo, CheckOptions { print: false, repeat: Some(2), ..Default::default() });
    assert_eq!(report.verdict, Verdict::Pass);

    let now = threading::get_excepthook().expect("the learner's hook was dropped");
    assert!(Arc::ptr_eq(&now, &mine), "another hook is installed");
    let t = threading::Thread::new(|| panic!("after the check"));
    t.start().unwrap();
    t.join().unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}
