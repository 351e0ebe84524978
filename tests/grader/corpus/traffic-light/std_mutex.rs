// expect: pass
// why: the same one-lock design on std::sync::Mutex.
use std::sync::Mutex;

pub struct TrafficLight {
    green: Mutex<i32>,
}

impl TrafficLight {
    pub fn new() -> TrafficLight {
        TrafficLight { green: Mutex::new(1) }
    }
    pub fn car_arrived(
        &self,
        _car_id: i32,
        road_id: i32,
        _direction: i32,
        turn_green: impl FnOnce(),
        cross_car: impl FnOnce(),
    ) {
        let mut green = self.green.lock().unwrap();
        if *green != road_id {
            turn_green();
            *green = road_id;
        }
        cross_car();
    }
}
