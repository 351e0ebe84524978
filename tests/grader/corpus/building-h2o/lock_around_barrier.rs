// expect: deadlock
// why: the barrier is waited on while holding a lock "to keep molecules apart": the first
// thread waits at the barrier with the lock, and nobody else can reach the barrier.
use threading::{Barrier, Lock};

pub struct H2O {
    gate: Lock,
    barrier: Barrier,
}

impl H2O {
    pub fn new() -> Self {
        H2O { gate: Lock::new(), barrier: Barrier::new(3).unwrap() }
    }
    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        let _held = self.gate.lock();
        let _ = self.barrier.wait();
        release_hydrogen();
    }
    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        let _held = self.gate.lock();
        let _ = self.barrier.wait();
        release_oxygen();
    }
}
