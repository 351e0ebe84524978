// expect: wrong-output
// why: a molecule is admitted as soon as 2 H and 1 O wait, even while the previous one is
// still being released: two molecules' atoms mix (H H H ...).
use std::sync::{Condvar, Mutex};

pub struct H2O {
    state: Mutex<([usize; 2], [usize; 2])>, // (waiting, admitted)
    changed: Condvar,
}

impl H2O {
    pub fn new() -> H2O {
        H2O { state: Mutex::new(([0, 0], [0, 0])), changed: Condvar::new() }
    }
    fn atom(&self, kind: usize, release: impl FnOnce()) {
        let mut guard = self.state.lock().unwrap();
        guard.0[kind] += 1;
        loop {
            let (waiting, admitted) = &mut *guard;
            if waiting[0] >= 2 && waiting[1] >= 1 {
                waiting[0] -= 2;
                waiting[1] -= 1;
                admitted[0] += 2;
                admitted[1] += 1;
                self.changed.notify_all();
            }
            if admitted[kind] > 0 {
                admitted[kind] -= 1;
                break;
            }
            guard = self.changed.wait(guard).unwrap();
        }
        drop(guard);
        release();
    }
    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        self.atom(0, release_hydrogen);
    }
    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        self.atom(1, release_oxygen);
    }
}
