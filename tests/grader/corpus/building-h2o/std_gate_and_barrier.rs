// expect: pass
// why: the classic shape on std: a Mutex + Condvar gate admits 2 H and 1 O, a std Barrier(3)
// bonds them, and a second barrier wait lets the molecule finish before the gate reopens.
use std::sync::{Barrier, Condvar, Mutex};
pub struct H2O {
    state: Mutex<(usize, usize)>,
    cv: Condvar,
    barrier: Barrier,
}
impl H2O {
    pub fn new() -> Self {
        H2O { state: Mutex::new((0, 0)), cv: Condvar::new(), barrier: Barrier::new(3) }
    }
    fn bond(&self, hydrogen: bool, release: impl FnOnce()) {
        {
            let mut s = self.state.lock().unwrap();
            s = self.cv.wait_while(s, |(h, o)| if hydrogen { *h == 2 } else { *o == 1 }).unwrap();
            if hydrogen { s.0 += 1 } else { s.1 += 1 }
        }
        self.barrier.wait();
        release();
        // The second barrier: all three have released before the gate opens for the next molecule.
        if self.barrier.wait().is_leader() {
            *self.state.lock().unwrap() = (0, 0);
            self.cv.notify_all();
        }
    }
    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        self.bond(true, release_hydrogen)
    }
    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        self.bond(false, release_oxygen)
    }
}
