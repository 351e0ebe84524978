// Reference solution for Traffic Light Controlled Intersection (LeetCode 1279).
// Check it: threadlab-grader check --exercise traffic-light notebooks/solutions/traffic_light.rs
//
// One lock holds the green road. A car takes it, turns its road green only if it is not green
// already, crosses, and only then lets the next car in: the light cannot change while a car
// is crossing, and two cars never both see the road red.

use threading::Lock;

pub struct TrafficLight {
    green: Lock<i32>, // the road that is green: 1 (A) or 2 (B)
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
