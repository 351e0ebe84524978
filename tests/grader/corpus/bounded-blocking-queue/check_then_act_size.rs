// expect: wrong-output
// why: check-then-act: enqueue asks size() (one lock acquisition), then pushes (another): two
//      producers both see a free place and both push.
use std::collections::VecDeque;
use threading::{Condition, Lock};

pub struct BoundedBlockingQueue {
    capacity: usize,
    items: Lock<VecDeque<i32>>,
    changed: Condition<()>,
}

impl BoundedBlockingQueue {
    pub fn new(capacity: usize) -> BoundedBlockingQueue {
        BoundedBlockingQueue { capacity, items: Lock::with_data(VecDeque::new()), changed: Condition::new() }
    }
    pub fn enqueue(&self, element: i32) {
        {
            let mut c = self.changed.lock();
            while self.size() >= self.capacity {
                c.wait();
            }
        }
        self.items.lock().push_back(element);
        self.changed.lock().notify_all();
    }
    pub fn dequeue(&self) -> i32 {
        let element = {
            let mut c = self.changed.lock();
            loop {
                if let Some(e) = self.items.lock().pop_front() {
                    break e;
                }
                c.wait();
            }
        };
        self.changed.lock().notify_all();
        element
    }
    pub fn size(&self) -> usize {
        self.items.lock().len()
    }
}
