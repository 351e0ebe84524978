// expect: wrong-output
// why: no lock at all, only an atomic light: check-then-act between cars of both roads.
use std::sync::atomic::{AtomicI32, Ordering};

pub struct TrafficLight {
    green: AtomicI32,
}

impl TrafficLight {
    pub fn new() -> TrafficLight {
        TrafficLight { green: AtomicI32::new(1) }
    }
    pub fn car_arrived(
        &self,
        _car_id: i32,
        road_id: i32,
        _direction: i32,
        turn_green: impl FnOnce(),
        cross_car: impl FnOnce(),
    ) {
        if self.green.load(Ordering::SeqCst) != road_id {
            turn_green();
            self.green.store(road_id, Ordering::SeqCst);
        }
        cross_car();
    }
}
