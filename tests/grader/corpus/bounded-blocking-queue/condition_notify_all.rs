// expect: pass
// why: one threading::Condition over a VecDeque; `while` around both waits and notify_all after
//      every change, so a woken thread of the wrong side just waits again.
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
        while items.len() >= self.capacity {
            items.wait();
        }
        items.push_back(element);
        items.notify_all();
    }
    pub fn dequeue(&self) -> i32 {
        let mut items = self.items.lock();
        items.wait_for(|q| !q.is_empty());
        let element = items.pop_front().unwrap();
        items.notify_all();
        element
    }
    pub fn size(&self) -> usize {
        self.items.lock().len()
    }
}
