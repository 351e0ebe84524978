// expect: pass
// why: std::sync::mpsc channels hand the turn on (receivers behind a Mutex to be Sync).
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};

pub struct Foo {
    to_second: Mutex<Sender<()>>,
    at_second: Mutex<Receiver<()>>,
    to_third: Mutex<Sender<()>>,
    at_third: Mutex<Receiver<()>>,
}

impl Foo {
    pub fn new() -> Foo {
        let (to_second, at_second) = channel();
        let (to_third, at_third) = channel();
        Foo {
            to_second: Mutex::new(to_second),
            at_second: Mutex::new(at_second),
            to_third: Mutex::new(to_third),
            at_third: Mutex::new(at_third),
        }
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        self.to_second.lock().unwrap().send(()).unwrap();
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        self.at_second.lock().unwrap().recv().unwrap();
        print_second();
        self.to_third.lock().unwrap().send(()).unwrap();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        self.at_third.lock().unwrap().recv().unwrap();
        print_third();
    }
}
