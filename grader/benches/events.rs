//! What recording a controlled run's events costs: correct FooBar runs under the controller
//! (PCT), timed through `run_once`, as microseconds per run and per scheduling point.
//!
//! `cargo bench -p threadlab-grader --bench events --profile release`; to compare, make
//! `EventLog::push` and `EventLog::op` return at once and run it again (see BENCHMARKS.md).

use std::sync::Arc;
use std::time::Instant;
use threadlab_grader::core::harness::{NoSink, RunLimits, Sink, run_once};
use threadlab_grader::core::plan::{RunSpec, StrategySpec};

/// FooBar with a condition and a turn: correct, about ten points per token.
pub struct FooBar {
    n: usize,
    turn: threading::Condition<bool>,
}

impl FooBar {
    pub fn new(n: usize) -> FooBar {
        FooBar { n, turn: threading::Condition::with_data(true) }
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

fn main() {
    let subject = Arc::new(threadlab_grader::core::exercise::foobar::adapter!(FooBar));
    let sink: Arc<dyn Sink> = Arc::new(NoSink);
    println!("| n | runs | median µs per run | steps per run | median ns per step | events kept |");
    println!("|---|---|---|---|---|---|");
    for (n, runs) in [(10, 200), (100, 60), (1000, 12)] {
        let mut micros = Vec::new();
        let mut steps = 0;
        let mut events = 0;
        for seed in 0..runs {
            let spec = RunSpec {
                index: 0,
                n,
                order: vec![(seed % 2) as usize, 1 - (seed % 2) as usize],
                strategy: StrategySpec::Pct { seed, depth: 2, horizon: None },
            };
            let started = Instant::now();
            let record = run_once(&subject, &spec, &RunLimits::default(), &sink);
            micros.push(started.elapsed().as_secs_f64() * 1e6);
            steps = record.steps;
            events = record.events.events.len();
            assert_eq!(record.printed.len(), 2 * n, "a correct solution");
        }
        micros.sort_by(f64::total_cmp);
        let median = micros[micros.len() / 2];
        println!(
            "| {n} | {runs} | {median:.0} | {steps} | {:.0} | {events} |",
            median * 1000.0 / steps.max(1) as f64
        );
    }
}
