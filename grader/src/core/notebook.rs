//! The check that runs inside the learner's own process (the notebooks' in-kernel check):
//! the same harness, schedulers and judge as the command-line grader, on a type that is
//! already compiled, printing the same verdict text.
//!
//! There is no source to inspect here, so the mode is found at run time: controlled
//! scheduling first; if a thread keeps running without reaching a `threading`
//! synchronisation point (it blocks on `std::sync`, spins on an atomic), the check switches
//! to OS chaos for the remaining runs. There is no sandbox either: the learner checks their
//! own code. A deadlocked or spinning thread cannot be killed in process; it is left behind.
//! The check installs its own scheduler and `threading` excepthook while it runs, and puts
//! back the learner's hook (if any) after each run.

use crate::core::harness::{NoSink, RunLimits, Sink};
use crate::core::judge::Verdict;
use crate::core::plan::{Budget, Mode, PlanOptions, Runs};
use crate::core::report::Report;
use crate::core::session::{self, SessionResult};
use crate::core::subject::Subject;
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

/// The note for a check whose controlled runs turned into OS-chaos runs.
pub const FELL_BACK: &str = "a thread ran without reaching a `threading` synchronisation point (it busy-waits \
     on a read such as `Event::is_set`, or blocks on `std::sync`, atomics or channels): \
     the runs after it used real threads with injected delays (OS chaos) instead of controlled scheduling";

/// The note for a check that stopped at its time budget.
pub fn budget_note(runs: usize, planned: usize) -> String {
    format!(
        "stopped at the time budget after {runs} of {planned} planned runs (every start order and n covered)"
    )
}

/// Options of the in-process check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The scheduling mode; `None` starts controlled and falls back to OS chaos at run time
    /// (see the module docs).
    pub mode: Option<Mode>,
    /// Seed of the plan.
    pub seed: u64,
    /// Rounds over every (start order, n); `None` for the default.
    pub repeat: Option<usize>,
    /// Bounds on each run.
    pub limits: RunLimits,
    /// Print the report to stdout.
    pub print: bool,
    /// Stop after this many milliseconds (once the minimum runs are made); `None`: run the
    /// whole plan.
    pub budget_ms: Option<u64>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            mode: None,
            seed: 1,
            repeat: None,
            limits: RunLimits::default(),
            print: true,
            budget_ms: Some(crate::core::plan::DEFAULT_BUDGET_MS),
        }
    }
}

fn base_report(exercise: &str, seed: u64, mode: Mode, result: &SessionResult) -> Report {
    let mut report =
        Report::new(result.failure.as_ref().map(|f| f.verdict).unwrap_or(Verdict::Pass), exercise, seed);
    report.mode = Some(mode);
    report.runs = result.runs;
    report.planned_runs = result.planned;
    report.failure = result.failure.clone();
    report.events = result.failed_record.as_ref().map(|r| r.events.clone()).filter(|e| !e.is_empty());
    report
}

/// Checks `subject` in this process and returns (and, by default, prints) the report.
pub fn grade_type(subject: Subject, options: &CheckOptions) -> Report {
    let mode = options.mode.unwrap_or(Mode::Controlled);
    let runs = Runs::Plan(PlanOptions { mode, seed: options.seed, repeat: options.repeat });
    let budget = runs.budget(subject.exercise, options.budget_ms);
    run_in_process(subject, &runs, options.seed, &options.limits, budget, options.print)
}

/// Reruns one failing run from its replay string, in this process.
pub fn replay_type(subject: Subject, schedule: &str, print: bool) -> Report {
    let runs = Runs::Replay(schedule.to_string());
    run_in_process(subject, &runs, 0, &RunLimits::default(), None, print)
}

fn run_in_process(
    subject: Subject,
    runs: &Runs,
    seed: u64,
    limits: &RunLimits,
    budget: Option<Budget>,
    print: bool,
) -> Report {
    let started = Instant::now();
    let exercise = subject.exercise;
    let report = match runs.specs(exercise) {
        Err(e) => {
            let mut report = Report::new(Verdict::Rejected, exercise.id, seed);
            report.notes.push(e.to_string());
            report
        }
        Ok(specs) => {
            let mode = specs[0].strategy.mode();
            let sink: Arc<dyn Sink> = Arc::new(NoSink);
            let result = session::run_plan(&Arc::new(subject), specs, limits, &sink, budget, |_| {});
            let mut report = base_report(exercise.id, seed, mode, &result);
            // A replay's one run says so itself (its replay string has the preemption).
            if result.escaped_control && matches!(runs, Runs::Plan(_)) {
                report.notes.push(FELL_BACK.into());
            }
            if result.failure.is_none() && result.runs < result.planned {
                report.notes.push(budget_note(result.runs, result.planned));
            }
            report.duration_ms = started.elapsed().as_millis() as u64;
            report
        }
    };
    if print {
        report.show();
    }
    report
}

/// Whether this process runs a notebook's cells (evcxr's runtime child), where stdout can
/// carry rich content blocks.
fn in_notebook() -> bool {
    std::env::var_os("EVCXR_IS_RUNTIME").is_some()
}

impl Report {
    /// How evcxr shows a report that ends a notebook cell: its text.
    pub fn evcxr_display(&self) {
        println!("EVCXR_BEGIN_CONTENT text/plain\n{self}EVCXR_END_CONTENT");
    }

    /// Prints the report: in a notebook, its text and then the failing run's timeline as a
    /// picture (an `image/svg+xml` content block); elsewhere the text with the timeline as a
    /// table.
    pub fn show(&self) {
        let mut out = std::io::stdout().lock();
        let _ = self.show_to(&mut out, in_notebook());
        let _ = out.flush();
    }

    /// What [`Report::show`] prints, written to `out`; `rich` for a notebook (evcxr reads a
    /// content block from the cell's stdout: the SVG is one line, so no line of it can close
    /// the block early).
    pub fn show_to(&self, out: &mut impl Write, rich: bool) -> std::io::Result<()> {
        match self.timeline_svg().filter(|_| rich) {
            Some(svg) => {
                write!(out, "{}", self.summary())?;
                writeln!(out, "EVCXR_BEGIN_CONTENT image/svg+xml\n{}\nEVCXR_END_CONTENT", svg.trim_end())
            }
            None => write!(out, "{self}"),
        }
    }

    /// The failing run's timeline as SVG, if the run recorded its steps (controlled runs).
    pub fn timeline_svg(&self) -> Option<String> {
        let timeline = crate::core::timeline::from_run::of_report(self)?;
        Some(crate::core::timeline::svg::render(&timeline, crate::core::timeline::svg::BUDGET))
    }
}
