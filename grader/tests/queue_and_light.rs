//! The checkers of bounded-blocking-queue and traffic-light on hand-made event logs: sound on
//! correct runs with overlapping calls, failing on each rule they check; and both exercises
//! graded in process (`check!`), values returned by `dequeue` included.

use threadlab_grader::core::exercise::{Exercise, Fault, Problem, Run, Token, find};
use threadlab_grader::core::record::{EventKind, Printed};

fn event(kind: EventKind, role: usize, owner: usize, call: usize, token: Token) -> Printed {
    Printed { seq: 0, role, thread: Some(role), token, owner, caller: Some(owner), call, kind }
}

fn judge(
    exercise: &Exercise,
    n: usize,
    threads: &[usize],
    events: &[Printed],
    complete: bool,
) -> Result<(), Problem> {
    let events: Vec<Printed> =
        events.iter().enumerate().map(|(i, e)| Printed { seq: i as u64, ..e.clone() }).collect();
    (exercise.check)(&Run { exercise, n, threads, events: &events, complete })
}

// The queue's threads: enqueue#0, enqueue#1, dequeue#0, dequeue#1, size (positions 0..5).
const QUEUE_THREADS: [usize; 5] = [0, 0, 1, 1, 2];
const P0: usize = 0;
const P1: usize = 1;
const C0: usize = 2;
const C1: usize = 3;
const S: usize = 4;

fn role_of(owner: usize) -> usize {
    QUEUE_THREADS[owner]
}

fn call(owner: usize, call: usize) -> Printed {
    let method = ["enqueue", "dequeue", "size"][role_of(owner)];
    event(EventKind::Call, role_of(owner), owner, call, Token::Word(method.into()))
}

/// An enqueue's or a size()'s or a dequeue's return: `value` is what it returned (`None`: an
/// enqueue, whose Return event carries the method's name).
fn ret(owner: usize, call: usize, value: Option<u64>) -> Printed {
    let token = value.map(Token::Number).unwrap_or_else(|| Token::Word("enqueue".into()));
    event(EventKind::Return, role_of(owner), owner, call, token)
}

fn queue() -> &'static Exercise {
    let queue = find("1188").unwrap();
    assert_eq!(queue.id, "bounded-blocking-queue");
    queue
}

fn problem(n: usize, events: &[Printed], complete: bool) -> Problem {
    let p = judge(queue(), n, &QUEUE_THREADS, events, complete).unwrap_err();
    assert_eq!(p.fault, Fault::WrongOutput, "{p:?}");
    p
}

#[test]
fn queue_passes_correct_runs_with_overlapping_calls() {
    // n = 1, capacity 1: values 100 (enqueue#0) and 200 (enqueue#1).
    // Both dequeues and both enqueues overlap; the later-called enqueue's value leaves first,
    // and size() overlaps everything.
    let overlapping = [
        call(S, 0),
        call(P0, 0),
        call(C0, 0),
        call(C1, 0),
        call(P1, 0),
        ret(P0, 0, None),
        ret(P1, 0, None),
        ret(C1, 0, Some(200)),
        ret(S, 0, Some(1)),
        ret(C0, 0, Some(100)),
    ];
    assert_eq!(judge(queue(), 1, &QUEUE_THREADS, &overlapping, true), Ok(()));
    // size() may also have seen the queue empty or holding one item.
    let mut empty = overlapping.clone();
    empty[8] = ret(S, 0, Some(0));
    assert_eq!(judge(queue(), 1, &QUEUE_THREADS, &empty, true), Ok(()));
    // n = 2, capacity 2: a dequeue in progress may take 100 while a later one returns 101.
    let fifo_overlap = [
        call(P0, 0),
        ret(P0, 0, None),
        call(P0, 1),
        ret(P0, 1, None),
        call(C0, 0),
        call(C1, 0),
        ret(C1, 0, Some(101)),
        ret(C0, 0, Some(100)),
    ];
    assert_eq!(judge(queue(), 2, &QUEUE_THREADS, &fifo_overlap, false), Ok(()));
    // A prefix of a correct run (a run cut short) is not wrong by itself.
    assert_eq!(judge(queue(), 1, &QUEUE_THREADS, &overlapping[..6], false), Ok(()));
}

#[test]
fn queue_catches_more_items_than_the_capacity() {
    let events = [call(P0, 0), ret(P0, 0, None), call(P1, 0), ret(P1, 0, None)];
    let p = problem(1, &events, false);
    assert_eq!(p.event, 3);
    assert!(p.message.contains("capacity 1"), "{p:?}");
    // With a dequeue called in between, two enqueues may return.
    let events = [call(P0, 0), ret(P0, 0, None), call(C0, 0), call(P1, 0), ret(P1, 0, None)];
    assert_eq!(judge(queue(), 1, &QUEUE_THREADS, &events, false), Ok(()));
}

#[test]
fn queue_catches_values_dequeued_early_twice_or_made_up() {
    let early = [call(P0, 0), call(C0, 0), ret(C0, 0, Some(200))];
    assert!(problem(1, &early, false).message.contains("before enqueue(200) was called"));
    let twice = [
        call(P0, 0),
        ret(P0, 0, None),
        call(C0, 0),
        ret(C0, 0, Some(100)),
        call(C1, 0),
        ret(C1, 0, Some(100)),
    ];
    let p = problem(1, &twice, false);
    assert_eq!(p.event, 5);
    assert!(p.message.contains("which an earlier dequeue had returned"), "{p:?}");
    let negative = [call(C0, 0), event(EventKind::Return, 1, C0, 0, Token::Word("-1".into()))];
    assert!(problem(1, &negative, false).message.contains("returned -1"));
    let unknown = [call(C0, 0), ret(C0, 0, Some(7))];
    assert!(problem(1, &unknown, false).message.contains("no enqueue() was given"));
}

#[test]
fn queue_catches_lifo_with_and_without_overlap() {
    // n = 2: 100 then 101 enqueued; the only dequeue returns 101 while 100 waits.
    let lifo =
        [call(P0, 0), ret(P0, 0, None), call(P0, 1), ret(P0, 1, None), call(C0, 0), ret(C0, 0, Some(101))];
    let p = problem(2, &lifo, false);
    assert_eq!(p.event, 5);
    assert!(p.message.contains("while 100 was still in the queue"), "{p:?}");
    // Two dequeues overlap, one returns 101 (the other may take 100) — then a dequeue called
    // after that return gets 100: 100 had to leave first.
    let real_time = [
        call(P0, 0),
        ret(P0, 0, None),
        call(P0, 1),
        ret(P0, 1, None),
        call(C0, 0),
        call(C1, 0),
        ret(C1, 0, Some(101)),
        call(C1, 1),
        ret(C1, 1, Some(100)),
    ];
    let p = problem(2, &real_time, false);
    assert_eq!(p.event, 8);
    assert!(p.message.contains("after another dequeue had already returned 101"), "{p:?}");
}

#[test]
fn queue_checks_size_against_its_interval() {
    // At least one item all through the call, size() says 0.
    let low = [call(P0, 0), ret(P0, 0, None), call(S, 0), ret(S, 0, Some(0))];
    assert!(problem(1, &low, false).message.contains("at least 1"));
    // Nothing enqueued yet, size() says 1.
    let high = [call(S, 0), ret(S, 0, Some(1))];
    assert!(problem(1, &high, false).message.contains("at most 0"));
    // More than the capacity.
    let over = [call(P0, 0), call(P1, 0), call(S, 0), ret(S, 0, Some(2))];
    assert!(problem(1, &over, false).message.contains("capacity 1"));
    // An enqueue overlapping the size() call: 1 and 0 are both possible.
    for count in [0, 1] {
        let overlap = [call(S, 0), call(P0, 0), ret(P0, 0, None), ret(S, 0, Some(count))];
        assert_eq!(judge(queue(), 1, &QUEUE_THREADS, &overlap, false), Ok(()), "size {count}");
    }
}

#[test]
fn queue_catches_a_complete_run_that_lost_a_value() {
    let lost = [call(P0, 0), ret(P0, 0, None), call(C0, 0), ret(C0, 0, Some(100))];
    let p = problem(1, &lost, true);
    assert_eq!(p.event, lost.len());
    assert!(p.message.contains("200 never was"), "{p:?}");
}

// Traffic light, n = 3: car 1 and car 2 on road A, car 3 on road B.
fn light() -> &'static Exercise {
    let light = find("1279").unwrap();
    assert_eq!(light.id, "traffic-light");
    light
}

fn car(owner: usize, word: &str) -> Printed {
    event(EventKind::Callback, 0, owner, 0, Token::Word(word.into()))
}

#[test]
fn traffic_light_passes_any_order_that_keeps_the_rule() {
    let threads = [0; 3];
    let right = [car(2, "green-B"), car(2, "car3@B"), car(1, "green-A"), car(1, "car2@A"), car(0, "car1@A")];
    assert_eq!(judge(light(), 3, &threads, &right, true), Ok(()));
    let in_order = [car(0, "car1@A"), car(1, "car2@A"), car(2, "green-B"), car(2, "car3@B")];
    assert_eq!(judge(light(), 3, &threads, &in_order, true), Ok(()));
}

#[test]
fn traffic_light_catches_each_broken_rule() {
    let threads = [0; 3];
    let fails = |events: &[Printed], complete| judge(light(), 3, &threads, events, complete).unwrap_err();
    let green_twice = fails(&[car(0, "green-A")], false);
    assert_eq!((green_twice.fault, green_twice.event), (Fault::WrongOutput, 0));
    assert!(green_twice.message.contains("already green"), "{green_twice:?}");
    let red = fails(&[car(2, "car3@B")], false);
    assert!(red.message.contains("while road A was green"), "{red:?}");
    let twice = fails(&[car(0, "car1@A"), car(0, "car1@A")], false);
    assert_eq!(twice.event, 1);
    let foreign = fails(&[Printed { caller: Some(1), ..car(0, "car1@A") }], false);
    assert_eq!(foreign.fault, Fault::WrongThread);
    let missing = fails(&[car(0, "car1@A"), car(1, "car2@A")], true);
    assert!(missing.message.contains("car 3 never did"), "{missing:?}");
    // The same events, not complete yet: nothing wrong.
    assert_eq!(judge(light(), 3, &threads, &[car(0, "car1@A"), car(1, "car2@A")], false), Ok(()));
}

#[test]
fn the_new_exercises_expected_runs_pass_their_own_checkers() {
    // traffic-light's example run, car after car.
    for n in [1, 2, 3, 8, 16] {
        // Each token belongs to the car that crosses next (a green comes just before it).
        let mut crossed = 0;
        let mut events = Vec::new();
        for token in (light().expected)(n) {
            events.push(event(EventKind::Callback, 0, crossed, 0, token.clone()));
            if matches!(&token, Token::Word(w) if w.starts_with("car")) {
                crossed += 1;
            }
        }
        let threads = vec![0; n];
        assert_eq!(judge(light(), n, &threads, &events, true), Ok(()), "n = {n}");
    }
    // The queue's capacity pattern covers 1 and 2.
    use threadlab_grader::core::exercise::bounded_blocking_queue::capacity;
    assert_eq!(queue().sizes.iter().map(|&n| capacity(n)).collect::<Vec<_>>(), [1, 2, 3, 1, 2]);
}

#[test]
fn returned_values_are_output_and_method_names_are_not() {
    use threadlab_grader::core::exercise::check::is_output;
    let value = ret(C0, 0, Some(100));
    let plain = ret(P0, 0, None);
    assert!(is_output(queue(), &value));
    assert!(!is_output(queue(), &plain), "an enqueue's Return carries its method's name");
    assert!(!is_output(queue(), &call(C0, 0)));
    let h2o = find("building-h2o").unwrap();
    let returned = event(EventKind::Return, 0, 0, 0, Token::Word("hydrogen".into()));
    assert!(!is_output(h2o, &returned), "building-h2o records no values: its output is its callbacks");
}

/// A right queue in process (`check!`): its dequeues' values reach the checker through
/// `Printer::returned`; an integer type other than the skeleton's (`u32`) goes through `as _`.
pub struct BoundedBlockingQueue {
    capacity: u32,
    items: threading::Condition<std::collections::VecDeque<u32>>,
    lifo: bool,
}

impl BoundedBlockingQueue {
    pub fn new(capacity: u32) -> BoundedBlockingQueue {
        BoundedBlockingQueue {
            capacity,
            items: threading::Condition::with_data(Default::default()),
            lifo: false,
        }
    }
    pub fn enqueue(&self, element: u32) {
        let mut items = self.items.lock();
        items.wait_for(|q| q.len() < self.capacity as usize);
        items.push_back(element);
        items.notify_all();
    }
    pub fn dequeue(&self) -> u32 {
        let mut items = self.items.lock();
        items.wait_for(|q| !q.is_empty());
        let element = if self.lifo { items.pop_back() } else { items.pop_front() };
        items.notify_all();
        element.unwrap()
    }
    pub fn size(&self) -> u32 {
        self.items.lock().len() as u32
    }
}

/// The same queue, taking from the back.
pub struct Lifo(BoundedBlockingQueue);

impl Lifo {
    pub fn new(capacity: u32) -> Lifo {
        Lifo(BoundedBlockingQueue { lifo: true, ..BoundedBlockingQueue::new(capacity) })
    }
    pub fn enqueue(&self, element: u32) {
        self.0.enqueue(element)
    }
    pub fn dequeue(&self) -> u32 {
        self.0.dequeue()
    }
    pub fn size(&self) -> u32 {
        self.0.size()
    }
}

#[test]
fn the_queue_is_checked_in_process_by_what_dequeue_returns() {
    use threadlab_grader::{CheckOptions, Verdict};
    let quiet = || CheckOptions { print: false, repeat: Some(3), ..Default::default() };
    let report = threadlab_grader::check!(bounded_blocking_queue, BoundedBlockingQueue, quiet());
    assert_eq!(report.verdict, Verdict::Pass, "{report}");
    let report = threadlab_grader::check!(bounded_blocking_queue, Lifo, quiet());
    assert_eq!(report.verdict, Verdict::WrongOutput, "{report}");
    let failure = report.failure.expect("a failure");
    assert!(failure.message.contains("FIFO"), "{failure:?}");
    // The report's output is what dequeue() and size() returned.
    let dequeued = &failure.by_method[1];
    assert_eq!(dequeued.method, "dequeue");
    assert!(
        !dequeued.printed.is_empty() && dequeued.printed.iter().all(|v| v.parse::<u32>().is_ok()),
        "{failure:?}"
    );
}

pub struct TrafficLight {
    green: threading::Lock<u8>,
}

#[allow(clippy::new_without_default)] // the skeleton's constructor, as a learner writes it
impl TrafficLight {
    pub fn new() -> TrafficLight {
        TrafficLight { green: threading::Lock::with_data(1) }
    }
    pub fn car_arrived(
        &self,
        _car: u8,
        road: u8,
        _direction: u8,
        turn_green: impl FnOnce(),
        cross: impl FnOnce(),
    ) {
        let mut green = self.green.lock();
        if *green != road {
            turn_green();
            *green = road;
        }
        cross();
    }
}

#[test]
fn the_traffic_light_takes_any_integer_type_in_process() {
    let quiet = threadlab_grader::CheckOptions { print: false, repeat: Some(3), ..Default::default() };
    let report = threadlab_grader::check!(traffic_light, TrafficLight, quiet);
    assert_eq!(report.verdict, threadlab_grader::Verdict::Pass, "{report}");
}
