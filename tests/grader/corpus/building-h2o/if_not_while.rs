// expect: wrong-output
// why: a thread waits for a place with `if` instead of `while`: woken by a notify_all meant for
// someone else (an oxygen's place), a hydrogen goes ahead without one.
#[derive(Default)]
struct State {
    waiting: [i64; 2],
    admitted: [i64; 2],
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
        if s.admitted == [0, 0] && s.waiting[0] >= 2 && s.waiting[1] >= 1 {
            s.waiting[0] -= 2;
            s.waiting[1] -= 1;
            s.admitted = [2, 1];
            s.notify_all();
        }
        if s.admitted[kind] == 0 {
            s.wait();
        }
        s.admitted[kind] -= 1;
        release();
        if s.admitted == [0, 0] && s.waiting[0] >= 2 && s.waiting[1] >= 1 {
            s.waiting[0] -= 2;
            s.waiting[1] -= 1;
            s.admitted = [2, 1];
        }
        s.notify_all();
    }
    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        self.atom(0, release_hydrogen);
    }
    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        self.atom(1, release_oxygen);
    }
}
