// expect: wrong-output
// why: turns its road green on every arrival, even when it is green already.
use threading::Lock;

pub struct TrafficLight {
    lock: Lock,
}

impl TrafficLight {
    pub fn new() -> TrafficLight {
        TrafficLight { lock: Lock::new() }
    }
    pub fn car_arrived(
        &self,
        _car_id: i32,
        _road_id: i32,
        _direction: i32,
        turn_green: impl FnOnce(),
        cross_car: impl FnOnce(),
    ) {
        let _held = self.lock.lock();
        turn_green();
        cross_car();
    }
}
