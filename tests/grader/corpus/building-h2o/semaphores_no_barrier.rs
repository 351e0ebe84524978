// expect: wrong-output
// why: semaphores alone, no barrier: the output always reads HHO HHO ..., but a hydrogen is
// released as soon as it gets a place, before its molecule's oxygen has even arrived.
use threading::Semaphore;

pub struct H2O {
    h: Semaphore,
    h_done: Semaphore,
}

impl H2O {
    pub fn new() -> Self {
        H2O { h: Semaphore::new(2), h_done: Semaphore::new(0) }
    }
    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        self.h.acquire();
        release_hydrogen();
        self.h_done.release();
    }
    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        self.h_done.acquire();
        self.h_done.acquire();
        release_oxygen();
        self.h.release_n(2).unwrap();
    }
}
