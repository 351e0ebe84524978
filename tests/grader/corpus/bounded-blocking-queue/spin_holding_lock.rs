// expect: timeout
// why: a busy-wait that keeps the lock while it spins: a producer spinning on a full queue
//      holds the lock every consumer needs, so nothing ever changes.
use std::collections::VecDeque;
use threading::Lock;

pub struct BoundedBlockingQueue {
    capacity: usize,
    items: Lock<VecDeque<i32>>,
}

impl BoundedBlockingQueue {
    pub fn new(capacity: usize) -> BoundedBlockingQueue {
        BoundedBlockingQueue { capacity, items: Lock::with_data(VecDeque::new()) }
    }
    pub fn enqueue(&self, element: i32) {
        let mut items = self.items.lock();
        while items.len() == self.capacity {
            std::hint::spin_loop();
        }
        items.push_back(element);
    }
    pub fn dequeue(&self) -> i32 {
        let mut items = self.items.lock();
        loop {
            if let Some(element) = items.pop_front() {
                return element;
            }
            std::hint::spin_loop();
        }
    }
    pub fn size(&self) -> usize {
        self.items.lock().len()
    }
}
