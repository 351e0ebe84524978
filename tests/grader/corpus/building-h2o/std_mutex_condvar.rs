// expect: pass
// why: the same admission of whole molecules on std::sync::{Mutex, Condvar} (OS chaos).
use std::sync::{Condvar, Mutex};

pub struct H2O {
    state: Mutex<([usize; 2], [usize; 2])>, // (waiting, admitted) per kind: hydrogen, oxygen
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
            if *admitted == [0, 0] && waiting[0] >= 2 && waiting[1] >= 1 {
                waiting[0] -= 2;
                waiting[1] -= 1;
                *admitted = [2, 1];
                self.changed.notify_all();
            }
            if admitted[kind] > 0 {
                admitted[kind] -= 1;
                break;
            }
            guard = self.changed.wait(guard).unwrap();
        }
        release();
        self.changed.notify_all();
    }
    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        self.atom(0, release_hydrogen);
    }
    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        self.atom(1, release_oxygen);
    }
}
