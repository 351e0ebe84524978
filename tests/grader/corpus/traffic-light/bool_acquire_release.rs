// expect: pass
// why: a bare threading::Lock (acquire/release, Python style) around an AtomicBool "road A is
//      green" that is only read and written while the lock is held; usize arguments.
use std::sync::atomic::{AtomicBool, Ordering};
use threading::Lock;

pub struct TrafficLight {
    lock: Lock,
    a_green: AtomicBool,
}

impl TrafficLight {
    pub fn new() -> TrafficLight {
        TrafficLight { lock: Lock::new(), a_green: AtomicBool::new(true) }
    }
    pub fn car_arrived(
        &self,
        _car_id: usize,
        road_id: usize,
        direction: usize,
        turn_green: impl FnOnce(),
        cross_car: impl FnOnce(),
    ) {
        let on_a = direction <= 2;
        debug_assert_eq!(on_a, road_id == 1);
        self.lock.acquire();
        if self.a_green.load(Ordering::Relaxed) != on_a {
            turn_green();
            self.a_green.store(on_a, Ordering::Relaxed);
        }
        cross_car();
        self.lock.release().unwrap();
    }
}
