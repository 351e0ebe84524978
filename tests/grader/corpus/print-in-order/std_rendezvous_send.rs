// expect: pass
// why: the rendezvous channels of std_rendezvous_try_send.rs with a blocking `send`: the
//      sender waits for the receiver, so no message is dropped.
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::Mutex;

pub struct Foo {
    to_second: SyncSender<()>,
    second_rx: Mutex<Receiver<()>>,
    to_third: SyncSender<()>,
    third_rx: Mutex<Receiver<()>>,
}

impl Foo {
    pub fn new() -> Foo {
        let (to_second, second_rx) = sync_channel(0);
        let (to_third, third_rx) = sync_channel(0);
        Foo { to_second, second_rx: Mutex::new(second_rx), to_third, third_rx: Mutex::new(third_rx) }
    }

    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        self.to_second.send(()).unwrap();
    }

    pub fn second(&self, print_second: impl FnOnce()) {
        self.second_rx.lock().unwrap().recv().unwrap();
        print_second();
        self.to_third.send(()).unwrap();
    }

    pub fn third(&self, print_third: impl FnOnce()) {
        self.third_rx.lock().unwrap().recv().unwrap();
        print_third();
    }
}
