// expect: wrong-output
// why: a channel hand-off that drops a message: `try_recv` taken for a blocking receive, its
//      `Empty` ignored. bar prints whether or not foo has handed it the turn (and a hand-off
//      that arrives later is left in the channel, never matched with its bar).
//      Real threads (plain std, grader/scripts/real-threads.sh, load 5-7 on 2 cores):
//      1,826 failures in 2,000 runs.
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
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
        for _ in 0..self.n {
            self.foo_rx.lock().unwrap().recv().unwrap();
            print_foo();
            self.bar_tx.send(()).unwrap();
        }
    }

    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n {
            match self.bar_rx.lock().unwrap().try_recv() {
                Ok(()) | Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => return,
            }
            print_bar();
            self.foo_tx.send(()).unwrap();
        }
    }
}
