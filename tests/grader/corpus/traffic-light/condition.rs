// expect: pass
// why: a threading::Condition used as a lock with data (nobody needs to wait: a car may always
//      turn its own road green).
use threading::Condition;

pub struct TrafficLight {
    light: Condition<u8>,
}

impl TrafficLight {
    pub fn new() -> TrafficLight {
        TrafficLight { light: Condition::with_data(1) }
    }
    pub fn car_arrived(
        &self,
        _car_id: i32,
        road_id: i32,
        _direction: i32,
        turn_green: impl FnOnce(),
        cross_car: impl FnOnce(),
    ) {
        let mut light = self.light.lock();
        if *light as i32 != road_id {
            *light = road_id as u8;
            turn_green();
        }
        cross_car();
        light.notify_all();
    }
}
