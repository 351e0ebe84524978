// expect: deadlock
// why: two locks taken in opposite orders: enqueue locks the items then the counter, dequeue
//      the counter then the items (semaphores do the blocking correctly); a producer and a
//      consumer each hold one lock and wait for the other's.
use std::collections::VecDeque;
use threading::{Lock, Semaphore};

pub struct BoundedBlockingQueue {
    slots: Semaphore,
    filled: Semaphore,
    items: Lock<VecDeque<i32>>,
    count: Lock<usize>,
}

impl BoundedBlockingQueue {
    pub fn new(capacity: usize) -> BoundedBlockingQueue {
        BoundedBlockingQueue {
            slots: Semaphore::new(capacity),
            filled: Semaphore::new(0),
            items: Lock::with_data(VecDeque::new()),
            count: Lock::with_data(0),
        }
    }
    pub fn enqueue(&self, element: i32) {
        self.slots.acquire();
        {
            let mut items = self.items.lock();
            let mut count = self.count.lock();
            items.push_back(element);
            *count += 1;
        }
        self.filled.release();
    }
    pub fn dequeue(&self) -> i32 {
        self.filled.acquire();
        let element = {
            let mut count = self.count.lock();
            let mut items = self.items.lock();
            *count -= 1;
            items.pop_front().unwrap()
        };
        self.slots.release();
        element
    }
    pub fn size(&self) -> usize {
        *self.count.lock()
    }
}
