// expect: deadlock
// why: producers and consumers wait on one Condition and each change wakes only one waiter
//      (notify): a consumer's wake-up can go to the other consumer instead of a blocked
//      producer, which then sleeps forever — a lost wake-up.
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
        items.notify();
    }
    pub fn dequeue(&self) -> i32 {
        let mut items = self.items.lock();
        while items.is_empty() {
            items.wait();
        }
        let element = items.pop_front().unwrap();
        items.notify();
        element
    }
    pub fn size(&self) -> usize {
        self.items.lock().len()
    }
}
