//! The whole pipeline for one submission: load → check → build → run → judge → report.
//!
//! The verdict is computed here, in the grader process, from the child's raw event stream:
//! every planned run must close with the nonce, every run is judged from its tokens, and a
//! child that stops early, crashes, hangs or prints too much fails with the verdict its
//! exit explains.

use crate::cli::build::{self, BuildError};
use crate::cli::load::Source;
use crate::cli::policy::{self, Analysis};
use crate::cli::prepare::{self, FILE_NAME};
use crate::cli::runner::{self, ChildOutcome};
use crate::cli::sandbox;
use crate::core::events::EventLog;
use crate::core::exercise::Exercise;
use crate::core::harness::RunLimits;
use crate::core::judge::{Divergence, Failure, MethodOutput, Verdict, judge};
use crate::core::plan::{Mode, PlanCursor, PlanOptions, RunSpec, Runs};
use crate::core::protocol::{ChildConfig, Message};
use crate::core::record::{EventKind, Printed, RunRecord};
use crate::core::report::{Diagnostic, Report, Timings};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use thiserror::Error;

/// The run stage's wall-clock limit by default (`--timeout`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// How to grade.
#[derive(Debug, Clone)]
pub struct Options {
    /// Seed of the plan.
    pub seed: u64,
    /// Rounds over every (start order, n); `None` for the default.
    pub repeat: Option<usize>,
    /// Wall-clock limit of the run stage.
    pub timeout: Duration,
    /// Force a scheduling mode (default: from the source).
    pub mode: Option<Mode>,
    /// Rerun only this replay string.
    pub replay: Option<String>,
    /// The cache directory.
    pub cache: PathBuf,
    /// Job slot (parallel batch grading).
    pub slot: usize,
    /// Install the seccomp filter in the child.
    pub seccomp: bool,
    /// Bytes the submission may print.
    pub output_limit: u64,
    /// Resource limits of the child.
    pub limits: sandbox::ResourceLimits,
    /// Time budget of the run stage, milliseconds (ignored with `repeat` or `replay`).
    pub budget_ms: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 1,
            repeat: None,
            timeout: DEFAULT_TIMEOUT,
            mode: None,
            replay: None,
            cache: build::default_cache(),
            slot: 0,
            seccomp: true,
            output_limit: 1 << 20,
            limits: sandbox::ResourceLimits::default(),
            budget_ms: Some(crate::core::plan::DEFAULT_BUDGET_MS),
        }
    }
}

/// A failure of the grader itself (not of the submission).
#[derive(Debug, Error)]
pub enum GradeError {
    /// Building the runtime or writing the cache failed.
    #[error(transparent)]
    Build(BuildError),
    /// Starting the child failed.
    #[error("cannot run the submission: {0}")]
    Run(std::io::Error),
    /// The replay string does not parse.
    #[error(transparent)]
    Replay(#[from] crate::core::schedule::ReplayError),
}

fn diagnostic(source: &Source, line: Option<usize>, message: String, rendered: Option<String>) -> Diagnostic {
    Diagnostic { location: line.and_then(|l| source.label(l)), line, message, rendered }
}

/// The scheduling mode the source calls for, and why.
pub fn mode_for(analysis: &Analysis) -> (Mode, Option<String>) {
    match analysis.outside.first() {
        None => (Mode::Controlled, None),
        Some(first) => {
            let mut what: Vec<&str> = Vec::new();
            for o in &analysis.outside {
                if !what.contains(&o.what.as_str()) {
                    what.push(&o.what);
                }
            }
            what.truncate(4);
            let why = format!(
                "uses what no scheduler controls ({} at line {}): real threads with injected delays \
                 and starvation windows (OS chaos) instead of controlled scheduling",
                what.join(", "),
                first.line
            );
            (Mode::Chaos, Some(why))
        }
    }
}

/// Grades `source` for `exercise`.
pub fn grade(exercise: &'static Exercise, source: &Source, options: &Options) -> Result<Report, GradeError> {
    let started = Instant::now();
    let mut report = Report::new(Verdict::Pass, exercise.id, options.seed);
    report.submission = Some(source.name.clone());
    let mut timings = Timings::default();

    // Check.
    let analysis = policy::analyze(&source.text);
    timings.check_ms = started.elapsed().as_millis() as u64;
    if !analysis.violations.is_empty() {
        report.verdict = Verdict::Rejected;
        report.diagnostics = analysis
            .violations
            .iter()
            .map(|v| diagnostic(source, Some(v.line), v.message.clone(), None))
            .collect();
        report.duration_ms = started.elapsed().as_millis() as u64;
        report.timings = Some(timings);
        return Ok(report);
    }
    for removal in &analysis.removals {
        let place = source.label(removal.first_line).unwrap_or_default();
        report.notes.push(format!("{} at {place} was not compiled", removal.what));
    }
    let runs = match &options.replay {
        Some(replay) => Runs::Replay(replay.clone()),
        None => {
            let (chosen, why) = mode_for(&analysis);
            if let (None, Some(why)) = (options.mode, why) {
                report.notes.push(format!("the code {why}"));
            }
            let mode = options.mode.unwrap_or(chosen);
            Runs::Plan(PlanOptions { mode, seed: options.seed, repeat: options.repeat })
        }
    };
    let specs = runs.specs(exercise)?;
    let mode = specs[0].strategy.mode();
    report.mode = Some(mode);
    report.planned_runs = specs.len();

    // Build.
    let build_started = Instant::now();
    let prepared = prepare::source(exercise, &source.text, &analysis, true);
    let runtime = build::runtime(&options.cache).map_err(GradeError::Build)?;
    let built = match build::compile(&runtime, &options.cache, &prepared) {
        Ok(built) => built,
        Err(BuildError::Compile(mut messages)) => {
            if !analysis.edits.is_empty()
                && let Ok(original) = build::diagnose(
                    &runtime,
                    &options.cache,
                    &prepare::source(exercise, &source.text, &analysis, false),
                )
                && !original.is_empty()
            {
                messages = original;
            }
            report.verdict = Verdict::CompileError;
            report.diagnostics = compile_diagnostics(source, exercise, messages);
            timings.build_ms = build_started.elapsed().as_millis() as u64;
            report.timings = Some(timings);
            report.duration_ms = started.elapsed().as_millis() as u64;
            return Ok(report);
        }
        Err(BuildError::CompileLimit(limit)) => {
            report.verdict = Verdict::CompileError;
            report.diagnostics.push(diagnostic(
                source,
                None,
                format!("compiling took longer than {} s or more memory than allowed", limit.as_secs()),
                None,
            ));
            report.duration_ms = started.elapsed().as_millis() as u64;
            return Ok(report);
        }
        Err(other) => return Err(GradeError::Build(other)),
    };
    timings.build_ms = built.elapsed.as_millis() as u64;
    timings.build_cached = built.cached;

    // Run.
    let run_started = Instant::now();
    let config = ChildConfig {
        exercise: exercise.id.to_string(),
        budget: runs.budget(exercise, options.budget_ms),
        runs,
        nonce: fastrand::u64(..),
        limits: RunLimits {
            run_timeout: options.timeout.min(RunLimits::default().run_timeout),
            ..RunLimits::default()
        },
        seccomp: options.seccomp,
    };
    let limits = sandbox::ResourceLimits { cpu_seconds: 2 * options.timeout.as_secs() + 5, ..options.limits };
    let outcome = runner::run(&runner::Request {
        binary: &built.binary,
        config: &config,
        // Stretched on a busy machine, as the child's own limits are.
        wall: options.timeout.mul_f64(crate::core::cputime::load_factor()),
        output_limit: options.output_limit,
        limits,
        slot: options.slot,
    })
    .map_err(GradeError::Run)?;

    // Judge.
    let judgement = judge_stream(exercise, &specs, &config, &outcome);
    report.verdict = judgement.failure.as_ref().map(|f| f.verdict).unwrap_or(Verdict::Pass);
    report.runs = judgement.runs;
    if judgement.planned > 0 {
        report.planned_runs = judgement.planned;
    }
    if judgement.failure.is_none() && judgement.runs < judgement.planned {
        report.notes.push(crate::core::notebook::budget_note(judgement.runs, judgement.planned));
    }
    report.failure = judgement.failure;
    report.events = judgement.events;
    report.diagnostics.extend(judgement.details.into_iter().map(|d| diagnostic(source, None, d, None)));
    if judgement.fell_back {
        report.notes.push(crate::core::notebook::FELL_BACK.into());
    }
    // Say what did not hold, if anything (a report from a machine where the sandbox is whole
    // says nothing about it).
    let caps = sandbox::capabilities();
    let seccomp_failed = options.seccomp && judgement.seccomp != Some(true);
    if seccomp_failed || !caps.switch_user || !caps.network_namespace {
        report.notes.push(format!("sandbox: {}", sandbox::describe(Some(judgement.seccomp == Some(true)))));
    }
    if outcome.stdout.total > 0 && report.verdict != Verdict::Pass {
        report
            .notes
            .push(format!("the submission printed {} bytes of its own (not graded)", outcome.stdout.total));
    }
    timings.run_ms = run_started.elapsed().as_millis() as u64;
    report.timings = Some(timings);
    report.relabel_locations(FILE_NAME, &|line| source.label(line));
    report.duration_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

fn compile_diagnostics(
    source: &Source,
    exercise: &Exercise,
    messages: Vec<crate::cli::build::CompilerMessage>,
) -> Vec<Diagnostic> {
    let learner_lines = source.text.lines().count();
    messages
        .into_iter()
        .map(|m| {
            let in_harness = m.line.is_none_or(|l| l > learner_lines);
            let message = if in_harness {
                format!(
                    "{} — the grader calls your type as in the skeleton (one object shared by the method threads: Send + Sync); check that `{}` and its methods have exactly these signatures:\n{}",
                    m.message, exercise.type_name, exercise.skeleton
                )
            } else {
                m.message.clone()
            };
            let mut rendered = crate::core::report::relabel(&m.rendered, FILE_NAME, &|line| {
                (line <= learner_lines).then(|| source.label(line)).flatten()
            });
            if in_harness {
                rendered = format!(
                    "The grader calls `{}` as in the skeleton and shares one object between the method threads \
                     (so it must be Send + Sync), and that does not compile; check these signatures:\n{}\n\nrustc says:\n{rendered}",
                    exercise.type_name,
                    indent(exercise.skeleton)
                );
            }
            diagnostic(source, m.line.filter(|&l| l <= learner_lines), message, Some(rendered))
        })
        .collect()
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}

/// The verdict computed from the child's stream.
#[derive(Debug, Default)]
pub struct StreamJudgement {
    /// Runs that reported (the failing one included).
    pub runs: usize,
    /// The first failure.
    pub failure: Option<Failure>,
    /// Extra details for the report (stderr of a crash).
    pub details: Vec<String>,
    /// Whether the child said its seccomp filter is installed.
    pub seccomp: Option<bool>,
    /// Whether controlled runs turned into OS-chaos runs (a time-slice preemption happened).
    pub fell_back: bool,
    /// Runs planned in the end (fewer after a fall-back to OS chaos).
    pub planned: usize,
    /// The failing run's events, when it was a controlled run that reported its end.
    pub events: Option<EventLog>,
}

/// Judges the child's stream: each planned run in order must have reported, with the nonce,
/// and pass. The plan moves on as the child's did: one [`PlanCursor`] rule on both sides.
pub fn judge_stream(
    exercise: &Exercise,
    specs: &[RunSpec],
    config: &ChildConfig,
    outcome: &ChildOutcome,
) -> StreamJudgement {
    let mut judgement = StreamJudgement::default();
    let mut printed: HashMap<usize, Vec<Printed>> = HashMap::new();
    let mut ends: HashMap<usize, RunRecord> = HashMap::new();
    let mut done = None;
    let mut forged = 0;
    for message in &outcome.messages {
        match message {
            Message::Printed { run, printed: p } => printed.entry(*run).or_default().push(p.clone()),
            Message::End { nonce, record } if *nonce == config.nonce => {
                ends.entry(record.run).or_insert_with(|| record.clone());
            }
            Message::Done { nonce, runs } if *nonce == config.nonce => done = Some(*runs),
            Message::End { .. } | Message::Done { .. } => forged += 1,
            Message::Sandbox { seccomp, .. } => judgement.seccomp = Some(*seccomp),
        }
    }
    let mut cursor = PlanCursor::new(specs.to_vec());
    // A child that spent its time budget stops early: fewer runs, but never fewer than the
    // budget's minimum.
    let stop = match (config.budget, done) {
        (Some(budget), Some(runs)) if runs >= budget.min_runs.min(specs.len()) => runs,
        _ => usize::MAX,
    };
    while cursor.position() < stop
        && let Some(spec) = cursor.current().cloned()
    {
        let mut tokens = printed.remove(&spec.index).unwrap_or_default();
        let ordered = tokens.iter().enumerate().all(|(i, p)| p.seq == i as u64);
        tokens.sort_by_key(|p| p.seq);
        judgement.runs += 1;
        match ends.remove(&spec.index) {
            Some(mut record) if ordered => {
                record.printed = tokens;
                if let Some(failure) = judge(exercise, &spec, &record) {
                    judgement.failure = Some(failure);
                    judgement.events = Some(record.events).filter(|e| !e.is_empty());
                    judgement.fell_back = cursor.fell_back();
                    return judgement;
                }
                cursor.advance(&record);
            }
            _ => {
                let horizon = cursor.horizon(spec.n).unwrap_or_else(|| {
                    crate::core::harness::default_horizon((exercise.expected)(spec.n).len())
                });
                judgement.failure =
                    Some(stopped(exercise, &spec, &tokens, outcome, horizon, forged, &mut judgement.details));
                judgement.fell_back = cursor.fell_back();
                return judgement;
            }
        }
    }
    judgement.fell_back = cursor.fell_back();
    judgement.planned = cursor.specs().len();
    if done != Some(judgement.planned.min(stop)) || forged > 0 || outcome.garbage > 0 {
        let spec = cursor.specs().last().expect("plans are never empty");
        judgement.details.push("the harness did not confirm the end of the check".into());
        judgement.failure = Some(stopped(exercise, spec, &[], outcome, 0, forged, &mut judgement.details));
    }
    judgement
}

/// The failure of a run that never reported its end: the child crashed, was killed, or
/// exited early. Which one is read from how it ended.
fn stopped(
    exercise: &Exercise,
    spec: &RunSpec,
    tokens: &[Printed],
    outcome: &ChildOutcome,
    horizon: u64,
    forged: usize,
    details: &mut Vec<String>,
) -> Failure {
    use std::os::unix::process::ExitStatusExt;
    let stderr = &outcome.stderr.head;
    let signal = outcome.status.and_then(|s| s.signal());
    let code = outcome.status.and_then(|s| s.code());
    let (verdict, message) = if outcome.output_exceeded {
        (Verdict::LimitExceeded, "the submission printed more than the output limit".to_string())
    } else if outcome.timed_out {
        (Verdict::Timeout, format!("the check did not finish in {:.0} s", outcome.elapsed.as_secs_f64()))
    } else if signal == Some(libc::SIGXCPU) {
        (Verdict::Timeout, "the CPU time limit was reached (spinning?)".to_string())
    } else if stderr.contains("memory allocation of") || stderr.contains("out of memory") {
        (Verdict::LimitExceeded, "the memory limit was reached".to_string())
    } else if stderr.contains("failed to spawn thread") || stderr.contains("Resource temporarily unavailable")
    {
        (Verdict::LimitExceeded, "the thread limit was reached".to_string())
    } else if stderr.contains("has overflowed its stack") {
        (Verdict::Panic, "a thread overflowed its stack (unbounded recursion?)".to_string())
    } else if let Some(signal) = signal {
        (Verdict::Panic, format!("the program crashed (signal {signal})"))
    } else if forged > 0 {
        (Verdict::Panic, "the run's end marker did not carry the grader's nonce".to_string())
    } else {
        match code {
            Some(0) => {
                (Verdict::Panic, "the program exited before the grader's harness finished".to_string())
            }
            Some(code) => {
                (Verdict::Panic, format!("the program exited with status {code} before the check finished"))
            }
            None => (Verdict::Panic, "the program stopped before the check finished".to_string()),
        }
    };
    if !stderr.trim().is_empty() {
        let tail: Vec<&str> = stderr.trim_end().lines().rev().take(12).collect();
        details
            .push(format!("stderr (last lines):\n{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n")));
    }
    let expected = (exercise.expected)(spec.n);
    let tokens: Vec<&Printed> = tokens.iter().filter(|p| p.kind == EventKind::Callback).collect();
    Failure {
        verdict,
        message,
        run: spec.index,
        n: spec.n,
        start_order: crate::core::judge::start_order(exercise, spec),
        expected: exercise.expected_text(spec.n),
        got: exercise.join(tokens.iter().map(|p| &p.token)),
        divergence: Some(Divergence {
            index: tokens.len(),
            expected: if exercise.exact {
                expected.get(tokens.len()).map(ToString::to_string)
            } else {
                Some("the rest of a correct run".to_string())
            },
            got: None,
            method: None,
        }),
        by_method: (0..exercise.roles.len())
            .map(|role| MethodOutput {
                method: exercise.role_name(role).to_string(),
                printed: tokens.iter().filter(|p| p.role == role).map(|p| p.token.to_string()).collect(),
            })
            .collect(),
        threads: Vec::new(),
        location: None,
        replay: spec.schedule(None, horizon).to_string(),
        mode: spec.strategy.mode(),
        note: Some("the run did not report its end: its replay reruns the same strategy and seed".into()),
    }
}
