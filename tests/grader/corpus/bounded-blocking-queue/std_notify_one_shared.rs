// expect: deadlock
// why: the lost wake-up on plain std: one Condvar for "not full" and "not empty" and
//      notify_one, so a consumer can wake the other consumer instead of a blocked producer.
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

pub struct BoundedBlockingQueue {
    capacity: usize,
    items: Mutex<VecDeque<i32>>,
    changed: Condvar,
}

impl BoundedBlockingQueue {
    pub fn new(capacity: usize) -> BoundedBlockingQueue {
        BoundedBlockingQueue { capacity, items: Mutex::new(VecDeque::new()), changed: Condvar::new() }
    }
    pub fn enqueue(&self, element: i32) {
        let mut items = self.items.lock().unwrap();
        while items.len() == self.capacity {
            items = self.changed.wait(items).unwrap();
        }
        items.push_back(element);
        self.changed.notify_one();
    }
    pub fn dequeue(&self) -> i32 {
        let mut items = self.items.lock().unwrap();
        while items.is_empty() {
            items = self.changed.wait(items).unwrap();
        }
        let element = items.pop_front().unwrap();
        self.changed.notify_one();
        element
    }
    pub fn size(&self) -> usize {
        self.items.lock().unwrap().len()
    }
}
