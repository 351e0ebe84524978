// expect: pass
// why: zero sends each number to the right thread, which sends back an acknowledgement.
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};

pub struct ZeroEvenOdd {
    n: usize,
    to_odd: Mutex<Sender<usize>>,
    at_odd: Mutex<Receiver<usize>>,
    to_even: Mutex<Sender<usize>>,
    at_even: Mutex<Receiver<usize>>,
    done: Mutex<Sender<()>>,
    at_zero: Mutex<Receiver<()>>,
}

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        let (to_odd, at_odd) = channel();
        let (to_even, at_even) = channel();
        let (done, at_zero) = channel();
        ZeroEvenOdd {
            n,
            to_odd: Mutex::new(to_odd),
            at_odd: Mutex::new(at_odd),
            to_even: Mutex::new(to_even),
            at_even: Mutex::new(at_even),
            done: Mutex::new(done),
            at_zero: Mutex::new(at_zero),
        }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 1..=self.n {
            print_number(0);
            let to = if i % 2 == 1 { &self.to_odd } else { &self.to_even };
            to.lock().unwrap().send(i).unwrap();
            self.at_zero.lock().unwrap().recv().unwrap();
        }
    }
    fn numbers(&self, at: &Mutex<Receiver<usize>>, count: usize, print_number: impl Fn(usize)) {
        for _ in 0..count {
            let i = at.lock().unwrap().recv().unwrap();
            print_number(i);
            self.done.lock().unwrap().send(()).unwrap();
        }
    }
    pub fn even(&self, print_number: impl Fn(usize)) {
        self.numbers(&self.at_even, self.n / 2, print_number);
    }
    pub fn odd(&self, print_number: impl Fn(usize)) {
        self.numbers(&self.at_odd, self.n.div_ceil(2), print_number);
    }
}
