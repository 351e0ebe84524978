// expect: wrong-output
// why: reads the light before taking the lock: two cars of road B both see it red, queue up on
//      the lock, and both turn road B green.
use std::sync::atomic::{AtomicI32, Ordering};
use threading::Lock;

pub struct TrafficLight {
    lock: Lock,
    green: AtomicI32,
}

impl TrafficLight {
    pub fn new() -> TrafficLight {
        TrafficLight { lock: Lock::new(), green: AtomicI32::new(1) }
    }
    pub fn car_arrived(
        &self,
        _car_id: i32,
        road_id: i32,
        _direction: i32,
        turn_green: impl FnOnce(),
        cross_car: impl FnOnce(),
    ) {
        let red = self.green.load(Ordering::SeqCst) != road_id;
        let _held = self.lock.lock();
        if red {
            turn_green();
            self.green.store(road_id, Ordering::SeqCst);
        }
        cross_car();
    }
}
