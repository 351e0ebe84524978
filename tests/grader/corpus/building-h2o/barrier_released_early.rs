// expect: wrong-output
// why: each thread gives its place back right after the barrier, before releasing its atom:
// the next molecule can pass the barrier and release while this one is still releasing.
use threading::{Barrier, Semaphore};

pub struct H2O {
    h: Semaphore,
    o: Semaphore,
    barrier: Barrier,
}

impl H2O {
    pub fn new() -> Self {
        H2O { h: Semaphore::new(2), o: Semaphore::new(1), barrier: Barrier::new(3).unwrap() }
    }
    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        self.h.acquire();
        let _ = self.barrier.wait();
        self.h.release();
        release_hydrogen();
    }
    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        self.o.acquire();
        let _ = self.barrier.wait();
        self.o.release();
        release_oxygen();
    }
}
