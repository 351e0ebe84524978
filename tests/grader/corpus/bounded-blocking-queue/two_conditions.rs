// expect: pass
// why: not_full and not_empty conditions on one threading::Lock; each side notifies one thread
//      of the other side (its own condition's waiters all want the same thing).
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
        let lock = Arc::new(Lock::with_data(VecDeque::new()));
        BoundedBlockingQueue {
            capacity,
            not_full: Condition::with_lock(lock.clone()),
            not_empty: Condition::with_lock(lock),
        }
    }
    pub fn enqueue(&self, element: i32) {
        let mut q = self.not_full.lock();
        while q.len() == self.capacity {
            q.wait();
        }
        q.push_back(element);
        self.not_empty.notify_held(&q, 1);
    }
    pub fn dequeue(&self) -> i32 {
        let mut q = self.not_empty.lock();
        while q.is_empty() {
            q.wait();
        }
        let e = q.pop_front().unwrap();
        self.not_full.notify_held(&q, 1);
        e
    }
    pub fn size(&self) -> usize {
        self.not_empty.lock().len()
    }
}
