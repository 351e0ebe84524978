// expect: pass
// why: the textbook version: a semaphore of free slots (capacity) and one of items (0) do the
//      blocking; a Lock guards the VecDeque itself, and size() reads its length under the lock.
use std::collections::VecDeque;
use threading::{Lock, Semaphore};

pub struct BoundedBlockingQueue {
    slots: Semaphore,
    filled: Semaphore,
    items: Lock<VecDeque<i32>>,
}

impl BoundedBlockingQueue {
    pub fn new(capacity: usize) -> BoundedBlockingQueue {
        BoundedBlockingQueue {
            slots: Semaphore::new(capacity),
            filled: Semaphore::new(0),
            items: Lock::with_data(VecDeque::new()),
        }
    }
    pub fn enqueue(&self, element: i32) {
        self.slots.acquire();
        self.items.lock().push_back(element);
        self.filled.release();
    }
    pub fn dequeue(&self) -> i32 {
        self.filled.acquire();
        let element = self.items.lock().pop_front().unwrap();
        self.slots.release();
        element
    }
    pub fn size(&self) -> usize {
        self.items.lock().len()
    }
}
