// expect: pass
// why: busy-waits, but releases the lock between tries (with a short sleep): wasteful but
//      correct, like print-in-order's lock_poll_sleep — the judge grades what the queue does,
//      and the controlled scheduler's fairness keeps the polling finite. (Spinning while holding
//      the lock is the bug: spin_holding_lock.rs.)
use std::collections::VecDeque;
use std::time::Duration;
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
        loop {
            {
                let mut items = self.items.lock();
                if items.len() < self.capacity {
                    items.push_back(element);
                    return;
                }
            }
            threading::sleep(Duration::from_millis(1));
        }
    }
    pub fn dequeue(&self) -> i32 {
        loop {
            if let Some(element) = self.items.lock().pop_front() {
                return element;
            }
            threading::sleep(Duration::from_millis(1));
        }
    }
    pub fn size(&self) -> usize {
        self.items.lock().len()
    }
}
