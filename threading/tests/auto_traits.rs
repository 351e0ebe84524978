//! Every primitive can be shared between threads and used inside `catch_unwind`, as std's
//! `Mutex`/`Condvar` can: a learner's `catch_unwind(|| lock.acquire())` must compile.

use std::panic::{RefUnwindSafe, UnwindSafe};

fn shareable<T: Send + Sync + RefUnwindSafe + UnwindSafe>() {}

#[test]
fn primitives_are_send_sync_and_unwind_safe() {
    shareable::<threading::Lock>();
    shareable::<threading::Lock<Vec<u8>>>();
    shareable::<threading::RLock>();
    shareable::<threading::Condition<usize>>();
    shareable::<threading::Semaphore>();
    shareable::<threading::BoundedSemaphore>();
    shareable::<threading::Event>();
    shareable::<threading::Barrier>();
    shareable::<threading::Thread>();
    shareable::<threading::Timer>();
    shareable::<threading::queue::Queue<String>>();
    shareable::<threading::queue::LifoQueue<String>>();
    shareable::<threading::queue::PriorityQueue<u32>>();
    shareable::<threading::queue::SimpleQueue<String>>();
    shareable::<threading::futures::Future<String>>();
    #[cfg(feature = "process")]
    shareable::<threading::process::Process>();
}

#[test]
fn a_blocking_call_runs_inside_catch_unwind() {
    let lock = threading::Lock::new();
    let event = threading::Event::new();
    event.set();
    let outcome = std::panic::catch_unwind(|| {
        lock.acquire();
        lock.release().unwrap();
        event.wait()
    });
    assert_eq!(outcome.ok(), Some(true));
}
