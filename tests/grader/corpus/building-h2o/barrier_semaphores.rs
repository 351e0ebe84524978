// expect: pass
// why: semaphores admit two hydrogens and one oxygen to the current molecule, a threading
// Barrier of three holds them until the molecule is there, and a place is given back only
// after the atom is released.
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
        release_hydrogen();
        self.h.release();
    }
    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        self.o.acquire();
        let _ = self.barrier.wait();
        release_oxygen();
        self.o.release();
    }
}
