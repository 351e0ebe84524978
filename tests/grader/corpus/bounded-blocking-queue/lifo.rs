// expect: wrong-output
// why: dequeue takes from the wrong end (pop_back): a stack, not a queue — the newest value
//      leaves first.
use std::collections::VecDeque;
use threading::Condition;

pub struct BoundedBlockingQueue {
    capacity: usize,
    items: Condition<VecDeque<i32>>,
}

impl BoundedBlockingQueue {
    pub fn new(capacity: usize) -> BoundedBlockingQueue {
        BoundedBlockingQueue { capacity, items: Condition::with_data(VecDeque::new()) }
    }
    pub fn enqueue(&self, element: i32) {
        let mut items = self.items.lock();
        while items.len() == self.capacity {
            items.wait();
        }
        items.push_back(element);
        items.notify_all();
    }
    pub fn dequeue(&self) -> i32 {
        let mut items = self.items.lock();
        while items.is_empty() {
            items.wait();
        }
        let element = items.pop_back().unwrap();
        items.notify_all();
        element
    }
    pub fn size(&self) -> usize {
        self.items.lock().len()
    }
}
