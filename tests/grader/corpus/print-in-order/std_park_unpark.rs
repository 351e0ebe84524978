// expect: pass
// why: park/unpark: waiters register their std::thread::Thread handle, then park in a loop
//      until the SeqCst step is theirs; each step change unparks every registered waiter.
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;
use std::thread::{self, Thread};

pub struct Foo { step: AtomicU8, waiters: Mutex<Vec<Thread>> }

impl Foo {
    pub fn new() -> Foo { Foo { step: AtomicU8::new(0), waiters: Mutex::new(Vec::new()) } }
    fn advance(&self, to: u8) {
        self.step.store(to, Ordering::SeqCst);
        for t in self.waiters.lock().unwrap().iter() { t.unpark(); }
    }
    fn wait_for(&self, step: u8) {
        self.waiters.lock().unwrap().push(thread::current());
        while self.step.load(Ordering::SeqCst) != step { thread::park(); }
    }
    pub fn first(&self, print_first: impl FnOnce()) { print_first(); self.advance(1); }
    pub fn second(&self, print_second: impl FnOnce()) { self.wait_for(1); print_second(); self.advance(2); }
    pub fn third(&self, print_third: impl FnOnce()) { self.wait_for(2); print_third(); }
}
