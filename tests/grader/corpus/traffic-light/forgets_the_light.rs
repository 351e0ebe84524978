// expect: wrong-output
// why: turns the road green but never records it: the next car of road B turns it green again.
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
        let green = self.green.lock();
        if *green != road_id {
            turn_green();
        }
        cross_car();
    }
}
