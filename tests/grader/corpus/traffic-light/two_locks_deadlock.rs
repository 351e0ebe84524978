// expect: deadlock
// why: one lock per road, each car takes its own road's lock first and then the other's: a car
//      of road A and a car of road B each hold one and wait for the other.
use threading::Lock;

pub struct TrafficLight {
    roads: [Lock; 2],
    green: Lock<i32>,
}

impl TrafficLight {
    pub fn new() -> TrafficLight {
        TrafficLight { roads: [Lock::new(), Lock::new()], green: Lock::with_data(1) }
    }
    pub fn car_arrived(
        &self,
        _car_id: i32,
        road_id: i32,
        _direction: i32,
        turn_green: impl FnOnce(),
        cross_car: impl FnOnce(),
    ) {
        let mine = (road_id - 1) as usize;
        let _own = self.roads[mine].lock();
        let _other = self.roads[1 - mine].lock();
        let mut green = self.green.lock();
        if *green != road_id {
            turn_green();
            *green = road_id;
        }
        cross_car();
    }
}
