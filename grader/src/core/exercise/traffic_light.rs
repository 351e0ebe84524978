//! Traffic Light Controlled Intersection (LeetCode 1279): n cars, one thread each, call
//! `car_arrived` once on one `TrafficLight::new()`. Road A (road 1, directions 1 and 2) is
//! green at the start; road B is road 2 (directions 3 and 4). Car i (its thread's instance)
//! has id i + 1 and the road [`road(i)`](road), a pattern with both roads and runs of cars on
//! the same road. A car crosses only while its road is green, `turn_green` is called only
//! while the car's road is red (turning a green road green is wrong), every car crosses
//! exactly once, and every callback is called from its own car's thread.

use super::{Count, Exercise, Fault, Problem, Role, Run, Token, check};

/// The exercise.
pub static EXERCISE: Exercise = Exercise {
    id: "traffic-light",
    aliases: &["traffic_light", "traffic-light-controlled-intersection", "1279"],
    title: "Traffic Light Controlled Intersection",
    type_name: "TrafficLight",
    roles: &[Role { method: "car_arrived", threads: Count::TimesN(1), calls: Count::Fixed(1) }],
    rule: "road A is green at the start; a car crosses only while its own road is green, turn_green is called \
           only while the car's road is red (never on a road that is already green), each car crosses once, \
           and a car's callbacks are called from its own thread",
    skeleton: "pub struct TrafficLight { /* ... */ }
impl TrafficLight {
    pub fn new() -> TrafficLight; // road A (road_id 1) is green at the start
    // n threads, one car each, one call each.
    pub fn car_arrived(
        &self,
        car_id: i32,               // the car's id
        road_id: i32,              // 1 = road A, 2 = road B
        direction: i32,            // 1, 2 on road A; 3, 4 on road B
        turn_green: impl FnOnce(), // turns the car's road green
        cross_car: impl FnOnce(),  // the car crosses
    );
}",
    sizes: &[1, 2, 3, 4, 6, 8],
    large_size: Some(16),
    expected,
    exact: false,
    records_calls: false,
    check: check_run,
    separator: " ",
};

/// The roads of cars 0, 1, 2, ... (repeating): runs of one road and changes both ways.
const ROADS: [usize; 10] = [1, 1, 2, 2, 2, 1, 2, 1, 1, 2];

/// The road (1 = A, 2 = B) of car `instance` (0-based; its id is `instance + 1`).
pub const fn road(instance: usize) -> usize {
    ROADS[instance % ROADS.len()]
}

/// The direction of car `instance`: 1 or 2 on road A, 3 or 4 on road B.
pub const fn direction(instance: usize) -> usize {
    2 * (road(instance) - 1) + 1 + instance % 2
}

/// The id of car `instance`.
pub const fn car_id(instance: usize) -> usize {
    instance + 1
}

/// A road's letter.
pub fn letter(road: usize) -> &'static str {
    if road == 1 { "A" } else { "B" }
}

/// The token of car `instance` crossing: `car3@B`.
pub fn crossing(instance: usize) -> String {
    format!("car{}@{}", car_id(instance), letter(road(instance)))
}

/// The token of car `instance` turning its road green: `green-B`.
pub fn green(instance: usize) -> String {
    format!("green-{}", letter(road(instance)))
}

/// One correct run: the cars in order, each turning its road green if it is red.
fn expected(n: usize) -> Vec<Token> {
    let mut light = 1;
    let mut out = Vec::new();
    for car in 0..n {
        if road(car) != light {
            light = road(car);
            out.push(Token::Word(green(car)));
        }
        out.push(Token::Word(crossing(car)));
    }
    out
}

fn check_run(run: &Run<'_>) -> Result<(), Problem> {
    let mut light = 1;
    let mut crossed = vec![false; run.n];
    let mut crossings = 0;
    for (index, event) in run.callbacks() {
        check::own_thread(run, index)?;
        let car = run.instance(event.owner);
        let (id, road) = (car_id(car), road(car));
        let token = run.token_position(index) + 1;
        let wrong = |message: String| Err(Problem::new(Fault::WrongOutput, index, message));
        let turns_green = matches!(&event.token, Token::Word(w) if w.starts_with("green"));
        if turns_green {
            if light == road {
                return wrong(format!(
                    "car {id} turned road {} green (token {token}) while it was already green: turn_green only \
                     when the car's road is red",
                    letter(road)
                ));
            }
            light = road;
        } else {
            if light != road {
                return wrong(format!(
                    "car {id} crossed on road {} (token {token}) while road {} was green",
                    letter(road),
                    letter(light)
                ));
            }
            if crossed.get(car).copied().unwrap_or(false) {
                return wrong(format!("car {id} crossed a second time (token {token})"));
            }
            if let Some(c) = crossed.get_mut(car) {
                *c = true;
            }
            crossings += 1;
        }
    }
    if run.complete && crossings < run.n {
        let car = crossed.iter().position(|c| !c).unwrap_or(0);
        let message = format!(
            "every thread returned, but only {crossings} of {} cars crossed (car {} never did)",
            run.n,
            car_id(car)
        );
        return Err(Problem::new(Fault::WrongOutput, run.events.len(), message));
    }
    Ok(())
}

/// `adapter!(TrafficLight)`: the [`Subject`](crate::Subject) for the learner's
/// `TrafficLight`; ids, roads and directions of any integer type are accepted (`as _`).
#[doc(hidden)]
#[macro_export]
macro_rules! __traffic_light_adapter {
    ($t:ty) => {
        $crate::Subject::of::<$t>(&$crate::core::exercise::traffic_light::EXERCISE, |_n| <$t>::new())
            .method(|o, p| {
                use $crate::core::exercise::traffic_light as light;
                let car = p.instance();
                o.car_arrived(
                    light::car_id(car) as _,
                    light::road(car) as _,
                    light::direction(car) as _,
                    || p.word(&light::green(car)),
                    || p.word(&light::crossing(car)),
                )
            })
            .build()
    };
}
pub use crate::__traffic_light_adapter as adapter;
