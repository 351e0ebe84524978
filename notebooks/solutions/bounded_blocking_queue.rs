// Reference solution for Design Bounded Blocking Queue (LeetCode 1188).
// Check it: threadlab-grader check --exercise bounded-blocking-queue notebooks/solutions/bounded_blocking_queue.rs
//
// One lock guards the items; two conditions share it: producers wait on `not_full` while the
// queue is full, consumers on `not_empty` while it is empty, each in a `while` loop (a woken
// thread checks again: another may have taken the place first). Each side wakes one thread of
// the other side, and only of the other side, so no wake-up is lost on a thread that cannot use it.

use std::collections::VecDeque;
use std::sync::Arc;
use threading::{Condition, Lock};

pub struct BoundedBlockingQueue {
    capacity: usize,
    not_full: Condition<VecDeque<i32>>,
    not_empty: Condition<VecDeque<i32>>,
}

impl BoundedBlockingQueue {
    pub fn new(capacity: usize) -> BoundedBlockingQueue {
        let items = Arc::new(Lock::with_data(VecDeque::with_capacity(capacity)));
        BoundedBlockingQueue {
            capacity,
            not_full: Condition::with_lock(Arc::clone(&items)),
            not_empty: Condition::with_lock(items),
        }
    }

    pub fn enqueue(&self, element: i32) {
        let mut items = self.not_full.lock();
        while items.len() == self.capacity {
            items.wait();
        }
        items.push_back(element);
        self.not_empty.notify_held(&items, 1);
    }

    pub fn dequeue(&self) -> i32 {
        let mut items = self.not_empty.lock();
        while items.is_empty() {
            items.wait();
        }
        let element = items.pop_front().expect("not empty");
        self.not_full.notify_held(&items, 1);
        element
    }

    pub fn size(&self) -> usize {
        self.not_full.lock().len()
    }
}
