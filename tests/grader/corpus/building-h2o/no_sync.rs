// expect: wrong-output
// why: every atom is released at once: an oxygen started first leaves alone.
pub struct H2O;

impl H2O {
    pub fn new() -> H2O {
        H2O
    }
    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        release_hydrogen();
    }
    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        release_oxygen();
    }
}
