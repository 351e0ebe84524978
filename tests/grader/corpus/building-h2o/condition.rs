// expect: pass
// why: one threading::Condition over counters: a molecule is admitted only when 2 H and 1 O are
// waiting and the previous molecule is fully out; atoms are released under the lock.
#[derive(Default)]
struct State {
    waiting: [usize; 2], // hydrogen, oxygen threads that arrived and were not admitted
    admitted: [usize; 2], // places in the molecule being released
}

pub struct H2O {
    state: threading::Condition<State>,
}

impl H2O {
    pub fn new() -> H2O {
        H2O { state: threading::Condition::with_data(State::default()) }
    }
    fn atom(&self, kind: usize, release: impl FnOnce()) {
        let mut s = self.state.lock();
        s.waiting[kind] += 1;
        loop {
            if s.admitted == [0, 0] && s.waiting[0] >= 2 && s.waiting[1] >= 1 {
                s.waiting[0] -= 2;
                s.waiting[1] -= 1;
                s.admitted = [2, 1];
                s.notify_all();
            }
            if s.admitted[kind] > 0 {
                break;
            }
            s.wait();
        }
        s.admitted[kind] -= 1;
        release();
        s.notify_all();
    }
    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        self.atom(0, release_hydrogen);
    }
    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        self.atom(1, release_oxygen);
    }
}
