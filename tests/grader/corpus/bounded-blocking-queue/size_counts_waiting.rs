// expect: wrong-output
// why: size() reads a counter that enqueue bumps before it waits for a free place: a producer
//      blocked on a full queue is already counted, so size() can exceed the capacity.
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use threading::Condition;

pub struct BoundedBlockingQueue {
    capacity: usize,
    items: Condition<VecDeque<i32>>,
    count: AtomicUsize,
}

impl BoundedBlockingQueue {
    pub fn new(capacity: usize) -> BoundedBlockingQueue {
        BoundedBlockingQueue { capacity, items: Condition::with_data(VecDeque::new()), count: AtomicUsize::new(0) }
    }
    pub fn enqueue(&self, element: i32) {
        self.count.fetch_add(1, Ordering::SeqCst);
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
        let element = items.pop_front().unwrap();
        self.count.fetch_sub(1, Ordering::SeqCst);
        items.notify_all();
        element
    }
    pub fn size(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}
