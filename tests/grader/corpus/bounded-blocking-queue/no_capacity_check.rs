// expect: wrong-output
// why: enqueue never blocks: the consumers wait for items, but nothing stops a producer from
//      filling the queue past its capacity.
use std::collections::VecDeque;
use threading::Condition;

pub struct BoundedBlockingQueue {
    items: Condition<VecDeque<i32>>,
}

impl BoundedBlockingQueue {
    pub fn new(capacity: usize) -> BoundedBlockingQueue {
        BoundedBlockingQueue { items: Condition::with_data(VecDeque::with_capacity(capacity)) }
    }
    pub fn enqueue(&self, element: i32) {
        let mut items = self.items.lock();
        items.push_back(element);
        items.notify_all();
    }
    pub fn dequeue(&self) -> i32 {
        let mut items = self.items.lock();
        while items.is_empty() {
            items.wait();
        }
        items.pop_front().unwrap()
    }
    pub fn size(&self) -> usize {
        self.items.lock().len()
    }
}
