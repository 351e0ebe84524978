//! The order a queue hands items out in: Python's `_init`/`_put`/`_get`/`_qsize` overrides.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

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
pub(crate) struct Priority<T>(BinaryHeap<Reverse<T>>);

impl<T: Ord> Storage for Priority<T> {
    type Item = T;
    fn new() -> Self {
        Priority(BinaryHeap::new())
    }
    #[inline]
    fn push(&mut self, item: T) {
        self.0.push(Reverse(item));
    }
    #[inline]
    fn pop(&mut self) -> Option<T> {
        self.0.pop().map(|Reverse(item)| item)
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
