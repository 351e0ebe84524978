// expect: wrong-output
// why: sleeps to order the threads, with a std Mutex around the prints (so OS-chaos mode):
//      the chaos scheduler shortens sleeps and starves threads.
use std::sync::Mutex;
use std::time::Duration;

pub struct Foo {
    out: Mutex<()>,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { out: Mutex::new(()) }
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        let _g = self.out.lock().unwrap();
        print_first();
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        std::thread::sleep(Duration::from_millis(10));
        let _g = self.out.lock().unwrap();
        print_second();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        std::thread::sleep(Duration::from_millis(20));
        let _g = self.out.lock().unwrap();
        print_third();
    }
}
