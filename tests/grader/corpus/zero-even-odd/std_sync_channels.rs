// expect: pass
// why: std sync_channel(1) per thread: zero hands each number to odd or even, which print it
//      and hand the turn back to zero.
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::Mutex;

pub struct ZeroEvenOdd {
    n: usize,
    to_zero: SyncSender<()>,
    zero_rx: Mutex<Receiver<()>>,
    to_odd: SyncSender<usize>,
    odd_rx: Mutex<Receiver<usize>>,
    to_even: SyncSender<usize>,
    even_rx: Mutex<Receiver<usize>>,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        let (to_zero, zero_rx) = sync_channel(1);
        let (to_odd, odd_rx) = sync_channel(1);
        let (to_even, even_rx) = sync_channel(1);
        ZeroEvenOdd {
            n,
            to_zero,
            zero_rx: Mutex::new(zero_rx),
            to_odd,
            odd_rx: Mutex::new(odd_rx),
            to_even,
            even_rx: Mutex::new(even_rx),
        }
    }

    pub fn zero(&self, print_number: impl Fn(usize)) {
        let turns = self.zero_rx.lock().unwrap();
        for k in 1..=self.n {
            if k > 1 {
                turns.recv().unwrap();
            }
            print_number(0);
            if k % 2 == 1 { self.to_odd.send(k).unwrap() } else { self.to_even.send(k).unwrap() }
        }
    }

    pub fn even(&self, print_number: impl Fn(usize)) {
        let numbers = self.even_rx.lock().unwrap();
        for _ in (2..=self.n).step_by(2) {
            print_number(numbers.recv().unwrap());
            self.to_zero.send(()).unwrap();
        }
    }

    pub fn odd(&self, print_number: impl Fn(usize)) {
        let numbers = self.odd_rx.lock().unwrap();
        for _ in (1..=self.n).step_by(2) {
            print_number(numbers.recv().unwrap());
            self.to_zero.send(()).unwrap();
        }
    }
}
