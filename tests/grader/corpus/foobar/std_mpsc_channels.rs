// expect: pass
// why: one std mpsc channel per direction; foo's holds one message at the start, so foo goes
//      first; each side receives its turn, prints, then sends the other side's.
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::Mutex;

pub struct FooBar {
    n: usize,
    foo_rx: Mutex<Receiver<()>>,
    foo_tx: Sender<()>,
    bar_rx: Mutex<Receiver<()>>,
    bar_tx: Sender<()>,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        let (foo_tx, foo_rx) = channel();
        let (bar_tx, bar_rx) = channel();
        foo_tx.send(()).unwrap();
        FooBar { n, foo_rx: Mutex::new(foo_rx), foo_tx, bar_rx: Mutex::new(bar_rx), bar_tx }
    }

    pub fn foo(&self, print_foo: impl Fn()) {
        let turns = self.foo_rx.lock().unwrap();
        for _ in 0..self.n {
            turns.recv().unwrap();
            print_foo();
            self.bar_tx.send(()).unwrap();
        }
    }

    pub fn bar(&self, print_bar: impl Fn()) {
        let turns = self.bar_rx.lock().unwrap();
        for _ in 0..self.n {
            turns.recv().unwrap();
            print_bar();
            self.foo_tx.send(()).unwrap();
        }
    }
}
