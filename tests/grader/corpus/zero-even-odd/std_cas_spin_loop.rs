// expect: pass
// why: one step counter advanced with compare_exchange_weak (retried), waiting in a pure
//      spin_loop (no yield_now) on an Acquire load.
use std::sync::atomic::{AtomicUsize, Ordering};
pub struct ZeroEvenOdd { n: usize, step: AtomicUsize }
impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd { ZeroEvenOdd { n, step: AtomicUsize::new(0) } }
    fn at(&self, s: usize) { while self.step.load(Ordering::Acquire) != s { std::hint::spin_loop(); } }
    fn next(&self, s: usize) { while self.step.compare_exchange_weak(s, s + 1, Ordering::AcqRel, Ordering::Relaxed).is_err() {} }
    pub fn zero(&self, print_number: impl Fn(usize)) { for i in 0..self.n { self.at(2 * i); print_number(0); self.next(2 * i); } }
    pub fn even(&self, print_number: impl Fn(usize)) { for k in (2..=self.n).step_by(2) { self.at(2 * k - 1); print_number(k); self.next(2 * k - 1); } }
    pub fn odd(&self, print_number: impl Fn(usize)) { for k in (1..=self.n).step_by(2) { self.at(2 * k - 1); print_number(k); self.next(2 * k - 1); } }
}
