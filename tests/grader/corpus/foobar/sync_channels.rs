// expect: pass
// why: two rendezvous channels (sync_channel(0)) pass the turn.
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

pub struct FooBar {
    n: usize,
    to_bar: SyncSender<()>,
    at_bar: Mutex<Receiver<()>>,
    to_foo: SyncSender<()>,
    at_foo: Mutex<Receiver<()>>,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        let (to_bar, at_bar) = sync_channel(0);
        let (to_foo, at_foo) = sync_channel(0);
        FooBar { n, to_bar, at_bar: Mutex::new(at_bar), to_foo, at_foo: Mutex::new(at_foo) }
    }
    pub fn foo(&self, print_foo: impl Fn()) {
        for i in 0..self.n {
            if i > 0 {
                self.at_foo.lock().unwrap().recv().unwrap();
            }
            print_foo();
            self.to_bar.send(()).unwrap();
        }
    }
    pub fn bar(&self, print_bar: impl Fn()) {
        for i in 0..self.n {
            self.at_bar.lock().unwrap().recv().unwrap();
            print_bar();
            if i + 1 < self.n {
                self.to_foo.send(()).unwrap();
            }
        }
    }
}
