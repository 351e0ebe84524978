// expect: pass
// why: one threading::Lock holds the green road; a car turns it green only if it is red, and
//      crosses before releasing the lock.
use threading::Lock;

pub struct TrafficLight {
    green: Lock<i32>,
}

impl TrafficLight {
    pub fn new() -> TrafficLight {
        TrafficLight { green: Lock::with_data(1) }
    }
    pub fn car_arrived(
        &self,
        _car_id: i32,
        road_id: i32,
        _direction: i32,
        turn_green: impl FnOnce(),
        cross_car: impl FnOnce(),
    ) {
        let mut green = self.green.lock();
        if *green != road_id {
            turn_green();
            *green = road_id;
        }
        cross_car();
    }
}
