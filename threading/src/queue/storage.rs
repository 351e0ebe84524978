//! The order a queue hands items out in: Python's `_init`/`_put`/`_get`/`_qsize` overrides.

use std::collections::VecDeque;

/// Where a queue keeps its items.
pub(crate) trait Storage {
    type Item;
    fn new() -> Self;
    fn push(&mut self, item: Self::Item);
    fn pop(&mut self) -> Option<Self::Item>;
    fn len(&self) -> usize;
    /// Drops every item (Python's `shutdown(immediate=True)`), returning how many there were.
    fn clear(&mut self) -> usize;
}

/// First in, first out: `Queue`.
pub(crate) struct Fifo<T>(VecDeque<T>);

impl<T> Storage for Fifo<T> {
    type Item = T;
    fn new() -> Self {
        Fifo(VecDeque::new())
    }
    #[inline]
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    #[inline]
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }
    fn clear(&mut self) -> usize {
        let n = self.0.len();
        self.0.clear();
        n
    }
}

/// Last in, first out: `LifoQueue`.
pub(crate) struct Lifo<T>(Vec<T>);

impl<T> Storage for Lifo<T> {
    type Item = T;
    fn new() -> Self {
        Lifo(Vec::new())
    }
    #[inline]
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    #[inline]
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }
    fn clear(&mut self) -> usize {
        let n = self.0.len();
        self.0.clear();
        n
    }
}

/// Smallest first, as Python's `heapq`: `PriorityQueue`.
///
/// A binary min-heap that moves items exactly as `heapq.heappush` and `heapq.heappop` do, so
/// items that compare equal come out in Python's order. Every comparison is made before any
/// item moves: an `Ord` that panics (Python's `FailingQueue`, whose `_put`/`_get` raise) leaves
/// the heap as it was, so the queue's counts stay true.
pub(crate) struct Priority<T>(Vec<T>);

impl<T: Ord> Storage for Priority<T> {
    type Item = T;
    fn new() -> Self {
        Priority(Vec::new())
    }
    #[inline]
    fn push(&mut self, item: T) {
        let heap = &mut self.0;
        // heapq._siftdown: up from the new leaf while smaller than the parent.
        let mut pos = heap.len();
        while pos > 0 {
            let parent = (pos - 1) / 2;
            if item < heap[parent] {
                pos = parent;
            } else {
                break;
            }
        }
        heap.push(item);
        let mut i = heap.len() - 1;
        while i > pos {
            let parent = (i - 1) / 2;
            heap.swap(i, parent);
            i = parent;
        }
    }
    #[inline]
    fn pop(&mut self) -> Option<T> {
        let heap = &mut self.0;
        let last = heap.len().checked_sub(1)?;
        if last == 0 {
            return heap.pop();
        }
        // heapq.heappop: the last item goes to the root, down the smaller children to a leaf
        // (_siftup, taking the right child unless the left is smaller), then back up while
        // smaller than the item that moved up into the parent (_siftdown), which is the one
        // now at `pos` in the unmoved heap.
        let mut bottom = 0;
        loop {
            let left = 2 * bottom + 1;
            if left >= last {
                break;
            }
            let right = left + 1;
            bottom = if right < last && heap[right] <= heap[left] { right } else { left };
        }
        let mut pos = bottom;
        while pos > 0 && heap[last] < heap[pos] {
            pos = (pos - 1) / 2;
        }
        // Now the moves, with no comparison: the last item to `pos`, each item on the way one
        // level up, the root out.
        heap.swap(0, last);
        let path = pos + 1;
        let mut i = 0;
        for depth in (0..path.ilog2()).rev() {
            let next = 2 * i + 1 + ((path >> depth) & 1);
            heap.swap(i, next);
            i = next;
        }
        heap.pop()
    }
    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }
    fn clear(&mut self) -> usize {
        let n = self.0.len();
        self.0.clear();
        n
    }
}
