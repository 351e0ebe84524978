// Reference solution for Building H2O (LeetCode 1117).
// Check it: threadlab-grader check --exercise building-h2o notebooks/solutions/building_h2o.rs
//
// Two semaphores let at most two hydrogen threads and one oxygen thread into the current
// molecule; a barrier of three holds them until all three are there, so nobody releases an
// atom before its molecule is complete. Each thread gives its place back only after releasing
// its atom, so the next molecule cannot form before this one is out.

use threading::{Barrier, Semaphore};

pub struct H2O {
    hydrogen: Semaphore,
    oxygen: Semaphore,
    molecule: Barrier,
}

impl H2O {
    pub fn new() -> H2O {
        H2O {
            hydrogen: Semaphore::new(2),
            oxygen: Semaphore::new(1),
            molecule: Barrier::new(3).expect("three parties"),
        }
    }

    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        self.hydrogen.acquire();
        self.molecule.wait().expect("the barrier is never broken");
        release_hydrogen();
        self.hydrogen.release();
    }

    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        self.oxygen.acquire();
        self.molecule.wait().expect("the barrier is never broken");
        release_oxygen();
        self.oxygen.release();
    }
}
