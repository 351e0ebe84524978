// expect: deadlock
// why: a channel hand-off that drops its message: rendezvous channels (`sync_channel(0)`) and
//      `try_send` with its error ignored. `try_send` on a rendezvous channel succeeds only if
//      the receiver is already blocked in `recv`; otherwise the message is dropped (`Full`)
//      and the receiver waits forever.
//      Real threads (plain std, grader/scripts/real-threads.sh, load 5-7 on 2 cores):
//      16 hangs in 30 runs.
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
        let _ = self.to_second.try_send(());
    }

    pub fn second(&self, print_second: impl FnOnce()) {
        self.second_rx.lock().unwrap().recv().unwrap();
        print_second();
        let _ = self.to_third.try_send(());
    }

    pub fn third(&self, print_third: impl FnOnce()) {
        self.third_rx.lock().unwrap().recv().unwrap();
        print_third();
    }
}
