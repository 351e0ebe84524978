// expect: pass
// why: std::sync::Mutex and two Condvars with wait_while: the same design on plain std.
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

pub struct BoundedBlockingQueue {
    capacity: usize,
    items: Mutex<VecDeque<i32>>,
    not_full: Condvar,
    not_empty: Condvar,
}

impl BoundedBlockingQueue {
    pub fn new(capacity: usize) -> BoundedBlockingQueue {
        BoundedBlockingQueue {
            capacity,
            items: Mutex::new(VecDeque::new()),
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }
    pub fn enqueue(&self, element: i32) {
        let guard = self.items.lock().unwrap();
        let mut items = self.not_full.wait_while(guard, |q| q.len() == self.capacity).unwrap();
        items.push_back(element);
        self.not_empty.notify_one();
    }
    pub fn dequeue(&self) -> i32 {
        let guard = self.items.lock().unwrap();
        let mut items = self.not_empty.wait_while(guard, |q| q.is_empty()).unwrap();
        let element = items.pop_front().unwrap();
        self.not_full.notify_one();
        element
    }
    pub fn size(&self) -> usize {
        self.items.lock().unwrap().len()
    }
}
