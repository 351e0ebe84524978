//! Timelines of failing runs: what the drawing shows follows the run's event log — a lane per
//! thread, a mark per recorded operation, blocked spans and the first wrong token where the log
//! and the judge say — the SVG is well-formed XML, and a replay draws the same picture again.

use std::collections::BTreeSet;
use threading::schedule::Claim;
use threadlab_grader::core::events::{EventKind, EventLog};
use threadlab_grader::core::schedule::Operation;
use threadlab_grader::core::timeline::fold::{self, Column};
use threadlab_grader::core::timeline::{self, Lane, Step, StepKind, Timeline, svg, text};
use threadlab_grader::{CheckOptions, Report, Verdict, check, replay};

/// Seed 002's FooBar with two Events: racy (clear after set can erase the other's set). The
/// corpus's own file, so the test draws what the grader grades.
#[path = "../../tests/grader/corpus/foobar/seed_two_events.rs"]
mod seed_two_events;
use seed_two_events::FooBar;

/// Takes two locks in opposite orders (the corpus's lock-order deadlock).
#[path = "../../tests/grader/corpus/zero-even-odd/lock_order.rs"]
mod lock_order;
use lock_order::ZeroEvenOdd;

/// Dequeues from the wrong end (the corpus's LIFO queue): a wrong value returned, not printed.
#[path = "../../tests/grader/corpus/bounded-blocking-queue/lifo.rs"]
mod lifo;

/// Prints in any order.
#[derive(Default)]
pub struct Unordered;
impl Unordered {
    pub fn new() -> Unordered {
        Unordered
    }
    pub fn first(&self, p: impl FnOnce()) {
        p()
    }
    pub fn second(&self, p: impl FnOnce()) {
        p()
    }
    pub fn third(&self, p: impl FnOnce()) {
        p()
    }
}

/// FooBar done right: a condition and a turn.
pub struct FixedFooBar {
    n: usize,
    turn: threading::Condition<bool>,
}

impl FixedFooBar {
    pub fn new(n: usize) -> FixedFooBar {
        FixedFooBar { n, turn: threading::Condition::with_data(true) }
    }
    fn go(&self, mine: bool, print: &impl Fn()) {
        for _ in 0..self.n {
            let mut turn = self.turn.lock();
            turn.wait_for(|t| *t == mine);
            print();
            *turn = !mine;
            turn.notify_all();
        }
    }
    pub fn foo(&self, print_foo: impl Fn()) {
        self.go(true, &print_foo)
    }
    pub fn bar(&self, print_bar: impl Fn()) {
        self.go(false, &print_bar)
    }
}

fn quiet() -> CheckOptions {
    CheckOptions { print: false, ..Default::default() }
}

fn events(report: &Report) -> &EventLog {
    report.events.as_ref().expect("a failing controlled run carries its events")
}

fn drawn(report: &Report) -> Timeline {
    timeline::from_run::of_report(report).expect("a failing controlled run has a timeline")
}

/// The SVG parsed as XML (the test fails on anything not well-formed).
fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{svg}"))
}

/// The `<g>` groups of one class, with their `data-*` attributes read as numbers.
fn groups<'a>(doc: &'a roxmltree::Document<'a>, class: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants().filter(|n| n.has_tag_name("g") && n.attribute("class") == Some(class)).collect()
}

fn data(node: &roxmltree::Node<'_, '_>, name: &str) -> usize {
    node.attribute(name).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no {name} on {node:?}"))
}

/// The steps that are output the judge reads (printed tokens and returned values), in order.
fn output_steps(timeline: &Timeline) -> Vec<usize> {
    (0..timeline.steps.len())
        .filter(|&s| matches!(timeline.steps[s].kind, StepKind::Print | StepKind::WrongPrint { .. }))
        .collect()
}

/// The steps marked wrong.
fn wrong_steps(timeline: &Timeline) -> Vec<usize> {
    (0..timeline.steps.len())
        .filter(|&s| matches!(timeline.steps[s].kind, StepKind::WrongPrint { .. }))
        .collect()
}

/// The SVG's steps drawn with the `bad` mark.
fn bad_marks(doc: &roxmltree::Document<'_>) -> Vec<usize> {
    groups(doc, "step")
        .iter()
        .filter(|g| g.children().any(|c| c.attribute("class") == Some("bad")))
        .map(|g| data(g, "data-step"))
        .collect()
}

/// How many steps the log's events make: one per start, end, operation, print and returned value.
fn marks_in(log: &EventLog) -> usize {
    log.events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Start
                    | EventKind::End
                    | EventKind::Op { .. }
                    | EventKind::Print { .. }
                    | EventKind::Returned { .. }
            )
        })
        .count()
}

#[test]
fn lanes_are_the_runs_threads_and_every_recorded_operation_has_one_mark() {
    let report = check!(foobar, FooBar, quiet());
    assert_eq!(report.verdict, Verdict::Deadlock, "{report}");
    let log = events(&report);
    let timeline = drawn(&report);

    let names: Vec<&str> = timeline.lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["foo", "bar", "main"], "the learner's threads, then the grader's");
    let logged: BTreeSet<&str> = log.threads.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.iter().copied().collect::<BTreeSet<_>>(), logged);

    // Every start, end, operation and print of the log is one step, in the log's order and lane.
    assert_eq!(timeline.steps.len(), marks_in(log));
    let lane_of = |task: usize| names.iter().position(|n| *n == log.threads[task].name).unwrap();
    let logged_lanes: Vec<usize> = log
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Start
                    | EventKind::End
                    | EventKind::Op { .. }
                    | EventKind::Print { .. }
                    | EventKind::Returned { .. }
            )
        })
        .map(|e| lane_of(e.thread))
        .collect();
    assert_eq!(timeline.steps.iter().map(|s| s.lane).collect::<Vec<_>>(), logged_lanes);

    // The SVG draws one mark per step (this run is short enough to show whole).
    assert!(timeline.steps.len() <= svg::BUDGET);
    let svg = svg::render(&timeline, svg::BUDGET);
    let doc = parse(&svg);
    let marks = groups(&doc, "step");
    assert_eq!(marks.len(), timeline.steps.len());
    for (index, mark) in marks.iter().enumerate() {
        assert_eq!(data(mark, "data-step"), index);
        assert_eq!(data(mark, "data-lane"), timeline.steps[index].lane);
    }
    let lane_names: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("data-lane").is_some())
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(lane_names, names);
    // A preemption in the log is a switch mark on the step before it.
    let preempted = log.events.iter().filter(|e| matches!(e.kind, EventKind::Preempted { .. })).count();
    assert!(preempted > 0, "a deadlock of two threads needs a switch");
    // Every preemption the log records is one switch mark, after a step or where a span ends.
    assert_eq!(groups(&doc, "preempt").len(), preempted);
    let marked = timeline.steps.iter().filter(|s| s.preempted_to.is_some()).count()
        + timeline.blocked.iter().filter(|b| b.preempted_to.is_some()).count();
    assert_eq!(marked, preempted);
}

#[test]
fn blocked_spans_are_where_the_log_blocks_and_resumes() {
    let report = check!(foobar, FooBar, quiet());
    let log = events(&report);
    let timeline = drawn(&report);
    let blocks = log.events.iter().filter(|e| e.kind == EventKind::Blocked).count();
    let resumes = log.events.iter().filter(|e| matches!(e.kind, EventKind::Resumed { .. })).count();
    assert_eq!(timeline.blocked.len(), blocks);
    assert_eq!(timeline.blocked.iter().filter(|b| b.until.is_some()).count(), resumes);
    for span in &timeline.blocked {
        let step = &timeline.steps[span.from];
        assert_eq!(step.lane, span.lane, "a span starts at its own thread's step");
        // It waits in its last operation that can wait (a release never does).
        let waits_in = timeline.steps[..=span.from]
            .iter()
            .rev()
            .find(|s| {
                s.lane == span.lane
                    && !matches!(s.kind, StepKind::Op(op) if op.claim() == Some(Claim::Release))
            })
            .unwrap();
        assert!(span.on.starts_with(&waits_in.label), "{} blocked in {}", span.on, waits_in.label);
        if let Some(until) = span.until {
            assert!(until > span.from);
            // Nothing of a blocked thread happens while it is blocked.
            assert!(timeline.steps[span.from + 1..until].iter().all(|s| s.lane != span.lane));
        }
    }
    // The threads still blocked at the end are the deadlock report's.
    let stuck: BTreeSet<&str> = timeline
        .blocked
        .iter()
        .filter(|b| b.until.is_none())
        .map(|b| timeline.lanes[b.lane].name.as_str())
        .collect();
    let reported: BTreeSet<&str> =
        report.failure.as_ref().unwrap().threads.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(stuck, reported);

    let svg = svg::render(&timeline, svg::BUDGET);
    let doc = parse(&svg);
    let drawn: Vec<(usize, usize)> =
        groups(&doc, "blocked").iter().map(|g| (data(g, "data-lane"), data(g, "data-from"))).collect();
    let logged: Vec<(usize, usize)> = timeline.blocked.iter().map(|b| (b.lane, b.from)).collect();
    assert_eq!(drawn, logged);
    let text = text::render(&timeline, 100, true);
    assert_eq!(text.matches("(blocks)").count(), blocks, "{text}");
}

#[test]
fn the_first_wrong_token_is_marked_where_the_judge_says() {
    let report = check!(print_in_order, Unordered, quiet());
    assert_eq!(report.verdict, Verdict::WrongOutput, "{report}");
    let divergence = report.failure.as_ref().unwrap().divergence.clone().unwrap();
    let timeline = drawn(&report);
    let prints = output_steps(&timeline);
    let wrong = wrong_steps(&timeline);
    assert_eq!(wrong, [prints[divergence.index]], "the judge's token, and only it");
    assert_eq!(timeline.focus, Some(wrong[0]));
    let step = &timeline.steps[wrong[0]];
    assert_eq!(step.label, format!("print {:?}", divergence.got.clone().unwrap()));
    assert_eq!(timeline.lanes[step.lane].name, divergence.method.clone().unwrap());

    let svg = svg::render(&timeline, svg::BUDGET);
    assert_eq!(bad_marks(&parse(&svg)), wrong);
    let expected = divergence.expected.unwrap();
    assert!(svg.contains(&format!("✗ expected {expected}")));
    assert!(text::render(&timeline, 40, false).contains(&format!("✗ expected {expected}")));
}

#[test]
fn a_wrong_returned_value_is_marked_where_the_judge_says() {
    let report = check!(bounded_blocking_queue, lifo::BoundedBlockingQueue, quiet());
    assert_eq!(report.verdict, Verdict::WrongOutput, "{report}");
    let divergence = report.failure.as_ref().unwrap().divergence.clone().expect("a dequeue's value diverged");
    let timeline = drawn(&report);
    // The output the judge counts in: every callback and every value a call returned.
    let outputs = output_steps(&timeline);
    let returned =
        events(&report).events.iter().filter(|e| matches!(e.kind, EventKind::Returned { .. })).count();
    assert!(returned > 0);
    assert_eq!(outputs.len(), returned, "bounded-blocking-queue's output is what dequeue and size return");
    let wrong = wrong_steps(&timeline);
    assert_eq!(wrong, [outputs[divergence.index]], "the judge's value, and only it");
    assert_eq!(timeline.focus, Some(wrong[0]));
    let step = &timeline.steps[wrong[0]];
    assert_eq!(step.label, format!("returned {}", divergence.got.clone().unwrap()));
    assert_eq!(step.kind, StepKind::WrongPrint { why: "breaks the rule".into() });
    let method = divergence.method.unwrap();
    assert!(
        timeline.lanes[step.lane].name.starts_with(&method),
        "{} is not a {method} thread",
        timeline.lanes[step.lane].name
    );
    let svg = svg::render(&timeline, svg::BUDGET);
    assert_eq!(bad_marks(&parse(&svg)), wrong);
}

#[test]
fn a_deadlock_shows_who_waits_for_a_lock_that_another_holds() {
    let report = check!(zero_even_odd, ZeroEvenOdd, quiet());
    assert_eq!(report.verdict, Verdict::Deadlock, "{report}");
    let timeline = drawn(&report);
    let failure = report.failure.as_ref().unwrap();
    let pictured: Vec<&str> = timeline.wait_for.iter().map(|w| w.thread.as_str()).collect();
    let reported: Vec<&str> = failure.threads.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(pictured, reported);
    let mut waits_on_a_lock = 0;
    for span in timeline.blocked.iter().filter(|b| b.until.is_none()) {
        let step = &timeline.steps[span.from];
        if step.kind != StepKind::Op(Operation::LockAcquire) {
            continue;
        }
        waits_on_a_lock += 1;
        let lock = step.object.clone().unwrap();
        let waiter = &timeline.lanes[span.lane].name;
        let holders: Vec<&str> =
            timeline.wait_for.iter().filter(|w| w.holds.contains(&lock)).map(|w| w.thread.as_str()).collect();
        assert_eq!(holders.len(), 1, "{lock} is held by one thread: {:?}", timeline.wait_for);
        assert_ne!(holders[0], waiter, "{waiter} waits for {lock}, held by another");
    }
    assert!(waits_on_a_lock > 0, "opposite lock orders deadlock on a lock");
    let preempted =
        events(&report).events.iter().filter(|e| matches!(e.kind, EventKind::Preempted { .. })).count();
    let marked = timeline.steps.iter().filter(|s| s.preempted_to.is_some()).count()
        + timeline.blocked.iter().filter(|b| b.preempted_to.is_some()).count();
    assert_eq!(marked, preempted, "one switch mark per preemption");
    let svg = svg::render(&timeline, svg::BUDGET);
    parse(&svg);
    assert!(svg.contains("Stuck at the end"));
}

#[test]
fn replaying_the_schedule_draws_the_same_timeline_twice() {
    let report = check!(foobar, FooBar, quiet());
    let schedule = report.failure.as_ref().unwrap().replay.clone();
    let first = threadlab_grader::core::notebook::replay_type(
        threadlab_grader::core::exercise::foobar::adapter!(FooBar),
        &schedule,
        false,
    );
    let second = replay!(foobar, FooBar, &schedule);
    assert_eq!(first.verdict, Verdict::Deadlock);
    assert_eq!(first.events, report.events, "the replay records the run it replays");
    let (a, b) = (first.timeline_svg().unwrap(), second.timeline_svg().unwrap());
    assert_eq!(a, b, "byte-identical");
    assert_eq!(a, report.timeline_svg().unwrap());
}

#[test]
fn every_name_is_escaped_and_the_svg_stays_well_formed() {
    let hostile = "<b>&\"x\"</b>]]>\u{1}'";
    let step = |lane, label: &str, kind| Step {
        lane,
        label: label.into(),
        object: Some(hostile.into()),
        detail: Some(hostile.into()),
        kind,
        preempted_to: Some(hostile.into()),
    };
    let timeline = Timeline {
        title: hostile.into(),
        lanes: vec![
            Lane { name: hostile.into(), harness: false },
            Lane { name: "main".into(), harness: true },
        ],
        steps: vec![
            step(0, hostile, StepKind::Op(Operation::LockAcquire)),
            step(1, "print \"<\"", StepKind::WrongPrint { why: hostile.into() }),
        ],
        blocked: vec![timeline::Blocked {
            lane: 0,
            from: 0,
            until: None,
            on: hostile.into(),
            woken_by: Some(hostile.into()),
            timed_out: false,
            preempted_to: Some(hostile.into()),
        }],
        focus: Some(1),
        wait_for: vec![timeline::WaitFor {
            thread: hostile.into(),
            state: hostile.into(),
            holds: vec![hostile.into()],
        }],
        notes: vec![hostile.into()],
    };
    let svg = svg::render(&timeline, svg::BUDGET);
    let doc = parse(&svg);
    assert!(doc.descendants().all(|n| !n.has_tag_name("script")), "no script");
    let lane = doc
        .descendants()
        .find(|n| n.attribute("data-lane") == Some("0") && n.has_tag_name("text"))
        .and_then(|n| n.text())
        .unwrap();
    assert_eq!(lane, hostile.replace('\u{1}', "\u{fffd}"), "the name reads back as written");
}

#[test]
fn long_runs_fold_around_the_focus_and_every_step_is_accounted_for() {
    let op = |lane| Step {
        lane,
        label: Operation::LockAcquire.to_string(),
        object: None,
        detail: None,
        kind: StepKind::Op(Operation::LockAcquire),
        preempted_to: None,
    };
    let mut steps: Vec<Step> = (0..500).map(|i| op(i % 2)).collect();
    steps[120].kind = StepKind::Print; // eventful, far from the focus
    steps[400].kind = StepKind::WrongPrint { why: "expected foo".into() };
    let timeline = Timeline {
        lanes: vec![Lane { name: "foo".into(), harness: false }, Lane { name: "bar".into(), harness: false }],
        steps,
        focus: Some(400),
        ..Timeline::default()
    };
    let columns = fold::columns(&timeline, 30);
    // The columns cover every step once, in order.
    let mut next = 0;
    for column in &columns {
        match *column {
            Column::Step(s) => {
                assert_eq!(s, next);
                next += 1;
            }
            Column::Fold { from, to } => {
                assert_eq!(from, next);
                assert!(to - from >= 2, "a fold hides at least two steps");
                next = to;
            }
        }
    }
    assert_eq!(next, 500);
    let shown: Vec<usize> =
        columns.iter().filter_map(|c| if let Column::Step(s) = c { Some(*s) } else { None }).collect();
    assert!(shown.len() <= 30);
    assert!((390..=400).all(|s| shown.contains(&s)), "the steps right before the focus: {shown:?}");
    assert!(shown.contains(&120), "an eventful step far from the focus");
    assert!(shown.iter().all(|&s| s <= 402), "what follows the focus folds away");
    assert!(matches!(columns.last(), Some(Column::Fold { to: 500, .. })));
    let svg = svg::render(&timeline, 30);
    let doc = parse(&svg);
    assert_eq!(groups(&doc, "step").len(), shown.len());
    let hidden: usize =
        groups(&doc, "folded").iter().map(|g| data(g, "data-to") - data(g, "data-from")).sum();
    assert_eq!(hidden + shown.len(), 500);
    let text = text::render(&timeline, 30, false);
    assert_eq!(text.lines().count(), 2 + columns.len());
    assert!(text.contains("steps …"));
}

#[test]
fn the_text_report_carries_a_short_table_and_the_json_the_events() {
    let report = check!(foobar, FooBar, quiet());
    let text = report.to_string();
    assert!(text.contains("timeline (a column per thread, a row per step):"), "{text}");
    let table: Vec<&str> = text.lines().skip_while(|l| !l.contains("timeline (")).skip(1).collect();
    assert!(table[0].contains("foo") && table[0].contains("bar") && table[0].contains("main"));
    assert!(table.len() <= 2 + 2 * text::REPORT_BUDGET, "short: {}", table.len());
    assert!(!report.summary().to_string().contains("timeline ("));
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let logged: EventLog = serde_json::from_value(json["events"].clone()).unwrap();
    assert_eq!(Some(&logged), report.events.as_ref());
}

#[test]
fn a_passing_check_keeps_no_events() {
    let report = check!(foobar, FixedFooBar, CheckOptions { repeat: Some(1), ..quiet() });
    assert_eq!(report.verdict, Verdict::Pass, "{report}");
    assert!(report.events.is_none());
    assert!(report.timeline_svg().is_none());
}

#[test]
fn in_a_notebook_the_verdict_text_comes_first_then_the_picture() {
    let report = check!(foobar, FooBar, quiet());
    let mut rich = Vec::new();
    report.show_to(&mut rich, true).unwrap();
    let rich = String::from_utf8(rich).unwrap();
    let (text, block) = rich.split_once("EVCXR_BEGIN_CONTENT image/svg+xml\n").expect("a content block");
    assert_eq!(text, report.summary().to_string(), "the verdict, without the text table");
    let svg = block.strip_suffix("\nEVCXR_END_CONTENT\n").expect("the block closes at the end");
    assert!(!svg.contains('\n'), "one line: nothing in it can close the block early");
    assert_eq!(svg, report.timeline_svg().unwrap().trim_end());
    parse(svg);

    // In a terminal: the text report with its table, no block.
    let mut plain = Vec::new();
    report.show_to(&mut plain, false).unwrap();
    let plain = String::from_utf8(plain).unwrap();
    assert_eq!(plain, report.to_string());
    assert!(!plain.contains("EVCXR_BEGIN_CONTENT"));
}

/// Zero prints the numbers too: a token its method may not print.
pub struct GreedyZero {
    n: usize,
}

impl GreedyZero {
    pub fn new(n: usize) -> GreedyZero {
        GreedyZero { n }
    }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for i in 1..=self.n {
            print_number(i);
        }
    }
    pub fn even(&self, _print_number: impl Fn(usize)) {}
    pub fn odd(&self, _print_number: impl Fn(usize)) {}
}

#[test]
fn a_token_from_the_wrong_thread_is_marked_as_such() {
    let report = check!(zero_even_odd, GreedyZero, quiet());
    assert_eq!(report.verdict, Verdict::WrongThread, "{report}");
    let timeline = drawn(&report);
    let wrong: Vec<&Step> =
        timeline.steps.iter().filter(|s| matches!(s.kind, StepKind::WrongPrint { .. })).collect();
    assert_eq!(wrong.len(), 1);
    assert_eq!(wrong[0].kind, StepKind::WrongPrint { why: "printed from the wrong thread".into() });
    assert_eq!(timeline.lanes[wrong[0].lane].name, "zero");
}
