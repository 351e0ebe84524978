// expect: wrong-thread
// why: hands the crossing to a helper thread and waits for it: the light is right, but
//      cross_car is the car's own to call.
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
        cross_car: impl FnOnce() + Send,
    ) {
        let mut green = self.green.lock();
        if *green != road_id {
            turn_green();
            *green = road_id;
        }
        std::thread::scope(|s| {
            s.spawn(cross_car);
        });
    }
}
